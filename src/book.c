/* book.c: the build pipeline: plan -> articles -> chapters -> package -> EPUB bytes. */
#include "book.h"

#include <errno.h>
#include <iconv.h>
#include <nettle/sha1.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>

#include "passes/passes.h"
#include "readers/fetch.h"
#include "readers/reader.h"
#include "readers/webpage.h"
#include "writers/cover.h"
#include "base/lang.h"
#include "writers/media.h"
#include "writers/package.h"
#include "base/pool.h"
#include "readers/frontmatter.h"
#include "writers/render.h"
#include "writers/template.h"
#include "base/text.h"
#include "base/url.h"
#include "base/urlform.h"
#include "base/util.h"
#include "writers/zipwrite.h"

#define PKG_DIR "EPUB/"

/* Everything one build holds; freed in one place. */
typedef struct build {
    const plan *plan;
    const build_options *opts;
    article **articles;
    size_t n_articles;
    book_pkg pkg;
    render_env env;
    pthread_mutex_t media_lock;
    strlist stylesheets;          /* hrefs of the stylesheets, relative to the package */
    diag_list *diags;
    fetch_item *pages;            /* per plan entry: the fetched page of a web entry, or NULL */
    fetch_item *images;           /* the web articles' images, each address once */
    size_t n_images;
    strmap *image_ix;             /* image address -> index + 1 into images */
} build;

/*** articles ***/

/* The sources of the articles, from list entries and a look at each file's front matter, so
 * that links to an article's source URL can become links inside the book while the articles
 * are still being read. Messages come later, when the article is read for real. */
static void source_peek(void *ud, size_t i, int worker)
{
    build *b = ud;
    const plan_entry *e = &b->plan->entries[i];
    article *a = b->env.articles[i];
    char *head = NULL, *clean = NULL;
    size_t len = 0, clean_len = 0;
    diag_list quiet = DIAG_LIST_INIT;
    (void)worker;

    if (e->overrides.source) {
        meta_set(&a->meta.source, e->overrides.source);
        return;
    }
    if (e->is_url) {
        const fetch_item *pg = b->pages ? &b->pages[i] : NULL;
        meta_set(&a->meta.source, pg && pg->ok && pg->final_url ? pg->final_url : e->path);
        return;
    }
    /* Front matter sits at the top: the first 64 KiB are enough, and a file that does not start
     * with "---" has none. */
    const size_t peek_max = 64 << 10;
    if (e->data) {
        len = e->data_len < peek_max ? e->data_len : peek_max;
        head = xstrndup(e->data, len);
    } else if (strcmp(e->path, "-") != 0) {
        /* A file that is not regular is refused when it is read for real. */
        if (file_read_head(e->path, peek_max, &head, &len) != FILE_READ_OK)
            return;
    }
    if (!head || !(str_starts_with(head, "---") || str_starts_with(head, "\xEF\xBB\xBF---"))) {
        free(head);
        return;
    }
    const char *yaml;
    size_t yaml_len, body_off;
    int body_line;
    clean = text_clean(head, len, e->path, &clean_len, &quiet);
    if (frontmatter_split(clean, clean_len, &yaml, &yaml_len, &body_off, &body_line)) {
        meta m;
        meta_init(&m);
        if (frontmatter_parse(yaml, yaml_len, e->path, 2, &m, &quiet) == 0 && m.source)
            meta_set(&a->meta.source, m.source);
        meta_free(&m);
    }
    diag_list_clear(&quiet);
    free(clean);
    free(head);
}

/* Shared by the workers of the article phase. */
typedef struct phase {
    build *b;
    zipwrite_deflater **deflaters; /* one per worker */
    double *t_read, *t_parse, *t_render;
    pthread_mutex_t lock;          /* progress reports */
    size_t done, total;
} phase;

static void progress_step(phase *ph, const char *current)
{
    const build_options *o = ph->b->opts;
    if (!o->progress)
        return;
    pthread_mutex_lock(&ph->lock);
    o->progress(o->progress_ud, ph->done++, ph->total, current);
    pthread_mutex_unlock(&ph->lock);
}

static void chapters_name(article *a)
{
    size_t hi = 0;
    for (size_t c = 0; c < a->n_chapters; c++) {
        chapter *ch = &a->chapters[c];
        ch->id = xasprintf("c%04zu-%02zu", a->index + 1, c + 1);
        ch->href = xasprintf("text/%s.xhtml", ch->id);
        while (hi < a->n_headings && a->headings[hi].chapter < c)
            hi++;
        if (c == 0)
            ch->title = xstrdup(a->meta.title);
        else if (hi < a->n_headings && a->headings[hi].chapter == c &&
                 a->headings[hi].node == ch->first && *a->headings[hi].text)
            ch->title = xstrdup(a->headings[hi].text);
        else
            ch->title = xasprintf("%s (continued)", a->meta.title);
    }
}

/* One article from file to deflated documents; its parse tree and text are freed at the end,
 * so that memory holds only finished output and the articles in the works. */
static void article_process(void *ud, size_t i, int worker)
{
    phase *ph = ud;
    build *b = ph->b;
    article *a = b->env.articles[i];
    const plan_entry *e = &b->plan->entries[i];
    double t0 = clock_now(), t1, t2;
    int ok;
    if (e->is_url) {
        fetch_item *pg = &b->pages[i];
        if (pg->ok) {
            ok = webpage_read(a, e, pg->body, pg->len, pg->final_url, pg->media_type,
                              b->opts) == 0;
            if (pg->note)
                diag_add(&a->diags, DIAG_WARNING, NULL, e->path, 0, "%s", pg->note);
        } else {
            a->path = xstrdup(e->path);
            diag_add(&a->diags, DIAG_ERROR, NULL, e->origin ? e->origin : e->path, e->line,
                     "%s%s%s", e->origin ? e->path : "", e->origin ? ": " : "",
                     pg->error ? pg->error : "cannot be fetched");
            ok = 0;
        }
        fetch_item_clear(pg); /* the page's bytes are read: the article holds what it needs */
    } else {
        ok = reader_read(a, e, b->opts) == 0;
    }
    /* A book of one caption file: --title names its article too (a transcript has no title of
     * its own, and its file name is only the last resort) */
    if (ok && a->captions && !a->meta.title && b->plan->len == 1 && b->opts->overrides.title)
        meta_set(&a->meta.title, b->opts->overrides.title);
    t1 = clock_now();
    if (ok)
        ok = passes_run(a, b->opts) == 0;
    t2 = clock_now();
    if (ok) {
        chapters_name(a);
        for (size_t c = 0; c < a->n_chapters && ok; c++)
            ok = render_chapter(&b->env, a, c, ph->deflaters[worker]) == 0;
    }
    article_release_tree(a);
    a->failed = !ok;
    ph->t_read[i] = t1 - t0;
    ph->t_parse[i] = t2 - t1;
    ph->t_render[i] = clock_now() - t2;
    progress_step(ph, e->path);
}

