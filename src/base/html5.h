/* html5.h: HTML parsed as a browser parses it, into a libxml2 tree.
 *
 * sheaf has one HTML parser: gumbo, an implementation of the WHATWG HTML5 tree builder (Debian
 * libgumbo). Whole pages (readers/html.c) and raw HTML inside Markdown (writers/sanitize.c) both
 * go through html5_parse, so that `<figure>` closes an open `<p>`, `<img>` after `<source>` in
 * `<picture>` is its sibling, `&copy` without `;` is ©, and content after `</body>` is in the
 * body, exactly as in a browser. gumbo's tree is rebuilt as a libxml2 document (elements named
 * in lowercase, SVG and MathML elements in their namespaces, comments dropped, text and
 * attribute values stripped of the characters XML 1.0 forbids, each node's source line in
 * xmlNode.line), which the later stages can edit, walk and serialise.
 *
 * Hostile input stays linear. gumbo checks each attribute against every earlier one of its
 * element, merges repeated <html>/<body> attributes the same way, searches the stack of open
 * elements for many tags and characters, and frees its tree recursively. Before gumbo sees the
 * bytes, a small scanner with the tokenizer's rules for tags, quotes, comments and raw text
 * keeps the first HTML5_MAX_ATTRS attributes of an element (and none of a repeated <html> or
 * <body>), and drops start tags (and their end tags) that would nest elements deeper than
 * HTML5_MAX_DEPTH, or leave more than HTML5_MAX_FORMATTING formatting elements (b, i, font...)
 * open; their text is kept. Real pages never come near these limits; html5_report says when a
 * page did.
 *
 * The text of <style> elements, and of <script> elements but JSON-LD metadata
 * (type="application/ld+json"), is left out, as are comments: no stage uses them, and on real
 * pages they are often half the bytes. The elements themselves stay. Outside <pre>, runs of
 * whitespace between tags become one character (a newline when they hold one; every newline is
 * kept, so that lines stay right): the page is laid out so anyway. Attributes no stage reads
 * are not built: event handlers (on...), aria-* but aria-hidden and aria-modal, and data-* but
 * on images, sources, figures, players and unknown elements (lazy loading keeps addresses
 * there). */
#ifndef SHEAF_HTML5_H
#define SHEAF_HTML5_H

#include <libxml/tree.h>
#include <stddef.h>

#define HTML5_MAX_ATTRS 128
#define HTML5_MAX_DEPTH 256
#define HTML5_MAX_FORMATTING 24

#define HTML5_SVG_NS "http://www.w3.org/2000/svg"
#define HTML5_MATHML_NS "http://www.w3.org/1998/Math/MathML"

/* What the guard had to change, for a warning. */
typedef struct html5_report {
    size_t attrs_dropped; /* attributes past HTML5_MAX_ATTRS on one element, or on a repeat */
    size_t tags_dropped;  /* start tags past the depth or formatting limits */
    int first_attrs_line; /* line of the first element that lost attributes, 0 if none */
    int first_deep_line;  /* line of the first start tag dropped, 0 if none */
} html5_report;

/* Parse `len` bytes of UTF-8 (invalid sequences read as U+FFFD) as a whole HTML document.
 * Returns a new document whose root element is <html> with <head> and <body> children, as
 * the HTML5 tree builder always makes them; the caller frees it with xmlFreeDoc. `rep` (may be
 * NULL) is filled with what the guard dropped. Returns NULL only for input over 2 GiB. The
 * nodes' _private fields are NULL, for the caller's use. */
xmlDocPtr html5_parse(const char *utf8, size_t len, html5_report *rep);

/* The first child element of `parent` named `name` (lowercase, no namespace), or NULL. */
xmlNodePtr html5_child(xmlNodePtr parent, const char *name);

/* 1 when n is an HTML element (no namespace) named `name`. */
int html5_is(const xmlNode *n, const char *name);

#endif
