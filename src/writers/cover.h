/* cover.h: a generated typographic cover, for books given no cover image. */
#ifndef SHEAF_COVER_H
#define SHEAF_COVER_H

#include <stddef.h>

#include "model/meta.h"

/* Width and height of the generated cover's viewBox (a 5:8 portrait page). */
#define COVER_WIDTH 1600
#define COVER_HEIGHT 2560

/* A typographic SVG cover (title, subtitle, editors or authors, year, publisher) built with
 * libxml2: a 1600x2560 viewBox, text wrapped to fit by estimated glyph widths, generic font
 * families only (nothing embedded), no external references, valid SVG 1.1 as EPUB requires.
 * Text written right to left (Arabic, Hebrew) gets direction="rtl"; xml:lang comes from
 * book->lang when it is a valid tag. Missing fields are left out of the layout. The colour
 * scheme is picked from the title, so the same book always gets the same cover.
 * Returns the serialised document (UTF-8, NUL-terminated; the caller frees it with free()) and
 * its length in *len. Never fails (out of memory aborts). */
unsigned char *cover_svg_make(const meta *book, size_t *len);

/* The same cover as a 1600x2560 JPEG, for readers that ignore SVG covers (Kindle, calibre's
 * conversions): `svg` (svg_len bytes, from cover_svg_make for `book`) rendered with librsvg in
 * the fonts the SVG names (DejaVu Serif and Sans, through fontconfig). Returns the JPEG (the
 * caller frees it with free(), its length in *len), or NULL with *why set to a message the
 * caller frees: a character of the cover's text no installed font has (it would be drawn as a
 * box), or librsvg failing. The same input gives the same bytes on a given machine. */
unsigned char *cover_jpeg_make(const meta *book, const unsigned char *svg, size_t svg_len,
                               size_t *len, char **why);

#endif
