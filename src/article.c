/* article.c: one input file -> article model. */
#include "article.h"

#include <ctype.h>
#include <errno.h>
#include <libxml/tree.h>
#include <nettle/sha1.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frontmatter.h"
#include "lang.h"
#include "text.h"
#include "util.h"

#if __has_include("interview.h")
#include "interview.h"
#define HAVE_INTERVIEW 1
#endif
#if __has_include("notes.h")
#include "notes.h"
#define HAVE_NOTES 1
#endif
#if __has_include("pasted.h")
#include "pasted.h"
#define HAVE_PASTED 1
#endif

/* Largest input accepted: far above any article, low enough to refuse a mistaken disk image. */
#define ARTICLE_MAX_BYTES ((size_t)256 << 20)
/* One block larger than this makes a content document above the ~300 KB e-readers handle well. */
#define ARTICLE_BLOCK_WARN ((size_t)300 << 10)
/* Longest line accepted: a long paragraph is a few KB; a line this long is data, not prose. */
#define ARTICLE_MAX_LINE ((size_t)1 << 20)

article *article_new(size_t index)
{
    article *a = xcalloc(1, sizeof *a);
    a->index = index;
    a->part = -1;
    meta_init(&a->meta);
    a->arena = arena_new();
    return a;
}

void article_free(article *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->key);
    free(a->dir);
    meta_free(&a->meta);
    free(a->text);
    free(a->line_starts);
    for (size_t i = 0; i < a->n_notes; i++)
        cmark_node_free(a->notes[i].body);
    free(a->notes);
    if (a->doc)
        cmark_node_free(a->doc);
    speaker_list_clear(&a->cast);
    for (size_t i = 0; i < a->n_headings; i++) {
        free(a->headings[i].text);
        free(a->headings[i].id);
    }
    free(a->headings);
    for (size_t i = 0; i < a->n_chapters; i++) {
        free(a->chapters[i].href);
        free(a->chapters[i].id);
        free(a->chapters[i].title);
        free(a->chapters[i].deflated);
        if (a->chapters[i].doc)
            xmlFreeDoc(a->chapters[i].doc);
        strlist_clear(&a->chapters[i].pending);
    }
    free(a->chapters);
    strmap_free(a->ids);
    diag_list_clear(&a->diags);
    arena_free(a->arena);
    free(a);
}

void article_release_tree(article *a)
{
    for (size_t i = 0; i < a->n_notes; i++)
        cmark_node_free(a->notes[i].body);
    free(a->notes);
    a->notes = NULL;
    a->n_notes = 0;
    if (a->doc)
        cmark_node_free(a->doc);
    a->doc = NULL;
    for (size_t i = 0; i < a->n_headings; i++)
        a->headings[i].node = NULL;
    for (size_t i = 0; i < a->n_chapters; i++)
        a->chapters[i].first = a->chapters[i].end = NULL;
    free(a->text);
    a->text = NULL;
    free(a->line_starts);
    a->line_starts = NULL;
    arena_free(a->arena);
    a->arena = arena_new();
}

/*** Reading ***/

/* "my-great_talk.md" -> "My great talk" */
static char *title_from_path(const char *path)
{
    if (strcmp(path, "-") == 0)
        return xstrdup("Untitled");
    char *base = path_basename(path);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    for (char *p = base; *p; p++)
        if (*p == '-' || *p == '_')
            *p = ' ';
    str_trim(base);
    if (!*base) {
        free(base);
        return xstrdup("Untitled");
    }
    if (base[0] >= 'a' && base[0] <= 'z')
        base[0] = (char)(base[0] - 32);
    return base;
}

/* The line number (from 1) of position p in text. */
static int line_of(const char *text, const char *p)
{
    int line = 1;
    for (const char *c = text; c < p; c++)
        line += *c == '\n';
    return line;
}

/* Is the start of a file that holds a NUL byte a text (ASCII, or a UTF-16 byte-order mark)?
 * Then the NUL is worth a line number; otherwise the file is just binary. */
static int text_before_nul(const char *s, size_t n)
{
    if (n >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                   ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)))
        return 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c > 0x7E)
            return 0;
    }
    return 1;
}

/* Does text start with a "---" line followed by a "key:" line, though frontmatter_split found
 * no closing line? Then the writer most likely forgot to close the front matter. */
