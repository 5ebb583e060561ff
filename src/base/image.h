/* image.h: what an image file's own bytes say it is, read with the image libraries' own readers
 * (libpng, libjpeg-turbo, giflib, libwebp), for the checker (PKG-021, MED-004, OPF-029) and the
 * builder (which images a book may carry).
 *
 * image_probe decodes an image as far as its header and its size say: every row of every frame
 * and every compressed segment, keeping at most a row (or a small scaled copy) in memory, so a
 * truncated file, a corrupt stream or a header that lies are found, not only a wrong signature.
 * Safe on hostile bytes (errors are caught, sizes capped) and thread-safe (no global state).
 * SVG is XML and is not probed here. */
#ifndef SHEAF_IMAGE_H
#define SHEAF_IMAGE_H

#include <stddef.h>

typedef enum image_format {
    IMAGE_UNKNOWN,
    IMAGE_PNG,
    IMAGE_JPEG,
    IMAGE_GIF,
    IMAGE_WEBP,
} image_format;

typedef enum image_status {
    IMAGE_OK,          /* it decodes as its header says */
    IMAGE_BAD_HEADER,  /* no readable header of its format (empty, truncated, or not it at all) */
    IMAGE_CORRUPT,     /* the header reads, the image data does not (truncated or damaged) */
    IMAGE_NOT_PROBED,  /* a format image_probe does not read (image_format IMAGE_UNKNOWN) */
} image_status;

typedef struct image_info {
    image_format format; /* from the signature bytes */
    unsigned width, height;
    char why[200]; /* what is wrong, when not IMAGE_OK: e.g. "Premature end of JPEG file" */
} image_info;

/* The format the first bytes announce (PNG, JPEG, GIF, WebP signatures), or IMAGE_UNKNOWN. */
image_format image_sniff(const unsigned char *data, size_t len);

/* The format a media type names (image/png...), or IMAGE_UNKNOWN. */
image_format image_format_of_media_type(const char *media_type);

/* The format a file name's extension suggests (.png, .jpg/.jpeg/.jpe, .gif, .webp), or
 * IMAGE_UNKNOWN. */
image_format image_format_of_name(const char *name);

/* "PNG", "JPEG", "GIF", "WebP" or "unknown"; and the media type ("image/png"...), NULL for
 * IMAGE_UNKNOWN. Static strings. */
const char *image_format_name(image_format f);
const char *image_format_media_type(image_format f);

/* Decode the len bytes of an image of format `expected` (IMAGE_UNKNOWN: the format its signature
 * gives), as far as its header and size say. Fills *info and returns an image_status. Images
 * larger than IMAGE_MAX_PIXELS are checked as far as their header only (IMAGE_OK when it
 * reads). */
image_status image_probe(const unsigned char *data, size_t len, image_format expected,
                         image_info *info);

#define IMAGE_MAX_PIXELS ((unsigned long long)1 << 28) /* 268 megapixels */

#endif
