/* fuzz_css: libFuzzer harness over the checker's CSS tokenizer and parser (check_css_scan), the
 * reader of every style sheet, <style> element and style attribute of a hostile book. Any bytes,
 * as each of the three kinds of CSS text: it must not crash, hang, leak or trip a sanitizer.
 * Run by tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checker/check_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int kind = CSS_SHEET; kind <= CSS_STYLE_ATTR; kind++) {
        item_job job;
        memset(&job, 0, sizeof job);
        check_css_scan(&job, "fuzz.css", 0, (const char *)data, size, 1, kind);
        for (size_t k = 0; k < job.n_f; k++)
            free(job.f[k].msg);
        free(job.f);
        check_ref_list_release(&job.refs);
        strbuf_release(&job.classes);
    }
    return 0;
}
