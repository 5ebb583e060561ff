/* Unit tests for image_probe (src/base/image.c): images decoded with their libraries, as far as
 * their header and size say. Small images written for the project: a 1x1 PNG and JPEG (the same
 * bytes as tests/tools/mkepub), a 1x1 GIF, a WebP encoded here with libwebp; then the same cut
 * short, mislabelled and empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <webp/encode.h>

#include "base/image.h"

static const unsigned char png_1x1[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0b\x49\x44\x41\x54\x78\x9c\x63"
    "\x60\x00\x02\x00\x00\x05\x00\x01\x7a\x5e\xab\x3f\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42"
    "\x60\x82";

static const unsigned char jpeg_1x1[] =
    "\xff\xd8\xff\xe0\x00\x10\x4a\x46\x49\x46\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
"\xff\xdb\x00\x43\x00\x10\x0b\x0c\x0e\x0c\x0a\x10\x0e\x0d\x0e\x12\x11\x10\x13\x18"
"\x28\x1a\x18\x16\x16\x18\x31\x23\x25\x1d\x28\x3a\x33\x3d\x3c\x39\x33\x38\x37\x40"
"\x48\x5c\x4e\x40\x44\x57\x45\x37\x38\x50\x6d\x51\x57\x5f\x62\x67\x68\x67\x3e\x4d"
"\x71\x79\x70\x64\x78\x5c\x65\x67\x63\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01"
"\x11\x00\xff\xc4\x00\x14\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
"\x00\x00\x00\x00\xff\xc4\x00\x14\x10\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
"\x00\x00\x00\x00\x00\x00\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x3f\xff\xd9";

/* A 1x1 GIF: header, screen descriptor, a two-colour table, an image of one pixel, trailer. */
static const unsigned char gif_1x1[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
                                       ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;";

static void test_whole_images_decode(void **state)
{
    (void)state;
    image_info info;
    assert_int_equal(image_probe(png_1x1, sizeof png_1x1 - 1, IMAGE_PNG, &info), IMAGE_OK);
    assert_int_equal(info.format, IMAGE_PNG);
    assert_int_equal(info.width, 1);
    assert_int_equal(info.height, 1);
    assert_int_equal(image_probe(jpeg_1x1, sizeof jpeg_1x1 - 1, IMAGE_UNKNOWN, &info), IMAGE_OK);
    assert_int_equal(info.format, IMAGE_JPEG);
    assert_int_equal(image_probe(gif_1x1, sizeof gif_1x1 - 1, IMAGE_GIF, &info), IMAGE_OK);
    assert_int_equal(info.width, 1);
    uint8_t rgba[4 * 16 * 16];
    for (size_t i = 0; i < sizeof rgba; i++)
        rgba[i] = (uint8_t)(i * 7);
    uint8_t *webp = NULL;
    size_t n = WebPEncodeLosslessRGBA(rgba, 16, 16, 16 * 4, &webp);
    assert_true(n > 0);
    assert_int_equal(image_probe(webp, n, IMAGE_WEBP, &info), IMAGE_OK);
    assert_int_equal(info.width, 16);
    /* cut inside its bitstream: the header still reads, the image does not */
    assert_int_equal(image_probe(webp, n - 8, IMAGE_WEBP, &info), IMAGE_CORRUPT);
    WebPFree(webp);
}

static void test_damaged_images_are_found(void **state)
{
    (void)state;
    image_info info;
    /* the 14-byte GIF of issue 11: a header and no image */
    assert_int_equal(image_probe((const unsigned char *)"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14,
                                 IMAGE_GIF, &info),
                     IMAGE_CORRUPT);
    assert_non_null(strstr(info.why, "no image"));
    /* cut inside IDAT and inside the JPEG's scan */
    assert_int_equal(image_probe(png_1x1, 45, IMAGE_PNG, &info), IMAGE_CORRUPT);
    /* (the JPEG without its last bytes: the scan and its end marker) */
    assert_int_equal(image_probe(jpeg_1x1, sizeof jpeg_1x1 - 4, IMAGE_JPEG, &info),
                     IMAGE_CORRUPT);
    /* empty, or another format than the one expected (a JPEG named .png) */
    assert_int_equal(image_probe(png_1x1, 0, IMAGE_PNG, &info), IMAGE_BAD_HEADER);
    assert_int_equal(image_probe(jpeg_1x1, sizeof jpeg_1x1 - 1, IMAGE_PNG, &info),
                     IMAGE_BAD_HEADER);
    assert_int_equal(info.format, IMAGE_JPEG);
    /* a PNG whose header is cut */
    assert_int_equal(image_probe(png_1x1, 20, IMAGE_PNG, &info), IMAGE_BAD_HEADER);
    /* what is not an image of these formats is not probed */
    assert_int_equal(image_probe((const unsigned char *)"<svg/>", 6, IMAGE_UNKNOWN, &info),
                     IMAGE_NOT_PROBED);
}

static void test_names_and_types(void **state)
{
    (void)state;
    assert_int_equal(image_format_of_name("EPUB/images/a.JPG"), IMAGE_JPEG);
    assert_int_equal(image_format_of_name("a.jpeg"), IMAGE_JPEG);
    assert_int_equal(image_format_of_name("dir.png/a"), IMAGE_UNKNOWN);
    assert_int_equal(image_format_of_media_type("image/webp"), IMAGE_WEBP);
    assert_string_equal(image_format_media_type(IMAGE_GIF), "image/gif");
    assert_null(image_format_media_type(IMAGE_UNKNOWN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_images_decode),
        cmocka_unit_test(test_damaged_images_are_found),
        cmocka_unit_test(test_names_and_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
