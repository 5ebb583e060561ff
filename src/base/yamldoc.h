/* yamldoc.h: YAML text (front matter, reading lists) read with libyaml into a small tree that
 * keeps the file line of every node, with the limits that make untrusted YAML safe to read: no
 * aliases (how "billion laughs" documents grow), a nesting cap and a size cap.
 *
 * The parser reports what went wrong as a yamldoc_error, not as a message: each caller words
 * the message for its own file kind (front matter, reading list). */
#ifndef SHEAF_YAMLDOC_H
#define SHEAF_YAMLDOC_H

#include <stddef.h>

#include "base/diag.h"
#include "base/util.h"

typedef enum yamldoc_kind { YAMLDOC_SCALAR, YAMLDOC_SEQUENCE, YAMLDOC_MAPPING } yamldoc_kind;

/* A node; a mapping holds key, value, key, value... as children. */
typedef struct yamldoc_node {
    yamldoc_kind kind;
    int line;    /* file line (see yamldoc_options.first_line) */
    char *value; /* scalars: the text */
    int is_null; /* scalars: written plain as "", "~", "null", "Null" or "NULL" */
    size_t len;  /* number of children */
    struct yamldoc_node *first, *last, *next;
} yamldoc_node;

typedef struct yamldoc_options {
    int first_line;     /* file line of the text's first line (1 for a whole file) */
    size_t max_size;    /* larger texts are refused (YAMLDOC_ERR_SIZE); 0: no cap */
    int max_depth;      /* deepest nesting of mappings and sequences (YAMLDOC_ERR_DEPTH) */
    int first_doc_only; /* 1: read the first document and stop; 0: a second document is
                         * YAMLDOC_ERR_DOCUMENTS */
    int utf8;           /* 1: the text is UTF-8; 0: libyaml detects the encoding */
} yamldoc_options;

typedef enum yamldoc_error_kind {
    YAMLDOC_OK,
    YAMLDOC_ERR_NOMEM,     /* libyaml could not start */
    YAMLDOC_ERR_SIZE,      /* larger than max_size */
    YAMLDOC_ERR_SYNTAX,    /* not valid YAML: problem, context */
    YAMLDOC_ERR_DOCUMENTS, /* more than one document */
    YAMLDOC_ERR_ALIAS,     /* an alias: anchor */
    YAMLDOC_ERR_DEPTH      /* nested deeper than max_depth */
} yamldoc_error_kind;

typedef struct yamldoc_error {
    yamldoc_error_kind kind;
    int line;            /* file line; first_line for NOMEM and SIZE */
    const char *problem; /* SYNTAX: libyaml's problem (a static string), or NULL */
    const char *context; /* SYNTAX: libyaml's context (a static string), or NULL */
    const char *anchor;  /* ALIAS: the alias's anchor name, in the document's arena */
} yamldoc_error;

/* A parsed document; everything in it lives in `arena`. */
typedef struct yamldoc {
    arena *arena;
    yamldoc_node *root;  /* NULL when the text holds no document, or on failure */
    yamldoc_error error; /* kind YAMLDOC_OK on success */
    size_t dropped;      /* characters XML does not allow, removed from scalars (YAML escapes
                          * such as "\x01" can make them): the caller warns */
    int dropped_line;    /* the line of the first */
} yamldoc;

/* Parse `len` bytes of YAML at `text` (NULL: an empty text, but len still counts against
 * max_size) into *out, which is always set (the caller frees it with yamldoc_free, also on
 * failure). Returns 0, or -1 with (*out)->error saying what is wrong. */
int yamldoc_parse(const char *text, size_t len, const yamldoc_options *opts, yamldoc **out);
void yamldoc_free(yamldoc *doc);

/* 1 when n is NULL or a null scalar. */
int yamldoc_is_null(const yamldoc_node *n);
/* The scalar's text, or NULL when n is NULL, null, or not a scalar. Owned by the document. */
const char *yamldoc_text(const yamldoc_node *n);
/* When parsing dropped characters XML does not allow (doc->dropped), one warning about them in
 * `file`, whose YAML is `what` ("the front matter", "the reading list"). */
void yamldoc_warn_dropped(const yamldoc *doc, const char *file, const char *what,
                          diag_list *diags);
/* "a list", "a mapping" or "a text", for messages. */
const char *yamldoc_kind_name(const yamldoc_node *n);
/* The value of key `name` (ASCII case-insensitive) in a mapping, or NULL. */
const yamldoc_node *yamldoc_map_get(const yamldoc_node *map, const char *name);

/* Date checks for yamldoc_date. */
#define YAMLDOC_DATE_TIME 1 /* accept an ISO 8601 date-time (its date part is kept) */
#define YAMLDOC_DATE_CALENDAR                                                                      \
    2 /* the day must exist (30 April, 29 February in leap years);                                 \
       * without it any day 01..31 passes */

/* When `s` is YYYY, YYYY-MM or YYYY-MM-DD (or, with YAMLDOC_DATE_TIME, a date-time), copy its
 * date part into `out` and return 0; otherwise return -1. */
int yamldoc_date(const char *s, int flags, char out[11]);

/* What yamldoc_date_loose found. */
typedef enum yamldoc_date_result {
    YAMLDOC_DATE_OK = 0,
    YAMLDOC_DATE_UNREADABLE = -1, /* not a date in any shape sheaf knows */
    YAMLDOC_DATE_NO_SUCH_DAY = -2, /* a date in form, but not on the calendar (2021-02-29) */
    YAMLDOC_DATE_TOO_EARLY = -3    /* a year before 1000 (0000): no package date can hold it */
} yamldoc_date_result;

/* A date in any of the shapes Jekyll and Hugo accept in front matter: YYYY, YYYY-MM, YYYY-M-D
 * (or with '/'), each followed by a time ('T' or a space, H:MM[:SS[.frac]]) and a zone (Z,
 * +HH:MM, -0700, UTC, MST...), "Jan 2, 2006", "2 January 2006", "Mon, 02 Jan 2006 15:04:05
 * MST", "Mon Jan 2 15:04:05 MST 2006". Its date part goes into out as YYYY, YYYY-MM or
 * YYYY-MM-DD (the day as written: the zone does not move it). */
yamldoc_date_result yamldoc_date_loose(const char *s, char out[11]);

#endif
