/* check_zip.c: the ZIP container: the raw first local header (mimetype), central directory
 * records read from the raw bytes, file-name rules, the entry table built with libzip
 * (ZIP_CHECKCONS; encrypted, symlink, odd-method and bomb entries), and reading entries within
 * the caps (libdeflate on the raw bytes, from any thread; libzip otherwise). */
#include "checker/check_internal.h"

#include <unicase.h>
#include <unistr.h>

/*** Raw bytes and UTF-8 ***/

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Decode one UTF-8 sequence at s (n bytes left); returns its length or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = (s[0] & 0xe0) == 0xc0   ? 2
                 : (s[0] & 0xf0) == 0xe0 ? 3
                 : (s[0] & 0xf8) == 0xf0 ? 4
                                         : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t v = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
        v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* Characters OCF forbids in file names. */
static int ocf_forbidden(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
        return 1;
    if (strchr("\"*:<>?\\|", (int)cp) && cp < 0x80)
        return 1;
    /* EPUB 3.3: private use, non-characters, specials, the deprecated LANGUAGE TAG; the other
     * tag characters (U+E0020-E007F) spell emoji tag sequences and are allowed */
    if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
        (cp >= 0xfff0 && cp <= 0xffff) || cp == 0xe0001 || cp >= 0xf0000)
        return 1;
    if ((cp & 0xfffe) == 0xfffe)
        return 1;
    return 0;
}

/*** Raw ZIP structures ***/

/* The mimetype entry, read from the raw bytes of the first local header. */
void check_zip_first_header(check_ctx *c)
{
    const unsigned char *d = c->data;
    static const char want[] = "application/epub+zip";
    if (c->len < 30 || rd32(d) != 0x04034b50) {
        check_finding(c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                      "the archive does not start with a local file header: the mimetype entry "
                      "must be the first file, stored uncompressed");
        return;
    }
    uint16_t flags = rd16(d + 6), method = rd16(d + 8);
    uint32_t csize = rd32(d + 18);
    size_t nlen = rd16(d + 26), elen = rd16(d + 28);
    if (30 + nlen > c->len || nlen != 8 || memcmp(d + 30, "mimetype", 8) != 0) {
        char *nm = check_shown((const char *)d + 30, 30 + nlen > c->len ? 0 : nlen);
        check_finding(c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                      "the first entry of the archive is \"%s\", not \"mimetype\": write the "
                      "mimetype entry first",
                      nm);
        free(nm);
        return;
    }
    if (elen != 0)
        check_finding(c, DIAG_ERROR, "PKG-005", "mimetype", 0,
                      "the mimetype entry has an extra field of %zu bytes; the extra field is not "
                      "allowed on this entry (zip it with -X, or without extra attributes)",
                      elen);
    if (method != 0) {
        check_finding(c, DIAG_ERROR, "PKG-007", "mimetype", 0,
                      "the mimetype entry is compressed (method %u); it must be stored "
                      "uncompressed",
                      method);
        return;
    }
    size_t off = 30 + nlen + elen;
    if (csize == 0xffffffffu && 30 + nlen + elen <= c->len) {
        /* ZIP64: the sizes are in the extra field (id 1: uncompressed, compressed) */
        const unsigned char *x = d + 30 + nlen, *xe = x + elen;
        while (x + 4 <= xe) {
            uint16_t id = rd16(x), n = rd16(x + 2);
            if (x + 4 + n > xe)
                break;
            if (id == 1 && n >= 16) {
                uint64_t cs = (uint64_t)rd32(x + 12) | ((uint64_t)rd32(x + 16) << 32);
                csize = cs > 0xfffffffeu ? 0xfffffffeu : (uint32_t)cs;
                break;
            }
            x += 4 + n;
        }
    }
    if ((flags & 8) == 0 && csize != sizeof want - 1) {
        check_finding(c, DIAG_ERROR, "PKG-007", "mimetype", 0,
                      "the mimetype entry holds %u bytes; it must hold exactly "
                      "\"application/epub+zip\" (20 bytes, no newline)",
                      (unsigned)csize);
        return;
    }
    if (off + sizeof want - 1 > c->len || memcmp(d + off, want, sizeof want - 1) != 0) {
        size_t avail = off < c->len ? c->len - off : 0;
        char *got =
            check_shown((const char *)d + (off < c->len ? off : 0), avail < 20 ? avail : 20);
        check_finding(
            c, DIAG_ERROR, "PKG-007", "mimetype", 0,
            "the mimetype entry holds \"%s\"; it must hold exactly \"application/epub+zip\"", got);
        free(got);
    }
}

