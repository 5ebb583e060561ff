/* lang.c: BCP 47 language tags (RFC 5646 syntax) and text direction. */
#include "base/lang.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* RFC 5646 section 2.2.8: tags that predate the current syntax. The irregular ones do not
 * match the langtag production; the regular ones do, but are listed so that they stay valid
 * whatever the parser below accepts. */
static const char *const lang_grandfathered[] = {
    "en-GB-oed", "i-ami",       "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux",       "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu",       "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",  "art-lojban",
    "cel-gaulish", "no-bok",    "no-nyn",    "zh-guoyu",  "zh-hakka",   "zh-min",
    "zh-min-nan", "zh-xiang",
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int all_alpha(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]))
            return 0;
    return 1;
}

static int all_digit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static int all_alnum(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]))
            return 0;
    return 1;
}

static int same_ci(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* One subtag: a pointer into the tag and its length. */
typedef struct subtag {
    const char *s;
    size_t n;
} subtag;

/* RFC 5646 limits no tag's length, but 8-character subtags separated by '-' make anything
 * longer than this absurd; the bound keeps the subtag array on the stack. */
#define LANG_MAX_SUBTAGS 64

/* Split on '-' into subtags of 1..8 alphanumerics; -1 when the tag cannot be a tag at all. */
static int split_subtags(const char *tag, subtag *out, size_t *count)
{
    size_t k = 0;
    const char *p = tag;
    for (;;) {
        const char *start = p;
        while (*p && *p != '-')
            p++;
        size_t n = (size_t)(p - start);
        if (n < 1 || n > 8 || !all_alnum(start, n) || k == LANG_MAX_SUBTAGS)
            return -1;
        out[k].s = start;
        out[k].n = n;
        k++;
        if (!*p)
            break;
        p++; /* the '-' */
    }
    *count = k;
    return 0;
}

static int is_variant(const subtag *t)
{
    if (t->n >= 5 && t->n <= 8)
        return 1;
    return t->n == 4 && is_digit(t->s[0]);
}

/* Parse the langtag / privateuse productions. */
static int langtag_valid(const subtag *t, size_t n)
{
    size_t i = 0;

    /* privateuse = "x" 1*("-" (1*8alphanum)) */
    if (t[0].n == 1 && lower(t[0].s[0]) == 'x')
        return n >= 2;

    /* language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA. The 4ALPHA form is reserved and
     * the IANA registry holds no 5*8ALPHA language, so both are refused: this is what catches
     * "english" or "french" written where a tag belongs (lang.h promises it). */
    if (t[0].n < 2 || t[0].n > 3 || !all_alpha(t[0].s, t[0].n))
        return 0;
    i = 1;
    /* extlang = 3ALPHA *2("-" 3ALPHA) */
    int ext = 0;
    while (i < n && ext < 3 && t[i].n == 3 && all_alpha(t[i].s, 3)) {
        i++;
        ext++;
    }
    /* script = 4ALPHA */
    if (i < n && t[i].n == 4 && all_alpha(t[i].s, 4))
        i++;
    /* region = 2ALPHA / 3DIGIT */
    if (i < n && ((t[i].n == 2 && all_alpha(t[i].s, 2)) || (t[i].n == 3 && all_digit(t[i].s, 3))))
        i++;
    /* variant = 5*8alphanum / (DIGIT 3alphanum), no variant twice */
    size_t first_variant = i;
    while (i < n && is_variant(&t[i])) {
        for (size_t j = first_variant; j < i; j++)
            if (same_ci(t[j].s, t[j].n, t[i].s, t[i].n))
                return 0;
        i++;
    }
    /* extension = singleton 1*("-" (2*8alphanum)), no singleton twice */
    char seen[36] = {0};
    while (i < n && t[i].n == 1 && lower(t[i].s[0]) != 'x') {
        char c = lower(t[i].s[0]);
        int slot = is_digit(c) ? c - '0' : 10 + (c - 'a');
        if (seen[slot])
            return 0;
        seen[slot] = 1;
        i++;
        size_t body = 0;
        while (i < n && t[i].n >= 2) {
            i++;
            body++;
        }
        if (body == 0)
            return 0;
    }
    /* ["-" privateuse] */
    if (i < n && t[i].n == 1 && lower(t[i].s[0]) == 'x')
        return n - i >= 2;
    return i == n;
}

int lang_tag_valid(const char *tag)
{
    subtag t[LANG_MAX_SUBTAGS];
    size_t n = 0;

    if (!tag || !*tag)
        return 0;
    for (size_t g = 0; g < sizeof lang_grandfathered / sizeof lang_grandfathered[0]; g++)
        if (str_casecmp_ascii(tag, lang_grandfathered[g]) == 0)
            return 1;
    if (split_subtags(tag, t, &n) < 0)
        return 0;
    return langtag_valid(t, n);
}

const char *lang_direction(const char *tag)
{
    static const char *const rtl_languages[] = {"ar", "he", "iw", "fa", "ur", "ps",
                                                "yi", "ji", "dv", "ckb", "sd", "ug"};
    static const char *const rtl_scripts[] = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm",
                                              "Rohg", "Mand", "Samr"};
    subtag t[LANG_MAX_SUBTAGS];
    size_t n = 0;
    const char *dir = "ltr";

    if (!tag || split_subtags(tag, t, &n) < 0)
        goto out;
    /* An explicit script decides (e.g. az-Arab is rtl, ku-Latn is ltr). The script is the first
     * 4-letter subtag after the language and its extlangs, before any singleton. */
    for (size_t i = 1; i < n; i++) {
        if (t[i].n == 1)
            break;
        if (t[i].n == 3 && all_alpha(t[i].s, 3))
            continue; /* extlang */
        if (t[i].n == 4 && all_alpha(t[i].s, 4)) {
            for (size_t k = 0; k < sizeof rtl_scripts / sizeof rtl_scripts[0]; k++)
                if (same_ci(t[i].s, 4, rtl_scripts[k], 4)) {
                    dir = "rtl";
                    goto out;
                }
            goto out;
        }
        break;
    }
    for (size_t k = 0; k < sizeof rtl_languages / sizeof rtl_languages[0]; k++)
        if (same_ci(t[0].s, t[0].n, rtl_languages[k], strlen(rtl_languages[k]))) {
            dir = "rtl";
            break;
        }
out:
    return dir;
}

