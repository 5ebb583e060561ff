/* captions.c: caption files -> cues -> turns and paragraphs of the article model. */
#include "readers/captions.h"

#include <nettle/sha1.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "model/mdtree.h"
#include "model/sem.h"
#include "model/turn.h"
#include "readers/podjson.h"
#include "readers/srt.h"
#include "readers/vtt.h"

const char *captions_format_name(captions_format f)
{
    switch (f) {
    case CAPTIONS_VTT: return "WebVTT";
    case CAPTIONS_SRT: return "SubRip";
    case CAPTIONS_JSON: return "JSON transcript";
    }
    return "caption";
}

static int is_marker(char c)
{
    return c >= CUE_EM_OPEN && c <= CUE_VOICE_CHANGE;
}

static int is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/*** Joining cue text ***/

/* The last byte of t that is not a marker, and its position; 0 when none. */
static unsigned char last_char(const strbuf *t, size_t *at)
{
    size_t i = t->len;
    while (i > 0 && is_marker(t->data[i - 1]))
        i--;
    *at = i;
    return i > 0 ? (unsigned char)t->data[i - 1] : 0;
}

static int ends_with(const strbuf *t, size_t at, const char *s)
{
    size_t n = strlen(s);
    return at >= n && memcmp(t->data + at - n, s, n) == 0;
}

static int starts_with_n(const char *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    return n >= k && memcmp(p, s, k) == 0;
}

/* The code point UTF-8 text starts with at p (n bytes), 0 when none or not valid. */
static uint32_t utf8_first(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p[0] < 0x80)
        return p[0];
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    return c;
}

