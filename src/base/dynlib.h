/* dynlib.h: shared libraries opened at run time (dlopen), when a feature first needs them.
 *
 * librsvg (with cairo, GLib and fontconfig) draws the generated cover as a JPEG and libcurl
 * fetches web addresses; linked into the binary they load about 80 more shared libraries at
 * every start, which costs more than reading a typical page. Their users keep their headers
 * and call them through a table of function pointers declared with the functions' own types
 * (`__typeof__(curl_easy_init) *`), so the compiler still checks every call; this module
 * opens the libraries and fills the table.
 *
 * Ownership: a library opened here stays open until the process exits (never dlclose'd:
 * GLib and libcurl keep process-wide state that would dangle). The tables filled in are the
 * caller's (in practice static, filled once under pthread_once). */
#ifndef SHEAF_DYNLIB_H
#define SHEAF_DYNLIB_H

#include <stddef.h>

/* A library to open: its file name as the dynamic loader looks it up ("librsvg-2.so.2") and
 * the Debian package that installs it ("librsvg2-2"), for the message when it is missing. */
typedef struct dynlib_lib {
    const char *soname;
    const char *package;
} dynlib_lib;

/* A function to look up: which library of the list (index), its name, and where its address
 * goes in the caller's table (offsetof the function-pointer member). */
typedef struct dynlib_fn {
    size_t lib;
    const char *name;
    size_t offset;
} dynlib_fn;

/* Open every library in libs[0..n_libs) and store the address of every function in
 * fns[0..n_fns) into `table` at its offset. Returns 0, or -1 with *why set to a sentence a
 * person can act on, which the caller frees: "librsvg-2.so.2 is not installed (apt-get install
 * librsvg2-2)", or that a library lacks a function (too old a version). On failure the table
 * may be partly filled and must not be used.
 *
 * For tests only: a library whose soname is listed in the environment variable
 * SHEAF_TEST_MISSING_LIBS (separated by commas) is treated as not installed. */
int dynlib_load(const dynlib_lib *libs, size_t n_libs, const dynlib_fn *fns, size_t n_fns,
                void *table, char **why);

#endif
