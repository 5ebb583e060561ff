/* fetch.c: a batch of web resources through one libcurl multi handle.
 *
 * sheaf admits transfers itself rather than handing libcurl the whole batch: a transfer's
 * timeout then only runs while it is really under way (never while it queues behind others for
 * a connection), and the per-host limit is a promise to the servers, not a hint. Each host has
 * a queue; whenever a slot frees up, the hosts are visited in turn and the next transfer of each
 * is started while its host and the batch have room. A transfer to retry waits in a short
 * delayed list until its time comes, then joins its host's queue again. */
#include "readers/fetch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/curllib.h"
#include "base/strmap.h"
#include "base/url.h"
#include "base/util.h"
#include "readers/httphdr.h"
#include "readers/webcache.h"

typedef struct batch batch;

typedef struct xfer {
    batch *b;
    fetch_item *it;
    CURL *easy;
    struct curl_slist *headers;
    strbuf body;
    size_t cap;
    int too_big;
    httphdr hdr;
    int attempts;               /* transfers started */
    double ready_at;            /* when a delayed retry may start */
    size_t host;                /* index into batch.hosts */
    webcache_entry cached;      /* a cached answer being revalidated (--refresh) */
    int have_cached;
    char errbuf[CURL_ERROR_SIZE];
} xfer;

typedef struct host_queue {
    size_t *q; /* indices into batch.x, waiting to start */
    size_t head, len, cap;
    int active;
} host_queue;

struct batch {
    const fetch_settings *s;
    const curllib *lib; /* libcurl, opened by the first batch */
    CURLM *multi;
    xfer *x;
    size_t n;
    host_queue *hosts;
    size_t n_hosts, cap_hosts, next_host;
    strmap *host_ix;      /* host name -> index + 1 */
    size_t *delayed;      /* indices of transfers waiting to retry */
    size_t n_delayed;
    int active;
    size_t remaining;
    int changed;          /* something to report to the progress callback */
    fetch_progress prog;
};

void fetch_settings_init(fetch_settings *s)
{
    memset(s, 0, sizeof *s);
    s->timeout = 30;
    s->max_page_bytes = FETCH_MAX_PAGE_BYTES;
    s->max_image_bytes = FETCH_MAX_IMAGE_BYTES;
    s->connections = 16;
    s->per_host = 6;
    s->backoff = 1.0;
    s->max_retry_after = 120;
    s->user_agent = "sheaf";
}

void fetch_item_clear(fetch_item *it)
{
    free(it->body);
    free(it->final_url);
    free(it->media_type);
    free(it->error);
    free(it->note);
    it->ok = 0;
    it->body = NULL;
    it->len = 0;
    it->final_url = it->media_type = it->error = it->note = NULL;
    it->status = 0;
    it->from_cache = 0;
}

unsigned char *fetch_item_take_body(fetch_item *it, size_t *len)
{
    unsigned char *b = it->body;
    *len = it->len;
    it->body = NULL;
    it->len = 0;
    return b;
}

/*** results ***/

static void item_fail(batch *b, xfer *x, char *why)
{
    fetch_item *it = x->it;
    free(it->error);
    it->error = why;
    it->ok = 0;
    (void)b;
}

/* The item's answer is the cached entry (taken). */
static void item_from_cache(fetch_item *it, webcache_entry *e)
{
    it->ok = 1;
    it->from_cache = 1;
    it->status = e->status;
    it->body = e->body;
    it->len = e->len;
    it->final_url = e->final_url;
    it->media_type = e->media_type;
    e->body = NULL;
    e->final_url = e->media_type = NULL;
    webcache_entry_clear(e);
}

static void item_done(batch *b, xfer *x)
{
    if (x->it->kind == FETCH_PAGE)
        b->prog.pages_done++;
    else
        b->prog.images_done++;
    if (x->it->ok)
        b->prog.bytes += x->it->from_cache ? x->it->len : 0;
    b->remaining--;
    b->changed = 1;
}

/*** queues ***/

static size_t host_index(batch *b, const char *url)
{
    char *host = url_origin(url);
    if (!host)
        host = xstrdup("");
    void *v = strmap_get(b->host_ix, host);
    size_t ix;
    if (v) {
        ix = (size_t)v - 1;
    } else {
        if (b->n_hosts == b->cap_hosts) {
            b->cap_hosts = b->cap_hosts ? 2 * b->cap_hosts : 8;
            b->hosts = xrealloc(b->hosts, b->cap_hosts * sizeof *b->hosts);
        }
        ix = b->n_hosts++;
        memset(&b->hosts[ix], 0, sizeof b->hosts[ix]);
        strmap_put(b->host_ix, host, (void *)(ix + 1));
    }
    free(host);
    return ix;
}

