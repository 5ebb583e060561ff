/* genlist: write a deterministic synthetic reading list of interviews, for benchmarks.
 *
 * usage: genlist [-s SEED] [-k KB] N DIR
 *
 * Writes DIR/a0001.md ... (N articles of about KB kB (1000 bytes) each, default 60), a few small PNG
 * images under DIR/images/ referenced by relative path, and DIR/list.yaml naming the articles
 * in order. Articles are shaped like podcast transcripts: YAML front matter (title, author,
 * date, source, lang, sometimes speakers), `## ` section headings, `**Full Name:** text` speaker
 * turns, `\[01:12\]` timestamps, `\[laughter\]` annotations, a `**Break:**` marker, links,
 * emphasis, code, block quotes, lists, footnotes and images. The text is generated from word
 * lists; the same SEED gives the same files, and article k does not depend on N (the first 100
 * articles of a 2,000-article list are the 100-article list). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include "base/util.h"

/*** Randomness ***/

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static size_t rng_below(rng *r, size_t n)
{
    return n ? (size_t)(rng_next(r) % n) : 0;
}

/* 1 with probability pct/100. */
static int rng_chance(rng *r, unsigned pct)
{
    return rng_below(r, 100) < pct;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_below((r), COUNT(a))])

/*** Vocabulary (written for this generator) ***/

static const char *const first_names[] = {
    "Ada",    "Bruno",  "Chiara", "Dmitri", "Elena",   "Farid",  "Greta",  "Hiro",
    "Ines",   "Jonas",  "Kemal",  "Lucia",  "Mateo",   "Nadia",  "Oskar",  "Priya",
    "Quinn",  "Rosa",   "Samir",  "Tamsin", "Ulrike",  "Viktor", "Wen",    "Ximena",
    "Yusuf",  "Zofia",  "Amara",  "Björn",  "Céline",  "Dario",  "Esther", "Felix"};
static const char *const last_names[] = {
    "Abara",   "Bergstrom", "Castell", "Delacroix", "Eriksen", "Fontaine", "Gallo",
    "Haddad",  "Ishikawa",  "Jansen",  "Kowalski",  "Lindqvist", "Moreau", "Nakamura",
    "Okafor",  "Petrov",    "Quintero", "Rahman",   "Sørensen", "Takeda", "Urquhart",
    "Varga",   "Whitlock",  "Xu",      "Yilmaz",    "Zeller"};
static const char *const nouns[] = {
    "compiler",  "garbage collector", "type system", "package manager", "build",
    "test suite", "release",  "community",  "conference", "meetup",    "framework",
    "runtime",   "browser",   "server",     "database",   "query",     "cache",
    "deadline",  "team",      "manager",    "interview",  "keyboard",  "editor",
    "library",   "module",    "function",   "pointer",    "thread",    "scheduler",
    "protocol",  "standard",  "proposal",   "benchmark",  "profiler",  "linter",
    "bug",       "patch",     "review",     "design",     "prototype", "language",
    "syntax",    "error message", "workflow", "pipeline",  "container", "cluster",
    "podcast",   "episode",   "story",      "question",   "answer",    "idea",
    "decision",  "tradeoff",  "abstraction", "interface", "channel",   "goroutine",
    "promise",   "callback",  "component",  "layout",     "font",      "accessibility"};
static const char *const verbs[] = {
    "build",   "ship",    "rewrite", "measure", "explain", "design",  "debug",
    "teach",   "learn",   "refactor", "replace", "simplify", "document", "maintain",
    "review",  "deploy",  "profile", "optimize", "question", "remember", "argue about",
    "write",   "read",    "test",    "break",   "fix",     "discover", "prototype"};
static const char *const adjectives[] = {
    "small",   "fast",    "slow",    "careful", "boring",  "surprising", "old",
    "new",     "simple",  "complicated", "quiet", "loud",  "early",   "late",
    "strange", "obvious", "fragile", "robust",  "generic", "concurrent", "open",
    "honest",  "useful",  "tiny",    "huge",    "elegant", "clumsy",  "practical"};
static const char *const adverbs[] = {
    "really", "actually", "honestly", "basically", "probably", "definitely",
    "kind of", "sort of", "literally", "eventually", "finally", "mostly"};
static const char *const openers[] = {
    "Yeah,", "So", "I mean,", "Right.", "Well,", "Okay, so", "Honestly,", "And",
    "But", "I think", "You know,", "Absolutely.", "Hm.", "That's fair.", "Exactly."};
static const char *const annotations[] = {"laughter", "laughs", "crosstalk", "applause",
                                          "music", "inaudible"};
static const char *const domains[] = {"example.org", "example.com", "example.net"};

/*** Text ***/

