/* fuzz_httphdr: libFuzzer harness over what sheaf reads of a server's answer: the header lines
 * (readers/httphdr.c: status, Retry-After, validators, Location, Content-Type, charset), and
 * the choice of a reader for a fetched body (readers/webpage.c). Input: header lines, then an
 * empty line, then the body. Nothing may crash or leak; every value kept must be bounded and
 * free of control characters. Run by tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/httphdr.h"
#include "readers/webpage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void value_check(const char *v)
{
    if (!v)
        return;
    size_t n = strlen(v);
    if (n > HTTPHDR_MAX_VALUE)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    httphdr h;
    size_t pos = 0;
    memset(&h, 0, sizeof h);
    /* Header lines, as libcurl hands them over: each with its line end. */
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : size - pos;
        if (n <= 2 && (data[pos] == '\n' || data[pos] == '\r')) {
            pos += n;
            break;
        }
        httphdr_line(&h, (const char *)data + pos, n);
        pos += n;
    }
    value_check(h.retry_after);
    value_check(h.etag);
    value_check(h.last_modified);
    value_check(h.location);
    value_check(h.content_type);
    if (h.status < 0 || h.status > 999)
        abort();
    if (h.retry_after) {
        long s = -1;
        if (httphdr_retry_after(h.retry_after, 1700000000, &s) == 0 && s < 0)
            abort();
    }
    char *charset = NULL;
    char *type = httphdr_media_type(h.content_type, &charset);
    if (type && (!strchr(type, '/') || strchr(type, ';')))
        abort();
    free(type);
    free(charset);
    char *what = NULL;
    webpage_kind k = webpage_kind_of(h.content_type, data + pos, size - pos, &what);
    if (k == WEBPAGE_REFUSED && !what)
        abort();
    free(what);
    httphdr_clear(&h);
    return 0;
}
