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
#include "readers/reader.h"
#include "writers/media.h"
#include "writers/template.h"
#include "base/strmap.h"
#include "base/text.h"
#include "base/url.h"
#include "base/util.h"
#include "base/yamldoc.h"

static void build_usage(FILE *out)
{
    fputs(
        "Usage: sheaf build [OPTIONS] INPUT... -o BOOK.epub\n"
        "\n"
        "Build an EPUB 3 book. Each INPUT is an article: Markdown or text (.md, .markdown, .txt),\n"
        "a saved web page (.html, .htm, .xhtml), a caption file or transcript (WebVTT .vtt,\n"
        "SubRip .srt, Podcasting 2.0 JSON .json; told by its content), or a web address (http://\n"
        "or https://, fetched with its images); '-' reads standard input. Or one reading list\n"
        "(.yaml/.yml), or one folder of articles.\n"
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
        "Input:\n"
        "      --from FORMAT        markdown, html, vtt, srt or json: the format of standard\n"
        "                           input (and of files whose content and name do not say)\n"
        "      --extract=auto|off   from a web page, the article as Reader View finds it\n"
        "                           (auto, the default), or the whole page body (off)\n"
        "\n"
        "Interviews:\n"
        "      --speakers=auto|off  detect speaker turns (default auto)\n"
        "      --speaker LABEL=NAME name a caption file's speaker label, e.g.\n"
        "                           --speaker SPEAKER_1=\"Ana Ruiz\" (repeatable)\n"
        "      --timestamps=keep|drop\n"
        "      --infer-sections=auto|off  infer section titles in text without headings\n"
        "\n"
        "Web addresses:\n"
        "      --timeout SECONDS    to connect, and in all, per page or image (default 30)\n"
        "      --cache DIR          keep every answer in DIR and use it on later builds\n"
        "      --offline            use only the cache (with --cache); never the network\n"
        "      --refresh            ask the servers whether cached answers changed\n"
        "      --max-images N       images fetched per web article (default 100)\n"
        "      --connections N      transfers at once (default 16, at most 6 per server)\n"
        "\n"
        "Other:\n"
        "      --keep-going         leave out articles that cannot be read or fetched, and say\n"
        "                           which\n"
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
    fprintf(stderr, "\r\033[Ksheaf: %zu/%zu ", done + 1, total);
    cli_say(stderr, "%.60s", base ? base + 1 : current);
    fflush(stderr);
    ps->shown = 1;
}

/* /dev/stdout, /dev/fd/1, /proc/self/fd/1 and the like: names of descriptors, not files. */
static int descriptor_path(const char *path)
{
    return file_path_fd(path) >= 0 || strcmp(path, "/dev/stdout") == 0 ||
           strcmp(path, "/dev/stderr") == 0 || (str_starts_with(path, "/proc/") &&
                                                 strstr(path, "/fd/") != NULL);
}

/* When following the symbolic link at `path` passes through a descriptor's name (as
 * /dev/stdout -> /proc/self/fd/1 does), that name (static storage); else NULL. */
static const char *link_via_descriptor(const char *path)
{
    static char hop[PATH_MAX];
    char cur[PATH_MAX];
    struct stat st;
    snprintf(cur, sizeof cur, "%s", path);
    for (int n = 0; n < 40 && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); n++) {
        ssize_t k = readlink(cur, hop, sizeof hop - 1);
        if (k < 0)
            return NULL;
        hop[k] = '\0';
        if (hop[0] != '/') {
            char *dir = path_dirname(cur);
            char *joined = xasprintf("%s/%s", dir, hop);
            snprintf(hop, sizeof hop, "%s", joined);
            free(joined);
            free(dir);
        }
        if (descriptor_path(hop))
            return hop;
        snprintf(cur, sizeof cur, "%s", hop);
    }
    return NULL;
}

