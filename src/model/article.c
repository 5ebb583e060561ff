/* article.c: the article model's life cycle and small helpers every stage uses. */
#include "model/article.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

article *article_new(size_t index)
{
    article *a = xcalloc(1, sizeof *a);
    a->index = index;
    a->part = -1;
    meta_init(&a->meta);
    a->arena = arena_new();
    return a;
}

void article_free(article *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->key);
    free(a->dir);
    free(a->base_url);
    meta_free(&a->meta);
    free(a->text);
    free(a->line_starts);
    for (size_t i = 0; i < a->n_notes; i++)
        cmark_node_free(a->notes[i].body);
    free(a->notes);
    if (a->doc)
        cmark_node_free(a->doc);
    speaker_list_clear(&a->cast);
    for (size_t i = 0; i < a->n_headings; i++) {
        free(a->headings[i].text);
        free(a->headings[i].id);
    }
    free(a->headings);
    for (size_t i = 0; i < a->n_chapters; i++) {
        free(a->chapters[i].href);
        free(a->chapters[i].id);
        free(a->chapters[i].title);
        free(a->chapters[i].deflated);
        if (a->chapters[i].doc)
            xmlFreeDoc(a->chapters[i].doc);
        strlist_clear(&a->chapters[i].pending);
        free(a->chapters[i].line_map);
        strlist_clear(&a->chapters[i].pending_images);
    }
    free(a->chapters);
    strmap_free(a->ids);
    strmap_free(a->id_renames);
    strlist_clear(&a->id_renamed);
    diag_list_clear(&a->diags);
    arena_free(a->arena);
    free(a);
}

int article_id_reserved(const char *id)
{
    const char *prefixes[] = {"fn-", "fnref-", "ref-", NULL};
    for (int i = 0; prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(id, prefixes[i], n) == 0 && id[n] >= '0' && id[n] <= '9')
            return 1;
    }
    return 0;
}

void article_release_tree(article *a)
{
    for (size_t i = 0; i < a->n_notes; i++)
        cmark_node_free(a->notes[i].body);
    free(a->notes);
    a->notes = NULL;
    a->n_notes = 0;
    if (a->doc)
        cmark_node_free(a->doc);
    a->doc = NULL;
    for (size_t i = 0; i < a->n_headings; i++)
        a->headings[i].node = NULL;
    for (size_t i = 0; i < a->n_chapters; i++)
        a->chapters[i].first = a->chapters[i].end = NULL;
    free(a->text);
    a->text = NULL;
    free(a->line_starts);
    a->line_starts = NULL;
    arena_free(a->arena);
    a->arena = arena_new();
}


static void plain_text_add(strbuf *b, cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            strbuf_adds(b, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            strbuf_addc(b, ' ');
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

char *node_plain_text(cmark_node *node)
{
    strbuf b = STRBUF_INIT;
    plain_text_add(&b, node);
    char *s = strbuf_detach(&b, NULL);
    return str_trim(s);
}
const char *article_file(const article *a)
{
    return strcmp(a->path, "-") == 0 ? "<stdin>" : a->path;
}

void article_lines_index(article *a)
{
    size_t cap = 64;
    a->line_starts = xmalloc(cap * sizeof(size_t));
    a->n_lines = 0;
    a->line_starts[a->n_lines++] = 0;
    const char *p = a->text, *end = a->text + a->text_len;
    while (p && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (a->n_lines == cap) {
            cap *= 2;
            a->line_starts = xrealloc(a->line_starts, cap * sizeof(size_t));
        }
        a->line_starts[a->n_lines++] = (size_t)(++p - a->text);
    }
}
