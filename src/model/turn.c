/* turn.c: the shape of a speaker turn in the article model. */
#include "model/turn.h"

#include <string.h>

#include "model/mdtree.h"
#include "model/sem.h"

const char *turn_class(speaker_role role)
{
    return role == SPEAKER_ROLE_HOST    ? "turn host"
           : role == SPEAKER_ROLE_GUEST ? "turn guest"
                                        : "turn";
}

cmark_node *turn_span_new(arena *a, const char *cls, const char *s, size_t n)
{
    cmark_node *span = sem_node_new(a, SEM_SPAN, cls, NULL);
    cmark_node_append_child(span, mdtree_text_new(s, n));
    return span;
}

void turn_label_prepend(cmark_node *p, arena *a, const char *name, const char *timestamp,
                        const char *aside)
{
    cmark_node *first = cmark_node_first_child(p);
    cmark_node *seq[6];
    int n = 0;
    seq[n++] = turn_span_new(a, "speaker", name, strlen(name));
    seq[n++] = turn_span_new(a, "speaker-sep", ": ", 2);
    if (timestamp) {
        seq[n++] = turn_span_new(a, "timestamp", timestamp, strlen(timestamp));
        seq[n++] = mdtree_text_new(" ", 1);
    }
    if (aside) {
        seq[n++] = mdtree_text_new(aside, strlen(aside));
        seq[n++] = mdtree_text_new(" ", 1);
    }
    if (!first && n > 2)
        cmark_node_free(seq[--n]); /* no trailing space in a label paragraph of its own */
    for (int i = 0; i < n; i++) {
        if (first)
            cmark_node_insert_before(first, seq[i]);
        else
            cmark_node_append_child(p, seq[i]);
    }
}
