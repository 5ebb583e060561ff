/* cues.c: the cue model shared by the caption readers: times, markup, speaker labels. */
#include "readers/cues.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/*** The list ***/

void cue_list_init(cue_list *l)
{
    memset(l, 0, sizeof *l);
    l->arena = arena_new();
    l->labels = strmap_new();
}

void cue_list_free(cue_list *l)
{
    if (!l)
        return;
    free(l->items);
    arena_free(l->arena);
    strmap_free(l->labels);
    free(l->lang);
    speaker_list_clear(&l->names);
    memset(l, 0, sizeof *l);
}

/* Label s[0..n) without the blanks around it, as a new string the caller frees; NULL when
 * nothing is left. */
static char *label_key(const char *s, size_t n)
{
    while (n > 0 && is_blank(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    return n ? xstrndup(s, n) : NULL;
}

/* The interned copy of label s[0..n) when the file has it already, else NULL. */
static const char *label_known(const cue_list *l, const char *s, size_t n)
{
    char *key = label_key(s, n);
    if (!key)
        return NULL;
    const char *have = strmap_get(l->labels, key);
    free(key);
    return have;
}

const char *cue_label_intern(cue_list *l, const char *s, size_t n)
{
    char *key = label_key(s, n);
    if (!key)
        return NULL;
    const char *have = strmap_get(l->labels, key);
    if (!have) {
        have = arena_strdup(l->arena, key);
        strmap_put(l->labels, key, (void *)have);
    }
    free(key);
    return have;
}

/* Copy text into the arena with white space tidied: each line trimmed, runs of spaces and tabs
 * made one space, empty lines dropped, spaces moved outside emphasis ("<i> so </i>" reads
 * " so" with the emphasis on "so"), emphasis around nothing dropped. */
static char *text_tidy(arena *a, const char *s, size_t n, size_t *out_len)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    int space = 0, newline = 0;  /* pending before the next visible byte */
    char opens[4];               /* open markers waiting for a visible byte */
    size_t n_opens = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((unsigned char)c > ' ' && !newline && !space && n_opens == 0) {
            /* the common case: a run of ordinary bytes, copied at once */
            size_t k = i + 1;
            while (k < n && ((unsigned char)s[k] > ' ' ||
                             (s[k] == ' ' && k + 1 < n && (unsigned char)s[k + 1] > ' ')))
                k++;
            memcpy(out + o, s + i, k - i);
            o += k - i;
            i = k - 1;
            continue;
        }
        if (c == '\n') {
            space = 0;
            newline = o > 0;
            continue;
        }
        if (is_blank(c)) {
            space = o > 0 && !newline;
            continue;
        }
        if (c == CUE_EM_OPEN || c == CUE_STRONG_OPEN) {
            if (n_opens < sizeof opens)
                opens[n_opens++] = c;
            continue;
        }
        if (c == CUE_EM_CLOSE || c == CUE_STRONG_CLOSE) {
            char open = c == CUE_EM_CLOSE ? CUE_EM_OPEN : CUE_STRONG_OPEN;
            size_t k = n_opens;
            while (k > 0 && opens[k - 1] != open)
                k--;
            if (k > 0) { /* opened and closed around nothing */
                memmove(opens + k - 1, opens + k, n_opens - k);
                n_opens--;
            } else {
                out[o++] = c;
            }
            continue;
        }
        if (newline)
            out[o++] = '\n';
        else if (space)
            out[o++] = ' ';
        newline = space = 0;
        for (size_t k = 0; k < n_opens; k++)
            out[o++] = opens[k];
        n_opens = 0;
        out[o++] = c;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

cue *cue_list_add(cue_list *l, long long start, long long end, const char *who,
                  const char *text, size_t len, int line)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    cue *c = &l->items[l->len++];
    c->start = start;
    c->end = end;
    c->speaker = who;
    c->text = text_tidy(l->arena, text, len, &c->len);
    c->line = line;
    return c;
}

/*** Times ***/

static int digits2(const char *s)
{
    return is_digit(s[0]) && is_digit(s[1]);
}

size_t cue_time_parse(const char *s, size_t n, long long *ms)
{
    /* the usual shape first: "hh:mm:ss.ttt" (',' for '.') */
    if (n >= 12 && digits2(s) && s[2] == ':' && digits2(s + 3) && s[5] == ':' && digits2(s + 6) &&
        (s[8] == '.' || s[8] == ',') && digits2(s + 9) && is_digit(s[11]) &&
        (n == 12 || !(is_digit(s[12]) || s[12] == ':' || s[12] == '.' || s[12] == ',')) &&
        s[3] < '6' && s[6] < '6') {
        *ms = (((s[0] - '0') * 10 + (s[1] - '0')) * 3600LL + ((s[3] - '0') * 10 + (s[4] - '0')) * 60 +
               (s[6] - '0') * 10 + (s[7] - '0')) * 1000 +
              (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
        return 12;
    }
    long long groups[3];
    size_t n_groups = 0, i = 0;
    for (;;) {
        size_t d = 0;
        long long v = 0;
        while (i + d < n && is_digit(s[i + d]) && d < 10) {
            v = v * 10 + (s[i + d] - '0');
            d++;
        }
        if (d == 0 || (i + d < n && is_digit(s[i + d])))
            return 0;
        groups[n_groups++] = v;
        i += d;
        if (i < n && s[i] == ':' && n_groups < 3) {
            i++;
            continue;
        }
        break;
    }
    long long frac = 0;
    if (i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n && is_digit(s[i + 1])) {
        i++;
        size_t d = 0;
        long long scale = 100;
        while (i < n && is_digit(s[i])) {
            if (d < 3) {
                frac += (s[i] - '0') * scale;
                scale /= 10;
            }
            if (++d > 9)
                return 0;
            i++;
        }
    }
    if (i < n && (is_digit(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == ','))
        return 0;
    /* after a colon, minutes and seconds are below 60 */
    for (size_t k = 1; k < n_groups; k++)
        if (groups[k] > 59)
            return 0;
    long long total = 0;
    for (size_t k = 0; k < n_groups; k++)
        total = total * 60 + groups[k];
    *ms = total * 1000 + frac;
    return i;
}

int cue_timing_parse(const char *s, size_t n, long long *start, long long *end)
{
    size_t i = 0, k;
    while (i < n && is_blank(s[i]))
        i++;
    if (!(k = cue_time_parse(s + i, n - i, start)))
        return 0;
    i += k;
    while (i < n && is_blank(s[i]))
        i++;
    if (n - i < 3 || memcmp(s + i, "-->", 3) != 0)
        return 0;
    i += 3;
    while (i < n && is_blank(s[i]))
        i++;
    if (!(k = cue_time_parse(s + i, n - i, end)))
        return 0;
    i += k;
    return i == n || is_blank(s[i]);
}

int cue_text_visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] > CUE_VOICE_CHANGE && s[i] != ' ' && s[i] != '\n')
            return 1;
    return 0;
}

