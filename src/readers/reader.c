/* reader.c: load an input's bytes and hand them to the reader of its format. */
#include "readers/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "readers/captions.h"
#include "readers/frontmatter.h"
#include "readers/html.h"
#include "readers/markdown.h"

/* The line number (from 1) of position p in text. */
static int line_of(const char *text, const char *p)
{
    int line = 1;
    for (const char *c = text; c < p; c++)
        line += *c == '\n';
    return line;
}

/* Is the start of a file that holds a NUL byte a text (ASCII, or a UTF-16 byte-order mark)?
 * Then the NUL is worth a line number; otherwise the file is just binary. */
static int text_before_nul(const char *s, size_t n)
{
    if (n >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                   ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)))
        return 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7E)
            return 0;
    }
    return 1;
}

/*** Which reader ***/

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* Does the line at p (up to end) hold a caption timing arrow? */
static int line_has_arrow(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((nl ? nl : end) - p);
    return n >= 3 && mem_find((const unsigned char *)p, n, "-->", 3) != NULL;
}

reader_format reader_format_sniff(const char *raw, size_t len)
{
    const char *p = raw, *end = raw + (len < 4096 ? len : 4096);
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    if (end - p >= 6 && memcmp(p, "WEBVTT", 6) == 0 &&
        (end - p == 6 || p[6] == ' ' || p[6] == '\t' || p[6] == '\r' || p[6] == '\n'))
        return READER_VTT;
    p = skip_space(p, end);
    if (p < end && (*p == '{' || *p == '[')) {
        const char *q = skip_space(p + 1, end);
        if (*p == '[' && q < end && *q == '{')
            q = skip_space(q + 1, end);
        if (q < end && (*q == '"' || (*p == '{' && *q == '}')))
            return READER_JSON;
    }
    /* SubRip: a card number alone on its line and a timing line, or a timing line first */
    const char *q = p;
    while (q < end && *q >= '0' && *q <= '9')
        q++;
    if (q > p && q - p <= 9) {
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q == '\n' && line_has_arrow(q + 1, end))
            return READER_SRT;
    }
    if (q > p && line_has_arrow(p, end))
        return READER_SRT;
    return READER_MARKDOWN;
}

static reader_format format_of_suffix(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return READER_MARKDOWN;
    if (str_casecmp_ascii(dot, ".vtt") == 0 || str_casecmp_ascii(dot, ".webvtt") == 0)
        return READER_VTT;
    if (str_casecmp_ascii(dot, ".srt") == 0)
        return READER_SRT;
    if (str_casecmp_ascii(dot, ".json") == 0)
        return READER_JSON;
    return READER_MARKDOWN;
}

