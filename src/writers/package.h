/* package.h: the book-level documents: title page, cover page, navigation document, NCX,
 * package document (OPF) and container.xml, built from templates as libxml2 trees. */
#ifndef SHEAF_PACKAGE_H
#define SHEAF_PACKAGE_H

#include "model/article.h"
#include "model/options.h"
#include "writers/media.h"
#include "writers/render.h"

/* One file of the publication, listed in the manifest. */
typedef struct manifest_item {
    char *href;          /* relative to the package document */
    char *id;
    const char *media_type;
    char *properties;    /* NULL or e.g. "nav", "svg", "cover-image" */
    const unsigned char *data; /* borrowed unless `owned` */
    size_t len;
    int owned;
    int spine;           /* 0: not in the spine, 1: linear, 2: non-linear */
    int compress;        /* ZIPWRITE_STORE, ZIPWRITE_DEFLATE or ZIPWRITE_DEFLATED */
    uint32_t crc;        /* ZIPWRITE_DEFLATED: CRC-32 and size of the data before deflation */
    size_t raw_len;
} manifest_item;

/* A table-of-contents entry (nav and NCX). */
typedef struct toc_entry {
    char *label;
    char *byline;        /* shown under an article's title in the nav, or NULL */
    char *href;          /* relative to the package document, with #fragment */
    int depth;           /* 1 = top level */
} toc_entry;

/* The whole book being packaged. */
typedef struct book_pkg {
    const build_options *opts;
    meta meta;                 /* final book metadata (owned) */
    char *identifier;
    char *modified;            /* CCYY-MM-DDThh:mm:ssZ */
    strlist languages;         /* every language used, the book's first */
    manifest_item *items;
    size_t n_items, cap_items;
    toc_entry *toc;
    size_t n_toc, cap_toc;
    char *cover_page_href;     /* NULL without a cover */
    char *cover_image_href;    /* the item marked cover-image (a raster one when possible) */
    char *cover_page_image_href; /* what the cover page shows when not that: the generated SVG */
    char *titlepage_href;
    char *nav_href;
    char *first_body_href;
    char *summary;             /* title-page line for collections, or NULL */
    int has_images;
    int images_all_alt;        /* every image has alternative text */
} book_pkg;

void book_pkg_init(book_pkg *b, const build_options *o);
void book_pkg_free(book_pkg *b);
/* Add a manifest item; strings are copied; data is borrowed (owned=0) or taken (owned=1). */
manifest_item *book_pkg_add(book_pkg *b, const char *href, const char *id, const char *media_type,
                            const char *properties, const unsigned char *data, size_t len,
                            int owned, int spine);
void book_pkg_toc_add(book_pkg *b, const char *label, const char *byline, const char *href,
                      int depth);

/* Each returns serialised bytes the caller frees, or NULL with an error diagnostic. */
unsigned char *package_titlepage(book_pkg *b, const strlist *stylesheets, const char *href,
                                 size_t *len, diag_list *diags);
unsigned char *package_cover_page(book_pkg *b, const strlist *stylesheets, const char *href,
                                  const char *image_href, size_t *len, diag_list *diags);
unsigned char *package_nav(book_pkg *b, const strlist *stylesheets, size_t *len, diag_list *diags);
unsigned char *package_ncx(book_pkg *b, size_t *len, diag_list *diags);
unsigned char *package_opf(book_pkg *b, size_t *len, diag_list *diags);
unsigned char *package_container(const build_options *o, size_t *len, diag_list *diags);
/* A generated XHTML page (part title, sources appendix) from the chapter template: returns the
 * document (the caller frees it) and in *body the element where the caller adds content. */
xmlDocPtr package_page_new(const book_pkg *b, const strlist *stylesheets, const char *href,
                           const char *title, const char *lang, xmlNodePtr *body,
                           diag_list *diags);

#endif
