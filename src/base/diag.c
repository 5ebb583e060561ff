/* diag.c: the diagnostics list. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* One kind of warning for one file: how many were kept, how many were not, and where the
 * line that counts the others is. */
struct diag_kind {
    uint64_t key;     /* 0: an empty slot */
    size_t kept;
    size_t dropped;
    size_t summary;   /* index + 1 of the counting warning in the list; 0 before the first */
    char *example;    /* the last message kept, quoted in the counting warning */
};

/* The kind of a message for one file: FNV-1a over the file and the message, leaving out what
 * is between quotes and digits (names, numbers), so that "image 'a.png' not found" and
 * "image 'b.png' not found" are one kind. Never 0. */
static uint64_t kind_key(const char *file, const char *msg)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)(file ? file : ""); *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;
    char quote = 0;
    for (const char *p = msg; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            quote = *p;
            continue;
        }
        if (*p >= '0' && *p <= '9')
            continue;
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    }
    return h ? h : 1;
}

/* The slot of `key` in the list's open-addressed table, grown as needed. */
static struct diag_kind *kind_slot(diag_list *l, uint64_t key)
{
    if ((l->n_kinds + 1) * 2 > l->cap_kinds) {
        size_t cap = l->cap_kinds ? l->cap_kinds * 2 : 64;
        struct diag_kind *t = xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < l->cap_kinds; i++) {
            if (!l->kinds[i].key)
                continue;
            size_t j = (size_t)(l->kinds[i].key % cap);
            while (t[j].key)
                j = (j + 1) % cap;
            t[j] = l->kinds[i];
        }
        free(l->kinds);
        l->kinds = t;
        l->cap_kinds = cap;
    }
    size_t j = (size_t)(key % l->cap_kinds);
    while (l->kinds[j].key && l->kinds[j].key != key)
        j = (j + 1) % l->cap_kinds;
    if (!l->kinds[j].key) {
        l->kinds[j].key = key;
        l->n_kinds++;
    }
    return &l->kinds[j];
}

static void kinds_free(diag_list *l)
{
    for (size_t i = 0; i < l->cap_kinds; i++)
        free(l->kinds[i].example);
    free(l->kinds);
    l->kinds = NULL;
    l->n_kinds = l->cap_kinds = 0;
}

static diag *list_append(diag_list *l, diag_severity sev, const char *id, const char *file,
                         int line, char *message)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    diag *d = &l->items[l->len++];
    memset(d, 0, sizeof *d);
    d->severity = sev;
    d->id = id ? xstrdup(id) : NULL;
    d->file = file ? xstrdup(file) : NULL;
    d->line = line;
    d->message = message;
    l->count[sev]++;
    return d;
}

void diag_add(diag_list *l, diag_severity sev, const char *id, const char *file, int line,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = xvasprintf(fmt, ap);
    va_end(ap);
    if (sev == DIAG_WARNING && !id) {
        struct diag_kind *k = kind_slot(l, kind_key(file, message));
        if (k->kept >= DIAG_WARNINGS_PER_KIND) {
            k->dropped++;
            char *count = xasprintf("%zu more warning%s like \"%.100s%s\" %s not shown",
                                    k->dropped, k->dropped == 1 ? "" : "s", k->example,
                                    strlen(k->example) > 100 ? "..." : "",
                                    k->dropped == 1 ? "was" : "were");
            if (!k->summary) {
                list_append(l, DIAG_WARNING, NULL, file, 0, count);
                k->summary = l->len;
            } else {
                free(l->items[k->summary - 1].message);
                l->items[k->summary - 1].message = count;
            }
            free(message);
            return;
        }
        k->kept++;
        free(k->example);
        k->example = xstrdup(message);
    }
    list_append(l, sev, id, file, line, message);
}

void diag_list_move(diag_list *dst, diag_list *src)
{
    for (size_t i = 0; i < src->len; i++) {
        if (dst->len == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 16;
            dst->items = xrealloc(dst->items, dst->cap * sizeof *dst->items);
        }
        dst->items[dst->len++] = src->items[i];
        dst->count[src->items[i].severity]++;
    }
    free(src->items);
    kinds_free(src);
    memset(src, 0, sizeof *src);
}

size_t diag_list_count_at_least(const diag_list *l, diag_severity sev)
{
    size_t n = 0;
    for (int s = (int)sev; s <= DIAG_FATAL; s++)
        n += l->count[s];
    return n;
}

void diag_list_clear(diag_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].id);
        free(l->items[i].file);
        free(l->items[i].message);
    }
    free(l->items);
    kinds_free(l);
    memset(l, 0, sizeof *l);
}

const char *diag_severity_name(diag_severity sev)
{
    switch (sev) {
    case DIAG_INFO:
        return "info";
    case DIAG_WARNING:
        return "warning";
    case DIAG_ERROR:
        return "error";
    case DIAG_FATAL:
        return "fatal";
    }
    return "error";
}