int reader_format_named(const char *name, reader_format *f)
{
    static const struct {
        const char *name;
        reader_format f;
    } names[] = {{"markdown", READER_MARKDOWN}, {"md", READER_MARKDOWN}, {"text", READER_MARKDOWN},
                 {"vtt", READER_VTT},           {"webvtt", READER_VTT},  {"srt", READER_SRT},
                 {"subrip", READER_SRT},        {"json", READER_JSON},   {"html", READER_HTML},
                 {"htm", READER_HTML}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (str_casecmp_ascii(name, names[i].name) == 0) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

void reader_speaker_names(speaker_list *names, const plan_entry *e, const build_options *o)
{
    const speaker_list *layers[] = {&e->overrides.speakers, &o->speaker_names};
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < layers[i]->len; k++)
            speaker_list_add(names, layers[i]->items[k].label, layers[i]->items[k].name,
                             layers[i]->items[k].role);
}

/* A sidecar beside a caption file: "talk.yaml" (or .yml) for "talk.vtt", front-matter keys
 * (title, date, speakers...) for a format that has no front matter. Its fields go into *m.
 * Read as inputs are (regular files only, never waiting, never the book's output). Returns 0
 * (also when there is none), or -1 with an error. */
static int sidecar_read(const plan_entry *e, const build_options *o, meta *m, diag_list *diags)
{
    int ret = 0;
    const char *dot = strrchr(e->path, '.');
    if (e->data || strcmp(e->path, "-") == 0 || !dot || strchr(dot, '/'))
        return 0;
    static const char *const exts[] = {".yaml", ".yml"};
    for (size_t i = 0; i < 2; i++) {
        char *side = xasprintf("%.*s%s", (int)(dot - e->path), e->path, exts[i]);
        file_id id, list;
        file_id_of(side, &id);
        /* the reading list that names the transcript is not its sidecar */
        list.set = 0;
        if (e->origin)
            file_id_of(e->origin, &list);
        int is_list = list.set && id.set && list.dev == id.dev && list.ino == id.ino;
        if (is_list || !id.set) {
            free(side);
            continue;
        }
        char *yaml = NULL;
        size_t n = 0;
        file_read_status st = file_read_input(side, FRONTMATTER_MAX_SIZE, &o->output_id, &yaml, &n);
        if (st != FILE_READ_OK) {
            diag_add(diags, DIAG_ERROR, NULL, side, 0,
                     "cannot read this sidecar of '%s': %s; fix it or move it away",
                     e->path, st == FILE_READ_ERRNO ? strerror(errno)
                              : st == FILE_READ_TOO_LARGE ? "larger than front matter may be"
                                                          : file_read_reason(st, 0));
            ret = -1;
        } else {
            size_t clean_len;
            char *clean = text_clean(yaml, n, side, &clean_len, diags);
            ret = frontmatter_parse(clean, clean_len, side, 1, m, diags);
            free(clean);
        }
        free(yaml);
        free(side);
        break;
    }
    return ret;
}

int reader_captions(article *a, const plan_entry *e, const char *raw, size_t len,
                    reader_format f, const build_options *o)
{
    int ret = -1;
    meta side;
    speaker_list names = {0};
    meta_init(&side);
    if (sidecar_read(e, o, &side, &a->diags) != 0)
        goto out;
    meta_merge(&a->meta, &side);
    for (size_t k = 0; k < side.speakers.len; k++)
        speaker_list_add(&names, side.speakers.items[k].label, side.speakers.items[k].name,
                         side.speakers.items[k].role);
    reader_speaker_names(&names, e, o);
    captions_format cf = f == READER_VTT ? CAPTIONS_VTT : f == READER_SRT ? CAPTIONS_SRT
                                                                          : CAPTIONS_JSON;
    if (captions_read(a, raw, len, cf, &names, o) != 0)
        goto out;
    ret = 0;
out:
    speaker_list_clear(&names);
    meta_free(&side);
    return ret;
}

reader_format reader_format_pick(const plan_entry *e, const build_options *o, const char *raw,
                                 size_t len)
{
    static const char *const html_exts[] = {".html", ".htm", ".xhtml", ".shtml", NULL};
    static const char *const md_exts[] = {".md", ".markdown", ".txt", NULL};
    reader_format f;
    if (strcmp(e->path, "-") == 0 && o->input_format &&
        reader_format_named(o->input_format, &f) == 0)
        return f;
    /* caption files by their content, whatever their name says */
    f = reader_format_sniff(raw, len);
    if (f != READER_MARKDOWN)
        return f;
    const char *slash = strrchr(e->path, '/');
    const char *dot = strrchr(slash ? slash + 1 : e->path, '.');
    for (int i = 0; dot && html_exts[i]; i++)
        if (str_casecmp_ascii(dot, html_exts[i]) == 0)
            return READER_HTML;
    for (int i = 0; dot && md_exts[i]; i++)
        if (str_casecmp_ascii(dot, md_exts[i]) == 0)
            return READER_MARKDOWN;
    /* a caption file whose content cannot be told (a broken first card) goes by its name, so
     * that its reader says what is wrong instead of the file becoming a page of text */
    f = format_of_suffix(e->path);
    if (f != READER_MARKDOWN)
        return f;
    if (o->input_format && reader_format_named(o->input_format, &f) == 0)
        return f;
    return html_sniff(raw, len) ? READER_HTML : READER_MARKDOWN;
}

static int utf16_bom(const char *s, size_t n)
{
    return n >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                      ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF));
}