static void add_noun_phrase(strbuf *b, rng *r)
{
    if (rng_chance(r, 40)) {
        strbuf_adds(b, PICK(r, adjectives));
        strbuf_addc(b, ' ');
    }
    strbuf_adds(b, PICK(r, nouns));
}

static void add_title_words(strbuf *b, rng *r)
{
    /* "On Careful Compilers and the Team" */
    static const char *const shapes[] = {"On", "Why we", "How to", "The", "Notes on",
                                         "Learning to"};
    const char *shape = PICK(r, shapes);
    strbuf_adds(b, shape);
    strbuf_addc(b, ' ');
    if (!strcmp(shape, "Why we") || !strcmp(shape, "How to") || !strcmp(shape, "Learning to")) {
        strbuf_adds(b, PICK(r, verbs));
        strbuf_adds(b, " the ");
    }
    add_noun_phrase(b, r);
    if (rng_chance(r, 50)) {
        strbuf_adds(b, " and the ");
        add_noun_phrase(b, r);
    }
}

/* One sentence with the odd inline construct. */
static void add_sentence(strbuf *b, rng *r, int first)
{
    int cap = 1;
    if (first && rng_chance(r, 35)) {
        const char *o = PICK(r, openers);
        strbuf_adds(b, o);
        strbuf_addc(b, ' ');
        cap = o[strlen(o) - 1] == '.';
    }
    size_t start = b->len;
    switch (rng_below(r, 6)) {
    case 0:
        strbuf_addf(b, "we %s %s the ", PICK(r, adverbs), PICK(r, verbs));
        add_noun_phrase(b, r);
        break;
    case 1:
        strbuf_adds(b, "the ");
        add_noun_phrase(b, r);
        strbuf_addf(b, " was %s %s", PICK(r, adverbs), PICK(r, adjectives));
        break;
    case 2:
        strbuf_addf(b, "you have to %s the ", PICK(r, verbs));
        add_noun_phrase(b, r);
        strbuf_adds(b, " before you ");
        strbuf_adds(b, PICK(r, verbs));
        strbuf_adds(b, " the ");
        add_noun_phrase(b, r);
        break;
    case 3:
        strbuf_addf(b, "I remember when the %s and the %s were %s", PICK(r, nouns),
                    PICK(r, nouns), PICK(r, adjectives));
        break;
    case 4:
        strbuf_addf(b, "nobody wanted to %s a %s ", PICK(r, verbs), PICK(r, adjectives));
        add_noun_phrase(b, r);
        strbuf_addf(b, " in %d", 1990 + (int)rng_below(r, 35));
        break;
    default:
        strbuf_addf(b, "it %s depends on the ", PICK(r, adverbs));
        add_noun_phrase(b, r);
        break;
    }
    if (cap && b->data[start] >= 'a' && b->data[start] <= 'z')
        b->data[start] = (char)(b->data[start] - 'a' + 'A');

    switch (rng_below(r, 14)) {
    case 0:
        strbuf_addf(b, ", like [the %s docs](https://%s/%s/%u)", PICK(r, nouns),
                    PICK(r, domains), PICK(r, verbs), (unsigned)rng_below(r, 10000));
        break;
    case 1:
        strbuf_addf(b, ", which was *%s*", PICK(r, adjectives));
        break;
    case 2:
        strbuf_addf(b, " with `%s_%s()`", PICK(r, verbs), PICK(r, adjectives));
        break;
    case 3:
        strbuf_addf(b, ", and it was **%s**", PICK(r, adjectives));
        break;
    default:
        break;
    }
    strbuf_adds(b, rng_chance(r, 12) ? "?" : rng_chance(r, 8) ? "..." : ".");
}

typedef struct article_state {
    rng *r;
    unsigned clock;     /* seconds into the recording */
    int notes;          /* footnotes referenced so far */
    int images;         /* images placed so far */
    unsigned image_set; /* how many PNGs exist */
} article_state;

static void add_timestamp(strbuf *b, article_state *st)
{
    st->clock += 20 + (unsigned)rng_below(st->r, 160);
    unsigned h = st->clock / 3600, m = (st->clock / 60) % 60, s = st->clock % 60;
    if (h)
        strbuf_addf(b, "\\[%02u:%02u:%02u\\]", h, m, s);
    else
        strbuf_addf(b, "\\[%02u:%02u\\]", m, s);
}

static void add_turn_text(strbuf *b, article_state *st)
{
    rng *r = st->r;
    size_t sentences = 1 + rng_below(r, 7);
    for (size_t i = 0; i < sentences; i++) {
        if (i)
            strbuf_addc(b, ' ');
        add_sentence(b, r, i == 0);
        if (rng_chance(r, 6)) {
            strbuf_addf(b, " \\[%s\\]", PICK(r, annotations));
        }
        if (rng_chance(r, 5)) {
            strbuf_addc(b, ' ');
            add_timestamp(b, st);
        }
        if (rng_chance(r, 2) && st->notes < 9) {
            st->notes++;
            strbuf_addf(b, "[^n%d]", st->notes);
        }
    }
    strbuf_adds(b, "\n\n");
}