static void queue_push(host_queue *h, size_t i)
{
    if (h->head + h->len == h->cap) {
        if (h->head > h->cap / 2) {
            memmove(h->q, h->q + h->head, h->len * sizeof *h->q);
            h->head = 0;
        } else {
            h->cap = h->cap ? 2 * h->cap : 8;
            h->q = xrealloc(h->q, h->cap * sizeof *h->q);
        }
    }
    h->q[h->head + h->len++] = i;
}

/*** one transfer ***/

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    httphdr_line(&x->hdr, data, n);
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    batch *b = x->b;
    size_t n = size * nmemb;
    /* The body of an error page or a redirect is not kept. */
    if (x->hdr.status < 200 || x->hdr.status > 299)
        return n;
    if (n > x->cap - x->body.len) {
        x->too_big = 1;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    if (x->body.len + n + 1 > x->body.cap) {
        /* Doubling, but never past the cap: a body at the cap costs the cap, not twice it. */
        size_t want = x->body.cap ? 2 * x->body.cap : 16384;
        if (want < x->body.len + n + 1)
            want = x->body.len + n + 1;
        if (want > x->cap + 1)
            want = x->cap + 1;
        x->body.data = xrealloc(x->body.data, want);
        x->body.cap = want;
    }
    memcpy(x->body.data + x->body.len, data, n);
    x->body.len += n;
    x->body.data[x->body.len] = '\0';
    b->prog.bytes += n;
    b->changed = 1;
    return n;
}

static const char *accept_for(fetch_kind k)
{
    return k == FETCH_PAGE
               ? "Accept: text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8,"
                 "*/*;q=0.5"
               : "Accept: image/webp,image/png,image/jpeg,image/gif,image/svg+xml;q=0.9,*/*;q=0.5";
}

static int xfer_start(batch *b, size_t i)
{
    xfer *x = &b->x[i];
    const fetch_settings *s = b->s;
    CURL *e = b->lib->easy_init();
    if (!e)
        return -1;
    x->easy = e;
    x->attempts++;
    x->too_big = 0;
    x->errbuf[0] = '\0';
    strbuf_release(&x->body);
    httphdr_clear(&x->hdr);
    x->cap = x->it->kind == FETCH_PAGE ? s->max_page_bytes : s->max_image_bytes;

    x->headers = b->lib->slist_append(NULL, accept_for(x->it->kind));
    if (x->have_cached) {
        char *h = NULL;
        if (x->cached.etag) {
            h = xasprintf("If-None-Match: %s", x->cached.etag);
            x->headers = b->lib->slist_append(x->headers, h);
            free(h);
        }
        if (x->cached.last_modified) {
            h = xasprintf("If-Modified-Since: %s", x->cached.last_modified);
            x->headers = b->lib->slist_append(x->headers, h);
            free(h);
        }
    }
    b->lib->easy_setopt(e, CURLOPT_URL, x->it->url);
    b->lib->easy_setopt(e, CURLOPT_PRIVATE, (void *)x);
    b->lib->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    b->lib->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    b->lib->easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    b->lib->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    b->lib->easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRECTS);
    /* Certificates are always verified (libcurl's default, set so that it stays so). */
    b->lib->easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    b->lib->easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    b->lib->easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    b->lib->easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    b->lib->easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes */
    b->lib->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, s->timeout * 1000L);
    b->lib->easy_setopt(e, CURLOPT_TIMEOUT_MS, s->timeout * 1000L);
    b->lib->easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->cap);
    b->lib->easy_setopt(e, CURLOPT_USERAGENT, s->user_agent ? s->user_agent : "sheaf");
    if (x->it->referer)
        b->lib->easy_setopt(e, CURLOPT_REFERER, x->it->referer);
    b->lib->easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
    b->lib->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    b->lib->easy_setopt(e, CURLOPT_HEADERDATA, (void *)x);
    b->lib->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    b->lib->easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
    b->lib->easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    if (b->lib->multi_add_handle(b->multi, e) != CURLM_OK) {
        b->lib->easy_cleanup(e);
        x->easy = NULL;
        b->lib->slist_free_all(x->headers);
        x->headers = NULL;
        return -1;
    }
    b->active++;
    b->hosts[x->host].active++;
    return 0;
}