/*** Dates as a language writes them ***/

typedef struct date_form {
    const char *lang;          /* primary language subtag */
    const char *months[12];
    const char *day_month_year; /* printf: day (int), month (string), year (int) */
    const char *month_year;     /* printf: month (string), year (int) */
    int year_first;             /* CJK: year, month, day as numbers */
} date_form;

static const date_form date_forms[] = {
    {"en", {"January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"}, "%d %s %d", "%s %d", 0},
    {"de", {"Januar", "Februar", "M\xC3\xA4rz", "April", "Mai", "Juni", "Juli", "August",
            "September", "Oktober", "November", "Dezember"}, "%d. %s %d", "%s %d", 0},
    {"fr", {"janvier", "f\xC3\xA9vrier", "mars", "avril", "mai", "juin", "juillet",
            "ao\xC3\xBBt", "septembre", "octobre", "novembre", "d\xC3\xA9" "cembre"},
     "%d %s %d", "%s %d", 0},
    {"es", {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"}, "%d de %s de %d", "%s de %d", 0},
    {"it", {"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
            "settembre", "ottobre", "novembre", "dicembre"}, "%d %s %d", "%s %d", 0},
    {"pt", {"janeiro", "fevereiro", "mar\xC3\xA7o", "abril", "maio", "junho", "julho", "agosto",
            "setembro", "outubro", "novembro", "dezembro"}, "%d de %s de %d", "%s de %d", 0},
    {"nl", {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
            "september", "oktober", "november", "december"}, "%d %s %d", "%s %d", 0},
    {"sv", {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
            "september", "oktober", "november", "december"}, "%d %s %d", "%s %d", 0},
    {"da", {"januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
            "september", "oktober", "november", "december"}, "%d. %s %d", "%s %d", 0},
    {"nb", {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
            "september", "oktober", "november", "desember"}, "%d. %s %d", "%s %d", 0},
    {"no", {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
            "september", "oktober", "november", "desember"}, "%d. %s %d", "%s %d", 0},
    {"ja", {NULL}, NULL, NULL, 1},
    {"zh", {NULL}, NULL, NULL, 1},
    {"ko", {NULL}, NULL, NULL, 2},
};

char *lang_date_text(const char *iso, const char *lang)
{
    int y = 0, m = 0, d = 0;
    size_t n = iso ? strlen(iso) : 0;
    const date_form *f = NULL;
    subtag t[LANG_MAX_SUBTAGS];
    size_t nt = 0;

    if (!iso)
        return NULL;
    /* YYYY, YYYY-MM or YYYY-MM-DD, as the metadata readers store dates */
    if (!((n == 4 || n == 7 || n == 10) && all_digit(iso, 4) &&
          (n == 4 || (iso[4] == '-' && all_digit(iso + 5, 2))) &&
          (n < 10 || (iso[7] == '-' && all_digit(iso + 8, 2)))))
        return xstrdup(iso);
    y = atoi(iso);
    m = n >= 7 ? atoi(iso + 5) : 0;
    d = n == 10 ? atoi(iso + 8) : 0;
    if (m > 12 || d > 31 || (n >= 7 && m < 1) || (n == 10 && d < 1))
        return xstrdup(iso);
    if (lang && split_subtags(lang, t, &nt) == 0 && nt > 0)
        for (size_t i = 0; i < sizeof date_forms / sizeof date_forms[0]; i++)
            if (same_ci(t[0].s, t[0].n, date_forms[i].lang, strlen(date_forms[i].lang)))
                f = &date_forms[i];
    if (!f || n == 4)
        return xstrdup(iso);
    if (f->year_first == 1) /* 2015年5月21日 */
        return n == 10 ? xasprintf("%d\xE5\xB9\xB4%d\xE6\x9C\x88%d\xE6\x97\xA5", y, m, d)
                       : xasprintf("%d\xE5\xB9\xB4%d\xE6\x9C\x88", y, m);
    if (f->year_first == 2) /* 2015년 5월 21일 */
        return n == 10 ? xasprintf("%d\xEB\x85\x84 %d\xEC\x9B\x94 %d\xEC\x9D\xBC", y, m, d)
                       : xasprintf("%d\xEB\x85\x84 %d\xEC\x9B\x94", y, m);
    return n == 10 ? xasprintf(f->day_month_year, d, f->months[m - 1], y)
                   : xasprintf(f->month_year, f->months[m - 1], y);
}

/*** The script a text is written in ***/

/* Decode one UTF-8 character at s (n bytes left); its length in *k (at least 1). Invalid bytes
 * give 0xFFFD. */
static unsigned utf8_next(const unsigned char *s, size_t n, size_t *k)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n) {
        *k = 1;
        return 0xFFFD;
    }
    if (len > 1)
        c &= 0xFFu >> (len + 1);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *k = i;
            return 0xFFFD;
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *k = len;
    return c;
}

