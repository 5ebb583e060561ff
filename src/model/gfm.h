/* gfm.h: GitHub Flavored Markdown in the article model.
 *
 * Articles are cmark-gfm trees. Besides CommonMark's nodes they may hold the nodes of
 * cmark-gfm's core extensions, which every reader may produce and every writer renders:
 *
 *   CMARK_NODE_TABLE          block   children: TABLE_ROW nodes; the first row may be the header
 *                                     row (gfm_row_is_header); columns and their alignment
 *                                     ('l', 'c', 'r' or 0 per column) through gfm_table_*
 *   CMARK_NODE_TABLE_ROW      block   children: TABLE_CELL nodes
 *   CMARK_NODE_TABLE_CELL     block   children: inlines
 *   CMARK_NODE_STRIKETHROUGH  inline  children: inlines (text struck out, GFM's ~~text~~)
 *   CMARK_NODE_ITEM           a task-list item when gfm_item_is_task(); gfm_item_checked()
 *
 * Autolinks (www.example.org, https://example.org in running text) are ordinary LINK nodes.
 * The node type values are assigned when the extensions are registered, at run time: they are
 * variables, not constants, so compare with `==`, never `case`. A reader that builds a tree by
 * hand (an HTML page's table) uses the constructors below, so that the writers see exactly what
 * the Markdown parser makes. */
#ifndef SHEAF_GFM_H
#define SHEAF_GFM_H

#include <cmark-gfm.h>
#include <stddef.h>
#include <stdint.h>

/* cmark-gfm-extensions exports these but Debian's package installs no header declaring them. */
extern cmark_node_type CMARK_NODE_TABLE, CMARK_NODE_TABLE_ROW, CMARK_NODE_TABLE_CELL,
    CMARK_NODE_STRIKETHROUGH;

/* Register cmark-gfm's extensions (once; thread-safe). Every function below calls it. */
void gfm_init(void);

/* A line with more '|' than this is never read as a table row: cmark-gfm 0.29.0.gfm.6 takes time
 * quadratic in the cells of one row (a 80 KB line of pipes: 12 s). No article's table is that
 * wide. */
#define GFM_MAX_CELLS 256

/* Parse `len` bytes of Markdown with the table, strikethrough (~~two tildes~~ only: a single
 * '~' is an approximation in prose), task-list and autolink extensions; `options` are cmark's
 * CMARK_OPT_* flags. Outside fenced code, the '|' of a line holding more than GFM_MAX_CELLS of
 * them are read as text (written as "&#124;"), and *wide_line (may be NULL) receives the first
 * such line's number (1-based), else 0. Returns the document, which the caller frees with
 * cmark_node_free. Time is linear in len. */
cmark_node *gfm_parse(const char *text, size_t len, int options, int *wide_line);

/* The extension nodes, unlinked, for the caller to link into a tree (cmark frees them with the
 * tree). `align` holds `columns` bytes ('l', 'c', 'r' or 0), or is NULL for no alignment. */
cmark_node *gfm_table_new(uint16_t columns, const uint8_t *align);
cmark_node *gfm_table_row_new(int header);
cmark_node *gfm_table_cell_new(void);
cmark_node *gfm_strikethrough_new(void);

int gfm_is_table(cmark_node *n);
int gfm_is_table_row(cmark_node *n);
int gfm_is_table_cell(cmark_node *n);
int gfm_is_strikethrough(cmark_node *n);
/* Columns of a table node and the alignment of column `col` ('l', 'c', 'r' or 0). */
uint16_t gfm_table_columns(cmark_node *table);
char gfm_table_align(cmark_node *table, uint16_t col);
int gfm_row_is_header(cmark_node *row);
/* A list item written "- [ ] text" or "- [x] text", and whether it is ticked. */
int gfm_item_is_task(cmark_node *item);
int gfm_item_checked(cmark_node *item);

#endif
