/* figures.h: images with captions become figures.
 *
 * Blogs caption an image in one of three ways in Markdown; each becomes a SEM_FIGURE holding
 * the image's paragraph and a SEM_FIGCAPTION (model/sem.h):
 *   ![alt](photo.png "The caption")          the image's title, alone in its paragraph
 *   ![alt](photo.png)                         an image alone in its paragraph, then an italic
 *   *The caption*                             line (in the same paragraph or the next one)
 * (The third way, a raw HTML <div class="imgcap"> with the image and a caption block, is the
 * sanitizer's: writers/sanitize.c.) */
#ifndef SHEAF_FIGURES_H
#define SHEAF_FIGURES_H

#include <cmark-gfm.h>

#include "base/util.h"

/* Longest caption taken from an italic line, in bytes of text: a longer italic paragraph
 * after an image is prose. */
#define FIGURES_CAPTION_MAX 400

/* Turn the captioned images of `doc` into figures (their sem_nodes in `a`). A paragraph holding
 * only an image (or a link around only an image) is a candidate; its caption is the image's
 * title, else an italic line that follows it. Returns the number of figures made. */
size_t figures_apply(cmark_node *doc, arena *a);

#endif
