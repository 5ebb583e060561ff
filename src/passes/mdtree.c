/* mdtree.c: small edits of cmark trees shared by the Markdown passes. */
#include "passes/mdtree.h"

#include <stdlib.h>

#include "base/util.h"

cmark_node *mdtree_text_new(const char *s, size_t n)
{
    cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
    char *tmp = xstrndup(s, n);
    cmark_node_set_literal(t, tmp);
    free(tmp);
    return t;
}

int mdtree_filter_test(const mdtree_filter *f, cmark_node *block)
{
    return f && f->test && f->test(f->ctx, block);
}

cmark_node *mdtree_split_at(cmark_node *brk, cmark_node *where)
{
    cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node *c;
    while ((c = cmark_node_next(brk)))
        cmark_node_append_child(para, c);
    cmark_node_free(brk);
    cmark_node_insert_after(where, para);
    return para;
}
