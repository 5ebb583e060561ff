/* figures.c: images with captions become figures (see figures.h). */
#include "passes/figures.h"

#include <stdlib.h>
#include <string.h>

#include "model/article.h"
#include "model/sem.h"
#include "model/mdtree.h"

static int is_type(cmark_node *n, cmark_node_type t)
{
    return n && cmark_node_get_type(n) == t;
}

/* The image of an image alone (or alone in a link), or NULL. */
static cmark_node *lone_image(cmark_node *n)
{
    if (is_type(n, CMARK_NODE_IMAGE))
        return n;
    if (is_type(n, CMARK_NODE_LINK) && cmark_node_first_child(n) == cmark_node_last_child(n) &&
        is_type(cmark_node_first_child(n), CMARK_NODE_IMAGE))
        return cmark_node_first_child(n);
    return NULL;
}

/* Is `emph` a caption: an emphasis of plain text, not too long? */
static int caption_like(cmark_node *emph)
{
    if (!is_type(emph, CMARK_NODE_EMPH))
        return 0;
    char *text = node_plain_text(emph);
    int ok = *text && strlen(text) <= FIGURES_CAPTION_MAX;
    free(text);
    return ok;
}

/* Make the figure: `para` (holding the image first) goes into it, then a caption holding
 * `caption_inlines` (moved) or the text `caption_text`. */
static void figure_make(cmark_node *para, cmark_node *caption_emph, const char *caption_text,
                        arena *a)
{
    cmark_node *fig = sem_node_new(a, SEM_FIGURE, NULL, NULL);
    cmark_node *cap = sem_node_new(a, SEM_FIGCAPTION, NULL, NULL);
    cmark_node *cap_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_insert_before(para, fig);
    cmark_node_append_child(fig, para);
    cmark_node_append_child(fig, cap);
    cmark_node_append_child(cap, cap_para);
    if (caption_emph) {
        cmark_node *c;
        while ((c = cmark_node_first_child(caption_emph)))
            cmark_node_append_child(cap_para, c);
        cmark_node_free(caption_emph);
    } else {
        cmark_node_append_child(cap_para, mdtree_text_new(caption_text, strlen(caption_text)));
    }
}

size_t figures_apply(cmark_node *doc, arena *a)
{
    cmark_node **paras = NULL;
    size_t n = 0, cap = 0, made = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || !is_type(cur, CMARK_NODE_PARAGRAPH))
            continue;
        if (!lone_image(cmark_node_first_child(cur)))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            paras = xrealloc(paras, cap * sizeof *paras);
        }
        paras[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *para = paras[i];
        cmark_node *first = cmark_node_first_child(para);
        cmark_node *img = lone_image(first);
        cmark_node *after = cmark_node_next(first);
        const char *title = cmark_node_get_title(img);
        if (!after) {
            cmark_node *next = cmark_node_next(para);
            cmark_node *emph = is_type(next, CMARK_NODE_PARAGRAPH) ? cmark_node_first_child(next)
                                                                    : NULL;
            if (title && *title) {
                /* the title is the caption (and no longer a tooltip) */
                char *t = xstrdup(title);
                cmark_node_set_title(img, "");
                figure_make(para, NULL, t, a);
                free(t);
                made++;
            } else if (emph && !cmark_node_next(emph) && caption_like(emph)) {
                figure_make(para, emph, NULL, a);
                cmark_node_free(next);
                made++;
            }
        } else if ((is_type(after, CMARK_NODE_SOFTBREAK) || is_type(after, CMARK_NODE_LINEBREAK)) &&
                   caption_like(cmark_node_next(after)) && !cmark_node_next(cmark_node_next(after))) {
            /* ![alt](x.png)\n*caption* in one paragraph */
            cmark_node *emph = cmark_node_next(after);
            cmark_node_free(after);
            cmark_node_unlink(emph);
            figure_make(para, emph, NULL, a);
            made++;
        }
    }
    free(paras);
    return made;
}
