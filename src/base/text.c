/* text.c: input text hygiene (UTF-8, characters XML forbids, line endings) and slugs.
 *
 * Everything here runs over whole input files (the build reads ~120 MB of text), so each
 * function is one linear pass with a single output allocation. */
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Past this many lines with invalid UTF-8 in one file, one summary warning replaces the rest:
 * a file in another encoding would otherwise bury every other message. */
#define TEXT_MAX_UTF8_WARNINGS 20

/*** UTF-8 ***/

/* Length of the well-formed UTF-8 sequence at s (Unicode Table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), and its code point in *cp. When the sequence is
 * ill-formed, returns 0 and sets *bad to the length of its maximal subpart (at least 1), which
 * is what one U+FFFD replaces (the W3C/WHATWG practice). */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp, size_t *bad)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *bad = 1; /* continuation byte, C0/C1 (overlong) or F5..FF */
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned char b = k < avail ? s[k] : 0;
        unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (k >= avail || b < l || b > h) {
            *bad = k;
            return 0;
        }
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return need + 1;
}

/*** text_clean ***/

typedef struct clean_state {
    const char *file;
    diag_list *diags;
    int line;
    int last_bad_line;   /* last line warned about for invalid UTF-8 */
    size_t bad_lines;    /* lines with invalid UTF-8 */
    int first_unlisted;  /* first line with invalid UTF-8 past the warning cap */
    size_t dropped;      /* characters XML forbids */
    int first_dropped;   /* line of the first one */
} clean_state;

static void note_invalid_utf8(clean_state *st)
{
    if (st->last_bad_line == st->line)
        return;
    st->last_bad_line = st->line;
    st->bad_lines++;
    if (st->bad_lines <= TEXT_MAX_UTF8_WARNINGS)
        diag_add(st->diags, DIAG_WARNING, NULL, st->file, st->line,
                 "invalid UTF-8 replaced by U+FFFD; save the file as UTF-8 (it may be in "
                 "Latin-1 or Windows-1252)");
    else if (st->first_unlisted == 0)
        st->first_unlisted = st->line;
}

static void note_dropped(clean_state *st)
{
    if (st->dropped++ == 0)
        st->first_dropped = st->line;
}

char *text_clean(const char *in, size_t len, const char *file, size_t *outlen, diag_list *diags)
{
    const unsigned char *s = (const unsigned char *)in;
    clean_state st = {file, diags, 1, 0, 0, 0, 0, 0};
    /* Invariant: the room left in out is at least what is left of the input, so only a U+FFFD
     * that replaces fewer than 3 bytes can need more. */
    size_t cap = len + 1, o = 0, i = 0;
    char *out = xmalloc(cap);

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    while (i < len) {
        /* Copy the run of printable ASCII at once; find its end eight bytes at a time (no byte
         * with the high bit set, none below 0x20), then byte by byte. */
        size_t run = i;
        for (uint64_t x; run + 8 <= len; run += 8) {
            memcpy(&x, s + run, 8);
            if ((x & BYTES_HI) || ((x - BYTES_ALL(0x20)) & ~x & BYTES_HI))
                break;
        }
        while (run < len && s[run] >= 0x20 && s[run] < 0x80)
            run++;
        if (run > i) {
            memcpy(out + o, s + i, run - i);
            o += run - i;
            i = run;
            if (i == len)
                break;
        }
        unsigned char c = s[i];
        if (c == '\n' || c == '\r') {
            out[o++] = '\n';
            i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
            st.line++;
        } else if (c == '\t') {
            out[o++] = '\t';
            i++;
        } else if (c < 0x20) {
            note_dropped(&st); /* NUL and the other C0 controls */
            i++;
        } else {
            uint32_t cp = 0;
            size_t bad = 0;
            size_t n = utf8_decode(s + i, len - i, &cp, &bad);
            if (n == 0) {
                if (cap - o - 1 < len - (i + bad) + 3) {
                    cap += cap / 2 + 64;
                    out = xrealloc(out, cap);
                }
                memcpy(out + o, "\xEF\xBF\xBD", 3);
                o += 3;
                i += bad;
                note_invalid_utf8(&st);
            } else if (cp == 0xFFFE || cp == 0xFFFF) {
                note_dropped(&st);
                i += n;
            } else {
                memcpy(out + o, s + i, n);
                o += n;
                i += n;
            }
        }
    }
    out[o] = '\0';

    if (st.bad_lines > TEXT_MAX_UTF8_WARNINGS)
        diag_add(diags, DIAG_WARNING, NULL, file, st.first_unlisted,
                 "invalid UTF-8 on %zu more lines (not listed one by one); save the file as "
                 "UTF-8",
                 st.bad_lines - TEXT_MAX_UTF8_WARNINGS);
    if (st.dropped)
        diag_add(diags, DIAG_WARNING, NULL, file, st.first_dropped,
                 "dropped %zu control character%s that XML does not allow (the first on this "
                 "line); remove %s from the file",
                 st.dropped, st.dropped == 1 ? "" : "s", st.dropped == 1 ? "it" : "them");
    if (outlen)
        *outlen = o;
    return out;
}