/* Parse the central directory ourselves for the raw names (libzip hides NUL bytes and
 * re-encodes). Returns the number of names (0 when not found or ZIP64); *names is malloc'd,
 * the caller frees it. */
size_t check_zip_raw_names(const unsigned char *d, size_t len, raw_name **names)
{
    *names = NULL;
    if (len < 22)
        return 0;
    size_t lo = len - 22 > 65535 ? len - 22 - 65535 : 0;
    size_t eocd = (size_t)-1;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (rd32(d + i) == 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd == (size_t)-1)
        return 0;
    size_t count = rd16(d + eocd + 10);
    uint32_t cd_size = rd32(d + eocd + 12), cd_off = rd32(d + eocd + 16);
    if (count == 0xffff || cd_off == 0xffffffffu || (size_t)cd_off + cd_size > len)
        return 0;
    raw_name *out = xcalloc(count ? count : 1, sizeof *out);
    size_t n = 0, p = cd_off, end = (size_t)cd_off + cd_size;
    while (n < count && p + 46 <= end && rd32(d + p) == 0x02014b50) {
        size_t nl = rd16(d + p + 28), el = rd16(d + p + 30), cl = rd16(d + p + 32);
        if (p + 46 + nl > end)
            break;
        out[n].p = d + p + 46;
        out[n].len = nl;
        out[n].flags = rd16(d + p + 8);
        out[n].method = rd16(d + p + 10);
        out[n].crc = rd32(d + p + 16);
        out[n].comp_size = rd32(d + p + 20);
        out[n].size = rd32(d + p + 24);
        out[n].header = rd32(d + p + 42);
        out[n].extra = p + 46 + nl + el <= end ? d + p + 46 + nl : NULL;
        out[n].extra_len = out[n].extra ? (uint16_t)el : 0;
        n++;
        p += 46 + nl + el + cl;
    }
    *names = out;
    return n;
}

/* The canonical caseless form of a name (full Unicode case folding, then NFC) into `b`, which
 * is emptied first; a name that is not UTF-8 is kept as it is. */
static void name_fold(strbuf *b, const unsigned char *p, size_t len)
{
    size_t n = 0;
    uint8_t *f = u8_check(p, len) ? NULL : u8_casefold(p, len, NULL, UNINORM_NFC, NULL, &n);
    b->len = 0;
    if (f)
        strbuf_add(b, (const char *)f, n);
    else
        strbuf_add(b, (const char *)p, len);
    if (!b->data)
        strbuf_adds(b, "");
    free(f);
}

/* Names that are equal byte for byte, after Unicode normalisation (NFC), or after full case
 * folding (OPF-060): EPUB 3.3 requires file names to be unique after all three. */
