/* webcache.c: the on-disk response cache (see webcache.h for the file format). */
#include "readers/webcache.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

#define WEBCACHE_MAGIC "sheaf-cache 1\n"
/* Longest header line: far above any address or validator sheaf stores. */
#define WEBCACHE_MAX_LINE 16384

void webcache_entry_clear(webcache_entry *e)
{
    free(e->url);
    free(e->final_url);
    free(e->media_type);
    free(e->etag);
    free(e->last_modified);
    free(e->body);
    memset(e, 0, sizeof *e);
}

char *webcache_path(const char *dir, const char *url)
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    char hex[2 * SHA256_DIGEST_SIZE + 1];
    static const char digits[] = "0123456789abcdef";
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(url), (const uint8_t *)url);
    sha256_digest(&ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[sizeof hex - 1] = '\0';
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", hex);
}

/* A value that can stand on one header line: no control characters, not too long. */
static int value_ok(const char *v)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++, n++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return n > 0 && n < WEBCACHE_MAX_LINE - 32;
}

int webcache_parse(const unsigned char *data, size_t len, webcache_entry *e, const char **why)
{
    size_t pos = strlen(WEBCACHE_MAGIC), body_len = 0;
    int have_len = 0;

    *why = "it is not a sheaf cache entry";
    if (len < pos || memcmp(data, WEBCACHE_MAGIC, pos) != 0)
        return -1;
    for (;;) {
        const unsigned char *nl = memchr(data + pos, '\n', len - pos);
        if (!nl) {
            *why = "it ends inside its header (a damaged or half-written file)";
            return -1;
        }
        size_t n = (size_t)(nl - (data + pos));
        const char *line = (const char *)data + pos;
        pos += n + 1;
        if (n == 0)
            break;
        if (n >= WEBCACHE_MAX_LINE) {
            *why = "a header line is too long";
            return -1;
        }
        const char *colon = memchr(line, ':', n);
        if (!colon || colon + 1 >= line + n || colon[1] != ' ') {
            *why = "a header line is not 'name: value'";
            return -1;
        }
        size_t klen = (size_t)(colon - line);
        const char *v = colon + 2;
        size_t vlen = n - klen - 2;
        if (vlen == 0) {
            *why = "a header value is empty";
            return -1;
        }
        for (size_t i = 0; i < vlen; i++)
            if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
                *why = "a header value holds a control character";
                return -1;
            }
        char **field = NULL;
        if (klen == 3 && memcmp(line, "url", 3) == 0)
            field = &e->url;
        else if (klen == 9 && memcmp(line, "final-url", 9) == 0)
            field = &e->final_url;
        else if (klen == 4 && memcmp(line, "type", 4) == 0)
            field = &e->media_type;
        else if (klen == 4 && memcmp(line, "etag", 4) == 0)
            field = &e->etag;
        else if (klen == 13 && memcmp(line, "last-modified", 13) == 0)
            field = &e->last_modified;
        if (field) {
            if (*field) {
                *why = "a header field is given twice";
                return -1;
            }
            *field = xstrndup(v, vlen);
            continue;
        }
        if ((klen == 6 && memcmp(line, "status", 6) == 0) ||
            (klen == 6 && memcmp(line, "length", 6) == 0)) {
            size_t val = 0;
            if (vlen == 0 || vlen > 12) {
                *why = "a number in the header is not valid";
                return -1;
            }
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9') {
                    *why = "a number in the header is not valid";
                    return -1;
                }
                val = val * 10 + (size_t)(v[i] - '0');
            }
            if (line[0] == 's') {
                e->status = (long)val;
            } else {
                body_len = val;
                have_len = 1;
            }
            continue;
        }
        /* Unknown fields are skipped: a later sheaf may add some. */
    }
    if (!e->url || !e->final_url || !have_len || e->status < 200 || e->status > 299) {
        *why = "its header lacks the address, final address, status or length";
        return -1;
    }
    if (len - pos != body_len) {
        *why = "its body is not as long as its header says (a damaged or half-written file)";
        return -1;
    }
    e->body = xmalloc(body_len + 1);
    memcpy(e->body, data + pos, body_len);
    e->body[body_len] = '\0';
    e->len = body_len;
    return 0;
}

unsigned char *webcache_format(const webcache_entry *e, size_t *len)
{
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, WEBCACHE_MAGIC);
    const char *names[] = {"url", "final-url", "type", "etag", "last-modified"};
    const char *values[] = {e->url, e->final_url, e->media_type, e->etag, e->last_modified};
    for (size_t i = 0; i < 5; i++)
        if (values[i] && value_ok(values[i]))
            strbuf_addf(&b, "%s: %s\n", names[i], values[i]);
    strbuf_addf(&b, "status: %ld\nlength: %zu\n\n", e->status, e->len);
    strbuf_add(&b, e->body, e->len);
    return (unsigned char *)strbuf_detach(&b, len);
}

int webcache_load(const char *dir, const char *url, webcache_entry *e, const char **why)
{
    int ret = -1;
    char *path = webcache_path(dir, url), *data = NULL;
    size_t len = 0;
    struct stat st;

    memset(e, 0, sizeof *e);
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            ret = 0;
        } else {
            *why = strerror(errno);
        }
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "it is not a regular file";
        goto out;
    }
    if (file_read_all(path, WEBCACHE_MAX_FILE, &data, &len) != 0) {
        *why = errno == EFBIG ? "it is too large to be a cache entry" : strerror(errno);
        goto out;
    }
    if (webcache_parse((const unsigned char *)data, len, e, why) != 0) {
        webcache_entry_clear(e);
        goto out;
    }
    if (strcmp(e->url, url) != 0) {
        *why = "it holds another address";
        webcache_entry_clear(e);
        goto out;
    }
    ret = 1;
out:
    free(data);
    free(path);
    return ret;
}

int webcache_store(const char *dir, const webcache_entry *e)
{
    int ret = -1, fd = -1, saved;
    size_t len = 0;
    char *path = webcache_path(dir, e->url);
    char *tmp = xasprintf("%s.tmp-XXXXXX", path);
    unsigned char *bytes = webcache_format(e, &len);

    fd = mkstemp(tmp);
    if (fd < 0)
        goto out;
    /* No fsync: a cache entry lost to a power cut is fetched again, and one cut short fails
     * its length check; the rename alone keeps a killed build from leaving half an entry. */
    if (file_pio_all(fd, bytes, len, 0, 1, NULL) != 0 || fchmod(fd, 0644) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto fail;
    ret = 0;
    goto out;
fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    errno = saved;
out:
    free(bytes);
    free(tmp);
    free(path);
    return ret;
}

int webcache_prepare(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
        return -1;
    }
    return mkdir(dir, 0755);
}