size_t text_strip_xml_forbidden(char *s, size_t *len)
{
    size_t o = 0, dropped = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < *len; i++) {
        unsigned char c = u[i];
        /* 0xFE and 0xFF are never UTF-8: cmark-gfm writes U+FFFE and U+FFFF (from &#xFFFE;
         * and &#65535;) as those single bytes */
        int forbidden = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0xFE ||
                        (c == 0xEF && i + 2 < *len && u[i + 1] == 0xBF &&
                         (u[i + 2] == 0xBE || u[i + 2] == 0xBF));
        if (forbidden) {
            dropped++;
            i += c == 0xEF ? 2 : 0;
            continue;
        }
        s[o++] = s[i];
    }
    *len = o;
    return dropped;
}

int text_xml_allowed(const char *s)
{
    char *copy = xstrdup(s);
    size_t len = strlen(copy);
    int ok = text_strip_xml_forbidden(copy, &len) == 0;
    free(copy);
    return ok;
}

int text_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint64_t x;
        if (i + 8 <= len && (memcpy(&x, p + i, 8), (x & BYTES_HI) == 0)) {
            i += 8;
            continue;
        }
        uint32_t cp;
        size_t bad = 0, n = utf8_decode(p + i, len - i, &cp, &bad);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

/*** text_looks_binary ***/

static int has_prefix(const unsigned char *s, size_t len, const char *sig, size_t siglen)
{
    return len >= siglen && memcmp(s, sig, siglen) == 0;
}

int text_looks_binary(const char *data, size_t len)
{
    static const struct {
        const char *sig;
        size_t len;
    } signatures[] = {
        {"%PDF-", 5},
        {"PK\x03\x04", 4},                       /* zip, EPUB, docx, odt */
        {"PK\x05\x06", 4},                       /* empty zip */
        {"\x89PNG\r\n\x1a\n", 8},
        {"\xFF\xD8\xFF", 3},                      /* JPEG */
        {"GIF87a", 6},
        {"GIF89a", 6},
        {"\x1F\x8B\x08", 3},                      /* gzip */
        {"\x7F" "ELF", 4},
        {"\xFD" "7zXZ", 5},                      /* xz */
        {"7z\xBC\xAF\x27\x1C", 6},
        {"BZh", 3},                               /* bzip2, checked further below */
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8}, /* MS Office (doc, xls) */
        {"\x28\xB5\x2F\xFD", 4},                  /* zstd */
        {"\xCA\xFE\xBA\xBE", 4},                  /* Java class, Mach-O fat */
        {"\xCF\xFA\xED\xFE", 4},                  /* Mach-O */
        {"OggS", 4},
        {"fLaC", 4},
        {"wOFF", 4},
        {"wOF2", 4},
        {"SQLite format 3", 15},
    };
    const unsigned char *s = (const unsigned char *)data;
    size_t n = len < 8192 ? len : 8192, controls = 0;

    if (!data || len == 0)
        return 0;
    for (size_t k = 0; k < sizeof signatures / sizeof signatures[0]; k++) {
        if (!has_prefix(s, len, signatures[k].sig, signatures[k].len))
            continue;
        /* "BZh" could begin a text: ask for the block magic of bzip2 too. */
        if (s[0] == 'B' && !(len >= 10 && s[3] >= '1' && s[3] <= '9' &&
                             memcmp(s + 4, "1AY&SY", 6) == 0))
            continue;
        return 1;
    }
    /* RIFF containers (WebP, WAV, AVI) and ISO media (MP4, HEIC, AVIF). */
    if (len >= 12 && memcmp(s, "RIFF", 4) == 0 &&
        (memcmp(s + 8, "WEBP", 4) == 0 || memcmp(s + 8, "WAVE", 4) == 0 ||
         memcmp(s + 8, "AVI ", 4) == 0))
        return 1;
    if (len >= 12 && memcmp(s + 4, "ftyp", 4) == 0)
        return 1;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = s[k];
        if (c == 0)
            return 1;
        /* Tab, LF, VT, FF, CR and ESC (ANSI colours in logs) are at home in text. */
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1B)
            controls++;
    }
    /* More than one byte in 10 a control character: no text looks like that. */
    return controls * 10 > n;
}