int cue_line_timing_like(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    int digit_first = i < n && is_digit(s[i]);
    const char *gt = memchr(s + i, '>', n - i);
    while (gt) {
        size_t k = (size_t)(gt - s);
        if (k > i && s[k - 1] == '-')
            return digit_first || (k > i + 1 && s[k - 2] == '-');
        gt = memchr(gt + 1, '>', n - k - 1);
    }
    return 0;
}

void cue_lines_init(cue_lines *it, const char *text, size_t len)
{
    it->text = text;
    it->len = len;
    it->pos = 0;
    it->line = 0;
    it->seen_pos = (size_t)-1;
    it->seen_n = 0;
}

int cue_lines_peek(cue_lines *it, const char **s, size_t *n)
{
    if (it->pos >= it->len)
        return 0;
    const char *p = it->text + it->pos;
    if (it->seen_pos != it->pos) {
        const char *nl = memchr(p, '\n', it->len - it->pos);
        it->seen_pos = it->pos;
        it->seen_n = nl ? (size_t)(nl - p) : it->len - it->pos;
    }
    *s = p;
    *n = it->seen_n;
    return 1;
}

int cue_lines_next(cue_lines *it, const char **s, size_t *n)
{
    if (!cue_lines_peek(it, s, n))
        return 0;
    it->pos += *n + 1;
    it->line++;
    return 1;
}

