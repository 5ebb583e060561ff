/* sem.c: semantic custom nodes. */
#include "model/sem.h"

#include <string.h>

/* Marks our custom nodes: cmark's on_enter string of every sem node points here. */
static const char sem_marker[] = "sheaf:sem";

cmark_node *sem_node_new(arena *a, sem_kind kind, const char *cls, const char *id)
{
    int block = kind == SEM_DIV || kind == SEM_BREAK || kind == SEM_FIGURE ||
                kind == SEM_FIGCAPTION;
    cmark_node *node = cmark_node_new(block ? CMARK_NODE_CUSTOM_BLOCK : CMARK_NODE_CUSTOM_INLINE);
    sem_node *s = arena_alloc(a, sizeof *s);
    s->kind = kind;
    s->cls = cls ? arena_strdup(a, cls) : NULL;
    s->id = id ? arena_strdup(a, id) : NULL;
    cmark_node_set_user_data(node, s);
    cmark_node_set_on_enter(node, sem_marker);
    return node;
}

sem_node *sem_get(cmark_node *node)
{
    cmark_node_type t = cmark_node_get_type(node);
    if (t != CMARK_NODE_CUSTOM_BLOCK && t != CMARK_NODE_CUSTOM_INLINE)
        return NULL;
    const char *enter = cmark_node_get_on_enter(node);
    if (!enter || strcmp(enter, sem_marker) != 0)
        return NULL;
    return cmark_node_get_user_data(node);
}
