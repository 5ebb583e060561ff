/* media.h: the book's images: sniffing, safe SVG, one stored copy per distinct image.
 *
 * WebP and EPUB versions: EPUB 3.3 makes WebP a core media type, EPUB 3.2 does not. Checked
 * with epubcheck 4.2.6 (EPUB 3.2 rules): a WebP image in <img> is an error (MED-003, "a manifest
 * fallback must be provided"); the same image as <object data="x.webp" type="image/webp">alt
 * text</object> gives no error and no warning, also passes EPUB 3.3 rules, and a reader without
 * WebP shows the alt text. So WebP images are stored as they are and shown with
 * media_append_image (and sanitize.c does the same for raw HTML). */
#ifndef SHEAF_MEDIA_H
#define SHEAF_MEDIA_H

#include <libxml/tree.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/util.h"

typedef enum media_kind {
    MEDIA_UNKNOWN,
    MEDIA_JPEG,
    MEDIA_PNG,
    MEDIA_GIF,
    MEDIA_WEBP,
    MEDIA_SVG
} media_kind;

/* Largest image file read (bigger ones are refused with a warning). */
#define MEDIA_MAX_BYTES (64u * 1024u * 1024u)

/* The kind of image in `data`, from its bytes (signatures; an SVG is XML text whose first
 * element is <svg>), never from a file name. */
media_kind media_sniff(const unsigned char *data, size_t len);
/* "image/jpeg", "image/png", "image/gif", "image/webp", "image/svg+xml"; NULL for unknown. */
const char *media_kind_mime(media_kind k);
/* "jpg", "png", "gif", "webp", "svg"; NULL for unknown. */
const char *media_kind_ext(media_kind k);
/* The kind named by an href's extension (as the store writes them: ".jpg", ".png", ".gif",
 * ".webp", ".svg"; a "?query" or "#fragment" is ignored). */
media_kind media_kind_from_href(const char *href);

typedef struct media_item {
    char *href;          /* container path relative to the package document,
                            e.g. "images/photo-1a2b3c4d.png" */
    const char *mime;    /* static string */
    unsigned char *data; /* len bytes, followed by a NUL byte that is not part of them */
    size_t len;
    int is_svg;
    char *id; /* manifest id, e.g. "img-photo-1a2b3c4d"; an NCName starting "img-" */
} media_item;

typedef struct media_store media_store;

/* A new, empty store; free it with media_store_free (which frees every item). */
media_store *media_store_new(void);
void media_store_free(media_store *s);

/* Add the image file at fs_path: read it, sniff it, clean it if it is an SVG. Returns the stored
 * item's href (owned by the store, valid until media_store_free), or NULL with ONE warning naming
 * `article_file`:`line` and the path (missing, unreadable, too large, not an image, an SVG that
 * is not well-formed or cannot be made safe). Identical bytes are stored once (SHA-256); different
 * images with the same file name get different hrefs. Hrefs are ASCII names without spaces:
 * "images/<name>-<8 hex digits of the SHA-256>.<ext>". An SVG from which something unsafe was
 * removed is stored with one warning saying what was removed. Not thread-safe: callers lock. */
const char *media_store_add_file(media_store *s, const char *fs_path, const char *article_file,
                                 int line, diag_list *diags);
/* Add bytes directly (e.g. a generated cover); same rules; name_hint is a file name such as
 * "cover.svg" (only its stem is used; the extension comes from the bytes). */
const char *media_store_add_bytes(media_store *s, const unsigned char *data, size_t len,
                                  const char *name_hint, const char *article_file, int line,
                                  diag_list *diags);
/* Files with this identity (the book's output) are refused with an error instead of read. */
void media_store_set_output(media_store *s, const file_id *output);
/* 1 when an image or cover was refused because it is the output: the build must fail. */
int media_store_output_refused(const media_store *s);
size_t media_store_count(const media_store *s);
/* Items in insertion order (deterministic for a deterministic sequence of adds); NULL past the
 * end. */
const media_item *media_store_get(const media_store *s, size_t i);
/* The stored item with this href (as returned by an add), or NULL. */
const media_item *media_store_find(const media_store *s, const char *href);

/* Clean SVG bytes for a book: no scripts, event handlers, foreignObject, external references
 * (href/xlink:href other than "#..." or a data: PNG/JPEG/GIF), style sheets that import or load
 * remote urls, entity tricks or DOCTYPE; editor data (metadata, inkscape:/sodipodi: elements
 * and attributes) and comments are dropped too. Returns new UTF-8 bytes (caller frees; a NUL
 * follows them, not counted), their length in *outlen and the number of unsafe things removed
 * in *removed, the number of ids that were given another name because an earlier element had
 * them (an id must be unique in a document) in *renamed; or NULL with a reason in *why (a static string) when the bytes are not a
 * well-formed SVG document or cannot be made safe (external or nested entities). */
unsigned char *media_svg_clean(const unsigned char *data, size_t len, size_t *outlen, int *removed,
                               int *renamed, const char **why);

/* Whether `len` bytes can be a book's cover image, by the rules media_store_add_file applies to
 * every image (a JPEG, PNG, GIF or SVG that decodes as far as its header says; an SVG that can
 * be made safe) and one more for covers (no WebP: EPUB 3.2 readers need JPEG, PNG or SVG). 0 when
 * it can; else -1 with what is wrong written into why (a sentence without its subject, e.g. "it
 * is damaged: the GIF holds no image"; at most whylen bytes with the NUL). */
int media_cover_check(const unsigned char *data, size_t len, char *why, size_t whylen);

/* Append to `parent` the XHTML element that shows a stored image: <img src alt/> for JPEG, PNG,
 * GIF and SVG; for WebP, <object data="src" type="image/webp">alt</object> (see above). `src` is
 * the href relative to the content document (its extension decides); the new element is in the
 * parent's XHTML namespace. Returns the new element (owned by the tree). */
xmlNodePtr media_append_image(xmlNodePtr parent, const char *src, const char *alt);

#endif
