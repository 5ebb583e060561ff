/* charset.c: a web page's encoding, found as browsers find it, and its text in UTF-8. */
#include "readers/charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"

/* WHATWG encoding labels (encoding.spec.whatwg.org) that sheaf decodes, with the name iconv
 * knows the encoding by. The canonical name comes first in each group. */
typedef struct encoding {
    const char *name;  /* canonical, for messages */
    const char *iconv; /* for iconv_open */
    const char *labels;/* space-separated, lowercase */
} encoding;

static const encoding encodings[] = {
    {"UTF-8", "UTF-8", "utf-8 utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8"},
    {"windows-1252", "CP1252",
     "windows-1252 ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 "
     "iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii x-cp1252 "
     "x-user-defined"},
    {"ISO-8859-2", "ISO-8859-2",
     "iso-8859-2 csisolatin2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2"},
    {"ISO-8859-3", "ISO-8859-3",
     "iso-8859-3 csisolatin3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3"},
    {"ISO-8859-4", "ISO-8859-4",
     "iso-8859-4 csisolatin4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4"},
    {"ISO-8859-5", "ISO-8859-5",
     "iso-8859-5 csisolatincyrillic cyrillic iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
     "iso_8859-5:1988"},
    {"ISO-8859-6", "ISO-8859-6",
     "iso-8859-6 arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6-e "
     "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"},
    {"ISO-8859-7", "ISO-8859-7",
     "iso-8859-7 csisolatingreek ecma-118 elot_928 greek greek8 iso-ir-126 iso8859-7 iso88597 "
     "iso_8859-7 iso_8859-7:1987 sun_eu_greek"},
    {"ISO-8859-8", "ISO-8859-8",
     "iso-8859-8 csiso88598e csisolatinhebrew hebrew iso-8859-8-e iso-ir-138 iso8859-8 "
     "iso88598 iso_8859-8 iso_8859-8:1988 visual iso-8859-8-i csiso88598i logical"},
    {"ISO-8859-10", "ISO-8859-10",
     "iso-8859-10 csisolatin6 iso-ir-157 iso8859-10 iso885910 l6 latin6"},
    {"ISO-8859-13", "ISO-8859-13", "iso-8859-13 iso8859-13 iso885913"},
    {"ISO-8859-14", "ISO-8859-14", "iso-8859-14 iso8859-14 iso885914"},
    {"ISO-8859-15", "ISO-8859-15",
     "iso-8859-15 csisolatin9 iso8859-15 iso885915 iso_8859-15 l9"},
    {"ISO-8859-16", "ISO-8859-16", "iso-8859-16"},
    {"KOI8-R", "KOI8-R", "koi8-r cskoi8r koi koi8 koi8_r"},
    {"KOI8-U", "KOI8-U", "koi8-u koi8-ru"},
    {"macintosh", "MACINTOSH", "macintosh csmacintosh mac x-mac-roman"},
    {"x-mac-cyrillic", "MACCYRILLIC", "x-mac-cyrillic x-mac-ukrainian"},
    {"IBM866", "IBM866", "ibm866 866 cp866 csibm866"},
    {"windows-874", "CP874",
     "windows-874 dos-874 iso-8859-11 iso8859-11 iso885911 tis-620"},
    {"windows-1250", "CP1250", "windows-1250 cp1250 x-cp1250"},
    {"windows-1251", "CP1251", "windows-1251 cp1251 x-cp1251"},
    {"windows-1253", "CP1253", "windows-1253 cp1253 x-cp1253"},
    {"windows-1254", "CP1254",
     "windows-1254 cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
     "iso_8859-9:1989 l5 latin5 x-cp1254"},
    {"windows-1255", "CP1255", "windows-1255 cp1255 x-cp1255"},
    {"windows-1256", "CP1256", "windows-1256 cp1256 x-cp1256"},
    {"windows-1257", "CP1257", "windows-1257 cp1257 x-cp1257"},
    {"windows-1258", "CP1258", "windows-1258 cp1258 x-cp1258"},
    {"GB18030", "GB18030",
     "gb18030 chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"},
    {"Big5", "BIG5-HKSCS", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"},
    {"EUC-JP", "EUC-JP", "euc-jp cseucpkdfmtjapanese x-euc-jp"},
    {"ISO-2022-JP", "ISO-2022-JP", "iso-2022-jp csiso2022jp"},
    {"Shift_JIS", "CP932",
     "shift_jis csshiftjis ms932 ms_kanji shift-jis sjis windows-31j x-sjis"},
    {"EUC-KR", "CP949",
     "euc-kr cseuckr csksc56011987 iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
     "ksc_5601 windows-949"},
    /* Only from a byte-order mark: a document that says it is UTF-16 in ASCII is not. */
    {"UTF-16LE", "UTF-16LE", "utf-16le utf-16 csunicode iso-10646-ucs-2 ucs-2 unicode "
                             "unicodefeff"},
    {"UTF-16BE", "UTF-16BE", "utf-16be unicodefffe"},
};

static const encoding *encoding_find(const char *label, size_t len)
{
    char buf[48];
    while (len && strchr(" \t\n\r\f", *label)) {
        label++;
        len--;
    }
    while (len && strchr(" \t\n\r\f", label[len - 1]))
        len--;
    if (len == 0 || len >= sizeof buf)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = label[i];
        buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    buf[len] = '\0';
    for (size_t e = 0; e < sizeof encodings / sizeof encodings[0]; e++) {
        const char *l = encodings[e].labels;
        while (*l) {
            size_t n = strcspn(l, " ");
            if (n == len && memcmp(l, buf, n) == 0)
                return &encodings[e];
            l += n;
            while (*l == ' ')
                l++;
        }
    }
    return NULL;
}

const char *charset_from_label(const char *label, size_t len)
{
    const encoding *e = encoding_find(label, len);
    return e ? e->name : NULL;
}

static const encoding *encoding_by_name(const char *name)
{
    for (size_t e = 0; name && e < sizeof encodings / sizeof encodings[0]; e++)
        if (strcmp(encodings[e].name, name) == 0)
            return &encodings[e];
    return NULL;
}

/*** Declarations in the bytes ***/

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The charset in a Content-Type value ("text/html; charset=utf-8"): the WHATWG "extract a
 * character encoding from a meta element" algorithm. Returns the encoding or NULL. */
static const encoding *charset_in_content(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        while (i + 7 <= n) {
            size_t k = 0;
            while (k < 7 && lower((unsigned char)s[i + k]) == "charset"[k])
                k++;
            if (k == 7)
                break;
            i++;
        }
        if (i + 7 > n)
            return NULL;
        i += 7;
        while (i < n && is_space((unsigned char)s[i]))
            i++;
        if (i < n && s[i] == '=')
            break;
    }
    i++;
    while (i < n && is_space((unsigned char)s[i]))
        i++;
    if (i >= n)
        return NULL;
    if (s[i] == '"' || s[i] == '\'') {
        const char *q = memchr(s + i + 1, s[i], n - i - 1);
        if (!q)
            return NULL;
        return encoding_find(s + i + 1, (size_t)(q - (s + i + 1)));
    }
    size_t start = i;
    while (i < n && !is_space((unsigned char)s[i]) && s[i] != ';')
        i++;
    return encoding_find(s + start, i - start);
}

