/* uri.c: URL references resolved against a base (RFC 3986 section 5.2). */
#include "base/uri.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

char *uri_clean(const char *ref)
{
    strbuf b = STRBUF_INIT;
    while (*ref && (unsigned char)*ref <= ' ')
        ref++;
    size_t n = strlen(ref);
    while (n && (unsigned char)ref[n - 1] <= ' ')
        n--;
    for (size_t i = 0; i < n; i++)
        if (ref[i] != '\t' && ref[i] != '\n' && ref[i] != '\r')
            strbuf_addc(&b, ref[i]);
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

const char *uri_scheme(const char *ref, char *buf, size_t size)
{
    size_t i = 0;
    if (!((ref[0] >= 'a' && ref[0] <= 'z') || (ref[0] >= 'A' && ref[0] <= 'Z')))
        return NULL;
    while ((ref[i] >= 'a' && ref[i] <= 'z') || (ref[i] >= 'A' && ref[i] <= 'Z') ||
           (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '+' || ref[i] == '-' || ref[i] == '.')
        i++;
    if (ref[i] != ':' || i < 2 || i >= size) /* "c:" is a drive letter, not a scheme */
        return NULL;
    for (size_t k = 0; k < i; k++)
        buf[k] = (char)(ref[k] >= 'A' && ref[k] <= 'Z' ? ref[k] + 32 : ref[k]);
    buf[i] = '\0';
    return buf;
}

int uri_is_web(const char *url)
{
    char s[16];
    const char *scheme = url ? uri_scheme(url, s, sizeof s) : NULL;
    return scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
}

/* The parts of a URL reference, as slices of one string. */
typedef struct parts {
    const char *scheme, *auth, *path, *query, *frag;
    size_t scheme_len, auth_len, path_len, query_len, frag_len;
    int has_scheme, has_auth, has_query, has_frag;
} parts;

static void split(const char *s, parts *p)
{
    char buf[32];
    memset(p, 0, sizeof *p);
    if (uri_scheme(s, buf, sizeof buf)) {
        p->has_scheme = 1;
        p->scheme = s;
        p->scheme_len = strcspn(s, ":");
        s += p->scheme_len + 1;
    }
    if (s[0] == '/' && s[1] == '/') {
        p->has_auth = 1;
        p->auth = s + 2;
        p->auth_len = strcspn(s + 2, "/?#");
        s += 2 + p->auth_len;
    }
    p->path = s;
    p->path_len = strcspn(s, "?#");
    s += p->path_len;
    if (*s == '?') {
        p->has_query = 1;
        p->query = s + 1;
        p->query_len = strcspn(s + 1, "#");
        s += 1 + p->query_len;
    }
    if (*s == '#') {
        p->has_frag = 1;
        p->frag = s + 1;
        p->frag_len = strlen(s + 1);
    }
}

/* RFC 3986 5.2.4: the path without "." and ".." segments, appended to out. */
static void remove_dots(strbuf *out, const char *path, size_t len)
{
    char *in = xstrndup(path, len);
    size_t start = out->len, i = 0;
    while (i < len) {
        char *p = in + i;
        size_t rest = len - i;
        if (rest >= 3 && memcmp(p, "../", 3) == 0) {
            i += 3;
        } else if (rest >= 2 && memcmp(p, "./", 2) == 0) {
            i += 2;
        } else if (rest >= 3 && memcmp(p, "/./", 3) == 0) {
            i += 2;
        } else if (rest == 2 && memcmp(p, "/.", 2) == 0) {
            i += 1;
            in[i] = '/';
        } else if ((rest >= 4 && memcmp(p, "/../", 4) == 0) ||
                   (rest == 3 && memcmp(p, "/..", 3) == 0)) {
            i += rest == 3 ? 2 : 3;
            in[i] = '/';
            while (out->len > start && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > start)
                out->len--;
            out->data[out->len] = '\0';
        } else if ((rest == 1 && p[0] == '.') || (rest == 2 && memcmp(p, "..", 2) == 0)) {
            i = len;
        } else {
            size_t k = p[0] == '/' ? 1 : 0;
            while (k < rest && p[k] != '/')
                k++;
            strbuf_add(out, p, k);
            i += k;
        }
    }
    free(in);
}

char *uri_resolve(const char *base, const char *ref_raw)
{
    char *ref = uri_clean(ref_raw), *base_c = NULL, *out = NULL;
    parts r, b;
    strbuf t = STRBUF_INIT;

    split(ref, &r);
    if (r.has_scheme) {
        char buf[16];
        const char *scheme = uri_scheme(ref, buf, sizeof buf);
        if (scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0))
            for (char *c = ref + r.scheme_len; *c && *c != '?' && *c != '#'; c++)
                if (*c == '\\')
                    *c = '/';
        out = ref;
        ref = NULL;
        goto done;
    }
    if (!base || !uri_is_web(base)) {
        /* file: and other bases resolve too, as long as they are absolute */
        char buf[16];
        if (!base || !uri_scheme(base, buf, sizeof buf))
            goto done;
    }
    for (char *c = ref; *c && *c != '?' && *c != '#'; c++)
        if (*c == '\\')
            *c = '/';
    split(ref, &r);
    base_c = uri_clean(base);
    split(base_c, &b);
    strbuf_add(&t, b.scheme, b.scheme_len);
    strbuf_addc(&t, ':');
    if (r.has_auth) {
        strbuf_adds(&t, "//");
        strbuf_add(&t, r.auth, r.auth_len);
        remove_dots(&t, r.path, r.path_len);
        if (r.has_query) {
            strbuf_addc(&t, '?');
            strbuf_add(&t, r.query, r.query_len);
        }
    } else {
        if (b.has_auth) {
            strbuf_adds(&t, "//");
            strbuf_add(&t, b.auth, b.auth_len);
        }
        if (r.path_len == 0) {
            strbuf_add(&t, b.path, b.path_len);
            if (r.has_query) {
                strbuf_addc(&t, '?');
                strbuf_add(&t, r.query, r.query_len);
            } else if (b.has_query) {
                strbuf_addc(&t, '?');
                strbuf_add(&t, b.query, b.query_len);
            }
        } else {
            if (r.path[0] == '/') {
                remove_dots(&t, r.path, r.path_len);
            } else {
                /* merge: the base path up to its last '/', then the reference's */
                strbuf merged = STRBUF_INIT;
                if (b.has_auth && b.path_len == 0) {
                    strbuf_addc(&merged, '/');
                } else {
                    size_t k = b.path_len;
                    while (k > 0 && b.path[k - 1] != '/')
                        k--;
                    strbuf_add(&merged, b.path, k);
                }
                strbuf_add(&merged, r.path, r.path_len);
                remove_dots(&t, merged.data, merged.len);
                strbuf_release(&merged);
            }
            if (r.has_query) {
                strbuf_addc(&t, '?');
                strbuf_add(&t, r.query, r.query_len);
            }
        }
    }
    if (r.has_frag) {
        strbuf_addc(&t, '#');
        strbuf_add(&t, r.frag, r.frag_len);
    }
    strbuf_adds(&t, "");
    out = strbuf_detach(&t, NULL);
done:
    strbuf_release(&t);
    free(base_c);
    free(ref);
    return out;
}