static int frontmatter_unclosed(const char *text)
{
    const char *p = text;
    if (strncmp(p, "---", 3) != 0)
        return 0;
    p += 3;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\n')
        return 0;
    p++;
    if (!isalpha((unsigned char)*p))
        return 0;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
        p++;
    return *p == ':' && (p[1] == ' ' || p[1] == '\n');
}

/* A line longer than ARTICLE_MAX_LINE is not prose (a paragraph that long would make one
 * content document far above the size e-readers page through): an error naming the line. */
static int long_line_check(const char *text, size_t len, const char *file, diag_list *diags)
{
    const char *start = text, *end = text + len;
    int line = 1;
    while (start <= end) {
        const char *nl = memchr(start, '\n', (size_t)(end - start));
        const char *stop = nl ? nl : end;
        if ((size_t)(stop - start) > ARTICLE_MAX_LINE) {
            diag_add(diags, DIAG_ERROR, NULL, file, line,
                     "this line is %zu KB long, more than the %zu KB sheaf takes in one line; "
                     "is this really a Markdown article? If it is, break the text into "
                     "paragraphs with blank lines",
                     (size_t)(stop - start) / 1024, ARTICLE_MAX_LINE / 1024);
            return -1;
        }
        if (!nl)
            break;
        start = nl + 1;
        line++;
    }
    return 0;
}

static void lines_index(article *a)
{
    size_t cap = 64;
    a->line_starts = xmalloc(cap * sizeof(size_t));
    a->n_lines = 0;
    a->line_starts[a->n_lines++] = 0;
    const char *p = a->text, *end = a->text + a->text_len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (a->n_lines == cap) {
            cap *= 2;
            a->line_starts = xrealloc(a->line_starts, cap * sizeof(size_t));
        }
        a->line_starts[a->n_lines++] = (size_t)(++p - a->text);
    }
}

int article_read(article *a, const plan_entry *e)
{
    int ret = -1;
    char *raw = NULL, *clean = NULL;
    size_t raw_len = 0, clean_len = 0;
    const char *file;
    struct stat st;

    a->path = xstrdup(e->path);
    file = strcmp(e->path, "-") == 0 ? "<stdin>" : e->path;
    if (e->data) {
        a->key = xstrdup(e->path);
        a->dir = xstrdup(".");
        raw = xstrndup(e->data, e->data_len);
        raw_len = e->data_len;
    } else if (strcmp(e->path, "-") != 0) {
        if (stat(e->path, &st) != 0) {
            diag_add(&a->diags, DIAG_ERROR, NULL, e->origin ? e->origin : file, e->line,
                     "cannot read '%s': %s; check the path", e->path, strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "is a folder; name the Markdown files in it, or pass the folder alone to "
                     "build every article in it");
            goto out;
        }
        a->key = path_normalize(e->path);
        a->dir = path_dirname(e->path);
    } else {
        a->key = xstrdup("-");
        a->dir = xstrdup(".");
    }
    if (!raw && file_read_all(e->path, ARTICLE_MAX_BYTES, &raw, &raw_len) != 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0, "cannot read: %s",
                 errno == EFBIG ? "larger than 256 MiB, too large for an article"
                                : strerror(errno));
        goto out;
    }
    if (raw_len == 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "is empty; write the article in it or leave it out of the book");
        goto out;
    }
    if (text_looks_binary(raw, raw_len)) {
        const char *nul = memchr(raw, '\0', raw_len);
        if (nul && nul > raw && text_before_nul(raw, (size_t)(nul - raw)))
            diag_add(&a->diags, DIAG_ERROR, NULL, file, line_of(raw, nul),
                     "holds a NUL byte, which no text has (was the file saved as UTF-16, or "
                     "damaged?); save it as UTF-8 text");
        else
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "is not a text file (it holds binary data); sheaf reads Markdown or plain "
                     "text");
        goto out;
    }
    clean = text_clean(raw, raw_len, file, &clean_len, &a->diags);
    if (long_line_check(clean, clean_len, file, &a->diags) != 0)
        goto out;

    const char *yaml = NULL;
    size_t yaml_len = 0, body_off = 0;
    int body_line = 1;
    if (frontmatter_split(clean, clean_len, &yaml, &yaml_len, &body_off, &body_line)) {
        if (frontmatter_parse(yaml, yaml_len, file, 2, &a->meta, &a->diags) != 0)
            goto out;
    } else if (frontmatter_unclosed(clean)) {
        diag_add(&a->diags, DIAG_WARNING, NULL, file, 1,
                 "'---' opens front matter that no '---' line closes; it was read as text "
                 "(add a line '---' after the last key)");
    }
    a->text = xstrndup(clean + body_off, clean_len - body_off);
    a->text_len = clean_len - body_off;
    {
        struct sha1_ctx sha;
        sha1_init(&sha);
        sha1_update(&sha, clean_len, (const uint8_t *)clean);
        sha1_digest(&sha, sizeof a->digest, a->digest);
    }
    a->body_line = body_line;
    {
        const char *s = a->text;
        while (*s == ' ' || *s == '\n' || *s == '\t')
            s++;
        if (!*s) {
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "has no text after its front matter; write the article or leave it out");
            goto out;
        }
    }
    meta_merge(&a->meta, &e->overrides);
    a->part = e->part;
    lines_index(a);
    ret = 0;
