/* pasted.h: sections for text pasted from web pages (sections as short standalone lines, no
 * Markdown headings).
 *
 * The Markdown reader normalises such text and splits its lists (readers/pastedtext.h); this pass,
 * run by passes.c unless --infer-sections=off, infers its sections:
 *   pasted_infer_sections(doc, title, labels) */
#ifndef SHEAF_PASTED_H
#define SHEAF_PASTED_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "model/mdtree.h"

/* When the article has no headings below its title (`title_node` is the title heading, may be
 * NULL; then a level-1 heading that is the first block counts as the title), infer section
 * headings from top-level paragraphs that act as titles: a single line of at most 80 bytes and
 * 12 words, starting with no lowercase ASCII letter, with no link, code or URL, not ending with
 * '.', ',', ';', ':' or "...". A candidate right after a thematic break becomes a level-2
 * heading (the break is removed; it may end with '?'). A candidate standing alone between two
 * blocks (not ending with '?') becomes a level-3 heading when break-based sections exist and it
 * comes after the first of them, or a level-2 heading when the article has no break-based
 * sections and at least two such candidates. A "heading" of more than 160 bytes of text (a
 * pasted paragraph that happens to start with '#') is not a real heading: when nothing else
 * is, it is turned back into a paragraph. A paragraph that opens with a turn label (**Name:**,
 * Q:, A:, or one for which the filter `labels` holds; may be NULL) is never a title. Returns the
 * number of headings inferred; 0 and no change when the article has real headings. */
int pasted_infer_sections(cmark_node *doc, cmark_node *title_node, const mdtree_filter *labels);

#endif
