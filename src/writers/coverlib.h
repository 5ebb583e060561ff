/* coverlib.h: librsvg, cairo, GLib and fontconfig, opened at run time for the JPEG cover.
 *
 * Only drawing the generated cover as a JPEG needs them (writers/cover.c), and linked into
 * the binary they would load some 50 shared libraries at every start of sheaf (see
 * base/dynlib.h). The table's members have the functions' own names and types, so a call
 * reads `lib->cairo_create(surface)` and is type-checked as the direct call was. */
#ifndef SHEAF_COVERLIB_H
#define SHEAF_COVERLIB_H

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <librsvg/rsvg.h>

/* X(library index, function): the functions cover.c calls, by library (the order of the
 * library list in coverlib.c: 0 librsvg, 1 cairo, 2 GObject, 3 GLib, 4 fontconfig). */
#define COVERLIB_FUNCTIONS(X)                                                                      \
    X(0, rsvg_handle_new_from_data)                                                                \
    X(0, rsvg_handle_render_document)                                                              \
    X(1, cairo_image_surface_create)                                                               \
    X(1, cairo_image_surface_get_width)                                                            \
    X(1, cairo_image_surface_get_height)                                                           \
    X(1, cairo_image_surface_get_stride)                                                           \
    X(1, cairo_image_surface_get_data)                                                             \
    X(1, cairo_surface_flush)                                                                      \
    X(1, cairo_surface_destroy)                                                                    \
    X(1, cairo_create)                                                                             \
    X(1, cairo_status)                                                                             \
    X(1, cairo_destroy)                                                                            \
    X(2, g_object_unref)                                                                           \
    X(3, g_error_free)                                                                             \
    X(4, FcInit)                                                                                   \
    X(4, FcConfigGetCurrent)                                                                       \
    X(4, FcNameParse)                                                                              \
    X(4, FcConfigSubstitute)                                                                       \
    X(4, FcDefaultSubstitute)                                                                      \
    X(4, FcFontSort)                                                                               \
    X(4, FcCharSetHasChar)                                                                         \
    X(4, FcFontSetDestroy)                                                                         \
    X(4, FcCharSetDestroy)                                                                         \
    X(4, FcPatternDestroy)

typedef struct coverlib {
#define COVERLIB_MEMBER(lib, fn) __typeof__(fn) *fn;
    COVERLIB_FUNCTIONS(COVERLIB_MEMBER)
#undef COVERLIB_MEMBER
} coverlib;

/* The libraries' functions, opened on the first call (thread-safe; later calls return the
 * same answer at once). Returns the table, which stays valid until the process exits and is
 * not the caller's to free; or NULL with *why set to why they cannot be used, e.g.
 * "librsvg-2.so.2 is not installed (apt-get install librsvg2-2)" (a static string, not the
 * caller's to free). */
const coverlib *coverlib_get(const char **why);

#endif
