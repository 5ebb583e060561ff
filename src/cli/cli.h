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

/* Print diagnostics as "sheaf: FILE:LINE: severity: [ID] message", one a line. */
void cli_print_diags(FILE *out, const diag_list *diags, int min_severity);

#endif
