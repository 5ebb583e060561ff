/* html.h: the web page reader: a page saved from a browser, or a page's bytes fetched from the
 * web, becomes an article, as Firefox's Reader View would show it.
 *
 * bytes -> UTF-8 (readers/charset.c: byte-order mark, transport charset, <meta charset>, then
 * the bytes themselves) -> an HTML5 tree (base/html5.c) -> metadata and the article's content
 * (readers/readability.c; with --extract=off the whole <body>) -> the article model's cmark tree
 * (readers/htmlconv.c). The passes and writers then treat it as any other article. A page that
 * is a Podcasting 2.0 HTML transcript (<cite> speaker, <time> start, <p> speech:
 * readers/htmlcues.c) becomes an interview instead, through readers/captions.c, as caption
 * files do. */
#ifndef SHEAF_HTML_H
#define SHEAF_HTML_H

#include <stddef.h>

#include "model/article.h"
#include "model/options.h"

/* What is known about a page besides its bytes (all may be NULL). */
typedef struct html_source {
    const char *url;        /* the page's address (the final one, after redirects) */
    const char *media_type; /* its Content-Type as received, e.g. "text/html; charset=utf-8" */
    const speaker_list *speaker_names; /* names for a transcript's labels (list entry, command
                                          line); NULL: the command line's */
} html_source;

/* Read the page `raw` (len bytes, borrowed) into `a`, whose path, key and dir are set (dir: the
 * folder the page was saved in, where its images are). Fills a->meta (title, authors, date,
 * language, direction, description, publisher, source), a->doc, a->text (the article's text,
 * for its word count), a->digest. Returns 0, or -1 with an error in a->diags naming the file
 * (a page with no article in it is an error). */
int html_read(article *a, const char *raw, size_t len, const html_source *src,
              const build_options *o);

/* 1 when the bytes look like an HTML document (a doctype or <html> first, after a byte-order
 * mark, space and comments), for inputs whose name does not say. */
int html_sniff(const char *raw, size_t len);

#endif
