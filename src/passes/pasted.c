/* pasted.c: structure for text pasted from web pages. */
#include "passes/pasted.h"

#include <stdlib.h>
#include <string.h>

#include "passes/mdtree.h"
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

/*** Inferred sections ***/

/* Text of a paragraph made only of text, emphasis and strong emphasis on a single line;
 * NULL otherwise. The caller frees it. */
static char *title_text(cmark_node *p)
{
    strbuf b = STRBUF_INIT;
    int ok = 1;
    cmark_iter *it = cmark_iter_new(p);
    cmark_event_type ev;
    while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (cur == p || ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(cur)) {
        case CMARK_NODE_TEXT:
            strbuf_adds(&b, cmark_node_get_literal(cur));
            break;
        case CMARK_NODE_EMPH:
        case CMARK_NODE_STRONG:
            break;
        default:
            ok = 0;
        }
    }
    cmark_iter_free(it);
    if (!ok || b.len == 0) {
        strbuf_release(&b);
        return NULL;
    }
    return strbuf_detach(&b, NULL);
}

typedef enum title_shape { NOT_TITLE, TITLE, TITLE_QUESTION } title_shape;

/* 1 when the paragraph opens with a turn label: **Name:**, **Name**:, Q: or A:. */
static int opens_with_label(cmark_node *p)
{
    cmark_node *f = cmark_node_first_child(p);
    if (!f)
        return 0;
    if (cmark_node_get_type(f) == CMARK_NODE_STRONG) {
        cmark_node *t = cmark_node_first_child(f);
        const char *s =
            t && cmark_node_get_type(t) == CMARK_NODE_TEXT ? cmark_node_get_literal(t) : NULL;
        cmark_node *n = cmark_node_next(f);
        const char *after =
            n && cmark_node_get_type(n) == CMARK_NODE_TEXT ? cmark_node_get_literal(n) : NULL;
        return (s && str_ends_with(s, ":")) || (after && after[0] == ':');
    }
    if (cmark_node_get_type(f) == CMARK_NODE_TEXT) {
        const char *s = cmark_node_get_literal(f);
        return (s[0] == 'Q' || s[0] == 'A') && (s[1] == ':' || s[1] == '.') && s[2] == ' ';
    }
    return 0;
}

static title_shape title_candidate(cmark_node *p, const mdtree_filter *labels)
{
    if (!p || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH || opens_with_label(p))
        return NOT_TITLE;
    char *s = title_text(p);
    title_shape r = NOT_TITLE;
    if (!s)
        goto out;
    str_trim(s);
    size_t n = strlen(s);
    if (n == 0 || n > 80 || strstr(s, "://") || strstr(s, "www."))
        goto out;
    const unsigned char *u = (const unsigned char *)s;
    int start_ok = (u[0] >= 'A' && u[0] <= 'Z') || (u[0] >= '0' && u[0] <= '9') ||
                   (u[0] >= 0x80 && !(u[0] == 0xe2 && u[1] == 0x80));
    if (!start_ok)
        goto out;
    int words = 1;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' && i + 1 < n && s[i + 1] != ' ')
            words++;
    if (words > 12)
        goto out;
    char last = s[n - 1];
    /* a sentence ends with a full stop, in CJK scripts too (。！，；：) */
    if (last == '.' || last == ',' || last == ';' || last == ':' || last == '!' ||
        str_ends_with(s, "\xe2\x80\xa6") /* … */ || str_ends_with(s, "\xe3\x80\x82") ||
        str_ends_with(s, "\xef\xbc\x81") || str_ends_with(s, "\xef\xbc\x8c") ||
        str_ends_with(s, "\xef\xbc\x9b") || str_ends_with(s, "\xef\xbc\x9a"))
        goto out;
    r = mdtree_filter_test(labels, p)                                ? NOT_TITLE
        : last == '?' || str_ends_with(s, "\xef\xbc\x9f") /* ？ */ ? TITLE_QUESTION
                                                                     : TITLE;
out:
    free(s);
    return r;
}

static cmark_node *heading_from(cmark_node *p, int level)
{
    cmark_node *h = cmark_node_new(CMARK_NODE_HEADING);
    cmark_node_set_heading_level(h, level);
    cmark_node *c;
    while ((c = cmark_node_first_child(p)))
        cmark_node_append_child(h, c);
    cmark_node_insert_before(p, h);
    cmark_node_free(p);
    return h;
}

