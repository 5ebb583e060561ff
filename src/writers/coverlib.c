/* coverlib.c: opening librsvg and the libraries cover.c calls beside it, once. */
#include "writers/coverlib.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/dynlib.h"

/* librsvg first: it needs the others, so when it opens they are there too, and when it is
 * missing its name is the one worth giving. */
static const dynlib_lib libs[] = {
    {"librsvg-2.so.2", "librsvg2-2"},
    {"libcairo.so.2", "libcairo2"},
    {"libgobject-2.0.so.0", "libglib2.0-0"},
    {"libglib-2.0.so.0", "libglib2.0-0"},
    {"libfontconfig.so.1", "libfontconfig1"},
};

static const dynlib_fn fns[] = {
#define COVERLIB_ENTRY(lib, fn) {lib, #fn, offsetof(coverlib, fn)},
    COVERLIB_FUNCTIONS(COVERLIB_ENTRY)
#undef COVERLIB_ENTRY
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static coverlib table;
static int loaded;
static char *failure; /* kept until exit, as the libraries are */

static void coverlib_load(void)
{
    loaded = dynlib_load(libs, sizeof libs / sizeof *libs, fns, sizeof fns / sizeof *fns, &table,
                         &failure) == 0;
}

const coverlib *coverlib_get(const char **why)
{
    pthread_once(&once, coverlib_load);
    *why = loaded ? NULL : failure;
    return loaded ? &table : NULL;
}
