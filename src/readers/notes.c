/* notes.c: footnotes and numbered references. */
#include "readers/notes.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "model/gfm.h"
#include "model/mdtree.h"

typedef struct note_def {
    char *label;      /* owned */
    cmark_node *body; /* SEM_DIV, detached; NULL for a definition cmark took as a link def */
    int number;       /* 0 until first referenced */
    int refs;         /* references seen so far */
    int line;         /* of the definition, for messages */
} note_def;

typedef struct note_defs {
    note_def *items;
    size_t len, cap;
    strmap *by_label; /* label -> index + 1 */
} note_defs;

static note_def *defs_find(note_defs *d, const char *label, size_t n)
{
    if (!d->by_label)
        return NULL;
    char *key = xstrndup(label, n);
    uintptr_t i = (uintptr_t)strmap_get(d->by_label, key);
    free(key);
    return i ? &d->items[i - 1] : NULL;
}

static note_def *defs_add(note_defs *d, const char *label, size_t n)
{
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    note_def *def = &d->items[d->len++];
    memset(def, 0, sizeof *def);
    def->label = xstrndup(label, n);
    if (!d->by_label)
        d->by_label = strmap_new();
    strmap_add(d->by_label, def->label, (void *)(uintptr_t)d->len);
    return def;
}

/* Length of a footnote label "[^label]" at s (the whole bracket), 0 when none; the label
 * starts at s + 2 and is *n bytes. */
static size_t footnote_mark(const char *s, size_t *n)
{
    if (s[0] != '[' || s[1] != '^')
        return 0;
    size_t i = 2;
    while (s[i] && s[i] != ']' && s[i] != '[' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
           i < 66)
        i++;
    if (s[i] != ']' || i == 2)
        return 0;
    *n = i - 2;
    return i + 1;
}

static int block_line(cmark_node *n)
{
    for (; n; n = cmark_node_parent(n)) {
        int l = cmark_node_get_start_line(n);
        if (l > 0)
            return l;
    }
    return 0;
}

/*** Definitions ***/

/* A paragraph "[^a]: one\n[^b]: two" holds two definitions: split it at each soft break that
 * is followed by a definition mark, so each definition has its own paragraph (inserted right
 * after p, in order). Returns the number of paragraphs made; (*lines)[k] receives the source
 * line of the k-th one (*lines grows as needed; the caller frees it). Each inline is moved at
 * most once, so a paragraph of any number of definitions is split in linear time. */
static int split_definitions(cmark_node *p, int **lines, size_t *cap)
{
    int made = 0;
    int line = cmark_node_get_start_line(p);
    cmark_node *target = p; /* the paragraph the inlines now go to */
    cmark_node *c = cmark_node_first_child(p);
    while (c) {
        cmark_node *next = cmark_node_next(c);
        cmark_node_type t = cmark_node_get_type(c);
        size_t n;
        const char *s;
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
            line++;
        if (t == CMARK_NODE_SOFTBREAK && next &&
            cmark_node_get_type(next) == CMARK_NODE_TEXT && (s = cmark_node_get_literal(next)) &&
            footnote_mark(s, &n) && s[footnote_mark(s, &n)] == ':') {
            cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
            cmark_node_insert_after(target, para);
            cmark_node_free(c);
            target = para;
            if ((size_t)made == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *lines = xrealloc(*lines, *cap * sizeof **lines);
            }
            (*lines)[made++] = line;
        } else if (target != p) {
            cmark_node_append_child(target, c);
        }
        c = next;
    }
    return made;
}