int cue_line_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]))
            return 0;
    return 1;
}

void cue_time_format(long long ms, int hours, char *buf)
{
    long long s = ms < 0 ? 0 : ms / 1000;
    char *p = buf;
    long long lead = hours ? s / 3600 : s / 60; /* hours, or minutes without hours */
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + lead % 10);
        lead /= 10;
    } while (lead);
    if (!hours && nd < 2)
        *p++ = '0';
    while (nd)
        *p++ = digits[--nd];
    if (hours) {
        *p++ = ':';
        *p++ = (char)('0' + s / 60 % 60 / 10);
        *p++ = (char)('0' + s / 60 % 10);
    }
    *p++ = ':';
    *p++ = (char)('0' + s % 60 / 10);
    *p++ = (char)('0' + s % 10);
    *p = '\0';
}

/*** Markup ***/

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Is s[0..n) word w (ASCII, case-insensitive)? */
static int word_is(const char *s, size_t n, const char *w)
{
    size_t k = 0;
    for (; k < n && w[k]; k++)
        if (lower((unsigned char)s[k]) != w[k])
            return 0;
    return k == n && !w[k];
}


/* Append code point cp as UTF-8 (U+FFFD for what XML or UTF-8 cannot hold). */
static void utf8_add(strbuf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0xD800 && cp <= 0xDFFF) ||
        cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        strbuf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        strbuf_add(b, u, 4);
    }
}

/* A character reference at s[0] == '&' (WebVTT: named ones real files use, and numeric ones):
 * appends its character and returns its length, or 0 when there is none (the '&' is text). */
static size_t entity_take(const char *s, size_t n, strbuf *b)
{
    static const struct {
        const char *name;
        const char *utf8;
    } named[] = {{"amp", "&"},           {"lt", "<"},
                 {"gt", ">"},            {"quot", "\""},
                 {"apos", "'"},          {"nbsp", "\xc2\xa0"},
                 {"lrm", "\xe2\x80\x8e"}, {"rlm", "\xe2\x80\x8f"},
                 {"hellip", "\xe2\x80\xa6"}, {"mdash", "\xe2\x80\x94"},
                 {"ndash", "\xe2\x80\x93"}};
    size_t k = 1;
    while (k < n && k < 12 && s[k] != ';' && s[k] != '&' && s[k] != '<' && !is_blank(s[k]) &&
           s[k] != '\n')
        k++;
    if (k >= n || s[k] != ';' || k == 1)
        return 0;
    if (s[1] == '#') {
        unsigned long cp = 0;
        size_t i = 2;
        int hex = i < k && (s[i] == 'x' || s[i] == 'X');
        i += hex;
        if (i == k)
            return 0;
        for (; i < k; i++) {
            char c = s[i];
            int v = is_digit(c)                      ? c - '0'
                    : hex && c >= 'a' && c <= 'f'   ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F'   ? c - 'A' + 10
                                                    : -1;
            if (v < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            if (cp > 0x10FFFF)
                cp = 0x110000; /* stays out of range, never overflows */
        }
        utf8_add(b, cp);
        return k + 1;
    }
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i].name) == k - 1 && memcmp(s + 1, named[i].name, k - 1) == 0) {
            strbuf_adds(b, named[i].utf8);
            return k + 1;
        }
    return 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Longest tag looked for: a voice's name, a font's attributes. */
#define CUE_TAG_MAX 512