static void add_block(strbuf *b, article_state *st)
{
    rng *r = st->r;
    switch (rng_below(r, 4)) {
    case 0:
        for (size_t i = 0, n = 2 + rng_below(r, 4); i < n; i++) {
            strbuf_adds(b, "- ");
            add_sentence(b, r, 1);
            strbuf_addc(b, '\n');
        }
        break;
    case 1:
        for (size_t i = 0, n = 2 + rng_below(r, 4); i < n; i++) {
            strbuf_addf(b, "%zu. ", i + 1);
            add_sentence(b, r, 1);
            strbuf_addc(b, '\n');
        }
        break;
    case 2:
        strbuf_adds(b, "> ");
        add_sentence(b, r, 1);
        strbuf_addc(b, ' ');
        add_sentence(b, r, 0);
        strbuf_addc(b, '\n');
        break;
    default:
        if (st->images < 2 && st->image_set) {
            st->images++;
            strbuf_addf(b, "![A diagram of the %s](images/fig-%zu.png)\n", PICK(r, nouns),
                        1 + rng_below(r, st->image_set));
        } else {
            strbuf_addf(b, "```\n%s_%s(%u)\n```\n", PICK(r, verbs), PICK(r, nouns),
                        (unsigned)rng_below(r, 100));
        }
        break;
    }
    strbuf_addc(b, '\n');
}

static void add_person(strbuf *b, rng *r)
{
    strbuf_addf(b, "%s %s", PICK(r, first_names), PICK(r, last_names));
}

/* Article k (1-based) of about `target` bytes. */
static void make_article(strbuf *b, uint64_t seed, size_t k, size_t target, unsigned image_set)
{
    rng r = {seed ^ (0xa0761d6478bd642fULL * (uint64_t)k)};
    article_state st = {&r, 0, 0, 0, image_set};
    strbuf names[4] = {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT};
    size_t npeople = 2 + rng_below(&r, 3);
    for (size_t i = 0; i < npeople; i++)
        add_person(&names[i], &r);
    /* +-15% around the target */
    size_t want = target - target * 15 / 100 + rng_below(&r, target * 30 / 100 + 1);

    strbuf_adds(b, "---\ntitle: \"Episode ");
    strbuf_addf(b, "%zu: ", k);
    add_title_words(b, &r);
    strbuf_addf(b, "\"\nauthor: %s\n", names[0].data);
    unsigned day = (unsigned)(k * 3 % 3650);
    strbuf_addf(b, "date: %04u-%02u-%02u\n", 2012 + day / 365, 1 + (day % 365) / 31 % 12,
                1 + day % 28);
    strbuf_addf(b, "source: https://%s/episodes/%zu\nlang: en\n", PICK(&r, domains), k);
    if (k % 2 == 0) {
        strbuf_adds(b, "speakers:\n");
        for (size_t i = 0; i < npeople; i++)
            strbuf_addf(b, "  - name: %s\n    role: %s\n", names[i].data, i ? "guest" : "host");
    }
    strbuf_adds(b, "---\n\n");

    /* An introduction without a speaker. */
    for (int i = 0; i < 3; i++) {
        if (i)
            strbuf_addc(b, ' ');
        add_sentence(b, &r, 1);
    }
    strbuf_adds(b, "\n\n");

    int break_done = 0;
    while (b->len < want) {
        strbuf_adds(b, "## ");
        add_title_words(b, &r);
        strbuf_adds(b, "\n\n");
        for (size_t t = 0, turns = 6 + rng_below(&r, 14); t < turns && b->len < want; t++) {
            strbuf_addf(b, "**%s:** ", names[rng_below(&r, npeople)].data);
            add_turn_text(b, &st);
            while (rng_chance(&r, 15)) /* the same speaker goes on */
                add_turn_text(b, &st);
            if (rng_chance(&r, 10))
                add_block(b, &st);
        }
        if (!break_done && b->len > want / 2) {
            strbuf_adds(b, "**Break:** ");
            add_timestamp(b, &st);
            strbuf_adds(b, "\n\n");
            break_done = 1;
        }
    }
    for (int i = 1; i <= st.notes; i++) {
        strbuf_addf(b, "[^n%d]: ", i);
        add_sentence(b, &r, 1);
        strbuf_adds(b, "\n\n");
    }
    for (size_t i = 0; i < 4; i++)
        strbuf_release(&names[i]);
}

/*** Images ***/

static void put32(strbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    strbuf_add(b, x, 4);
}

