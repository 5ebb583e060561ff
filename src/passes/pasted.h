/* pasted.h: structure for text pasted from web pages (bullets as characters, sections as short
 * standalone lines, no Markdown headings).
 *
 * Order of use for one article:
 *   text = pasted_normalize(raw)   before cmark (for .txt inputs and any input with such bullets)
 *   doc  = cmark_parse_document(text)
 *   pasted_split_lists(doc, text)  right after parsing, when pasted_normalize changed the text
 *   ... notes_collect, interview_apply ...
 *   pasted_infer_sections(doc, title, labels)   unless --infer-sections=off */
#ifndef SHEAF_PASTED_H
#define SHEAF_PASTED_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "passes/mdtree.h"

/* Rewrite pasted plain text so that CommonMark sees its lists: a line starting (after optional
 * indentation) with •, ·, ▪, ◦ or – and a space becomes a list item "+ text" (the indentation
 * is dropped: pasted lists become flat lists). A line that is only an image placeholder
 * ("image", "Image", "[image]", "(image)", "图片", "[图片]", "圖片") becomes an empty line. Lines
 * inside fenced code blocks are left alone.
 * The number of lines never changes, so line numbers in messages stay right. Returns a new
 * NUL-terminated string the caller frees (its length in *outlen), or NULL when nothing needed
 * changing (then use the input as is). */
char *pasted_normalize(const char *text, size_t len, size_t *outlen);

/* Pasted list items are one line each, and the line that follows a pasted list is the next
 * paragraph, but CommonMark reads a text line right after a list item as a lazy continuation of
 * that item. For every list item that pasted_normalize made (its source line in `text`, the
 * text given to cmark, starts with "+ "), split such continuation lines out of the item into a
 * paragraph of their own after the list (splitting the list when items follow). Returns the
 * number of paragraphs split out. */
int pasted_split_lists(cmark_node *doc, const char *text, size_t len);

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
