/* plan.c: what a build is made of: reading lists (YAML), folders, and the entry list itself.
 *
 * A reading list is read with yamldoc into a small tree that keeps the line of every
 * node (so each message can name the list file and line). Aliases are refused (they are how
 * "billion laughs" documents grow), as are documents nested deeper than PLAN_MAX_DEPTH and files
 * larger than PLAN_MAX_LIST_BYTES. */
#include "readers/plan.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/lang.h"
#include "base/strmap.h"
#include "base/url.h"
#include "base/yamldoc.h"
#include "readers/frontmatter.h"

#define PLAN_MAX_LIST_BYTES (16u * 1024u * 1024u)
#define PLAN_MAX_DEPTH 64

/*** Entries ***/

void plan_init(plan *p)
{
    memset(p, 0, sizeof *p);
    meta_init(&p->book);
}

void plan_free(plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->len; i++) {
        free(p->entries[i].path);
        free(p->entries[i].origin);
        meta_free(&p->entries[i].overrides);
    }
    free(p->entries);
    meta_free(&p->book);
    strlist_clear(&p->parts);
    strlist_clear(&p->resource_paths);
    strlist_clear(&p->skipped);
    memset(p, 0, sizeof *p);
}

plan_entry *plan_add(plan *p, const char *path)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->entries = xrealloc(p->entries, p->cap * sizeof *p->entries);
    }
    plan_entry *e = &p->entries[p->len++];
    memset(e, 0, sizeof *e);
    e->path = xstrdup(path);
    meta_init(&e->overrides);
    e->part = -1;
    return e;
}

plan_entry *plan_add_url(plan *p, const char *url)
{
    char *norm = url_web_normalize(url);
    if (!norm)
        return NULL;
    plan_entry *e = plan_add(p, norm);
    e->is_url = 1;
    free(norm);
    return e;
}

/* Natural order: runs of digits compare by their value (2 before 10), other bytes ASCII
 * case-insensitively; ties fall back to plain byte order so the order is total. */
static int natural_cmp(const char *a, const char *b)
{
    const char *sa = a, *sb = b;
    while (*a && *b) {
        int da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';
        if (da && db) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            const char *ea = a, *eb = b;
            while (*ea >= '0' && *ea <= '9')
                ea++;
            while (*eb >= '0' && *eb <= '9')
                eb++;
            size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = memcmp(a, b, la);
            if (c)
                return c;
            a = ea;
            b = eb;
            continue;
        }
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 32;
        if (cb >= 'A' && cb <= 'Z')
            cb += 32;
        if (ca != cb)
            return ca - cb;
        a++;
        b++;
    }
    if (*a || *b)
        return *a ? 1 : -1;
    return strcmp(sa, sb);
}

static int natural_qsort_cmp(const void *a, const void *b)
{
    return natural_cmp(*(char *const *)a, *(char *const *)b);
}

/* dir + "/" + name without doubling a slash; the caller frees it. A "." dir is left out. */
static char *join_fs(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return xstrdup(name);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/* An article's file: Markdown or text, a web page, or a caption file. */
static int has_article_ext(const char *name)
{
    static const char *const exts[] = {".md", ".markdown", ".txt", ".html", ".htm", ".xhtml",
                                       ".vtt", ".srt", ".json", NULL};
    const char *dot = strrchr(name, '.');
    for (int i = 0; dot && dot != name && exts[i]; i++)
        if (str_casecmp_ascii(dot, exts[i]) == 0)
            return 1;
    return 0;
}

/* A folder's .json file is an article when it is a transcript: its first 64 KiB name the
 * "segments" a Podcasting 2.0 transcript holds (a folder of articles often has other JSON beside
 * them: metadata, settings). Any other file: 1. */
static int json_is_transcript(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || str_casecmp_ascii(dot, ".json") != 0)
        return 1;
    char *head = NULL;
    size_t n = 0;
    int yes = file_read_head(path, 64 << 10, &head, &n) == FILE_READ_OK &&
              mem_find((const unsigned char *)head, n, "\"segments\"", 10) != NULL;
    free(head);
    return yes;
}