const char *charset_from_media_type(const char *media_type)
{
    const encoding *e = media_type ? charset_in_content(media_type, strlen(media_type)) : NULL;
    return e ? e->name : NULL;
}

/* One attribute of a tag in the prescan, from *pos: name and value as slices (the value
 * unquoted). Returns 0 at the tag's end. */
static int prescan_attr(const unsigned char *s, size_t n, size_t *pos, const char **name,
                        size_t *name_len, const char **value, size_t *value_len)
{
    size_t i = *pos;
    while (i < n && (is_space(s[i]) || s[i] == '/'))
        i++;
    if (i >= n || s[i] == '>')
        return 0;
    size_t ns = i;
    while (i < n && !is_space(s[i]) && s[i] != '/' && s[i] != '>' && !(s[i] == '=' && i > ns))
        i++;
    *name = (const char *)s + ns;
    *name_len = i - ns;
    *value = "";
    *value_len = 0;
    while (i < n && is_space(s[i]))
        i++;
    if (i < n && s[i] == '=') {
        i++;
        while (i < n && is_space(s[i]))
            i++;
        if (i < n && (s[i] == '"' || s[i] == '\'')) {
            const unsigned char *q = memchr(s + i + 1, s[i], n - i - 1);
            if (!q) {
                *pos = n;
                return 0;
            }
            *value = (const char *)s + i + 1;
            *value_len = (size_t)(q - (s + i + 1));
            i = (size_t)(q - s) + 1;
        } else {
            size_t vs = i;
            while (i < n && !is_space(s[i]) && s[i] != '>')
                i++;
            *value = (const char *)s + vs;
            *value_len = i - vs;
        }
    }
    *pos = i;
    return 1;
}

