/* reader.h: one input -> the article model (model/article.h).
 *
 * Each input format has a reader, a sibling module that fills the same model: markdown.c
 * (Markdown and plain text). reader_read loads the input's bytes (a file, standard input, or
 * bytes the plan already holds), refuses what is not text, picks the reader, and applies the
 * plan entry's overrides on top of what the reader found. */
#ifndef SHEAF_READER_H
#define SHEAF_READER_H

#include "model/article.h"
#include "model/options.h"
#include "readers/plan.h"

/* Largest input accepted: far above any article, low enough to refuse a mistaken disk image. */
#define READER_MAX_BYTES ((size_t)256 << 20)

/* Read the entry into `a` (a new article): metadata, body tree, source text. Messages go to
 * a->diags. Returns 0, or -1 when the input cannot be used. */
int reader_read(article *a, const plan_entry *e, const build_options *o);

#endif