static void png_chunk(strbuf *b, const char *type, const unsigned char *data, size_t len)
{
    put32(b, (uint32_t)len);
    size_t at = b->len;
    strbuf_add(b, type, 4);
    if (len)
        strbuf_add(b, data, len);
    put32(b, (uint32_t)libdeflate_crc32(0, b->data + at, len + 4));
}

/* A small RGB gradient picture, different for each `variant`. Returns 0 or -1. */
static int make_png(strbuf *b, unsigned variant)
{
    const unsigned w = 96, h = 64;
    size_t raw_len = (size_t)(w * 3 + 1) * h;
    unsigned char *raw = xmalloc(raw_len);
    for (unsigned y = 0; y < h; y++) {
        unsigned char *row = raw + (size_t)y * (w * 3 + 1);
        row[0] = 0; /* filter: none */
        for (unsigned x = 0; x < w; x++) {
            row[1 + 3 * x] = (unsigned char)(x * 255 / w);
            row[2 + 3 * x] = (unsigned char)(y * 255 / h);
            row[3 + 3 * x] = (unsigned char)((variant * 53 + (x ^ y) * 3) & 0xff);
        }
    }
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(9);
    if (!c) {
        free(raw);
        return -1;
    }
    size_t bound = libdeflate_zlib_compress_bound(c, raw_len);
    unsigned char *z = xmalloc(bound);
    size_t zlen = libdeflate_zlib_compress(c, raw, raw_len, z, bound);
    libdeflate_free_compressor(c);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13] = {0, 0, 0, (unsigned char)w, 0, 0, 0, (unsigned char)h,
                              8, 2, 0, 0, 0};
    strbuf_add(b, sig, 8);
    png_chunk(b, "IHDR", ihdr, sizeof ihdr);
    png_chunk(b, "IDAT", z, zlen);
    png_chunk(b, "IEND", NULL, 0);
    free(z);
    free(raw);
    return zlen ? 0 : -1;
}

/*** Files ***/

static int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "genlist: can't create %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "genlist: can't write %s: %s\n", path, strerror(errno));
    return ok ? 0 : -1;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "genlist: can't create directory %s: %s\n", path, strerror(errno));
    return -1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: genlist [-s SEED] [-k KB] N DIR\n"
               "Write N synthetic interview articles of about KB kilobytes (default 60), a few\n"
               "PNG images and DIR/list.yaml into DIR. The same SEED gives the same files.\n");
}

int main(int argc, char **argv)
{
    uint64_t seed = 20240601;
    size_t kb = 60;
    int opt, ret = 1;
    const unsigned image_set = 6;
    strbuf b = STRBUF_INIT, list = STRBUF_INIT;
    char *path = NULL;

    while ((opt = getopt(argc, argv, "s:k:h")) != -1) {
        if (opt == 's')
            seed = strtoull(optarg, NULL, 10);
        else if (opt == 'k')
            kb = (size_t)strtoul(optarg, NULL, 10);
        else {
            usage(opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (argc - optind != 2 || kb == 0) {
        usage(stderr);
        return 2;
    }
    char *end = NULL;
    size_t n = (size_t)strtoul(argv[optind], &end, 10);
    if (!end || *end || n == 0) {
        fprintf(stderr, "genlist: N must be a positive number, got \"%s\"\n", argv[optind]);
        return 2;
    }
    const char *dir = argv[optind + 1];
    int width = n < 10000 ? 4 : n < 100000 ? 5 : 9;

    if (make_dir(dir) < 0)
        goto out;
    path = xasprintf("%s/images", dir);
    if (make_dir(path) < 0)
        goto out;
    for (unsigned i = 1; i <= image_set; i++) {
        free(path);
        path = xasprintf("%s/images/fig-%u.png", dir, i);
        b.len = 0;
        if (make_png(&b, i) < 0) {
            fprintf(stderr, "genlist: can't make an image (out of memory)\n");
            goto out;
        }
        if (write_file(path, b.data, b.len) < 0)
            goto out;
    }

    strbuf_addf(&list,
                "title: Synthetic Interviews\nsubtitle: %zu generated transcripts\n"
                "editor: Bench Generator\nlang: en\ndate: 2024-06-01\n"
                "description: A deterministic reading list made by genlist for benchmarks.\n"
                "articles:\n",
                n);
    for (size_t k = 1; k <= n; k++) {
        b.len = 0;
        make_article(&b, seed, k, kb * 1000, image_set);
        free(path);
        path = xasprintf("%s/a%0*zu.md", dir, width, k);
        if (write_file(path, b.data, b.len) < 0)
            goto out;
        strbuf_addf(&list, "  - a%0*zu.md\n", width, k);
    }
    free(path);
    path = xasprintf("%s/list.yaml", dir);
    if (write_file(path, list.data, list.len) < 0)
        goto out;
    ret = 0;
out:
    free(path);
    strbuf_release(&b);
    strbuf_release(&list);
    return ret;
}
