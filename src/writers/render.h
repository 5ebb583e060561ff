/* render.h: an article's chapters as XHTML content documents (libxml2 trees, serialised). */
#ifndef SHEAF_RENDER_H
#define SHEAF_RENDER_H

#include <libxml/tree.h>
#include <pthread.h>

#include "model/article.h"
#include "model/options.h"
#include "writers/media.h"
#include "writers/zipwrite.h"

/* An image of a web article, fetched by the pipeline (readers/fetch.c) after rendering. */
typedef struct web_image {
    const unsigned char *data; /* len bytes, or NULL when it could not be fetched */
    size_t len;
    const char *error;         /* then why (a sentence without the address) */
    const char *note;          /* something worth a warning even though fetched, or NULL */
} web_image;

/* What rendering needs to know of the whole book. Read-only while rendering, except the media
 * store, which is guarded by media_lock. */
typedef struct render_env {
    const build_options *opts;
    article **articles;      /* every planned article, by plan index (failed ones too) */
    size_t n_articles;
    strmap *by_key;          /* article key (normalised path) -> article */
    strmap *by_source;       /* article source URL -> article */
    media_store *media;
    pthread_mutex_t *media_lock;
    xmlDocPtr chapter_template;
    strlist stylesheets;     /* hrefs relative to the package document */
    const char *book_lang;
    int several;             /* more than one article in the book */
    /* Images of web articles (article.base_url set) are not embedded while rendering: each
     * becomes a placeholder listed in chapter.pending_images, and the chapter waits in
     * chapter.doc. Once the pipeline has fetched them, render_links_finish asks for each
     * address here (0 with *out filled, -1 when the address was never fetched). */
    int (*web_image_get)(void *ud, const char *url, web_image *out);
    void *web_image_ud;
} render_env;

/* Render chapter `ci` of article `a`: serialised and deflated with `deflater` into the chapter
 * (chapter.deflated, owned by the article), unless it links to other articles: then its
 * document waits in chapter.doc for render_links_finish. Warnings go to a->diags. Only reads
 * the article's own state and, under media_lock, the media store; safe to run for different
 * articles at once. Returns 0 or -1. */
int render_chapter(const render_env *env, article *a, size_t ci, zipwrite_deflater *deflater);
/* Once every article is laid out and the web images are fetched: resolve the chapter's links
 * to other articles (links to articles left out of the book lose their link and keep their
 * text), embed its web images (through env->web_image_get and the media store; one that
 * cannot be fetched or is not an image keeps its alt text, with a warning), and finish it as
 * render_chapter would have. Runs on one thread. */
int render_links_finish(const render_env *env, article *a, size_t ci, zipwrite_deflater *deflater);

/* Helpers shared with package.c. */
/* A new element in the XHTML namespace of doc's root. */
xmlNodePtr xhtml_new(xmlDocPtr doc, const char *name);
/* A new child element with optional text. */
xmlNodePtr xhtml_add(xmlNodePtr parent, const char *name, const char *text);
/* Set lang, xml:lang and dir on an XHTML root for `lang`. */
void xhtml_set_lang(xmlNodePtr root, const char *lang);
/* A holder element (not in the tree; the caller frees it) whose children are
 * <link rel="stylesheet"> elements for `stylesheets`, relative to `doc_href`. */
xmlNodePtr xhtml_stylesheet_links(xmlDocPtr doc, const strlist *stylesheets, const char *doc_href);
/* Serialise doc to UTF-8 bytes the caller frees. A doc that names no encoding is marked UTF-8
 * (its XML declaration then says so). */
unsigned char *xml_serialize(xmlDocPtr doc, size_t *len);
/* "By A, B and C" style list: names joined with ", " and " and ". Caller frees. */
char *names_join(const strlist *names);
/* Reading time in minutes for a number of words (at least 1). */
int reading_minutes(size_t words);

#endif
