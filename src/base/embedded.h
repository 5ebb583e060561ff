/* embedded.h: the templates/ and styles/ files compiled into the binary by src/tools/embed.c. */
#ifndef SHEAF_EMBEDDED_H
#define SHEAF_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* e.g. "templates/chapter.xhtml", "styles/default.css" */
    const unsigned char *data; /* NUL-terminated */
    size_t len;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_file embedded_files[];

#endif
