/* fuzz_image: libFuzzer harness over image_probe (src/base/image.c), which reads the images of
 * a hostile book with libpng, libjpeg-turbo, giflib and libwebp. Any bytes, probed as each format
 * and as what their signature says: no crash, hang, leak or sanitizer report, and a status
 * image.h defines. Run by tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int f = IMAGE_UNKNOWN; f <= IMAGE_WEBP; f++) {
        image_info info;
        image_status st = image_probe(data, size, (image_format)f, &info);
        if (st != IMAGE_OK && st != IMAGE_BAD_HEADER && st != IMAGE_CORRUPT &&
            st != IMAGE_NOT_PROBED)
            abort();
    }
    return 0;
}
