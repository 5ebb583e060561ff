/* httphdr.c: the few HTTP response headers sheaf acts on. */
#include "readers/httphdr.h"

#include <stdlib.h>
#include <string.h>

#include "base/curllib.h"
#include "base/util.h"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does line[0..len) start with `name` followed by ':' (name ASCII case-insensitive)? Then the
 * position after the colon. */
static size_t header_is(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)line[i]) != name[i])
            return 0;
    return n + 1;
}

static void value_set(char **field, const char *v, size_t n)
{
    free(*field);
    *field = NULL;
    if (n > HTTPHDR_MAX_VALUE)
        return;
    *field = xstrndup(v, n);
}

void httphdr_clear(httphdr *h)
{
    free(h->retry_after);
    free(h->etag);
    free(h->last_modified);
    free(h->location);
    free(h->content_type);
    memset(h, 0, sizeof *h);
}

void httphdr_line(httphdr *h, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        /* "HTTP/1.1 404 Not Found" or "HTTP/2 200" */
        size_t i = 5;
        long status = 0;
        int digits = 0;
        while (i < len && line[i] != ' ')
            i++;
        while (i < len && line[i] == ' ')
            i++;
        while (i < len && line[i] >= '0' && line[i] <= '9' && digits < 3) {
            status = status * 10 + (line[i++] - '0');
            digits++;
        }
        httphdr_clear(h);
        h->status = digits == 3 ? status : 0;
        return;
    }
    /* Only printable ASCII and tabs (obsolete line folding and binary junk are ignored). */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return;
    }
    static const char *const names[] = {"retry-after", "etag", "last-modified", "location",
                                        "content-type"};
    char **fields[] = {&h->retry_after, &h->etag, &h->last_modified, &h->location,
                       &h->content_type};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t at = header_is(line, len, names[k]);
        if (!at)
            continue;
        while (at < len && (line[at] == ' ' || line[at] == '\t'))
            at++;
        size_t end = len;
        while (end > at && (line[end - 1] == ' ' || line[end - 1] == '\t'))
            end--;
        value_set(fields[k], line + at, end - at);
        return;
    }
}

int httphdr_retry_after(const char *value, time_t now, long *seconds)
{
    const char *p = value;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p >= '0' && *p <= '9') {
        long v = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            v = v > 100000000L ? v : v * 10 + (*p - '0'); /* saturates far above any wait */
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p)
            return -1;
        *seconds = v;
        return 0;
    }
    if (!*p || strlen(p) > 64)
        return -1;
    const curllib *lib = curllib_get(NULL);
    if (!lib)
        return -1;
    time_t when = lib->getdate(p, &now);
    if (when == (time_t)-1)
        return -1;
    *seconds = when > now ? (long)(when - now > 100000000L ? 100000000L : when - now) : 0;
    return 0;
}

static int name_is(const char *s, size_t n, const char *name)
{
    if (n != strlen(name))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != name[i])
            return 0;
    return 1;
}

static int token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

char *httphdr_media_type(const char *content_type, char **charset)
{
    const char *p = content_type;
    char *type = NULL;
    if (charset)
        *charset = NULL;
    if (!p)
        return NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *start = p;
    while (token_char((unsigned char)*p))
        p++;
    if (p == start || *p != '/')
        return NULL;
    p++;
    const char *sub = p;
    while (token_char((unsigned char)*p))
        p++;
    if (p == sub)
        return NULL;
    type = xstrndup(start, (size_t)(p - start));
    for (char *c = type; *c; c++)
        *c = (char)lower((unsigned char)*c);
    /* Parameters: ; name=value or ; name="quoted value" */
    while (charset && *p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ';') {
            p++;
            continue;
        }
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *name = p;
        while (token_char((unsigned char)*p))
            p++;
        size_t nlen = (size_t)(p - name);
        if (*p != '=')
            continue;
        p++;
        strbuf v = STRBUF_INIT;
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                strbuf_addc(&v, *p);
            }
            if (*p == '"')
                p++;
        } else {
            while (token_char((unsigned char)*p))
                strbuf_addc(&v, *p++);
        }
        strbuf_adds(&v, "");
        if (name_is(name, nlen, "charset") && v.len && !*charset) {
            for (char *c = v.data; *c; c++)
                *c = (char)lower((unsigned char)*c);
            *charset = strbuf_detach(&v, NULL);
        } else {
            strbuf_release(&v);
        }
    }
    return type;
}
