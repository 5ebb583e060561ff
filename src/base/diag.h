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

struct diag_kind;

typedef struct diag_list {
    diag *items;
    size_t len, cap;
    size_t count[DIAG_FATAL + 1];
    struct diag_kind *kinds; /* warnings seen per file and kind (see diag_add) */
    size_t n_kinds, cap_kinds;
} diag_list;

#define DIAG_LIST_INIT {NULL, 0, 0, {0, 0, 0, 0}, NULL, 0, 0}

/* Builder warnings kept per file and kind; past it, one line says how many more there were. */
#define DIAG_WARNINGS_PER_KIND 20

/* Append a diagnostic; strings are copied. id and file may be NULL. A builder's warning (no
 * finding id) is kept only while fewer than DIAG_WARNINGS_PER_KIND of its kind (its message
 * with quoted parts and digits left out) were kept for the same file in this list; the others
 * are counted in one warning, added where the first of them was, that says how many more there
 * were. Checker findings (with an id) are never capped here. */
void diag_add(diag_list *l, diag_severity sev, const char *id, const char *file, int line,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Move every diagnostic of src to the end of dst; src is left empty. */
void diag_list_move(diag_list *dst, diag_list *src);
/* Number of diagnostics of severity >= sev. */
size_t diag_list_count_at_least(const diag_list *l, diag_severity sev);
void diag_list_clear(diag_list *l);
const char *diag_severity_name(diag_severity sev);

#endif