/* If paragraph p is a definition, detach it into a note body and return 1. */
static int take_definition(cmark_node *p, int line, arena *a, note_defs *defs, const char *file,
                           diag_list *diags)
{
    cmark_node *first = cmark_node_first_child(p);
    if (!first || cmark_node_get_type(first) != CMARK_NODE_TEXT)
        return 0;
    const char *s = cmark_node_get_literal(first);
    size_t n;
    size_t m = footnote_mark(s, &n);
    if (!m || s[m] != ':')
        return 0;
    note_def *def = defs_find(defs, s + 2, n);
    int duplicate = def != NULL;
    if (duplicate) {
        diag_add(diags, DIAG_WARNING, NULL, file, line,
                 "footnote [^%.*s] is defined twice (first at line %d); this definition is "
                 "ignored: give it another label",
                 (int)n, s + 2, def->line);
    } else {
        def = defs_add(defs, s + 2, n);
        def->line = line;
    }
    /* the rest of the first text is the start of the note */
    size_t k = m + 1;
    while (s[k] == ' ' || s[k] == '\t')
        k++;
    if (s[k]) {
        char *rest = xstrdup(s + k);
        cmark_node_set_literal(first, rest);
        free(rest);
    } else {
        cmark_node_free(first);
        first = cmark_node_first_child(p);
        if (first && cmark_node_get_type(first) == CMARK_NODE_SOFTBREAK)
            cmark_node_free(first);
    }
    cmark_node *body = sem_node_new(a, SEM_DIV, "footnote-body", NULL);
    cmark_node *c = cmark_node_next(p), *next;
    cmark_node_unlink(p);
    if (cmark_node_first_child(p))
        cmark_node_append_child(body, p);
    else
        cmark_node_free(p);
    /* continuation paragraphs indented by four spaces: cmark read them as indented code */
    for (; c; c = next) {
        next = cmark_node_next(c);
        const char *info = cmark_node_get_fence_info(c);
        if (cmark_node_get_type(c) != CMARK_NODE_CODE_BLOCK || cmark_node_get_start_column(c) < 5 ||
            (info && *info))
            break;
        const char *lit = cmark_node_get_literal(c);
        cmark_node *sub = gfm_parse(lit, strlen(lit), CMARK_OPT_SMART, NULL);
        cmark_node *x;
        while ((x = cmark_node_first_child(sub)))
            cmark_node_append_child(body, x);
        cmark_node_free(sub);
        cmark_node_free(c);
    }
    if (duplicate)
        cmark_node_free(body);
    else
        def->body = body;
    return 1;
}

static int definition_container(cmark_node *n)
{
    cmark_node_type t = n ? cmark_node_get_type(n) : CMARK_NODE_NONE;
    return t == CMARK_NODE_DOCUMENT || t == CMARK_NODE_BLOCK_QUOTE ||
           (t == CMARK_NODE_CUSTOM_BLOCK && sem_get(n));
}

static void collect_definitions(cmark_node *doc, arena *a, note_defs *defs, const char *file,
                                diag_list *diags)
{
    cmark_node **paras = NULL;
    size_t n = 0, paras_cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_PARAGRAPH ||
            !definition_container(cmark_node_parent(cur)))
            continue;
        cmark_node *f = cmark_node_first_child(cur);
        const char *s;
        size_t ln;
        if (!f || cmark_node_get_type(f) != CMARK_NODE_TEXT || !(s = cmark_node_get_literal(f)) ||
            !footnote_mark(s, &ln) || s[footnote_mark(s, &ln)] != ':')
            continue;
        if (n == paras_cap) {
            paras_cap = paras_cap ? paras_cap * 2 : 16;
            paras = xrealloc(paras, paras_cap * sizeof *paras);
        }
        paras[n++] = cur;
    }
    cmark_iter_free(it);
    int *lines = NULL;
    size_t lines_cap = 0;
    for (size_t i = 0; i < n; i++) {
        int extra = split_definitions(paras[i], &lines, &lines_cap);
        cmark_node *p = paras[i];
        for (int k = 0; k <= extra && p; k++) {
            cmark_node *next = cmark_node_next(p);
            int line = k == 0 ? cmark_node_get_start_line(p) : lines[k - 1];
            take_definition(p, line, a, defs, file, diags);
            p = next;
        }
    }
    free(lines);
    free(paras);
}

/*** References ***/

static cmark_node *noteref_new(arena *a, note_def *def, int *next_number)
{
    if (!def->number)
        def->number = (*next_number)++;
    def->refs++;
    char id[48];
    if (def->refs == 1)
        snprintf(id, sizeof id, "fnref-%d", def->number);
    else
        snprintf(id, sizeof id, "fnref-%d-%d", def->number, def->refs);
    cmark_node *ref = sem_node_new(a, SEM_NOTEREF, NULL, id);
    sem_get(ref)->number = def->number;
    return ref;
}

