/* mdtree.c: small edits of cmark trees shared by readers and passes. */
#include "model/mdtree.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"

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

void mdtree_own_literals(cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(cur);
        if (ev == CMARK_EVENT_ENTER &&
            (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_HTML_INLINE))
            (void)cmark_node_get_literal(cur); /* makes the node hold its own copy */
    }
    cmark_iter_free(it);
}

cmark_node *mdtree_split_at(cmark_node *brk, cmark_node *where)
{
    cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node *c;
    while ((c = cmark_node_next(brk))) {
        mdtree_own_literals(c);
        cmark_node_append_child(para, c);
    }
    cmark_node_free(brk);
    cmark_node_insert_after(where, para);
    return para;
}

/* 1 when s holds a byte that may start a forbidden character (a C0 control but tab, LF, CR;
 * 0xEF, the lead byte of U+FFFE and U+FFFF; 0xFE and 0xFF, as cmark-gfm writes those). */
static int may_hold_forbidden(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0xEF || *p >= 0xFE)
            return 1;
    return 0;
}

/* The forbidden characters of s removed: a new string (the caller frees it) and how many in
 * *n; NULL when there were none. */
static char *without_forbidden(const char *s, size_t *n)
{
    *n = 0;
    if (!s || !may_hold_forbidden(s))
        return NULL;
    char *copy = xstrdup(s);
    size_t len = strlen(copy);
    *n = text_strip_xml_forbidden(copy, &len);
    copy[len] = '\0';
    if (*n == 0) {
        free(copy);
        return NULL;
    }
    return copy;
}

static void dropped_warn(diag_list *diags, const char *file, int line, size_t n)
{
    if (n)
        diag_add(diags, DIAG_WARNING, NULL, file, line,
                 "dropped %zu character%s that XML does not allow (written as a character "
                 "reference such as &#1; or &#xFFFE;); e-readers cannot show them",
                 n, n == 1 ? "" : "s");
}

size_t mdtree_xml_clean(cmark_node *root, int body_line, const char *file, diag_list *diags)
{
    size_t total = 0, pending = 0;
    int pending_line = 0, line = body_line;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        if (cmark_node_get_start_line(n) > 0)
            line = body_line + cmark_node_get_start_line(n) - 1;
        size_t here = 0, k;
        char *fixed;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            if ((fixed = without_forbidden(cmark_node_get_literal(n), &k))) {
                cmark_node_set_literal(n, fixed);
                free(fixed);
                here += k;
            }
            break;
        case CMARK_NODE_CODE_BLOCK:
            if ((fixed = without_forbidden(cmark_node_get_literal(n), &k))) {
                cmark_node_set_literal(n, fixed);
                free(fixed);
                here += k;
            }
            if ((fixed = without_forbidden(cmark_node_get_fence_info(n), &k))) {
                cmark_node_set_fence_info(n, fixed);
                free(fixed);
                here += k;
            }
            break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            if ((fixed = without_forbidden(cmark_node_get_url(n), &k))) {
                cmark_node_set_url(n, fixed);
                free(fixed);
                here += k;
            }
            if ((fixed = without_forbidden(cmark_node_get_title(n), &k))) {
                cmark_node_set_title(n, fixed);
                free(fixed);
                here += k;
            }
            break;
        default:
            break;
        }
        if (here && line != pending_line) {
            dropped_warn(diags, file, pending_line, pending);
            pending = 0;
            pending_line = line;
        }
        pending += here;
        total += here;
    }
    dropped_warn(diags, file, pending_line, pending);
    cmark_iter_free(it);
    return total;
}
