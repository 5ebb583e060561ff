/* gfm.c: cmark-gfm's core extensions, attached and recognised in one place. */
#include "model/gfm.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"

static pthread_once_t gfm_once = PTHREAD_ONCE_INIT;
static cmark_syntax_extension *ext_table, *ext_strike, *ext_tasklist, *ext_autolink;

static void gfm_register(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    ext_table = cmark_find_syntax_extension("table");
    ext_strike = cmark_find_syntax_extension("strikethrough");
    ext_tasklist = cmark_find_syntax_extension("tasklist");
    ext_autolink = cmark_find_syntax_extension("autolink");
    if (!ext_table || !ext_strike || !ext_tasklist || !ext_autolink)
        oom_abort(); /* registration only fails when it cannot allocate */
}

void gfm_init(void)
{
    pthread_once(&gfm_once, gfm_register);
}


/* The text with the pipes of over-wide lines written as "&#124;" (see gfm.h), or NULL when no
 * line is that wide. The caller frees it; its length goes to *out_len. */
static char *wide_rows_defuse(const char *text, size_t len, size_t *out_len, int *wide_line)
{
    strbuf out = STRBUF_INIT;
    size_t copied = 0, pos = 0;
    int line = 1, changed = 0;
    char fence_c = 0, c;
    size_t fence_n = 0, k;
    while (pos < len) {
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos, pipes = 0;
        if ((k = text_fence_len(s, n, &c)) != 0) {
            if (!fence_c) {
                fence_c = c;
                fence_n = k;
            } else if (c == fence_c && k >= fence_n) {
                fence_c = 0;
            }
        } else if (!fence_c) {
            for (const char *p = s; (p = memchr(p, '|', n - (size_t)(p - s))) != NULL; p++)
                pipes++;
        }
        if (pipes > GFM_MAX_CELLS) {
            if (!changed && wide_line)
                *wide_line = line;
            changed = 1;
            strbuf_add(&out, text + copied, pos - copied);
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '|')
                    strbuf_adds(&out, "&#124;");
                else
                    strbuf_addc(&out, s[i]);
            }
            copied = pos + n;
        }
        pos += n + (nl ? 1 : 0);
        line++;
    }
    if (!changed)
        return NULL;
    strbuf_add(&out, text + copied, len - copied);
    return strbuf_detach(&out, out_len);
}

/* cmark-gfm leaves some strings of a fresh tree pointing into buffers their container owns (a
 * link's destination from the autolink extension, text it split) and copies them only when
 * first asked for; a pass that moves such a node and frees its old paragraph would leave them
 * dangling (cmark-gfm issue #69; found by fuzz_build). Asking once for every string right after
 * the parse makes each node own its strings. */
static void strings_own(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;

    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
        case CMARK_NODE_HTML_BLOCK:
            (void)cmark_node_get_literal(n);
            break;
        case CMARK_NODE_CODE_BLOCK:
            (void)cmark_node_get_literal(n);
            (void)cmark_node_get_fence_info(n);
            break;
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE:
            (void)cmark_node_get_url(n);
            (void)cmark_node_get_title(n);
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

cmark_node *gfm_parse(const char *text, size_t len, int options, int *wide_line)
{
    gfm_init();
    if (wide_line)
        *wide_line = 0;
    size_t safe_len = 0;
    char *safe = wide_rows_defuse(text, len, &safe_len, wide_line);
    if (safe) {
        text = safe;
        len = safe_len;
    }
    cmark_parser *p = cmark_parser_new(options | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE);
    if (!p)
        oom_abort();
    cmark_parser_attach_syntax_extension(p, ext_table);
    cmark_parser_attach_syntax_extension(p, ext_strike);
    cmark_parser_attach_syntax_extension(p, ext_tasklist);
    cmark_parser_attach_syntax_extension(p, ext_autolink);
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    cmark_parser_free(p);
    free(safe);
    if (!doc)
        oom_abort();
    strings_own(doc);
    return doc;
}

static cmark_node *ext_node_new(cmark_node_type t, cmark_syntax_extension *e)
{
    cmark_node *n = cmark_node_new_with_ext(t, e);
    if (!n)
        oom_abort();
    return n;
}

cmark_node *gfm_table_new(uint16_t columns, const uint8_t *align)
{
    gfm_init();
    cmark_node *t = ext_node_new(CMARK_NODE_TABLE, ext_table);
    uint8_t *al = xcalloc(columns ? columns : 1, 1);
    for (uint16_t i = 0; align && i < columns; i++)
        al[i] = align[i] == 'l' || align[i] == 'c' || align[i] == 'r' ? align[i] : 0;
    cmark_gfm_extensions_set_table_columns(t, columns);
    cmark_gfm_extensions_set_table_alignments(t, columns, al);
    free(al);
    return t;
}

cmark_node *gfm_table_row_new(int header)
{
    gfm_init();
    cmark_node *r = ext_node_new(CMARK_NODE_TABLE_ROW, ext_table);
    cmark_gfm_extensions_set_table_row_is_header(r, header != 0);
    return r;
}

cmark_node *gfm_table_cell_new(void)
{
    gfm_init();
    /* Not cmark_node_new_with_ext: in 0.29.0.gfm.6 it gives a cell data that freeing the node
     * leaks. The parser's cells carry none either. */
    cmark_node *c = cmark_node_new(CMARK_NODE_TABLE_CELL);
    if (!c)
        oom_abort();
    cmark_node_set_syntax_extension(c, ext_table);
    return c;
}

cmark_node *gfm_strikethrough_new(void)
{
    gfm_init();
    return ext_node_new(CMARK_NODE_STRIKETHROUGH, ext_strike);
}

/* Before registration the type variables are 0 (CMARK_NODE_NONE), which no node has. */
int gfm_is_table(cmark_node *n)
{
    return CMARK_NODE_TABLE && cmark_node_get_type(n) == CMARK_NODE_TABLE;
}

int gfm_is_table_row(cmark_node *n)
{
    return CMARK_NODE_TABLE_ROW && cmark_node_get_type(n) == CMARK_NODE_TABLE_ROW;
}

int gfm_is_table_cell(cmark_node *n)
{
    return CMARK_NODE_TABLE_CELL && cmark_node_get_type(n) == CMARK_NODE_TABLE_CELL;
}

int gfm_is_strikethrough(cmark_node *n)
{
    return CMARK_NODE_STRIKETHROUGH && cmark_node_get_type(n) == CMARK_NODE_STRIKETHROUGH;
}

uint16_t gfm_table_columns(cmark_node *table)
{
    return gfm_is_table(table) ? cmark_gfm_extensions_get_table_columns(table) : 0;
}

char gfm_table_align(cmark_node *table, uint16_t col)
{
    if (col >= gfm_table_columns(table))
        return 0;
    const uint8_t *al = cmark_gfm_extensions_get_table_alignments(table);
    return al ? (char)al[col] : 0;
}

int gfm_row_is_header(cmark_node *row)
{
    return gfm_is_table_row(row) && cmark_gfm_extensions_get_table_row_is_header(row);
}

int gfm_item_is_task(cmark_node *item)
{
    return ext_tasklist && cmark_node_get_type(item) == CMARK_NODE_ITEM &&
           cmark_node_get_syntax_extension(item) == ext_tasklist;
}

int gfm_item_checked(cmark_node *item)
{
    return gfm_item_is_task(item) && cmark_gfm_extensions_get_tasklist_item_checked(item);
}
