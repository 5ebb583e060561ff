/* strmap.c: open-addressing hash map with FNV-1a hashing and linear probing. */
#include "base/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct slot {
    char *key;
    uint64_t hash;
    void *value;
};

struct strmap {
    struct slot *slots;
    size_t cap, count;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

strmap *strmap_new(void)
{
    /* no slots until the first key: most maps (the ids of a short document) stay small or empty */
    return xcalloc(1, sizeof(strmap));
}

void strmap_free(strmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static struct slot *slot_find(const strmap *m, const char *key, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        struct slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
        i = (i + 1) & (m->cap - 1);
    }
}

static void strmap_grow(strmap *m)
{
    struct slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 4;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].key)
            continue;
        struct slot *s = slot_find(m, old[i].key, old[i].hash);
        *s = old[i];
    }
    free(old);
}

static struct slot *slot_claim(strmap *m, const char *key, int *fresh)
{
    if ((m->count + 1) * 4 > m->cap * 3) /* also makes the first slots */
        strmap_grow(m);
    uint64_t h = hash_str(key);
    struct slot *s = slot_find(m, key, h);
    *fresh = s->key == NULL;
    if (*fresh) {
        s->key = xstrdup(key);
        s->hash = h;
        s->value = NULL;
        m->count++;
    }
    return s;
}

void *strmap_put(strmap *m, const char *key, void *value)
{
    int fresh;
    struct slot *s = slot_claim(m, key, &fresh);
    void *prev = s->value;
    s->value = value;
    return prev;
}

int strmap_add(strmap *m, const char *key, void *value)
{
    int fresh;
    struct slot *s = slot_claim(m, key, &fresh);
    if (fresh)
        s->value = value;
    return fresh;
}

void *strmap_get(const strmap *m, const char *key)
{
    if (m->count == 0)
        return NULL;
    struct slot *s = slot_find(m, key, hash_str(key));
    return s->key ? s->value : NULL;
}

int strmap_has(const strmap *m, const char *key)
{
    if (m->count == 0)
        return 0;
    return slot_find(m, key, hash_str(key))->key != NULL;
}

size_t strmap_count(const strmap *m)
{
    return m->count;
}