/* The code point that ends t->data[0..at), 0 when none. */
static uint32_t utf8_last(const strbuf *t, size_t at)
{
    size_t i = at;
    while (i > 0 && at - i < 4 && ((unsigned char)t->data[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return 0;
    i--;
    return utf8_first((const unsigned char *)t->data + i, at - i);
}

/* Chinese and Japanese characters and their punctuation (wide and fullwidth, not Hangul): text
 * that writes no space between words, so that a line break between two of them is no space (as
 * CSS's segment break rules have it). */
static int cjk_unspaced(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x312F) ||
           (c >= 0x3190 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF01 && c <= 0xFF60) ||
           (c >= 0xFF61 && c <= 0xFF9F) || (c >= 0xFFE0 && c <= 0xFFE6) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

/* Length of the dash that starts p ("--", "---", an em or en dash), 0 when none. */
static size_t dash_len(const char *p, size_t n)
{
    size_t i = 0;
    if (starts_with_n(p, n, "\xe2\x80\x94") || starts_with_n(p, n, "\xe2\x80\x93"))
        return 3;
    while (i < n && p[i] == '-')
        i++;
    return i >= 2 ? i : 0;
}

/* Does a piece starting at p close what comes before (punctuation that follows a word)? */
static int closes(const char *p, size_t n, unsigned char prev)
{
    unsigned char c = (unsigned char)p[0];
    if (c == ',' || c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
        c == ']' || c == '}' || c == '%')
        return 1;
    if (c == 0xE2 && (starts_with_n(p, n, "\xe2\x80\xa6") || starts_with_n(p, n, "\xe2\x80\x9d") ||
        starts_with_n(p, n, "\xe2\x80\x99")))
        return 1;
    /* "don" + "'t", "it" + "'s" */
    return c == '\'' && n > 1 && is_letter((unsigned char)p[1]) && is_letter(prev);
}

/* Does the text before end with something that opens what follows? */
static int opens(const strbuf *t, size_t at, unsigned char prev, int quote_open)
{
    if (prev == '(' || prev == '[' || prev == '{')
        return 1;
    if (prev == '"')
        return quote_open;
    if (prev < 0x80)
        return 0;
    return ends_with(t, at, "\xe2\x80\x9c") || ends_with(t, at, "\xe2\x80\x98") ||
           ends_with(t, at, "\xc2\xbf") || ends_with(t, at, "\xc2\xa1");
}

typedef struct joiner {
    strbuf *t;
    int quote_open; /* an odd number of straight double quotes so far */
} joiner;

/* Append one line of cue text (tidy: trimmed, single spaces) with the right spacing. */
static void join_piece(joiner *j, const char *p, size_t n)
{
    strbuf *t = j->t;
    size_t k = 0;
    while (k < n && is_marker(p[k]))
        k++;
    if (k == n) { /* markers alone: keep them, they balance others */
        strbuf_add(t, p, n);
        return;
    }
    size_t at;
    unsigned char prev = last_char(t, &at);
    int space = prev != 0;
    if (prev) {
        const char *q = p + k;
        size_t qn = n - k;
        int ellipsis_before = ends_with(t, at, "...") || ends_with(t, at, "\xe2\x80\xa6");
        int dash_before = ends_with(t, at, "--") || ends_with(t, at, "\xe2\x80\x94") ||
                          ends_with(t, at, "\xe2\x80\x93");
        size_t dashes = dash_before ? dash_len(q, qn) : 0;
        if (dashes) {
            /* "We waited --" / "-- and waited": one dash, carried over */
            while (dashes < qn && q[dashes] == ' ')
                dashes++;
            strbuf_add(t, p, k);
            strbuf_addc(t, ' ');
            p = q + dashes;
            n = qn - dashes;
            k = 0;
            space = 0;
        } else if (ellipsis_before &&
                   (starts_with_n(q, qn, "...") || starts_with_n(q, qn, "\xe2\x80\xa6"))) {
            /* "I think..." / "...that we": one sentence, carried over */
            size_t skip = q[0] == '.' ? 3 : 3;
            while (skip < qn && q[skip] == '.')
                skip++;
            while (skip < qn && q[skip] == ' ')
                skip++;
            strbuf_add(t, p, k);
            strbuf_addc(t, ' ');
            p = q + skip;
            n = qn - skip;
            k = 0;
            space = 0;
        } else if (closes(q, qn, prev) || opens(t, at, prev, j->quote_open)) {
            space = 0;
        } else if (prev >= 0x80 && (unsigned char)q[0] >= 0x80 &&
                   cjk_unspaced(utf8_last(t, at)) &&
                   cjk_unspaced(utf8_first((const unsigned char *)q, qn))) {
            space = 0; /* "我们今天谈谈" / "陶艺的历史。" */
        } else if (prev == '-' && at >= 2 && is_letter((unsigned char)t->data[at - 2]) &&
                   is_letter((unsigned char)q[0])) {
            space = 0; /* "well-" / "known" */
        } else if (prev == '"' && !j->quote_open) {
            space = 1;
        }
        if (space && (unsigned char)q[0] == '"' && j->quote_open)
            space = 0; /* the closing quote of a quotation */
    }
    if (space) {
        /* the space goes before markers that open emphasis, after those that close it */
        strbuf_addc(t, ' ');
    }
    for (const char *q = memchr(p, '"', n); q; q = memchr(q + 1, '"', n - (size_t)(q + 1 - p)))
        j->quote_open = !j->quote_open;
    strbuf_add(t, p, n);
}

/*** Sentences ***/

/* The full stop, exclamation and question marks of Chinese and Japanese (3 bytes at s). */
static int cjk_stop(const char *s)
{
    return memcmp(s, "\xe3\x80\x82", 3) == 0 || memcmp(s, "\xef\xbc\x81", 3) == 0 ||
           memcmp(s, "\xef\xbc\x9f", 3) == 0;
}

/* What may follow them: 」 』 ） ” ’ (3 bytes at s). */
static int cjk_closer(const char *s)
{
    return memcmp(s, "\xe3\x80\x8d", 3) == 0 || memcmp(s, "\xe3\x80\x8f", 3) == 0 ||
           memcmp(s, "\xef\xbc\x89", 3) == 0 || memcmp(s, "\xe2\x80\x9d", 3) == 0 ||
           memcmp(s, "\xe2\x80\x99", 3) == 0;
}

/* What may follow a sentence's last mark: more marks, closing quotes and brackets. */
static int is_closer(char c)
{
    return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ')' || c == ']';
}

static const char *const abbreviations[] = {
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "mt", "ft", "inc",
    "ltd", "co", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "approx", "fig", NULL};

/* If a sentence ends at t[i] ('.', '!', '?' or '…', with closing quotes and brackets after it),
 * the offset just after it; else 0. `next_known`: the text after is all there (a following
 * lowercase word means the sentence goes on). */
static size_t sentence_end_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    size_t j;
    if (i + 3 <= len && cjk_stop(t + i)) {
        /* "。", "！", "？": no space follows them, and closing brackets may */
        j = i + 3;
        while (j + 3 <= len && cjk_closer(t + j))
            j += 3;
        while (j < len && (t[j] == CUE_EM_CLOSE || t[j] == CUE_STRONG_CLOSE))
            j++;
        return j;
    }
    if (c == '.' || c == '!' || c == '?')
        j = i + 1;
    else if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
             (unsigned char)t[i + 2] == 0xA6)
        j = i + 3;
    else
        return 0;
    while (j < len && (is_closer(t[j]) || t[j] == CUE_EM_CLOSE ||
                       t[j] == CUE_STRONG_CLOSE ||
                       (j + 2 < len && (unsigned char)t[j] == 0xE2 &&
                        (unsigned char)t[j + 1] == 0x80 &&
                        ((unsigned char)t[j + 2] == 0x9D || (unsigned char)t[j + 2] == 0x99 ||
                         (unsigned char)t[j + 2] == 0xA6))))
        j += (unsigned char)t[j] == 0xE2 ? 3 : 1;
    if (j < len && t[j] != ' ')
        return 0; /* "3.5", "e.g.x" */
    if (c == '.') {
        /* "Mr." "J." "e.g.": an abbreviation or an initial, not the end */
        size_t w = i;
        while (w > 0 && is_letter((unsigned char)t[w - 1]) && (unsigned char)t[w - 1] < 0x80)
            w--;
        size_t wl = i - w;
        if (wl == 1 && t[w] >= 'A' && t[w] <= 'Z')
            return 0;
        if (w > 0 && t[w - 1] == '.')
            return 0;
        for (size_t a = 0; abbreviations[a] && wl > 0; a++) {
            size_t al = strlen(abbreviations[a]);
            if (al != wl)
                continue;
            size_t q = 0;
            while (q < al && (t[w + q] | 0x20) == abbreviations[a][q])
                q++;
            if (q == al)
                return 0;
        }
    }
    /* the next word, if any, must not go on in lowercase */
    size_t k = j;
    while (k < len && (t[k] == ' ' || is_marker(t[k]) || t[k] == '"' || t[k] == '('))
        k++;
    if (k < len && is_lower((unsigned char)t[k]))
        return 0;
    return j;
}

/*** Paragraph nodes ***/

/* Builds one paragraph's inlines from text with markers, emphasis carried across the
 * paragraphs of a turn. */
typedef struct inline_builder {
    int want_em, want_strong, em_first; /* wanted emphasis, and which was opened first */
    cmark_node *stack[2];               /* emphasis nodes open in the current paragraph */
    int depth;
    int has_em, has_strong;             /* what stack holds */
    strbuf run;                         /* a run of text made typographic */
} inline_builder;

static void builder_sync(inline_builder *ib, cmark_node *para)
{
    if (ib->has_em == ib->want_em && ib->has_strong == ib->want_strong)
        return;
    ib->depth = 0;
    ib->has_em = ib->has_strong = 0;
    cmark_node *parent = para;
    for (int pass = 0; pass < 2; pass++) {
        int em = (pass == 0) == ib->em_first;
        if (em && ib->want_em) {
            cmark_node *e = cmark_node_new(CMARK_NODE_EMPH);
            cmark_node_append_child(parent, e);
            parent = ib->stack[ib->depth++] = e;
            ib->has_em = 1;
        } else if (!em && ib->want_strong) {
            cmark_node *s = cmark_node_new(CMARK_NODE_STRONG);
            cmark_node_append_child(parent, s);
            parent = ib->stack[ib->depth++] = s;
            ib->has_strong = 1;
        }
    }
}

/* Typographic punctuation, as cmark's smart option gives Markdown input: straight quotes curled
 * by what comes before them, "..." an ellipsis, "--" an en dash and "---" an em dash. `prev` is
 * the byte before s (0 at the start of a paragraph), updated. */
static const unsigned char smart_stop[256] = {
    [CUE_EM_OPEN] = 2, [CUE_EM_CLOSE] = 2, [CUE_STRONG_OPEN] = 2, [CUE_STRONG_CLOSE] = 2,
    [CUE_VOICE_CHANGE] = 2, ['"'] = 1, ['\''] = 1, ['.'] = 1, ['-'] = 1};

/* Typographic punctuation for s[i..n) up to the first marker; returns where it stopped. */
static size_t smart_run(const char *s, size_t i, size_t n, strbuf *out, unsigned char *prev)
{
    while (i < n) {
        /* copy up to the next byte that may change */
        size_t k = i;
        while (k < n && !smart_stop[(unsigned char)s[k]])
            k++;
        if (k > i) {
            strbuf_add(out, s + i, k - i);
            *prev = (unsigned char)s[k - 1];
            i = k;
            if (i == n)
                break;
        }
        unsigned char c = (unsigned char)s[i], p = *prev;
        if (smart_stop[c] == 2)
            break;
        int after_word = p && p != ' ' && p != '(' && p != '[' && p != '{' && p != '-' &&
                         p != 0x9C && p != 0x98;
        if (c == '"') {
            strbuf_add(out, after_word ? "\xe2\x80\x9d" : "\xe2\x80\x9c", 3);
            *prev = after_word ? 0x9D : 0x9C;
        } else if (c == '\'') {
            strbuf_add(out, after_word || (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
                                ? "\xe2\x80\x99"
                                : "\xe2\x80\x98",
                       3);
            *prev = after_word ? 0x99 : 0x98;
        } else if (c == '.' && i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.') {
            strbuf_add(out, "\xe2\x80\xa6", 3);
            i += 2;
            while (i + 1 < n && s[i + 1] == '.')
                i++;
            *prev = 0xA6;
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            int em = i + 2 < n && s[i + 2] == '-';
            strbuf_add(out, em ? "\xe2\x80\x94" : "\xe2\x80\x93", 3);
            i += em ? 2 : 1;
            while (i + 1 < n && s[i + 1] == '-')
                i++;
            *prev = '-';
        } else {
            strbuf_addc(out, (char)c);
            *prev = c;
        }
        i++;
    }
    return i;
}

/* Paragraph from t[from..to); appends its plain text to `plain`. NULL when it holds no text. */
static cmark_node *paragraph_build(inline_builder *ib, const char *t, size_t from, size_t to,
                                   strbuf *plain)
{
    cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    int any = 0;
    unsigned char prev = 0;
    ib->depth = 0;
    ib->has_em = ib->has_strong = 0;
    while (from < to && (t[from] == ' ' || t[from] == CUE_VOICE_CHANGE))
        from++;
    while (to > from && t[to - 1] == ' ')
        to--;
    size_t i = from;
    while (i < to) {
        char c = t[i];
        if (is_marker(c)) {
            if (c == CUE_EM_OPEN && !ib->want_em) {
                ib->want_em = 1;
                ib->em_first = !ib->want_strong;
            } else if (c == CUE_EM_CLOSE) {
                ib->want_em = 0;
            } else if (c == CUE_STRONG_OPEN && !ib->want_strong) {
                ib->want_strong = 1;
                ib->em_first = ib->want_em;
            } else if (c == CUE_STRONG_CLOSE) {
                ib->want_strong = 0;
            }
            i++;
            continue;
        }
        /* a voice change between words leaves two spaces: make them one */
        if (t[i] == ' ' && any && plain->len && plain->data[plain->len - 1] == ' ')
            i++;
        ib->run.len = 0;
        size_t k = smart_run(t, i, to, &ib->run, &prev);
        if (ib->run.len) {
            builder_sync(ib, para);
            cmark_node *parent = ib->depth ? ib->stack[ib->depth - 1] : para;
            cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
            cmark_node_set_literal(text, ib->run.data); /* NUL-terminated by strbuf */
            cmark_node_append_child(parent, text);
            strbuf_add(plain, ib->run.data, ib->run.len);
            any = 1;
        }
        i = k;
    }
    if (!any) {
        cmark_node_free(para);
        return NULL;
    }
    strbuf_add(plain, "\n\n", 2);
    return para;
}

/*** Turns ***/

typedef struct boundary {
    size_t off;      /* where the cue's text starts in the turn's text */
    long long start; /* the cue's start, -1 when unknown */
    int pause;       /* a long pause comes before the cue */
} boundary;

typedef struct resolved {
    const char *label; /* as the file writes it */
    const char *name;  /* what the book shows */
    speaker_role role;
} resolved;

typedef struct builder {
    article *a;
    const build_options *o;
    strbuf text;          /* the current turn's text */
    boundary *bounds;
    size_t n_bounds, cap_bounds;
    joiner join;
    const resolved *speaker; /* of the current turn, NULL for none */
    int hours;               /* timestamps as h:mm:ss */
    int punctuated;          /* sentences end with punctuation */
    strbuf plain;            /* the article's text, for word counts */
    size_t paragraphs;
    strmap *cast_seen;
} builder;

static void timestamp_text(const builder *b, long long ms, char *buf)
{
    buf[0] = '[';
    cue_time_format(ms, b->hours, buf + 1);
    size_t n = strlen(buf);
    buf[n] = ']';
    buf[n + 1] = '\0';
}

/* Does a sentence end just before i (but for spaces and markers), after p0? */
static int sentence_ends_before(const char *t, size_t len, size_t p0, size_t i)
{
    size_t at = i;
    while (at > p0 && (t[at - 1] == ' ' || is_marker(t[at - 1])))
        at--;
    /* a stage direction after the sentence, "... wedged. [birdsong]", stands outside it */
    if (at > p0 && (t[at - 1] == ']' || t[at - 1] == ')')) {
        char open = t[at - 1] == ']' ? '[' : '(';
        size_t q = at - 1;
        while (q > p0 && at - q < 80 && t[q - 1] != open)
            q--;
        if (q > p0 && t[q - 1] == open) {
            at = q - 1;
            while (at > p0 && (t[at - 1] == ' ' || is_marker(t[at - 1])))
                at--;
        }
    }
    for (size_t q = at; q > p0 && at - q < 8; q--) {
        size_t e = sentence_end_at(t, len, q - 1);
        if (!e)
            continue;
        while (e < at && (t[e] == ' ' || is_marker(t[e])))
            e++;
        return e >= at;
    }
    return 0;
}

/* Bytes that may end a sentence: '.', '!', '?', and the first byte of '…'. */
static const unsigned char sentence_mark[256] = {['.'] = 1, ['!'] = 1, ['?'] = 1, [0xE2] = 1,
                                                  [0xE3] = 1, [0xEF] = 1};

/* Where the current turn's text is cut into paragraphs (offsets, the last one its length). The
 * text is visited by events, not byte by byte: cue boundaries, voice changes (memchr) and, once
 * a paragraph is past CAPTIONS_PARA_SOFT, sentence marks. */
static size_t cuts_find(const builder *b, size_t **cuts_out)
{
    const char *t = b->text.data;
    size_t len = b->text.len, p0 = 0, bi = 0, n = 0, cap = 16, i = 0;
    size_t *cuts = xmalloc(cap * sizeof *cuts);
    while (i < len) {
        size_t cut = 0;
        while (bi < b->n_bounds && b->bounds[bi].off < i)
            bi++;
        if (bi < b->n_bounds && b->bounds[bi].off == i) {
            int pause = 0;
            for (; bi < b->n_bounds && b->bounds[bi].off == i; bi++)
                pause |= b->bounds[bi].pause;
            if (i > p0 && cue_text_visible(t + p0, i - p0) &&
                ((pause && (!b->punctuated || sentence_ends_before(t, len, p0, i))) ||
                 (!b->punctuated && i - p0 >= CAPTIONS_PARA_SOFT)))
                cut = i;
        }
        if (!cut) {
            size_t end = bi < b->n_bounds ? b->bounds[bi].off : len, v = end;
            if (b->speaker == NULL) {
                const char *m = memchr(t + i, CUE_VOICE_CHANGE, end - i);
                if (m)
                    v = (size_t)(m - t);
            }
            if (b->punctuated) {
                for (size_t k = i > p0 + CAPTIONS_PARA_SOFT ? i : p0 + CAPTIONS_PARA_SOFT;
                     k < v && !cut; k++) {
                    if (!sentence_mark[(unsigned char)t[k]])
                        continue;
                    size_t e = sentence_end_at(t, len, k);
                    if (e && e < len)
                        cut = e;
                }
            }
            if (!cut && v < end && v > p0 && cue_text_visible(t + p0, v - p0))
                cut = v;
            if (!cut) {
                i = v < end ? v + 1 : end;
                continue;
            }
        }
        if (n + 1 >= cap) {
            cap *= 2;
            cuts = xrealloc(cuts, cap * sizeof *cuts);
        }
        cuts[n++] = cut;
        p0 = i = cut;
    }
    cuts[n++] = len;
    *cuts_out = cuts;
    return n;
}

/* Cut the current turn's text into paragraphs and append them (as a turn, or loose) to the
 * document. */
static void turn_flush(builder *b)
{
    const char *t = b->text.data;
    cmark_node *turn = NULL;
    inline_builder ib;
    size_t *cuts = NULL, n_cuts, p0 = 0, bj = 0;
    char ts[32];

    memset(&ib, 0, sizeof ib);
    if (b->text.len == 0)
        goto out;
    n_cuts = cuts_find(b, &cuts);
    for (size_t c = 0; c < n_cuts; c++) {
        while (bj + 1 < b->n_bounds && b->bounds[bj + 1].off <= p0)
            bj++;
        long long start = b->n_bounds ? b->bounds[bj].start : -1;
        cmark_node *para = paragraph_build(&ib, t, p0, cuts[c], &b->plain);
        p0 = cuts[c];
        if (!para)
            continue;
        int keep_ts = !b->o->timestamps_drop && start >= 0;
        if (keep_ts)
            timestamp_text(b, start, ts);
        if (b->speaker && !turn) {
            /* the turn and its label, as model/turn.h shapes every turn */
            turn = sem_node_new(b->a->arena, SEM_DIV, turn_class(b->speaker->role), NULL);
            turn_label_prepend(para, b->a->arena, b->speaker->name, keep_ts ? ts : NULL, NULL);
            cmark_node_append_child(turn, para);
            cmark_node_append_child(b->a->doc, turn);
        } else if (b->speaker) {
            cmark_node_append_child(turn, para);
        } else {
            if (keep_ts) {
                cmark_node *first = cmark_node_first_child(para);
                cmark_node_insert_before(first,
                                         turn_span_new(b->a->arena, "timestamp", ts, strlen(ts)));
                cmark_node_insert_before(first, mdtree_text_new(" ", 1));
            }
            cmark_node_append_child(b->a->doc, para);
        }
        b->paragraphs++;
    }
out:
    strbuf_release(&ib.run);
    free(cuts);
    b->text.len = 0;
    b->n_bounds = 0;
    b->join.quote_open = 0;
}

static void bound_add(builder *b, long long start, int pause)
{
    if (b->n_bounds == b->cap_bounds) {
        b->cap_bounds = b->cap_bounds ? 2 * b->cap_bounds : 64;
        b->bounds = xrealloc(b->bounds, b->cap_bounds * sizeof *b->bounds);
    }
    boundary *bd = &b->bounds[b->n_bounds++];
    bd->off = b->text.len;
    bd->start = start;
    bd->pause = pause;
}

/* Append a cue's text, line by line, to the turn. */
static void cue_append(builder *b, const cue *c, int pause)
{
    bound_add(b, c->start, pause);
    const char *s = c->text, *end = c->text + c->len;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl : end;
        join_piece(&b->join, s, (size_t)(stop - s));
        s = nl ? nl + 1 : end;
    }
}

/*** Cue selection ***/

/* Should cue i be left out as a repeat? *skip_first_line: its first line repeats the previous
 * cue's last line (roll-up captions) and is to be left out. */
static int cue_repeats(const cue_list *l, size_t i, long long prev_kept, int *skip_first_line)
{
    const cue *c = &l->items[i];
    *skip_first_line = 0;
    if (prev_kept < 0)
        return 0;
    /* every card written twice: same times, same speaker, same text */
    for (long long k = prev_kept; k >= 0 && prev_kept - k < 8; k--) {
        const cue *p = &l->items[k];
        if (p->start != c->start)
            break;
        if (p->end == c->end && p->speaker == c->speaker && p->len == c->len &&
            memcmp(p->text, c->text, c->len) == 0)
            return 1;
    }
    const cue *p = &l->items[prev_kept];
    if (c->start < 0 || p->end < 0 || c->speaker != p->speaker)
        return 0;
    /* c's first line is p's last line? (p's text ends with it, after a line end) */
    const char *nl = memchr(c->text, '\n', c->len);
    size_t first_n = nl ? (size_t)(nl - c->text) : c->len;
    if (first_n > p->len || memcmp(p->text + p->len - first_n, c->text, first_n) != 0 ||
        (first_n < p->len && p->text[p->len - first_n - 1] != '\n') ||
        !cue_text_visible(c->text, first_n))
        return 0;
    if (!nl)
        return c->end - c->start < 100 || c->start < p->end; /* a held line */
    *skip_first_line = c->start <= p->end + 100;
    return 0;
}

/* Count sentence-ending punctuation: a transcript with less than one per 500 bytes has no
 * sentences to respect. */
static int transcript_punctuated(const cue_list *l)
{
    size_t ends = 0, bytes = 0;
    for (size_t i = 0; i < l->len; i++) {
        const cue *c = &l->items[i];
        bytes += c->len;
        for (const char *m = ".?!"; *m; m++)
            for (const char *q = memchr(c->text, *m, c->len); q;
                 q = memchr(q + 1, *m, c->len - (size_t)(q + 1 - c->text)))
                ends++;
        for (const char *m = "\xe3\xef"; *m; m++) /* 。！？ */
            for (const char *q = memchr(c->text, *m, c->len); q;
                 q = memchr(q + 1, *m, c->len - (size_t)(q + 1 - c->text)))
                if ((size_t)(c->text + c->len - q) >= 3 && cjk_stop(q))
                    ends++;
    }
    return ends * 500 >= bytes;
}

/*** Names ***/

static char *key_lower(const char *s)
{
    char *k = xstrdup(s);
    for (char *p = k; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return k;
}

static void names_index(strmap *m, const speaker_list *l)
{
    for (size_t i = 0; l && i < l->len; i++) {
        char *k = key_lower(l->items[i].label);
        strmap_put(m, k, &l->items[i]);
        free(k);
    }
}

/* The speaker of label (interned), resolved once. */
static const resolved *resolve(builder *b, strmap *cache, const strmap *names, const char *label)
{
    resolved *r = strmap_get(cache, label);
    if (r)
        return r;
    r = arena_alloc(b->a->arena, sizeof *r);
    char *k = key_lower(label);
    const speaker *s = strmap_get(names, k);
    free(k);
    r->label = label;
    r->name = arena_strdup(b->a->arena, s && s->name && *s->name ? s->name : label);
    r->role = s ? s->role : SPEAKER_ROLE_UNKNOWN;
    strmap_put(cache, label, r);
    return r;
}

static int label_unknown(const char *name)
{
    return str_casecmp_ascii(name, "unknown") == 0 ||
           str_casecmp_ascii(name, "unknown speaker") == 0;
}

int captions_build(article *a, const cue_list *cues, const speaker_list *names,
                   const build_options *o)
{
    int ret = -1;
    builder b;
    strmap *name_map = strmap_new(), *cache = strmap_new();
    long long prev_kept = -1, max_end = -1, last_start = 0;

    memset(&b, 0, sizeof b);
    b.a = a;
    b.o = o;
    b.join.t = &b.text;
    b.cast_seen = strmap_new();
    b.punctuated = transcript_punctuated(cues);
    for (size_t i = 0; i < cues->len; i++)
        if (cues->items[i].start > last_start)
            last_start = cues->items[i].start;
    b.hours = last_start >= 3600 * 1000LL;
    {
        size_t bytes = 0; /* the prose is about as long as the cues' text */
        for (size_t i = 0; i < cues->len; i++)
            bytes += cues->items[i].len + 1;
        strbuf_grow(&b.plain, bytes + bytes / 8);
    }
    names_index(name_map, &cues->names);
    names_index(name_map, names);
    a->doc = cmark_node_new(CMARK_NODE_DOCUMENT);

    const resolved *current = NULL;
    for (size_t i = 0; i < cues->len; i++) {
        const cue *c = &cues->items[i];
        int skip_line;
        if (!cue_text_visible(c->text, c->len) || cue_repeats(cues, i, prev_kept, &skip_line))
            continue;
        prev_kept = (long long)i;
        const resolved *who = c->speaker ? resolve(&b, cache, name_map, c->speaker) : current;
        if (who != current) {
            turn_flush(&b);
            max_end = -1;
            /* "Unknown" labels a turn, but is nobody to list among those taking part */
            if (!o->speakers_off && who && strmap_add(b.cast_seen, who->label, NULL) &&
                !label_unknown(who->name))
                speaker_list_add(&a->cast, who->label, who->name, who->role);
            current = who;
            b.speaker = o->speakers_off ? NULL : who;
            if (o->speakers_off && who) {
                /* --speakers=off: no turns, the name stays as the text says it */
                char *said = xasprintf("%s:", who->name);
                join_piece(&b.join, said, strlen(said));
                free(said);
            }
        }
        int pause = max_end >= 0 && c->start >= 0 && c->start - max_end >= CAPTIONS_PAUSE_MS;
        if (skip_line) {
            cue shown = *c;
            const char *nl = memchr(c->text, '\n', c->len);
            shown.text = nl + 1;
            shown.len = c->len - (size_t)(nl + 1 - c->text);
            cue_append(&b, &shown, pause);
        } else {
            cue_append(&b, c, pause);
        }
        /* a cue whose end is not known (JSON without endTime, HTML transcripts) tells of no
         * pause before the next one */
        if (c->end < 0)
            max_end = -1;
        else if (c->end > max_end)
            max_end = c->end;
    }
    turn_flush(&b);
    if (b.paragraphs == 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, article_file(a), 0,
                 "has no text in its cues; there is nothing to make a book of");
        goto out;
    }
    a->text = strbuf_detach(&b.plain, &a->text_len);
    ret = 0;
out:
    strbuf_release(&b.text);
    strbuf_release(&b.plain);
    free(b.bounds);
    strmap_free(b.cast_seen);
    strmap_free(name_map);
    strmap_free(cache);
    return ret;
}

int captions_read(article *a, const char *raw, size_t len, captions_format f,
                  const speaker_list *names, const build_options *o)
{
    int ret = -1;
    size_t clean_len = 0;
    const char *file = article_file(a);
    char *clean = text_clean(raw, len, file, &clean_len, &a->diags);
    cue_list cues;
    int rc;

    cue_list_init(&cues);
    switch (f) {
    case CAPTIONS_VTT: rc = vtt_parse(clean, clean_len, file, &cues, &a->diags); break;
    case CAPTIONS_SRT: rc = srt_parse(clean, clean_len, file, &cues, &a->diags); break;
    case CAPTIONS_JSON: rc = podjson_parse(clean, clean_len, file, &cues, &a->diags); break;
    default: rc = -1; break;
    }
    if (rc != 0)
        goto out;
    cue_list_settle(&cues);
    {
        struct sha1_ctx sha;
        sha1_init(&sha);
        sha1_update(&sha, clean_len, (const uint8_t *)clean);
        sha1_digest(&sha, sizeof a->digest, a->digest);
    }
    if (cues.lang && !a->meta.lang)
        meta_set(&a->meta.lang, cues.lang);
    a->captions = 1;
    if (captions_build(a, &cues, names, o) != 0)
        goto out;
    ret = 0;
out:
    cue_list_free(&cues);
    free(clean);
    return ret;
}
