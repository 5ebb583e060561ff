/* fuzz_check: libFuzzer harness over the checker's entry point. Any bytes, as an EPUB held in
 * memory: check_epub_memory must not crash, hang, leak or trip a sanitizer, and must return
 * 0 or -1 (-1 only with a fatal finding). Run by tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "checker/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    diag_list findings = DIAG_LIST_INIT;
    /* one thread or two, by the input's length: both paths are fuzzed, reproducibly */
    int ret = check_epub_memory_threads(data, size, "fuzz.epub", &findings, size % 2 ? 2 : 1);
    if (ret != 0 && ret != -1)
        abort();
    if (ret == -1 && findings.count[DIAG_FATAL] == 0)
        abort();
    diag_list_clear(&findings);
    return 0;
}
