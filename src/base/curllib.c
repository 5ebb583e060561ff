/* curllib.c: opening libcurl once. */
#include "base/curllib.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/dynlib.h"

/* The OpenSSL flavour, the one libcurl4-openssl-dev builds against. */
static const dynlib_lib libs[] = {{"libcurl.so.4", "libcurl4"}};

static const dynlib_fn fns[] = {
#define CURLLIB_ENTRY(member, fn) {0, #fn, offsetof(curllib, member)},
    CURLLIB_FUNCTIONS(CURLLIB_ENTRY)
#undef CURLLIB_ENTRY
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static curllib table;
static int loaded;
static char *failure; /* kept until exit, as the library is */

static void curllib_load(void)
{
    loaded = dynlib_load(libs, sizeof libs / sizeof *libs, fns, sizeof fns / sizeof *fns, &table,
                         &failure) == 0;
}

const curllib *curllib_get(const char **why)
{
    pthread_once(&once, curllib_load);
    if (why)
        *why = loaded ? NULL : failure;
    return loaded ? &table : NULL;
}