/* Replace the footnote references in a text node. */
static void refs_in_text(cmark_node *t, arena *a, note_defs *defs, int *next_number,
                         const char *file, diag_list *diags)
{
    const char *lit = cmark_node_get_literal(t);
    if (!lit || !strstr(lit, "[^"))
        return;
    char *s = xstrdup(lit);
    size_t done = 0, i = 0;
    int changed = 0;
    while (s[i]) {
        size_t n, m = s[i] == '[' ? footnote_mark(s + i, &n) : 0;
        if (!m) {
            i++;
            continue;
        }
        note_def *def = defs_find(defs, s + i + 2, n);
        if (!def || !def->body) {
            diag_add(diags, DIAG_WARNING, NULL, file, block_line(t),
                     "footnote reference [^%.*s] has no definition; add a line "
                     "\"[^%.*s]: text of the note\" (it is left as text)",
                     (int)n, s + i + 2, (int)n, s + i + 2);
            i += m;
            continue;
        }
        if (i > done)
            cmark_node_insert_before(t, mdtree_text_new(s + done, i - done));
        cmark_node_insert_before(t, noteref_new(a, def, next_number));
        done = i = i + m;
        changed = 1;
    }
    if (changed) {
        if (s[done])
            cmark_node_insert_before(t, mdtree_text_new(s + done, strlen(s + done)));
        cmark_node_free(t);
    }
    free(s);
}

/* A link whose text is "^label": cmark read "[^label]: word" as a link reference definition.
 * The note is the destination (a URL becomes a link to it). */
static void ref_from_link(cmark_node *link, arena *a, note_defs *defs, int *next_number)
{
    cmark_node *c = cmark_node_first_child(link);
    const char *s = c ? cmark_node_get_literal(c) : NULL;
    const char *url = cmark_node_get_url(link);
    note_def *def = defs_find(defs, s + 1, strlen(s + 1));
    if (!def) {
        def = defs_add(defs, s + 1, strlen(s + 1));
        def->line = block_line(link);
        def->body = sem_node_new(a, SEM_DIV, "footnote-body", NULL);
        cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
        if (strstr(url, "://") || str_starts_with(url, "www.")) {
            cmark_node *l = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(l, url);
            cmark_node_append_child(l, mdtree_text_new(url, strlen(url)));
            cmark_node_append_child(p, l);
        } else {
            cmark_node_append_child(p, mdtree_text_new(url, strlen(url)));
        }
        cmark_node_append_child(def->body, p);
    }
    if (!def->body)
        return;
    cmark_node_insert_before(link, noteref_new(a, def, next_number));
    cmark_node_free(link);
}

static int is_caret_link(cmark_node *n)
{
    if (cmark_node_get_type(n) != CMARK_NODE_LINK)
        return 0;
    cmark_node *c = cmark_node_first_child(n);
    if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
        return 0;
    const char *s = cmark_node_get_literal(c);
    if (!s || s[0] != '^' || !s[1] || strpbrk(s, " \t[]"))
        return 0;
    const char *t = cmark_node_get_title(n);
    return t == NULL || *t == '\0';
}

/*** Numbered references: Dia[1] ... 1. Dia, https://... ***/