const char *lang_script_guess(const char *text, size_t len)
{
    size_t latin = 0, han = 0, kana = 0, hangul = 0, arabic = 0, hebrew = 0;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            latin += (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z';
            i++;
            continue;
        }
        size_t k;
        unsigned c = utf8_next(s + i, len - i, &k);
        i += k;
        if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF))
            latin++;
        else if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
                 (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF))
            han++;
        else if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
                 (c >= 0xFF66 && c <= 0xFF9D))
            kana++;
        else if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) ||
                 (c >= 0x3130 && c <= 0x318F))
            hangul++;
        else if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
                 (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
                 (c >= 0xFE70 && c <= 0xFEFF))
            arabic++;
        else if (c >= 0x0590 && c <= 0x05FF)
            hebrew++;
    }
    /* a CJK character carries about as much as a Latin word of four letters */
    size_t cjk = (han + kana + hangul) * 4;
    if (cjk > latin && cjk >= arabic && cjk >= hebrew) {
        if (hangul > han + kana)
            return "ko";
        return kana ? "ja" : "zh";
    }
    if (arabic > latin && arabic >= hebrew)
        return "ar";
    if (hebrew > latin)
        return "he";
    return NULL;
}

int lang_same_script(const char *tag, const char *guess)
{
    static const char *const families[][8] = {
        {"zh", "ja", "ko", NULL},  /* Han: a Japanese or Korean text may be kanji or hanja only */
        {"ar", "fa", "ur", "ps", "ckb", "sd", "ug", NULL},
        {"he", "iw", "yi", "ji", NULL},
    };
    subtag t[LANG_MAX_SUBTAGS];
    size_t n = 0;
    if (!tag || !guess || split_subtags(tag, t, &n) < 0 || n == 0)
        return 0;
    if (same_ci(t[0].s, t[0].n, guess, strlen(guess)))
        return 1;
    /* Japanese with kana or Korean with hangul is said; Han alone may be any of the three */
    if (strcmp(guess, "ja") == 0 || strcmp(guess, "ko") == 0)
        return 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        int tag_in = 0, guess_in = 0;
        for (size_t i = 0; families[f][i]; i++) {
            tag_in |= same_ci(t[0].s, t[0].n, families[f][i], strlen(families[f][i]));
            guess_in |= strcmp(guess, families[f][i]) == 0;
        }
        if (tag_in && guess_in)
            return 1;
    }
    return 0;
}
