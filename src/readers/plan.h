/* plan.h: what a build is made of, before anything is read: the inputs in order (with per-entry
 * overrides and parts) and the book-level settings. Made from the command line's inputs, a
 * reading-list YAML file, or a folder. */
#ifndef SHEAF_PLAN_H
#define SHEAF_PLAN_H

#include "base/diag.h"
#include "model/meta.h"

typedef struct plan_entry {
    char *path;     /* a file path as it can be opened, or "-" for standard input */
    meta overrides; /* entry overrides (title, author, date, source, lang, dir, speakers) */
    int part;       /* index into plan.parts, or -1 */
    char *origin;   /* where the entry was named (list file), for messages; may be NULL */
    const char *data; /* when set, the article's bytes (borrowed), read instead of `path` */
    size_t data_len;
    int line;       /* line in `origin`, 0 when unknown */
    int is_url;     /* `path` is a web address (http or https, normalised), fetched before
                     * it is read (readers/fetch.c) */
} plan_entry;

typedef struct plan {
    meta book;               /* book-level metadata from the list file */
    strlist parts;           /* part titles */
    plan_entry *entries;
    size_t len, cap;
    strlist resource_paths;  /* directories for site-absolute image paths */
    strlist skipped;         /* entries left out under --keep-going, for the summary */
} plan;

void plan_init(plan *p);
void plan_free(plan *p);
/* Append one entry for `path` (copied); returns it so the caller can fill overrides. */
plan_entry *plan_add(plan *p, const char *path);
/* Append one entry for the web address `url` (http or https): normalised (base/url.h) and
 * marked is_url. Returns the entry, or NULL when `url` is not a valid http or https address
 * (nothing is added). */
plan_entry *plan_add_url(plan *p, const char *url);

/* Read a reading-list YAML file into p. Relative paths and globs are resolved against the list
 * file's folder; web addresses ("- https://...", or "url:" in a mapping entry) are kept as
 * they are. Errors and warnings name the list file and line. With keep_going, entries
 * that cannot be read become warnings and are listed in p->skipped. Returns 0 or -1. */
int plan_read_list(plan *p, const char *list_path, int keep_going, diag_list *diags);
/* Every article file (.md, .markdown, .txt, .html, .htm, .xhtml) and caption file (.vtt,
 * .srt, .json) directly in `dir`, in natural order (2 before 10).
 * Returns 0, or -1 (with a diagnostic) when there is none or the folder cannot be read. */
int plan_read_dir(plan *p, const char *dir, diag_list *diags);

#endif
