/* diag.h: diagnostics (warnings, errors and checker findings) collected by library code.
 *
 * Library modules never print: they append diagnostics to a diag_list that the command-line
 * layer (cli_*.c) prints. One list serves both the builder (file and line of an input) and the
 * checker (entry path and line inside an EPUB, with an epubcheck-style message ID). */
#ifndef SHEAF_DIAG_H
#define SHEAF_DIAG_H

#include <stddef.h>

typedef enum diag_severity {
    DIAG_INFO,
    DIAG_WARNING,
    DIAG_ERROR,
    DIAG_FATAL
} diag_severity;

typedef struct diag {
    diag_severity severity;
    char *id;      /* e.g. "RSC-007" for checker findings; NULL for build messages */
    char *file;    /* input file or container entry path; NULL when not about a file */
    int line;      /* 1-based; 0 when unknown */
    int column;    /* 1-based; 0 when unknown */
    char *message; /* a sentence a person can act on */
} diag;

typedef struct diag_list {
    diag *items;
    size_t len, cap;
    size_t count[DIAG_FATAL + 1];
} diag_list;

#define DIAG_LIST_INIT {NULL, 0, 0, {0, 0, 0, 0}}

/* Append a diagnostic; strings are copied. id and file may be NULL. */
void diag_add(diag_list *l, diag_severity sev, const char *id, const char *file, int line,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Move every diagnostic of src to the end of dst; src is left empty. */
void diag_list_move(diag_list *dst, diag_list *src);
/* Number of diagnostics of severity >= sev. */
size_t diag_list_count_at_least(const diag_list *l, diag_severity sev);
void diag_list_clear(diag_list *l);
const char *diag_severity_name(diag_severity sev);

#endif
