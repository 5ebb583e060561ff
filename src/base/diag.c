/* diag.c: the diagnostics list. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void diag_add(diag_list *l, diag_severity sev, const char *id, const char *file, int line,
              const char *fmt, ...)
{
    va_list ap;
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
    va_start(ap, fmt);
    d->message = xvasprintf(fmt, ap);
    va_end(ap);
    l->count[sev]++;
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
