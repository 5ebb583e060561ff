/* structure.h: the passes every article goes through last, whatever its reader: the title,
 * the chapter cuts, heading ids and the word count. */
#ifndef SHEAF_STRUCTURE_H
#define SHEAF_STRUCTURE_H

#include "model/article.h"
#include "model/options.h"
#include "model/mdtree.h"

/* Settle the article's title: metadata, else a leading level-1 heading (removed from the body,
 * it becomes the opening), else for text without headings a leading title-like line (never a
 * turn label: **Name:**, Q:, or a paragraph for which `labels` holds; may be NULL), else the
 * file name. */
void structure_title_settle(article *a, const build_options *o, const mdtree_filter *labels);

/* Cut the article into chapters (one, unless the article passes ARTICLE_CHAPTER_LIMIT; then at
 * top-level section boundaries, or at a block boundary inside a longer section), give headings
 * unique ids, and count the words. */
void structure_apply(article *a);

#endif
