/* passes.h: the passes over an article's tree, in order, after its reader has filled it. */
#ifndef SHEAF_PASSES_H
#define SHEAF_PASSES_H

#include "model/article.h"
#include "model/options.h"

/* Title, inferred sections (pasted text), speaker turns, then chapters, ids and words.
 * Messages go to a->diags. Returns 0, or -1 when the article cannot be used. */
int passes_run(article *a, const build_options *o);

#endif