out:
    free(raw);
    free(clean);
    return ret;
}

/*** Parsing ***/

static void plain_text_add(strbuf *b, cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *n = cmark_iter_get_node(it);
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            strbuf_adds(b, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            strbuf_addc(b, ' ');
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

char *node_plain_text(cmark_node *node)
{
    strbuf b = STRBUF_INIT;
    plain_text_add(&b, node);
    char *s = strbuf_detach(&b, NULL);
    return str_trim(s);
}

static const char *article_file(const article *a)
{
    return strcmp(a->path, "-") == 0 ? "<stdin>" : a->path;
}

static int node_is_heading(cmark_node *n)
{
    return cmark_node_get_type(n) == CMARK_NODE_HEADING;
}

/* Longer "headings" are pasted paragraphs that happened to start with '#'. */
#define ARTICLE_HEADING_MAX 160

/* Does the article have any real heading other than `except`? */
static int has_headings(cmark_node *doc, cmark_node *except)
{
    int found = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n && !found; n = cmark_node_next(n)) {
        if (!node_is_heading(n) || n == except)
            continue;
        char *text = node_plain_text(n);
        found = strlen(text) <= ARTICLE_HEADING_MAX;
        free(text);
    }
    return found;
}

/* A paragraph that opens with a turn label ("Q:", "A.", "**Name:**") is speech, not a title. */
static int paragraph_opens_with_label(cmark_node *para, const char *text)
{
    cmark_node *first = cmark_node_first_child(para);
    if ((text[0] == 'Q' || text[0] == 'A') && (text[1] == ':' || text[1] == '.'))
        return 1;
    if (first && cmark_node_get_type(first) == CMARK_NODE_STRONG) {
        char *label = node_plain_text(first);
        size_t n = strlen(label);
        cmark_node *after = cmark_node_next(first);
        const char *rest = after && cmark_node_get_type(after) == CMARK_NODE_TEXT
                               ? cmark_node_get_literal(after)
                               : "";
        int is_label = (n > 0 && label[n - 1] == ':') || rest[0] == ':';
        free(label);
        return is_label;
    }
    return 0;
}

/* A paragraph of one short line that reads like a title. */
static int paragraph_is_title_like(cmark_node *n, char **text_out)
{
    if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
        return 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_IMAGE ||
            t == CMARK_NODE_HTML_INLINE)
            return 0;
    }
    char *text = node_plain_text(n);
    size_t len = strlen(text);
    int ok = len > 0 && len <= 120 && !strchr(".,;:", text[len - 1]) &&
             !paragraph_opens_with_label(n, text);
    if (ok && text_out)
        *text_out = text;
    else
        free(text);
    return ok;
}

/* Settle the article's title: front matter, else a leading level-1 heading (removed from the
 * body, it becomes the opening), else for text without headings a leading title-like line,
 * else the file name. */