static void xfer_end(batch *b, xfer *x)
{
    if (x->easy) {
        b->lib->multi_remove_handle(b->multi, x->easy);
        b->lib->easy_cleanup(x->easy);
        x->easy = NULL;
        b->active--;
        b->hosts[x->host].active--;
    }
    b->lib->slist_free_all(x->headers);
    x->headers = NULL;
}

static const char *status_words(long status)
{
    switch (status) {
    case 400: return "bad request";
    case 401: return "a login is needed";
    case 403: return "access refused";
    case 404: return "not found";
    case 410: return "gone";
    case 429: return "too many requests";
    case 451: return "unavailable for legal reasons";
    case 500: return "server error";
    case 502: return "bad gateway";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    default: return status >= 500 ? "server error" : "refused";
    }
}

/* Why curl stopped, as a sentence without the address. */
static char *curl_reason(const batch *b, const xfer *x, CURLcode rc)
{
    const char *detail = x->errbuf[0] ? x->errbuf : b->lib->easy_strerror(rc);
    long t = b->s->timeout;
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: {
        /* Connected: a new connection was made, or the request was about to be sent on one
         * kept from an earlier transfer (whose connect time is then 0), or an answer began. */
        curl_off_t connect_time = 0, pretransfer_time = 0;
        b->lib->easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &connect_time);
        b->lib->easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_time);
        int connected = connect_time > 0 || pretransfer_time > 0 || x->hdr.status > 0;
        return connected
                   ? xasprintf("no complete answer within %ld s (--timeout %ld)", t, t)
                   : xasprintf("could not connect within %ld s (--timeout %ld)", t, t);
    }
    case CURLE_COULDNT_RESOLVE_HOST:
        return xstrdup("the host name cannot be found (DNS); check the address");
    case CURLE_COULDNT_CONNECT:
        return xasprintf("cannot connect to the server (%s)", detail);
    case CURLE_TOO_MANY_REDIRECTS:
        return xasprintf("more than %d redirects (a redirect loop?)", FETCH_MAX_REDIRECTS);
    case CURLE_UNSUPPORTED_PROTOCOL:
        if (x->hdr.location)
            return xasprintf("redirected to '%.200s', which is not an http or https address; "
                             "sheaf follows redirects only to http and https",
                             x->hdr.location);
        return xasprintf("not an http or https address (%s)", detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
        return xasprintf("its certificate cannot be verified (%s); sheaf fetches only from "
                         "sites whose certificate checks out",
                         detail);
    case CURLE_SSL_CONNECT_ERROR:
        return xasprintf("the secure connection failed (%s)", detail);
    case CURLE_BAD_CONTENT_ENCODING:
        return xasprintf("the compressed answer is damaged (%s)", detail);
    case CURLE_FILESIZE_EXCEEDED:
        return xasprintf("larger than %zu MB", x->cap >> 20);
    case CURLE_WRITE_ERROR:
        if (x->too_big)
            return xasprintf("larger than %zu MB (counted after decompression)", x->cap >> 20);
        return xasprintf("cannot be received (%s)", detail);
    default:
        return xasprintf("cannot be fetched (%s)", detail);
    }
}

static int retryable(CURLcode rc, long status)
{
    if (rc == CURLE_OK)
        return status == 429 || status == 503;
    return rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
           rc == CURLE_PARTIAL_FILE || rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM;
}

static void cache_keep(batch *b, xfer *x)
{
    fetch_item *it = x->it;
    if (!b->s->cache_dir || b->s->offline)
        return;
    webcache_entry e;
    memset(&e, 0, sizeof e);
    e.url = (char *)it->url;
    e.final_url = it->final_url;
    e.status = it->status;
    e.media_type = it->media_type;
    e.etag = x->hdr.etag;
    e.last_modified = x->hdr.last_modified;
    e.body = it->body;
    e.len = it->len;
    if (webcache_store(b->s->cache_dir, &e) != 0)
        it->note = xasprintf("could not be kept in the cache folder '%s' (%s)", b->s->cache_dir,
                             strerror(errno));
}