int cue_markup_reduce(cue_list *l, const char *s, size_t n, size_t *pos, int flags, strbuf *b,
                      const char **voice, int *em_open, int *strong_open)
{
    size_t i = *pos;
    int in_rt = 0;
    /* where the next '<', '&' and '{' are (n: none; SIZE_MAX: not looked for yet), found with
     * memchr and kept till passed */
    size_t next[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    const char stops[3] = {'<', '&', '{'};
    int wanted[3] = {1, (flags & CUE_MARKUP_VTT) != 0, (flags & CUE_MARKUP_SRT) != 0};
    while (i < n) {
        /* text up to the next byte that may start markup, copied at once */
        size_t k = n;
        for (int q = 0; q < 3; q++) {
            if (!wanted[q])
                continue;
            if (next[q] == SIZE_MAX || next[q] < i) {
                const char *m = memchr(s + i, stops[q], n - i);
                next[q] = m ? (size_t)(m - s) : n;
            }
            if (next[q] < k)
                k = next[q];
        }
        if (k > i) {
            if (!in_rt)
                strbuf_add(b, s + i, k - i);
            i = k;
            continue;
        }
        char c = s[i];
        if (c == '&' && (flags & CUE_MARKUP_VTT)) {
            size_t taken = entity_take(s + i, n - i, b);
            if (taken) {
                i += taken;
                continue;
            }
        }
        if ((flags & CUE_MARKUP_SRT) && c == '{' && i + 1 < n && s[i + 1] == '\\') {
            /* {\an8}, {\i1}: override codes of SSA/ASS kept in many .srt files */
            const char *close = memchr(s + i, '}', n - i < 64 ? n - i : 64);
            if (close) {
                i = (size_t)(close - s) + 1;
                continue;
            }
        }
        if (c != '<' || i + 1 >= n) {
            if (!in_rt)
                strbuf_addc(b, c);
            i++;
            continue;
        }
        /* A tag: "<name...>", "</name>", or "<00:00:01.000>" (VTT's inner timestamps). */
        size_t j = i + 1;
        int closing = s[j] == '/';
        j += closing;
        long long ms;
        const char *gt = memchr(s + i, '>', n - i < CUE_TAG_MAX ? n - i : CUE_TAG_MAX);
        const char *nl = memchr(s + i, '\n', gt ? (size_t)(gt - (s + i)) : 0);
        int tag_like = gt && !nl && j < n && (is_alpha(s[j]) || (!closing && is_digit(s[j])));
        if (!tag_like || (is_digit(s[j]) && cue_time_parse(s + j, (size_t)(gt - (s + j)), &ms) !=
                                                 (size_t)(gt - (s + j)))) {
            /* "a < b", "<3": text */
            if (!in_rt)
                strbuf_addc(b, c);
            i++;
            continue;
        }
        size_t name_start = j;
        while (j < (size_t)(gt - s) && (is_alpha(s[j]) || is_digit(s[j])))
            j++;
        size_t name_len = j - name_start;
        const char *name = s + name_start;
        i = (size_t)(gt - s) + 1;
#define TAG_IS(lit) (name_len == sizeof(lit) - 1 && word_is(name, name_len, lit))
        if (TAG_IS("i") || TAG_IS("em")) {
            if (!closing && !*em_open)
                strbuf_addc(b, CUE_EM_OPEN);
            else if (closing && *em_open)
                strbuf_addc(b, CUE_EM_CLOSE);
            *em_open = !closing;
        } else if (TAG_IS("b") || TAG_IS("strong")) {
            if (!closing && !*strong_open)
                strbuf_addc(b, CUE_STRONG_OPEN);
            else if (closing && *strong_open)
                strbuf_addc(b, CUE_STRONG_CLOSE);
            *strong_open = !closing;
        } else if (TAG_IS("rt")) {
            in_rt = !closing;
        } else if (TAG_IS("v") && (flags & CUE_MARKUP_VTT) && !closing && voice) {
            /* <v Name>, <v.loud Name>: the annotation after the classes is the name */
            while (j < (size_t)(gt - s) && !is_blank(s[j]))
                j++;
            const char *v = cue_label_intern(l, s + j, (size_t)(gt - (s + j)));
            if (v) {
                if (*em_open)
                    strbuf_addc(b, CUE_EM_CLOSE);
                if (*strong_open)
                    strbuf_addc(b, CUE_STRONG_CLOSE);
                *em_open = *strong_open = 0;
                *voice = v;
                *pos = i;
                return 1;
            }
        }
#undef TAG_IS
    }
    if (*em_open)
        strbuf_addc(b, CUE_EM_CLOSE);
    if (*strong_open)
        strbuf_addc(b, CUE_STRONG_CLOSE);
    *em_open = *strong_open = 0;
    *pos = n;
    return 0;
}

/*** Settling labels and dialogue dashes ***/

/* SPEAKER_1, Speaker 2, spk_0, speaker-3, Unknown, Unknown speaker: labels that name no one. */
static int label_generic(const char *s, size_t n)
{
    if (word_is(s, n, "unknown") || word_is(s, n, "unknown speaker"))
        return 1;
    size_t k = 0;
    const char *pre = n >= 7 && word_is(s, 7, "speaker") ? "speaker"
                      : n >= 3 && word_is(s, 3, "spk") ? "spk"
                                                        : NULL;
    if (!pre)
        return 0;
    k = strlen(pre);
    if (k < n && (s[k] == '_' || s[k] == ' ' || s[k] == '-'))
        k++;
    size_t d = k;
    while (d < n && is_digit(s[d]))
        d++;
    return d > k && d == n;
}

/* Words that open a caption line with a colon but are no one's name. */
static int label_editorial(const char *s, size_t n)
{
    static const char *const words[] = {
        "note",       "notes",      "nb",        "warning",      "update",     "edit",
        "translation", "translator", "music",    "caption",      "captions",   "subtitle",
        "subtitles",  "transcript", "transcription", "chapter",  "part",       "title",
        "summary",    "source",     "sources",   "time",         "date",       "location",
        "example",    "question",   "answer",    "re",           "ps",         "fyi",
        "sound",      "sfx",        "narrator note", "lyrics",   "song",       "episode",
        NULL};
    for (size_t i = 0; words[i]; i++)
        if (word_is(s, n, words[i]))
            return 1;
    return 0;
}

/* At most four words, the first starting with a capital (or a letter beyond ASCII), made of
 * letters, digits and . ' - _ ; 48 bytes at most. */
static int label_name_shaped(const char *s, size_t n)
{
    if (n == 0 || n > 48)
        return 0;
    unsigned char first = (unsigned char)s[0];
    if (!((first >= 'A' && first <= 'Z') || first >= 0xC0))
        return 0;
    int words = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ') {
            if (++words > 4 || (i + 1 < n && s[i + 1] == ' '))
                return 0;
            continue;
        }
        if (!(is_alpha((char)c) || is_digit((char)c) || c == '.' || c == '\'' || c == '-' ||
              c == '_' || c >= 0x80))
            return 0;
    }
    return 1;
}