void check_zip_duplicate_names(check_ctx *c, const raw_name *names, size_t n)
{
    strmap *exact = strmap_new(), *nfc = strmap_new(), *folded = strmap_new();
    strbuf fold = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (memchr(names[i].p, 0, names[i].len))
            continue; /* reported with the name checks */
        char *nm = xstrndup((const char *)names[i].p, names[i].len);
        char *norm = check_nfc(nm);
        name_fold(&fold, names[i].p, names[i].len);
        const char *after = NULL, *how = NULL;
        int same_name = 1;
        if (!strmap_add(exact, nm, IDX_PUT(i))) {
            after = "";
            how = "appears more than once; keep one";
        } else if (!strmap_add(nfc, norm, IDX_PUT(i))) {
            after = " after Unicode normalisation";
            how = "is another entry's name written with other code points (the same in NFC); "
                  "rename one";
        } else if (!strmap_add(folded, fold.data, IDX_PUT(i))) {
            after = " after case folding";
            how = "differs from another entry only in letter case (full Unicode case folding); "
                  "rename one";
            same_name = 0;
        }
        if (how) {
            char *disp = check_shown((const char *)names[i].p, names[i].len);
            check_finding(c, DIAG_ERROR, "OPF-060", disp, 0,
                          "duplicate entry in the ZIP file%s: \"%s\" %s", after, disp, how);
            free(disp);
            /* the same name once normalised is the name the manifest lists: no OPF-003 too */
            if (same_name && c->ent && n == c->n_ent)
                c->ent[i].reported = 1;
        }
        free(norm);
        free(nm);
    }
    strbuf_release(&fold);
    strmap_free(exact);
    strmap_free(nfc);
    strmap_free(folded);
}

/* OCF file-name rules for one raw name. Returns 1 when the name is unsafe to use. */
static int check_name(check_ctx *c, const unsigned char *p, size_t len)
{
    int unsafe = 0, forbidden = 0, nonascii = 0, bad_utf8 = 0;
    char *disp = NULL; /* shown only when a finding needs it */
#define DISP check_shown_once(&disp, (const char *)p, len)
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(p + i, len - i, &cp);
        if (k == 0) {
            bad_utf8 = 1;
            i++;
            continue;
        }
        if (cp >= 0x80)
            nonascii = 1;
        if (ocf_forbidden(cp))
            forbidden = 1;
        i += k;
    }
    if (memchr(p, 0, len) || memchr(p, '\\', len))
        unsafe = 1;
    if (bad_utf8) {
        const char *d = DISP;
        check_finding(c, DIAG_ERROR, CHECK_ID_NAME_UTF8, d, 0,
                      "the file name \"%s\" is not valid UTF-8; OCF file names must be UTF-8", d);
        unsafe = 1;
    }
    if (forbidden)
        check_finding(c, DIAG_ERROR, "PKG-009", DISP, 0,
                      "the file name \"%s\" contains characters that are not allowed in OCF file "
                      "names (control characters, \" * : < > ? \\ | or private-use code points)",
                      DISP);
    if (len && p[0] == '/') {
        check_finding(c, DIAG_ERROR, CHECK_ID_UNSAFE_NAME, DISP, 0,
                      "the entry name \"%s\" is an absolute path; entry names must be relative to "
                      "the container root",
                      DISP);
        unsafe = 1;
    }
    /* segments: "..", trailing dots, spaces */
    int dotdot = 0, trailing_dot = 0;
    for (size_t i = 0; i < len;) {
        size_t s = i;
        while (i < len && p[i] != '/')
            i++;
        size_t n = i - s;
        if (n == 2 && p[s] == '.' && p[s + 1] == '.')
            dotdot = 1;
        else if (n > 0 && p[i - 1] == '.' && !(n == 1))
            trailing_dot = 1;
        else if (n == 1 && p[s] == '.')
            dotdot = 1;
        if (i < len)
            i++;
    }
    if (dotdot) {
        check_finding(
            c, DIAG_ERROR, CHECK_ID_UNSAFE_NAME, DISP, 0,
            "the entry name \"%s\" has \".\" or \"..\" segments, which would reach outside "
            "its folder when extracted",
            DISP);
        unsafe = 1;
    }
    if (trailing_dot)
        check_finding(c, DIAG_ERROR, "PKG-011", DISP, 0,
                      "the file name \"%s\" ends with \".\", which is not allowed", DISP);
    if (memchr(p, ' ', len))
        check_finding(c, DIAG_WARNING, "PKG-010", DISP, 0,
                      "the file name \"%s\" contains spaces; references must escape them as %%20, "
                      "consider removing them",
                      DISP);
    if (nonascii && !bad_utf8)
        check_finding(c, DIAG_INFO, "PKG-012", DISP, 0,
                      "the file name \"%s\" contains non-ASCII characters; some reading systems "
                      "mishandle them",
                      DISP);
    free(disp);
    return unsafe;
}

