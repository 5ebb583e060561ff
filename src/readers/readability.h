/* readability.h: what a web page is about, found the way Firefox's Reader View (Mozilla's
 * Readability) finds it: its metadata, and the element that holds its article.
 *
 * The algorithm is Readability's, rewritten for libxml2 trees (and for linear time: text
 * lengths, comma and link counts are kept per element and updated as elements are removed,
 * instead of being measured again from the text at every question). */
#ifndef SHEAF_READABILITY_H
#define SHEAF_READABILITY_H

#include <libxml/tree.h>

#include "base/util.h"

/* A page's metadata, every string owned (NULL when not found). */
typedef struct readability_meta {
    char *title;      /* JSON-LD, then Dublin Core/OpenGraph/Twitter/<meta>, then <title>
                         cleaned of the site's name (or the page's one <h1>) */
    char *byline;     /* as Reader View shows it: JSON-LD authors, <meta name=author>..., else
                         the page's byline element (found by readability_extract) */
    strlist authors;  /* the byline as names: "By " dropped, JSON-LD authors one by one */
    char *published;  /* the publication time as written */
    char *date;       /* its day, YYYY-MM-DD (or YYYY-MM, YYYY), for the package */
    char *excerpt;
    char *site_name;
    char *lang;       /* <html lang> (as written) */
    char *dir;        /* "ltr" or "rtl": <html dir> or the article's */
    char *url;        /* the page's own address: <link rel=canonical>, og:url */
    char *base;       /* <base href>, resolved against the page's address when relative */
    char *image;      /* the lead image (og:image), absolute */
} readability_meta;

void readability_meta_init(readability_meta *m);
/* A byline as a name ("By Jane Doe" -> "Jane Doe"), a new string the caller frees, or NULL
 * when it is empty or too long (100 characters or more) to be one. */
char *readability_byline_name(const char *byline);
void readability_meta_free(readability_meta *m);

/* Fill m from the page (before readability_extract, which changes the tree). `doc_url` is the
 * address the page was fetched from, or NULL. */
void readability_metadata(xmlDocPtr doc, const char *doc_url, readability_meta *m);

/* Remove what is never content (scripts, styles, templates; comments were never kept) and turn
 * <noscript> fallback images into images, as Reader View does first. readability_extract
 * calls it (and then also turns chains of <br> into paragraphs and <font> into <span>);
 * --extract=off calls it alone. */
void readability_prepare(xmlDocPtr doc);

/* Reader View's three rules, dropped one by one when too little text is found: strip likely
 * boilerplate by class and id, weigh classes and ids, remove doubtful blocks. */
#define READABILITY_STRIP_UNLIKELYS 0x1
#define READABILITY_WEIGHT_CLASSES 0x2
#define READABILITY_CLEAN_CONDITIONALLY 0x4
#define READABILITY_ALL 0x7
/* Text an attempt must find, or the next is made with looser rules. */
#define READABILITY_CHAR_THRESHOLD 500

typedef struct readability_result {
    const char *why;     /* when nothing was found: why (static) */
    const char *dir;     /* "ltr"/"rtl" from the article's ancestors, or NULL (static) */
    size_t text_length;  /* the article's text, as Reader View measures it */
    size_t link_length;  /* how much of it is in links */
    char *byline;        /* the byline element's text, when one was found (owned) */
} readability_result;

void readability_result_free(readability_result *r);

/* One attempt at finding the article in doc, with the rules in `flags`. `m` is the page's
 * metadata (its title finds and removes a heading that repeats it); with `byline_known` a
 * byline element is left where it is (the metadata, or an earlier attempt, has one). Returns
 * a new <div> holding the article (moved out of doc's tree: the caller frees it with
 * xmlFreeNode before freeing doc), or NULL (r->why says why). The tree is changed: an attempt
 * with other flags needs a freshly parsed doc. Compare r->text_length with
 * READABILITY_CHAR_THRESHOLD to decide on another attempt. */
xmlNodePtr readability_extract(xmlDocPtr doc, const readability_meta *m, int flags,
                               int byline_known, readability_result *r);

#endif