/* Skip open emphasis markers at s[i]. */
static size_t skip_opens(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == CUE_EM_OPEN || s[i] == CUE_STRONG_OPEN))
        i++;
    return i;
}

typedef struct label_seen {
    size_t cue;         /* index of the cue */
    const char *label;  /* interned */
    size_t cut;         /* bytes of the cue's text the label takes ("Name: ") */
    size_t at;          /* where the label starts (after ">>" and emphasis openers) */
    int bracketed;
} label_seen;

/* The length of the colon at s: 1 for ':', 3 for the fullwidth '：' Chinese and Japanese write,
 * 0 when none. */
static size_t colon_len(const char *s, size_t n)
{
    if (n >= 1 && s[0] == ':')
        return 1;
    return n >= 3 && memcmp(s, "\xef\xbc\x9a", 3) == 0 ? 3 : 0;
}

/* A label at the start of text s (after ">>" and emphasis openers): "Name:", "[Name]:", or a
 * generic "[SPEAKER_1]". Fills *seen (but its label) and returns 1. */
static int label_find(const char *s, size_t n, label_seen *seen, const char **label_s,
                      size_t *label_n)
{
    size_t i = 0;
    if (n >= 2 && s[0] == '>' && s[1] == '>') {
        i = 2;
        while (i < n && is_blank(s[i]))
            i++;
    }
    i = skip_opens(s, n, i);
    seen->at = i;
    size_t lab = i, lab_end;
    int wide = 0;
    int bracketed = i < n && s[i] == '[';
    if (bracketed) {
        lab++;
        const char *close = memchr(s + lab, ']', n - lab < 64 ? n - lab : 64);
        if (!close)
            return 0;
        lab_end = (size_t)(close - s);
        i = lab_end + 1;
        size_t colon = colon_len(s + i, n - i);
        if (!colon && !label_generic(s + lab, lab_end - lab))
            return 0; /* "[Music]" is a sound, not a speaker */
        wide = colon == 3;
        i += colon;
    } else {
        size_t k = lab;
        while (k < n && k - lab < 49 && !colon_len(s + k, n - k) && s[k] != '\n')
            k++;
        size_t colon = k < n ? colon_len(s + k, n - k) : 0;
        if (!colon)
            return 0;
        lab_end = k;
        wide = colon == 3;
        i = k + colon;
    }
    /* emphasis closed right after the label: "<b>Name:</b> text" */
    while (i < n && (s[i] == CUE_EM_CLOSE || s[i] == CUE_STRONG_CLOSE))
        i++;
    if (!wide && i < n && s[i] != ' ' && s[i] != '\n')
        return 0; /* "10:30", "http://" (a fullwidth colon needs no space: "王小明：好的") */
    while (i < n && (s[i] == ' ' || s[i] == '\n'))
        i++;
    *label_s = s + lab;
    *label_n = lab_end - lab;
    while (*label_n > 0 && is_blank((*label_s)[*label_n - 1]))
        (*label_n)--;
    if (*label_n == 0)
        return 0;
    seen->cut = i;
    seen->bracketed = bracketed;
    return 1;
}

