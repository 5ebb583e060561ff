/* fuzz_captions.h: the body of the caption readers' libFuzzer harnesses (fuzz_vtt.c, fuzz_srt.c,
 * fuzz_podjson.c). Any bytes, read as one caption file of the harness's format (as --from would),
 * go through the whole pipeline to a book in memory: sheaf either refuses them with an error
 * message or writes a book its own checker finds no error in. Seeds: the project's caption
 * fixtures (tests/fixtures/captions), copied by fuzz_NAME.seed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "book.h"
#include "checker/check.h"
#include "readers/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_caption_file(const uint8_t *data, size_t size, const char *from, const char *name)
{
    plan p;
    build_options o;
    diag_list diags = DIAG_LIST_INIT, findings = DIAG_LIST_INIT;
    unsigned char *epub = NULL;
    size_t len = 0;

    plan_init(&p);
    build_options_init(&o);
    o.epoch = 1700000000;
    o.threads = 1;
    o.cover_svg_only = 1; /* librsvg's drawing is not under test: its fontconfig keeps memory for
                             the process's life, which LeakSanitizer reports as a leak */
    o.input_format = from; /* and the entry's name: a file of that format */
    /* a label named on the command line, as users do */
    speaker_list_add(&o.speaker_names, "SPEAKER_1", "Ana Ruiz", SPEAKER_ROLE_HOST);
    plan_entry *e = plan_add(&p, name);
    e->data = (const char *)data;
    e->data_len = size;
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
        abort(); /* a refusal must say why */
    }
    free(epub);
    diag_list_clear(&diags);
    diag_list_clear(&findings);
    plan_free(&p);
    build_options_free(&o);
    return 0;
}
