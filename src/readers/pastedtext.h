/* pastedtext.h: the Markdown reader's side of text pasted from web pages (bullets as
 * characters, image placeholders, lazy continuation lines after pasted list items).
 *
 * Order of use for one article, in the Markdown reader (readers/markdown.c):
 *   text = pasted_normalize(raw)   before cmark (for .txt inputs and any input with such bullets)
 *   doc  = cmark_parse_document(text)
 *   pasted_split_lists(doc, text)  right after parsing, when pasted_normalize changed the text
 * The sections such text implies are inferred later, by a pass (passes/pasted.h). */
#ifndef SHEAF_PASTEDTEXT_H
#define SHEAF_PASTEDTEXT_H

#include <cmark-gfm.h>
#include <stddef.h>

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

#endif