/* Rewrite leading "- " dialogue dashes and ">>" of each line as CUE_VOICE_CHANGE. Returns the
 * new text (in the arena) or NULL when there is nothing to change. */
static char *dashes_mark(arena *a, const char *s, size_t n, size_t *out_len)
{
    char *out = NULL;
    size_t o = 0, copied = 0;
    for (size_t i = 0; i < n;) {
        size_t k = skip_opens(s, n, i);
        size_t take = 0;
        if (k + 1 < n && s[k] == '>' && s[k + 1] == '>')
            take = 2;
        else if (k + 1 < n && s[k] == '-' && s[k + 1] == ' ')
            take = 2;
        else if (k + 1 < n && s[k] == '-' && (((unsigned char)s[k + 1] >= 'A' &&
                                               (unsigned char)s[k + 1] <= 'Z') ||
                                              s[k + 1] == '"'))
            take = 1;
        else if (k + 3 < n && memcmp(s + k, "\xe2\x80\x93 ", 4) == 0) /* "– " */
            take = 4;
        if (take) {
            if (!out)
                out = arena_alloc(a, n + 1);
            memcpy(out + o, s + copied, k - copied);
            o += k - copied;
            out[o++] = CUE_VOICE_CHANGE;
            k += take;
            while (k < n && is_blank(s[k]))
                k++;
            copied = k;
        }
        const char *nl = memchr(s + k, '\n', n - k);
        i = nl ? (size_t)(nl - s) + 1 : n;
    }
    if (!out)
        return NULL;
    memcpy(out + o, s + copied, n - copied);
    o += n - copied;
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* Does text s (n bytes) end a sentence: '.', '!', '?', '…', '。' and the like, before closing
 * quotes, brackets and emphasis? */
static int text_ends_sentence(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '"' || s[n - 1] == '\'' ||
                     s[n - 1] == ')' || s[n - 1] == ']' || s[n - 1] == CUE_EM_CLOSE ||
                     s[n - 1] == CUE_STRONG_CLOSE))
        n--;
    if (n == 0)
        return 1;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?')
        return 1;
    return n >= 3 && (memcmp(s + n - 3, "\xe2\x80\xa6", 3) == 0 ||
                      memcmp(s + n - 3, "\xe3\x80\x82", 3) == 0 ||
                      memcmp(s + n - 3, "\xef\xbc\x81", 3) == 0 ||
                      memcmp(s + n - 3, "\xef\xbc\x9f", 3) == 0);
}

