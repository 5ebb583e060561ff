/* fuzz_webcache: libFuzzer harness over the response cache's entry files (readers/webcache.c),
 * which are read back from disk on every later build: any bytes either parse into an entry
 * whose body is exactly as long as its header says, or are refused with a reason; a parsed
 * entry written out again parses into the same entry. Run by tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/webcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    webcache_entry e, again;
    const char *why = NULL;
    memset(&e, 0, sizeof e);
    memset(&again, 0, sizeof again);
    if (webcache_parse(data, size, &e, &why) != 0) {
        if (!why)
            abort();
        webcache_entry_clear(&e);
        return 0;
    }
    if (!e.url || !e.final_url || e.len > size || (e.len && !e.body))
        abort();
    size_t len = 0;
    unsigned char *bytes = webcache_format(&e, &len);
    if (webcache_parse(bytes, len, &again, &why) != 0)
        abort();
    if (!same(e.url, again.url) || !same(e.final_url, again.final_url) ||
        !same(e.media_type, again.media_type) || !same(e.etag, again.etag) ||
        !same(e.last_modified, again.last_modified) || e.status != again.status ||
        e.len != again.len || memcmp(e.body, again.body, e.len) != 0)
        abort();
    free(bytes);
    webcache_entry_clear(&e);
    webcache_entry_clear(&again);
    return 0;
}