int reader_read(article *a, const plan_entry *e, const build_options *o)
{
    int ret = -1;
    char *raw = NULL;
    size_t raw_len = 0;
    const char *file;
    file_read_status st = FILE_READ_OK;

    a->path = xstrdup(e->path);
    file = article_file(a);
    if (e->data) {
        a->key = xstrdup(e->path);
        a->dir = xstrdup(".");
        raw = xstrndup(e->data, e->data_len);
        raw_len = e->data_len;
    } else if (strcmp(e->path, "-") != 0) {
        a->key = path_normalize(e->path);
        a->dir = path_dirname(e->path);
        st = file_read_input(e->path, READER_MAX_BYTES, &o->output_id, &raw, &raw_len);
    } else {
        a->key = xstrdup("-");
        a->dir = xstrdup(".");
        st = file_read_fd(0, READER_MAX_BYTES, &raw, &raw_len);
    }
    switch (st) {
    case FILE_READ_OK:
        break;
    case FILE_READ_ERRNO:
        if (strcmp(e->path, "-") == 0 && errno == EBADF)
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "standard input is closed; pipe the article in, or name its file");
        else
            diag_add(&a->diags, DIAG_ERROR, NULL, e->origin ? e->origin : file, e->line,
                     "cannot read '%s': %s; check the path", e->path, strerror(errno));
        goto out;
    case FILE_READ_FOLDER:
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "is a folder; name the articles in it, or pass the folder alone to "
                 "build every article in it");
        goto out;
    case FILE_READ_TOO_LARGE:
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "cannot read: larger than 256 MiB, too large for an article");
        goto out;
    case FILE_READ_SPECIAL:
    case FILE_READ_IS_OUTPUT:
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0, "cannot read: %s",
                 file_read_reason(st, 0));
        goto out;
    }
    if (raw_len == 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "is empty; write the article in it or leave it out of the book");
        goto out;
    }
    reader_format format = reader_format_pick(e, o, raw, raw_len);
    /* a web page in UTF-16 is text with NUL bytes */
    if (!(format == READER_HTML && utf16_bom(raw, raw_len)) && text_looks_binary(raw, raw_len)) {
        const char *nul = memchr(raw, '\0', raw_len);
        if (nul && nul > raw && text_before_nul(raw, (size_t)(nul - raw)))
            diag_add(&a->diags, DIAG_ERROR, NULL, file, line_of(raw, nul),
                     "holds a NUL byte, which no text has (was the file saved as UTF-16, or "
                     "damaged?); save it as UTF-8 text");
        else
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "is not a text file (it holds binary data); sheaf reads Markdown, plain "
                     "text, web pages and caption files (WebVTT, SubRip, JSON transcripts)");
        goto out;
    }
    if (format == READER_HTML) {
        /* a page may be a transcript: names for its labels as for caption files */
        speaker_list names = {0};
        reader_speaker_names(&names, e, o);
        html_source src = {NULL, NULL, &names};
        int rc = html_read(a, raw, raw_len, &src, o);
        speaker_list_clear(&names);
        if (rc != 0)
            goto out;
    } else if (format != READER_MARKDOWN) {
        if (reader_captions(a, e, raw, raw_len, format, o) != 0)
            goto out;
    } else if (markdown_read(a, raw, raw_len, o) != 0) {
        goto out;
    }
    meta_merge(&a->meta, &e->overrides);
    a->part = e->part;
    ret = 0;
out:
    free(raw);
    return ret;
}
