/* webpage.c: a fetched page to the reader of what it is (see webpage.h). */
#include "readers/webpage.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "readers/html.h"
#include "readers/httphdr.h"
#include "readers/markdown.h"
#include "readers/reader.h"

static int starts(const unsigned char *b, size_t len, const char *sig, size_t n)
{
    return len >= n && memcmp(b, sig, n) == 0;
}

/* What binary bytes are, by their signature; NULL when they have none sheaf knows. */
static const char *binary_name(const unsigned char *b, size_t len)
{
    if (starts(b, len, "%PDF-", 5))
        return "a PDF document";
    if (starts(b, len, "\x89PNG\r\n\x1a\n", 8))
        return "a PNG image";
    if (starts(b, len, "\xFF\xD8\xFF", 3))
        return "a JPEG image";
    if (starts(b, len, "GIF87a", 6) || starts(b, len, "GIF89a", 6))
        return "a GIF image";
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "a WebP image";
    if (starts(b, len, "PK\x03\x04", 4) || starts(b, len, "PK\x05\x06", 4))
        return "a zip archive (or an EPUB or office document)";
    if (starts(b, len, "\x1F\x8B", 2))
        return "gzip-compressed data";
    return NULL;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Markup that opens like an HTML document (the WHATWG MIME sniffing rules' HTML patterns). */
static int opens_like_html(const unsigned char *b, size_t len)
{
    static const char *const tags[] = {"<!doctype html", "<html", "<head", "<script", "<iframe",
                                       "<h1", "<div", "<font", "<table", "<a", "<style",
                                       "<title", "<b", "<body", "<br", "<p"};
    size_t i = 0;
    if (starts(b, len, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f'))
        i++;
    if (starts(b + i, len - i, "<!--", 4))
        return 1;
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        size_t n = strlen(tags[k]), j = 0;
        if (len - i <= n)
            continue;
        while (j < n && lower(b[i + j]) == tags[k][j])
            j++;
        if (j == n && (b[i + n] == ' ' || b[i + n] == '>' || b[i + n] == '\t' ||
                       b[i + n] == '\n' || b[i + n] == '\r'))
            return 1;
    }
    return 0;
}

/* The media types caption files are served as; the format they name in *f when f is set. */
static int caption_type_format(const char *type, reader_format *f)
{
    static const struct {
        const char *type;
        reader_format f;
    } types[] = {{"text/vtt", READER_VTT},          {"text/x-vtt", READER_VTT},
                 {"application/x-subrip", READER_SRT}, {"application/srt", READER_SRT},
                 {"text/srt", READER_SRT},          {"text/x-srt", READER_SRT},
                 {"application/x-srt", READER_SRT}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i].type) == 0) {
            if (f)
                *f = types[i].f;
            return 1;
        }
    return 0;
}

static int caption_type(const char *type)
{
    return caption_type_format(type, NULL);
}

webpage_kind webpage_kind_of(const char *content_type, const unsigned char *body, size_t len,
                             char **what)
{
    webpage_kind kind = WEBPAGE_REFUSED;
    char *type = httphdr_media_type(content_type, NULL);
    const char *bin = binary_name(body, len);
    if (what)
        *what = NULL;
    if (bin) {
        if (what)
            *what = xstrdup(bin);
        goto out;
    }
    int captions = reader_format_sniff((const char *)body, len) != READER_MARKDOWN;
    if (type && (strcmp(type, "text/html") == 0 || strcmp(type, "application/xhtml+xml") == 0))
        kind = WEBPAGE_HTML;
    else if (type && caption_type(type))
        kind = WEBPAGE_CAPTIONS;
    else if (type && strcmp(type, "application/json") == 0 && captions &&
             mem_find(body, len < (64 << 10) ? len : (64 << 10), "\"segments\"", 10))
        kind = WEBPAGE_CAPTIONS;
    else if (type && strcmp(type, "text/plain") == 0 && captions)
        kind = WEBPAGE_CAPTIONS; /* captions are often served as plain text */
    else if (type && (strcmp(type, "text/markdown") == 0 || strcmp(type, "text/x-markdown") == 0 ||
                      strcmp(type, "text/plain") == 0))
        kind = WEBPAGE_TEXT;
    else if (!type || strcmp(type, "application/octet-stream") == 0 ||
             strcmp(type, "text/x-unknown") == 0 || strcmp(type, "unknown/unknown") == 0)
        kind = captions                      ? WEBPAGE_CAPTIONS
               : opens_like_html(body, len) ? WEBPAGE_HTML
                                            : WEBPAGE_TEXT;
    else if (what)
        *what = xasprintf("'%s'", type);
    if (kind != WEBPAGE_REFUSED && text_looks_binary((const char *)body, len)) {
        kind = WEBPAGE_REFUSED;
        if (what)
            *what = xstrdup("binary data");
    }
out:
    free(type);
    return kind;
}

/* Is the text valid UTF-8 with at least one byte above ASCII? */
static int utf8_beyond_ascii(const unsigned char *s, size_t len)
{
    int high = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                              : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || i + n > len || (n == 2 && c < 0xC2))
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        high |= n > 1;
        i += n;
    }
    return high;
}

