/* cli.h: the command-line layer. Only main.c and cli_*.c see argv, print, or choose an exit
 * status. Exit statuses: 0 success, 1 the book could not be built / has errors, 2 usage error
 * or unreadable input (check). */
#ifndef SHEAF_CLI_H
#define SHEAF_CLI_H

#include <stdio.h>

#include "base/diag.h"

#define SHEAF_VERSION "0.1.0"

int cli_build(int argc, char **argv);
int cli_check(int argc, char **argv);

/* Print text that comes from a file or a book (a name, a message quoting it) to a terminal:
 * control characters (C0, DEL, C1) and bytes that are not UTF-8 are written as \xHH or \uHHHH
 * escapes, so that nothing a file holds can drive the terminal. */
void cli_put_escaped(FILE *out, const char *s);
/* printf a message whose arguments may name files (a final newline is kept), escaped as by
 * cli_put_escaped. */
void cli_say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print s as a JSON string that always parses: control characters as \u00XX, and each byte that
 * is not part of valid UTF-8 as \ufffd (the replacement character). */
void cli_put_json_string(FILE *out, const char *s);

/* Print diagnostics as "sheaf: FILE:LINE: severity: [ID] message", one a line. */
void cli_print_diags(FILE *out, const diag_list *diags, int min_severity);

#endif