/*** The entry table ***/

void check_zip_entries_load(check_ctx *c, const raw_name *raw, size_t n_raw)
{
    zip_int64_t n = zip_get_num_entries(c->za, 0);
    if (n < 0)
        n = 0;
    c->n_ent = (size_t)n;
    c->ent = xcalloc(c->n_ent ? c->n_ent : 1, sizeof *c->ent);
    c->ent_by_name = strmap_new();
    for (size_t i = 0; i < c->n_ent; i++) {
        zentry *e = &c->ent[i];
        zip_stat_t st;
        zip_stat_init(&st);
        const char *nm = zip_get_name(c->za, i, ZIP_FL_ENC_RAW);
        e->name = xstrdup(nm ? nm : "");
        if (zip_stat_index(c->za, i, ZIP_FL_ENC_RAW, &st) == 0) {
            e->size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
            e->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
            e->method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : 0;
            if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
                check_finding(
                    c, DIAG_ERROR, CHECK_ID_ENCRYPTED, e->name, 0,
                    "the entry is encrypted with ZIP encryption, which EPUB does not allow; "
                    "its content was not checked");
                e->skip = 1;
            }
        } else {
            e->skip = 1;
        }
        size_t nlen = strlen(e->name);
        e->is_dir = nlen > 0 && e->name[nlen - 1] == '/';
        const unsigned char *rp = (const unsigned char *)e->name;
        size_t rl = nlen;
        if (n_raw == c->n_ent) {
            rp = raw[i].p;
            rl = raw[i].len;
        }
        if (check_name(c, rp, rl))
            e->skip = 1;
        zip_uint8_t opsys;
        zip_uint32_t attr;
        if (zip_file_get_external_attributes(c->za, i, 0, &opsys, &attr) == 0 &&
            opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & 0170000) == 0120000) {
            check_finding(c, DIAG_ERROR, CHECK_ID_SYMLINK, e->name, 0,
                          "the entry is a symbolic link; EPUB containers hold only plain files "
                          "(it was not followed)");
            e->skip = 1;
        }
        if (!e->is_dir && !e->skip && e->method != ZIP_CM_STORE && e->method != ZIP_CM_DEFLATE) {
            check_finding(c, DIAG_ERROR, CHECK_ID_METHOD, e->name, 0,
                          "the entry uses compression method %u; EPUB allows only stored (0) and "
                          "deflate (8)",
                          e->method);
            e->skip = 1;
        }
        if (!e->skip && e->method == ZIP_CM_STORE && e->size != e->comp_size) {
            check_finding(c, DIAG_ERROR, CHECK_ID_SIZE_LIE, e->name, 0,
                          "the stored entry declares %llu bytes but occupies %llu; the archive is "
                          "corrupt or crafted",
                          (unsigned long long)e->size, (unsigned long long)e->comp_size);
            e->skip = 1;
        }
        if (!e->skip && e->size > ((zip_uint64_t)1 << 20) &&
            e->size / (e->comp_size ? e->comp_size : 1) > CHECK_RATIO_MAX) {
            check_finding(c, DIAG_ERROR, CHECK_ID_BOMB, e->name, 0,
                          "the entry declares %llu bytes from %llu compressed (ratio over %d:1): a "
                          "zip bomb or a lying size; it was not decompressed",
                          (unsigned long long)e->size, (unsigned long long)e->comp_size,
                          CHECK_RATIO_MAX);
            e->skip = 1;
        }
        e->reported = e->skip;
        /* references find an entry by the NFC form of its name (EPUB 3.3 compares file names
         * after normalisation) */
        char *key = check_nfc(e->name);
        if (!e->skip || !strmap_has(c->ent_by_name, key))
            strmap_add(c->ent_by_name, key, IDX_PUT(i));
        free(key);
    }
}

