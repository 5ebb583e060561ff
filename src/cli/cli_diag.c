/* cli_diag.c: printing diagnostics for people. */
#include <stdio.h>

#include "cli/cli.h"

void cli_print_diags(FILE *out, const diag_list *diags, int min_severity)
{
    for (size_t i = 0; i < diags->len; i++) {
        const diag *d = &diags->items[i];
        if ((int)d->severity < min_severity)
            continue;
        fputs("sheaf: ", out);
        if (d->file) {
            fputs(d->file, out);
            if (d->line > 0)
                fprintf(out, ":%d", d->line);
            fputs(": ", out);
        }
        fprintf(out, "%s: ", diag_severity_name(d->severity));
        if (d->id)
            fprintf(out, "[%s] ", d->id);
        fprintf(out, "%s\n", d->message);
    }
}
