/* htmlconv.h: an article's HTML (a libxml2 tree from base/html5.c) -> the article model's
 * cmark tree, the same nodes a Markdown article has.
 *
 *   p -> paragraph; h1-h6 -> heading; blockquote -> block quote; ul/ol/li -> list and items
 *   (tight when every item is one paragraph); pre -> code block (language from a
 *   "language-x" class); hr -> thematic break; em/i/cite/dfn/var -> emphasis; strong/b ->
 *   strong; code/kbd/samp/tt -> code; a -> link; img -> image (alt text as its text); br ->
 *   line break (two in a row end the paragraph); q -> its text in quotation marks.
 *   s, strike, del -> GFM's strikethrough; sub, sup, ins, mark, u, small, ruby -> raw inline
 *   HTML around their content (the renderer's sanitizer keeps them). A figure's caption -> an
 *   italic paragraph after its image; a player (YouTube, Vimeo, a video or audio file on the
 *   web) -> a paragraph with a link to it. Data tables -> GFM tables (model/gfm.h: a header
 *   row, alignment, inline cells; the caption in italics above), unless a cell spans rows or
 *   columns or holds blocks: then raw HTML blocks, which the renderer rebuilds through
 *   writers/sanitize.c like any raw HTML. dl -> each term a bold paragraph, each definition a
 *   block quote under it. Layout tables (one row or column,
 *   nested tables, few cells), divs, sections and every other container are transparent:
 *   their content becomes blocks of the container around them.
 *   Scripts, styles, forms and their controls, inline SVG, canvas, templates are dropped.
 * Whitespace collapses as a browser collapses it. Links resolve against the base URL; links
 * to a fragment of the page (href="#x") lead to an anchor (a SEM_ANCHOR node) placed where the
 * element with that id was, and lose their link when that element is not in the article;
 * javascript: and other schemes e-readers cannot follow are dropped with the link's text
 * kept. Images take the best source a lazy-loading page offers (src unless it is a
 * placeholder, then data-src and its kin, the largest srcset candidate, a <picture>'s
 * <source>); a relative source that exists beside the page on disk stays relative (the
 * renderer embeds it), otherwise it resolves against the base URL. */
#ifndef SHEAF_HTMLCONV_H
#define SHEAF_HTMLCONV_H

#include <cmark-gfm.h>
#include <libxml/tree.h>

#include "base/util.h"

#define HTMLCONV_IMAGE_WEIGHT 100

typedef struct htmlconv {
    /* in */
    const char *base_url; /* absolute URL relative links and images resolve against, or NULL */
    const char *page_url; /* the page's own URL: links to it with a #fragment are in-page */
    const char *page_dir; /* the page's folder on disk, where saved images are, or NULL */
    arena *arena;         /* semantic nodes (anchors) are allocated here */
    /* out */
    int raw_html;         /* raw HTML nodes were made */
    strbuf text;          /* the article's text, blocks separated by newlines */
    size_t unlinked;      /* characters of it (not spaces) outside the page's links, each image
                             counted as HTMLCONV_IMAGE_WEIGHT: a list of links has next to none */
    size_t images;        /* images converted */
} htmlconv;

/* Convert the content of `root` (its children) into a new cmark document node, which the
 * caller frees with cmark_node_free. The tree under root is changed (URLs rewritten, ids
 * moved). c->text is filled (the caller releases it). Never fails. */
cmark_node *htmlconv_run(htmlconv *c, xmlNodePtr root);

/* The best source of an image element (img, or a <picture>'s img): a new string the caller
 * frees, or NULL when it has none. `page_dir` (may be NULL) prefers candidates saved beside the
 * page. */
char *htmlconv_image_source(xmlNodePtr img, const char *page_dir);

#endif