int plan_read_dir(plan *p, const char *dir, diag_list *diags)
{
    int ret = -1;
    DIR *d = opendir(dir);
    strlist names = STRLIST_INIT;
    struct dirent *de;

    if (!d) {
        diag_add(diags, DIAG_ERROR, NULL, dir, 0, "cannot read the folder: %s", strerror(errno));
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !has_article_ext(de->d_name))
            continue;
        char *full = join_fs(dir, de->d_name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && json_is_transcript(full))
            strlist_take(&names, full);
        else
            free(full);
    }
    if (names.len == 0) {
        diag_add(diags, DIAG_ERROR, NULL, dir, 0,
                 "no articles in this folder (files named .md, .markdown, .txt, .html, .htm, "
                 ".xhtml, .vtt, .srt or .json)");
        goto out;
    }
    qsort(names.items, names.len, sizeof *names.items, natural_qsort_cmp);
    for (size_t i = 0; i < names.len; i++)
        plan_add(p, names.items[i]);
    ret = 0;
out:
    if (d)
        closedir(d);
    strlist_clear(&names);
    return ret;
}

/*** Reading the YAML ***/

/* Parse a reading list with yamldoc into *doc (the caller frees it with yamldoc_free, also on
 * failure). Returns 0 or -1 with an error naming `file` and the line. */
static int list_load(const char *file, const char *data, size_t len, yamldoc **doc,
                     diag_list *diags)
{
    /* Only the first document is read; the encoding is left to libyaml (UTF-16 lists). */
    const yamldoc_options opts = {.first_line = 1,
                                  .max_size = PLAN_MAX_LIST_BYTES,
                                  .max_depth = PLAN_MAX_DEPTH,
                                  .first_doc_only = 1,
                                  .utf8 = 0};
    if (yamldoc_parse(data, len, &opts, doc) == 0) {
        yamldoc_warn_dropped(*doc, file, "the reading list", diags);
        return 0;
    }
    const yamldoc_error *e = &(*doc)->error;
    switch (e->kind) {
    case YAMLDOC_ERR_NOMEM:
        diag_add(diags, DIAG_ERROR, NULL, file, 0, "cannot start the YAML parser (out of memory)");
        break;
    case YAMLDOC_ERR_SIZE:
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "larger than 16 MiB; this is not a reading list");
        break;
    case YAMLDOC_ERR_SYNTAX:
        diag_add(diags, DIAG_ERROR, NULL, file, e->line,
                 "not valid YAML: %s%s%s; check the indentation and quoting on this line "
                 "or the one before",
                 e->problem ? e->problem : "syntax error", e->context ? " " : "",
                 e->context ? e->context : "");
        break;
    case YAMLDOC_ERR_ALIAS:
        diag_add(diags, DIAG_ERROR, NULL, file, e->line,
                 "YAML aliases (*%s) are not allowed in a reading list; write the value out",
                 e->anchor);
        break;
    case YAMLDOC_ERR_DEPTH:
        diag_add(diags, DIAG_ERROR, NULL, file, e->line,
                 "nested more than %d levels deep; a reading list needs only a few",
                 PLAN_MAX_DEPTH);
        break;
    case YAMLDOC_ERR_DOCUMENTS: /* not with first_doc_only */
    case YAMLDOC_OK:
        break;
    }
    return -1;
}

/*** Reading lists ***/

typedef struct list_reader {
    plan *p;
    const char *file; /* the list file, as named */
    char *dir;        /* its folder */
    int keep_going;
    int errors;
    diag_list *diags;
    strmap *seen; /* realpath of each listed file -> the line it was first listed at */
} list_reader;