/*** text_slug ***/

typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

static int in_ranges(uint32_t c, const cp_range *r, size_t n)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (c < r[m].lo)
            b = m;
        else if (c > r[m].hi)
            a = m + 1;
        else
            return 1;
    }
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* XML 1.0 (fifth edition) NameStartChar without ':' and the ASCII part (handled apart). */
static const cp_range name_start_ranges[] = {
    {0xC0, 0xD6},       {0xD8, 0xF6},       {0xF8, 0x2FF},   {0x370, 0x37D},
    {0x37F, 0x1FFF},    {0x200C, 0x200D},   {0x2070, 0x218F}, {0x2C00, 0x2FEF},
    {0x3001, 0xD7FF},   {0xF900, 0xFDCF},   {0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF},
};

/* NameChar that is not NameStartChar (non-ASCII part). */
static const cp_range name_only_ranges[] = {
    {0xB7, 0xB7},
    {0x300, 0x36F},
    {0x203F, 0x2040},
};

/* Combining marks: the result must not start with one (an id starting with a mark is
 * either not an NCName or, for marks the name rules let through, unreadable). */
static const cp_range combining_ranges[] = {
    {0x300, 0x36F}, {0x483, 0x489}, {0x591, 0x5BD}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
};

/* Non-ASCII spaces: like ' ' they become '-'. */
static const cp_range space_ranges[] = {
    {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x202F, 0x202F},
    {0x205F, 0x205F}, {0x3000, 0x3000},
};

/* Punctuation, symbols, format characters and emoji that a GitHub slug drops. Not the full
 * Unicode category tables: the blocks where headings actually carry such characters. */
static const cp_range drop_ranges[] = {
    {0x80, 0xBF},     {0xD7, 0xD7},     {0xF7, 0xF7},     {0x2C2, 0x2C5},   {0x2D2, 0x2DF},
    {0x2E5, 0x2EB},   {0x2ED, 0x2ED},   {0x2EF, 0x2FF},   {0x375, 0x375},   {0x37E, 0x37E},
    {0x384, 0x385},   {0x387, 0x387},   {0x3F6, 0x3F6},   {0x482, 0x482},   {0x55A, 0x55F},
    {0x589, 0x58A},   {0x58D, 0x58F},   {0x5BE, 0x5BE},   {0x5C0, 0x5C0},   {0x5C3, 0x5C3},
    {0x5C6, 0x5C6},   {0x5F3, 0x5F4},   {0x600, 0x60F},   {0x61B, 0x61F},   {0x66A, 0x66D},
    {0x6D4, 0x6D4},   {0x6DD, 0x6DE},   {0x6E9, 0x6E9},   {0x6FD, 0x6FE},   {0x700, 0x70F},
    {0x7F6, 0x7F9},   {0x964, 0x965},   {0x970, 0x970},   {0xE3F, 0xE3F},   {0xE4F, 0xE4F},
    {0xE5A, 0xE5B},   {0xF01, 0xF17},   {0xF1A, 0xF1F},   {0xF34, 0xF34},   {0xF36, 0xF36},
    {0xF38, 0xF38},   {0xF3A, 0xF3D},   {0xF85, 0xF85},   {0x104A, 0x104F}, {0x10FB, 0x10FB},
    {0x1360, 0x1368}, {0x166D, 0x166E}, {0x169B, 0x169C}, {0x16EB, 0x16ED}, {0x17D4, 0x17D6},
    {0x17D8, 0x17DB}, {0x1800, 0x180F}, {0x1FBD, 0x1FBD}, {0x1FBF, 0x1FC1}, {0x1FCD, 0x1FCF},
    {0x1FDD, 0x1FDF}, {0x1FED, 0x1FEF}, {0x1FFD, 0x1FFE}, {0x2000, 0x206F}, {0x207A, 0x207E},
    {0x208A, 0x208E}, {0x20A0, 0x20FF}, {0x2100, 0x2101}, {0x2103, 0x2106}, {0x2108, 0x2109},
    {0x2114, 0x2114}, {0x2116, 0x2118}, {0x211E, 0x2123}, {0x2125, 0x2125}, {0x2127, 0x2127},
    {0x2129, 0x2129}, {0x212E, 0x212E}, {0x213A, 0x213B}, {0x2140, 0x2144}, {0x214A, 0x214D},
    {0x214F, 0x214F}, {0x2190, 0x2BFF}, {0x2CE5, 0x2CEA}, {0x2CF9, 0x2CFF}, {0x2E00, 0x2FFF},
    {0x3000, 0x3004}, {0x3008, 0x3020}, {0x3030, 0x3030}, {0x3036, 0x3037}, {0x303D, 0x303F},
    {0x309B, 0x309C}, {0x30A0, 0x30A0}, {0x30FB, 0x30FB}, {0x3190, 0x3191}, {0x3196, 0x319F},
    {0x31C0, 0x31EF}, {0x3200, 0x33FF}, {0x4DC0, 0x4DFF}, {0xA490, 0xA4CF}, {0xA4FE, 0xA4FF},
    {0xA60D, 0xA60F}, {0xA673, 0xA673}, {0xA67E, 0xA67E}, {0xA6F2, 0xA6F7}, {0xA700, 0xA716},
    {0xA720, 0xA721}, {0xA789, 0xA78A}, {0xA828, 0xA82B}, {0xA874, 0xA877}, {0xA8CE, 0xA8CF},
    {0xA8F8, 0xA8FA}, {0xA92E, 0xA92F}, {0xA95F, 0xA95F}, {0xA9C1, 0xA9CD}, {0xA9DE, 0xA9DF},
    {0xAA5C, 0xAA5F}, {0xAADE, 0xAADF}, {0xAAF0, 0xAAF1}, {0xABEB, 0xABEB}, {0xFB29, 0xFB29},
    {0xFBB2, 0xFBC2}, {0xFD3E, 0xFD3F}, {0xFDFC, 0xFDFF}, {0xFE00, 0xFE32}, {0xFE35, 0xFE4C},
    {0xFE50, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF3E},
    {0xFF40, 0xFF40}, {0xFF5B, 0xFF65}, {0xFFE0, 0xFFFF}, {0x10100, 0x1013F},
    {0x1D000, 0x1D24F}, {0x1D300, 0x1D35F}, {0x1F000, 0x1FBFF}, {0xE0000, 0xE0FFF},
};

