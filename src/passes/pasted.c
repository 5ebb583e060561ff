/* pasted.c: sections inferred for text pasted from web pages. */
#include "passes/pasted.h"

#include <stdlib.h>
#include <string.h>

#include "model/mdtree.h"
#include "base/util.h"

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