static void title_settle(article *a, const build_options *o)
{
    cmark_node *first = cmark_node_first_child(a->doc);
    while (first && cmark_node_get_type(first) == CMARK_NODE_THEMATIC_BREAK)
        first = cmark_node_next(first);
    /* The level-1 heading may follow a few short blocks (a hero image, a date line). */
    cmark_node *h1 = first;
    for (int k = 0; h1 && k < 3 && !node_is_heading(h1); k++)
        h1 = cmark_node_next(h1);
    char *h1_text = h1 && node_is_heading(h1) && cmark_node_get_heading_level(h1) == 1
                        ? node_plain_text(h1)
                        : NULL;
    if (h1_text && *h1_text) {
        /* Only the first heading, and only when it is the one level-1 heading: otherwise the
         * article's sections are level-1 headings and stay where they are. An empty heading
         * names nothing. */
        int other_h1 = 0;
        for (cmark_node *n = cmark_node_next(h1); n; n = cmark_node_next(n))
            if (node_is_heading(n) && cmark_node_get_heading_level(n) == 1)
                other_h1 = 1;
        if (!other_h1) {
            if (!a->meta.title) {
                a->meta.title = h1_text;
                h1_text = NULL;
            }
            free(h1_text);
            cmark_node_free(h1);
            return;
        }
    }
    free(h1_text);
    if (a->meta.title && *a->meta.title)
        return;
    meta_set(&a->meta.title, NULL);
    if (!o->infer_sections_off && first) {
        char *text = NULL, *again = NULL;
        if (paragraph_is_title_like(first, &text)) {
            /* Pasted pages often repeat the title line: a strong sign, even when the text
             * has headings further down. */
            cmark_node *next = cmark_node_next(first);
            int repeated = next && paragraph_is_title_like(next, &again) &&
                           strcmp(again, text) == 0;
            if (repeated || !has_headings(a->doc, NULL)) {
                if (repeated)
                    cmark_node_free(next);
                a->meta.title = text;
                text = NULL;
                cmark_node_free(first);
            }
        }
        free(again);
        if (!text && a->meta.title)
            return;
        free(text);
    }
    a->meta.title = title_from_path(a->path);
}

/* Source bytes of a block, to decide where to split large documents. */
static size_t block_size(const article *a, cmark_node *n)
{
    int start = cmark_node_get_start_line(n), end = cmark_node_get_end_line(n);
    if (start > 0 && end >= start && (size_t)end <= a->n_lines) {
        size_t from = a->line_starts[start - 1];
        size_t to = (size_t)end < a->n_lines ? a->line_starts[end] : a->text_len;
        return to - from;
    }
    size_t sum = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        sum += block_size(a, c);
    return sum ? sum : 64;
}

static chapter *chapter_add(article *a, size_t *cap)
{
    if (a->n_chapters == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        a->chapters = xrealloc(a->chapters, *cap * sizeof *a->chapters);
    }
    chapter *c = &a->chapters[a->n_chapters++];
    memset(c, 0, sizeof *c);
    return c;
}

/* Cut the article at its top-level sections, and further at block boundaries where a document
 * would grow past ARTICLE_CHAPTER_LIMIT. */
static void chapters_cut(article *a, int top_level)
{
    size_t cap = 0, size = 0;
    chapter *cur = chapter_add(a, &cap);
    cur->has_opening = 1;
    for (cmark_node *n = cmark_node_first_child(a->doc); n; n = cmark_node_next(n)) {
        size_t bs = block_size(a, n);
        int section = node_is_heading(n) && cmark_node_get_heading_level(n) == top_level;
        if (bs > ARTICLE_BLOCK_WARN) {
            cmark_node_type t = cmark_node_get_type(n);
            diag_add(&a->diags, DIAG_WARNING, NULL, article_file(a),
                     a->body_line + cmark_node_get_start_line(n) - 1,
                     "this %s is %zu KB, and sheaf never splits one, so its document is larger "
                     "than e-readers page through comfortably (~300 KB); break it into smaller "
                     "parts",
                     t == CMARK_NODE_LIST          ? "list"
                     : t == CMARK_NODE_BLOCK_QUOTE ? "quote"
                     : t == CMARK_NODE_PARAGRAPH   ? "paragraph"
                                                   : "block",
                     bs / 1024);
        }
        if (cur->first && (section || size + bs > ARTICLE_CHAPTER_LIMIT)) {
            cur->end = n;
            cur = chapter_add(a, &cap);
            size = 0;
        }
        if (!cur->first)
            cur->first = n;
        size += bs;
    }
}

/* Reserve `id` (or a numbered variant "id-1", "id-2", ...) in the article; returns the id used.
 * `next` remembers per id the first number not yet tried, so that many headings of the same
 * name do not cost a search from 1 each. */
