/* sanitize.h: raw HTML found inside Markdown, turned into safe, valid EPUB 3 XHTML nodes.
 *
 * Blog posts carry raw HTML that is not XML (`<img ...>` without `/>`, `<br>`, `&nbsp;`), not
 * allowed in an EPUB (scripts, forms, iframes, remote media) or obsolete (`<center>`, `<font>`,
 * `align=`). sanitize_html_fragment parses such a fragment as a browser does (base/html5.h) and
 * rebuilds it, element by element, from a whitelist; see the comment at the top of sanitize.c for
 * exactly what is kept, translated and dropped. Thread-safe (no global state) once the caller has
 * run xmlInitParser() in the main thread. */
#ifndef SHEAF_SANITIZE_H
#define SHEAF_SANITIZE_H

#include <libxml/tree.h>
#include <stddef.h>

#include "base/diag.h"

#define SANITIZE_XHTML_NS "http://www.w3.org/1999/xhtml"

typedef struct sanitize_ctx {
    /* Every callback is also given `line`: the line in `file` of the element the call is about
     * (0 when unknown), for the callback's own messages.
     *
     * Resolve a link target (href of <a>, already stripped of whitespace; never a javascript:,
     * vbscript: or data: URL, those are dropped first); returns a new string the sanitizer frees
     * (the href to use), or NULL to drop the link and keep its text. NULL callback: links are
     * dropped (text kept). */
    char *(*resolve_link)(void *ud, const char *href, int line);
    /* Resolve an image source; returns a new string the sanitizer frees (the href of the stored
     * image relative to the content document), or NULL when the image cannot be embedded: the
     * sanitizer then keeps the alt text, as a link to the source when the source is an
     * http(s) URL. The callback gives the warning explaining why. An href ending in ".webp"
     * becomes <object type="image/webp"> with the alt text as fallback (see media.h). */
    char *(*resolve_image)(void *ud, const char *src, const char *alt, int line);
    /* Register an id found in the HTML; returns a new string the sanitizer frees: the id to use
     * (made unique by the caller; it must be an XML NCName, anything else is dropped), or NULL to
     * drop the id. NULL callback: ids are dropped. */
    char *(*claim_id)(void *ud, const char *id, int line);
    void *ud;
    diag_list *diags; /* warnings go here, naming file and line; may be NULL */
    const char *file;
    int line; /* line of the fragment's first character in `file` */
} sanitize_ctx;

/* Parse `html` (a fragment: one or more blocks, or inline content; UTF-8) and append its safe
 * XHTML equivalent as children of `parent`, an element of an XHTML document. New elements take
 * the XHTML namespace in scope at `parent` (none if there is none). `inline_only`: the parent is a
 * paragraph-like element, so only phrasing content is added (block elements are unwrapped to
 * their content); the sanitizer also treats the parent as inline when it is a phrasing element or
 * p/h1-h6/pre, and avoids nested links when `parent` is inside an <a>.
 * Returns 0 (also for an empty fragment or one that yields nothing), or -1 if the fragment could
 * not be parsed at all (then nothing is appended). */
int sanitize_html_fragment(const char *html, size_t len, xmlNodePtr parent, int inline_only,
                           const sanitize_ctx *ctx);

#endif