/* Text served in another charset than UTF-8, converted; NULL when it needs nothing (or cannot
 * be converted: then a warning, and the bytes are read as UTF-8). */
static char *charset_convert(const unsigned char *body, size_t len, const char *charset,
                             const char *file, size_t *out_len, diag_list *diags)
{
    if (!charset || strcmp(charset, "utf-8") == 0 || strcmp(charset, "utf8") == 0 ||
        strcmp(charset, "us-ascii") == 0 || strcmp(charset, "ascii") == 0)
        return NULL;
    /* Valid UTF-8 beyond ASCII under a single-byte label is nearly always a wrong label. */
    if (utf8_beyond_ascii(body, len))
        return NULL;
    /* Browsers read latin1 and ascii labels as windows-1252. */
    const char *from = strcmp(charset, "iso-8859-1") == 0 || strcmp(charset, "latin1") == 0
                           ? "WINDOWS-1252"
                           : charset;
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        diag_add(diags, DIAG_WARNING, NULL, file, 0,
                 "served in the charset '%s', which sheaf does not know; read as UTF-8",
                 charset);
        return NULL;
    }
    size_t cap = len * 4 + 16;
    char *out = xmalloc(cap);
    char *in = (char *)body, *o = out;
    size_t in_left = len, out_left = cap - 1;
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1)
            continue;
        if (errno == EILSEQ || errno == EINVAL) {
            /* A byte the charset has no character for: U+FFFD, as browsers show it. */
            if (out_left < 4)
                break;
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            out_left -= 3;
            in++;
            in_left--;
            continue;
        }
        break; /* E2BIG cannot happen at four bytes a byte */
    }
    iconv_close(cd);
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

int webpage_read(article *a, const plan_entry *e, const unsigned char *body, size_t len,
                 const char *final_url, const char *content_type, const build_options *o)
{
    int ret = -1;
    char *what = NULL, *charset = NULL, *converted = NULL, *type = NULL;
    size_t conv_len = 0;

    a->path = xstrdup(e->path);
    a->key = xstrdup(e->path);
    a->base_url = xstrdup(final_url ? final_url : e->path);
    const char *file = a->path;
    if (len == 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0, "the page is empty");
        goto out;
    }
    webpage_kind kind = webpage_kind_of(content_type, body, len, &what);
    type = httphdr_media_type(content_type, &charset);
    switch (kind) {
    case WEBPAGE_REFUSED: {
        char *served = what[0] == '\'' ? xasprintf("served as %s", what)
                       : type          ? xasprintf("%s (served as '%s')", what, type)
                                       : xstrdup(what);
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "is %s, not a page sheaf can read (it reads HTML, Markdown, plain text and "
                 "caption files); give the address of the article's web page or transcript",
                 served);
        free(served);
        goto out;
    }
    case WEBPAGE_HTML: {
        /* the HTML reader finds the page's encoding itself (the header's charset first) */
        speaker_list names = {0};
        reader_speaker_names(&names, e, o);
        html_source src = {a->base_url, content_type, &names};
        int rc = html_read(a, (const char *)body, len, &src, o);
        speaker_list_clear(&names);
        if (rc != 0)
            goto out;
        break;
    }
    case WEBPAGE_CAPTIONS: {
        converted = charset_convert(body, len, charset, file, &conv_len, &a->diags);
        const char *text = converted ? converted : (const char *)body;
        size_t n = converted ? conv_len : len;
        /* by the bytes; a caption file whose bytes do not tell (a broken first card) by its
         * type, so that its reader says what is wrong */
        reader_format f = reader_format_sniff(text, n);
        if (f == READER_MARKDOWN && !(type && caption_type_format(type, &f)))
            f = READER_JSON;
        if (reader_captions(a, e, text, n, f, o) != 0)
            goto out;
        break;
    }
    case WEBPAGE_TEXT:
        converted = charset_convert(body, len, charset, file, &conv_len, &a->diags);
        if (markdown_read(a, converted ? converted : (const char *)body,
                          converted ? conv_len : len, o) != 0)
            goto out;
        break;
    }
    if (a->meta.cover) {
        diag_add(&a->diags, DIAG_WARNING, NULL, file, 0,
                 "the page names a cover ('%s'); a web page cannot name a file on this "
                 "computer, so it is ignored (use --cover)",
                 a->meta.cover);
        meta_set(&a->meta.cover, NULL);
    }
    meta_set(&a->meta.source, a->base_url);
    meta_merge(&a->meta, &e->overrides);
    a->part = e->part;
    ret = 0;
out:
    free(what);
    free(type);
    free(charset);
    free(converted);
    return ret;
}
