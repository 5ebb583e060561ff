/* pastedtext.c: the Markdown reader's side of text pasted from web pages: bullets as characters,
 * image placeholders, lazy continuation lines after pasted list items. */
#include "readers/pastedtext.h"

#include <stdlib.h>
#include <string.h>

#include "model/mdtree.h"
#include "base/util.h"

/*** Bullets as characters ***/

/* Length of a pasted bullet character at s (•, ·, ▪, ◦, –) within its n bytes, 0 when none. */
static size_t bullet_len(const unsigned char *s, size_t n)
{
    if (n >= 2 && s[0] == 0xc2 && s[1] == 0xb7)
        return 2; /* · */
    if (n < 3 || s[0] != 0xe2)
        return 0;
    if (s[1] == 0x80 && (s[2] == 0xa2 || s[2] == 0x93))
        return 3; /* • – */
    if (s[1] == 0x96 && s[2] == 0xaa)
        return 3; /* ▪ */
    if (s[1] == 0x97 && s[2] == 0xa6)
        return 3; /* ◦ */
    return 0;
}

/* Length of the white space (space, tab, no-break space) at s, within its n bytes. */
static size_t blank_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        if (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        else if (i + 1 < n && s[i] == 0xc2 && s[i + 1] == 0xa0)
            i += 2;
        else
            return i;
    }
}

/* The fence char run that opens or closes a fenced code block on this line (after at most three
 * spaces): its char and length in *fc / *fl; 0 when the line is no fence. */
static int fence_at(const char *line, size_t n, char *fc, size_t *fl)
{
    size_t i = 0;
    while (i < n && i < 3 && line[i] == ' ')
        i++;
    if (i >= n || (line[i] != '`' && line[i] != '~'))
        return 0;
    char c = line[i];
    size_t k = 0;
    while (i + k < n && line[i + k] == c)
        k++;
    if (k < 3)
        return 0;
    *fc = c;
    *fl = k;
    return 1;
}

/* A line that only says where a picture was: pasted pages keep "image" (or "[image]", "图片")
 * for every picture they had. */
static int placeholder_line(const char *line, size_t n)
{
    static const char *const words[] = {"image", "[image]", "(image)", "\xE5\x9B\xBE\xE7\x89\x87",
                                        "[\xE5\x9B\xBE\xE7\x89\x87]", "\xE5\x9C\x96\xE7\x89\x87", NULL};
    const unsigned char *u = (const unsigned char *)line;
    size_t lead = blank_len(u, n), end = n;
    while (end > lead && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r'))
        end--;
    size_t k = end - lead;
    for (int i = 0; words[i]; i++) {
        size_t wl = strlen(words[i]);
        if (wl != k)
            continue;
        int same = 1;
        for (size_t j = 0; j < k && same; j++) {
            unsigned char a = u[lead + j], b = (unsigned char)words[i][j];
            same = (a >= 'A' && a <= 'Z' ? a + 32 : a) == b;
        }
        if (same)
            return 1;
    }
    return 0;
}

char *pasted_normalize(const char *text, size_t len, size_t *outlen)
{
    strbuf out = STRBUF_INIT; /* from the first changed line on; empty while nothing changed */
    size_t copied = 0;        /* text[0..copied) is in out */
    int changed = 0;
    char fence_c = 0;
    size_t fence_l = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        size_t next = pos + n + (nl ? 1 : 0);
        char fc;
        size_t fl;
        if (fence_at(line, n, &fc, &fl)) {
            if (!fence_c) {
                fence_c = fc;
                fence_l = fl;
            } else if (fc == fence_c && fl >= fence_l) {
                fence_c = 0;
            }
        } else if (!fence_c) {
            const unsigned char *u = (const unsigned char *)line;
            size_t ind = blank_len(u, n);
            size_t bl = bullet_len(u + ind, n - ind);
            size_t sp = bl ? blank_len(u + ind + bl, n - ind - bl) : 0;
            if (placeholder_line(line, n)) {
                /* the line is left empty: the paragraph around it ends there */
                strbuf_add(&out, text + copied, pos - copied);
                if (nl)
                    strbuf_addc(&out, '\n');
                copied = next;
                changed = 1;
            } else if (bl && sp && ind + bl + sp < n) {
                /* "• item" becomes "+ item" */
                strbuf_add(&out, text + copied, pos - copied);
                strbuf_adds(&out, "+ ");
                strbuf_add(&out, line + ind + bl + sp, n - ind - bl - sp);
                if (nl)
                    strbuf_addc(&out, '\n');
                copied = next;
                changed = 1;
            }
        }
        pos = next;
    }
    if (!changed) {
        strbuf_release(&out);
        return NULL;
    }
    strbuf_add(&out, text + copied, len - copied);
    return strbuf_detach(&out, outlen);
}

