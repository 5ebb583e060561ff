/* meta.c: metadata of a book or of one article, and layering of metadata sources. */
#include "model/meta.h"

#include <stdlib.h>
#include <string.h>

void meta_init(meta *m)
{
    memset(m, 0, sizeof *m);
}

void meta_free(meta *m)
{
    if (!m)
        return;
    free(m->title);
    free(m->subtitle);
    strlist_clear(&m->authors);
    strlist_clear(&m->editors);
    free(m->lang);
    free(m->dir);
    free(m->date);
    free(m->publisher);
    free(m->description);
    free(m->identifier);
    free(m->rights);
    free(m->source);
    free(m->cover);
    strlist_clear(&m->tags);
    speaker_list_clear(&m->speakers);
    meta_init(m);
}

void meta_set(char **field, const char *value)
{
    /* Copy first: value may be the string *field points at. */
    char *copy = value ? xstrdup(value) : NULL;
    free(*field);
    *field = copy;
}

static void merge_string(char **dst, const char *over)
{
    if (over)
        meta_set(dst, over);
}

static void merge_list(strlist *dst, const strlist *over)
{
    if (over->len == 0)
        return;
    strlist_clear(dst);
    strlist_extend(dst, over);
}

void meta_merge(meta *dst, const meta *over)
{
    if (!dst || !over || dst == over)
        return;
    if (over->title) {
        meta_set(&dst->title, over->title);
        dst->line_title = over->line_title;
    }
    merge_string(&dst->subtitle, over->subtitle);
    merge_list(&dst->authors, &over->authors);
    merge_list(&dst->editors, &over->editors);
    merge_string(&dst->lang, over->lang);
    merge_string(&dst->dir, over->dir);
    merge_string(&dst->date, over->date);
    merge_string(&dst->publisher, over->publisher);
    merge_string(&dst->description, over->description);
    merge_string(&dst->identifier, over->identifier);
    merge_string(&dst->rights, over->rights);
    merge_string(&dst->source, over->source);
    merge_string(&dst->cover, over->cover);
    merge_list(&dst->tags, &over->tags);
    if (over->speakers.len)
        speaker_list_copy(&dst->speakers, &over->speakers);
}

/*** speakers ***/

void speaker_list_add(speaker_list *l, const char *label, const char *name, speaker_role role)
{
    if (!label || !*label)
        label = name;
    if (!name || !*name)
        name = label;
    if (!label || !*label)
        return; /* nothing to call the speaker by */
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    speaker *s = &l->items[l->len++];
    s->label = xstrdup(label);
    s->name = xstrdup(name);
    s->role = role;
}

const speaker *speaker_list_find(const speaker_list *l, const char *label)
{
    if (!l || !label)
        return NULL;
    for (size_t i = 0; i < l->len; i++)
        if (str_casecmp_ascii(l->items[i].label, label) == 0)
            return &l->items[i];
    /* Labels first: a label may equal another speaker's full name only by accident. */
    for (size_t i = 0; i < l->len; i++)
        if (str_casecmp_ascii(l->items[i].name, label) == 0)
            return &l->items[i];
    return NULL;
}

void speaker_list_clear(speaker_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].label);
        free(l->items[i].name);
    }
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

void speaker_list_copy(speaker_list *dst, const speaker_list *src)
{
    if (dst == src)
        return;
    speaker_list_clear(dst);
    for (size_t i = 0; i < src->len; i++)
        speaker_list_add(dst, src->items[i].label, src->items[i].name, src->items[i].role);
}