/* "sheaf: fetching: pages 3/10, images 12/40, 1.2 MB", at most ten times a second. */
static void fetch_progress_show(void *ud, size_t pages_done, size_t pages_total,
                                size_t images_done, size_t images_total, size_t bytes)
{
    struct progress_state *ps = ud;
    static double last;
    double now = clock_now();
    int finished = pages_done == pages_total && images_done == images_total;
    if (!ps->enabled || (!finished && now - last < 0.1))
        return;
    last = now;
    if (images_total)
        fprintf(stderr, "\r\033[Ksheaf: fetching: images %zu/%zu, %.1f MB", images_done,
                images_total, (double)bytes / 1e6);
    else
        fprintf(stderr, "\r\033[Ksheaf: fetching: pages %zu/%zu, %.1f MB", pages_done,
                pages_total, (double)bytes / 1e6);
    fflush(stderr);
    ps->shown = 1;
}

/* Where the book goes, checked before any work: a new name in a folder that exists and can be
 * written, or a regular file (replaced by the finished book), or a symbolic link to a regular
 * file (the book is written through it: the file it leads to is replaced, the link kept).
 * Anything else (a folder, a device such as /dev/null, a FIFO, a socket, a link to one of those
 * or to nothing) is refused: the final rename would replace it. *target is `out` or the file
 * a link leads to (malloc'd). Returns 0, 1 (an error printed: the folder) or 2 (usage). */
static int output_prepare(const char *out, char **target)
{
    int ret = 2;
    struct stat st;
    char *dir = NULL, *resolved = NULL;
    size_t n = strlen(out);
    *target = NULL;
    if (n > 0 && out[n - 1] == '/') {
        char *base = xstrndup(out, n - 1);
        while (*base && base[strlen(base) - 1] == '/')
            base[strlen(base) - 1] = '\0';
        if (*base && stat(base, &st) == 0 && S_ISDIR(st.st_mode))
            cli_say(stderr, "sheaf: %s: is a folder; name the book file, e.g. %s/book.epub\n",
                    out, base);
        else if (*base && stat(base, &st) == 0)
            cli_say(stderr, "sheaf: %s: ends with '/', but '%s' is a file, not a folder; name "
                            "the book file without the '/', e.g. book.epub\n", out, base);
        else
            cli_say(stderr, "sheaf: %s: ends with '/', which names a folder; name the book "
                            "file, e.g. book.epub\n", out);
        free(base);
        goto out;
    }
    if (descriptor_path(out)) {
        cli_say(stderr, "sheaf: %s: names an open descriptor, not a file; sheaf writes the book "
                        "to a file: give its name\n", out);
        goto out;
    }
    if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
        const char *via = link_via_descriptor(out);
        if (via) {
            cli_say(stderr, "sheaf: %s: is a symbolic link to '%s', an open descriptor, not a "
                            "file; sheaf writes the book to a file: give its name\n", out, via);
            goto out;
        }
        resolved = realpath(out, NULL);
        if (!resolved) {
            cli_say(stderr, "sheaf: %s: is a symbolic link that leads nowhere (%s); remove it or "
                            "choose another output name\n", out, strerror(errno));
            goto out;
        }
        if (stat(resolved, &st) != 0 || !S_ISREG(st.st_mode)) {
            cli_say(stderr, "sheaf: %s: is a symbolic link to '%s', which is not a regular file; "
                            "sheaf writes the book only to a regular file or a new name\n",
                    out, resolved);
            goto out;
        }
    } else if (lstat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            cli_say(stderr, "sheaf: %s: is a folder; name the book file, e.g. %s/book.epub\n",
                    out, out);
            ret = 1;
            goto out;
        }
        if (!S_ISREG(st.st_mode)) {
            cli_say(stderr, "sheaf: %s: is %s, not a file; sheaf writes the book only to a "
                            "regular file or a new name, and would replace it\n", out,
                    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                    : S_ISFIFO(st.st_mode)                     ? "a FIFO (named pipe)"
                    : S_ISSOCK(st.st_mode)                     ? "a socket"
                                                               : "a special file");
            goto out;
        }
    }
    const char *path = resolved ? resolved : out;
    dir = path_dirname(path);
    ret = 1;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        cli_say(stderr, "sheaf: %s: '%s' is a file, not a folder; choose another output path\n",
                out, dir);
        goto out;
    }
    if (stat(dir, &st) != 0) {
        cli_say(stderr, "sheaf: %s: the folder '%s' does not exist; create it or choose another "
                        "output path\n", out, dir);
        goto out;
    }
    if (access(dir, W_OK) != 0) {
        cli_say(stderr, "sheaf: %s: cannot write in '%s': %s\n", out, dir, strerror(errno));
        goto out;
    }
    *target = xstrdup(path);
    ret = 0;