static void numbered_refs(cmark_node *doc, arena *a)
{
    cmark_node *list = cmark_node_last_child(doc);
    if (!list || cmark_node_get_type(list) != CMARK_NODE_LIST ||
        cmark_node_get_list_type(list) != CMARK_ORDERED_LIST)
        return;
    int start = cmark_node_get_list_start(list);
    int count = 0;
    for (cmark_node *it = cmark_node_first_child(list); it; it = cmark_node_next(it))
        count++;
    if (count == 0 || count > 999)
        return;
    char *anchored = xcalloc((size_t)count, 1);
    int k = 0;
    for (cmark_node *it = cmark_node_first_child(list); it; it = cmark_node_next(it), k++) {
        cmark_node *p = cmark_node_first_child(it);
        if (!p || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
            continue;
        char id[32];
        snprintf(id, sizeof id, "ref-%d", start + k);
        cmark_node *anchor = sem_node_new(a, SEM_ANCHOR, NULL, id);
        if (cmark_node_first_child(p))
            cmark_node_insert_before(cmark_node_first_child(p), anchor);
        else
            cmark_node_append_child(p, anchor);
        anchored[k] = 1;
    }
    /* text nodes before the list */
    cmark_node **texts = NULL;
    size_t n = 0;
    cmark_iter *iter = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(iter);
        if (cur == list && ev == CMARK_EVENT_ENTER)
            break;
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(cur) != CMARK_NODE_TEXT ||
            !strchr(cmark_node_get_literal(cur), '['))
            continue;
        int in_link = 0;
        for (cmark_node *p = cmark_node_parent(cur); p && !in_link; p = cmark_node_parent(p))
            in_link = cmark_node_get_type(p) == CMARK_NODE_LINK;
        if (in_link)
            continue;
        texts = xrealloc(texts, (n + 1) * sizeof *texts);
        texts[n++] = cur;
    }
    cmark_iter_free(iter);
    for (size_t i = 0; i < n; i++) {
        char *s = xstrdup(cmark_node_get_literal(texts[i]));
        size_t done = 0, j = 0;
        int changed = 0;
        while (s[j]) {
            if (s[j] != '[') {
                j++;
                continue;
            }
            size_t e = j + 1;
            int num = 0;
            while (s[e] >= '0' && s[e] <= '9' && e - j <= 3)
                num = num * 10 + (s[e++] - '0');
            if (e == j + 1 || s[e] != ']' || num < start || num >= start + count ||
                !anchored[num - start]) {
                j++;
                continue;
            }
            if (j > done)
                cmark_node_insert_before(texts[i], mdtree_text_new(s + done, j - done));
            char url[32];
            snprintf(url, sizeof url, "#ref-%d", num);
            cmark_node *l = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(l, url);
            cmark_node_append_child(l, mdtree_text_new(s + j, e + 1 - j));
            cmark_node_insert_before(texts[i], l);
            done = j = e + 1;
            changed = 1;
        }
        if (changed) {
            if (s[done])
                cmark_node_insert_before(texts[i], mdtree_text_new(s + done, strlen(s + done)));
            cmark_node_free(texts[i]);
        }
        free(s);
    }
    free(texts);
    free(anchored);
}

/*** The pass ***/

static int note_cmp(const void *x, const void *y)
{
    const note *a = x, *b = y;
    return (a->number > b->number) - (a->number < b->number);
}

int notes_collect(cmark_node *doc, arena *a, const char *file, note **notes, size_t *n_notes,
                  diag_list *diags)
{
    note_defs defs = {NULL, 0, 0, NULL};
    int next_number = 1;
    *notes = NULL;
    *n_notes = 0;

    cmark_consolidate_text_nodes(doc);
    collect_definitions(doc, a, &defs, file, diags);

    /* references, in document order */
    cmark_node **sites = NULL;
    size_t n = 0, sites_cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (!(cmark_node_get_type(cur) == CMARK_NODE_TEXT &&
              strstr(cmark_node_get_literal(cur), "[^")) &&
            !is_caret_link(cur))
            continue;
        if (n == sites_cap) {
            sites_cap = sites_cap ? sites_cap * 2 : 16;
            sites = xrealloc(sites, sites_cap * sizeof *sites);
        }
        sites[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        if (cmark_node_get_type(sites[i]) == CMARK_NODE_LINK)
            ref_from_link(sites[i], a, &defs, &next_number);
        else
            refs_in_text(sites[i], a, &defs, &next_number, file, diags);
    }
    free(sites);

    numbered_refs(doc, a);

    size_t count = 0;
    for (size_t i = 0; i < defs.len; i++)
        if (defs.items[i].number)
            count++;
    if (count)
        *notes = xcalloc(count, sizeof **notes);
    for (size_t i = 0; i < defs.len; i++) {
        note_def *d = &defs.items[i];
        if (d->number) {
            note *out = &(*notes)[(*n_notes)++];
            out->number = d->number;
            out->label = arena_strdup(a, d->label);
            out->body = d->body;
        } else {
            if (d->body)
                diag_add(diags, DIAG_WARNING, NULL, file, d->line,
                         "footnote [^%s] is defined but never referenced, so it is left out; "
                         "add [^%s] where it belongs or delete the definition",
                         d->label, d->label);
            if (d->body)
                cmark_node_free(d->body);
        }
        free(d->label);
    }
    free(defs.items);
    strmap_free(defs.by_label);
    if (*n_notes > 1)
        qsort(*notes, *n_notes, sizeof **notes, note_cmp);
    return 0;
}
