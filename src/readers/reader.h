/* reader.h: one input -> the article model (model/article.h).
 *
 * Each input format has a reader, a sibling module that fills the same model: markdown.c
 * (Markdown and plain text), html.c (web pages). reader_read loads the input's bytes (a file,
 * standard input, or bytes the plan already holds), refuses what is not text, picks the
 * reader, and applies the plan entry's overrides on top of what the reader found. */
#ifndef SHEAF_READER_H
#define SHEAF_READER_H

#include "model/article.h"
#include "model/options.h"
#include "readers/plan.h"

/* Largest input accepted: far above any article, low enough to refuse a mistaken disk image. */
#define READER_MAX_BYTES ((size_t)256 << 20)

typedef enum reader_format {
    READER_MARKDOWN, /* Markdown, and plain text */
    READER_HTML      /* a web page */
} reader_format;

/* The reader for a local entry: --from for standard input, else the file's name (.html, .htm,
 * .xhtml, .shtml; .md, .markdown, .txt), else --from, else the bytes (html_sniff). (Pages
 * fetched from the web are read by readers/webpage.c, by their media type.) */
reader_format reader_format_pick(const plan_entry *e, const build_options *o, const char *raw,
                                 size_t len);

/* Read the entry into `a` (a new article): metadata, body tree, source text. Messages go to
 * a->diags. Returns 0, or -1 when the input cannot be used. */
int reader_read(article *a, const plan_entry *e, const build_options *o);

#endif
