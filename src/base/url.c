/* url.c: web addresses through libcurl's URL API (opened when first needed: base/curllib.h). */
#include "base/url.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/curllib.h"
#include "base/util.h"

int url_is_web(const char *s)
{
    static const char *const prefixes[] = {"http://", "https://"};
    for (size_t i = 0; i < 2; i++) {
        const char *p = prefixes[i];
        size_t k = 0;
        while (p[k] && s[k]) {
            char c = s[k] >= 'A' && s[k] <= 'Z' ? (char)(s[k] + 32) : s[k];
            if (c != p[k])
                break;
            k++;
        }
        if (!p[k])
            return 1;
    }
    return 0;
}

static void ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
}

/* Set once a function here needed libcurl and could not open it (url_unavailable). */
static atomic_int lib_missed;

/* libcurl's table, or NULL (remembered for url_unavailable) when it cannot be opened. */
static const curllib *url_lib(void)
{
    const curllib *c = curllib_get(NULL);
    if (!c)
        atomic_store(&lib_missed, 1);
    return c;
}

/* Turn the handle's address into sheaf's normal form; NULL unless http(s) with a host. */
static char *url_finish(const curllib *c, CURLU *h, int keep_fragment, char **scheme_out)
{
    char *scheme = NULL, *host = NULL, *out = NULL, *ret = NULL;

    if (c->url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
        goto out;
    ascii_lower(scheme);
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        if (scheme_out)
            *scheme_out = xstrdup(scheme);
        goto out;
    }
    if (c->url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
        goto out;
    ascii_lower(host);
    if (c->url_set(h, CURLUPART_HOST, host, 0) != CURLUE_OK)
        goto out;
    if (!keep_fragment)
        c->url_set(h, CURLUPART_FRAGMENT, NULL, 0);
    if (c->url_get(h, CURLUPART_URL, &out, 0) != CURLUE_OK)
        goto out;
    ret = xstrdup(out);
out:
    c->free(scheme);
    c->free(host);
    c->free(out);
    return ret;
}

/* Percent-encoding on the way in, for what people paste: spaces, non-ASCII characters. */
#define URL_SET_FLAGS (CURLU_URLENCODE | CURLU_ALLOW_SPACE | CURLU_NON_SUPPORT_SCHEME)

char *url_web_normalize(const char *s)
{
    char *ret = NULL;
    const curllib *c = url_lib();
    if (!c || !url_is_web(s))
        return NULL;
    CURLU *h = c->url();
    if (!h)
        oom_abort();
    if (c->url_set(h, CURLUPART_URL, s, URL_SET_FLAGS) != CURLUE_OK)
        goto out;
    ret = url_finish(c, h, 0, NULL);
out:
    c->url_cleanup(h);
    return ret;
}

/* The scheme of an absolute reference ("file" in "file:///x"), lowercased, or NULL. */
static char *ref_scheme(const char *ref)
{
    size_t i = 0;
    if (!((ref[0] | 0x20) >= 'a' && (ref[0] | 0x20) <= 'z'))
        return NULL;
    while (ref[i] && (((ref[i] | 0x20) >= 'a' && (ref[i] | 0x20) <= 'z') ||
                      (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '+' || ref[i] == '-' ||
                      ref[i] == '.'))
        i++;
    if (ref[i] != ':')
        return NULL;
    char *s = xstrndup(ref, i);
    ascii_lower(s);
    return s;
}

char *url_web_resolve(const char *base, const char *ref, int keep_fragment, char **scheme)
{
    char *ret = NULL, *rs = NULL;
    CURLU *h = NULL;
    const curllib *c = NULL;

    if (scheme)
        *scheme = NULL;
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    rs = ref_scheme(ref);
    if (rs && strcmp(rs, "http") != 0 && strcmp(rs, "https") != 0) {
        if (scheme)
            *scheme = rs;
        else
            free(rs);
        return NULL;
    }
    c = url_lib();
    if (!c)
        goto out;
    h = c->url();
    if (!h)
        oom_abort();
    if (c->url_set(h, CURLUPART_URL, base, URL_SET_FLAGS) != CURLUE_OK)
        goto out;
    if (*ref == '\0' || *ref == '#') {
        /* libcurl 7.88 resolves "" and "#x" against the base's folder, not the base itself
         * (RFC 3986 5.2.2: the same document). */
        if (*ref == '#' && ref[1])
            c->url_set(h, CURLUPART_FRAGMENT, ref + 1, CURLU_URLENCODE);
        else
            c->url_set(h, CURLUPART_FRAGMENT, NULL, 0);
    } else if (c->url_set(h, CURLUPART_URL, ref, URL_SET_FLAGS) != CURLUE_OK) {
        goto out;
    }
    ret = url_finish(c, h, keep_fragment, scheme);
out:
    free(rs);
    if (h)
        c->url_cleanup(h);
    return ret;
}

char *url_host(const char *url)
{
    char *host = NULL, *ret = NULL;
    const curllib *c = url_lib();
    if (!c)
        return NULL;
    CURLU *h = c->url();
    if (!h)
        oom_abort();
    if (c->url_set(h, CURLUPART_URL, url, URL_SET_FLAGS) == CURLUE_OK &&
        c->url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        ret = xstrdup(host);
        ascii_lower(ret);
    }
    c->free(host);
    c->url_cleanup(h);
    return ret;
}

char *url_origin(const char *url)
{
    char *scheme = NULL, *host = NULL, *port = NULL, *ret = NULL;
    const curllib *c = url_lib();
    if (!c)
        return NULL;
    CURLU *h = c->url();
    if (!h)
        oom_abort();
    if (c->url_set(h, CURLUPART_URL, url, URL_SET_FLAGS) == CURLUE_OK &&
        c->url_get(h, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        c->url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        c->url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
        ret = xasprintf("%s://%s:%s", scheme, host, port);
        ascii_lower(ret);
    }
    c->free(scheme);
    c->free(host);
    c->free(port);
    c->url_cleanup(h);
    return ret;
}

char *url_clean(const char *ref)
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

const char *url_ref_scheme(const char *ref, char *buf, size_t size)
{
    size_t i = 0;
    if (!((ref[0] >= 'a' && ref[0] <= 'z') || (ref[0] >= 'A' && ref[0] <= 'Z')))
        return NULL;
    while ((ref[i] >= 'a' && ref[i] <= 'z') || (ref[i] >= 'A' && ref[i] <= 'Z') ||
           (ref[i] >= '0' && ref[i] <= '9') || ref[i] == '+' || ref[i] == '-' || ref[i] == '.')
        i++;
    if (ref[i] != ':' || i < 2 || i >= size)
        return NULL;
    for (size_t k = 0; k < i; k++)
        buf[k] = (char)(ref[k] >= 'A' && ref[k] <= 'Z' ? ref[k] + 32 : ref[k]);
    buf[i] = '\0';
    return buf;
}

const char *url_unavailable(void)
{
    const char *why = NULL;
    if (!atomic_load(&lib_missed))
        return NULL;
    curllib_get(&why);
    return why;
}

char *url_web_resolve_ref(const char *base, const char *ref)
{
    char *clean = url_clean(ref), *out;
    if (base && url_is_web(base))
        out = url_web_resolve(base, clean, 1, NULL);
    else
        out = url_is_web(clean) ? url_web_resolve(clean, clean, 1, NULL) : NULL;
    free(clean);
    return out;
}
