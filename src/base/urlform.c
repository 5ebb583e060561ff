/* urlform.c: links in the WHATWG URL Standard's serialisation (see urlform.h). */
#include "base/text.h"
#include "base/urlform.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum url_part { PART_USERINFO, PART_PATH, PART_QUERY, PART_FRAGMENT, PART_OPAQUE };


/* Must byte c be percent-encoded in `part`? The WHATWG sets (C0 controls, space and every byte
 * of a non-ASCII character in all of them; '"', '<', '>' and more by part), with what RFC 3986
 * does not allow anywhere added, so that a strict checker accepts the result too. */
static int must_encode(unsigned char c, enum url_part part)
{
    if (c <= 0x20 || c >= 0x7F)
        return 1;
    if (strchr("\"<>`{}|^[]\\", c))
        return 1;
    switch (part) {
    case PART_USERINFO:
        return strchr("/:;=@?#", c) != NULL;
    case PART_PATH:
        return c == '?' || c == '#';
    case PART_QUERY:
        return c == '#' || c == '\'';
    case PART_FRAGMENT:
        return c == '#';
    case PART_OPAQUE:
        return c == '#' || c == '?';
    }
    return 0;
}

/* Append s[0..n) to b, encoded for `part`; a '%' that starts a valid escape is kept. */
static void encode_into(strbuf *b, const char *s, size_t n, enum url_part part)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && text_hex_value(s[i + 1]) >= 0 && text_hex_value(s[i + 2]) >= 0) {
            strbuf_add(b, s + i, 3);
            i += 2;
        } else if (c == '%' || must_encode(c, part)) {
            char esc[3] = {'%', digits[c >> 4], digits[c & 15]};
            strbuf_add(b, esc, 3);
        } else {
            strbuf_addc(b, (char)c);
        }
    }
}

static int digit_value(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* One part of an IPv4 address as the standard reads it: decimal, octal after a leading 0,
 * hexadecimal after 0x ("0x" alone is 0). Returns 0, or -1 when the part is not a number (or
 * is too large to be any part). */
static int ipv4_part(const char *s, size_t n, uint64_t *out)
{
    int base = 10;
    uint64_t v = 0;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    } else if (n >= 2 && s[0] == '0') {
        base = 8;
        s++;
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        int d = digit_value((unsigned char)s[i]);
        if (d < 0 || d >= base || v > (UINT64_C(1) << 40))
            return -1;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return 0;
}

/* The last step of the standard's host parser for an ASCII host `h` (IDNA done, lowercase):
 * a host whose last label is a number is an IPv4 address (1.2.3.4, 0x7f.1, 2130706433) and is
 * written as four decimal numbers, or is no host at all (1.2.3.4.5, 999.1.1.1); a host with an
 * empty label (a..b, .a) is refused too, as EPUB checkers refuse it (a single final dot is
 * kept). Returns a new string, or NULL. */
static char *host_finish(const char *h)
{
    size_t n = strlen(h);
    if (n && h[n - 1] == '.')
        n--; /* a final dot ends the labels; it is no empty label */
    if (n == 0)
        return NULL;
    size_t last = n;
    while (last > 0 && h[last - 1] != '.')
        last--;
    for (size_t i = 0; i < n; i++)
        if (h[i] == '.' && (i == 0 || h[i - 1] == '.'))
            return NULL;
    /* does it end in a number? */
    int number = 1;
    if (n - last >= 2 && h[last] == '0' && h[last + 1] == 'x') {
        for (size_t i = last + 2; i < n; i++)
            if (text_hex_value((unsigned char)h[i]) < 0)
                number = 0;
    } else {
        for (size_t i = last; i < n; i++)
            if (h[i] < '0' || h[i] > '9')
                number = 0;
    }
    if (!number)
        return xstrdup(h);
    uint64_t parts[4], addr = 0;
    size_t count = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && h[i] != '.')
            continue;
        if (count == 4 || ipv4_part(h + start, i - start, &parts[count]) != 0)
            return NULL;
        count++;
        start = i + 1;
    }
    for (size_t i = 0; i + 1 < count; i++) {
        if (parts[i] > 255)
            return NULL;
        addr = addr * 256 + parts[i];
    }
    unsigned shift = 8 * (unsigned)(5 - count);
    if (parts[count - 1] >= (UINT64_C(1) << shift))
        return NULL;
    addr = (addr << shift) + parts[count - 1];
    return xasprintf("%u.%u.%u.%u", (unsigned)(addr >> 24) & 255, (unsigned)(addr >> 16) & 255,
                     (unsigned)(addr >> 8) & 255, (unsigned)addr & 255);
}

