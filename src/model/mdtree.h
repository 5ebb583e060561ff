/* mdtree.h: small edits of cmark trees, shared by the readers that build an article's tree
 * (Markdown, captions) and the passes over it (interview, pasted, figures). */
#ifndef SHEAF_MDTREE_H
#define SHEAF_MDTREE_H

#include <stddef.h>

#include <cmark-gfm.h>

#include "base/diag.h"

/* A new text node holding the n bytes at s (copied). The caller owns it until it is linked
 * into a tree (cmark_node_free otherwise). */
cmark_node *mdtree_text_new(const char *s, size_t n);

/* cmark's parser leaves a text node's bytes in its paragraph's buffer until the node's literal is
 * first asked for, and frees that buffer with the paragraph: an inline moved out of its
 * paragraph must first hold its own copy. This takes one for every text, code and inline HTML
 * node in `node`'s subtree. */
void mdtree_own_literals(cmark_node *node);

/* Split a paragraph at its inline `brk` (a soft or hard line break): the inlines after brk move
 * (holding their own literals, see mdtree_own_literals) into a new paragraph inserted after the
 * block `where`, and brk is freed. Returns the new paragraph (owned by the tree). */
cmark_node *mdtree_split_at(cmark_node *brk, cmark_node *where);

/* A question one pass asks about a block on behalf of another ("does this paragraph open with
 * a turn label?"), so that passes need not include each other: `test` is called with `ctx`
 * (which it may change, e.g. to find the answers on first use). A NULL filter answers 0. */
typedef struct mdtree_filter {
    int (*test)(void *ctx, cmark_node *block);
    void *ctx;
} mdtree_filter;

/* 1 when filter f (may be NULL) holds for `block`. */
int mdtree_filter_test(const mdtree_filter *f, cmark_node *block);

/* Remove the characters XML 1.0 forbids (C0 controls but tab, newline and carriage return;
 * U+FFFE, U+FFFF) from the text, code, link and image addresses and titles, and code block
 * info strings of the tree under root: cmark decodes character references such as &#1; or
 * &#xFFFE; into them, and no XHTML document may hold them. One warning per line that had any,
 * naming `file` and the line (node lines + body_line - 1). Returns how many were removed. */
size_t mdtree_xml_clean(cmark_node *root, int body_line, const char *file, diag_list *diags);

#endif