static int block_is(cmark_node *n, cmark_node_type t)
{
    return n && cmark_node_get_type(n) == t;
}

/* Blocks that can follow a section title: its first paragraph, list or quote. */
static int body_block(cmark_node *n)
{
    return block_is(n, CMARK_NODE_PARAGRAPH) || block_is(n, CMARK_NODE_LIST) ||
           block_is(n, CMARK_NODE_BLOCK_QUOTE) || block_is(n, CMARK_NODE_CODE_BLOCK);
}

static size_t para_len(cmark_node *n)
{
    size_t len = 0;
    if (!block_is(n, CMARK_NODE_PARAGRAPH))
        return 0;
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(cur) == CMARK_NODE_TEXT)
            len += strlen(cmark_node_get_literal(cur));
    }
    cmark_iter_free(it);
    return len;
}

/* A heading with more text than this is a pasted paragraph that starts with '#'. */
#define RUNON_HEADING 160
/* A block split out of such a paragraph at a '## ' is a heading when its text is this short. */
#define RUNON_TITLE_MAX 120

static size_t heading_text_len(cmark_node *h)
{
    size_t len = 0;
    cmark_iter *it = cmark_iter_new(h);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        const char *lit;
        if (ev == CMARK_EVENT_ENTER &&
            (cmark_node_get_type(cur) == CMARK_NODE_TEXT ||
             cmark_node_get_type(cur) == CMARK_NODE_CODE) &&
            (lit = cmark_node_get_literal(cur)))
            len += strlen(lit);
    }
    cmark_iter_free(it);
    return len;
}

/* A heading marker inside run-on text: a run of 1 to 6 '#' after a space (or at the start) and
 * before a space. Its length, 0 when s[i] starts none. */
static size_t hash_marker(const char *s, size_t i)
{
    size_t k = 0;
    if (i > 0 && s[i - 1] != ' ')
        return 0;
    while (s[i + k] == '#')
        k++;
    return k >= 1 && k <= 6 && s[i + k] == ' ' ? k : 0;
}

#define EM_DASH "\xE2\x80\x94"

/* Where a pasted page lost its line breaks, Markdown it had is run into one line: "# Title
 * 上海 --- ## Overview Large language models..." (cmark made the "---" an em dash). Split the
 * run-on heading `h` at its markers: a dash before a marker is a thematic break, each marker
 * starts a new block, a heading when its text is short (at least level 2, under the article's
 * title) and a paragraph otherwise; the markers themselves are dropped. Without any marker h
 * becomes a paragraph, as before. */
static void runon_split(cmark_node *h)
{
    cmark_node *cur = cmark_node_new(CMARK_NODE_PARAGRAPH), *c;
    int own_level = cmark_node_get_heading_level(h);
    cmark_node **blocks = NULL;
    int *levels = NULL;
    size_t n = 0;
    cmark_node_insert_before(h, cur);
    blocks = xrealloc(blocks, sizeof *blocks);
    levels = xrealloc(levels, sizeof *levels);
    blocks[0] = cur;
    levels[0] = own_level < 2 ? 2 : own_level; /* its '#' was cmark's; it too may be short */
    n = 1;
    while ((c = cmark_node_first_child(h))) {
        if (cmark_node_get_type(c) != CMARK_NODE_TEXT) {
            cmark_node_append_child(cur, c);
            continue;
        }
        const char *s = cmark_node_get_literal(c);
        size_t from = 0, len = strlen(s);
        for (size_t i = 0; i < len; i++) {
            size_t k = s[i] == '#' ? hash_marker(s, i) : 0;
            if (!k)
                continue;
            /* the text before the marker, without the dash of a break and the spaces */
            size_t end = i, dash = 0;
            while (end > from && s[end - 1] == ' ')
                end--;
            if (end >= from + 3 && memcmp(s + end - 3, EM_DASH, 3) == 0) {
                dash = 1;
                end -= 3;
            } else if (end >= from + 3 && memcmp(s + end - 3, "---", 3) == 0) {
                dash = 1;
                end -= 3;
            }
            while (end > from && s[end - 1] == ' ')
                end--;
            if (end > from)
                cmark_node_append_child(cur, mdtree_text_new(s + from, end - from));
            cmark_node *after = cur;
            if (dash) {
                cmark_node *hr = cmark_node_new(CMARK_NODE_THEMATIC_BREAK);
                cmark_node_insert_after(cur, hr);
                after = hr;
            }
            cur = cmark_node_new(CMARK_NODE_PARAGRAPH);
            cmark_node_insert_after(after, cur);
            blocks = xrealloc(blocks, (n + 1) * sizeof *blocks);
            levels = xrealloc(levels, (n + 1) * sizeof *levels);
            blocks[n] = cur;
            levels[n++] = (int)k < 2 ? 2 : (int)k;
            from = i + k + 1;
            i = from - 1;
        }
        if (from < len)
            cmark_node_append_child(cur, mdtree_text_new(s + from, len - from));
        cmark_node_free(c);
    }
    cmark_node_free(h);
    for (size_t i = 0; i < n; i++) {
        if (!cmark_node_first_child(blocks[i])) {
            cmark_node_free(blocks[i]);
            continue;
        }
        if (heading_text_len(blocks[i]) <= RUNON_TITLE_MAX)
            heading_from(blocks[i], levels[i]);
    }
    free(blocks);
    free(levels);
}

