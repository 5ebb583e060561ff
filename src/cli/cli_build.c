/* cli_build.c: `sheaf build`: options, plan, build, self-check, atomic write, messages. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "book.h"
#include "checker/check.h"
#include "cli/cli.h"
#include "base/lang.h"
#include "readers/plan.h"
#include "base/strmap.h"
#include "base/text.h"
#include "base/util.h"
#include "base/yamldoc.h"

static void build_usage(FILE *out)
{
    fputs(
        "Usage: sheaf build [OPTIONS] INPUT... -o BOOK.epub\n"
        "\n"
        "Build an EPUB 3 book. Each INPUT is a Markdown article (.md, .markdown, .txt; '-' reads\n"
        "standard input), or one reading list (.yaml/.yml), or one folder of articles.\n"
        "\n"
        "Output:\n"
        "  -o, --output FILE        the book to write (required)\n"
        "\n"
        "Book metadata (overrides front matter and reading lists):\n"
        "      --title TEXT         --subtitle TEXT\n"
        "      --author NAME        (repeatable)      --editor NAME  (repeatable)\n"
        "      --lang TAG           BCP 47 language tag, e.g. en, en-GB, zh-Hans (default: en)\n"
        "      --date DATE          YYYY, YYYY-MM or YYYY-MM-DD\n"
        "      --publisher TEXT     --description TEXT     --rights TEXT\n"
        "      --identifier ID      (default: a urn:uuid derived from the content)\n"
        "      --cover FILE         a JPEG, PNG or SVG cover (default: a generated one)\n"
        "\n"
        "Layout:\n"
        "      --toc-depth N        levels in the table of contents below articles (default 2)\n"
        "      --style NAME         'default' (book typography) or 'plain' (the reader's own)\n"
        "      --css FILE           a stylesheet added after the built-in one (repeatable)\n"
        "      --template-dir DIR   use DIR's templates (same names as sheaf's templates/)\n"
        "      --resource-path DIR  where to find site-absolute images (/img/x.png); repeatable\n"
        "\n"
        "Interviews:\n"
        "      --speakers=auto|off  detect speaker turns (default auto)\n"
        "      --timestamps=keep|drop\n"
        "      --infer-sections=auto|off  infer section titles in text without headings\n"
        "\n"
        "Other:\n"
        "      --keep-going         leave out articles that cannot be read, and say which\n"
        "  -j, --jobs N             worker threads (default: one per core)\n"
        "  -q, --quiet              print errors only\n"
        "  -v, --verbose            print each stage's time and more detail\n"
        "  -h, --help               show this help\n"
        "\n"
        "Environment: SOURCE_DATE_EPOCH fixes the modification date and zip times, for\n"
        "reproducible books.\n"
        "\n"
        "Exit status: 0 the book was written, 1 it could not be built, 2 usage error.\n",
        out);
}


struct progress_state {
    int enabled;
    int shown;
};

static void progress_show(void *ud, size_t done, size_t total, const char *current)
{
    struct progress_state *ps = ud;
    if (!ps->enabled || total < 2)
        return;
    const char *base = strrchr(current, '/');
    fprintf(stderr, "\r\033[Ksheaf: %zu/%zu %.60s", done + 1, total, base ? base + 1 : current);
    fflush(stderr);
    ps->shown = 1;
}

static int output_dir_check(const char *out)
{
    char *dir = path_dirname(out);
    struct stat st;
    int ret = 0;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "sheaf: %s: the folder '%s' does not exist; create it or choose another "
                        "output path\n", out, dir);
        ret = -1;
    } else if (access(dir, W_OK) != 0) {
        fprintf(stderr, "sheaf: %s: cannot write in '%s': %s\n", out, dir, strerror(errno));
        ret = -1;
    } else if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "sheaf: %s: is a folder; name the book file, e.g. %s/book.epub\n", out,
                out);
        ret = -1;
    }
    free(dir);
    return ret;
}

/* The book cannot be written next to `output` (errno `err`). */
static void output_write_error(diag_list *diags, const char *output, int err)
{
    char *dir = path_dirname(output);
    diag_add(diags, DIAG_ERROR, NULL, output, 0,
             "cannot write the book in the folder '%s': %s; choose a folder you can write in",
             dir, strerror(err));
    free(dir);
}