out:
    free(dir);
    free(resolved);
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

static int same_file(const file_id *out, const char *path)
{
    struct stat st;
    return file_path_fd(path) < 0 && stat(path, &st) == 0 && st.st_dev == out->dev &&
           st.st_ino == out->ino;
}

/* Would writing the book replace one of its own inputs (sheaf build a.md -o a.md, or -o the
 * --css file, the --cover image, a template)? Judged by identity, so that every spelling of a
 * path counts. Images are only known while articles are read: media.c refuses them then. The
 * input found is printed; returns 1 then. */
static int output_is_input(const file_id *out, const plan *p, char **inputs, int n,
                           const build_options *o)
{
    static const char *const templates[] = {"chapter.xhtml", "titlepage.xhtml", "cover.xhtml",
                                            "nav.xhtml",     "toc.ncx",         "package.opf",
                                            "container.xml"};
    const char *found = NULL;
    char *tpl = NULL;
    if (!out->set)
        return 0;
    for (size_t i = 0; i < p->len && !found; i++)
        if (!p->entries[i].data && same_file(out, p->entries[i].path))
            found = p->entries[i].path;
    for (int i = 0; i < n && !found; i++)
        if (same_file(out, inputs[i]))
            found = inputs[i];
    for (size_t i = 0; i < o->css_files.len && !found; i++)
        if (same_file(out, o->css_files.items[i]))
            found = o->css_files.items[i];
    if (!found && o->cover && same_file(out, o->cover))
        found = o->cover;
    if (!found && p->book.cover && same_file(out, p->book.cover))
        found = p->book.cover;
    for (size_t i = 0; o->template_dir && !found && i < sizeof templates / sizeof *templates;
         i++) {
        free(tpl);
        tpl = xasprintf("%s/%s", o->template_dir, templates[i]);
        if (same_file(out, tpl))
            found = tpl;
    }
    if (found)
        cli_say(stderr, "sheaf: %s: error: is one of the inputs (%s), and writing the book there "
                        "would replace it; choose another output name, e.g. book.epub\n",
                found, found);
    free(tpl);
    return found != NULL;
}

static int is_list_file(const char *path)
{
    return str_ends_with(path, ".yaml") || str_ends_with(path, ".yml");
}

/* A finding of the build's own check names a document inside the book: name the input file
 * and line its content came from instead, and the place in the book after the message. */
static void findings_locate(diag_list *findings, const book_sources *sources)
{
    for (size_t i = 0; i < findings->len; i++) {
        diag *d = &findings->items[i];
        const char *file = NULL;
        int line = 0;
        if (!d->file || !book_sources_find(sources, d->file, d->line, &file, &line))
            continue;
        char *msg = d->line > 0 ? xasprintf("%s (in the book: %s:%d)", d->message, d->file,
                                            d->line)
                                : xasprintf("%s (in the book: %s)", d->message, d->file);
        free(d->message);
        d->message = msg;
        free(d->file);
        d->file = xstrdup(file);
        d->line = line;
    }
}

/* An input that cannot be read: an error (returns -1), or with --keep-going a warning and a
 * line of the "left out" summary (returns 0). */
static int input_refuse(plan *p, diag_list *diags, int keep_going, const char *shown,
                        const char *why)
{
    if (!keep_going) {
        diag_add(diags, DIAG_ERROR, NULL, shown, 0, "%s", why);
        return -1;
    }
    diag_add(diags, DIAG_WARNING, NULL, shown, 0, "%s; left out of the book (--keep-going)", why);
    strlist_add(&p->skipped, shown);
    return 0;
}