/*** Lazy continuation lines after pasted list items ***/

/* 1 when the line starting at text[pos] starts, after spaces, with "+ ". */
static int line_is_pasted_item(const char *text, size_t len, size_t pos)
{
    while (pos < len && text[pos] == ' ')
        pos++;
    return pos + 1 < len && text[pos] == '+' && text[pos + 1] == ' ';
}

/* Does `item` hold a pasted item whose paragraph took in the next line? Its first soft break. */
static cmark_node *item_continuation(cmark_node *item, const char *text, size_t len,
                                     const size_t *line_starts, size_t n_lines)
{
    cmark_node *para = cmark_node_first_child(item);
    int line = cmark_node_get_start_line(item);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH ||
        cmark_node_get_end_line(para) <= cmark_node_get_start_line(para) || line < 1 ||
        (size_t)line > n_lines || !line_is_pasted_item(text, len, line_starts[line - 1]))
        return NULL;
    for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c))
        if (cmark_node_get_type(c) == CMARK_NODE_SOFTBREAK)
            return c;
    return NULL;
}

/* Split the continuations out of the pasted items of `list`, in one walk: each item is moved
 * at most once (into the list that follows the last continuation split out before it), so a
 * list of n items costs O(n) however many are split. Returns the number split out. */
static int list_split(cmark_node *list, const char *text, size_t len, const size_t *line_starts,
                      size_t n_lines)
{
    int split = 0;
    cmark_node *target = list, *item, *next;
    for (item = cmark_node_first_child(list); item; item = next) {
        next = cmark_node_next(item);
        if (target != list)
            cmark_node_append_child(target, item);
        cmark_node *brk = item_continuation(item, text, len, line_starts, n_lines);
        if (!brk)
            continue;
        cmark_node *para = cmark_node_first_child(item), *c;
        cmark_node *tail = mdtree_split_at(brk, target);
        /* blocks after the first paragraph of the item (rare in pasted text) go with the tail */
        cmark_node *after = tail;
        while ((c = cmark_node_next(para))) {
            cmark_node_insert_after(after, c);
            after = c;
        }
        if (next) {
            cmark_node *rest = cmark_node_new(CMARK_NODE_LIST);
            cmark_node_set_list_type(rest, cmark_node_get_list_type(list));
            cmark_node_set_list_tight(rest, cmark_node_get_list_tight(list));
            cmark_node_insert_after(after, rest);
            target = rest;
        }
        split++;
    }
    return split;
}

int pasted_split_lists(cmark_node *doc, const char *text, size_t len)
{
    cmark_node **lists = NULL;
    size_t n = 0, cap = 0, n_lines = 0, lines_cap = 64;
    size_t *line_starts = xmalloc(lines_cap * sizeof *line_starts);
    int split = 0;
    /* where each line starts, for the item's first line */
    line_starts[n_lines++] = 0;
    for (const char *p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL;) {
        p++;
        if (n_lines == lines_cap) {
            lines_cap *= 2;
            line_starts = xrealloc(line_starts, lines_cap * sizeof *line_starts);
        }
        line_starts[n_lines++] = (size_t)(p - text);
    }
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_LIST)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            lists = xrealloc(lists, cap * sizeof *lists);
        }
        lists[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++)
        split += list_split(lists[i], text, len, line_starts, n_lines);
    free(lists);
    free(line_starts);
    return split;
}