/* Run sheaf's own check over the len-byte book in the file on fd: mapped, or read when the file
 * system cannot map it. Findings go to `findings`; returns -1 with an error in diags when the
 * file cannot be read back. */
static int output_check(int fd, size_t len, const char *output, diag_list *findings,
                        diag_list *diags)
{
    int ret = -1, flags = MAP_PRIVATE;
    unsigned char *copy = NULL;
    const unsigned char *data = NULL;
    const char *why = "it is empty";
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE; /* every page is read: one call instead of a fault per page */
#endif
    void *map = len ? mmap(NULL, len, PROT_READ, flags, fd, 0) : MAP_FAILED;
    if (map != MAP_FAILED) {
        data = map;
    } else if (len) {
        size_t got = 0;
        copy = xmalloc(len);
        if (file_pio_all(fd, copy, len, 0, 0, &got) != 0)
            why = strerror(errno);
        else if (got < len)
            why = "it is shorter than what was written";
        else
            data = copy;
    }
    if (!data) {
        diag_add(diags, DIAG_ERROR, NULL, output, 0,
                 "cannot read back the book just written, for its check: %s; try again, or "
                 "write it to another folder",
                 why);
        goto out;
    }
    check_epub_memory(data, len, output, findings);
    ret = 0;
out:
    if (map != MAP_FAILED)
        munmap(map, len);
    free(copy);
    return ret;
}

/* The temporary book while it is being written, removed by the signal handler if the build is
 * interrupted: a copy of its name, as the string itself is freed when it is renamed. */
static char interrupted_tmp[PATH_MAX];
static volatile sig_atomic_t interrupted_armed;

static void interrupt_cleanup(int sig)
{
    if (interrupted_armed)
        unlink(interrupted_tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Catch SIGINT, SIGTERM, SIGHUP and SIGABRT (out of memory) while `tmp` exists (NULL: stop
 * catching them). A signal the process was started ignoring (SIGINT in a background job) stays
 * ignored. After the rename the handler's unlink finds nothing to remove. */
static void interrupt_guard(const char *tmp)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGABRT};
    interrupted_armed = 0;
    if (tmp && strlen(tmp) < sizeof interrupted_tmp) {
        memcpy(interrupted_tmp, tmp, strlen(tmp) + 1);
        interrupted_armed = 1;
    }
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = interrupted_armed ? interrupt_cleanup : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static int same_file(const struct stat *a, const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && st.st_dev == a->st_dev &&
           st.st_ino == a->st_ino;
}

/* Would writing the book replace one of its own inputs (sheaf build a.md -o a.md)? */
static int output_is_input(const char *output, const plan *p, char **inputs, int n)
{
    struct stat out;
    if (stat(output, &out) != 0)
        return 0;
    for (size_t i = 0; i < p->len; i++)
        if (same_file(&out, p->entries[i].path))
            return 1;
    for (int i = 0; i < n; i++)
        if (same_file(&out, inputs[i]))
            return 1;
    return 0;
}

static int is_list_file(const char *path)
{
    return str_ends_with(path, ".yaml") || str_ends_with(path, ".yml");
}

static int plan_make(plan *p, char **inputs, int n, int keep_going, diag_list *diags)
{
    struct stat st;
    if (n == 1 && is_list_file(inputs[0]))
        return plan_read_list(p, inputs[0], keep_going, diags);
    if (n == 1 && stat(inputs[0], &st) == 0 && S_ISDIR(st.st_mode))
        return plan_read_dir(p, inputs[0], diags);
    int ret = 0;
    strmap *seen = strmap_new();
    for (int i = 0; i < n && ret == 0; i++) {
        if (is_list_file(inputs[i]) || (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))) {
            diag_add(diags, DIAG_ERROR, NULL, inputs[i], 0,
                     "a reading list or a folder must be the only input");
            ret = -1;
        } else if (strcmp(inputs[i], "-") != 0 && !strmap_add(seen, inputs[i], NULL)) {
            diag_add(diags, DIAG_WARNING, NULL, inputs[i], 0,
                     "is named twice; the book holds it once");
        } else {
            plan_add(p, inputs[i]);
        }
    }
    strmap_free(seen);
    return ret;
}

