/* article.h: reading one input into the article model (book.h) and parsing it: text hygiene,
 * front matter, cmark, the semantic passes, title, sections, chapters and ids. */
#ifndef SHEAF_ARTICLE_H
#define SHEAF_ARTICLE_H

#include "book.h"

/* A new empty article at position `index`; free with article_free. */
article *article_new(size_t index);
void article_free(article *a);

/* Read the entry's file (or standard input for "-"), check that it is text, clean it, split
 * and parse front matter, and apply the entry's overrides. Messages go to a->diags.
 * Returns 0, or -1 when the article cannot be used. */
int article_read(article *a, const plan_entry *e);

/* Parse the Markdown, run the passes, settle the title, cut the article into chapters and give
 * headings unique ids. Returns 0 or -1. */
int article_parse(article *a, const build_options *o);

/* Free what rendering no longer needs once every chapter is rendered: the cmark tree, the
 * notes, the text. Headings keep their text and ids, chapters their output. */
void article_release_tree(article *a);

/* The plain text of a node's inline content (text and code), a new string the caller frees. */
char *node_plain_text(cmark_node *node);

/* Largest source size of one content document before it is split further. */
#define ARTICLE_CHAPTER_LIMIT (200 * 1024)

#endif