/* Read, parse and render every article, in parallel; messages are kept in input order. */
static int articles_process(build *b, build_stats *stats)
{
    const plan *p = b->plan;
    size_t failed = 0, n = p->len;
    double t0 = clock_now(), sum_read = 0, sum_parse = 0, sum_render = 0;
    int threads = pool_threads(n, b->opts->threads);
    phase ph;
    memset(&ph, 0, sizeof ph);
    ph.b = b;
    ph.total = n;
    ph.t_read = xcalloc(n ? n : 1, sizeof(double));
    ph.t_parse = xcalloc(n ? n : 1, sizeof(double));
    ph.t_render = xcalloc(n ? n : 1, sizeof(double));
    ph.deflaters = xcalloc((size_t)threads, sizeof *ph.deflaters);
    for (int t = 0; t < threads; t++)
        ph.deflaters[t] = zipwrite_deflater_new();
    pthread_mutex_init(&ph.lock, NULL);
    pool_for(n, b->opts->threads, article_process, &ph);
    pthread_mutex_destroy(&ph.lock);

    b->articles = xcalloc(n ? n : 1, sizeof *b->articles);
    for (size_t i = 0; i < n; i++) {
        article *a = b->env.articles[i];
        sum_read += ph.t_read[i];
        sum_parse += ph.t_parse[i];
        sum_render += ph.t_render[i];
        if (a->failed && b->opts->keep_going) {
            /* Left out: its errors become warnings, and the summary lists it. */
            for (size_t k = 0; k < a->diags.len; k++)
                if (a->diags.items[k].severity >= DIAG_ERROR)
                    a->diags.items[k].severity = DIAG_WARNING;
            diag_add(&a->diags, DIAG_WARNING, NULL, article_file(a), 0,
                     "left out of the book (--keep-going)");
            strlist_add(&stats->left_out, article_file(a));
        }
        diag_list_move(b->diags, &a->diags);
        if (a->failed) {
            failed += !b->opts->keep_going;
            continue;
        }
        stats->input_bytes += a->text_len;
        stats->chapters += a->n_chapters;
        b->articles[b->n_articles++] = a;
    }
    /* Wall time of the phase, shared between the stages as their CPU times are. */
    double wall = clock_now() - t0, cpu = sum_read + sum_parse + sum_render;
    stats->t_read = cpu > 0 ? wall * sum_read / cpu : 0;
    stats->t_parse = cpu > 0 ? wall * sum_parse / cpu : 0;
    stats->t_render = wall - stats->t_read - stats->t_parse;
    for (int t = 0; t < threads; t++)
        zipwrite_deflater_free(ph.deflaters[t]);
    free(ph.deflaters);
    free(ph.t_read);
    free(ph.t_parse);
    free(ph.t_render);
    if (failed)
        return -1;
    if (b->n_articles == 0) {
        diag_add(b->diags, DIAG_ERROR, NULL, NULL, 0,
                 "no article could be read, so there is no book to write");
        return -1;
    }
    return 0;
}

/* Chapters that link to other articles were kept as documents until every article was laid
 * out: settle those links now. */
static void links_finish(build *b)
{
    zipwrite_deflater *d = NULL;
    for (size_t i = 0; i < b->n_articles; i++) {
        article *a = b->articles[i];
        for (size_t c = 0; c < a->n_chapters; c++) {
            if (!a->chapters[c].doc)
                continue;
            if (!d)
                d = zipwrite_deflater_new();
            render_links_finish(&b->env, a, c, d);
        }
        diag_list_move(b->diags, &a->diags);
    }
    zipwrite_deflater_free(d);
}

/*** the web ***/

static void fetch_progress_relay(void *ud, const fetch_progress *p)
{
    const build_options *o = ud;
    if (o->fetch_progress)
        o->fetch_progress(o->progress_ud, p->pages_done, p->pages_total, p->images_done,
                          p->images_total, p->bytes);
}

static void fetch_settings_from(const build_options *o, fetch_settings *s)
{
    fetch_settings_init(s);
    if (o->timeout > 0)
        s->timeout = o->timeout;
    if (o->connections > 0) {
        s->connections = o->connections;
        if (s->per_host > o->connections)
            s->per_host = o->connections;
    }
    s->cache_dir = o->cache_dir;
    s->offline = o->offline;
    s->refresh = o->refresh;
    if (o->user_agent)
        s->user_agent = o->user_agent;
    s->progress = fetch_progress_relay;
    s->progress_ud = (void *)o;
}

/* Fetch every web entry's page, all at once, before anything is read: each article's final
 * address must be known to every other article's links. Failures are the articles' to report
 * (article_process), so that --keep-going treats them as any unreadable input. */
static int pages_fetch(build *b)
{
    const plan *p = b->plan;
    size_t n_web = 0;
    for (size_t i = 0; i < p->len; i++)
        n_web += p->entries[i].is_url;
    if (!n_web)
        return 0;
    fetch_settings s;
    fetch_settings_from(b->opts, &s);
    fetch_item *all = xcalloc(p->len, sizeof *all);
    fetch_item *batch = xcalloc(n_web, sizeof *batch);
    size_t k = 0;
    for (size_t i = 0; i < p->len; i++)
        if (p->entries[i].is_url) {
            batch[k].url = p->entries[i].path;
            batch[k++].kind = FETCH_PAGE;
        }
    const char *why = NULL;
    int rc = fetch_run(&s, batch, n_web, &why);
    k = 0;
    for (size_t i = 0; i < p->len; i++)
        if (p->entries[i].is_url)
            all[i] = batch[k++];
    free(batch);
    b->pages = all;
    if (rc != 0) {
        diag_add(b->diags, DIAG_ERROR, NULL, b->opts->cache_dir, 0, "cannot fetch: %s", why);
        return -1;
    }
    return 0;
}