static int slice_is(const char *s, size_t n, const char *word)
{
    size_t k = 0;
    while (k < n && word[k] && lower((unsigned char)s[k]) == (unsigned char)word[k])
        k++;
    return k == n && !word[k];
}

/* The encoding declared by a <meta> in the first 1024 bytes (the WHATWG prescan), or by an XML
 * declaration at the very start, or NULL. */
static const encoding *charset_prescan(const unsigned char *s, size_t n)
{
    if (n > 1024)
        n = 1024;
    if (n > 5 && memcmp(s, "<?xml", 5) == 0) {
        const unsigned char *end = memchr(s, '>', n);
        size_t m = end ? (size_t)(end - s) : n;
        for (size_t i = 5; i + 8 < m; i++) {
            if (memcmp(s + i, "encoding", 8) != 0)
                continue;
            size_t j = i + 8;
            while (j < m && is_space(s[j]))
                j++;
            if (j >= m || s[j] != '=')
                continue;
            j++;
            while (j < m && is_space(s[j]))
                j++;
            if (j < m && (s[j] == '"' || s[j] == '\'')) {
                const unsigned char *q = memchr(s + j + 1, s[j], m - j - 1);
                if (q)
                    return encoding_find((const char *)s + j + 1, (size_t)(q - s) - j - 1);
            }
        }
    }
    size_t i = 0;
    while (i < n) {
        if (s[i] != '<') {
            i++;
            continue;
        }
        if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
            const unsigned char *e = mem_find(s + i + 2, n - i - 2, "-->", 3);
            if (!e)
                return NULL;
            i = (size_t)(e - s) + 3;
            continue;
        }
        if (i + 6 <= n && slice_is((const char *)s + i, 5, "<meta") &&
            (is_space(s[i + 5]) || s[i + 5] == '/')) {
            size_t pos = i + 5;
            const char *name, *value;
            size_t name_len, value_len;
            int got_pragma = 0, need_pragma = -1; /* -1 null, 0 false, 1 true */
            const encoding *charset = NULL;
            while (prescan_attr(s, n, &pos, &name, &name_len, &value, &value_len)) {
                if (slice_is(name, name_len, "http-equiv")) {
                    if (slice_is(value, value_len, "content-type"))
                        got_pragma = 1;
                } else if (slice_is(name, name_len, "content") && !charset) {
                    const encoding *e = charset_in_content(value, value_len);
                    if (e) {
                        charset = e;
                        need_pragma = 1;
                    }
                } else if (slice_is(name, name_len, "charset") && need_pragma != 0) {
                    const encoding *e = encoding_find(value, value_len);
                    if (e) {
                        charset = e;
                        need_pragma = 0;
                    }
                }
            }
            i = pos + 1;
            if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || !charset)
                continue;
            /* A page cannot declare itself UTF-16 in ASCII bytes. */
            if (strncmp(charset->name, "UTF-16", 6) == 0)
                charset = &encodings[0];
            return charset;
        }
        if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?' || s[i + 1] == '/')) {
            const unsigned char *gt = memchr(s + i + 1, '>', n - i - 1);
            if (!gt)
                return NULL;
            i = (size_t)(gt - s) + 1;
            continue;
        }
        if (i + 1 < n && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z')) {
            size_t pos = i + 1;
            const char *name, *value;
            size_t name_len, value_len;
            while (pos < n && !is_space(s[pos]) && s[pos] != '>')
                pos++;
            while (prescan_attr(s, n, &pos, &name, &name_len, &value, &value_len))
                ;
            i = pos + 1;
            continue;
        }
        i++;
    }
    return NULL;
}