long check_zip_entry_find(const check_ctx *c, const char *path)
{
    void *v = strmap_get(c->ent_by_name, path);
    if (!v) {
        char *n = check_nfc(path);
        v = strcmp(n, path) != 0 ? strmap_get(c->ent_by_name, n) : NULL;
        free(n);
    }
    return v ? IDX_GET(v) : -1;
}

/* Where entry i's data starts in the archive, when it can be read from the raw bytes (the
 * central record agrees with libzip and the data lies inside the archive); 0 otherwise. */
size_t check_zip_entry_offset(const check_ctx *c, long i)
{
    const zentry *e = &c->ent[i];
    if (!c->raw)
        return 0;
    const raw_name *r = &c->raw[i];
    if (r->method != e->method || r->comp_size != e->comp_size || r->size != e->size ||
        (r->flags & 1) || (size_t)r->header + 30 > c->len)
        return 0;
    const unsigned char *h = c->data + r->header;
    if (rd32(h) != 0x04034b50)
        return 0;
    size_t off = (size_t)r->header + 30 + rd16(h + 26) + rd16(h + 28);
    if (off > c->len || c->len - off < r->comp_size)
        return 0;
    return off;
}

/* Read entry i whole (its declared size was already checked against the caps). Does not
 * touch the context, so that several threads may read entries at once when every entry can be
 * read from the raw bytes (`raw_only`); otherwise libzip is used, from one thread only. On
 * FETCH_OK, *data and *owned point at the bytes, followed by a NUL, in a new buffer the
 * caller frees (*owned). `why` receives a reason on FETCH_BROKEN. */
int check_zip_entry_fetch(const check_ctx *c, long i, struct libdeflate_decompressor *dc,
                          const unsigned char **data, unsigned char **owned, size_t *len, char *why,
                          size_t whylen)
{
    const zentry *e = &c->ent[i];
    size_t want = (size_t)e->size, got = 0;
    size_t off = check_zip_entry_offset(c, i);
    int ret = FETCH_BROKEN;
    unsigned char *buf = NULL;
    zip_file_t *zf = NULL;
    *data = NULL;
    *owned = NULL;
    *len = 0;
    if (off && e->method == ZIP_CM_STORE) {
        const unsigned char *p = c->data + off;
        if (libdeflate_crc32(0, p, want) != c->raw[i].crc) {
            snprintf(why, whylen, "CRC error");
            goto out;
        }
        /* copied: libxml2 needs a NUL after the bytes it parses in place */
        buf = xmalloc(want + 1);
        memcpy(buf, p, want);
        got = want;
        goto done;
    }
    buf = xmalloc(want + 2);
    if (off && dc) {
        size_t actual = 0;
        enum libdeflate_result r = libdeflate_deflate_decompress(
            dc, c->data + off, c->raw[i].comp_size, buf, want, &actual);
        if (r == LIBDEFLATE_INSUFFICIENT_SPACE) {
            ret = FETCH_MORE;
            goto out;
        }
        if (r != LIBDEFLATE_SUCCESS) {
            snprintf(why, whylen, "invalid or truncated compressed data");
            goto out;
        }
        got = actual;
    } else {
        zf = zip_fopen_index(c->za, (zip_uint64_t)i, 0);
        if (!zf) {
            snprintf(why, whylen, "%s", zip_strerror(c->za));
            goto out;
        }
        for (;;) {
            /* read one byte past the declared size to catch entries that lie */
            zip_int64_t r = zip_fread(zf, buf + got, want + 1 - got);
            if (r < 0) {
                snprintf(why, whylen, "%s", zip_file_strerror(zf));
                goto out;
            }
            if (r == 0)
                break;
            got += (size_t)r;
            if (got > want) {
                ret = FETCH_MORE;
                goto out;
            }
        }
    }
    if (got != want) {
        *len = got;
        ret = FETCH_LESS;
        goto out;
    }
    if (off && dc && libdeflate_crc32(0, buf, got) != c->raw[i].crc) {
        snprintf(why, whylen, "CRC error");
        goto out;
    }
done:
    buf[got] = '\0';
    *owned = buf;
    *data = buf;
    buf = NULL;
    *len = got;
    ret = FETCH_OK;
out:
    if (zf)
        zip_fclose(zf);
    free(buf);
    return ret;
}

