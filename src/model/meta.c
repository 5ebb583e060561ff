/* meta.c: metadata of a book or of one article, and layering of metadata sources. */
#include "model/meta.h"

#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"

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

/*** speaker_index ***/

struct speaker_index {
    strmap *labels;   /* folded label -> speaker */
    strmap *names;    /* folded full name -> speaker */
    strmap *shorts;   /* folded first name or surname -> speaker, or &ambiguous */
    strmap *initials; /* capitals, "FL" -> speaker, or &ambiguous */
};

static const char ambiguous = 0;

static char *fold_ascii(const char *s, size_t n)
{
    char *f = xstrndup(s, n);
    for (char *p = f; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return f;
}

static const char *const surname_particles[] = {"de",  "van", "von", "der", "den", "da",  "di",
                                                "du",  "la",  "le",  "al",  "bin", "ibn", "del",
                                                "dos", "das", "ten", "ter", "St.", NULL};

static int is_particle(const char *w, size_t n)
{
    for (size_t i = 0; surname_particles[i]; i++)
        if (strlen(surname_particles[i]) == n && strncmp(w, surname_particles[i], n) == 0)
            return 1;
    return 0;
}

/* Record a short form: a second speaker with the same one makes it ambiguous. */
static void short_put(strmap *m, const char *key, const speaker *s)
{
    const void *old = strmap_get(m, key);
    if (!old)
        strmap_put(m, key, (void *)s);
    else if (old != s)
        strmap_put(m, key, (void *)&ambiguous);
}

static void index_name(speaker_index *ix, const speaker *s)
{
    const char *name = s->name;
    const char *w[16];
    size_t wl[16], nw = 0;
    for (const char *p = name; *p && nw < 16;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        w[nw] = p;
        while (*p && *p != ' ')
            p++;
        wl[nw] = (size_t)(p - w[nw]);
        nw++;
    }
    if (nw < 2)
        return;
    char *k = fold_ascii(w[0], wl[0]);
    if (k[strlen(k) - 1] != '.') /* "A. B. Last": an initial is no first name */
        short_put(ix->shorts, k, s);
    free(k);
    /* the surname: the last word, and with its particles ("van Last", "de la Cruz") */
    size_t from = nw - 1;
    k = fold_ascii(w[from], wl[from]);
    short_put(ix->shorts, k, s);
    free(k);
    while (from > 1 && is_particle(w[from - 1], wl[from - 1]))
        from--;
    if (from < nw - 1) {
        k = fold_ascii(w[from], (size_t)(w[nw - 1] + wl[nw - 1] - w[from]));
        short_put(ix->shorts, k, s);
        free(k);
    }
    char ini[17];
    size_t ni = 0;
    for (size_t i = 0; i < nw; i++)
        if (w[i][0] >= 'A' && w[i][0] <= 'Z' && !is_particle(w[i], wl[i]))
            ini[ni++] = w[i][0];
    ini[ni] = '\0';
    if (ni >= 2)
        short_put(ix->initials, ini, s);
}

speaker_index *speaker_index_new(const speaker_list *l)
{
    speaker_index *ix = xcalloc(1, sizeof *ix);
    ix->labels = strmap_new();
    ix->names = strmap_new();
    ix->shorts = strmap_new();
    ix->initials = strmap_new();
    for (size_t i = 0; l && i < l->len; i++) {
        const speaker *s = &l->items[i];
        char *k = fold_ascii(s->label, strlen(s->label));
        strmap_add(ix->labels, k, (void *)s);
        free(k);
        k = fold_ascii(s->name, strlen(s->name));
        strmap_add(ix->names, k, (void *)s);
        free(k);
        index_name(ix, s);
    }
    return ix;
}

void speaker_index_free(speaker_index *ix)
{
    if (!ix)
        return;
    strmap_free(ix->labels);
    strmap_free(ix->names);
    strmap_free(ix->shorts);
    strmap_free(ix->initials);
    free(ix);
}

const speaker *speaker_index_find(const speaker_index *ix, const char *label)
{
    const speaker *r = NULL;
    char *k = NULL;
    if (!ix || !label || !*label)
        goto out;
    k = fold_ascii(label, strlen(label));
    if ((r = strmap_get(ix->labels, k)) || (r = strmap_get(ix->names, k)))
        goto out;
    r = strmap_get(ix->shorts, k);
    if (r)
        goto out;
    /* initials: capitals, with or without dots and spaces */
    char ini[17];
    size_t ni = 0;
    for (const char *p = label; *p; p++) {
        if (*p == '.' || *p == ' ')
            continue;
        if (*p < 'A' || *p > 'Z' || ni == 16) {
            ni = 0;
            break;
        }
        ini[ni++] = *p;
    }
    ini[ni] = '\0';
    if (ni >= 2)
        r = strmap_get(ix->initials, ini);
out:
    free(k);
    return r == (const void *)&ambiguous ? NULL : r;
}