/* The host of a special URL in its normal form: percent-decoded, through IDNA to ASCII and
 * lowercased, an IPv4 address as four decimal numbers; an IPv6 address in brackets is kept
 * (lowercased) when it is one. NULL when it cannot be a host. The caller frees the result. */
static char *host_form(const char *s, size_t n)
{
    char *ret = NULL;
    strbuf raw = STRBUF_INIT;
    if (n == 0)
        return NULL;
    if (s[0] == '[') {
        if (s[n - 1] != ']')
            return NULL;
        unsigned char bin[16];
        char *inside = xstrndup(s + 1, n - 2);
        int ok = inet_pton(AF_INET6, inside, bin) == 1;
        free(inside);
        if (!ok)
            return NULL;
        ret = xstrndup(s, n);
        for (char *p = ret; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        return ret;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && text_hex_value(s[i + 1]) >= 0 && text_hex_value(s[i + 2]) >= 0) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            strbuf_addc(&raw, (char)strtol(h, NULL, 16));
            i += 2;
        } else {
            strbuf_addc(&raw, s[i]);
        }
    }
    int ascii = 1;
    for (size_t i = 0; i < raw.len; i++) {
        unsigned char c = (unsigned char)raw.data[i];
        /* the forbidden host code points of the standard */
        if (c <= 0x20 || c == 0x7F || strchr("#%/:<>?@[\\]^|", c))
            goto out;
        if (c >= 0x80)
            ascii = 0;
    }
    if (ascii) {
        ret = strbuf_detach(&raw, NULL);
        for (char *p = ret; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        goto finish;
    }
    {
        char *out = NULL;
        int rc = idn2_to_ascii_8z(raw.data, &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK) {
            free(out);
            out = NULL;
            rc = idn2_to_ascii_8z(raw.data, &out, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
        }
        if (rc == IDN2_OK && out) {
            ret = xstrdup(out);
            for (char *p = ret; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p + 32);
        }
        free(out);
    }
finish:
    if (ret) {
        char *done = host_finish(ret);
        free(ret);
        ret = done;
    }
out:
    strbuf_release(&raw);
    return ret;
}

/* The default port of a special scheme ("80" for http). */
static const char *default_port(const char *scheme)
{
    if (strcmp(scheme, "http") == 0)
        return "80";
    if (strcmp(scheme, "https") == 0)
        return "443";
    if (strcmp(scheme, "ftp") == 0)
        return "21";
    return NULL;
}

char *url_form(const char *href)
{
    char *ret = NULL, *in = NULL, *scheme = NULL, *host = NULL;
    strbuf b = STRBUF_INIT;
    size_t n, i = 0;

    /* leading and trailing C0 controls and spaces go; tabs and newlines inside are removed */
    while (*href && (unsigned char)*href <= 0x20)
        href++;
    n = strlen(href);
    while (n > 0 && (unsigned char)href[n - 1] <= 0x20)
        n--;
    in = xmalloc(n + 1);
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (href[j] != '\t' && href[j] != '\n' && href[j] != '\r')
            in[k++] = href[j];
    in[k] = '\0';
    n = k;

    while (i < n && ((in[i] >= 'a' && in[i] <= 'z') || (in[i] >= 'A' && in[i] <= 'Z') ||
                     (in[i] >= '0' && in[i] <= '9' && i > 0) || in[i] == '+' || in[i] == '-' ||
                     in[i] == '.'))
        i++;
    if (i == 0 || i >= n || in[i] != ':')
        goto out;
    scheme = xstrndup(in, i);
    for (char *p = scheme; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    i++;
    int special = strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
                  strcmp(scheme, "ftp") == 0 || strcmp(scheme, "ftps") == 0;
    strbuf_adds(&b, scheme);
    strbuf_addc(&b, ':');
    if (!special) {
        /* mailto:, tel: and the like: a path without authority */
        size_t q = i;
        while (q < n && in[q] != '#')
            q++;
        encode_into(&b, in + i, q - i, PART_OPAQUE);
        if (q < n) {
            strbuf_addc(&b, '#');
            encode_into(&b, in + q + 1, n - q - 1, PART_FRAGMENT);
        }
        ret = strbuf_detach(&b, NULL);
        goto out;
    }
    /* any number of slashes (or backslashes) before the authority, as browsers read them */
    while (i < n && (in[i] == '/' || in[i] == '\\'))
        i++;
    size_t auth = i;
    while (i < n && in[i] != '/' && in[i] != '\\' && in[i] != '?' && in[i] != '#')
        i++;
    size_t auth_end = i;
    /* userinfo: up to the last '@' of the authority */
    size_t at = auth_end;
    for (size_t j = auth; j < auth_end; j++)
        if (in[j] == '@')
            at = j;
    size_t host_start = auth;
    strbuf_adds(&b, "//");
    if (at < auth_end) {
        /* user name and password: the first ':' parts them */
        size_t colon = auth;
        while (colon < at && in[colon] != ':')
            colon++;
        encode_into(&b, in + auth, colon - auth, PART_USERINFO);
        if (colon < at) {
            strbuf_addc(&b, ':');
            encode_into(&b, in + colon + 1, at - colon - 1, PART_USERINFO);
        }
        strbuf_addc(&b, '@');
        host_start = at + 1;
    }
    /* port: after the last ':' outside brackets */
    size_t host_end = auth_end, port = 0;
    for (size_t j = auth_end; j > host_start; j--) {
        if (in[j - 1] == ']')
            break;
        if (in[j - 1] == ':') {
            host_end = j - 1;
            port = j;
            break;
        }
    }
    host = host_form(in + host_start, host_end - host_start);
    if (!host || !*host)
        goto out;
    strbuf_adds(&b, host);
    if (port && port < auth_end) {
        size_t p = port;
        while (p < auth_end && in[p] == '0' && p + 1 < auth_end)
            p++;
        for (size_t j = p; j < auth_end; j++)
            if (in[j] < '0' || in[j] > '9')
                goto out;
        if (auth_end - p > 5)
            goto out;
        char *num = xstrndup(in + p, auth_end - p);
        const char *def = default_port(scheme);
        if (atol(num) > 65535) {
            free(num);
            goto out;
        }
        if (!def || strcmp(num, def) != 0) {
            strbuf_addc(&b, ':');
            strbuf_adds(&b, num);
        }
        free(num);
    }
    /* path, with '\' read as '/' */
    size_t path = i;
    while (i < n && in[i] != '?' && in[i] != '#')
        i++;
    if (path == i) {
        strbuf_addc(&b, '/');
    } else {
        for (size_t j = path; j < i;) {
            if (in[j] == '\\' || in[j] == '/') {
                strbuf_addc(&b, '/');
                j++;
                continue;
            }
            size_t seg = j;
            while (j < i && in[j] != '\\' && in[j] != '/')
                j++;
            encode_into(&b, in + seg, j - seg, PART_PATH);
        }
    }
    if (i < n && in[i] == '?') {
        size_t q = ++i;
        while (i < n && in[i] != '#')
            i++;
        strbuf_addc(&b, '?');
        encode_into(&b, in + q, i - q, PART_QUERY);
    }
    if (i < n && in[i] == '#') {
        strbuf_addc(&b, '#');
        encode_into(&b, in + i + 1, n - i - 1, PART_FRAGMENT);
    }
    ret = strbuf_detach(&b, NULL);
out:
    strbuf_release(&b);
    free(in);
    free(scheme);
    free(host);
    return ret;
}
