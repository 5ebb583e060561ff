/* cli_check.c: placeholder until the checker lands. */
#include <stdio.h>

#include "cli.h"

int cli_check(int argc, char **argv)
{
    fputs("sheaf: check: not implemented yet\n", stderr);
    return 2;
}
