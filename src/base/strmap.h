/* strmap.h: a string-keyed hash map (open addressing), for ids, links and file names.
 * Keys are copied and owned by the map; values are opaque pointers the caller owns. */
#ifndef SHEAF_STRMAP_H
#define SHEAF_STRMAP_H

#include <stddef.h>

typedef struct strmap strmap;

strmap *strmap_new(void);
/* Frees the map and its key copies, not the values. Accepts NULL. */
void strmap_free(strmap *m);
/* Insert or replace; returns the previous value or NULL. */
void *strmap_put(strmap *m, const char *key, void *value);
/* Insert only when absent: returns 1 if inserted, 0 if the key was already there. */
int strmap_add(strmap *m, const char *key, void *value);
void *strmap_get(const strmap *m, const char *key);
int strmap_has(const strmap *m, const char *key);
size_t strmap_count(const strmap *m);

#endif