/*** Conversion ***/

/* raw in `enc` -> UTF-8 with U+FFFD for what cannot be converted; *replaced counts those. */
static char *convert(const char *raw, size_t len, const encoding *enc, size_t *out_len,
                     size_t *replaced)
{
    iconv_t cd = iconv_open("UTF-8", enc->iconv);
    strbuf b = STRBUF_INIT;
    if (cd == (iconv_t)-1) {
        /* every name in the table is one glibc knows; keep the bytes if one is missing */
        strbuf_add(&b, raw, len);
        return strbuf_detach(&b, out_len);
    }
    strbuf_grow(&b, len + len / 2 + 16);
    char *in = (char *)raw;
    size_t in_left = len;
    while (in_left > 0) {
        if (b.cap - b.len < 64)
            strbuf_grow(&b, b.cap / 2 + 64);
        char *out = b.data + b.len;
        size_t out_left = b.cap - b.len - 1, before = out_left;
        size_t r = iconv(cd, &in, &in_left, &out, &out_left);
        b.len += before - out_left;
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        /* EILSEQ or EINVAL (a sequence cut at the end): one byte becomes U+FFFD */
        strbuf_add(&b, "\xEF\xBF\xBD", 3);
        (*replaced)++;
        in++;
        in_left--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    /* flush the shift state of stateful encodings (ISO-2022-JP) */
    {
        char tail[16], *out = tail;
        size_t out_left = sizeof tail;
        iconv(cd, NULL, NULL, &out, &out_left);
        strbuf_add(&b, tail, sizeof tail - out_left);
    }
    iconv_close(cd);
    b.data[b.len] = '\0';
    return strbuf_detach(&b, out_len);
}

static int has_non_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

char *charset_decode(const char *raw, size_t len, const char *transport, size_t *out_len,
                     charset_result *res)
{
    const unsigned char *s = (const unsigned char *)raw;
    const encoding *enc = NULL;
    charset_result r = {NULL, NULL, CHARSET_FROM_CONTENT, 0};

    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        enc = &encodings[0];
        raw += 3;
        len -= 3;
        r.source = CHARSET_FROM_BOM;
    } else if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        enc = encoding_by_name(s[0] == 0xFF ? "UTF-16LE" : "UTF-16BE");
        raw += 2;
        len -= 2;
        r.source = CHARSET_FROM_BOM;
    } else {
        if ((enc = encoding_by_name(transport)) != NULL)
            r.source = CHARSET_FROM_TRANSPORT;
        else if ((enc = charset_prescan(s, len)) != NULL)
            r.source = CHARSET_FROM_META;
        if (enc && enc != &encodings[0] && has_non_ascii(raw, len) && text_utf8_valid(raw, len)) {
            r.declared = enc->name;
            enc = &encodings[0];
            r.source = CHARSET_UTF8_OVERRIDES;
        } else if (!enc) {
            enc = text_utf8_valid(raw, len) ? &encodings[0] : encoding_by_name("windows-1252");
        }
    }
    r.encoding = enc->name;
    char *out;
    if (enc == &encodings[0]) {
        /* UTF-8 stays as it is; invalid sequences are replaced by the text hygiene after */
        out = xstrndup(raw, len);
        *out_len = len;
    } else {
        out = convert(raw, len, enc, out_len, &r.replaced);
    }
    if (res)
        *res = r;
    return out;
}