static char *id_claim(article *a, strmap *next, const char *id, size_t ch)
{
    uintptr_t i = (uintptr_t)strmap_get(next, id);
    char *try = i ? xasprintf("%s-%zu", id, (size_t)i) : xstrdup(id);
    while (!strmap_add(a->ids, try, (void *)(ch + 1))) {
        free(try);
        try = xasprintf("%s-%zu", id, (size_t)++i);
    }
    strmap_put(next, id, (void *)(i + 1));
    return try;
}

/* Generated ids ("fn-3", "fnref-3", "ref-3") must never be taken by a heading. */
static int id_is_reserved(const char *id)
{
    const char *prefixes[] = {"fn-", "fnref-", "ref-", NULL};
    for (int i = 0; prefixes[i]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(id, prefixes[i], n) == 0 && isdigit((unsigned char)id[n]))
            return 1;
    }
    return 0;
}

/* Ids written in raw HTML (id="x") are link targets too. */
static void html_ids_register(article *a, const char *html, size_t ch)
{
    for (const char *p = strstr(html, "id="); p; p = strstr(p + 3, "id=")) {
        if (p > html && (isalnum((unsigned char)p[-1]) || p[-1] == '-' || p[-1] == '_'))
            continue;
        char q = p[3];
        if (q != '"' && q != '\'')
            continue;
        const char *s = p + 4, *e = strchr(s, q);
        if (!e || e == s || e - s > 200)
            continue;
        char *id = xstrndup(s, (size_t)(e - s));
        strmap_add(a->ids, id, (void *)(ch + 1));
        free(id);
    }
}

/* Ids of very long headings are cut at a word boundary: readers show them in links. */
static void slug_shorten(char *slug)
{
    const size_t max = 64;
    if (strlen(slug) <= max)
        return;
    size_t cut = max;
    while (cut > 16 && slug[cut] != '-')
        cut--;
    if (slug[cut] != '-') {
        /* No hyphen: cut before a UTF-8 continuation byte never. */
        cut = max;
        while (cut > 0 && ((unsigned char)slug[cut] & 0xC0) == 0x80)
            cut--;
    }
    slug[cut] = '\0';
}

static void headings_collect(article *a, int top_level)
{
    size_t cap = 0;
    strmap *next = strmap_new();
    a->ids = strmap_new();
    /* Ids that passes placed (anchors, turns) and ids in raw HTML come first: they are fixed. */
    for (size_t ci = 0; ci < a->n_chapters; ci++) {
        chapter *c = &a->chapters[ci];
        for (cmark_node *b = c->first; b && b != c->end; b = cmark_node_next(b)) {
            cmark_iter *it = cmark_iter_new(b);
            cmark_event_type ev;
            while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
                if (ev != CMARK_EVENT_ENTER)
                    continue;
                cmark_node *n = cmark_iter_get_node(it);
                sem_node *s = sem_get(n);
                if (s && s->id)
                    strmap_add(a->ids, s->id, (void *)(ci + 1));
                cmark_node_type t = cmark_node_get_type(n);
                if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
                    html_ids_register(a, cmark_node_get_literal(n), ci);
            }
            cmark_iter_free(it);
        }
    }
    for (size_t ci = 0; ci < a->n_chapters; ci++) {
        chapter *c = &a->chapters[ci];
        for (cmark_node *n = c->first; n && n != c->end; n = cmark_node_next(n)) {
            if (!node_is_heading(n))
                continue;
            if (a->n_headings == cap) {
                cap = cap ? cap * 2 : 16;
                a->headings = xrealloc(a->headings, cap * sizeof *a->headings);
            }
            heading *h = &a->headings[a->n_headings++];
            h->node = n;
            h->level = cmark_node_get_heading_level(n) - top_level + 1;
            h->text = node_plain_text(n);
            h->chapter = ci;
            char *slug = text_slug(h->text);
            slug_shorten(slug);
            if (id_is_reserved(slug)) {
                char *p = xasprintf("h-%s", slug);
                free(slug);
                slug = p;
            }
            h->id = id_claim(a, next, slug, ci);
            free(slug);
        }
    }
    strmap_free(next);
    /* The renderer finds a section heading's level and id through its node. */
    for (size_t i = 0; i < a->n_headings; i++)
        cmark_node_set_user_data(a->headings[i].node, &a->headings[i]);
}