/* "ftp://x", "file:///x": an address of a scheme sheaf does not fetch. */
static int other_scheme(const char *s)
{
    size_t i = 0;
    while (isalpha((unsigned char)s[i]) ||
           (i && (isdigit((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')))
        i++;
    return i >= 2 && strncmp(s + i, "://", 3) == 0;
}

/* The inputs named on the command line, in order. Web addresses are normalised and fetched
 * later (book.c). Standard input and the descriptors a path can
 * stand for (/dev/stdin, /dev/fd/N as bash's <(...) gives) are read here, once, into `held`
 * (their entries borrow the bytes): a pipe cannot be read twice. A file that is neither a
 * regular file nor a folder (a FIFO, a device) is refused before anything waits on it. Returns
 * 0, -1 (errors in diags) or 2 (a usage error, printed). */
static int plan_make(plan *p, char **inputs, int n, int keep_going, strlist *held,
                     diag_list *diags)
{
    struct stat st;
    int fd_seen[4] = {-1, -1, -1, -1}, n_fd = 0;
    if (n == 1 && !url_is_web(inputs[0]) && is_list_file(inputs[0]) &&
        file_path_fd(inputs[0]) < 0)
        return plan_read_list(p, inputs[0], keep_going, diags);
    if (n == 1 && !url_is_web(inputs[0]) && stat(inputs[0], &st) == 0 && S_ISDIR(st.st_mode))
        return plan_read_dir(p, inputs[0], diags);
    int ret = 0;
    strmap *seen = strmap_new();
    for (int i = 0; i < n && ret == 0; i++) {
        if (url_is_web(inputs[i])) {
            char *norm = url_web_normalize(inputs[i]);
            if (!norm && url_unavailable()) {
                diag_add(diags, DIAG_ERROR, NULL, inputs[i], 0, "can't fetch: %s",
                         url_unavailable());
                ret = -1;
            } else if (!norm) {
                diag_add(diags, DIAG_ERROR, NULL, inputs[i], 0,
                         "is not a valid web address; write it in full, e.g. "
                         "https://example.org/page");
                ret = -1;
            } else if (!strmap_add(seen, norm, NULL)) {
                diag_add(diags, DIAG_WARNING, NULL, inputs[i], 0,
                         "is named twice; the book holds it once");
            } else {
                plan_add_url(p, norm);
            }
            free(norm);
            continue;
        }
        if (other_scheme(inputs[i]) && stat(inputs[i], &st) != 0) {
            diag_add(diags, DIAG_ERROR, NULL, inputs[i], 0,
                     "only http and https addresses can be fetched");
            ret = -1;
            continue;
        }
        int fd = file_path_fd(inputs[i]);
        if (fd >= 0) {
            for (int k = 0; k < n_fd; k++)
                if (fd_seen[k] == fd) {
                    cli_say(stderr, "sheaf: build: '%s' reads standard input%s again, which can "
                                    "be read only once; name it once\n",
                            inputs[i], fd ? " (or the same descriptor)" : "");
                    fputs("Try 'sheaf build --help'.\n", stderr);
                    ret = 2;
                }
            if (ret)
                break;
            if (n_fd < 4)
                fd_seen[n_fd++] = fd;
            char *data = NULL;
            size_t len = 0;
            file_read_status rs = file_read_fd(fd, READER_MAX_BYTES, &data, &len);
            const char *shown = fd == 0 && strcmp(inputs[i], "-") == 0 ? "<stdin>" : inputs[i];
            if (rs == FILE_READ_OK) {
                strlist_take(held, data);
                plan_entry *e = plan_add(p, inputs[i]);
                e->data = data;
                e->data_len = len;
            } else if (rs == FILE_READ_ERRNO && errno == EBADF) {
                ret = input_refuse(p, diags, keep_going, shown,
                                   fd == 0 ? "standard input is closed; pipe the article in, or "
                                             "name its file"
                                           : "this descriptor is not open; name the article's "
                                             "file");
            } else if (rs == FILE_READ_TOO_LARGE) {
                ret = input_refuse(p, diags, keep_going, shown,
                                   "cannot read: larger than 256 MiB, too large for an article");
            } else {
                char *why = xasprintf("cannot read: %s", file_read_reason(rs, errno));
                ret = input_refuse(p, diags, keep_going, shown, why);
                free(why);
            }
        } else if (is_list_file(inputs[i]) ||
                   (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode))) {
            diag_add(diags, DIAG_ERROR, NULL, inputs[i], 0,
                     "a reading list or a folder must be the only input");
            ret = -1;
        } else if (stat(inputs[i], &st) == 0 && !S_ISREG(st.st_mode)) {
            /* never opened: a FIFO would wait for a writer, a device for anything */
            char *why = xasprintf("cannot read: %s", file_read_reason(FILE_READ_SPECIAL, 0));
            ret = input_refuse(p, diags, keep_going, inputs[i], why);
            free(why);
        } else if (!strmap_add(seen, inputs[i], NULL)) {
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
    OPT_KEEP_GOING, OPT_TIMEOUT, OPT_CACHE, OPT_OFFLINE, OPT_REFRESH, OPT_MAX_IMAGES,
    OPT_CONNECTIONS, OPT_FROM, OPT_EXTRACT, OPT_SPEAKER
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
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"cache", required_argument, NULL, OPT_CACHE},
    {"offline", no_argument, NULL, OPT_OFFLINE},
    {"refresh", no_argument, NULL, OPT_REFRESH},
    {"max-images", required_argument, NULL, OPT_MAX_IMAGES},
    {"connections", required_argument, NULL, OPT_CONNECTIONS},
    {"from", required_argument, NULL, OPT_FROM},
    {"extract", required_argument, NULL, OPT_EXTRACT},
    {"speaker", required_argument, NULL, OPT_SPEAKER},
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

/* A file an option names (--css, --cover) must be a regular file that can be read and is at
 * most `max` bytes: else a usage error is printed and 2 returned. */
static int option_file_check(const char *option, const char *path, size_t max)
{
    char *data = NULL;
    size_t len = 0;
    file_read_status st = file_read_input(path, max, NULL, &data, &len);
    free(data);
    if (st == FILE_READ_OK)
        return 0;
    if (st == FILE_READ_TOO_LARGE)
        cli_say(stderr, "sheaf: %s: cannot use it for %s: it is larger than %zu MiB\n", path,
                option, max >> 20);
    else
        cli_say(stderr, "sheaf: %s: cannot use it for %s: %s\n", path, option,
                file_read_reason(st, errno));
    return 2;
}

/* The --cover image must be one the book can show (not damaged, not WebP, an SVG that can be
 * made safe): an explicit option that cannot be honoured is a usage error, printed, 2 returned;
 * never a warning and a generated cover. */
static int cover_option_check(const char *path)
{
    int ret = 2;
    char *data = NULL;
    size_t len = 0;
    char why[320];
    if (file_read_input(path, MEDIA_MAX_BYTES, NULL, &data, &len) != FILE_READ_OK) {
        cli_say(stderr, "sheaf: %s: cannot use it for --cover: %s\n", path, strerror(errno));
        goto out;
    }
    if (media_cover_check((const unsigned char *)data, len, why, sizeof why) != 0) {
        cli_say(stderr, "sheaf: %s: cannot use it for --cover: %s\n", path, why);
        goto out;
    }
    ret = 0;
out:
    free(data);
    return ret;
}

/* SOURCE_DATE_EPOCH, when set: seconds since 1970 up to the last second of the year 9999 (the
 * package document's dates have four-digit years). 0, or -1 with a message printed. */
static int epoch_from_env(long long *epoch)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde)
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(sde, &end, 10);
    if (*end || end == sde || errno || v < 0) {
        cli_say(stderr, "sheaf: SOURCE_DATE_EPOCH must be a whole number of seconds since "
                        "1970-01-01, got '%s'\n", sde);
        return -1;
    }
    if (v > 253402300799LL) {
        cli_say(stderr, "sheaf: SOURCE_DATE_EPOCH %s is after the year 9999, which a book's "
                        "dates cannot hold; give a time up to 253402300799\n", sde);
        return -1;
    }
    *epoch = v;
    return 0;
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
    cli_say(stderr, fmt, arg);
    fputs("\nTry 'sheaf build --help'.\n", stderr);
    return 2;
}

/* --speaker LABEL=NAME: both parts trimmed, neither empty nor holding a character XML forbids. */
static int speaker_option(const char *arg, speaker_list *names)
{
    const char *eq = strchr(arg, '=');
    if (!eq || !text_xml_allowed(arg))
        return -1;
    char *label = xstrndup(arg, (size_t)(eq - arg)), *name = xstrdup(eq + 1);
    str_trim(label);
    str_trim(name);
    int ok = *label && *name;
    if (ok)
        speaker_list_add(names, label, name, SPEAKER_ROLE_UNKNOWN);
    free(label);
    free(name);
    return ok ? 0 : -1;
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
    strlist held = STRLIST_INIT; /* the bytes of inputs read from standard input or a pipe */
    char *target = NULL;         /* the file the book replaces: output, or where it links to */
    struct progress_state ps = {0, 0};
    double t_start = clock_now();

    build_options_init(&o);
    plan_init(&p);
    memset(&stats, 0, sizeof stats);
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
            if (yamldoc_date(optarg, 0, day) == 0 &&
                yamldoc_date(optarg, YAMLDOC_DATE_CALENDAR, day) != 0) {
                ret = usage_error("--date '%s' is a day that does not exist (check the month's "
                                  "days, and 29 February in leap years only)", optarg);
                goto out;
            }
            if (yamldoc_date(optarg, YAMLDOC_DATE_CALENDAR, day) != 0) {
                ret = usage_error("--date '%s' must be YYYY, YYYY-MM or YYYY-MM-DD", optarg);
                goto out;
            }
            if (yamldoc_date_loose(optarg, day) == YAMLDOC_DATE_TOO_EARLY) {
                ret = usage_error("--date '%s' is before the year 1000, which a book's date "
                                  "cannot hold",
                                  optarg);
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
        case OPT_FROM: {
            reader_format f;
            if (reader_format_named(optarg, &f) != 0) {
                ret = usage_error("--from takes markdown, html, vtt, srt or json, got '%s'",
                                  optarg);
                goto out;
            }
            o.input_format = optarg;
            break;
        }
        case OPT_EXTRACT:
            if (choice(optarg, "auto", "off", &o.extract_off) != 0) {
                ret = usage_error("--extract takes 'auto' or 'off', got '%s'", optarg);
                goto out;
            }
            break;
        case OPT_RESOURCE: strlist_add(&o.resource_paths, optarg); break;
        case OPT_COVER: o.cover = optarg; break;
        case OPT_KEEP_GOING: o.keep_going = 1; break;
        case OPT_TIMEOUT:
        case OPT_MAX_IMAGES:
        case OPT_CONNECTIONS: {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            long hi = opt == OPT_TIMEOUT ? 3600 : opt == OPT_MAX_IMAGES ? 100000 : 64;
            long lo = opt == OPT_MAX_IMAGES ? 0 : 1;
            if (!*optarg || *end || v < lo || v > hi) {
                fprintf(stderr, "sheaf: build: %s takes a number from %ld to %ld, got '%s'\n"
                                "Try 'sheaf build --help'.\n",
                        option_name(opt), lo, hi, optarg);
                ret = 2;
                goto out;
            }
            if (opt == OPT_TIMEOUT)
                o.timeout = v;
            else if (opt == OPT_MAX_IMAGES)
                o.max_images = (int)v;
            else
                o.connections = (int)v;
            break;
        }
        case OPT_CACHE: o.cache_dir = optarg; break;
        case OPT_OFFLINE: o.offline = 1; break;
        case OPT_REFRESH: o.refresh = 1; break;
        case OPT_SPEAKER:
            if (speaker_option(optarg, &o.speaker_names) != 0) {
                ret = usage_error("--speaker takes LABEL=NAME (e.g. SPEAKER_1=\"Ana Ruiz\"), "
                                  "got '%s'",
                                  optarg);
                goto out;
            }
            break;
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
        ret = usage_error("%s", "no input: name one or more articles (Markdown files, web "
                                "pages, caption files), a reading list or a folder");
        goto out;
    }
    if (!output) {
        ret = usage_error("%s", "no output: add -o BOOK.epub");
        goto out;
    }
    if (o.offline && !o.cache_dir) {
        ret = usage_error("%s", "--offline reads only the cache: add --cache DIR");
        goto out;
    }
    if (o.offline && o.refresh) {
        ret = usage_error("%s", "--offline and --refresh contradict each other: --refresh asks "
                                "the servers");
        goto out;
    }
    /* Everything an option names is checked before any work: an explicit option that cannot
     * be honoured is a usage error (exit 2). */
    ret = output_prepare(output, &target);
    if (ret != 0)
        goto out;
    ret = 2;
    file_id_of(target, &o.output_id);
    o.output = output;
    if (o.template_dir) {
        struct stat st;
        if (stat(o.template_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_say(stderr, "sheaf: %s: no such folder (--template-dir names the folder that "
                            "holds your templates)\n", o.template_dir);
            goto out;
        }
        if (template_dir_check(o.template_dir, NULL, &diags) != 0) {
            cli_print_diags(stderr, &diags, DIAG_ERROR);
            goto out;
        }
    }
    for (size_t i = 0; i < o.css_files.len; i++)
        if (option_file_check("--css", o.css_files.items[i], 16 << 20) != 0)
            goto out;
    if (o.cover && (option_file_check("--cover", o.cover, MEDIA_MAX_BYTES) != 0 ||
                    cover_option_check(o.cover) != 0))
        goto out;
    for (size_t i = 0; i < o.resource_paths.len; i++) {
        struct stat st;
        const char *dir = o.resource_paths.items[i];
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_say(stderr, "sheaf: %s: %s (--resource-path names a folder where site-absolute "
                            "images such as /img/x.png are found)\n", dir,
                    stat(dir, &st) != 0 ? "no such folder" : "is not a folder");
            goto out;
        }
    }
    if (epoch_from_env(&o.epoch) != 0)
        goto out;
    ret = 1;
    ps.enabled = !quiet && isatty(STDERR_FILENO);
    o.progress = progress_show;
    o.progress_ud = &ps;
    o.fetch_progress = fetch_progress_show;
    o.user_agent = "sheaf/" SHEAF_VERSION " (e-book builder)";

    int planned = plan_make(&p, argv + optind, argc - optind, o.keep_going, &held, &diags);
    if (planned == 2) {
        ret = 2;
        goto out;
    }
    if (planned != 0)
        goto report;
    if (output_is_input(&o.output_id, &p, argv + optind, argc - optind, &o))
        goto report;
    strlist_extend(&o.resource_paths, &p.resource_paths);
    /* The archive is written straight into a temporary file next to the output, checked from
     * there, and renamed to the output only when the check passes: the book is never held in
     * memory whole next to its parts, and a failed build leaves the output as it was. */
    file_temp_sweep(target, 60);
    {
        /* A signal between the file's creation and its guard would leave it behind: they are
         * held until the guard is in place, then delivered to it. */
        sigset_t stop, old;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        sigaddset(&stop, SIGHUP);
        sigprocmask(SIG_BLOCK, &stop, &old);
        tmp_fd = file_temp_open(target, &tmp);
        int saved = errno;
        if (tmp_fd >= 0)
            interrupt_guard(tmp);
        sigprocmask(SIG_SETMASK, &old, NULL);
        errno = saved;
    }
    if (tmp_fd < 0) {
        output_write_error(&diags, output, errno);
        goto report;
    }
    if (book_build(&p, &o, tmp_fd, NULL, &epub_len, &stats, &diags) != 0)
        goto report;
    double t_check = clock_now();
    if (output_check(tmp_fd, epub_len, output, &findings, &diags) != 0)
        goto report;
    t_check = clock_now() - t_check;
    if (diag_list_count_at_least(&findings, DIAG_ERROR) > 0) {
        findings_locate(&findings, stats.sources);
        diag_add(&diags, DIAG_ERROR, NULL, output, 0,
                 "the book failed sheaf's own check (findings above), so it was not written; "
                 "this is a bug in sheaf%s: please report it with the input",
                 o.template_dir ? " or in the templates of --template-dir" : "");
        goto report;
    }
    int rc = file_temp_commit(tmp_fd, &tmp, target);
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
    strlist_extend(&p.skipped, &stats.left_out);
    if (ps.shown)
        fputs("\r\033[K", stderr);
    cli_print_diags(stderr, &findings, DIAG_WARNING);
    cli_print_diags(stderr, &diags, quiet ? DIAG_ERROR : DIAG_WARNING);
    for (size_t i = 0; i < p.skipped.len; i++)
        cli_say(stderr, "sheaf: left out: %s\n", p.skipped.items[i]);
    if (ret == 0 && !quiet)
        cli_say(stderr, "sheaf: wrote %s: %zu article%s, %zu chapter%s, %zu image%s, %.1f KB, "
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
    strlist_clear(&stats.left_out);
    book_sources_free(stats.sources);
    strlist_clear(&held);
    free(target);
    return ret;
}
