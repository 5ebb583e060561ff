/* sem.h: semantic nodes that readers and passes add to the cmark tree for the XHTML renderer.
 *
 * cmark has no footnotes, speaker turns or timestamps. Readers and passes (notes.c, turn.c, ...)
 * express them as CMARK_NODE_CUSTOM_BLOCK / CMARK_NODE_CUSTOM_INLINE nodes whose user data is a
 * sem_node; render.c maps each kind to XHTML:
 *
 *   SEM_DIV      block   <div class="cls" id="id">children</div>
 *   SEM_SPAN     inline  <span class="cls" id="id">children</span>
 *   SEM_NOTEREF  inline  <a epub:type="noteref" href="#fn-N" id="fnref-N">N</a> (N = number;
 *                        the note itself is emitted at the end of the referring document)
 *   SEM_BREAK    block   <hr class="cls"/> (a scene break)
 *   SEM_ANCHOR   inline  an empty element carrying id, a link target
 *   SEM_FIGURE   block   <figure>: a paragraph holding the image (rendered without its <p>),
 *                        then a SEM_FIGCAPTION
 *   SEM_FIGCAPTION block <figcaption>: a paragraph whose inlines are the caption (rendered
 *                        without its <p>)
 *
 * A custom block may hold blocks and a custom inline may hold inlines, as cmark allows.
 * The sem_node and its strings live in the article's arena: passes allocate them with
 * sem_node_new and nobody frees them individually. */
#ifndef SHEAF_SEM_H
#define SHEAF_SEM_H

#include <cmark-gfm.h>

#include "base/util.h"

typedef enum sem_kind {
    SEM_DIV,
    SEM_SPAN,
    SEM_NOTEREF,
    SEM_BREAK,
    SEM_ANCHOR,
    SEM_FIGURE,
    SEM_FIGCAPTION
} sem_kind;

typedef struct sem_node {
    sem_kind kind;
    const char *cls; /* space-separated class names, or NULL */
    const char *id;  /* an id the pass guarantees unique in the article, or NULL */
    int number;      /* SEM_NOTEREF: the note's number within its article */
} sem_node;

/* A new unlinked custom node (block for SEM_DIV, SEM_BREAK, SEM_FIGURE and SEM_FIGCAPTION,
 * inline otherwise) whose sem_node is
 * allocated in `a`. cls and id are copied into `a`. The caller links it into the tree; cmark
 * frees the node with the tree, the arena frees the sem_node. */
cmark_node *sem_node_new(arena *a, sem_kind kind, const char *cls, const char *id);
/* The sem_node of a node made by sem_node_new, or NULL for any other node. */
sem_node *sem_get(cmark_node *node);

/* A footnote collected from an article: its number (1-based, in order of first reference), its
 * label as written, and its content: a detached SEM_DIV custom block holding the note's blocks,
 * owned by the article (freed with cmark_node_free in article_free). */
typedef struct note {
    int number;
    const char *label;
    cmark_node *body;
} note;

#endif