int check_zip_entry_admit(check_ctx *c, long i, size_t cap, item_job *job)
{
    zentry *e = &c->ent[i];
    if (e->skip || e->is_dir)
        return 0;
    if (e->size > cap) {
        ENTRY_FINDING(c, job, DIAG_ERROR, CHECK_ID_TOO_LARGE, e->name,
                      "the entry is %llu bytes, more than the %zu MiB sheaf checks in one file; "
                      "it was not checked",
                      (unsigned long long)e->size, cap >> 20);
        return 0;
    }
    if (c->total_read + e->size > CHECK_TOTAL_CAP) {
        ENTRY_FINDING(c, job, DIAG_ERROR, CHECK_ID_TOO_LARGE, e->name,
                      "the book's entries together exceed %zu MiB decompressed; this entry was "
                      "not checked",
                      (size_t)(CHECK_TOTAL_CAP >> 20));
        return 0;
    }
    c->total_read += (size_t)e->size;
    return 1;
}

void check_zip_fetch_report(check_ctx *c, item_job *job, long i, int res, size_t got,
                            const char *why)
{
    const zentry *e = &c->ent[i];
    size_t want = (size_t)e->size;
    if (res == FETCH_BROKEN)
        ENTRY_FINDING(c, job, DIAG_ERROR, "PKG-008", e->name,
                      "unable to read the entry: %s (the archive is corrupt)", why);
    else if (res == FETCH_MORE)
        ENTRY_FINDING(c, job, DIAG_ERROR, CHECK_ID_SIZE_LIE, e->name,
                      "the entry declares %zu bytes but decompresses to more; the archive is "
                      "corrupt or crafted (reading stopped)",
                      want);
    else if (res == FETCH_LESS)
        ENTRY_FINDING(c, job, DIAG_ERROR, CHECK_ID_SIZE_LIE, e->name,
                      "the entry declares %zu bytes but holds %zu; the archive is corrupt", want,
                      got);
}

/* Read entry i whole, at most `cap` bytes. Returns a malloc'd NUL-terminated buffer (the
 * caller frees it) or NULL with a finding (none when the entry was already reported). */
unsigned char *check_zip_entry_read(check_ctx *c, long i, size_t cap, size_t *len_out)
{
    zentry *e = &c->ent[i];
    unsigned char *owned = NULL;
    const unsigned char *data = NULL;
    char why[256] = "";
    size_t got = 0;
    *len_out = 0;
    if (!check_zip_entry_admit(c, i, cap, NULL))
        goto out;
    int res = check_zip_entry_fetch(c, i, NULL, &data, &owned, &got, why, sizeof why);
    if (res != FETCH_OK) {
        c->total_read -= (size_t)e->size;
        check_zip_fetch_report(c, NULL, i, res, got, why);
        goto out;
    }
    if (!owned) {
        owned = xmalloc(got + 1);
        memcpy(owned, data, got);
        owned[got] = '\0';
    }
    *len_out = got;
out:
    if (e->skip || !owned)
        e->skip = 1; /* report a broken entry once */
    return owned;
}

const raw_name *check_zip_bad_zip64(const raw_name *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const raw_name *r = &names[i];
        if (r->size != 0xffffffffu && r->comp_size != 0xffffffffu && r->header != 0xffffffffu)
            continue;
        int found = 0;
        for (const unsigned char *x = r->extra, *xe = x ? x + r->extra_len : NULL; x && x + 4 <= xe;
             x += 4 + rd16(x + 2))
            if (rd16(x) == 1)
                found = 1;
        if (!found)
            return r;
    }
    return NULL;
}