static void list_error(list_reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void list_warn(list_reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void list_error(list_reader *r, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(r->diags, DIAG_ERROR, NULL, r->file, line, "%s", msg);
    free(msg);
    r->errors++;
}

static void list_warn(list_reader *r, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(r->diags, DIAG_WARNING, NULL, r->file, line, "%s", msg);
    free(msg);
}

/* An entry that cannot be read: an error, or under --keep-going a warning and a line in
 * p->skipped. */
static void entry_unreadable(list_reader *r, int line, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void entry_unreadable(list_reader *r, int line, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (r->keep_going) {
        diag_add(r->diags, DIAG_WARNING, NULL, r->file, line, "%s; left out (--keep-going)", msg);
        strlist_add(&r->p->skipped, name);
    } else {
        diag_add(r->diags, DIAG_ERROR, NULL, r->file, line, "%s", msg);
        r->errors++;
    }
    free(msg);
}

/* As yamldoc_kind_name, but a reading list's messages say "text", not "a text". */
static const char *kind_name(const yamldoc_node *n)
{
    return n->kind == YAMLDOC_SCALAR ? "text" : yamldoc_kind_name(n);
}

/* The text of a scalar value, NULL when it is null or (with an error) not a scalar. */
/* 1 when s is empty or only spaces. */
static int text_blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* The text of a scalar; NULL (with an error) for a list or mapping, and NULL (with a warning)
 * for an empty text, which no field of a book can hold (an empty dc:title is invalid). */
static const char *node_text(list_reader *r, const yamldoc_node *n, const char *key)
{
    if (yamldoc_is_null(n))
        return NULL;
    if (n->kind != YAMLDOC_SCALAR) {
        list_error(r, n->line, "'%s' must be text, not %s", key, kind_name(n));
        return NULL;
    }
    const char *s = yamldoc_text(n);
    if (text_blank(s)) {
        list_warn(r, n->line, "'%s' is empty; it is ignored", key);
        return NULL;
    }
    return s;
}

/* Text or a list of texts, appended to l. */
static void node_texts(list_reader *r, const yamldoc_node *n, const char *key, strlist *l)
{
    if (yamldoc_is_null(n))
        return;
    if (n->kind == YAMLDOC_SCALAR) {
        const char *s = node_text(r, n, key);
        if (s)
            strlist_add(l, s);
        return;
    }
    if (n->kind != YAMLDOC_SEQUENCE) {
        list_error(r, n->line, "'%s' must be text or a list of texts, not a mapping", key);
        return;
    }
    int nth = 0;
    for (const yamldoc_node *item = n->first; item; item = item->next) {
        nth++;
        if (!yamldoc_is_null(item) && item->kind != YAMLDOC_SCALAR) {
            /* numbered: entries written on one line ([a, [b], [c]]) each get their own message */
            list_error(r, item->line, "entry %d of '%s' must be text, not %s", nth, key,
                       kind_name(item));
            continue;
        }
        const char *s = node_text(r, item, key);
        if (s)
            strlist_add(l, s);
    }
}

static void set_date(list_reader *r, const yamldoc_node *v, char **field)
{
    const char *s = node_text(r, v, "date");
    if (!s)
        return;
    char date[11];
    switch (yamldoc_date_loose(s, date)) {
    case YAMLDOC_DATE_OK:
        meta_set(field, date);
        break;
    case YAMLDOC_DATE_NO_SUCH_DAY:
        list_warn(r, v->line, "'date' \"%s\" is a day that does not exist; it is left out", s);
        break;
    case YAMLDOC_DATE_TOO_EARLY:
        list_warn(r, v->line,
                  "'date' \"%s\" is before the year 1000, which a book's date cannot hold; it "
                  "is left out",
                  s);
        break;
    case YAMLDOC_DATE_UNREADABLE:
        list_warn(r, v->line,
                  "'date' \"%s\" is not a date sheaf can read (YYYY-MM-DD, with a time if you "
                  "like, or 'Jan 2, 2006'); it is left out",
                  s);
        break;
    }
}

static void set_dir(list_reader *r, const yamldoc_node *v, char **field)
{
    const char *s = node_text(r, v, "dir");
    if (!s)
        return;
    if (strcmp(s, "ltr") != 0 && strcmp(s, "rtl") != 0) {
        list_error(r, v->line, "'dir' must be ltr or rtl, got \"%s\"", s);
        return;
    }
    meta_set(field, s);
}

static void set_lang(list_reader *r, const yamldoc_node *v, char **field)
{
    const char *s = node_text(r, v, "lang");
    if (!s)
        return;
    if (!lang_tag_valid(s)) {
        list_error(r, v->line,
                   "'lang' must be a BCP 47 language tag such as en, zh or pt-BR, got \"%s\"", s);
        return;
    }
    meta_set(field, s);
}

static int has_glob_chars(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* Remember a listed file; returns the line it was first listed at, or 0 when it is new. */
static int seen_check(list_reader *r, const char *path, int line)
{
    char *real = realpath(path, NULL);
    if (!real)
        real = xstrdup(path);
    void *first = strmap_get(r->seen, real);
    if (!first)
        strmap_add(r->seen, real, (void *)(intptr_t)(line > 0 ? line : 1));
    free(real);
    return first ? (int)(intptr_t)first : 0;
}

static void entry_fill(list_reader *r, plan_entry *e, int line, const meta *over, int part)
{
    meta_merge(&e->overrides, over);
    e->part = part;
    e->origin = xstrdup(r->file);
    e->line = line;
}

static void entry_push(list_reader *r, const char *path, int line, const meta *over, int part)
{
    entry_fill(r, plan_add(r->p, path), line, over, part);
}

/* A copy of s with glob metacharacters escaped, for the list's folder part of a pattern. */
static char *glob_escape(const char *s)
{
    strbuf b = STRBUF_INIT;
    for (; *s; s++) {
        if (strchr("*?[]\\", *s))
            strbuf_addc(&b, '\\');
        strbuf_addc(&b, *s);
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* A name that is a reading list's (.yaml, .yml), never an article's. */
static int list_name(const char *name)
{
    return str_ends_with(name, ".yaml") || str_ends_with(name, ".yml") ||
           str_ends_with(name, ".YAML") || str_ends_with(name, ".YML");
}

static void add_glob(list_reader *r, const char *pattern, int line, const meta *over, int part)
{
    char *edir = glob_escape(r->dir);
    char *full = join_fs(edir, pattern);
    glob_t g;
    strlist files = STRLIST_INIT;
    size_t added = 0;

    memset(&g, 0, sizeof g);
    int rc = glob(full, 0, NULL, &g);
    if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            struct stat st;
            if (stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            if (list_name(g.gl_pathv[i])) {
                /* the list itself, or another: never read as an article */
                list_warn(r, line, "'%s' matches '%s', a reading list, which is not an article; "
                                   "it is left out",
                          pattern, g.gl_pathv[i]);
                continue;
            }
            strlist_add(&files, g.gl_pathv[i]);
        }
    }
    if (files.len)
        qsort(files.items, files.len, sizeof *files.items, natural_qsort_cmp);
    for (size_t i = 0; i < files.len; i++) {
        /* A file listed by name and matched again by a later glob is the usual way to put
         * one article first: keep the first silently. */
        if (seen_check(r, files.items[i], line))
            continue;
        entry_push(r, files.items[i], line, over, part);
        added++;
    }
    if (files.len == 0) {
        if (rc != 0 && rc != GLOB_NOMATCH)
            entry_unreadable(r, line, pattern, "cannot expand the pattern '%s': %s", pattern,
                             rc == GLOB_NOSPACE ? "out of memory" : "a folder cannot be read");
        else
            entry_unreadable(r, line, pattern,
                             "'%s' matches no file; patterns are relative to the list file's "
                             "folder",
                             pattern);
    } else if (added == 0) {
        list_warn(r, line, "'%s' matches only files listed earlier; nothing added", pattern);
    }
    if (rc == 0)
        globfree(&g);
    strlist_clear(&files);
    free(full);
    free(edir);
}

static void add_path(list_reader *r, const char *name, int line, const meta *over, int part)
{
    if (has_glob_chars(name)) {
        add_glob(r, name, line, over, part);
        return;
    }
    char *path = join_fs(r->dir, name);
    struct stat st, self;
    if (list_name(name) && stat(path, &st) == 0 && stat(r->file, &self) == 0 &&
        st.st_dev == self.st_dev && st.st_ino == self.st_ino) {
        entry_unreadable(r, line, name,
                         "'%s' is this reading list itself; a list names articles, not itself",
                         name);
    } else if (list_name(name)) {
        entry_unreadable(r, line, name,
                         "'%s' is a reading list; a list cannot hold another (copy its articles "
                         "into this one, as a part with 'parts:', or build it on its own)",
                         name);
    } else if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            entry_unreadable(r, line, name,
                             "'%s' does not exist; paths are relative to the list file's folder",
                             name);
        else
            entry_unreadable(r, line, name, "'%s' cannot be read: %s", name, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        char *bare = xstrdup(name);
        for (size_t n = strlen(bare); n > 1 && bare[n - 1] == '/'; n--)
            bare[n - 1] = '\0';
        entry_unreadable(r, line, name,
                         "'%s' is a folder; list its files or use a pattern such as '%s/*.md'",
                         name, bare);
        free(bare);
    } else if (!S_ISREG(st.st_mode)) {
        entry_unreadable(r, line, name, "'%s' is not a regular file", name);
    } else if (access(path, R_OK) != 0) {
        entry_unreadable(r, line, name, "'%s' cannot be read: %s", name, strerror(errno));
    } else {
        int first = seen_check(r, path, line);
        if (first)
            list_warn(r, line, "'%s' is already listed at line %d; this entry is ignored", name,
                      first);
        else
            entry_push(r, path, line, over, part);
    }
    free(path);
}

/* A web address: fetched later; here only checked and listed once. */
static void add_url(list_reader *r, const char *url, int line, const meta *over, int part)
{
    char *norm = url_web_normalize(url);
    if (!norm && url_unavailable()) {
        entry_unreadable(r, line, url, "can't fetch '%s': %s", url, url_unavailable());
        return;
    }
    if (!norm) {
        entry_unreadable(r, line, url,
                         "'%s' is not a valid web address; write it in full, e.g. "
                         "https://example.org/page",
                         url);
        return;
    }
    void *first = strmap_get(r->seen, norm);
    if (first) {
        list_warn(r, line, "'%s' is already listed at line %d; this entry is ignored", url,
                  (int)(intptr_t)first);
    } else {
        strmap_add(r->seen, norm, (void *)(intptr_t)(line > 0 ? line : 1));
        plan_entry *e = plan_add_url(r->p, norm);
        entry_fill(r, e, line, over, part);
    }
    free(norm);
}

/* "ftp://x", "file:///x": an address sheaf does not fetch (a Windows "C:\x" path is not one). */
static int other_scheme(const char *s)
{
    size_t i = 0;
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
           (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.')))
        i++;
    return i >= 2 && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/';
}

static void read_entry(list_reader *r, const yamldoc_node *n, int part)
{
    meta over;
    const char *name = NULL;
    int name_line = n->line;

    meta_init(&over);
    if (yamldoc_is_null(n)) {
        list_warn(r, n->line, "empty entry ignored");
        goto out;
    }
    if (n->kind == YAMLDOC_SCALAR) {
        name = n->value;
    } else if (n->kind == YAMLDOC_MAPPING) {
        for (const yamldoc_node *k = n->first; k && k->next; k = k->next->next) {
            const yamldoc_node *v = k->next;
            const char *key = k->kind == YAMLDOC_SCALAR ? k->value : "";
            if (strcmp(key, "path") == 0 || strcmp(key, "url") == 0) {
                if (name) {
                    list_error(r, k->line, "an entry has one 'path' or one 'url', not both");
                    goto out;
                }
                name = node_text(r, v, key);
                name_line = v->line;
            } else if (strcmp(key, "title") == 0) {
                meta_set(&over.title, node_text(r, v, "title"));
            } else if (strcmp(key, "author") == 0 || strcmp(key, "authors") == 0) {
                node_texts(r, v, key, &over.authors);
            } else if (strcmp(key, "date") == 0) {
                set_date(r, v, &over.date);
            } else if (strcmp(key, "source") == 0) {
                meta_set(&over.source, node_text(r, v, "source"));
            } else if (strcmp(key, "lang") == 0) {
                set_lang(r, v, &over.lang);
            } else if (strcmp(key, "dir") == 0) {
                set_dir(r, v, &over.dir);
            } else if (strcmp(key, "speakers") == 0) {
                if (frontmatter_speakers(v, r->file, &over.speakers, r->diags) != 0)
                    r->errors++;
            } else {
                list_warn(r, k->line,
                          "unknown key '%s' in an entry ignored (an entry may have path or url, "
                          "title, author, date, source, lang, dir, speakers)",
                          key);
            }
        }
        if (!name) {
            list_error(r, n->line,
                       "this entry has no 'path' or 'url'; add 'path: FILE.md' or 'url: "
                       "https://...'");
            goto out;
        }
    } else {
        list_error(r, n->line,
                   "an entry must be a path, a pattern or a mapping with 'path', not a list");
        goto out;
    }
    if (url_is_web(name))
        add_url(r, name, name_line, &over, part);
    else if (other_scheme(name))
        entry_unreadable(r, name_line, name,
                         "'%s': only http and https addresses can be fetched", name);
    else
        add_path(r, name, name_line, &over, part);
out:
    meta_free(&over);
}

static void read_entries(list_reader *r, const yamldoc_node *seq, const char *key, int part)
{
    if (yamldoc_is_null(seq))
        return;
    if (seq->kind != YAMLDOC_SEQUENCE) {
        list_error(r, seq->line, "'%s' must be a list (one '- path' a line), not %s", key,
                   kind_name(seq));
        return;
    }
    for (const yamldoc_node *item = seq->first; item; item = item->next)
        read_entry(r, item, part);
}

static void read_parts(list_reader *r, const yamldoc_node *seq)
{
    if (seq->kind != YAMLDOC_SEQUENCE) {
        list_error(r, seq->line, "'parts' must be a list of {title, articles}, not %s",
                   kind_name(seq));
        return;
    }
    for (const yamldoc_node *part = seq->first; part; part = part->next) {
        const yamldoc_node *articles = NULL;
        const char *title = NULL;
        if (part->kind != YAMLDOC_MAPPING) {
            list_error(r, part->line, "a part must be a mapping with 'title' and 'articles'");
            continue;
        }
        for (const yamldoc_node *k = part->first; k && k->next; k = k->next->next) {
            const yamldoc_node *v = k->next;
            const char *key = k->kind == YAMLDOC_SCALAR ? k->value : "";
            if (strcmp(key, "title") == 0)
                title = node_text(r, v, "title");
            else if (strcmp(key, "articles") == 0)
                articles = v;
            else
                list_warn(r, k->line,
                          "unknown key '%s' in a part ignored (a part has title and articles)",
                          key);
        }
        if (!title) {
            list_error(r, part->line, "this part has no 'title'");
            continue;
        }
        if (!articles || yamldoc_is_null(articles) ||
            (articles->kind == YAMLDOC_SEQUENCE && articles->len == 0)) {
            list_warn(r, part->line, "part '%s' lists no articles; it is left out", title);
            continue;
        }
        /* The part's index is known before its entries are read; it is added only when at
         * least one of them could be read, so that no empty part reaches the book. */
        size_t before = r->p->len;
        read_entries(r, articles, "articles", (int)r->p->parts.len);
        if (r->p->len > before)
            strlist_add(&r->p->parts, title);
    }
}

static void read_book_key(list_reader *r, const char *key, const yamldoc_node *k,
                          const yamldoc_node *v)
{
    meta *b = &r->p->book;
    if (strcmp(key, "title") == 0) {
        meta_set(&b->title, node_text(r, v, key));
        b->line_title = v->line;
    } else if (strcmp(key, "subtitle") == 0) {
        meta_set(&b->subtitle, node_text(r, v, key));
    } else if (strcmp(key, "editor") == 0 || strcmp(key, "editors") == 0) {
        node_texts(r, v, key, &b->editors);
    } else if (strcmp(key, "author") == 0 || strcmp(key, "authors") == 0) {
        node_texts(r, v, key, &b->authors);
    } else if (strcmp(key, "date") == 0) {
        set_date(r, v, &b->date);
    } else if (strcmp(key, "lang") == 0) {
        set_lang(r, v, &b->lang);
    } else if (strcmp(key, "dir") == 0) {
        set_dir(r, v, &b->dir);
    } else if (strcmp(key, "description") == 0) {
        meta_set(&b->description, node_text(r, v, key));
    } else if (strcmp(key, "publisher") == 0) {
        meta_set(&b->publisher, node_text(r, v, key));
    } else if (strcmp(key, "rights") == 0) {
        meta_set(&b->rights, node_text(r, v, key));
    } else if (strcmp(key, "identifier") == 0) {
        meta_set(&b->identifier, node_text(r, v, key));
    } else if (strcmp(key, "tags") == 0 || strcmp(key, "keywords") == 0) {
        node_texts(r, v, key, &b->tags);
    } else if (strcmp(key, "cover") == 0) {
        const char *s = node_text(r, v, key);
        if (!s)
            return;
        char *path = join_fs(r->dir, s);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (r->keep_going)
                list_warn(r, v->line, "cover '%s' does not exist; a cover is generated instead", s);
            else
                list_error(r, v->line,
                           "cover '%s' does not exist; paths are relative to the list file's "
                           "folder",
                           s);
        } else {
            meta_set(&b->cover, path);
        }
        free(path);
    } else if (strcmp(key, "resource_path") == 0) {
        strlist dirs = STRLIST_INIT;
        node_texts(r, v, key, &dirs);
        for (size_t i = 0; i < dirs.len; i++) {
            char *path = join_fs(r->dir, dirs.items[i]);
            struct stat st;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                list_warn(r, v->line, "resource_path '%s' is not a folder", dirs.items[i]);
            strlist_take(&r->p->resource_paths, path);
        }
        strlist_clear(&dirs);
    } else {
        list_warn(r, k->line,
                  "unknown key '%s' ignored (a reading list may have title, subtitle, editor, "
                  "author, date, lang, description, cover, publisher, rights, identifier, "
                  "resource_path, and articles or parts)",
                  key);
    }
}

/* 1 when `key` appeared in the mapping before the key node `at`. */
static int key_repeated(const yamldoc_node *map, const yamldoc_node *at, const char *key)
{
    for (const yamldoc_node *k = map->first; k && k != at; k = k->next->next)
        if (k->kind == YAMLDOC_SCALAR && strcmp(k->value, key) == 0)
            return 1;
    return 0;
}

int plan_read_list(plan *p, const char *list_path, int keep_going, diag_list *diags)
{
    int ret = -1;
    char *data = NULL;
    size_t len = 0;
    yamldoc *doc = NULL;
    const yamldoc_node *root = NULL;
    const yamldoc_node *articles = NULL, *parts = NULL;
    int parts_line = 0;
    size_t before = p->len;
    list_reader r;

    memset(&r, 0, sizeof r);
    r.p = p;
    r.file = list_path;
    r.dir = path_dirname(list_path);
    r.keep_going = keep_going;
    r.diags = diags;
    r.seen = strmap_new();
    /* Files already in the plan count as listed, so a list never adds one twice. */
    for (size_t i = 0; i < p->len; i++) {
        if (p->entries[i].is_url)
            strmap_add(r.seen, p->entries[i].path,
                       (void *)(intptr_t)(p->entries[i].line > 0 ? p->entries[i].line : 1));
        else
            seen_check(&r, p->entries[i].path, p->entries[i].line);
    }

    file_read_status st = file_read_input(list_path, PLAN_MAX_LIST_BYTES, NULL, &data, &len);
    if (st == FILE_READ_TOO_LARGE) {
        diag_add(diags, DIAG_ERROR, NULL, list_path, 0,
                 "larger than 16 MiB; this is not a reading list");
        goto out;
    } else if (st != FILE_READ_OK) {
        diag_add(diags, DIAG_ERROR, NULL, list_path, 0, "cannot read the reading list: %s",
                 file_read_reason(st, errno));
        goto out;
    }
    if (list_load(list_path, data, len, &doc, diags) != 0)
        goto out;
    root = doc->root;
    if (yamldoc_is_null(root)) {
        diag_add(diags, DIAG_ERROR, NULL, list_path, 0,
                 "the reading list is empty; give at least 'articles:' with one path");
        goto out;
    }
    if (root->kind == YAMLDOC_SEQUENCE) {
        articles = root; /* a bare list of paths */
    } else if (root->kind == YAMLDOC_MAPPING) {
        for (const yamldoc_node *k = root->first; k && k->next; k = k->next->next) {
            const yamldoc_node *v = k->next;
            if (k->kind != YAMLDOC_SCALAR) {
                list_warn(&r, k->line, "a key that is not text is ignored");
                continue;
            }
            if (key_repeated(root, k, k->value)) {
                list_warn(&r, k->line, "'%s' is given twice; this one is ignored", k->value);
                continue;
            }
            if (strcmp(k->value, "articles") == 0)
                articles = v;
            else if (strcmp(k->value, "parts") == 0) {
                parts = v;
                parts_line = k->line;
            } else
                read_book_key(&r, k->value, k, v);
        }
    } else {
        list_error(&r, root->line,
                   "not a reading list: expected 'title:' and 'articles:' (a list of paths)");
        goto out;
    }
    if (articles && parts) {
        list_error(&r, parts_line,
                   "give either 'articles' or 'parts', not both; put the loose articles in a "
                   "part");
        goto out;
    }
    if (!articles && !parts) {
        list_error(&r, root->line,
                   "no 'articles:' or 'parts:'; list the articles to include, one '- path' a "
                   "line");
        goto out;
    }
    if (articles)
        read_entries(&r, articles, "articles", -1);
    else if (!yamldoc_is_null(parts))
        read_parts(&r, parts);
    if (r.errors)
        goto out;
    if (p->len == before) {
        if (p->skipped.len)
            diag_add(diags, DIAG_ERROR, NULL, list_path, 0,
                     "none of the listed articles could be read");
        else
            diag_add(diags, DIAG_ERROR, NULL, list_path, (articles ? articles : parts)->line,
                     "no articles listed; add at least one '- path' under 'articles:'");
        goto out;
    }
    ret = 0;
out:
    strmap_free(r.seen);
    free(r.dir);
    yamldoc_free(doc);
    free(data);
    return ret;
}