static int web_image_lookup(void *ud, const char *url, web_image *out)
{
    build *b = ud;
    void *v = b->image_ix ? strmap_get(b->image_ix, url) : NULL;
    if (!v)
        return -1;
    const fetch_item *it = &b->images[(size_t)v - 1];
    memset(out, 0, sizeof *out);
    out->data = it->ok ? it->body : NULL;
    out->len = it->ok ? it->len : 0;
    out->error = it->error;
    out->note = it->note;
    return 0;
}

/* Fetch the images the web articles' chapters wait for, each address once, with its page as
 * Referer. An image that fails is the chapter's warning later, never the build's failure. */
static void images_fetch(build *b)
{
    size_t cap = 0;
    b->image_ix = strmap_new();
    for (size_t i = 0; i < b->n_articles; i++) {
        const article *a = b->articles[i];
        for (size_t c = 0; c < a->n_chapters; c++) {
            const strlist *want = &a->chapters[c].pending_images;
            for (size_t k = 0; k < want->len; k++) {
                if (strmap_get(b->image_ix, want->items[k]))
                    continue;
                if (b->n_images == cap) {
                    cap = cap ? 2 * cap : 64;
                    b->images = xrealloc(b->images, cap * sizeof *b->images);
                }
                fetch_item *it = &b->images[b->n_images++];
                memset(it, 0, sizeof *it);
                it->url = want->items[k];
                it->kind = FETCH_IMAGE;
                it->referer = a->base_url;
                strmap_put(b->image_ix, it->url, (void *)b->n_images);
            }
        }
    }
    if (!b->n_images)
        return;
    fetch_settings s;
    fetch_settings_from(b->opts, &s);
    const char *why = NULL;
    if (fetch_run(&s, b->images, b->n_images, &why) != 0)
        diag_add(b->diags, DIAG_WARNING, NULL, b->opts->cache_dir, 0,
                 "images from the web cannot be fetched: %s; their alt text is kept", why);
}

/*** metadata ***/

static void identifier_derive(build *b)
{
    struct sha1_ctx ctx;
    uint8_t d[SHA1_DIGEST_SIZE];
    /* A fixed namespace for name-based (version 5) UUIDs of sheaf books. */
    static const uint8_t ns[16] = {0x6b, 0x1f, 0x3c, 0x52, 0x9d, 0x0e, 0x4a, 0x8b,
                                   0xa4, 0x21, 0x5e, 0x77, 0xc3, 0x90, 0x12, 0xfd};
    sha1_init(&ctx);
    sha1_update(&ctx, sizeof ns, ns);
    const meta *m = &b->pkg.meta;
    const char *fields[] = {m->title, m->subtitle, m->lang, m->date};
    for (size_t i = 0; i < 4; i++)
        if (fields[i])
            sha1_update(&ctx, strlen(fields[i]) + 1, (const uint8_t *)fields[i]);
    for (size_t i = 0; i < m->authors.len; i++)
        sha1_update(&ctx, strlen(m->authors.items[i]) + 1, (const uint8_t *)m->authors.items[i]);
    for (size_t i = 0; i < b->n_articles; i++) {
        const article *a = b->articles[i];
        sha1_update(&ctx, sizeof a->digest, a->digest);
        if (a->meta.title)
            sha1_update(&ctx, strlen(a->meta.title) + 1, (const uint8_t *)a->meta.title);
    }
    sha1_digest(&ctx, sizeof d, d);
    d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
    d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
    b->pkg.identifier = xasprintf(
        "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0],
        d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
        d[15]);
}

static void metadata_settle(build *b)
{
    meta *bm = &b->pkg.meta;
    const build_options *o = b->opts;
    if (b->n_articles == 1) {
        meta_merge(bm, &b->articles[0]->meta);
        /* The article's own speakers are not book metadata. */
        speaker_list_clear(&bm->speakers);
    }
    meta_merge(bm, &b->plan->book);
    meta_merge(bm, &o->overrides);
    if (!bm->title)
        meta_set(&bm->title, "Collected Articles");
    if (!bm->lang)
        meta_set(&bm->lang, "en");
    if (b->n_articles > 1 && !bm->authors.len && !bm->editors.len) {
        /* An anthology without an editor: its contributors, in order, each once. */
        strmap *seen = strmap_new();
        for (size_t i = 0; i < b->n_articles; i++) {
            const strlist *au = &b->articles[i]->meta.authors;
            for (size_t k = 0; k < au->len && bm->authors.len < 12; k++)
                if (strmap_add(seen, au->items[k], NULL))
                    strlist_add(&bm->authors, au->items[k]);
        }
        strmap_free(seen);
    }
    strlist_add(&b->pkg.languages, bm->lang);
    for (size_t i = 0; i < b->n_articles; i++) {
        const char *l = b->articles[i]->meta.lang;
        int seen = 0;
        for (size_t k = 0; l && k < b->pkg.languages.len; k++)
            if (str_casecmp_ascii(b->pkg.languages.items[k], l) == 0)
                seen = 1;
        if (l && !seen)
            strlist_add(&b->pkg.languages, l);
    }
    if (bm->identifier)
        b->pkg.identifier = xstrdup(bm->identifier);
    else
        identifier_derive(b);
    time_t t = (time_t)o->epoch;
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    b->pkg.modified = xstrdup(buf);
    /* The reading time, of a single article as of a collection. */
    size_t words = 0;
    for (size_t i = 0; i < b->n_articles; i++)
        words += b->articles[i]->words;
    int minutes = reading_minutes(words);
    char *time = minutes >= 60 ? xasprintf("%d h %02d min", minutes / 60, minutes % 60)
                               : xasprintf("%d min", minutes);
    if (b->n_articles > 1)
        b->pkg.summary = xasprintf("%zu articles, about %s of reading", b->n_articles, time);
    else
        b->pkg.summary = xasprintf("About %s of reading", time);
    free(time);
}

/*** chapters ***/