/* Eight bytes at a time needs byte k of a loaded uint64_t to be bits 8k..8k+7. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORDS_SWAR 1
#else
#define WORDS_SWAR 0
#endif

/* The high bit of each byte of x that equals c. */
static uint64_t bytes_equal(uint64_t x, unsigned char c)
{
    uint64_t t = x ^ BYTES_ALL(c);
    return ~(((t & BYTES_LO) + BYTES_LO) | t) & BYTES_HI;
}

/* Words for the reading time: a word starts at a byte that is not a space (' ', '\n', '\t')
 * after a space or at the start. A CJK character (U+3000..U+9FFF, lead bytes E3..E9) ends a
 * word and counts as half a word. Plain text is counted eight bytes at a time (byte by byte it
 * was 3% of a build); a block with a byte above 0x7F is looked at byte by byte. */
static void words_count(article *a)
{
    const unsigned char *s = (const unsigned char *)a->text;
    size_t n = a->text_len, words = 0, cjk = 0, i = 0;
    int in_word = 0;
    while (i < n) {
        uint64_t x;
        if (WORDS_SWAR && i + 8 <= n && (memcpy(&x, s + i, 8), (x & BYTES_HI) == 0)) {
            /* byte k of the block is bits 8k..8k+7: it starts a word when it is not a space
             * and byte k-1 (the previous block's last one for k = 0) is */
            uint64_t sp = bytes_equal(x, ' ') | bytes_equal(x, '\n') | bytes_equal(x, '\t');
            uint64_t prev = (sp << 8) | (in_word ? 0 : 0x80);
            uint64_t starts = prev & ~sp & BYTES_HI;
            words += (size_t)__builtin_popcountll(starts);
            in_word = !(sp >> 63);
            i += 8;
            continue;
        }
        unsigned char c = s[i];
        if (c >= 0xE3 && c <= 0xE9 && i + 2 < n) {
            cjk++;
            i += 3;
            in_word = 0;
            continue;
        }
        int space = c == ' ' || c == '\n' || c == '\t';
        if (!space && !in_word)
            words++;
        in_word = !space;
        i++;
    }
    a->words = words + cjk / 2;
}

int article_parse(article *a, const build_options *o)
{
    int ret = -1;
    const char *file = article_file(a);
    char *text = a->text;
    size_t len = a->text_len;
    char *normalized = NULL;

#ifdef HAVE_PASTED
    size_t nlen = 0;
    normalized = pasted_normalize(a->text, a->text_len, &nlen);
    if (normalized) {
        text = normalized;
        len = nlen;
    }
#endif
    a->raw_html = memchr(text, '<', len) != NULL; /* raw HTML in Markdown starts with '<' */
    a->doc = cmark_parse_document(text, len, CMARK_OPT_SMART);
    if (!a->doc) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0, "cannot parse the Markdown");
        goto out;
    }
#ifdef HAVE_PASTED
    if (normalized)
        pasted_split_lists(a->doc, text, len);
#endif
#ifdef HAVE_NOTES
    if (notes_collect(a->doc, a->arena, file, &a->notes, &a->n_notes, &a->diags) != 0)
        goto out;
#endif
    title_settle(a, o);
#ifdef HAVE_PASTED
    if (!o->infer_sections_off)
        pasted_infer_sections(a->doc, NULL);
#endif
#ifdef HAVE_INTERVIEW
    if (interview_apply(a->doc, a->arena, &a->meta.speakers,
                        o->speakers_off ? INTERVIEW_SPEAKERS_OFF : INTERVIEW_SPEAKERS_AUTO,
                        o->timestamps_drop ? INTERVIEW_TIMESTAMPS_DROP : INTERVIEW_TIMESTAMPS_KEEP,
                        &a->cast, &a->diags, file) != 0)
        goto out;
#else
    speaker_list_copy(&a->cast, &a->meta.speakers);
#endif
    int top = 7;
    for (cmark_node *n = cmark_node_first_child(a->doc); n; n = cmark_node_next(n))
        if (node_is_heading(n) && cmark_node_get_heading_level(n) < top)
            top = cmark_node_get_heading_level(n);
    chapters_cut(a, top);
    headings_collect(a, top);
    words_count(a);
    ret = 0;
out:
    free(normalized);
    return ret;
}
