/* cli_check.c: `sheaf check [OPTIONS] BOOK.epub...`: one report per file.
 *
 * Exit status: 0 when no file has errors or fatal findings (nor warnings with
 * --warnings-as-errors), 1 when some do, 2 when a file cannot be read at all or on usage
 * errors. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "checker/check.h"
#include "cli/cli.h"
#include "base/util.h"

static void check_usage(FILE *out)
{
    fputs("Usage: sheaf check [OPTIONS] BOOK.epub...\n"
          "\n"
          "Check the structure of EPUB files (container, package document, navigation,\n"
          "content documents). Findings carry epubcheck's message IDs where it has one.\n"
          "\n"
          "Options:\n"
          "  -j, --json                 write a machine-readable JSON report to stdout (a\n"
          "                             name's bytes that are not UTF-8 become \\ufffd)\n"
          "  -q, --quiet                print only the verdict of each file\n"
          "  -W, --warnings-as-errors   fail (exit 1) on warnings too\n"
          "  -h, --help                 show this help\n"
          "\n"
          "Exit status: 0 no errors, 1 errors found, 2 unreadable file or usage error.\n",
          out);
}

/* One book's findings, prefixed with the book so that paths read like epubcheck's. */
static void print_findings(FILE *out, const char *book, const diag_list *l)
{
    for (size_t i = 0; i < l->len; i++) {
        const diag *d = &l->items[i];
        cli_put_escaped(out, book);
        if (d->file) {
            fputc('/', out);
            cli_put_escaped(out, d->file);
            if (d->line > 0)
                fprintf(out, ":%d", d->line);
        }
        fprintf(out, ": %s: ", diag_severity_name(d->severity));
        if (d->id) {
            fputc('[', out);
            cli_put_escaped(out, d->id);
            fputs("] ", out);
        }
        cli_put_escaped(out, d->message);
        fputc('\n', out);
    }
}

static void print_verdict(FILE *out, const char *book, const diag_list *l, int unreadable,
                          int failed)
{
    size_t errors = l->count[DIAG_ERROR] + l->count[DIAG_FATAL];
    size_t warnings = l->count[DIAG_WARNING];
    cli_put_escaped(out, book);
    if (unreadable)
        fprintf(out, ": FAILED: not a readable EPUB\n");
    else if (failed)
        fprintf(out, ": FAILED: %zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s");
    else if (warnings)
        fprintf(out, ": OK, %zu warning%s\n", warnings, warnings == 1 ? "" : "s");
    else
        fprintf(out, ": OK\n");
}

static void print_json(FILE *out, const char *book, const diag_list *l, int unreadable, int failed,
                       int first)
{
    fputs(first ? "\n  {" : ",\n  {", out);
    fputs("\"file\": ", out);
    cli_put_json_string(out, book);
    fprintf(out,
            ", \"valid\": %s, \"readable\": %s, \"fatal\": %zu, \"errors\": %zu, "
            "\"warnings\": %zu, \"infos\": %zu, \"findings\": [",
            failed ? "false" : "true", unreadable ? "false" : "true", l->count[DIAG_FATAL],
            l->count[DIAG_ERROR], l->count[DIAG_WARNING], l->count[DIAG_INFO]);
    for (size_t i = 0; i < l->len; i++) {
        const diag *d = &l->items[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"severity\": ", out);
        cli_put_json_string(out, diag_severity_name(d->severity));
        fputs(", \"id\": ", out);
        if (d->id)
            cli_put_json_string(out, d->id);
        else
            fputs("null", out);
        fputs(", \"path\": ", out);
        if (d->file)
            cli_put_json_string(out, d->file);
        else
            fputs("null", out);
        fprintf(out, ", \"line\": %d, \"message\": ", d->line);
        cli_put_json_string(out, d->message);
        fputc('}', out);
    }
    fputs(l->len ? "\n  ]}" : "]}", out);
}

int cli_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"warnings-as-errors", no_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, quiet = 0, werror = 0, opt;
    int status = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "jqWh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            json = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'W':
            werror = 1;
            break;
        case 'h':
            check_usage(stdout);
            return 0;
        default:
            fputs("sheaf: check: try 'sheaf check --help'\n", stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fputs("sheaf: check: no EPUB file given\n", stderr);
        check_usage(stderr);
        return 2;
    }
    if (json)
        fputs("[", stdout);
    for (int i = optind; i < argc; i++) {
        const char *book = argv[i];
        diag_list findings = DIAG_LIST_INIT;
        /* "-", /dev/stdin and <(...) are read once, as a pipe can be read only once */
        int fd = file_path_fd(book);
        if (strcmp(book, "-") == 0)
            book = "<stdin>";
        int unreadable = (fd >= 0 ? check_epub_fd(fd, book, &findings)
                                  : check_epub_file(book, &findings)) < 0;
        size_t bad = diag_list_count_at_least(&findings, werror ? DIAG_WARNING : DIAG_ERROR);
        int failed = unreadable || bad > 0;
        if (json) {
            print_json(stdout, book, &findings, unreadable, failed, i == optind);
        } else {
            if (!quiet)
                print_findings(stdout, book, &findings);
            print_verdict(stdout, book, &findings, unreadable, failed);
        }
        if (unreadable)
            status = 2;
        else if (failed && status < 1)
            status = 1;
        diag_list_clear(&findings);
    }
    if (json)
        fputs("\n]\n", stdout);
    fflush(stdout);
    return status;
}