/* Headings that repeat in most articles of a collection (the questions every interview of a
 * series asks, "Notes", "Links"): a map from their slug to a non-NULL value. A heading is
 * counted once per article; it repeats when more than half of the articles, and at least three
 * (two articles sharing a heading make no pattern), have it. The caller frees the map. */
static strmap *toc_repeats_find(const build *b)
{
    strmap *last = strmap_new(), *count = strmap_new(), *repeats = strmap_new();
    for (size_t i = 0; i < b->n_articles && b->n_articles > 1; i++) {
        const article *a = b->articles[i];
        for (size_t h = 0; h < a->n_headings; h++) {
            char *slug = text_slug(a->headings[h].text);
            /* 1 + the index of the last article that counted the slug, and the count */
            if ((uintptr_t)strmap_get(last, slug) != i + 1) {
                strmap_put(last, slug, (void *)(uintptr_t)(i + 1));
                uintptr_t c = (uintptr_t)strmap_get(count, slug) + 1;
                strmap_put(count, slug, (void *)c);
                if (c >= 3 && c * 2 > b->n_articles)
                    strmap_put(repeats, slug, (void *)1);
            }
            free(slug);
        }
    }
    strmap_free(last);
    strmap_free(count);
    return repeats;
}

static void toc_build(build *b)
{
    int depth = b->opts->toc_depth > 0 ? b->opts->toc_depth : 2;
    int last_part = -1;
    strmap *repeats = toc_repeats_find(b);
    for (size_t i = 0; i < b->n_articles; i++) {
        article *a = b->articles[i];
        int base = 1;
        if (a->part >= 0) {
            base = 2;
            if (a->part != last_part) {
                char *href = xasprintf("text/part-%02d.xhtml", a->part + 1);
                book_pkg_toc_add(&b->pkg, b->plan->parts.items[a->part], NULL, href, 1);
                free(href);
                last_part = a->part;
            }
        }
        char *byline = NULL;
        if (a->meta.authors.len && b->n_articles > 1) {
            char *names = names_join(&a->meta.authors);
            byline = xasprintf("by %s", names);
            free(names);
        }
        book_pkg_toc_add(&b->pkg, a->meta.title, byline, a->chapters[0].href, base);
        free(byline);
        for (size_t h = 0; h < a->n_headings; h++) {
            const heading *hd = &a->headings[h];
            if (hd->level > depth - 1)
                continue;
            if (strmap_count(repeats)) {
                char *slug = text_slug(hd->text);
                int repeated = strmap_get(repeats, slug) != NULL;
                free(slug);
                if (repeated)
                    continue;
            }
            /* A level skipped in the text is not skipped in the toc. */
            int d = base + hd->level;
            int prev = b->pkg.toc[b->pkg.n_toc - 1].depth;
            if (d > prev + 1)
                d = prev + 1;
            char *href = xasprintf("%s#%s", a->chapters[hd->chapter].href, hd->id);
            book_pkg_toc_add(&b->pkg, hd->text, NULL, href, d);
            free(href);
        }
    }
    strmap_free(repeats);
}

/*** stylesheets, cover, parts, sources ***/

/* A user stylesheet must be text, balanced, and self-contained: a reference to another file
 * (url(), @import) would be a missing or remote resource in the book. */
static int css_vet(const char *css, size_t len, const char *path, diag_list *diags)
{
    int line = 1, depth = 0;
    char quote = 0;
    if (text_looks_binary(css, len)) {
        diag_add(diags, DIAG_ERROR, NULL, path, 0, "is not a stylesheet (it holds binary data)");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        char c = css[i];
        if (c == '\n')
            line++;
        if (quote) {
            if (c == '\\' && i + 1 < len)
                i++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '/' && i + 1 < len && css[i + 1] == '*') {
            const char *end = strstr(css + i + 2, "*/");
            if (!end) {
                diag_add(diags, DIAG_ERROR, NULL, path, line, "a comment is never closed");
                return -1;
            }
            for (const char *q = css + i; q < end; q++)
                line += *q == '\n';
            i = (size_t)(end - css) + 1;
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            if (--depth < 0) {
                diag_add(diags, DIAG_ERROR, NULL, path, line, "'}' without a matching '{'");
                return -1;
            }
        } else if ((c == 'u' || c == 'U') && i + 4 <= len && strncasecmp(css + i, "url(", 4) == 0) {
            diag_add(diags, DIAG_ERROR, NULL, path, line,
                     "url() refers to another file, which the book would not contain; remove it "
                     "(fonts and images from --css are not embedded)");
            return -1;
        } else if (c == '@' && i + 7 <= len && strncasecmp(css + i, "@import", 7) == 0) {
            diag_add(diags, DIAG_ERROR, NULL, path, line,
                     "@import refers to another stylesheet; pass it with another --css instead");
            return -1;
        }
    }
    if (quote || depth != 0) {
        diag_add(diags, DIAG_ERROR, NULL, path, line,
                 quote ? "a string is never closed" : "a '{' is never closed");
        return -1;
    }
    return 0;
}

/* The byte length of the valid UTF-8 text at the start of s[0..n) (n when all of it is). */
static size_t utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                             : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (k == 0 || i + k > n)
            return i;
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90))
            return i;
        i += k;
    }
    return n;
}

/* A stylesheet in UTF-8, as EPUB wants it (epubcheck CSS-003, CSS-004): one that declares
 * another encoding (@charset "ISO-8859-1";) or starts with a UTF-16 byte-order mark is
 * converted (iconv) and declared UTF-8; one that declares nothing must be UTF-8 already.
 * Returns the (possibly new) bytes in *css and *len, or -1 with an error naming the file. */