/* A transfer ended with rc: success, a retry later, or a failure. */
static void xfer_finish(batch *b, size_t i, CURLcode rc)
{
    xfer *x = &b->x[i];
    fetch_item *it = x->it;
    long status = 0;
    char *why = NULL;

    b->lib->easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
    it->status = status;
    if (rc == CURLE_OK && status >= 200 && status <= 299) {
        char *eff = NULL, *ct = NULL;
        b->lib->easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
        b->lib->easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
        it->final_url = eff ? url_web_normalize(eff) : NULL;
        if (!it->final_url)
            it->final_url = xstrdup(it->url);
        it->media_type = ct ? xstrdup(ct) : NULL;
        strbuf_adds(&x->body, ""); /* a NUL after the bytes, even when there are none */
        it->body = (unsigned char *)strbuf_detach(&x->body, &it->len);
        it->ok = 1;
        xfer_end(b, x);
        cache_keep(b, x);
        webcache_entry_clear(&x->cached);
        item_done(b, x);
        return;
    }
    if (rc == CURLE_OK && status == 304 && x->have_cached) {
        xfer_end(b, x);
        item_from_cache(it, &x->cached);
        x->have_cached = 0;
        item_done(b, x);
        return;
    }
    if (retryable(rc, status)) {
        long wait = -1;
        if (x->hdr.retry_after &&
            httphdr_retry_after(x->hdr.retry_after, time(NULL), &wait) == 0 &&
            wait > b->s->max_retry_after) {
            why = xasprintf("the server asks to wait %ld s before trying again (HTTP %ld), longer "
                            "than sheaf waits (%ld s); try again later",
                            wait, status, b->s->max_retry_after);
        } else if (x->attempts <= FETCH_MAX_RETRIES) {
            double delay = wait >= 0 ? (double)wait : b->s->backoff * (double)(1 << (x->attempts - 1));
            xfer_end(b, x);
            x->ready_at = clock_now() + delay;
            b->delayed[b->n_delayed++] = i;
            return;
        }
    }
    if (!why) {
        char *reason = rc == CURLE_OK ? xasprintf("%s (HTTP %ld)", status_words(status), status)
                                      : curl_reason(b, x, rc);
        if (x->attempts > 1 && retryable(rc, status))
            why = xasprintf("%s, still after %d retries", reason, x->attempts - 1);
        else
            why = reason, reason = NULL;
        free(reason);
    }
    xfer_end(b, x);
    if (x->have_cached) {
        /* Revalidation failed: the copy in the cache stands, with a warning. */
        item_from_cache(it, &x->cached);
        x->have_cached = 0;
        it->note = xasprintf("could not be revalidated (%s); the cached copy is used", why);
        free(why);
    } else {
        item_fail(b, x, why);
    }
    item_done(b, x);
}

/*** the batch ***/

/* Start transfers while the batch and their hosts have room, visiting hosts in turn. */
static void admit(batch *b)
{
    size_t idle = 0;
    while (b->active < b->s->connections && b->n_hosts && idle < b->n_hosts) {
        host_queue *h = &b->hosts[b->next_host];
        b->next_host = (b->next_host + 1) % b->n_hosts;
        if (!h->len || h->active >= b->s->per_host) {
            idle++;
            continue;
        }
        size_t i = h->q[h->head++];
        h->len--;
        idle = 0;
        if (xfer_start(b, i) != 0) {
            item_fail(b, &b->x[i], xstrdup("cannot be fetched (libcurl could not start a "
                                           "transfer: out of memory?)"));
            item_done(b, &b->x[i]);
        }
    }
}

/* Move the retries whose time has come back into their hosts' queues. */
static void release_due(batch *b)
{
    double now = clock_now();
    size_t k = 0;
    for (size_t j = 0; j < b->n_delayed; j++) {
        xfer *x = &b->x[b->delayed[j]];
        if (x->ready_at <= now)
            queue_push(&b->hosts[x->host], b->delayed[j]);
        else
            b->delayed[k++] = b->delayed[j];
    }
    b->n_delayed = k;
}

/* Milliseconds until the next delayed retry is due (0: one is due now), 1000 at most. */
static int next_due_ms(const batch *b)
{
    double now = clock_now(), next = now + 1.0;
    for (size_t j = 0; j < b->n_delayed; j++)
        if (b->x[b->delayed[j]].ready_at < next)
            next = b->x[b->delayed[j]].ready_at;
    return next <= now ? 0 : (int)((next - now) * 1000.0) + 1;
}

static void report(batch *b)
{
    if (b->changed && b->s->progress)
        b->s->progress(b->s->progress_ud, &b->prog);
    b->changed = 0;
}

/* Before the network: answers from the cache, misses under --offline. Returns 1 when the item
 * still needs a transfer. */