enum {
    OPT_TITLE = 256, OPT_SUBTITLE, OPT_AUTHOR, OPT_EDITOR, OPT_LANG, OPT_DATE, OPT_PUBLISHER,
    OPT_DESCRIPTION, OPT_IDENTIFIER, OPT_RIGHTS, OPT_TOC_DEPTH, OPT_CSS, OPT_STYLE,
    OPT_TEMPLATE_DIR, OPT_SPEAKERS, OPT_TIMESTAMPS, OPT_INFER, OPT_RESOURCE, OPT_COVER,
    OPT_KEEP_GOING
};

static const struct option build_options_long[] = {
    {"output", required_argument, NULL, 'o'},
    {"title", required_argument, NULL, OPT_TITLE},
    {"subtitle", required_argument, NULL, OPT_SUBTITLE},
    {"author", required_argument, NULL, OPT_AUTHOR},
    {"editor", required_argument, NULL, OPT_EDITOR},
    {"lang", required_argument, NULL, OPT_LANG},
    {"date", required_argument, NULL, OPT_DATE},
    {"publisher", required_argument, NULL, OPT_PUBLISHER},
    {"description", required_argument, NULL, OPT_DESCRIPTION},
    {"identifier", required_argument, NULL, OPT_IDENTIFIER},
    {"rights", required_argument, NULL, OPT_RIGHTS},
    {"toc-depth", required_argument, NULL, OPT_TOC_DEPTH},
    {"css", required_argument, NULL, OPT_CSS},
    {"style", required_argument, NULL, OPT_STYLE},
    {"template-dir", required_argument, NULL, OPT_TEMPLATE_DIR},
    {"speakers", required_argument, NULL, OPT_SPEAKERS},
    {"timestamps", required_argument, NULL, OPT_TIMESTAMPS},
    {"infer-sections", required_argument, NULL, OPT_INFER},
    {"resource-path", required_argument, NULL, OPT_RESOURCE},
    {"cover", required_argument, NULL, OPT_COVER},
    {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
    {"jobs", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "--title" for OPT_TITLE, "-o" for 'o'. */
static const char *option_name(int opt)
{
    static char name[64];
    if (opt == 'o')
        return "-o";
    for (const struct option *lo = build_options_long; lo->name; lo++)
        if (lo->val == opt) {
            snprintf(name, sizeof name, "--%s", lo->name);
            return name;
        }
    return "an option";
}

static int str_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("sheaf: build: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'sheaf build --help'.\n", stderr);
    return 2;
}

static int choice(const char *arg, const char *a, const char *b, int *out)
{
    if (strcmp(arg, a) == 0)
        *out = 0;
    else if (strcmp(arg, b) == 0)
        *out = 1;
    else
        return -1;
    return 0;
}

int cli_build(int argc, char **argv)
{
    int ret = 1, quiet = 0, opt;
    const char *output = NULL;
    build_options o;
    plan p;
    diag_list diags = DIAG_LIST_INIT, findings = DIAG_LIST_INIT;
    size_t epub_len = 0;
    char *tmp = NULL; /* the temporary file the book is written to, until renamed */
    int tmp_fd = -1;
    build_stats stats;
    struct progress_state ps = {0, 0};
    double t_start = clock_now();

    build_options_init(&o);
    plan_init(&p);
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":o:j:qvh", build_options_long, NULL)) != -1) {
        /* An empty title, author... would make an invalid package document. */
        if (((opt >= OPT_TITLE && opt <= OPT_RIGHTS) || opt == 'o') && str_blank(optarg)) {
            ret = usage_error("%s needs a value that is not empty", option_name(opt));
            goto out;
        }
        /* nor can it hold a control character (the package document is XML) */
        if (opt >= OPT_TITLE && opt <= OPT_RIGHTS && !text_xml_allowed(optarg)) {
            ret = usage_error("%s has a control character that XML does not allow; remove it",
                              option_name(opt));
            goto out;
        }
        switch (opt) {
        case 'o': output = optarg; break;
        case OPT_TITLE: meta_set(&o.overrides.title, optarg); break;
        case OPT_SUBTITLE: meta_set(&o.overrides.subtitle, optarg); break;
        case OPT_AUTHOR: strlist_add(&o.overrides.authors, optarg); break;
        case OPT_EDITOR: strlist_add(&o.overrides.editors, optarg); break;
        case OPT_LANG:
            if (!lang_tag_valid(optarg)) {
                ret = usage_error("--lang '%s' is not a BCP 47 language tag (e.g. en, en-GB, "
                                  "pt-BR, zh-Hant)", optarg);
                goto out;
            }
            meta_set(&o.overrides.lang, optarg);
            break;
        case OPT_DATE: {
            char day[11];
            if (yamldoc_date(optarg, YAMLDOC_DATE_CALENDAR, day) != 0) {
                ret = usage_error("--date '%s' must be YYYY, YYYY-MM or YYYY-MM-DD", optarg);
                goto out;
            }
            meta_set(&o.overrides.date, optarg);
            break;
        }
        case OPT_PUBLISHER: meta_set(&o.overrides.publisher, optarg); break;
        case OPT_DESCRIPTION: meta_set(&o.overrides.description, optarg); break;
        case OPT_IDENTIFIER: meta_set(&o.overrides.identifier, optarg); break;
        case OPT_RIGHTS: meta_set(&o.overrides.rights, optarg); break;
        case OPT_TOC_DEPTH: {
            char *end = NULL;
            long d = strtol(optarg, &end, 10);
            if (!*optarg || *end || d < 1 || d > 6) {
                ret = usage_error("--toc-depth takes a number from 1 to 6, got '%s'", optarg);
                goto out;
            }
            o.toc_depth = (int)d;
            break;
        }
        case OPT_CSS: strlist_add(&o.css_files, optarg); break;
        case OPT_STYLE:
            if (strcmp(optarg, "default") != 0 && strcmp(optarg, "plain") != 0) {
                ret = usage_error("--style '%s' is unknown; the styles are 'default' and "
                                  "'plain'", optarg);
                goto out;
            }
            o.style = optarg;
            break;
        case OPT_TEMPLATE_DIR: o.template_dir = optarg; break;
        case OPT_SPEAKERS:
            if (choice(optarg, "auto", "off", &o.speakers_off) != 0) {
                ret = usage_error("--speakers takes 'auto' or 'off', got '%s'", optarg);
                goto out;
            }
            break;
        case OPT_TIMESTAMPS:
            if (choice(optarg, "keep", "drop", &o.timestamps_drop) != 0) {
                ret = usage_error("--timestamps takes 'keep' or 'drop', got '%s'", optarg);
                goto out;
            }
            break;
        case OPT_INFER:
            if (choice(optarg, "auto", "off", &o.infer_sections_off) != 0) {
                ret = usage_error("--infer-sections takes 'auto' or 'off', got '%s'", optarg);
                goto out;
            }
            break;
        case OPT_RESOURCE: strlist_add(&o.resource_paths, optarg); break;
        case OPT_COVER: o.cover = optarg; break;
        case OPT_KEEP_GOING: o.keep_going = 1; break;
        case 'j': {
            char *end = NULL;
            long j = strtol(optarg, &end, 10);
            if (!*optarg || *end || j < 1 || j > 256) {
                ret = usage_error("--jobs takes a number from 1 to 256, got '%s'", optarg);
                goto out;
            }
            o.threads = (int)j;
            break;
        }
        case 'q': quiet = 1; break;
        case 'v': o.verbose = 1; break;
        case 'h':
            build_usage(stdout);
            ret = 0;
            goto out;
        case ':':
            ret = usage_error("option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            ret = usage_error("unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    if (optind >= argc) {
        ret = usage_error("%s", "no input: name one or more Markdown files, a reading list or "
                                "a folder");
        goto out;
    }
    if (!output) {
        ret = usage_error("%s", "no output: add -o BOOK.epub");
        goto out;
    }
    if (output_dir_check(output) != 0)
        goto out;
    if (o.template_dir) {
        struct stat st;
        if (stat(o.template_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "sheaf: %s: no such folder (--template-dir names the folder that "
                            "holds your templates)\n", o.template_dir);
            goto out;
        }
    }
    {
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        if (sde && *sde) {
            char *end = NULL;
            long long v = strtoll(sde, &end, 10);
            if (*end || v < 0) {
                fprintf(stderr, "sheaf: SOURCE_DATE_EPOCH must be a number of seconds, got "
                                "'%s'\n", sde);
                goto out;
            }
            o.epoch = v;
        }
    }
    ps.enabled = !quiet && isatty(STDERR_FILENO);
    o.progress = progress_show;
    o.progress_ud = &ps;

    if (plan_make(&p, argv + optind, argc - optind, o.keep_going, &diags) != 0)
        goto report;
    if (output_is_input(output, &p, argv + optind, argc - optind)) {
        diag_add(&diags, DIAG_ERROR, NULL, output, 0,
                 "is one of the inputs, and writing the book there would replace it; choose "
                 "another output name, e.g. book.epub");
        goto report;
    }
    strlist_extend(&o.resource_paths, &p.resource_paths);
    /* The archive is written straight into a temporary file next to the output, checked from
     * there, and renamed to the output only when the check passes: the book is never held in
     * memory whole next to its parts, and a failed build leaves the output as it was. */
    tmp_fd = file_temp_open(output, &tmp);
    if (tmp_fd < 0) {
        output_write_error(&diags, output, errno);
        goto report;
    }
    interrupt_guard(tmp);
    if (book_build(&p, &o, tmp_fd, NULL, &epub_len, &stats, &diags) != 0)
        goto report;
    double t_check = clock_now();
    if (output_check(tmp_fd, epub_len, output, &findings, &diags) != 0)
        goto report;
    t_check = clock_now() - t_check;
    if (diag_list_count_at_least(&findings, DIAG_ERROR) > 0) {
        diag_add(&diags, DIAG_ERROR, NULL, output, 0,
                 "the book failed sheaf's own check (findings above), so it was not written; "
                 "this is a bug in sheaf: please report it with the input");
        goto report;
    }
    int rc = file_temp_commit(tmp_fd, &tmp, output);
    tmp_fd = -1;
    interrupt_guard(NULL);
    if (rc != 0) {
        output_write_error(&diags, output, errno);
        goto report;
    }
    ret = 0;
    if (o.verbose) {
        fprintf(stderr, "sheaf: time: read %.3f\n", stats.t_read);
        fprintf(stderr, "sheaf: time: parse %.3f\n", stats.t_parse);
        fprintf(stderr, "sheaf: time: render %.3f\n", stats.t_render);
        fprintf(stderr, "sheaf: time: package %.3f\n", stats.t_package);
        fprintf(stderr, "sheaf: time: check %.3f\n", t_check);
    }
report:
    if (ps.shown)
        fputs("\r\033[K", stderr);
    cli_print_diags(stderr, &findings, DIAG_WARNING);
    cli_print_diags(stderr, &diags, quiet ? DIAG_ERROR : DIAG_WARNING);
    for (size_t i = 0; i < p.skipped.len; i++)
        fprintf(stderr, "sheaf: left out: %s\n", p.skipped.items[i]);
    if (ret == 0 && !quiet)
        fprintf(stderr, "sheaf: wrote %s: %zu article%s, %zu chapter%s, %zu image%s, %.1f KB, "
                        "%.2f s\n",
                output, stats.articles, stats.articles == 1 ? "" : "s", stats.chapters,
                stats.chapters == 1 ? "" : "s", stats.images, stats.images == 1 ? "" : "s",
                (double)epub_len / 1024.0, clock_now() - t_start);
out:
    if (tmp) {
        interrupt_guard(NULL);
        file_temp_discard(tmp_fd, &tmp);
    }
    diag_list_clear(&diags);
    diag_list_clear(&findings);
    plan_free(&p);
    build_options_free(&o);
    return ret;
}