static int css_to_utf8(char **css, size_t *len, const char *path, diag_list *diags)
{
    int ret = -1;
    char *in = *css, *enc = NULL, *out = NULL;
    size_t n = *len, skip = 0;
    iconv_t cd = (iconv_t)-1;
    if (n >= 2 && (((unsigned char)in[0] == 0xFF && (unsigned char)in[1] == 0xFE) ||
                   ((unsigned char)in[0] == 0xFE && (unsigned char)in[1] == 0xFF))) {
        enc = xstrdup((unsigned char)in[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
        skip = 2;
    } else if (n >= 10 && memcmp(in, "@charset \"", 10) == 0) {
        const char *end = memchr(in + 10, '"', n - 10 < 64 ? n - 10 : 64);
        if (end && end + 1 < in + n && end[1] == ';') {
            enc = xstrndup(in + 10, (size_t)(end - in - 10));
            skip = (size_t)(end - in) + 2;
            if (str_casecmp_ascii(enc, "utf-8") == 0 || str_casecmp_ascii(enc, "utf8") == 0) {
                free(enc);
                enc = NULL;
                skip = 0;
            }
        }
    }
    if (!enc) {
        size_t ok = utf8_valid_prefix((const unsigned char *)in, n);
        if (ok < n) {
            int line = 1;
            for (size_t i = 0; i < ok; i++)
                line += in[i] == '\n';
            diag_add(diags, DIAG_ERROR, NULL, path, line,
                     "the stylesheet is not UTF-8 text (a byte 0x%02X here); save it as UTF-8, or "
                     "name its encoding in a first line such as @charset \"ISO-8859-1\";",
                     (unsigned char)in[ok]);
            goto out;
        }
        ret = 0;
        goto out;
    }
    cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1) {
        diag_add(diags, DIAG_ERROR, NULL, path, 1,
                 "the stylesheet declares the encoding \"%s\", which sheaf does not know; save "
                 "it as UTF-8",
                 enc);
        goto out;
    }
    {
        size_t cap = (n - skip) * 4 + 32, left_in = n - skip, left_out = cap;
        out = xmalloc(cap + 1);
        static const char decl[] = "@charset \"UTF-8\";";
        memcpy(out, decl, sizeof decl - 1);
        char *ip = in + skip, *op = out + sizeof decl - 1;
        left_out -= sizeof decl - 1;
        if (iconv(cd, &ip, &left_in, &op, &left_out) == (size_t)-1 ||
            iconv(cd, NULL, NULL, &op, &left_out) == (size_t)-1) {
            int line = 1;
            for (const char *p = in + skip; p < ip; p++)
                line += *p == '\n';
            diag_add(diags, DIAG_ERROR, NULL, path, line,
                     "the stylesheet is not %s text as it declares (a byte that %s does not "
                     "have here); save it as UTF-8",
                     enc, enc);
            goto out;
        }
        size_t outlen = (size_t)(op - out);
        out[outlen] = '\0';
        /* a UTF-16 sheet's own @charset, now the second, would contradict the first */
        char *own = out + sizeof decl - 1;
        if (strncmp(own, "@charset \"", 10) == 0 && strchr(own, ';')) {
            char *semi = strchr(own, ';') + 1;
            memmove(own, semi, outlen - (size_t)(semi - out) + 1);
            outlen -= (size_t)(semi - own);
        }
        free(*css);
        *css = out;
        *len = outlen;
        out = NULL;
    }
    ret = 0;
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(enc);
    free(out);
    return ret;
}

static int stylesheets_add(build *b)
{
    size_t len = 0;
    char *css = style_get(b->opts->style, &len);
    if (!css) {
        diag_add(b->diags, DIAG_ERROR, NULL, NULL, 0,
                 "unknown style '%s'; the built-in styles are 'default' and 'plain'",
                 b->opts->style);
        return -1;
    }
    book_pkg_add(&b->pkg, "styles/sheaf.css", "css-sheaf", "text/css", NULL,
                 (unsigned char *)css, len, 1, 0);
    strlist_add(&b->stylesheets, "styles/sheaf.css");
    for (size_t i = 0; i < b->opts->css_files.len; i++) {
        char *data = NULL;
        size_t n = 0;
        const char *path = b->opts->css_files.items[i];
        file_read_status st = file_read_input(path, 16 << 20, &b->opts->output_id, &data, &n);
        if (st != FILE_READ_OK) {
            diag_add(b->diags, DIAG_ERROR, NULL, path, 0, "cannot read the stylesheet: %s",
                     st == FILE_READ_TOO_LARGE ? "it is larger than 16 MiB"
                                               : file_read_reason(st, errno));
            return -1;
        }
        if (css_to_utf8(&data, &n, path, b->diags) != 0 || css_vet(data, n, path, b->diags) != 0) {
            free(data);
            return -1;
        }
        char *href = xasprintf("styles/user-%zu.css", i + 1);
        char *id = xasprintf("css-user-%zu", i + 1);
        book_pkg_add(&b->pkg, href, id, "text/css", NULL, (unsigned char *)data, n, 1, 0);
        strlist_add(&b->stylesheets, href);
        free(href);
        free(id);
    }
    return 0;
}

/* The cover's file, a new string the caller frees (NULL: none given). A front matter `cover:`
 * is relative to its article's folder, as the article's images are (it was read relative to the
 * working folder, and a book built from elsewhere lost its cover). */
static char *cover_path(const build *b)
{
    if (b->opts->cover)
        return xstrdup(b->opts->cover);
    if (b->plan->book.cover)
        return xstrdup(b->plan->book.cover);
    if (b->n_articles == 1 && b->articles[0]->meta.cover) {
        const article *a = b->articles[0];
        if (a->meta.cover[0] != '/' && a->dir && *a->dir && strcmp(a->dir, ".") != 0)
            return xasprintf("%s/%s", a->dir, a->meta.cover);
        return xstrdup(a->meta.cover);
    }
    return NULL;
}

static int cover_add(build *b)
{
    int ret = -1;
    char *path = cover_path(b);
    const char *href = NULL;
    if (path) {
        href = media_store_add_file(b->env.media, path, path, 0, b->diags);
        if (href && media_kind_from_href(href) == MEDIA_WEBP) {
            /* A cover image must be JPEG, PNG or SVG for EPUB 3.2 readers. */
            diag_add(b->diags, DIAG_WARNING, NULL, path, 0,
                     "a WebP cover cannot be the cover image of an EPUB 3.2 book; convert it to "
                     "JPEG or PNG");
            href = NULL;
        } else if (!href)
            diag_add(b->diags, DIAG_WARNING, NULL, path, 0,
                     "the cover could not be used; a generated cover stands in for it");
    }
    if (!href) {
        /* The generated cover: the SVG on the cover page, the same layout as a JPEG for the
         * cover image (Kindle and calibre's conversions ignore SVG covers). */
        size_t len = 0, jpeg_len = 0;
        char *why = NULL;
        unsigned char *svg = cover_svg_make(&b->pkg.meta, &len);
        href = media_store_add_bytes(b->env.media, svg, len, "cover.svg", "cover", 0, b->diags);
        unsigned char *jpeg = href && !b->opts->cover_svg_only
                                  ? cover_jpeg_make(&b->pkg.meta, svg, len, &jpeg_len, &why)
                                  : NULL;
        const char *jpeg_href =
            jpeg ? media_store_add_bytes(b->env.media, jpeg, jpeg_len, "cover.jpg", "cover", 0,
                                         b->diags)
                 : NULL;
        if (href && why)
            diag_add(b->diags, DIAG_WARNING, NULL, NULL, 0,
                     "can't draw the cover as JPEG: %s; the cover stays SVG, which Kindle "
                     "does not keep",
                     why);
        if (jpeg_href)
            b->pkg.cover_page_image_href = xstrdup(href);
        href = jpeg_href ? jpeg_href : href;
        free(why);
        free(jpeg);
        free(svg);
    }
    if (!href)
        goto out;
    b->pkg.cover_image_href = xstrdup(href);
    b->pkg.cover_page_href = xstrdup("cover.xhtml");
    ret = 0;
out:
    free(path);
    return ret;
}

static int part_page_add(build *b, int part)
{
    xmlNodePtr body = NULL;
    char *href = xasprintf("text/part-%02d.xhtml", part + 1);
    char *id = xasprintf("part-%02d", part + 1);
    const char *title = b->plan->parts.items[part];
    xmlDocPtr doc =
        package_page_new(&b->pkg, &b->stylesheets, href, title, NULL, &body, b->diags);
    int ret = -1;
    if (!doc)
        goto out;
    xmlNodePtr sec = xhtml_add(body, "section", NULL);
    xmlSetProp(sec, (const xmlChar *)"class", (const xmlChar *)"part");
    xhtml_add(sec, "h1", title);
    size_t len = 0;
    unsigned char *bytes = xml_serialize(doc, &len);
    book_pkg_add(&b->pkg, href, id, "application/xhtml+xml", NULL, bytes, len, 1, 1);
    ret = 0;
out:
    if (doc)
        xmlFreeDoc(doc);
    free(href);
    free(id);
    return ret;
}

/* An appendix that says where each article came from. */
static int sources_page_add(build *b)
{
    xmlNodePtr body = NULL;
    const char *href = "text/sources.xhtml";
    xmlDocPtr doc =
        package_page_new(&b->pkg, &b->stylesheets, href, "Sources", NULL, &body, b->diags);
    if (!doc)
        return -1;
    xmlNodePtr sec = xhtml_add(body, "section", NULL);
    xmlSetProp(sec, (const xmlChar *)"class", (const xmlChar *)"sources");
    xmlNsPtr epub = xmlSearchNsByHref(doc, xmlDocGetRootElement(doc),
                                      (const xmlChar *)EPUB_OPS_NS);
    if (epub)
        xmlSetNsProp(sec, epub, (const xmlChar *)"type", (const xmlChar *)"appendix");
    xhtml_add(sec, "h1", "Sources");
    xmlNodePtr ol = xhtml_add(sec, "ol", NULL);
    for (size_t i = 0; i < b->n_articles; i++) {
        const article *a = b->articles[i];
        xmlNodePtr li = xhtml_add(ol, "li", NULL);
        xmlNodePtr p = xhtml_add(li, "p", NULL);
        char *rel = path_relative(href, a->chapters[0].href);
        xmlSetProp(xhtml_add(p, "a", a->meta.title), (const xmlChar *)"href",
                   (const xmlChar *)rel);
        free(rel);
        if (a->meta.authors.len) {
            char *names = names_join(&a->meta.authors);
            char *t = xasprintf(", by %s", names);
            xmlNodeAddContent(p, (const xmlChar *)t);
            free(t);
            free(names);
        }
        if (a->meta.date) {
            char *text = lang_date_text(a->meta.date, b->pkg.meta.lang);
            xmlNodeAddContent(p, (const xmlChar *)" (");
            xmlSetProp(xhtml_add(p, "time", text), (const xmlChar *)"datetime",
                       (const xmlChar *)a->meta.date);
            xmlNodeAddContent(p, (const xmlChar *)")");
            free(text);
        }
        if (a->meta.source) {
            xmlNodePtr sp = xhtml_add(li, "p", NULL);
            xmlSetProp(sp, (const xmlChar *)"class", (const xmlChar *)"source");
            const char *src = a->meta.source;
            char *src_href =
                str_starts_with(src, "http://") || str_starts_with(src, "https://")
                    ? url_form(src)
                    : NULL;
            if (src_href)
                xmlSetProp(xhtml_add(sp, "a", src), (const xmlChar *)"href",
                           (const xmlChar *)src_href);
            else
                xmlNodeAddContent(sp, (const xmlChar *)src);
            free(src_href);
        }
    }
    size_t len = 0;
    unsigned char *bytes = xml_serialize(doc, &len);
    xmlFreeDoc(doc);
    book_pkg_add(&b->pkg, href, "sources", "application/xhtml+xml", NULL, bytes, len, 1, 1);
    book_pkg_toc_add(&b->pkg, "Sources", NULL, href, 1);
    return 0;
}

/*** rendering ***/

/* Everything rendering needs before the first article is read. */
static int env_setup(build *b)
{
    render_env *env = &b->env;
    const plan *p = b->plan;
    env->opts = b->opts;
    env->n_articles = p->len;
    env->articles = xcalloc(p->len ? p->len : 1, sizeof *env->articles);
    env->by_key = strmap_new();
    env->by_source = strmap_new();
    for (size_t i = 0; i < p->len; i++) {
        env->articles[i] = article_new(i);
        /* Web entries are found by their addresses (by_source), never as files. */
        char *key = p->entries[i].is_url ? NULL : path_normalize(p->entries[i].path);
        if (key && strcmp(p->entries[i].path, "-") != 0)
            strmap_add(env->by_key, key, env->articles[i]);
        free(key);
    }
    pool_for(p->len, b->opts->threads, source_peek, b);
    for (size_t i = 0; i < p->len; i++) {
        if (env->articles[i]->meta.source)
            strmap_add(env->by_source, env->articles[i]->meta.source, env->articles[i]);
        /* A link to a web article's address as listed (before its redirects) finds it too. */
        if (p->entries[i].is_url)
            strmap_add(env->by_source, p->entries[i].path, env->articles[i]);
    }
    env->web_image_get = web_image_lookup;
    env->web_image_ud = b;
    env->media = media_store_new();
    media_store_set_output(env->media, &b->opts->output_id);
    pthread_mutex_init(&b->media_lock, NULL);
    env->media_lock = &b->media_lock;
    env->chapter_template = template_load(b->opts->template_dir, "chapter.xhtml", b->diags);
    /* Articles without a language of their own take the book's. */
    env->book_lang = b->opts->overrides.lang ? b->opts->overrides.lang
                     : p->book.lang          ? p->book.lang
                                             : "en";
    env->several = p->len > 1;
    strlist_extend(&env->stylesheets, &b->stylesheets);
    return env->chapter_template ? 0 : -1;
}

/*** assembly ***/

static int media_cmp(const void *x, const void *y)
{
    const media_item *const *a = x, *const *b = y;
    return strcmp((*a)->href, (*b)->href);
}

static int package_assemble(build *b, int fd, unsigned char **epub, size_t *epub_len)
{
    int ret = -1;
    book_pkg *pkg = &b->pkg;
    size_t len = 0;
    unsigned char *bytes;
    zip_entry_spec *entries = NULL;
    unsigned char *container = NULL, *opf = NULL;
    size_t container_len = 0, opf_len = 0;

    pkg->titlepage_href = xstrdup("titlepage.xhtml");
    pkg->nav_href = xstrdup("nav.xhtml");
    pkg->first_body_href = xstrdup(b->articles[0]->chapters[0].href);

    /* Spine order: cover, title page, contents, (parts and) articles, sources. */
    if (pkg->cover_page_href) {
        bytes = package_cover_page(pkg, &b->stylesheets, pkg->cover_page_href,
                                   pkg->cover_page_image_href ? pkg->cover_page_image_href
                                                              : pkg->cover_image_href,
                                   &len, b->diags);
        if (!bytes)
            goto out;
        book_pkg_add(pkg, pkg->cover_page_href, "cover", "application/xhtml+xml", NULL, bytes,
                     len, 1, 1);
    }
    bytes = package_titlepage(pkg, &b->stylesheets, pkg->titlepage_href, &len, b->diags);
    if (!bytes)
        goto out;
    book_pkg_add(pkg, pkg->titlepage_href, "titlepage", "application/xhtml+xml", NULL, bytes, len,
                 1, 1);
    manifest_item *nav = book_pkg_add(pkg, pkg->nav_href, "nav", "application/xhtml+xml", "nav",
                                      NULL, 0, 1, 1);
    size_t nav_index = (size_t)(nav - pkg->items);
    int last_part = -1;
    for (size_t i = 0; i < b->n_articles; i++) {
        article *a = b->articles[i];
        if (a->part >= 0 && a->part != last_part) {
            if (part_page_add(b, a->part) != 0)
                goto out;
            last_part = a->part;
        }
        for (size_t c = 0; c < a->n_chapters; c++) {
            chapter *ch = &a->chapters[c];
            const char *props = ch->has_svg && ch->has_mathml ? "svg mathml"
                                : ch->has_svg                 ? "svg"
                                : ch->has_mathml              ? "mathml"
                                                              : NULL;
            manifest_item *it = book_pkg_add(pkg, ch->href, ch->id, "application/xhtml+xml",
                                             props, ch->deflated, ch->deflated_len, 0, 1);
            it->compress = ZIPWRITE_DEFLATED;
            it->crc = ch->crc;
            it->raw_len = ch->xhtml_len;
        }
    }
    /* Where each article came from, when any of them says. */
    int any_source = 0;
    for (size_t i = 0; i < b->n_articles; i++)
        any_source |= b->articles[i]->meta.source != NULL;
    if (b->n_articles > 1 && any_source && sources_page_add(b) != 0)
        goto out;
    /* Images were stored in whatever order the workers met them: list them by name, which is
     * derived from their content, so that the book is the same bytes every time. */
    size_t n_media = media_store_count(b->env.media);
    const media_item **media = xcalloc(n_media ? n_media : 1, sizeof *media);
    for (size_t i = 0; i < n_media; i++)
        media[i] = media_store_get(b->env.media, i);
    qsort(media, n_media, sizeof *media, media_cmp);
    for (size_t i = 0; i < n_media; i++) {
        const media_item *m = media[i];
        int is_cover = pkg->cover_image_href && strcmp(m->href, pkg->cover_image_href) == 0;
        int on_cover_page =
            pkg->cover_page_image_href && strcmp(m->href, pkg->cover_page_image_href) == 0;
        if (!is_cover && !on_cover_page)
            pkg->has_images = 1;
        book_pkg_add(pkg, m->href, is_cover ? "cover-image" : m->id, m->mime,
                     is_cover ? "cover-image" : NULL, m->data, m->len, 0, 0);
    }
    free(media);
    bytes = package_nav(pkg, &b->stylesheets, &len, b->diags);
    if (!bytes)
        goto out;
    pkg->items[nav_index].data = bytes;
    pkg->items[nav_index].len = len;
    bytes = package_ncx(pkg, &len, b->diags);
    if (!bytes)
        goto out;
    book_pkg_add(pkg, "toc.ncx", "ncx", "application/x-dtbncx+xml", NULL, bytes, len, 1, 0);
    opf = package_opf(pkg, &opf_len, b->diags);
    container = package_container(b->opts, &container_len, b->diags);
    if (!opf || !container)
        goto out;

    size_t n = pkg->n_items + 3, k = 0;
    entries = xcalloc(n, sizeof *entries);
    entries[k++] = (zip_entry_spec){"mimetype", (const unsigned char *)"application/epub+zip", 20,
                                    ZIPWRITE_STORE, 0, 0, 0};
    entries[k++] = (zip_entry_spec){"META-INF/container.xml", container, container_len,
                                    ZIPWRITE_DEFLATE, 0, 0, 0};
    entries[k++] = (zip_entry_spec){PKG_DIR "package.opf", opf, opf_len, ZIPWRITE_DEFLATE, 0, 0,
                                    0};
    strlist names = STRLIST_INIT;
    for (size_t i = 0; i < pkg->n_items; i++) {
        strlist_take(&names, xasprintf(PKG_DIR "%s", pkg->items[i].href));
        const manifest_item *it = &pkg->items[i];
        entries[k++] = (zip_entry_spec){names.items[names.len - 1], it->data, it->len,
                                        it->compress, it->crc, it->raw_len, 0};
    }
    /* The deflated chapters go to zipwrite_build, which frees each once it is in the archive. */
    for (size_t i = 0; i < b->n_articles; i++) {
        article *a = b->articles[i];
        for (size_t c = 0; c < a->n_chapters; c++)
            a->chapters[c].deflated = NULL;
    }
    for (size_t i = 3; i < k; i++) {
        if (entries[i].compress == ZIPWRITE_DEFLATED)
            entries[i].give = 1;
    }
    if (fd >= 0)
        ret = zipwrite_build_fd(entries, k, b->opts->epoch, b->opts->threads, fd,
                                b->opts->output, epub_len, b->diags);
    else
        ret = zipwrite_build(entries, k, b->opts->epoch, b->opts->threads, epub, epub_len,
                             b->diags);
    strlist_clear(&names);
out:
    free(entries);
    free(container);
    free(opf);
    return ret;
}

/*** sources of the documents ***/

typedef struct source_doc {
    char *entry; /* "EPUB/text/c0001-01.xhtml" */
    char *file;
    int *line_map; /* pairs (XHTML line, file line) */
    size_t n_line_map;
} source_doc;

struct book_sources {
    source_doc *docs;
    size_t n;
    strmap *by_entry; /* entry -> index + 1 */
};

/* Take the chapters' line maps (they are not needed by the build any more). */
static book_sources *sources_take(build *b)
{
    book_sources *s = xcalloc(1, sizeof *s);
    size_t n = 0;
    for (size_t i = 0; i < b->n_articles; i++)
        n += b->articles[i]->n_chapters;
    s->docs = xcalloc(n ? n : 1, sizeof *s->docs);
    s->by_entry = strmap_new();
    for (size_t i = 0; i < b->n_articles; i++) {
        article *a = b->articles[i];
        for (size_t c = 0; c < a->n_chapters; c++) {
            chapter *ch = &a->chapters[c];
            source_doc *d = &s->docs[s->n++];
            d->entry = xasprintf(PKG_DIR "%s", ch->href);
            d->file = xstrdup(article_file(a));
            d->line_map = ch->line_map;
            d->n_line_map = ch->n_line_map;
            ch->line_map = NULL;
            ch->n_line_map = 0;
            strmap_add(s->by_entry, d->entry, (void *)(uintptr_t)s->n);
        }
    }
    return s;
}

int book_sources_find(const book_sources *s, const char *entry, int line, const char **file,
                      int *src_line)
{
    uintptr_t k = s && entry ? (uintptr_t)strmap_get(s->by_entry, entry) : 0;
    if (!k)
        return 0;
    const source_doc *d = &s->docs[k - 1];
    *file = d->file;
    *src_line = 0;
    /* the last block that starts on or before the line */
    size_t lo = 0, hi = d->n_line_map;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->line_map[2 * mid] <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && line > 0)
        *src_line = d->line_map[2 * (lo - 1) + 1];
    return 1;
}

