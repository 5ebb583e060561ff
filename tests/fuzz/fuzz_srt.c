/* fuzz_srt: libFuzzer harness over the SubRip (readers/srt.c) reader and the cues-to-prose
 * module, through the whole build (fuzz_captions.h). Run by tests/fuzz/run. */
#include "fuzz_captions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_caption_file(data, size, "srt", "fuzz.srt");
}
