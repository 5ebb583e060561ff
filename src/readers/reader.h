/* reader.h: one input -> the article model (model/article.h).
 *
 * Each input format has a reader, a sibling module that fills the same model: markdown.c
 * (Markdown and plain text), html.c (web pages), captions.c (caption files: vtt.c, srt.c,
 * podjson.c). reader_read loads the input's bytes (a file, standard input, or bytes the plan
 * already holds), refuses what is not text, picks the reader (reader_format_pick), and applies
 * the plan entry's overrides on top of what the reader found. */
#ifndef SHEAF_READER_H
#define SHEAF_READER_H

#include "model/article.h"
#include "model/options.h"
#include "readers/plan.h"

/* Largest input accepted: far above any article, low enough to refuse a mistaken disk image. */
#define READER_MAX_BYTES ((size_t)256 << 20)

typedef enum reader_format {
    READER_MARKDOWN, /* Markdown, and plain text */
    READER_HTML,     /* a web page */
    READER_VTT,      /* starts with "WEBVTT" */
    READER_SRT,      /* starts with a card number and a "-->" timing line */
    READER_JSON      /* starts with a JSON object (or a list of objects): a transcript */
} reader_format;

/* The reader for a local entry: --from for standard input; else a caption file's content
 * (reader_format_sniff: WebVTT, SubRip, JSON, whatever the name says); else the file's name
 * (.html, .htm, .xhtml, .shtml; .md, .markdown, .txt; .vtt, .srt, .json, so that a broken
 * caption file is reported as one); else --from; else the bytes (html_sniff). (Pages fetched
 * from the web are read by readers/webpage.c, by their media type.) */
reader_format reader_format_pick(const plan_entry *e, const build_options *o, const char *raw,
                                 size_t len);

/* The caption format the first bytes of raw (len bytes, as read: a BOM, CRLF) show, or
 * READER_MARKDOWN when they show none. */
reader_format reader_format_sniff(const char *raw, size_t len);
/* The format a --from value names ("markdown", "md", "text", "html", "htm", "vtt", "webvtt",
 * "srt", "subrip", "json"; ASCII case-insensitive) in *f: 0, or -1 for an unknown name. */
int reader_format_named(const char *name, reader_format *f);

/* The names a list entry and then the command line give speaker labels, appended to `names`
 * (later ones win when readers/captions.c looks a label up). */
void reader_speaker_names(speaker_list *names, const plan_entry *e, const build_options *o);
/* Read caption file `raw` (len bytes, borrowed) of format f (READER_VTT, READER_SRT or
 * READER_JSON) for entry `e` into `a`, whose path, key and dir are set: its sidecar file when
 * it is a local file, then the entry's and the command line's names for its labels
 * (readers/captions.c). Returns 0, or -1 with an error in a->diags. */
int reader_captions(article *a, const plan_entry *e, const char *raw, size_t len,
                    reader_format f, const build_options *o);

/* Read the entry into `a` (a new article): metadata, body tree, source text. Messages go to
 * a->diags. Returns 0, or -1 when the input cannot be used. */
int reader_read(article *a, const plan_entry *e, const build_options *o);

#endif