void book_sources_free(book_sources *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->docs[i].entry);
        free(s->docs[i].file);
        free(s->docs[i].line_map);
    }
    free(s->docs);
    strmap_free(s->by_entry);
    free(s);
}

static void build_free(build *b)
{
    for (size_t i = 0; b->pages && i < b->plan->len; i++)
        fetch_item_clear(&b->pages[i]);
    free(b->pages);
    for (size_t i = 0; i < b->n_images; i++)
        fetch_item_clear(&b->images[i]);
    free(b->images);
    strmap_free(b->image_ix);
    for (size_t i = 0; i < b->env.n_articles; i++)
        article_free(b->env.articles[i]);
    free(b->env.articles);
    free(b->articles);
    book_pkg_free(&b->pkg);
    strmap_free(b->env.by_key);
    strmap_free(b->env.by_source);
    media_store_free(b->env.media);
    if (b->env.media_lock)
        pthread_mutex_destroy(&b->media_lock);
    if (b->env.chapter_template)
        xmlFreeDoc(b->env.chapter_template);
    strlist_clear(&b->env.stylesheets);
    strlist_clear(&b->stylesheets);
}

int book_build(const plan *p, const build_options *o, int fd, unsigned char **epub,
               size_t *epub_len, build_stats *stats, diag_list *diags)
{
    int ret = -1;
    build b;
    build_stats local;
    memset(&b, 0, sizeof b);
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    b.plan = p;
    b.opts = o;
    b.diags = diags;
    book_pkg_init(&b.pkg, o);
    xmlInitParser(); /* before any worker thread uses libxml2 */

    if (stylesheets_add(&b) != 0 || pages_fetch(&b) != 0 || env_setup(&b) != 0)
        goto out;
    if (articles_process(&b, stats) != 0 || media_store_output_refused(b.env.media))
        goto out;
    stats->articles = b.n_articles;
    images_fetch(&b);
    memory_release(1); /* the workers' trees; the documents, as the archive takes them */
    double t0 = clock_now();
    metadata_settle(&b);
    links_finish(&b);
    if (url_unavailable())
        diag_add(diags, DIAG_WARNING, NULL, NULL, 0,
                 "web addresses in the articles could not be read: %s; links to them and "
                 "sources on the web are left out (the links' text is kept)",
                 url_unavailable());
    if (cover_add(&b) != 0 || media_store_output_refused(b.env.media))
        goto out;
    toc_build(&b);
    if (package_assemble(&b, fd, epub, epub_len) != 0)
        goto out;
    stats->t_package = clock_now() - t0;
    stats->images = media_store_count(b.env.media);
    if (stats != &local)
        stats->sources = sources_take(&b);
    ret = 0;
out:
    if (stats == &local)
        strlist_clear(&local.left_out);
    build_free(&b);
    memory_release(0); /* the documents the archive took, before the caller checks it */
    return ret;
}
