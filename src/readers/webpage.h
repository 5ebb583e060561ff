/* webpage.h: a page fetched from the web (readers/fetch.c) -> the reader of what it is.
 *
 * What came back decides the reader, never the address's suffix: its bytes first (a PDF, an
 * image, an archive is refused whatever it was served as), then its media type (text/html and
 * application/xhtml+xml to the HTML reader; text/markdown and text/plain to the Markdown
 * reader, unless the text is a caption file; text/vtt, application/x-subrip (and its kin) to the
 * caption readers, and application/json when it holds a transcript's "segments"; other types
 * refused), and where the type is missing or says nothing (application/octet-stream) the bytes
 * again: a caption file is one, markup that opens like HTML is HTML, other text is Markdown. The final address (after redirects) becomes the article's source and the base
 * its relative links and images resolve against (article.base_url); nothing a page says can
 * make sheaf read a local file (its front matter's `cover` is ignored). */
#ifndef SHEAF_WEBPAGE_H
#define SHEAF_WEBPAGE_H

#include <stddef.h>

#include "model/article.h"
#include "model/options.h"
#include "readers/plan.h"

typedef enum webpage_kind {
    WEBPAGE_REFUSED, /* not something sheaf reads */
    WEBPAGE_HTML,
    WEBPAGE_TEXT,    /* Markdown or plain text */
    WEBPAGE_CAPTIONS /* a caption file or transcript: WebVTT, SubRip, Podcasting 2.0 JSON */
} webpage_kind;

/* Decide how a fetched body is read, from its Content-Type value (may be NULL) and its bytes.
 * When refused, *what (when not NULL) is set to a new string the caller frees, saying what it
 * is: "a PDF document", "a PNG image", "binary data", or "'application/json'" (the type). */
webpage_kind webpage_kind_of(const char *content_type, const unsigned char *body, size_t len,
                             char **what);

/* Read the page fetched for entry `e` into the new article `a`: `body` (len bytes, borrowed),
 * its final address and its Content-Type value (may be NULL). Text in another charset than
 * UTF-8 (the header's charset parameter) is converted first. Sets a->path, key, base_url (dir
 * stays NULL: a web page has no folder on this computer),
 * meta.source (unless the entry overrides it) and the entry's overrides. Messages go to
 * a->diags and name the address. Returns 0, or -1 when the page cannot be used. */
int webpage_read(article *a, const plan_entry *e, const unsigned char *body, size_t len,
                 const char *final_url, const char *content_type, const build_options *o);

#endif
