/* structure.c: title, chapter cuts, heading ids and word count of an article. */
#include "passes/structure.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "base/text.h"
#include "base/util.h"

/* One block larger than this makes a content document above the ~300 KB e-readers handle well. */
#define ARTICLE_BLOCK_WARN ((size_t)300 << 10)

/* "my-great_talk.md" -> "my great talk", "js-party-35.md" -> "js party 35": the file name's
 * words as written (capitalising the first letter made "Js party 35"). */
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
    return base;
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
static int paragraph_is_title_like(cmark_node *n, char **text_out, const mdtree_filter *labels)
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
             !paragraph_opens_with_label(n, text) && !mdtree_filter_test(labels, n);
    if (ok && text_out)
        *text_out = text;
    else
        free(text);
    return ok;
}

/* Longest deck taken from the line under a pasted title. */
#define STRUCTURE_DECK_MAX 160

/* A short line right under a pasted title, before the first paragraph of prose ("Karpathy's
 * Latest In-Depth Interview"), is the article's deck: it becomes its description (shown under
 * the title) unless the article has one, and leaves the body. */
static void deck_take(article *a, cmark_node *line, const mdtree_filter *labels)
{
    char *text = NULL;
    cmark_node *body = line ? cmark_node_next(line) : NULL;
    if (a->meta.description || !body || cmark_node_get_type(body) != CMARK_NODE_PARAGRAPH ||
        !paragraph_is_title_like(line, &text, labels))
        return;
    if (strlen(text) <= STRUCTURE_DECK_MAX && !paragraph_is_title_like(body, NULL, labels)) {
        a->meta.description = text;
        text = NULL;
        cmark_node_free(line);
    }
    free(text);
}

/* Settle the article's title: front matter, else a leading level-1 heading (removed from the
 * body, it becomes the opening), else for text without headings a leading title-like line,
 * else the file name. */
/* Does heading text b say the title a again (letters and digits the same, whatever the case,
 * spacing and punctuation)? */
static int title_repeats(const char *a, const char *b)
{
    for (;;) {
        while (*a && !isalnum((unsigned char)*a) && !((unsigned char)*a & 0x80))
            a++;
        while (*b && !isalnum((unsigned char)*b) && !((unsigned char)*b & 0x80))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
}

void structure_title_settle(article *a, const build_options *o, const mdtree_filter *labels)
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
            } else if (!title_repeats(a->meta.title, h1_text)) {
                /* front matter named the article, and the heading says something else: it is
                 * the article's first section, not its title (it was lost) */
                free(h1_text);
                return;
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
    /* A caption file's first cue is speech, never its title. */
    if (!o->infer_sections_off && first && !a->captions) {
        char *text = NULL, *again = NULL;
        if (paragraph_is_title_like(first, &text, labels)) {
            /* Pasted pages often repeat the title line: a strong sign, even when the text
             * has headings further down. */
            cmark_node *next = cmark_node_next(first);
            int repeated = next && paragraph_is_title_like(next, &again, labels) &&
                           strcmp(again, text) == 0;
            if (repeated || !has_headings(a->doc, NULL)) {
                cmark_node *after = cmark_node_next(repeated ? next : first);
                if (repeated)
                    cmark_node_free(next);
                a->meta.title = text;
                text = NULL;
                cmark_node_free(first);
                deck_take(a, after, labels);
            }
        }
        free(again);
        if (!text && a->meta.title)
            return;
        free(text);
    }
    a->meta.title = title_from_path(a->path);
}

/* Source bytes of a block, to decide where to split large documents (for blocks without
 * source lines, the bytes of their text). */