static int from_cache_first(batch *b, xfer *x)
{
    const fetch_settings *s = b->s;
    fetch_item *it = x->it;
    const char *why = NULL;
    if (!s->cache_dir)
        return 1;
    int found = webcache_load(s->cache_dir, it->url, &x->cached, &why);
    if (found == 1 && !s->refresh) {
        item_from_cache(it, &x->cached);
        item_done(b, x);
        return 0;
    }
    if (found == 1) {
        x->have_cached = 1;
        if (!s->offline)
            return 1;
        item_from_cache(it, &x->cached);
        x->have_cached = 0;
        item_done(b, x);
        return 0;
    }
    if (s->offline) {
        item_fail(b, x,
                  found == 0 ? xasprintf("not in the cache '%s' (--offline); build once without "
                                         "--offline to fetch it",
                                         s->cache_dir)
                             : xasprintf("its entry in the cache '%s' cannot be used (%s) and "
                                         "--offline forbids fetching it again",
                                         s->cache_dir, why));
        item_done(b, x);
        return 0;
    }
    if (found < 0)
        it->note = xasprintf("its entry in the cache '%s' could not be used (%s); fetched again",
                             s->cache_dir, why);
    return 1;
}

int fetch_run(const fetch_settings *s, fetch_item *items, size_t n, const char **why)
{
    int ret = -1;
    batch b;
    memset(&b, 0, sizeof b);
    b.s = s;
    b.n = n;
    *why = NULL;
    if (n == 0)
        return 0;
    if (s->cache_dir && !s->offline && webcache_prepare(s->cache_dir) != 0) {
        *why = "the cache folder cannot be created or is not a folder";
        return -1;
    }
    b.lib = curllib_get(why);
    if (!b.lib)
        return -1;
    if (b.lib->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *why = "libcurl cannot start";
        return -1;
    }
    b.multi = b.lib->multi_init();
    if (!b.multi) {
        *why = "libcurl cannot start";
        goto out;
    }
    b.lib->multi_setopt(b.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    b.lib->multi_setopt(b.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)s->per_host);
    b.lib->multi_setopt(b.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)s->connections);
    b.x = xcalloc(n, sizeof *b.x);
    b.delayed = xcalloc(n, sizeof *b.delayed);
    b.host_ix = strmap_new();
    b.remaining = n;
    for (size_t i = 0; i < n; i++) {
        fetch_item_clear(&items[i]);
        b.x[i].b = &b;
        b.x[i].it = &items[i];
        if (items[i].kind == FETCH_PAGE)
            b.prog.pages_total++;
        else
            b.prog.images_total++;
    }
    b.changed = 1;
    for (size_t i = 0; i < n; i++) {
        xfer *x = &b.x[i];
        if (!from_cache_first(&b, x))
            continue;
        x->host = host_index(&b, items[i].url);
        queue_push(&b.hosts[x->host], i);
    }
    report(&b);
    while (b.remaining) {
        int running = 0;
        release_due(&b);
        admit(&b);
        b.lib->multi_perform(b.multi, &running);
        CURLMsg *msg;
        int left, finished = 0;
        while ((msg = b.lib->multi_info_read(b.multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            finished++;
            void *priv = NULL;
            b.lib->easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&priv);
            xfer_finish(&b, (size_t)((xfer *)priv - b.x), msg->data.result);
        }
        report(&b);
        if (!b.remaining)
            break;
        if (running == 0 && b.n_delayed == 0 && b.active == 0) {
            admit(&b);
            if (b.active == 0)
                break; /* nothing left that could run (cannot happen; guards a hang) */
            continue;
        }
        /* A slot freed up: fill it now rather than after the next poll. */
        if (finished)
            continue;
        int wait_ms = next_due_ms(&b);
        if (wait_ms > 0)
            b.lib->multi_poll(b.multi, NULL, 0, wait_ms, NULL);
    }
    ret = 0;
out:
    for (size_t i = 0; b.x && i < n; i++) {
        xfer_end(&b, &b.x[i]);
        strbuf_release(&b.x[i].body);
        httphdr_clear(&b.x[i].hdr);
        webcache_entry_clear(&b.x[i].cached);
        if (!items[i].ok && !items[i].error)
            items[i].error = xstrdup("was not fetched");
    }
    for (size_t h = 0; h < b.n_hosts; h++)
        free(b.hosts[h].q);
    free(b.hosts);
    strmap_free(b.host_ix);
    free(b.delayed);
    free(b.x);
    if (b.multi)
        b.lib->multi_cleanup(b.multi);
    b.lib->global_cleanup();
    return ret;
}
