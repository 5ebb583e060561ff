/* reader.c: load an input's bytes and hand them to the reader of its format. */
#include "readers/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
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

reader_format reader_format_pick(const plan_entry *e, const build_options *o, const char *raw,
                                 size_t len)
{
    static const char *const html_exts[] = {".html", ".htm", ".xhtml", ".shtml", NULL};
    static const char *const md_exts[] = {".md", ".markdown", ".txt", NULL};
    if (strcmp(e->path, "-") == 0 && o->input_format)
        return strcmp(o->input_format, "html") == 0 ? READER_HTML : READER_MARKDOWN;
    const char *slash = strrchr(e->path, '/');
    const char *dot = strrchr(slash ? slash + 1 : e->path, '.');
    for (int i = 0; dot && html_exts[i]; i++)
        if (str_casecmp_ascii(dot, html_exts[i]) == 0)
            return READER_HTML;
    for (int i = 0; dot && md_exts[i]; i++)
        if (str_casecmp_ascii(dot, md_exts[i]) == 0)
            return READER_MARKDOWN;
    if (o->input_format)
        return strcmp(o->input_format, "html") == 0 ? READER_HTML : READER_MARKDOWN;
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
                     "text and web pages");
        goto out;
    }
    if (format == READER_HTML) {
        if (html_read(a, raw, raw_len, NULL, o) != 0)
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