int pasted_infer_sections(cmark_node *doc, cmark_node *title_node, const mdtree_filter *labels)
{
    int inferred = 0;
    cmark_node *first = cmark_node_first_child(doc);
    if (!title_node && block_is(first, CMARK_NODE_HEADING) &&
        cmark_node_get_heading_level(first) == 1)
        title_node = first;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int has_heading = 0;
    cmark_node **runons = NULL;
    size_t n_runons = 0;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_HEADING ||
            cur == title_node)
            continue;
        /* "# " before a whole pasted paragraph is no heading */
        if (heading_text_len(cur) > RUNON_HEADING) {
            runons = xrealloc(runons, (n_runons + 1) * sizeof *runons);
            runons[n_runons++] = cur;
        } else {
            has_heading = 1;
        }
    }
    cmark_iter_free(it);
    if (!has_heading)
        for (size_t i = 0; i < n_runons; i++)
            runon_split(runons[i]);
    free(runons);
    if (has_heading)
        return 0;

    /* Titles after thematic breaks: level 2. */
    int seen_section = 0;
    cmark_node *next;
    for (cmark_node *b = first; b; b = next) {
        next = cmark_node_next(b);
        if (!block_is(b, CMARK_NODE_THEMATIC_BREAK))
            continue;
        cmark_node *p = cmark_node_next(b);
        if (p == title_node || !title_candidate(p, labels) || !cmark_node_next(p))
            continue;
        next = cmark_node_next(p);
        heading_from(p, 2);
        cmark_node_free(b);
        inferred++;
    }
    seen_section = inferred > 0;

    /* Titles standing alone between blocks: level 3 inside break-made sections, level 2 in an
     * article without them (when at least two stand out as titles). */
    cmark_node **alone = NULL;
    size_t n_alone = 0;
    int in_section = 0;
    for (cmark_node *b = first && first == title_node ? cmark_node_next(first) : first; b;
         b = cmark_node_next(b)) {
        if (block_is(b, CMARK_NODE_HEADING)) {
            in_section = b != title_node;
            continue;
        }
        if (b == title_node || title_candidate(b, labels) != TITLE)
            continue;
        cmark_node *prev = cmark_node_previous(b), *after = cmark_node_next(b);
        if (!prev || block_is(prev, CMARK_NODE_HEADING) || prev == title_node ||
            block_is(prev, CMARK_NODE_THEMATIC_BREAK) || !body_block(after))
            continue;
        if (seen_section) {
            if (!in_section || title_candidate(prev, labels))
                continue;
        } else if (para_len(after) < 100 ||
                   !(para_len(prev) >= 100 || block_is(prev, CMARK_NODE_LIST) ||
                     block_is(prev, CMARK_NODE_BLOCK_QUOTE)) ||
                   title_candidate(prev, labels)) {
            continue;
        }
        alone = xrealloc(alone, (n_alone + 1) * sizeof *alone);
        alone[n_alone++] = b;
    }
    if (seen_section || n_alone >= 2)
        for (size_t i = 0; i < n_alone; i++) {
            heading_from(alone[i], seen_section ? 3 : 2);
            inferred++;
        }
    free(alone);
    return inferred;
}
