/* fuzz_svg: libFuzzer harness over media_svg_clean and media_cover_check (src/writers/media.c),
 * which read every SVG image a hostile article or --cover names with libxml2: entity expansion
 * capped, scripts, handlers and external references removed, duplicate ids renamed. Any bytes:
 * no crash, hang, leak or sanitizer report; a cleaned picture is well-formed XML without a
 * DOCTYPE (nothing left to expand) and is no larger than its cap allows; the cover check agrees
 * with the cleaner. Run by tests/fuzz/run; seeds in tests/fuzz/seeds/fuzz_svg/. */
#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "writers/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t outlen = 0;
    int removed = 0, renamed = 0;
    const char *why = NULL;
    unsigned char *clean = media_svg_clean(data, size, &outlen, &removed, &renamed, &why);
    if (clean) {
        if (clean[outlen] != '\0' || removed < 0 || renamed < 0)
            abort();
        /* the expansion cap: 4x the file, at least 1 MiB (and what serialising adds) */
        if (outlen > 64 * (size > ((size_t)1 << 20) ? size : ((size_t)1 << 20)))
            abort();
        xmlDocPtr doc = xmlReadMemory((const char *)clean, (int)outlen, "clean.svg", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc || doc->intSubset)
            abort();
        xmlFreeDoc(doc);
    } else if (!why) {
        abort();
    }
    char reason[320];
    if (size && data[0] == '<') {
        /* bytes that start like markup are sniffed as SVG: the cover check says the same */
        int usable = media_cover_check(data, size, reason, sizeof reason) == 0;
        if (usable != (clean != NULL) && media_sniff(data, size) == MEDIA_SVG)
            abort();
    } else {
        (void)media_cover_check(data, size, reason, sizeof reason);
    }
    free(clean);
    return 0;
}