static size_t block_size(const article *a, cmark_node *n)
{
    int start = cmark_node_get_start_line(n), end = cmark_node_get_end_line(n);
    if (start > 0 && end >= start && (size_t)end <= a->n_lines) {
        size_t from = a->line_starts[start - 1];
        size_t to = (size_t)end < a->n_lines ? a->line_starts[end] : a->text_len;
        return to - from;
    }
    /* A tree built by a reader without source lines (a web page, a caption file): the text it
     * holds */
    const char *literal = cmark_node_get_literal(n);
    if (literal)
        return strlen(literal) + 1;
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

/* One document per article while it stays under ARTICLE_CHAPTER_LIMIT: an article flows on, a
 * new document (a new page on an e-reader) at each section of a three-minute interview reads
 * as broken. Past the limit the article is cut at its last top-level section boundary within
 * the current document, else (a long section) at the block where it passes the limit. */
static void chapters_cut(article *a, int top_level)
{
    size_t cap = 0, size = 0;
    cmark_node *section = NULL; /* last top-level heading of the current document, not its first block */
    size_t before_section = 0;  /* size of the current document before `section` */
    chapter *cur = chapter_add(a, &cap);
    cur->has_opening = 1;
    for (cmark_node *n = cmark_node_first_child(a->doc); n; n = cmark_node_next(n)) {
        size_t bs = block_size(a, n);
        int is_section = node_is_heading(n) && cmark_node_get_heading_level(n) == top_level;
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
        if (cur->first && size + bs > ARTICLE_CHAPTER_LIMIT) {
            if (section) {
                /* the current document ends before its last section, which goes on */
                cur->end = section;
                cur = chapter_add(a, &cap);
                cur->first = section;
                size -= before_section;
            }
            if (!section || size + bs > ARTICLE_CHAPTER_LIMIT) {
                cur->end = n;
                cur = chapter_add(a, &cap);
                size = 0;
            }
            section = NULL;
        }
        if (!cur->first)
            cur->first = n;
        else if (is_section) {
            section = n;
            before_section = size;
        }
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

/* An id XHTML can hold made of one it cannot ("1.-intro", "a:b", "two words"): characters
 * other than letters, digits, '-', '_' and '.' become '-', and one that does not start with a
 * letter or '_' gets "id-" in front. Caller frees. */
static char *id_as_name(const char *id)
{
    strbuf b = STRBUF_INIT;
    unsigned char c0 = (unsigned char)id[0];
    if (!(isalpha(c0) || c0 == '_' || c0 >= 0x80))
        strbuf_adds(&b, "id-");
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        strbuf_addc(&b, isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p >= 0x80
                            ? (char)*p
                            : '-');
    char *out = strbuf_detach(&b, NULL);
    if (xmlValidateNCName((const xmlChar *)out, 0) != 0) {
        /* a non-ASCII character names do not allow: keep the ASCII ones */
        char *o = out;
        for (char *p = out; *p; p++)
            if (!((unsigned char)*p & 0x80))
                *o++ = *p;
        *o = '\0';
        o = xasprintf("id-%s", out);
        free(out);
        out = o;
    }
    return out;
}

/* `id` of raw HTML goes by the name `base` (freed here), numbered by id_claim when another
 * has it (in linear time however many do): links written to `id` follow it. */
static void id_rename(article *a, strmap *next, const char *id, char *base, size_t ch)
{
    if (!a->id_renames)
        a->id_renames = strmap_new();
    if (strmap_has(a->id_renames, id)) {
        free(base);
        return;
    }
    char *to = id_claim(a, next, base, ch);
    free(base);
    strlist_take(&a->id_renamed, to);
    strmap_add(a->id_renames, id, to);
}

/* Ids written in raw HTML (id="x") are link targets too. One that has the shape of sheaf's
 * own ids ("fn-1", which a note may need), or that is not a name XHTML allows ("1.-intro"), is
 * given another name here, before any link to it is resolved, so that the links written to it
 * follow it (render.c gives it that name and says so). */
static void html_ids_register(article *a, strmap *next, const char *html, size_t ch)
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
        str_trim(id); /* as the sanitizer reads it */
        if (*id && article_id_reserved(id)) {
            id_rename(a, next, id, xasprintf("user-%s", id), ch);
        } else if (*id && xmlValidateNCName((const xmlChar *)id, 0) != 0) {
            id_rename(a, next, id, id_as_name(id), ch);
        } else if (*id) {
            strmap_add(a->ids, id, (void *)(ch + 1));
        }
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
                    html_ids_register(a, next, cmark_node_get_literal(n), ci);
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
            if (article_id_reserved(slug)) {
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
void structure_apply(article *a)
{
    int top = 7;
    for (cmark_node *n = cmark_node_first_child(a->doc); n; n = cmark_node_next(n))
        if (node_is_heading(n) && cmark_node_get_heading_level(n) < top)
            top = cmark_node_get_heading_level(n);
    chapters_cut(a, top);
    headings_collect(a, top);
    words_count(a);
}