static int is_space_cp(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    return in_ranges(c, space_ranges, COUNT(space_ranges));
}

/* 1 when the non-ASCII code point belongs in a slug. */
static int slug_keeps(uint32_t c)
{
    if (in_ranges(c, drop_ranges, COUNT(drop_ranges)))
        return 0;
    return in_ranges(c, name_start_ranges, COUNT(name_start_ranges)) ||
           in_ranges(c, name_only_ranges, COUNT(name_only_ranges));
}

/* 1 when a slug may not start with this character (so "h-" goes in front). */
static int needs_prefix(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return !((c >= 'a' && c <= 'z') || c == '_');
    uint32_t cp = 0;
    size_t bad = 0;
    if (utf8_decode(s, len, &cp, &bad) == 0)
        return 1;
    return !in_ranges(cp, name_start_ranges, COUNT(name_start_ranges)) ||
           in_ranges(cp, combining_ranges, COUNT(combining_ranges));
}

char *text_slug(const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t len = strlen((const char *)s);
    /* A slug is never longer than its text: room for the text, "h-" and the NUL. */
    char *out = xmalloc(len + 3 > sizeof "section" ? len + 3 : sizeof "section");
    char *w = out + 2; /* leave room for "h-" */
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                *w++ = (char)(c - 'A' + 'a');
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
                *w++ = (char)c;
            else if (is_space_cp(c))
                *w++ = '-';
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t bad = 0;
        size_t n = utf8_decode(s + i, len - i, &cp, &bad);
        if (n == 0) {
            i += bad;
            continue;
        }
        if (is_space_cp(cp) || cp == 0x2010 || cp == 0x2011)
            *w++ = '-'; /* HYPHEN and NON-BREAKING HYPHEN are the '-' of "in-depth" */
        else if (slug_keeps(cp)) {
            memcpy(w, s + i, n);
            w += n;
        }
        i += n;
    }
    size_t slen = (size_t)(w - (out + 2));
    if (slen == 0) {
        memcpy(out, "section", sizeof "section");
    } else if (needs_prefix((const unsigned char *)out + 2, slen)) {
        out[0] = 'h';
        out[1] = '-';
        *w = '\0';
    } else {
        memmove(out, out + 2, slen);
        out[slen] = '\0';
    }
    return out;
}

int text_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t text_fence_len(const char *line, size_t n, char *c)
{
    size_t i = 0, k = 0;
    while (i < n && i < 3 && line[i] == ' ')
        i++;
    if (i >= n || (line[i] != '`' && line[i] != '~'))
        return 0;
    *c = line[i];
    while (i + k < n && line[i + k] == *c)
        k++;
    return k >= 3 ? k : 0;
}
