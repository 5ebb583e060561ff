/* fuzz_html: libFuzzer harness over the web page reader. Any bytes, as one saved web page, go
 * through the whole pipeline (encoding, the HTML5 parser and its guard, Reader View's
 * extraction or the whole body, the conversion to the article model) to a book in memory;
 * whatever comes in, sheaf either refuses it with an error message or writes a book that its
 * own checker finds no error in. The first byte's low bit picks --extract=off. Run by
 * tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "book.h"
#include "checker/check.h"
#include "readers/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plan p;
    build_options o;
    diag_list diags = DIAG_LIST_INIT, findings = DIAG_LIST_INIT;
    unsigned char *epub = NULL;
    size_t len = 0;

    if (size < 1)
        return 0;
    plan_init(&p);
    build_options_init(&o);
    o.cover_svg_only = 1; /* librsvg's drawing of the cover is not under test (0.2 s an input) */
    o.epoch = 1700000000;
    o.threads = 1;
    o.cover_svg_only = 1; /* librsvg's drawing is not under test, and costs 0.2 s an input */
    o.extract_off = data[0] & 1;
    plan_entry *e = plan_add(&p, "fuzz.html");
    e->data = (const char *)data + 1;
    e->data_len = size - 1;
    if (book_build(&p, &o, -1, &epub, &len, NULL, &diags) == 0) {
        check_epub_memory(epub, len, "fuzz.epub", &findings);
        if (diag_list_count_at_least(&findings, DIAG_ERROR) > 0) {
            for (size_t i = 0; i < findings.len; i++)
                fprintf(stderr, "%s: %s: %s\n", findings.items[i].id ? findings.items[i].id : "-",
                        findings.items[i].file ? findings.items[i].file : "-",
                        findings.items[i].message);
            abort();
        }
    } else if (diag_list_count_at_least(&diags, DIAG_ERROR) == 0) {
        /* A refusal must say why. */
        abort();
    }
    free(epub);
    diag_list_clear(&diags);
    diag_list_clear(&findings);
    plan_free(&p);
    build_options_free(&o);
    return 0;
}
