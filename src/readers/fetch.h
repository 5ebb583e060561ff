/* fetch.h: web pages and images over HTTP(S) with libcurl, many at once and politely.
 *
 * fetch_run takes a batch of addresses and returns when every one has an answer: one libcurl
 * multi handle, at most `connections` transfers at once and `per_host` to any one host (HTTP/2
 * streams share a connection where the server offers it), compressed transfer accepted, and per
 * resource: a connect and total timeout, at most FETCH_MAX_REDIRECTS redirects, http and https
 * only (the first request and every redirect), certificates always verified, a size cap that
 * holds for the decompressed bytes, retries with backoff (429, 503, connection resets) that
 * honour Retry-After. With a cache folder, answers are kept on disk (readers/webcache.c) and
 * taken from there on later runs; `offline` never touches the network; `refresh` revalidates
 * (If-None-Match / If-Modified-Since).
 *
 * Nothing here prints: failures are sentences in each item's `error`, and progress goes to a
 * callback. Called from one thread (the pipeline's), never from workers. */
#ifndef SHEAF_FETCH_H
#define SHEAF_FETCH_H

#include <stddef.h>

#define FETCH_MAX_REDIRECTS 10
#define FETCH_MAX_RETRIES 3
/* Default caps, decompressed bytes. */
#define FETCH_MAX_PAGE_BYTES ((size_t)20 << 20)
#define FETCH_MAX_IMAGE_BYTES ((size_t)20 << 20)

typedef enum fetch_kind { FETCH_PAGE, FETCH_IMAGE } fetch_kind;

/* Where a batch stands, for a progress line. */
typedef struct fetch_progress {
    size_t pages_done, pages_total;
    size_t images_done, images_total;
    size_t bytes; /* received so far (decompressed), cached answers included */
} fetch_progress;

typedef struct fetch_settings {
    long timeout;             /* seconds for one resource: to connect, and in all */
    size_t max_page_bytes;    /* caps, decompressed */
    size_t max_image_bytes;
    int connections;          /* transfers at once */
    int per_host;             /* transfers at once to one host */
    double backoff;           /* seconds before the first retry without Retry-After; doubles */
    long max_retry_after;     /* a longer Retry-After is not waited for: the resource fails */
    const char *cache_dir;    /* NULL: no cache */
    int offline;              /* answers only from the cache */
    int refresh;              /* revalidate cached answers */
    const char *user_agent;
    /* Called from fetch_run's thread as answers arrive (and at the end). */
    void (*progress)(void *ud, const fetch_progress *p);
    void *progress_ud;
} fetch_settings;

/* One resource of a batch: the caller fills the first three fields, fetch_run the rest. */
typedef struct fetch_item {
    const char *url;       /* absolute, normalised http(s) address (url_web_normalize) */
    fetch_kind kind;
    const char *referer;   /* sent as Referer (images: their page), or NULL */

    int ok;                /* the body is the resource */
    unsigned char *body;   /* len bytes followed by a NUL not counted; owned by the item */
    size_t len;
    char *final_url;       /* after redirects */
    char *media_type;      /* the Content-Type value as sent, or NULL */
    long status;           /* HTTP status of the last answer, 0 when there was none */
    int from_cache;
    char *error;           /* when !ok: why, a sentence that does not repeat the address */
    char *note;            /* when set: something worth a warning even though ok (a cached
                            * copy used because revalidating failed, a cache entry that could
                            * not be written) */
} fetch_item;

/* Defaults: 30 s timeout, 20 MB caps, 16 connections, 6 per host, 1 s backoff, Retry-After up
 * to 120 s, no cache. */
void fetch_settings_init(fetch_settings *s);

/* Fetch every item (in any order; items with the same url are fetched once each, so callers
 * pass each address once). Returns 0 when the batch ran (each item then says ok or why not), or
 * -1 with a reason in *why (a static string) when it could not start at all (libcurl is not
 * installed: the reason names its package; libcurl could not start; the cache folder cannot be
 * made). */
int fetch_run(const fetch_settings *s, fetch_item *items, size_t n, const char **why);

/* Free what fetch_run put in the item (not its url or referer) and reset those fields. */
void fetch_item_clear(fetch_item *it);

/* Give the item's body to the caller (who frees it) and forget it. */
unsigned char *fetch_item_take_body(fetch_item *it, size_t *len);

#endif
