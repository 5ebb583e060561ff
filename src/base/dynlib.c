/* dynlib.c: opening libraries at run time with dlopen and filling function tables with dlsym. */
#include "base/dynlib.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* dlsym gives a data pointer; POSIX guarantees it converts to a function pointer. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
               "function pointers must be the size of data pointers");

/* 1 when soname is listed in SHEAF_TEST_MISSING_LIBS (tests make a library look absent). */
static int lib_hidden(const char *soname)
{
    const char *list = getenv("SHEAF_TEST_MISSING_LIBS");
    size_t n = strlen(soname);
    while (list && *list) {
        const char *end = strchr(list, ',');
        size_t k = end ? (size_t)(end - list) : strlen(list);
        if (k == n && memcmp(list, soname, n) == 0)
            return 1;
        list = end ? end + 1 : NULL;
    }
    return 0;
}

int dynlib_load(const dynlib_lib *libs, size_t n_libs, const dynlib_fn *fns, size_t n_fns,
                void *table, char **why)
{
    int ret = -1;
    void **handles = xcalloc(n_libs ? n_libs : 1, sizeof *handles);
    *why = NULL;

    for (size_t i = 0; i < n_libs; i++) {
        /* RTLD_LAZY: the library's own calls are bound as they are made, as for a linked one;
         * RTLD_LOCAL: its symbols do not become candidates for anyone else's. */
        handles[i] = lib_hidden(libs[i].soname) ? NULL : dlopen(libs[i].soname, RTLD_LAZY | RTLD_LOCAL);
        if (!handles[i]) {
            *why = xasprintf("%s is not installed (apt-get install %s)", libs[i].soname,
                             libs[i].package);
            goto out;
        }
    }
    for (size_t i = 0; i < n_fns; i++) {
        void *sym = fns[i].lib < n_libs ? dlsym(handles[fns[i].lib], fns[i].name) : NULL;
        if (!sym) {
            const dynlib_lib *l = &libs[fns[i].lib < n_libs ? fns[i].lib : 0];
            *why = xasprintf("%s has no function %s: it is older than sheaf needs (apt-get "
                             "install --only-upgrade %s)",
                             l->soname, fns[i].name, l->package);
            goto out;
        }
        memcpy((char *)table + fns[i].offset, &sym, sizeof sym);
    }
    ret = 0;
out:
    /* The libraries opened stay open for the life of the process, also on failure: a
     * dlclose would unload nothing that is worth the risk (see dynlib.h). */
    free(handles);
    return ret;
}