/* The label `sn` found at the start of cue c becomes its speaker and leaves its text. */
static void label_take(cue_list *l, cue *c, const label_seen *sn)
{
    /* keep a ">>" before the label as the change of speaker it is: the label says so */
    c->speaker = sn->label;
    c->text += sn->cut;
    c->len -= sn->cut;
    /* emphasis opened before the label and not closed in it goes on in the speech */
    const char *orig = c->text - sn->cut;
    char opens[8];
    size_t n_opens = 0;
    for (size_t q = 0; q < sn->cut; q++) {
        char m = orig[q];
        if ((m == CUE_EM_OPEN || m == CUE_STRONG_OPEN) && n_opens < sizeof opens) {
            opens[n_opens++] = m;
        } else if (m == CUE_EM_CLOSE || m == CUE_STRONG_CLOSE) {
            char open = m == CUE_EM_CLOSE ? CUE_EM_OPEN : CUE_STRONG_OPEN;
            for (size_t r = n_opens; r > 0; r--)
                if (opens[r - 1] == open) {
                    memmove(opens + r - 1, opens + r, n_opens - r);
                    n_opens--;
                    break;
                }
        }
    }
    if (n_opens) {
        char *t = arena_alloc(l->arena, c->len + n_opens + 1);
        memcpy(t, opens, n_opens);
        memcpy(t + n_opens, c->text, c->len + 1);
        c->text = t;
        c->len += n_opens;
    }
}

void cue_list_settle(cue_list *l)
{
    label_seen *seen = NULL;
    size_t n_seen = 0;
    strmap *counts = NULL;

    if (!l->has_voices) {
        seen = xmalloc((l->len ? l->len : 1) * sizeof *seen);
        counts = strmap_new();
        for (size_t i = 0; i < l->len; i++) {
            cue *c = &l->items[i];
            const char *ls;
            size_t ln;
            label_seen *sn = &seen[n_seen];
            unsigned char first = c->len ? (unsigned char)c->text[0] : 0;
            if (first >= 'a' && first <= 'z' && first != 's' && first != 'u')
                continue; /* most cues: speech going on in lower case (but spk_0:, unknown:) */
            if (!label_find(c->text, c->len, sn, &ls, &ln))
                continue;
            int generic = label_generic(ls, ln);
            if (!generic && (!label_name_shaped(ls, ln) || label_editorial(ls, ln)))
                continue;
            sn->cue = i;
            sn->label = cue_label_intern(l, ls, ln);
            sn->bracketed |= generic;
            uintptr_t k = (uintptr_t)strmap_get(counts, sn->label);
            strmap_put(counts, sn->label, (void *)(k + 1));
            n_seen++;
        }
        size_t recurring = 0;
        strmap *counted = strmap_new();
        for (size_t i = 0; i < n_seen; i++)
            if ((uintptr_t)strmap_get(counts, seen[i].label) >= 2 &&
                strmap_add(counted, seen[i].label, NULL))
                recurring++;
        strmap_free(counted);
        for (size_t i = 0; i < n_seen; i++) {
            label_seen *sn = &seen[i];
            uintptr_t k = (uintptr_t)strmap_get(counts, sn->label);
            if (!(sn->bracketed || k >= 3 || recurring >= 2))
                continue;
            label_take(l, &l->items[sn->cue], sn);
        }
    } else {
        /* Voices name the speakers; a cue without one that opens with the name of a voice of
         * the file ("Bo: ..." where <v Bo> speaks elsewhere) is that voice's. */
        for (size_t i = 0; i < l->len; i++) {
            cue *c = &l->items[i];
            const char *ls;
            size_t ln;
            label_seen sn;
            if (c->speaker || !label_find(c->text, c->len, &sn, &ls, &ln))
                continue;
            /* "My teacher wrote" / "Hana Sato: oak only": a sentence going on, not a label */
            if (i > 0 && sn.cut < c->len && c->text[sn.cut] >= 'a' && c->text[sn.cut] <= 'z' &&
                !text_ends_sentence(l->items[i - 1].text, l->items[i - 1].len))
                continue;
            sn.label = label_known(l, ls, ln);
            if (sn.label)
                label_take(l, c, &sn);
        }
    }
    for (size_t i = 0; i < l->len; i++) {
        cue *c = &l->items[i];
        size_t n;
        char *t = dashes_mark(l->arena, c->text, c->len, &n);
        if (t) {
            c->text = t;
            c->len = n;
        }
    }
    free(seen);
    strmap_free(counts);
}
