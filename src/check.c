/* check.c: the structural EPUB checker (see check.h).
 *
 * Order of work: raw bytes (first local header, central directory records) -> libzip with
 * ZIP_CHECKCONS (entry table, caps, hostile entries) -> container.xml -> package document ->
 * content documents, stylesheets and the NCX, on worker threads (phase 1: each entry is
 * inflated from the raw bytes with libdeflate and scanned with SAX callbacks, no tree: ids,
 * references, needed properties; the nav document is also walked as a tree) -> their
 * references resolved against the virtual container, again on worker threads once every
 * document's ids are known (phase 2) -> findings gathered in manifest order -> properties and
 * unlisted files.
 *
 * Threads: every job (one manifest item) records its findings and references in its own
 * item_job (the thread-local tl_job routes finding() and ref_add() there), and only writes its
 * own item's fields; the jobs are gathered in manifest order, so the report does not depend on
 * the number of threads. libzip is not thread-safe: when an entry cannot be read from the raw
 * bytes (ZIP64, records that disagree with libzip), phase 1 runs on one thread.
 *
 * Every XML parse goes through xml_tree_parse, content_scan or the NCX reader: from memory,
 * XML_PARSE_NONET, never NOENT/DTDLOAD/DTDATTR/DTDVALID/HUGE, libxml2's default depth and
 * entity-amplification limits, errors collected per parser context (structured handler on the
 * context's own SAX table) instead of printed. The deny-all external entity loader is process
 * wide in libxml2 2.9.14: it is set before the workers start and restored after they are
 * joined; the generic error handler is per thread: each worker silences its own. */
#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <zip.h>

#include "lang.h"
#include "strmap.h"
#include "util.h"

#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_EPUB "http://www.idpf.org/2007/ops"
#define NS_SVG "http://www.w3.org/2000/svg"
#define NS_MATHML "http://www.w3.org/1998/Math/MathML"
#define NS_XLINK "http://www.w3.org/1999/xlink"
#define NS_NCX "http://www.daisy.org/z3986/2005/ncx/"
#define NS_OCF "urn:oasis:names:tc:opendocument:xmlns:container"
#define NS_XML "http://www.w3.org/XML/1998/namespace"

#define MT_XHTML "application/xhtml+xml"
#define MT_SVG "image/svg+xml"
#define MT_NCX "application/x-dtbncx+xml"
#define MT_CSS "text/css"

#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING)

/* Manifest item properties sheaf knows about. */
enum {
    PROP_NAV = 1 << 0,
    PROP_SVG = 1 << 1,
    PROP_SCRIPTED = 1 << 2,
    PROP_MATHML = 1 << 3,
    PROP_REMOTE = 1 << 4,
    PROP_COVER = 1 << 5,
    PROP_SWITCH = 1 << 6,
};

/* How a reference is used decides which rules apply to it. */
enum ref_kind {
    REF_LINK,       /* hyperlink: a, area, svg a */
    REF_RESOURCE,   /* embedded resource: img, script, iframe, object, poster, svg image */
    REF_MEDIA,      /* audio/video sources: may be remote */
    REF_STYLESHEET, /* link rel=stylesheet, CSS @import */
    REF_CSS,        /* CSS url() outside @font-face */
    REF_FONT,       /* CSS url() inside @font-face: may be remote */
    REF_TOC,        /* link in the toc nav */
    REF_NCX,        /* navPoint content src */
};

typedef struct zentry {
    char *name; /* as stored (libzip's raw name) */
    zip_uint64_t size, comp_size;
    zip_uint16_t method;
    int skip; /* never read: encrypted, symlink, bomb, odd method, unsafe name */
    int is_dir;
    int listed;   /* a manifest item names it */
    int reported; /* a finding already names it: no OPF-003 on top */
} zentry;

typedef struct mitem {
    char *id, *href, *media_type, *fallback;
    char *path; /* container path; NULL when remote or unresolvable */
    int line;
    long entry; /* index into the entry table, -1 when absent */
    int spine;  /* position in the spine, -1 when not in it */
    unsigned props, needs;
    int scanned; /* content document parsed without a fatal error */
    strmap *ids; /* id -> ordinal (as uintptr_t) of the element carrying it */
} mitem;

typedef struct ref {
    size_t item; /* referring item */
    int line;
    int kind;
    char *url;
} ref;

/* A growing list of references. */
typedef struct ref_list {
    ref *v;
    size_t n, cap;
} ref_list;

/* Append a reference to url[0..n) (copied) to `l`. */
static void ref_list_add(ref_list *l, size_t item, int line, int kind, const char *url, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    ref *r = &l->v[l->n++];
    r->item = item;
    r->line = line;
    r->kind = kind;
    r->url = xstrndup(url, n);
}

static void ref_list_release(ref_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].url);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* A raw ZIP central directory record (defined with the raw ZIP structures). */
typedef struct raw_name raw_name;

typedef struct check_ctx {
    const char *book;
    diag_list *out;
    size_t n_findings;
    int limit_reported;
    const unsigned char *data;
    size_t len;
    zip_t *za;
    zentry *ent;
    size_t n_ent;
    strmap *ent_by_name; /* name -> index + 1 */
    size_t total_read;
    char *opf_path;
    int epub2;
    char *uid; /* value of the unique identifier */
    mitem *items;
    size_t n_items;
    strmap *item_by_id;   /* id -> index + 1 */
    strmap *item_by_path; /* path -> index + 1 */
    strmap *remote_items; /* href of remote manifest items -> index + 1 */
    long nav_item, ncx_item;
    ref_list refs;
    const raw_name *raw; /* central directory records, in libzip's order; NULL if unusable */
    int threads;         /* for content documents; 0: one per core */
    size_t n_ids;        /* ids recorded over all documents */
    int records_capped;  /* CHECK_MAX_RECORDS reached: fragments are no longer checked */
    int records_reported;
} check_ctx;

#define IDX_PUT(i) ((void *)(uintptr_t)((i) + 1))
#define IDX_GET(p) ((long)(uintptr_t)(p)-1)

/*** Findings ***/

/* A finding made while a content document is checked on a worker thread; it is added to the
 * book's list afterwards, in manifest order, so the report does not depend on the threads. */
typedef struct pending {
    diag_severity sev;
    const char *id;
    const char *file; /* lives as long as the context (an entry or item path) */
    int line;
    char *msg;
} pending;

/* The work on one manifest item (content document or stylesheet) and what it found. */
typedef struct item_job item_job;
struct item_job {
    size_t item;
    long entry;
    int admitted;     /* the caps allowed reading it */
    int entry_failed; /* the entry could not be read: never read it again */
    pending *f;
    size_t n_f, cap_f;
    ref_list refs;
    size_t n_ids;
    int kind;       /* JOB_CONTENT, JOB_NCX */
    strbuf toc_seq; /* targets of the toc links (nav document's job) */
    strbuf ncx_seq; /* targets of the navPoints (NCX job) */
};

enum { JOB_CONTENT, JOB_NCX };

/* The job the calling thread works on, if any: finding() and ref_add() then record into it,
 * so that the checks written for the book as a whole can run on worker threads. */
static _Thread_local item_job *tl_job;

static void job_vfinding(item_job *j, diag_severity sev, const char *id, const char *file, int line,
                         const char *fmt, va_list ap)
{
    if (j->n_f > CHECK_MAX_FINDINGS)
        return; /* the book's cap is reached when these are replayed anyway */
    if (j->n_f == j->cap_f) {
        j->cap_f = j->cap_f ? j->cap_f * 2 : 8;
        j->f = xrealloc(j->f, j->cap_f * sizeof *j->f);
    }
    pending *p = &j->f[j->n_f++];
    p->sev = sev;
    p->id = id;
    p->file = file;
    p->line = line;
    p->msg = xvasprintf(fmt, ap);
}

static void job_finding(item_job *j, diag_severity sev, const char *id, const char *file, int line,
                        const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void job_finding(item_job *j, diag_severity sev, const char *id, const char *file, int line,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    job_vfinding(j, sev, id, file, line, fmt, ap);
    va_end(ap);
}

static void job_release(item_job *j)
{
    for (size_t k = 0; k < j->n_f; k++)
        free(j->f[k].msg);
    free(j->f);
    ref_list_release(&j->refs);
    strbuf_release(&j->toc_seq);
    strbuf_release(&j->ncx_seq);
}

static void finding(check_ctx *c, diag_severity sev, const char *id, const char *file, int line,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void finding(check_ctx *c, diag_severity sev, const char *id, const char *file, int line,
                    const char *fmt, ...)
{
    va_list ap;
    char *msg;
    if (tl_job) {
        va_start(ap, fmt);
        job_vfinding(tl_job, sev, id, file, line, fmt, ap);
        va_end(ap);
        return;
    }
    if (c->n_findings >= CHECK_MAX_FINDINGS && sev != DIAG_FATAL) {
        if (!c->limit_reported) {
            c->limit_reported = 1;
            diag_add(c->out, DIAG_ERROR, CHECK_ID_LIMIT, NULL, 0,
                     "more than %d findings; the rest are not listed (fix these first)",
                     CHECK_MAX_FINDINGS);
        }
        return;
    }
    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(c->out, sev, id, file, line, "%s", msg);
    free(msg);
    c->n_findings++;
}

/* A printable, bounded copy of untrusted bytes for messages: control bytes become '?'. The
 * caller frees it. */
static char *shown(const char *s, size_t len)
{
    strbuf b = STRBUF_INIT;
    size_t max = len > 200 ? 200 : len;
    for (size_t i = 0; i < max; i++) {
        unsigned char ch = (unsigned char)s[i];
        strbuf_addc(&b, ch < 0x20 || ch == 0x7f ? '?' : (char)ch);
    }
    if (max < len)
        strbuf_adds(&b, "...");
    if (!b.data)
        strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* shown(s, len), made once into *cache on first use (the caller frees *cache). A function,
 * so that two uses in one call's arguments are sequenced. */
static const char *shown_once(char **cache, const char *s, size_t len)
    __attribute__((returns_nonnull));

static const char *shown_once(char **cache, const char *s, size_t len)
{
    if (!*cache)
        *cache = shown(s, len);
    return *cache;
}

/*** Small string helpers ***/

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int is_space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

/* Does the whitespace-separated list `list` contain `word`? */
static int list_has(const char *list, const char *word)
{
    size_t wl = strlen(word);
    const char *p = list;
    while (p && *p) {
        while (is_space((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !is_space((unsigned char)*p))
            p++;
        if ((size_t)(p - s) == wl && memcmp(s, word, wl) == 0)
            return 1;
    }
    return 0;
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
    if ((cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
        (cp >= 0xfff0 && cp <= 0xffff) || (cp >= 0xe0000 && cp <= 0xe0fff) || cp >= 0xf0000)
        return 1;
    if ((cp & 0xfffe) == 0xfffe)
        return 1;
    return 0;
}

/*** URLs inside the container ***/

enum url_class {
    URL_EMPTY,    /* "" */
    URL_FRAGMENT, /* "#x": the same document */
    URL_LOCAL,    /* a container path */
    URL_REMOTE,   /* http(s) or protocol-relative */
    URL_DATA,
    URL_FILE,
    URL_OTHER,   /* mailto:, tel:, ... */
    URL_OUTSIDE, /* climbs above the container root or is absolute */
    URL_INVALID,
};

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into a new string; NULL when an escape is malformed or decodes to
 * NUL. The caller frees it. */
static char *pct_decode(const char *s, size_t n)
{
    if (!memchr(s, '%', n)) {
        if (memchr(s, '\0', n))
            return NULL;
        return xstrndup(s, n);
    }
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                strbuf_release(&b);
                return NULL;
            }
            strbuf_addc(&b, (char)(hi * 16 + lo));
            i += 2;
        } else {
            strbuf_addc(&b, s[i]);
        }
    }
    if (!b.data)
        strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* Resolve `rel` (already decoded) against the directory of `base` (a container path).
 * Returns a new normalised path, or NULL when it climbs above the root. The caller frees it. */
/* Is `rel` free of empty, "." and ".." segments (nothing to normalise)? */
static int path_plain(const char *rel)
{
    const char *p = rel;
    if (!*p)
        return 0;
    for (;;) {
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - s);
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
            return 0;
        if (!*p)
            return 1;
        p++;
    }
}

static char *container_resolve(const char *base, const char *rel)
{
    if (path_plain(rel) && (!base || path_plain(base))) {
        /* the common case: the base's folder and rel, joined */
        const char *sl = base ? strrchr(base, '/') : NULL;
        size_t dl = sl ? (size_t)(sl - base) + 1 : 0, rl = strlen(rel);
        char *out = xmalloc(dl + rl + 1);
        if (dl)
            memcpy(out, base, dl);
        memcpy(out + dl, rel, rl + 1);
        return out;
    }
    strbuf joined = STRBUF_INIT;
    strbuf out = STRBUF_INIT;
    size_t *starts = NULL, depth = 0, cap = 0;
    char *ret = NULL;
    const char *slash = base ? strrchr(base, '/') : NULL;
    if (slash)
        strbuf_add(&joined, base, (size_t)(slash - base) + 1);
    strbuf_adds(&joined, rel);
    const char *p = joined.data ? joined.data : "";
    while (*p) {
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - s);
        if (*p == '/')
            p++;
        if (n == 0 || (n == 1 && s[0] == '.'))
            continue;
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (depth == 0)
                goto out;
            out.len = starts[--depth];
            if (out.data)
                out.data[out.len] = '\0';
            continue;
        }
        if (depth == cap) {
            cap = cap ? cap * 2 : 16;
            starts = xrealloc(starts, cap * sizeof *starts);
        }
        starts[depth++] = out.len;
        if (out.len)
            strbuf_addc(&out, '/');
        strbuf_add(&out, s, n);
    }
    if (!out.data)
        strbuf_adds(&out, "");
    ret = strbuf_detach(&out, NULL);
out:
    strbuf_release(&out);
    strbuf_release(&joined);
    free(starts);
    return ret;
}

/* Classify `url` found in the document at `base`. For URL_LOCAL and URL_FRAGMENT, *path (new
 * string, the target container path; for URL_FRAGMENT the base itself) and *frag (new string,
 * decoded fragment, or NULL when there is none) are set; the caller frees both. */
static int url_classify(const char *base, const char *url, char **path, char **frag)
{
    *path = NULL;
    *frag = NULL;
    while (is_space((unsigned char)*url))
        url++;
    size_t n = strlen(url);
    while (n && is_space((unsigned char)url[n - 1]))
        n--;
    if (n == 0)
        return URL_EMPTY;
    if (memchr(url, '\\', n))
        return URL_INVALID;
    /* scheme */
    size_t i = 0;
    if ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')) {
        while (i < n && (((url[i] | 0x20) >= 'a' && (url[i] | 0x20) <= 'z') ||
                         (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
                         url[i] == '.'))
            i++;
        if (i < n && url[i] == ':') {
            char *scheme = xstrndup(url, i);
            int cls = URL_OTHER;
            if (str_casecmp_ascii(scheme, "http") == 0 || str_casecmp_ascii(scheme, "https") == 0)
                cls = URL_REMOTE;
            else if (str_casecmp_ascii(scheme, "data") == 0)
                cls = URL_DATA;
            else if (str_casecmp_ascii(scheme, "file") == 0)
                cls = URL_FILE;
            free(scheme);
            return cls;
        }
    }
    if (n >= 2 && url[0] == '/' && url[1] == '/')
        return URL_REMOTE;
    if (url[0] == '/')
        return URL_OUTSIDE;
    size_t end = 0;
    while (end < n && url[end] != '#' && url[end] != '?')
        end++;
    const char *hash = memchr(url, '#', n);
    if (hash) {
        *frag = pct_decode(hash + 1, n - (size_t)(hash + 1 - url));
        if (!*frag)
            return URL_INVALID;
    }
    if (end == 0) {
        if (!hash) /* "?query" only: the same document */
            return URL_EMPTY;
        *path = xstrdup(base);
        return URL_FRAGMENT;
    }
    char *dec = pct_decode(url, end);
    if (!dec) {
        free(*frag);
        *frag = NULL;
        return URL_INVALID;
    }
    *path = container_resolve(base, dec);
    free(dec);
    if (!*path) {
        free(*frag);
        *frag = NULL;
        return URL_OUTSIDE;
    }
    return URL_LOCAL;
}

/*** Raw ZIP structures ***/

/* The mimetype entry, read from the raw bytes of the first local header. */
static void check_first_header(check_ctx *c)
{
    const unsigned char *d = c->data;
    static const char want[] = "application/epub+zip";
    if (c->len < 30 || rd32(d) != 0x04034b50) {
        finding(c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                "the archive does not start with a local file header: the mimetype entry "
                "must be the first file, stored uncompressed");
        return;
    }
    uint16_t flags = rd16(d + 6), method = rd16(d + 8);
    uint32_t csize = rd32(d + 18);
    size_t nlen = rd16(d + 26), elen = rd16(d + 28);
    if (30 + nlen > c->len || nlen != 8 || memcmp(d + 30, "mimetype", 8) != 0) {
        char *nm = shown((const char *)d + 30, 30 + nlen > c->len ? 0 : nlen);
        finding(c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                "the first entry of the archive is \"%s\", not \"mimetype\": write the "
                "mimetype entry first",
                nm);
        free(nm);
        return;
    }
    if (elen != 0)
        finding(c, DIAG_ERROR, "PKG-005", "mimetype", 0,
                "the mimetype entry has an extra field of %zu bytes; the extra field is not "
                "allowed on this entry (zip it with -X, or without extra attributes)",
                elen);
    if (method != 0) {
        finding(c, DIAG_ERROR, "PKG-007", "mimetype", 0,
                "the mimetype entry is compressed (method %u); it must be stored "
                "uncompressed",
                method);
        return;
    }
    size_t off = 30 + nlen + elen;
    if ((flags & 8) == 0 && csize != sizeof want - 1) {
        finding(c, DIAG_ERROR, "PKG-007", "mimetype", 0,
                "the mimetype entry holds %u bytes; it must hold exactly "
                "\"application/epub+zip\" (20 bytes, no newline)",
                (unsigned)csize);
        return;
    }
    if (off + sizeof want - 1 > c->len || memcmp(d + off, want, sizeof want - 1) != 0) {
        size_t avail = off < c->len ? c->len - off : 0;
        char *got = shown((const char *)d + (off < c->len ? off : 0), avail < 20 ? avail : 20);
        finding(c, DIAG_ERROR, "PKG-007", "mimetype", 0,
                "the mimetype entry holds \"%s\"; it must hold exactly \"application/epub+zip\"",
                got);
        free(got);
    }
}

/* A central directory record, from the raw bytes: its name, and where its data lies (for
 * reading entries without libzip, from several threads). */
struct raw_name {
    const unsigned char *p;
    size_t len;
    uint16_t flags, method;
    uint32_t crc, comp_size, size, header; /* header: offset of the local header */
};

/* Parse the central directory ourselves for the raw names (libzip hides NUL bytes and
 * re-encodes). Returns the number of names (0 when not found or ZIP64); *names is malloc'd,
 * the caller frees it. */
static size_t raw_names_read(const unsigned char *d, size_t len, raw_name **names)
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
        n++;
        p += 46 + nl + el + cl;
    }
    *names = out;
    return n;
}

/* Simple Unicode case folding (CaseFolding.txt, status C and S) for Latin (ASCII, Latin-1,
 * Latin Extended-A and the regular pairs of Extended-B), Greek and Cyrillic; other code points
 * are returned as they are. */
static uint32_t fold_cp(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    if (cp == 0xb5)
        return 0x3bc; /* micro sign -> Greek mu */
    if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
        return cp + 32;
    if (cp < 0x100)
        return cp;
    if (cp <= 0x17f) { /* Latin Extended-A */
        if (cp == 0x178)
            return 0xff;
        if (cp == 0x17f)
            return 's';
        if ((cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
            return cp & 1 ? cp : cp + 1;
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
            return cp & 1 ? cp + 1 : cp;
        return cp;
    }
    if (cp <= 0x24f) { /* Latin Extended-B: the regular pairs */
        if (cp >= 0x1cd && cp <= 0x1dc)
            return cp & 1 ? cp + 1 : cp;
        if ((cp >= 0x1de && cp <= 0x1ef) || (cp >= 0x1f8 && cp <= 0x21f) ||
            (cp >= 0x222 && cp <= 0x233) || (cp >= 0x246 && cp <= 0x24f))
            return cp & 1 ? cp : cp + 1;
        return cp;
    }
    if (cp >= 0x370 && cp <= 0x3ff) { /* Greek */
        if (cp == 0x386)
            return 0x3ac;
        if (cp >= 0x388 && cp <= 0x38a)
            return cp + 37;
        if (cp == 0x38c)
            return 0x3cc;
        if (cp == 0x38e || cp == 0x38f)
            return cp + 63;
        if ((cp >= 0x391 && cp <= 0x3a1) || (cp >= 0x3a3 && cp <= 0x3ab))
            return cp + 32;
        if (cp == 0x3c2)
            return 0x3c3; /* final sigma */
        if (cp >= 0x3d8 && cp <= 0x3ef)
            return cp & 1 ? cp : cp + 1;
        return cp;
    }
    if (cp >= 0x400 && cp <= 0x52f) { /* Cyrillic and its supplement */
        if (cp <= 0x40f)
            return cp + 80;
        if (cp <= 0x42f)
            return cp + 32;
        if (cp == 0x4c0)
            return 0x4cf;
        if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
            (cp >= 0x4d0 && cp <= 0x52f))
            return cp & 1 ? cp : cp + 1;
        if (cp >= 0x4c1 && cp <= 0x4ce)
            return cp & 1 ? cp + 1 : cp;
        return cp;
    }
    return cp;
}

static void utf8_put(strbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    strbuf_add(b, u, n);
}

/* The case-folded form of a name (bytes that are not UTF-8 are kept as they are) into `b`,
 * which is emptied first. */
static void name_fold(strbuf *b, const unsigned char *p, size_t len)
{
    b->len = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(p + i, len - i, &cp);
        if (k == 0) {
            strbuf_addc(b, (char)p[i]);
            i++;
            continue;
        }
        if (cp < 0x80)
            strbuf_addc(b, (char)fold_cp(cp));
        else
            utf8_put(b, fold_cp(cp));
        i += k;
    }
    if (!b->data)
        strbuf_adds(b, "");
}

/* Names that are equal byte for byte, or after case folding (OPF-060). */
static void check_duplicate_names(check_ctx *c, const raw_name *names, size_t n)
{
    strmap *exact = strmap_new(), *folded = strmap_new();
    strbuf fold = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (memchr(names[i].p, 0, names[i].len))
            continue; /* reported with the name checks */
        char *nm = xstrndup((const char *)names[i].p, names[i].len);
        name_fold(&fold, names[i].p, names[i].len);
        if (!strmap_add(exact, nm, IDX_PUT(i))) {
            char *disp = shown((const char *)names[i].p, names[i].len);
            finding(c, DIAG_ERROR, "OPF-060", disp, 0,
                    "duplicate entry in the ZIP file: \"%s\" appears more than once; keep one",
                    disp);
            free(disp);
        } else if (!strmap_add(folded, fold.data, IDX_PUT(i))) {
            char *disp = shown((const char *)names[i].p, names[i].len);
            finding(c, DIAG_ERROR, "OPF-060", disp, 0,
                    "duplicate entry in the ZIP file after case folding: \"%s\" differs from "
                    "another entry only in letter case; rename one",
                    disp);
            free(disp);
        }
        free(nm);
    }
    strbuf_release(&fold);
    strmap_free(exact);
    strmap_free(folded);
}

/* OCF file-name rules for one raw name. Returns 1 when the name is unsafe to use. */
static int check_name(check_ctx *c, const unsigned char *p, size_t len)
{
    int unsafe = 0, forbidden = 0, nonascii = 0, bad_utf8 = 0;
    char *disp = NULL; /* shown only when a finding needs it */
#define DISP shown_once(&disp, (const char *)p, len)
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
        finding(c, DIAG_ERROR, CHECK_ID_NAME_UTF8, d, 0,
                "the file name \"%s\" is not valid UTF-8; OCF file names must be UTF-8", d);
        unsafe = 1;
    }
    if (forbidden)
        finding(c, DIAG_ERROR, "PKG-009", DISP, 0,
                "the file name \"%s\" contains characters that are not allowed in OCF file "
                "names (control characters, \" * : < > ? \\ | or private-use code points)",
                DISP);
    if (len && p[0] == '/') {
        finding(c, DIAG_ERROR, CHECK_ID_UNSAFE_NAME, DISP, 0,
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
        finding(c, DIAG_ERROR, CHECK_ID_UNSAFE_NAME, DISP, 0,
                "the entry name \"%s\" has \".\" or \"..\" segments, which would reach outside "
                "its folder when extracted",
                DISP);
        unsafe = 1;
    }
    if (trailing_dot)
        finding(c, DIAG_ERROR, "PKG-011", DISP, 0,
                "the file name \"%s\" ends with \".\", which is not allowed", DISP);
    if (memchr(p, ' ', len))
        finding(c, DIAG_WARNING, "PKG-010", DISP, 0,
                "the file name \"%s\" contains spaces; references must escape them as %%20, "
                "consider removing them",
                DISP);
    if (nonascii && !bad_utf8)
        finding(c, DIAG_INFO, "PKG-012", DISP, 0,
                "the file name \"%s\" contains non-ASCII characters; some reading systems "
                "mishandle them",
                DISP);
    free(disp);
    return unsafe;
}

/*** The entry table ***/

static void entries_load(check_ctx *c, const raw_name *raw, size_t n_raw)
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
                finding(c, DIAG_ERROR, CHECK_ID_ENCRYPTED, e->name, 0,
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
            finding(c, DIAG_ERROR, CHECK_ID_SYMLINK, e->name, 0,
                    "the entry is a symbolic link; EPUB containers hold only plain files "
                    "(it was not followed)");
            e->skip = 1;
        }
        if (!e->is_dir && !e->skip && e->method != ZIP_CM_STORE && e->method != ZIP_CM_DEFLATE) {
            finding(c, DIAG_ERROR, CHECK_ID_METHOD, e->name, 0,
                    "the entry uses compression method %u; EPUB allows only stored (0) and "
                    "deflate (8)",
                    e->method);
            e->skip = 1;
        }
        if (!e->skip && e->method == ZIP_CM_STORE && e->size != e->comp_size) {
            finding(c, DIAG_ERROR, CHECK_ID_SIZE_LIE, e->name, 0,
                    "the stored entry declares %llu bytes but occupies %llu; the archive is "
                    "corrupt or crafted",
                    (unsigned long long)e->size, (unsigned long long)e->comp_size);
            e->skip = 1;
        }
        if (!e->skip && e->size > ((zip_uint64_t)1 << 20) &&
            e->size / (e->comp_size ? e->comp_size : 1) > CHECK_RATIO_MAX) {
            finding(c, DIAG_ERROR, CHECK_ID_BOMB, e->name, 0,
                    "the entry declares %llu bytes from %llu compressed (ratio over %d:1): a "
                    "zip bomb or a lying size; it was not decompressed",
                    (unsigned long long)e->size, (unsigned long long)e->comp_size, CHECK_RATIO_MAX);
            e->skip = 1;
        }
        e->reported = e->skip;
        if (!e->skip || !strmap_has(c->ent_by_name, e->name))
            strmap_add(c->ent_by_name, e->name, IDX_PUT(i));
    }
}

static long entry_find(const check_ctx *c, const char *path)
{
    void *v = strmap_get(c->ent_by_name, path);
    return v ? IDX_GET(v) : -1;
}

/* What reading an entry gave. */
enum fetch_result {
    FETCH_OK,
    FETCH_BROKEN, /* libzip or inflate failed, or a CRC mismatch (PKG-008) */
    FETCH_MORE,   /* more bytes than declared (SHF-003) */
    FETCH_LESS,   /* fewer bytes than declared (SHF-003) */
};

/* Where entry i's data starts in the archive, when it can be read from the raw bytes (the
 * central record agrees with libzip and the data lies inside the archive); 0 otherwise. */
static size_t entry_data_offset(const check_ctx *c, long i)
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
static int entry_fetch(const check_ctx *c, long i, struct libdeflate_decompressor *dc,
                       const unsigned char **data, unsigned char **owned, size_t *len, char *why,
                       size_t whylen)
{
    const zentry *e = &c->ent[i];
    size_t want = (size_t)e->size, got = 0;
    size_t off = entry_data_offset(c, i);
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

/* May entry i be read, given the caps? Returns 0 after a finding (none when the entry was
 * already reported); otherwise counts it towards the total and returns 1. `sink` and `job`
 * receive the finding (see job_finding); with job NULL it goes to the book's list. */
static int entry_admit(check_ctx *c, long i, size_t cap, item_job *job);

/* Report what entry_fetch gave for entry i (nothing on FETCH_OK). */
static void fetch_report(check_ctx *c, item_job *job, long i, int res, size_t got, const char *why);

/* A finding about an entry: to the job when there is one, else to the book. */
#define ENTRY_FINDING(c, job, sev, id, file, ...)                                                  \
    do {                                                                                           \
        if (job)                                                                                   \
            job_finding(job, sev, id, file, 0, __VA_ARGS__);                                       \
        else                                                                                       \
            finding(c, sev, id, file, 0, __VA_ARGS__);                                             \
    } while (0)

static int entry_admit(check_ctx *c, long i, size_t cap, item_job *job)
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

static void fetch_report(check_ctx *c, item_job *job, long i, int res, size_t got, const char *why)
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
static unsigned char *entry_read(check_ctx *c, long i, size_t cap, size_t *len_out)
{
    zentry *e = &c->ent[i];
    unsigned char *owned = NULL;
    const unsigned char *data = NULL;
    char why[256] = "";
    size_t got = 0;
    *len_out = 0;
    if (!entry_admit(c, i, cap, NULL))
        goto out;
    int res = entry_fetch(c, i, NULL, &data, &owned, &got, why, sizeof why);
    if (res != FETCH_OK) {
        c->total_read -= (size_t)e->size;
        fetch_report(c, NULL, i, res, got, why);
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

/* The first bytes of entry i (for media type sniffing); returns how many were read. */
static size_t entry_read_head(check_ctx *c, long i, unsigned char *head, size_t n)
{
    zentry *e = &c->ent[i];
    size_t got = 0;
    if (e->skip || e->is_dir)
        return 0;
    zip_file_t *zf = zip_fopen_index(c->za, (zip_uint64_t)i, 0);
    if (!zf)
        return 0;
    while (got < n) {
        zip_int64_t r = zip_fread(zf, head + got, n - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    zip_fclose(zf);
    return got;
}

/*** XML parsing (hostile input) ***/

typedef struct xml_err {
    char msg[300];
    int line;
    int have;
} xml_err;

static void xml_err_keep(xml_err *e, const xmlError *err)
{
    if (e->have || !err || err->level < XML_ERR_ERROR)
        return;
    e->have = 1;
    e->line = err->line;
    snprintf(e->msg, sizeof e->msg, "%s", err->message ? err->message : "parse error");
    size_t n = strlen(e->msg);
    while (n && (e->msg[n - 1] == '\n' || e->msg[n - 1] == ' '))
        e->msg[--n] = '\0';
}

static void xml_tree_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr p = user;
    if (p && p->_private)
        xml_err_keep(p->_private, err);
}

static void xml_reader_error(void *arg, xmlErrorPtr err)
{
    xml_err_keep(arg, err);
}

static void xml_generic_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static xmlParserInputPtr xml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* Report DOCTYPE external identifiers and external entity declarations of `doc`. `allowed_pub`
 * is a public identifier that this kind of document may carry (NULL: none). Findings go to
 * `job` when it is not NULL (worker threads), else to the book. */
static void doctype_check(xmlDocPtr doc, const char *path, int xhtml, const char *allowed_pub,
                          item_job *job, check_ctx *c)
{
    xmlDtdPtr dtd = doc ? doc->intSubset : NULL;
    if (!dtd)
        return;
    if (dtd->ExternalID || dtd->SystemID) {
        const char *pub = dtd->ExternalID ? (const char *)dtd->ExternalID : "";
        const char *sys = dtd->SystemID ? (const char *)dtd->SystemID : "";
        int ok = allowed_pub && strcmp(pub, allowed_pub) == 0;
        char *pub_s = shown(pub, strlen(pub)), *sys_s = shown(sys, strlen(sys));
        if (!ok && xhtml)
            ENTRY_FINDING(c, job, DIAG_ERROR, "HTM-004", path,
                          "irregular DOCTYPE: found \"%s\" \"%s\"; an EPUB 3 XHTML document "
                          "uses <!DOCTYPE html> without identifiers",
                          pub_s, sys_s);
        else if (!ok)
            ENTRY_FINDING(c, job, DIAG_ERROR, "OPF-073", path,
                          "external identifiers must not appear in the document type "
                          "declaration (found \"%s\"); remove them",
                          pub_s);
        free(pub_s);
        free(sys_s);
    }
    for (xmlNodePtr n = dtd->children; n; n = n->next) {
        if (n->type != XML_ENTITY_DECL)
            continue;
        xmlEntityPtr ent = (xmlEntityPtr)n;
        if (ent->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY ||
            ent->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
            ent->etype == XML_EXTERNAL_PARAMETER_ENTITY || ent->SystemID || ent->ExternalID) {
            const char *sys = ent->SystemID ? (const char *)ent->SystemID : "";
            char *nm = shown((const char *)ent->name, strlen((const char *)ent->name));
            char *sys_s = shown(sys, strlen(sys));
            ENTRY_FINDING(c, job, DIAG_ERROR, "HTM-003", path,
                          "external entities are not allowed in EPUB documents: entity \"%s\" "
                          "refers to \"%s\" (it was not loaded)",
                          nm, sys_s);
            free(nm);
            free(sys_s);
        }
    }
}

static void check_doctype(check_ctx *c, xmlDocPtr doc, const char *path, int xhtml,
                          const char *allowed_pub)
{
    doctype_check(doc, path, xhtml, allowed_pub, NULL, c);
}

/* Parse a small XML document into a tree. Returns the tree (the caller frees it with
 * xmlFreeDoc) or NULL with an RSC-016 finding. */
static xmlDocPtr xml_tree_parse(check_ctx *c, const char *path, const unsigned char *buf,
                                size_t len)
{
    xml_err e;
    memset(&e, 0, sizeof e);
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p)
        return NULL;
    p->_private = &e;
    p->sax->serror = xml_tree_error;
    doc = xmlCtxtReadMemory(p, (const char *)buf, (int)len, path, NULL, XML_OPTIONS);
    if (!doc || !p->wellFormed || e.have) {
        finding(c, DIAG_FATAL, "RSC-016", path, e.have ? e.line : 0,
                "the document is not well-formed XML: %s", e.have ? e.msg : "parse error");
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(p);
    return doc;
}

static int node_is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* An attribute value without entity expansion (the caller frees it), or NULL. */
static char *attr_get(const xmlNode *n, const char *name, const char *ns)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        if (ns ? !(a->ns && strcmp((const char *)a->ns->href, ns) == 0) : a->ns != NULL)
            continue;
        strbuf b = STRBUF_INIT;
        for (xmlNodePtr t = a->children; t; t = t->next)
            if (t->type == XML_TEXT_NODE && t->content)
                strbuf_adds(&b, (const char *)t->content);
        if (!b.data)
            strbuf_adds(&b, "");
        return strbuf_detach(&b, NULL);
    }
    return NULL;
}

/* The text of an element, never expanding entity references, bounded. Caller frees it. */
static void node_text_add(const xmlNode *n, strbuf *b, int depth)
{
    for (const xmlNode *k = n->children; k && b->len < 4096; k = k->next) {
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content)
            strbuf_adds(b, (const char *)k->content);
        else if (k->type == XML_ELEMENT_NODE && depth < 64)
            node_text_add(k, b, depth + 1);
    }
}

static char *node_text(const xmlNode *n)
{
    strbuf b = STRBUF_INIT;
    node_text_add(n, &b, 0);
    if (!b.data)
        strbuf_adds(&b, "");
    char *s = strbuf_detach(&b, NULL);
    str_trim(s);
    return s;
}

static const xmlNode *first_child_element(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

static const xmlNode *next_element(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->next : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

/*** References ***/

/* Ids and references are kept for the whole book: past CHECK_MAX_RECORDS of either, the book
 * is reported as too large to check in full and no more are recorded. */
static int records_full(check_ctx *c, size_t n, const char *file)
{
    if (n < CHECK_MAX_RECORDS)
        return 0;
    if (!c->records_capped) {
        c->records_capped = 1;
        finding(c, DIAG_ERROR, CHECK_ID_TOO_LARGE, file, 0,
                "the book has more than %d ids or references; the rest were not checked",
                CHECK_MAX_RECORDS);
    }
    return 1;
}

static void ref_add(check_ctx *c, size_t item, int line, int kind, const char *url)
{
    if (tl_job) {
        if (tl_job->refs.n < CHECK_MAX_RECORDS)
            ref_list_add(&tl_job->refs, item, line, kind, url, strlen(url));
        return;
    }
    if (records_full(c, c->refs.n, c->items[item].path))
        return;
    ref_list_add(&c->refs, item, line, kind, url, strlen(url));
}

static long item_by_path(const check_ctx *c, const char *path)
{
    void *v = strmap_get(c->item_by_path, path);
    return v ? IDX_GET(v) : -1;
}

static int is_content_type(const char *mt)
{
    return mt && (strcmp(mt, MT_XHTML) == 0 || strcmp(mt, MT_SVG) == 0);
}

/*** Stylesheets ***/

/* Collect url() and @import references of CSS text (a stylesheet, a <style> element or a
 * style attribute), attributed to `item` from line `line0`. */
static void css_scan(ref_list *out, size_t item, const char *css, size_t len, int line0)
{
    int line = line0 > 0 ? line0 : 1;
    int depth = 0, font_depth = -1, font_pending = 0, import_pending = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = css[i];
        if (ch == '\n')
            line++;
        if (ch == '/' && i + 1 < len && css[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(css[i] == '*' && css[i + 1] == '/')) {
                if (css[i] == '\n')
                    line++;
                i++;
            }
            i++;
            continue;
        }
        if (ch == '"' || ch == '\'') {
            size_t s = ++i;
            while (i < len && css[i] != ch && css[i] != '\n') {
                if (css[i] == '\\')
                    i++;
                i++;
            }
            if (import_pending && i <= len) {
                ref_list_add(out, item, line, REF_STYLESHEET, css + s, (i < len ? i : len) - s);
                import_pending = 0;
            }
            continue;
        }
        if (ch == '@') {
            if (len - i >= 10 && strncasecmp(css + i, "@font-face", 10) == 0)
                font_pending = 1;
            if (len - i >= 7 && strncasecmp(css + i, "@import", 7) == 0)
                import_pending = 1;
            continue;
        }
        if (ch == ';')
            import_pending = 0;
        if (ch == '{') {
            depth++;
            if (font_pending) {
                font_depth = depth;
                font_pending = 0;
            }
            continue;
        }
        if (ch == '}') {
            if (depth == font_depth)
                font_depth = -1;
            if (depth > 0)
                depth--;
            continue;
        }
        if ((ch == 'u' || ch == 'U') && len - i >= 4 && strncasecmp(css + i, "url(", 4) == 0 &&
            (i == 0 || !((css[i - 1] | 0x20) >= 'a' && (css[i - 1] | 0x20) <= 'z'))) {
            size_t j = i + 4;
            while (j < len && is_space((unsigned char)css[j]))
                j++;
            char q = 0;
            if (j < len && (css[j] == '"' || css[j] == '\''))
                q = css[j++];
            size_t s = j;
            while (j < len &&
                   (q ? css[j] != q : (css[j] != ')' && !is_space((unsigned char)css[j]))))
                j++;
            int kind = import_pending                          ? REF_STYLESHEET
                       : font_depth > 0 && depth >= font_depth ? REF_FONT
                                                               : REF_CSS;
            ref_list_add(out, item, line, kind, css + s, (j < len ? j : len) - s);
            import_pending = 0;
            while (j < len && css[j] != ')')
                j++;
            i = j;
        }
    }
}

/*** Content documents (SAX, on worker threads) ***/

/* Equal to a literal; the first byte rules most names out without a call. */
#define STREQ(s, lit) ((s)[0] == (lit)[0] && strcmp((s), (lit)) == 0)

/* Namespaces content_scan tells apart. */
enum { NSK_NONE, NSK_XHTML, NSK_SVG, NSK_MATHML, NSK_EPUB, NSK_XML, NSK_XLINK, NSK_OTHER };

/* Per-document state of content_scan. Only the item's own fields (ids, needs, scanned) and
 * the job are written: documents are scanned in parallel. */
typedef struct scan_state {
    const check_ctx *c;
    mitem *it;
    item_job *job;
    xml_err err;
    int root_seen;
    int depth;
    unsigned long ordinal;
    int is_xhtml_doc, nav_doc;
    int style_depth; /* depth of an open <style> element + 1 */
    int style_line;
    size_t item_index;
    strbuf style;
    const xmlChar *stack[8];   /* local names (from the parser's dictionary) of open elements */
    char *val;                 /* the current attribute value, NUL-terminated */
    const xmlChar *ns_last[2]; /* the parser's interned namespace names last classified ... */
    int ns_last_kind[2];       /* ... and their kinds */
    size_t val_cap;
} scan_state;

static int script_is_data_block(const char *type)
{
    if (!type || !*type)
        return 0;
    static const char *const js[] = {
        "text/javascript",        "application/javascript",   "module",      "text/ecmascript",
        "application/ecmascript", "application/x-javascript", "text/jscript"};
    for (size_t i = 0; i < sizeof js / sizeof *js; i++)
        if (str_casecmp_ascii(type, js[i]) == 0)
            return 0;
    return 1;
}

/* The kind of reference an attribute `an` (no namespace unless `ans`) of element `name` makes,
 * or -1; 100 for <link href>, decided once rel is known. */
static int attr_ref_kind(const scan_state *st, const char *name, int xhtml, int svg, const char *an,
                         const char *ans, int ansk, int depth)
{
    if (xhtml && !ans) {
        if (STREQ(an, "href")) {
            if (STREQ(name, "a") || STREQ(name, "area"))
                return st->nav_doc ? -1 : REF_LINK; /* nav links are taken from the tree */
            if (STREQ(name, "link"))
                return 100;
            return -1;
        }
        if (STREQ(an, "src")) {
            if (STREQ(name, "img") || STREQ(name, "script") || STREQ(name, "iframe") ||
                STREQ(name, "embed") || STREQ(name, "input"))
                return REF_RESOURCE;
            if (STREQ(name, "audio") || STREQ(name, "video") || STREQ(name, "track"))
                return REF_MEDIA;
            if (STREQ(name, "source")) {
                const char *parent =
                    depth > 0 && depth - 1 < 8 ? (const char *)st->stack[depth - 1] : NULL;
                return parent && (STREQ(parent, "audio") || STREQ(parent, "video")) ? REF_MEDIA
                                                                                    : REF_RESOURCE;
            }
            return -1;
        }
        if (STREQ(an, "data") && STREQ(name, "object"))
            return REF_RESOURCE;
        if (STREQ(an, "poster") && STREQ(name, "video"))
            return REF_RESOURCE;
        return -1;
    }
    if (svg && STREQ(an, "href") && (!ans || ansk == NSK_XLINK)) {
        if (STREQ(name, "a"))
            return REF_LINK;
        if (STREQ(name, "image"))
            return REF_RESOURCE;
    }
    return -1;
}

/* The kind of namespace `uri`. The parser hands out namespace names from its dictionary, so
 * the same pointer means the same name for the whole document: cache the last two. */
static int ns_kind(scan_state *st, const xmlChar *uri)
{
    if (!uri)
        return NSK_NONE;
    for (int k = 0; k < 2; k++)
        if (st->ns_last[k] == uri)
            return st->ns_last_kind[k];
    const char *u = (const char *)uri;
    int kind = strcmp(u, NS_XHTML) == 0    ? NSK_XHTML
               : strcmp(u, NS_SVG) == 0    ? NSK_SVG
               : strcmp(u, NS_MATHML) == 0 ? NSK_MATHML
               : strcmp(u, NS_EPUB) == 0   ? NSK_EPUB
               : strcmp(u, NS_XML) == 0    ? NSK_XML
               : strcmp(u, NS_XLINK) == 0  ? NSK_XLINK
                                           : NSK_OTHER;
    st->ns_last[1] = st->ns_last[0];
    st->ns_last_kind[1] = st->ns_last_kind[0];
    st->ns_last[0] = uri;
    st->ns_last_kind[0] = kind;
    return kind;
}

static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                      const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                      int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    mitem *it = st->it;
    item_job *job = st->job;
    const char *name = (const char *)localname;
    const char *ns = (const char *)uri;
    int depth = st->depth++;
    int line = p->input ? p->input->line : 0;
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    if (st->err.have || !name)
        return;
    int nsk = ns_kind(st, uri);
    int xhtml = nsk == NSK_XHTML;
    int svg = nsk == NSK_SVG;
    st->ordinal++;
    if (!st->root_seen) {
        st->root_seen = 1;
        if (st->is_xhtml_doc && !(xhtml && STREQ(name, "html")))
            job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                        "the root element is \"%s\" in namespace \"%s\"; an XHTML content "
                        "document has <html xmlns=\"http://www.w3.org/1999/xhtml\">",
                        name, ns ? ns : "");
        else if (!st->is_xhtml_doc && !(svg && STREQ(name, "svg")))
            job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                        "the root element is \"%s\"; an SVG document has <svg "
                        "xmlns=\"http://www.w3.org/2000/svg\">",
                        name);
    }
    if (depth < 8)
        st->stack[depth] = localname;
    if (svg && STREQ(name, "svg") && st->is_xhtml_doc)
        it->needs |= PROP_SVG;
    else if (nsk == NSK_MATHML && STREQ(name, "math"))
        it->needs |= PROP_MATHML;
    else if (nsk == NSK_EPUB && STREQ(name, "switch"))
        it->needs |= PROP_SWITCH;

    char *lang = NULL, *xml_lang = NULL, *script_type = NULL, *rel = NULL;
    int is_script = (xhtml || svg) && STREQ(name, "script");
    long pending_link = -1;
    for (int a = 0; a < nb_attributes; a++) {
        const char *an = (const char *)attributes[5 * a];
        int ansk = ns_kind(st, attributes[5 * a + 2]);
        const char *ans = ansk == NSK_NONE ? NULL : (const char *)attributes[5 * a + 2];
        const char *vs = (const char *)attributes[5 * a + 3];
        const char *ve = (const char *)attributes[5 * a + 4];
        if (!an || !vs || !ve || ve < vs)
            continue;
        size_t vlen = (size_t)(ve - vs);
        int in_xml = ansk == NSK_XML;
        if ((!ans && STREQ(an, "id")) || (in_xml && STREQ(an, "id"))) {
            if (job->n_ids >= CHECK_MAX_RECORDS)
                continue; /* reported when the jobs are gathered */
            job->n_ids++;
            if (vlen + 1 > st->val_cap) {
                st->val_cap = vlen + 64;
                st->val = xrealloc(st->val, st->val_cap);
            }
            memcpy(st->val, vs, vlen);
            st->val[vlen] = '\0';
            if (!strmap_add(it->ids, st->val, (void *)(uintptr_t)st->ordinal)) {
                char *sh = shown(vs, vlen);
                job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                            "duplicate ID \"%s\": ids must be unique within a document", sh);
                free(sh);
            }
            continue;
        }
        if (in_xml && STREQ(an, "lang")) {
            free(xml_lang);
            xml_lang = xstrndup(vs, vlen);
            continue;
        }
        if (!ans && STREQ(an, "lang") && xhtml) {
            free(lang);
            lang = xstrndup(vs, vlen);
            continue;
        }
        if (!ans && STREQ(an, "style")) {
            css_scan(&job->refs, st->item_index, vs, vlen, line);
            continue;
        }
        if (!ans && an[0] == 'o' && an[1] == 'n' && (xhtml || svg))
            it->needs |= PROP_SCRIPTED;
        if (is_script && !ans && STREQ(an, "type")) {
            free(script_type);
            script_type = xstrndup(vs, vlen);
        }
        if (xhtml && !ans && STREQ(an, "rel") && STREQ(name, "link")) {
            free(rel);
            rel = xstrndup(vs, vlen);
        }
        int kind = attr_ref_kind(st, name, xhtml, svg, an, ans, ansk, depth);
        if (kind == 100) {
            /* rel may come later in attribute order: decide the kind below */
            ref_list_add(&job->refs, st->item_index, line, REF_LINK, vs, vlen);
            pending_link = (long)job->refs.n - 1;
        } else if (kind >= 0) {
            ref_list_add(&job->refs, st->item_index, line, kind, vs, vlen);
        }
    }
    if (pending_link >= 0)
        job->refs.v[pending_link].kind =
            rel && list_has(rel, "stylesheet") ? REF_STYLESHEET : REF_LINK;
    if (is_script && !script_is_data_block(script_type))
        it->needs |= PROP_SCRIPTED;
    if (xhtml && STREQ(name, "style") && !st->style_depth) {
        st->style_depth = depth + 1;
        st->style.len = 0;
        st->style_line = 0;
    }
    if (xml_lang && *xml_lang && !lang_tag_valid(xml_lang)) {
        char *sh = shown(xml_lang, strlen(xml_lang));
        job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                    "xml:lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. \"en\", "
                    "\"pt-BR\")",
                    sh);
        free(sh);
    }
    if (lang && *lang && !lang_tag_valid(lang)) {
        char *sh = shown(lang, strlen(lang));
        job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                    "lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. \"en\", "
                    "\"pt-BR\")",
                    sh);
        free(sh);
    }
    if (lang && xml_lang && str_casecmp_ascii(lang, xml_lang) != 0) {
        char *l1 = shown(lang, strlen(lang)), *l2 = shown(xml_lang, strlen(xml_lang));
        job_finding(job, DIAG_ERROR, "HTM-017", it->path, line,
                    "lang=\"%s\" and xml:lang=\"%s\" differ on the same element; give both the "
                    "same value",
                    l1, l2);
        free(l1);
        free(l2);
    }
    free(lang);
    free(xml_lang);
    free(script_type);
    free(rel);
}

static void sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    (void)localname;
    (void)prefix;
    (void)uri;
    if (st->depth > 0)
        st->depth--;
    if (st->style_depth && st->depth + 1 == st->style_depth) {
        if (!st->err.have && st->style.len)
            css_scan(&st->job->refs, st->item_index, st->style.data, st->style.len, st->style_line);
        st->style_depth = 0;
        st->style.len = 0;
    }
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    if (!st->style_depth || len <= 0 || st->err.have)
        return;
    if (st->style.len == 0)
        st->style_line = p->input ? p->input->line : 0;
    if (st->style.len < CHECK_ENTRY_CAP)
        strbuf_add(&st->style, (const char *)ch, (size_t)len);
}

static void sax_ignore_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)ctx;
    (void)target;
    (void)data;
}

static void sax_ignore_text(void *ctx, const xmlChar *value)
{
    (void)ctx;
    (void)value;
}

static void sax_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr p = user;
    scan_state *st = p ? p->_private : NULL;
    if (st)
        xml_err_keep(&st->err, err);
}

/* Parse one XHTML or SVG content document with SAX callbacks (no tree is built; memory stays
 * bounded whatever the size): ids, references, needed properties, well-formedness, DOCTYPE.
 * The DOCTYPE and entity declarations are kept by libxml2's own SAX2 handlers in a document
 * without elements, and examined afterwards. Runs on a worker thread. */
static void content_scan(const check_ctx *c, item_job *job, const unsigned char *buf, size_t len)
{
    mitem *it = &c->items[job->item];
    scan_state st;
    memset(&st, 0, sizeof st);
    st.c = c;
    st.it = it;
    st.job = job;
    st.item_index = job->item;
    st.is_xhtml_doc = strcmp(it->media_type, MT_XHTML) == 0;
    st.nav_doc = (long)job->item == c->nav_item;
    if (len > INT_MAX)
        return;
    /* (libxml2 2.9.14's static input buffers do not work with a pull parse: it copies) */
    xmlParserCtxtPtr p = xmlCreateMemoryParserCtxt((const char *)buf, (int)len);
    if (!p) {
        job_finding(job, DIAG_FATAL, "RSC-016", it->path, 0,
                    "the document could not be parsed (out of memory)");
        return;
    }
    xmlCtxtUseOptions(p, XML_OPTIONS);
    /* ctxt->sax is this context's own copy: changing it affects no other parse */
    p->sax->startElementNs = sax_start;
    p->sax->endElementNs = sax_end;
    p->sax->characters = sax_text;
    p->sax->ignorableWhitespace = sax_text;
    p->sax->cdataBlock = sax_text;
    p->sax->comment = sax_ignore_text;
    p->sax->reference = sax_ignore_text;
    p->sax->processingInstruction = sax_ignore_pi;
    p->sax->serror = sax_error;
    p->sax->error = NULL;
    p->sax->warning = NULL;
    p->_private = &st;
    xmlParseDocument(p);
    xmlDocPtr doc = p->myDoc;
    p->myDoc = NULL;
    if (!p->wellFormed || st.err.have) {
        job_finding(job, DIAG_FATAL, "RSC-016", it->path, st.err.have ? st.err.line : 0,
                    "the document is not well-formed XML: %s",
                    st.err.have ? st.err.msg : "parse error");
    } else {
        it->scanned = 1;
        if (!st.root_seen)
            job_finding(job, DIAG_ERROR, "RSC-005", it->path, 0,
                        "the document has no root element");
    }
    if (doc)
        doctype_check(doc, it->path, st.is_xhtml_doc,
                      strcmp(it->media_type, MT_SVG) == 0 ? "-//W3C//DTD SVG 1.1//EN" : NULL, job,
                      NULL);
    xmlFreeParserCtxt(p);
    if (doc)
        xmlFreeDoc(doc);
    strbuf_release(&st.style);
    free(st.val);
}

/*** container.xml ***/

/* Find the package document. Returns 0, or -1 when the book cannot be examined further. */
static int check_container(check_ctx *c)
{
    int ret = -1;
    size_t len;
    unsigned char *buf = NULL;
    xmlDocPtr doc = NULL;
    const char *cpath = "META-INF/container.xml";
    long ei = entry_find(c, cpath);
    if (ei < 0) {
        finding(c, DIAG_FATAL, "RSC-002", cpath, 0,
                "required META-INF/container.xml could not be found; every EPUB needs it to "
                "name its package document");
        goto out;
    }
    buf = entry_read(c, ei, CHECK_TREE_CAP, &len);
    if (!buf)
        goto out;
    doc = xml_tree_parse(c, cpath, buf, len);
    if (!doc)
        goto out;
    check_doctype(c, doc, cpath, 0, NULL);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!node_is(root, NS_OCF, "container")) {
        finding(c, DIAG_ERROR, "RSC-005", cpath, root ? xmlGetLineNo(root) : 0,
                "the root element must be <container "
                "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">");
        goto out;
    }
    int found = 0;
    for (const xmlNode *rfs = first_child_element(root); rfs && !found; rfs = next_element(rfs)) {
        if (!node_is(rfs, NS_OCF, "rootfiles"))
            continue;
        for (const xmlNode *rf = first_child_element(rfs); rf; rf = next_element(rf)) {
            if (!node_is(rf, NS_OCF, "rootfile"))
                continue;
            char *mt = attr_get(rf, "media-type", NULL);
            char *fp = attr_get(rf, "full-path", NULL);
            int line = (int)xmlGetLineNo(rf);
            if (mt && strcmp(mt, "application/oebps-package+xml") == 0 && !found) {
                if (!fp) {
                    finding(c, DIAG_ERROR, "OPF-016", cpath, line,
                            "the rootfile element has no full-path attribute; set it to the "
                            "package document's path");
                } else if (!*fp) {
                    finding(c, DIAG_ERROR, "OPF-017", cpath, line,
                            "the rootfile's full-path attribute is empty; set it to the "
                            "package document's path");
                } else {
                    found = 1;
                    char *dec = pct_decode(fp, strlen(fp)); /* full-path is a plain path */
                    c->opf_path = fp[0] == '/' ? NULL : container_resolve(NULL, fp);
                    free(dec);
                    if (!c->opf_path || entry_find(c, c->opf_path) < 0) {
                        char *s = shown(fp, strlen(fp));
                        finding(c, DIAG_FATAL, "OPF-002", cpath, line,
                                "the package document \"%s\" named in container.xml was not "
                                "found in the EPUB",
                                s);
                        free(s);
                        free(c->opf_path);
                        c->opf_path = NULL;
                    }
                }
            }
            free(mt);
            free(fp);
        }
    }
    if (!found) {
        finding(c, DIAG_ERROR, "RSC-003", cpath, 0,
                "no rootfile with media-type \"application/oebps-package+xml\" was found in "
                "container.xml");
        goto out;
    }
    if (c->opf_path)
        ret = 0;
out:
    if (doc)
        xmlFreeDoc(doc);
    free(buf);
    return ret;
}

/*** Package document ***/

static int modified_syntax_ok(const char *s)
{
    /* CCYY-MM-DDThh:mm:ssZ */
    static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
    if (strlen(s) != sizeof pat - 1)
        return 0;
    for (size_t i = 0; i < sizeof pat - 1; i++) {
        if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
            return 0;
    }
    return 1;
}

/* W3C date and time formats (YYYY, YYYY-MM, YYYY-MM-DD, with optional time and zone). */
static int w3cdtf_ok(const char *s)
{
    int n = 0;
    for (; n < 4; n++)
        if (!(s[n] >= '0' && s[n] <= '9'))
            return 0;
    if (!s[n])
        return 1;
    if (s[n] != '-' || !(s[n + 1] >= '0' && s[n + 1] <= '1') ||
        !(s[n + 2] >= '0' && s[n + 2] <= '9'))
        return 0;
    n += 3;
    if (!s[n])
        return 1;
    if (s[n] != '-' || !(s[n + 1] >= '0' && s[n + 1] <= '3') ||
        !(s[n + 2] >= '0' && s[n + 2] <= '9'))
        return 0;
    n += 3;
    if (!s[n])
        return 1;
    if (s[n] != 'T')
        return 0;
    n++;
    /* hh:mm[:ss[.s+]] then Z or +hh:mm */
    for (int k = 0; k < 5; k++)
        if (k == 2 ? s[n + k] != ':' : !(s[n + k] >= '0' && s[n + k] <= '9'))
            return 0;
    n += 5;
    if (s[n] == ':') {
        if (!(s[n + 1] >= '0' && s[n + 1] <= '9' && s[n + 2] >= '0' && s[n + 2] <= '9'))
            return 0;
        n += 3;
        if (s[n] == '.') {
            n++;
            if (!(s[n] >= '0' && s[n] <= '9'))
                return 0;
            while (s[n] >= '0' && s[n] <= '9')
                n++;
        }
    }
    if (s[n] == 'Z')
        return s[n + 1] == '\0';
    if (s[n] == '+' || s[n] == '-') {
        for (int k = 1; k <= 5; k++)
            if (k == 3 ? s[n + k] != ':' : !(s[n + k] >= '0' && s[n + k] <= '9'))
                return 0;
        return s[n + 6] == '\0';
    }
    return 0;
}

/* The fifteen elements of the Dublin Core Metadata Element Set. */
static int dc_element_known(const char *name)
{
    static const char *const dc[] = {"contributor", "coverage", "creator",    "date",
                                     "description", "format",   "identifier", "language",
                                     "publisher",   "relation", "rights",     "source",
                                     "subject",     "title",    "type"};
    for (size_t i = 0; i < sizeof dc / sizeof *dc; i++)
        if (strcmp(name, dc[i]) == 0)
            return 1;
    return 0;
}

static const char *dc_empty_hint(const char *name)
{
    if (strcmp(name, "identifier") == 0)
        return " (e.g. urn:uuid:...)";
    if (strcmp(name, "language") == 0)
        return " (a BCP 47 tag such as \"en\")";
    if (strcmp(name, "date") == 0)
        return " (YYYY-MM-DD)";
    return "";
}

static void check_metadata(check_ctx *c, const xmlNode *pkg, const xmlNode *md)
{
    const char *opf = c->opf_path;
    char *uid_ref = attr_get(pkg, "unique-identifier", NULL);
    int n_id = 0, n_title = 0, n_lang = 0, n_modified = 0, uid_found = 0;
    for (const xmlNode *m = first_child_element(md); m; m = next_element(m)) {
        int line = (int)xmlGetLineNo(m);
        if (m->ns && strcmp((const char *)m->ns->href, NS_DC) == 0) {
            char *text = node_text(m);
            const char *nm = (const char *)m->name;
            /* epubcheck 4.2.6 (its package schema) wants at least one character, after
             * whitespace is collapsed, in every Dublin Core element */
            if (!*text && dc_element_known(nm))
                finding(c, DIAG_ERROR, "RSC-005", opf, line,
                        "dc:%s is empty; give it a value or remove the element%s", nm,
                        dc_empty_hint(nm));
            if (strcmp(nm, "identifier") == 0) {
                n_id++;
                char *id = attr_get(m, "id", NULL);
                if (uid_ref && id && strcmp(id, uid_ref) == 0) {
                    uid_found = 1;
                    free(c->uid);
                    c->uid = xstrdup(text);
                }
                free(id);
            } else if (strcmp(nm, "title") == 0) {
                n_title++;
            } else if (strcmp(nm, "language") == 0) {
                n_lang++;
                if (*text && !lang_tag_valid(text)) {
                    char *s = shown(text, strlen(text));
                    finding(c, DIAG_ERROR, "OPF-092", opf, line,
                            "dc:language \"%s\" is not a well-formed BCP 47 language tag (e.g. "
                            "\"en\", \"de-CH\")",
                            s);
                    free(s);
                }
            } else if (strcmp(nm, "date") == 0) {
                if (!w3cdtf_ok(text)) {
                    /* epubcheck warns about an empty date too, beside the RSC-005 above */
                    char *s = shown(text, strlen(text));
                    finding(c, DIAG_WARNING, "OPF-053", opf, line,
                            "dc:date \"%s\" does not follow the W3C date syntax; use YYYY, "
                            "YYYY-MM or YYYY-MM-DD",
                            s);
                    free(s);
                }
            }
            free(text);
        } else if (node_is(m, NS_OPF, "meta")) {
            char *prop = attr_get(m, "property", NULL);
            char *refines = attr_get(m, "refines", NULL);
            if (prop && strcmp(prop, "dcterms:modified") == 0 && !refines) {
                n_modified++;
                char *text = node_text(m);
                if (!modified_syntax_ok(text)) {
                    char *s = shown(text, strlen(text));
                    finding(c, DIAG_ERROR, "RSC-005", opf, line,
                            "dcterms:modified \"%s\" must have the form CCYY-MM-DDThh:mm:ssZ "
                            "(UTC)",
                            s);
                    free(s);
                }
                if (n_modified == 2)
                    finding(c, DIAG_ERROR, "RSC-005", opf, line,
                            "dcterms:modified appears more than once; keep exactly one");
                free(text);
            }
            free(prop);
            free(refines);
        }
    }
    if (!uid_ref)
        finding(c, DIAG_ERROR, "OPF-048", opf, (int)xmlGetLineNo(pkg),
                "the package element has no unique-identifier attribute; point it at the id of "
                "a dc:identifier");
    else if (!uid_found) {
        char *s = shown(uid_ref, strlen(uid_ref));
        finding(c, DIAG_ERROR, "OPF-030", opf, (int)xmlGetLineNo(pkg),
                "the unique-identifier \"%s\" was not found: no dc:identifier has id=\"%s\"", s, s);
        free(s);
    }
    if (n_id == 0)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                "the metadata has no dc:identifier; add one");
    if (n_title == 0)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                "the metadata has no dc:title; add one");
    if (n_lang == 0)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                "the metadata has no dc:language; add one (a BCP 47 tag such as \"en\")");
    if (n_modified == 0 && !c->epub2)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                "the metadata has no meta property=\"dcterms:modified\"; add one "
                "(CCYY-MM-DDThh:mm:ssZ)");
    free(uid_ref);
}

static int media_remote_ok(const char *mt)
{
    return str_starts_with(mt, "audio/") || str_starts_with(mt, "video/") ||
           str_starts_with(mt, "font/") || str_starts_with(mt, "application/font-") ||
           strcmp(mt, "application/vnd.ms-opentype") == 0 ||
           strcmp(mt, "application/x-font-ttf") == 0;
}

static unsigned props_parse(check_ctx *c, mitem *it, const char *list)
{
    static const struct {
        const char *name;
        unsigned bit;
    } known[] = {{"nav", PROP_NAV},
                 {"svg", PROP_SVG},
                 {"scripted", PROP_SCRIPTED},
                 {"mathml", PROP_MATHML},
                 {"remote-resources", PROP_REMOTE},
                 {"cover-image", PROP_COVER},
                 {"switch", PROP_SWITCH}};
    unsigned bits = 0;
    const char *p = list;
    while (*p) {
        while (is_space((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !is_space((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - s);
        if (!n)
            continue;
        int hit = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
            if (strlen(known[k].name) == n && memcmp(known[k].name, s, n) == 0) {
                bits |= known[k].bit;
                hit = 1;
            }
        }
        if (!hit && !memchr(s, ':', n)) {
            char *w = shown(s, n);
            finding(c, DIAG_ERROR, "OPF-027", c->opf_path, it->line,
                    "undefined manifest item property \"%s\"", w);
            free(w);
        }
    }
    return bits;
}

static int media_type_sniff_ok(const char *mt, const unsigned char *h, size_t n)
{
    if (strcmp(mt, "image/jpeg") == 0)
        return n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff;
    if (strcmp(mt, "image/png") == 0)
        return n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0;
    if (strcmp(mt, "image/gif") == 0)
        return n >= 6 && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0);
    if (strcmp(mt, "image/webp") == 0)
        return n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0;
    return 1;
}

static void check_manifest(check_ctx *c, const xmlNode *manifest)
{
    const char *opf = c->opf_path;
    size_t n = 0;
    for (const xmlNode *m = first_child_element(manifest); m; m = next_element(m))
        if (node_is(m, NS_OPF, "item"))
            n++;
    c->items = xcalloc(n ? n : 1, sizeof *c->items);
    for (const xmlNode *m = first_child_element(manifest); m; m = next_element(m)) {
        if (!node_is(m, NS_OPF, "item"))
            continue;
        mitem *it = &c->items[c->n_items];
        it->line = (int)xmlGetLineNo(m);
        it->id = attr_get(m, "id", NULL);
        it->href = attr_get(m, "href", NULL);
        it->media_type = attr_get(m, "media-type", NULL);
        it->fallback = attr_get(m, "fallback", NULL);
        it->entry = -1;
        it->spine = -1;
        it->ids = strmap_new();
        char *props = attr_get(m, "properties", NULL);
        if (!it->id || !it->href || !it->media_type) {
            finding(c, DIAG_ERROR, "RSC-005", opf, it->line,
                    "a manifest item lacks its %s attribute",
                    !it->id     ? "id"
                    : !it->href ? "href"
                                : "media-type");
            free(props);
            strmap_free(it->ids);
            free(it->id);
            free(it->href);
            free(it->media_type);
            free(it->fallback);
            memset(it, 0, sizeof *it);
            continue;
        }
        c->n_items++;
        size_t idx = c->n_items - 1;
        it->props = props ? props_parse(c, it, props) : 0;
        free(props);
        if (!strmap_add(c->item_by_id, it->id, IDX_PUT(idx))) {
            char *s = shown(it->id, strlen(it->id));
            finding(c, DIAG_ERROR, "RSC-005", opf, it->line,
                    "duplicate ID \"%s\" in the package document", s);
            free(s);
        }
        char *path = NULL, *frag = NULL;
        int cls = url_classify(opf, it->href, &path, &frag);
        char *href_s = NULL; /* shown only when a finding needs it */
#define HREF_S shown_once(&href_s, it->href, strlen(it->href))
        if (cls == URL_REMOTE) {
            strmap_add(c->remote_items, it->href, IDX_PUT(idx));
            if (!media_remote_ok(it->media_type))
                finding(c, DIAG_ERROR, "RSC-006", opf, it->line,
                        "remote resource \"%s\" is not allowed; only audio, video and fonts may "
                        "be remote: put the file in the EPUB",
                        HREF_S);
        } else if (cls == URL_OUTSIDE) {
            finding(c, DIAG_ERROR, "RSC-026", opf, it->line,
                    "manifest href \"%s\" points outside the EPUB container", HREF_S);
        } else if (cls != URL_LOCAL || frag) {
            finding(c, DIAG_ERROR, "RSC-020", opf, it->line,
                    "manifest href \"%s\" is not a valid URL to a file in the container", HREF_S);
        } else {
            it->path = path;
            path = NULL;
            if (!strmap_add(c->item_by_path, it->path, IDX_PUT(idx)))
                finding(c, DIAG_ERROR, "OPF-074", opf, it->line,
                        "package resource \"%s\" is declared in several manifest items; keep "
                        "one",
                        HREF_S);
            it->entry = entry_find(c, it->path);
            if (it->entry < 0)
                finding(c, DIAG_ERROR, "RSC-001", opf, it->line,
                        "file \"%s\" listed in the manifest could not be found in the EPUB",
                        it->path);
            else
                c->ent[it->entry].listed = 1;
            if (str_starts_with(it->path, "META-INF/"))
                finding(c, DIAG_ERROR, "PKG-025", opf, it->line,
                        "publication resource \"%s\" must not be located in META-INF", it->path);
            if (strcmp(it->path, opf) == 0)
                finding(c, DIAG_ERROR, "OPF-099", opf, it->line,
                        "the manifest must not list the package document itself");
        }
        free(href_s);
#undef HREF_S
        free(path);
        free(frag);
        if (strcmp(it->media_type, "text/html") == 0)
            finding(c, DIAG_WARNING, "OPF-035", opf, it->line,
                    "media type \"text/html\" is not appropriate for XHTML; use "
                    "\"application/xhtml+xml\"");
        if ((it->props & PROP_NAV) && strcmp(it->media_type, MT_XHTML) != 0)
            finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                    "item property \"nav\" is not defined for media type \"%s\"", it->media_type);
        if ((it->props & PROP_COVER) && !str_starts_with(it->media_type, "image/"))
            finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                    "item property \"cover-image\" is not defined for media type \"%s\"",
                    it->media_type);
        if ((it->props & (PROP_SVG | PROP_SCRIPTED | PROP_MATHML | PROP_REMOTE | PROP_SWITCH)) &&
            !is_content_type(it->media_type))
            finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                    "item properties svg, scripted, mathml, remote-resources and switch are "
                    "defined only for XHTML and SVG documents, not \"%s\"",
                    it->media_type);
        if (it->entry >= 0 && str_starts_with(it->media_type, "image/")) {
            unsigned char head[16];
            size_t hn = entry_read_head(c, it->entry, head, sizeof head);
            if (hn > 0 && !media_type_sniff_ok(it->media_type, head, hn))
                finding(c, DIAG_ERROR, "OPF-029", opf, it->line,
                        "the file \"%s\" does not appear to match the media type %s given in "
                        "the manifest",
                        it->path, it->media_type);
        }
    }
    /* nav and cover-image counts */
    int n_nav = 0, n_cover = 0;
    for (size_t i = 0; i < c->n_items; i++) {
        if (c->items[i].props & PROP_NAV) {
            if (n_nav++ == 0)
                c->nav_item = (long)i;
        }
        if (c->items[i].props & PROP_COVER)
            n_cover++;
    }
    if (!c->epub2 && n_nav == 0)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                "no manifest item has properties=\"nav\"; an EPUB 3 book needs exactly one "
                "navigation document");
    if (n_nav > 1)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                "%d manifest items have properties=\"nav\"; exactly one is allowed", n_nav);
    if (n_cover > 1)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                "%d manifest items have properties=\"cover-image\"; at most one is allowed",
                n_cover);
    /* fallbacks */
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        if (!it->fallback)
            continue;
        if (!strmap_has(c->item_by_id, it->fallback)) {
            finding(c, DIAG_ERROR, "OPF-040", opf, it->line,
                    "fallback item \"%s\" could not be found in the manifest", it->fallback);
            continue;
        }
        long cur = (long)i;
        size_t steps = 0;
        while (cur >= 0 && c->items[cur].fallback && steps <= c->n_items) {
            void *v = strmap_get(c->item_by_id, c->items[cur].fallback);
            cur = v ? IDX_GET(v) : -1;
            steps++;
        }
        if (steps > c->n_items)
            finding(c, DIAG_ERROR, "OPF-045", opf, it->line,
                    "circular reference in the fallback chain of item \"%s\"", it->id);
    }
}

/* Does the fallback chain of item i reach an XHTML or SVG document? */
static int fallback_reaches_content(const check_ctx *c, size_t i)
{
    long cur = (long)i;
    for (size_t steps = 0; cur >= 0 && steps <= c->n_items; steps++) {
        if (is_content_type(c->items[cur].media_type))
            return 1;
        if (!c->items[cur].fallback)
            return 0;
        void *v = strmap_get(c->item_by_id, c->items[cur].fallback);
        cur = v ? IDX_GET(v) : -1;
    }
    return 0;
}

static void check_spine(check_ctx *c, const xmlNode *spine)
{
    const char *opf = c->opf_path;
    int pos = 0, linear = 0, any = 0;
    char *toc = attr_get(spine, "toc", NULL);
    if (toc) {
        void *v = strmap_get(c->item_by_id, toc);
        if (!v)
            finding(c, DIAG_ERROR, "OPF-049", opf, (int)xmlGetLineNo(spine),
                    "the spine's toc attribute names item \"%s\", which is not in the manifest",
                    toc);
        else if (strcmp(c->items[IDX_GET(v)].media_type, MT_NCX) != 0)
            finding(c, DIAG_ERROR, "OPF-050", opf, (int)xmlGetLineNo(spine),
                    "the spine's toc attribute must name the NCX (media type "
                    "\"application/x-dtbncx+xml\")");
        else
            c->ncx_item = IDX_GET(v);
    } else if (c->epub2) {
        finding(c, DIAG_ERROR, "NCX-002", opf, (int)xmlGetLineNo(spine),
                "the spine has no toc attribute; an EPUB 2 book needs an NCX");
    }
    free(toc);
    for (const xmlNode *r = first_child_element(spine); r; r = next_element(r)) {
        if (!node_is(r, NS_OPF, "itemref"))
            continue;
        any = 1;
        int line = (int)xmlGetLineNo(r);
        char *idref = attr_get(r, "idref", NULL);
        char *lin = attr_get(r, "linear", NULL);
        void *v = idref ? strmap_get(c->item_by_id, idref) : NULL;
        if (!idref) {
            finding(c, DIAG_ERROR, "RSC-005", opf, line, "an itemref lacks its idref attribute");
        } else if (!v) {
            char *s = shown(idref, strlen(idref));
            finding(c, DIAG_ERROR, "OPF-049", opf, line,
                    "spine item \"%s\" was not found in the manifest", s);
            free(s);
        } else {
            mitem *it = &c->items[IDX_GET(v)];
            if (it->spine >= 0) {
                finding(c, DIAG_ERROR, "OPF-034", opf, line,
                        "the spine contains multiple references to the manifest item \"%s\"",
                        it->id);
            } else {
                it->spine = pos++;
                if (!(lin && strcmp(lin, "no") == 0))
                    linear++;
                if (!is_content_type(it->media_type) &&
                    !fallback_reaches_content(c, (size_t)IDX_GET(v)))
                    finding(c, DIAG_ERROR, "OPF-043", opf, line,
                            "spine item \"%s\" has the non-content media type \"%s\" and no "
                            "fallback to an XHTML or SVG document",
                            it->id, it->media_type);
            }
        }
        free(idref);
        free(lin);
    }
    if (!any)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(spine),
                "the spine is empty; list the reading order with itemref elements");
    else if (linear == 0)
        finding(c, DIAG_ERROR, "OPF-033", opf, (int)xmlGetLineNo(spine),
                "the spine contains no linear resources; at least one itemref must not be "
                "linear=\"no\"");
}

/* Returns 0, or -1 when the package document cannot be used. */
static int check_package(check_ctx *c)
{
    int ret = -1;
    size_t len;
    unsigned char *buf = NULL;
    xmlDocPtr doc = NULL;
    const char *opf = c->opf_path;
    buf = entry_read(c, entry_find(c, opf), CHECK_TREE_CAP, &len);
    if (!buf)
        goto out;
    doc = xml_tree_parse(c, opf, buf, len);
    if (!doc)
        goto out;
    check_doctype(c, doc, opf, 0, NULL);
    xmlNodePtr pkg = xmlDocGetRootElement(doc);
    if (!node_is(pkg, NS_OPF, "package")) {
        finding(c, DIAG_ERROR, "RSC-005", opf, pkg ? (int)xmlGetLineNo(pkg) : 0,
                "the root element must be <package xmlns=\"http://www.idpf.org/2007/opf\">");
        goto out;
    }
    char *version = attr_get(pkg, "version", NULL);
    if (!version)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                "the package element has no version attribute; use version=\"3.0\"");
    else if (version[0] == '2')
        c->epub2 = 1;
    free(version);
    char *lang = attr_get(pkg, "lang", NS_XML);
    if (lang && *lang && !lang_tag_valid(lang))
        finding(c, DIAG_ERROR, "OPF-092", opf, (int)xmlGetLineNo(pkg),
                "xml:lang \"%s\" is not a well-formed BCP 47 language tag", lang);
    free(lang);
    const xmlNode *md = NULL, *manifest = NULL, *spine = NULL;
    for (const xmlNode *k = first_child_element(pkg); k; k = next_element(k)) {
        if (node_is(k, NS_OPF, "metadata") && !md)
            md = k;
        else if (node_is(k, NS_OPF, "manifest") && !manifest)
            manifest = k;
        else if (node_is(k, NS_OPF, "spine") && !spine)
            spine = k;
    }
    if (!md)
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                "the package document has no metadata element");
    else
        check_metadata(c, pkg, md);
    if (!manifest) {
        finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                "the package document has no manifest element");
        goto out;
    }
    check_manifest(c, manifest);
    if (!spine) {
        finding(c, DIAG_FATAL, "OPF-019", opf, (int)xmlGetLineNo(pkg),
                "the package document has no spine element");
        goto out;
    }
    check_spine(c, spine);
    ret = 0;
out:
    if (doc)
        xmlFreeDoc(doc);
    free(buf);
    return ret;
}

/*** Navigation document and NCX ***/

static int has_epub_type(const xmlNode *n, const char *type)
{
    char *t = attr_get(n, "type", NS_EPUB);
    int ok = t && list_has(t, type);
    free(t);
    return ok;
}

/* nav > (h1-h6)? ol; ol > li+; li > (a | span) ol?; span must be followed by ol. */
static void nav_check_ol(check_ctx *c, const xmlNode *ol, int in_toc, int depth)
{
    const char *path = c->items[c->nav_item].path;
    int n_li = 0;
    if (depth > 64)
        return;
    for (const xmlNode *li = first_child_element(ol); li; li = next_element(li)) {
        if (!node_is(li, NS_XHTML, "li")) {
            finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(li),
                    "element \"%s\" is not allowed in a nav list; only li", (const char *)li->name);
            continue;
        }
        n_li++;
        const xmlNode *label = first_child_element(li);
        const xmlNode *sub = next_element(label);
        int is_a = node_is(label, NS_XHTML, "a"), is_span = node_is(label, NS_XHTML, "span");
        if (!is_a && !is_span) {
            finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(li),
                    "a nav list item must start with an a or span element");
            continue;
        }
        char *text = node_text(label);
        if (!*text) {
            char *title = attr_get(label, "title", NULL);
            if (!title || !*title)
                finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(label),
                        "a nav link or heading has no text; give every entry a label");
            free(title);
        }
        free(text);
        if (sub && !node_is(sub, NS_XHTML, "ol"))
            finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(sub),
                    "element \"%s\" is not allowed after a nav link; only an ol sublist",
                    (const char *)sub->name);
        else if (!sub && is_span)
            finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(label),
                    "a nav span heading must be followed by an ol sublist");
        if (sub && next_element(sub))
            finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(next_element(sub)),
                    "a nav list item holds one label and at most one ol");
        if (sub && node_is(sub, NS_XHTML, "ol"))
            nav_check_ol(c, sub, in_toc, depth + 1);
    }
    if (n_li == 0)
        finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(ol),
                "a nav list (ol) must contain at least one li");
}

static void nav_collect_links(check_ctx *c, const xmlNode *n, int kind, int depth)
{
    if (depth > 256)
        return;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (node_is(k, NS_XHTML, "a") || node_is(k, NS_XHTML, "area")) {
            char *href = attr_get(k, "href", NULL);
            if (href)
                ref_add(c, (size_t)c->nav_item, (int)xmlGetLineNo(k), kind, href);
            free(href);
        }
        nav_collect_links(c, k, kind, depth + 1);
    }
}

/* Walk the nav document: toc structure, and every link (toc links as REF_TOC). */
static void nav_walk(check_ctx *c, const xmlNode *n, int *n_toc, int depth)
{
    if (depth > 256)
        return;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (node_is(k, NS_XHTML, "nav")) {
            int toc = has_epub_type(k, "toc");
            if (toc) {
                (*n_toc)++;
                const xmlNode *first = first_child_element(k);
                const char *fn = first ? (const char *)first->name : "";
                if (first && first->ns && strcmp((const char *)first->ns->href, NS_XHTML) == 0 &&
                    fn[0] == 'h' && fn[1] >= '1' && fn[1] <= '6' && !fn[2])
                    first = next_element(first);
                if (!node_is(first, NS_XHTML, "ol"))
                    finding(c, DIAG_ERROR, "RSC-005", c->items[c->nav_item].path,
                            (int)xmlGetLineNo(k),
                            "the toc nav must contain an ol list (after an optional heading)");
                else
                    nav_check_ol(c, first, 1, 0);
            }
            nav_collect_links(c, k, toc && *n_toc == 1 ? REF_TOC : REF_LINK, depth + 1);
            continue;
        }
        if (node_is(k, NS_XHTML, "a") || node_is(k, NS_XHTML, "area")) {
            char *href = attr_get(k, "href", NULL);
            if (href)
                ref_add(c, (size_t)c->nav_item, (int)xmlGetLineNo(k), REF_LINK, href);
            free(href);
        }
        nav_walk(c, k, n_toc, depth + 1);
    }
}

/* The navigation document's structure and links, from its bytes (once its scan found it
 * well-formed). Runs on a worker thread, in the nav document's job. */
static void check_nav(check_ctx *c, const unsigned char *buf, size_t len)
{
    mitem *it = &c->items[c->nav_item];
    xmlDocPtr doc = NULL;
    if (len > CHECK_TREE_CAP) {
        finding(c, DIAG_ERROR, CHECK_ID_TOO_LARGE, c->ent[it->entry].name, 0,
                "the entry is %zu bytes, more than the %zu MiB sheaf checks in one file; it "
                "was not checked",
                len, CHECK_TREE_CAP >> 20);
        goto out;
    }
    doc = xml_tree_parse(c, it->path, buf, len);
    if (!doc)
        goto out;
    int n_toc = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        nav_walk(c, root, &n_toc, 0);
    if (n_toc == 0)
        finding(c, DIAG_ERROR, "RSC-005", it->path, 0,
                "the navigation document has no nav element with epub:type=\"toc\"; add the "
                "table of contents");
    else if (n_toc > 1)
        finding(c, DIAG_ERROR, "RSC-005", it->path, 0,
                "the navigation document has %d toc nav elements; exactly one is allowed", n_toc);
out:
    if (doc)
        xmlFreeDoc(doc);
}

/* A reader attribute value (the caller frees it), or NULL. */
static char *reader_attr(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    char *s = v ? xstrdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* An open navPoint while streaming the NCX. */
typedef struct ncx_point {
    int depth, line, has_label;
} ncx_point;

/* Compare the NCX's dtb:uid with the package's unique identifier. */
static void ncx_check_uid(check_ctx *c, const char *path, const char *v, int line)
{
    if (!v || !c->uid)
        return;
    char *t = str_trim(xstrdup(v));
    char *u = str_trim(xstrdup(c->uid));
    if (strcmp(t, u) != 0) {
        char *s = shown(v, strlen(v));
        finding(c, DIAG_ERROR, "NCX-001", path, line,
                "NCX identifier \"%s\" does not match the package's unique identifier \"%s\"", s,
                u);
        free(s);
    }
    free(t);
    free(u);
}

static void ncx_point_close(check_ctx *c, const char *path, ncx_point *p)
{
    if (!p->has_label)
        finding(c, DIAG_INFO, "NCX-006", path, p->line, "empty text label in the NCX");
}

/* Stream the NCX (memory stays bounded): root, dtb:uid, navPoint ids, labels and targets. */
/* Stream the NCX from its bytes. Runs on a worker thread, in the NCX's job. */
static void check_ncx(check_ctx *c, const unsigned char *buf, size_t len)
{
    mitem *it = &c->items[c->ncx_item];
    xmlTextReaderPtr r = NULL;
    strmap *ids = strmap_new();
    ncx_point stack[300];
    int top = 0, label_depth = -1, root_seen = 0, ret = 0;
    xml_err e;
    memset(&e, 0, sizeof e);
    if (len > INT_MAX)
        goto out;
    r = xmlReaderForMemory((const char *)buf, (int)len, it->path, NULL, XML_OPTIONS);
    if (!r)
        goto out;
    xmlTextReaderSetStructuredErrorHandler(r, xml_reader_error, &e);
    while ((ret = xmlTextReaderRead(r)) == 1 && !e.have) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        xmlNodePtr cur = xmlTextReaderCurrentNode(r);
        int line = cur ? (int)xmlGetLineNo(cur) : 0;
        const char *name = (const char *)xmlTextReaderConstLocalName(r);
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
        int ncx = ns && strcmp(ns, NS_NCX) == 0;
        if (type == XML_READER_TYPE_ELEMENT) {
            if (!root_seen) {
                root_seen = 1;
                if (!(ncx && strcmp(name, "ncx") == 0)) {
                    finding(c, DIAG_ERROR, "RSC-005", it->path, line,
                            "the root element must be <ncx "
                            "xmlns=\"http://www.daisy.org/z3986/2005/ncx/\">");
                    goto out;
                }
            }
            if (!ncx)
                continue;
            if (strcmp(name, "meta") == 0 && depth == 2) {
                char *mn = reader_attr(r, "name");
                if (mn && strcmp(mn, "dtb:uid") == 0) {
                    char *v = reader_attr(r, "content");
                    ncx_check_uid(c, it->path, v, line);
                    free(v);
                }
                free(mn);
            } else if (strcmp(name, "navPoint") == 0) {
                char *id = reader_attr(r, "id");
                if (id && !strmap_add(ids, id, NULL)) {
                    char *sid = shown(id, strlen(id));
                    finding(c, DIAG_ERROR, "RSC-005", it->path, line,
                            "duplicate ID \"%s\" in the NCX; ids must be unique", sid);
                    free(sid);
                }
                free(id);
                ncx_point p = {depth, line, 0};
                if (xmlTextReaderIsEmptyElement(r))
                    ncx_point_close(c, it->path, &p);
                else if (top < (int)(sizeof stack / sizeof *stack))
                    stack[top++] = p;
            } else if (strcmp(name, "navLabel") == 0 && top > 0 &&
                       depth == stack[top - 1].depth + 1 && !xmlTextReaderIsEmptyElement(r)) {
                label_depth = depth;
            } else if (strcmp(name, "content") == 0 && top > 0 &&
                       depth == stack[top - 1].depth + 1) {
                char *src = reader_attr(r, "src");
                if (src)
                    ref_add(c, (size_t)c->ncx_item, line, REF_NCX, src);
                else
                    finding(c, DIAG_ERROR, "RSC-005", it->path, line,
                            "an NCX navPoint's content element has no src");
                free(src);
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT && ncx) {
            if (strcmp(name, "navLabel") == 0 && depth == label_depth)
                label_depth = -1;
            else if (strcmp(name, "navPoint") == 0 && top > 0 && depth == stack[top - 1].depth)
                ncx_point_close(c, it->path, &stack[--top]);
        } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) &&
                   label_depth >= 0 && top > 0) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            for (; v && *v; v++)
                if (!is_space((unsigned char)*v)) {
                    stack[top - 1].has_label = 1;
                    break;
                }
        }
    }
    if (ret < 0 || e.have) {
        finding(c, DIAG_FATAL, "RSC-016", it->path, e.have ? e.line : 0,
                "the document is not well-formed XML: %s", e.have ? e.msg : "parse error");
    } else {
        xmlDocPtr doc = xmlTextReaderCurrentDoc(r);
        check_doctype(c, doc, it->path, 0, "-//NISO//DTD ncx 2005-1//EN");
        xmlFreeTextReader(r);
        r = NULL;
        if (doc)
            xmlFreeDoc(doc);
    }
out:
    if (r) {
        xmlDocPtr doc = xmlTextReaderCurrentDoc(r);
        xmlFreeTextReader(r);
        if (doc)
            xmlFreeDoc(doc);
    }
    strmap_free(ids);
}

/*** Resolving references ***/

static const char *ref_kind_name(int kind)
{
    switch (kind) {
    case REF_LINK:
        return "link";
    case REF_STYLESHEET:
        return "stylesheet";
    case REF_CSS:
    case REF_FONT:
        return "CSS url()";
    case REF_TOC:
        return "toc link";
    case REF_NCX:
        return "NCX navPoint";
    default:
        return "resource";
    }
}

/* Position of a toc/NCX target for ordering; -1 when unknown. */
typedef struct nav_pos {
    long spine;
    unsigned long ordinal;
} nav_pos;

static void check_ref(check_ctx *c, const ref *r, nav_pos *pos, strbuf *seq)
{
    mitem *from = &c->items[r->item];
    const char *file = from->path;
    char *path = NULL, *frag = NULL;
    char *url_s = NULL; /* shown only when a finding needs it */
#define URL_S shown_once(&url_s, r->url, strlen(r->url))
    int hyper = r->kind == REF_LINK || r->kind == REF_TOC || r->kind == REF_NCX;
    pos->spine = -1;
    pos->ordinal = 0;
    int cls = url_classify(file, r->url, &path, &frag);
    switch (cls) {
    case URL_EMPTY:
    case URL_OTHER:
        break;
    case URL_INVALID:
        finding(c, DIAG_ERROR, "RSC-020", file, r->line,
                "\"%s\" is not a valid URL (bad %%-escape or backslash)", URL_S);
        break;
    case URL_OUTSIDE:
        finding(c, DIAG_ERROR, "RSC-026", file, r->line,
                "the %s \"%s\" points outside the EPUB container; use a path relative to this "
                "document",
                ref_kind_name(r->kind), URL_S);
        break;
    case URL_FILE:
        finding(c, DIAG_ERROR, "RSC-030", file, r->line,
                "file URLs are not allowed in EPUB: \"%s\"", URL_S);
        break;
    case URL_DATA:
        if (hyper)
            finding(c, DIAG_ERROR, "RSC-029", file, r->line,
                    "data URLs are not allowed as %s targets", ref_kind_name(r->kind));
        break;
    case URL_REMOTE:
        if (r->kind == REF_TOC)
            finding(c, DIAG_ERROR, "NAV-010", file, r->line,
                    "\"toc\" nav must not link to remote resources; found link to \"%s\"", URL_S);
        else if (r->kind == REF_MEDIA || r->kind == REF_FONT) {
            from->needs |= PROP_REMOTE;
            if (!strmap_has(c->remote_items, r->url))
                finding(c, DIAG_ERROR, "RSC-008", file, r->line,
                        "remote resource \"%s\" is not declared in the package manifest; list "
                        "it there (with its media type)",
                        URL_S);
        } else if (!hyper) {
            from->needs |= PROP_REMOTE;
            finding(c, DIAG_ERROR, "RSC-006", file, r->line,
                    "remote resource reference \"%s\" is not allowed; put the file in the EPUB "
                    "(only audio, video and fonts may be remote)",
                    URL_S);
        }
        break;
    case URL_FRAGMENT:
    case URL_LOCAL: {
        long e = entry_find(c, path);
        long ti = item_by_path(c, path);
        if (e < 0 && ti < 0) {
            char *p = shown(path, strlen(path));
            finding(c, DIAG_ERROR, "RSC-007", file, r->line,
                    "referenced resource \"%s\" could not be found in the EPUB", p);
            free(p);
            break;
        }
        if (ti < 0) {
            char *p = shown(path, strlen(path));
            finding(c, DIAG_ERROR, "RSC-008", file, r->line,
                    "referenced resource \"%s\" is not declared in the package manifest", p);
            free(p);
            break;
        }
        mitem *to = &c->items[ti];
        int content = is_content_type(to->media_type);
        if (hyper && content && to->spine < 0 && r->kind != REF_NCX && cls == URL_LOCAL) {
            finding(c, DIAG_ERROR, "RSC-011", file, r->line,
                    "the %s \"%s\" points to a document that is not in the spine; add it to the "
                    "spine or remove the link",
                    ref_kind_name(r->kind), URL_S);
        }
        if (r->kind == REF_STYLESHEET && frag)
            finding(c, DIAG_ERROR, "RSC-013", file, r->line,
                    "a fragment identifier is used in a reference to a stylesheet: \"%s\"", URL_S);
        if (frag && !content && str_starts_with(to->media_type, "image/"))
            finding(c, DIAG_WARNING, "RSC-009", file, r->line,
                    "a non-SVG image resource should not be referenced with a fragment: \"%s\"",
                    URL_S);
        unsigned long ord = 0;
        if (frag && *frag && content && to->scanned && !c->records_capped &&
            !str_starts_with(frag, "epubcfi(")) {
            void *v = strmap_get(to->ids, frag);
            if (!v && !(strcmp(to->media_type, MT_SVG) == 0 && strchr(frag, '(')))
                finding(c, DIAG_ERROR, "RSC-012", file, r->line,
                        "fragment identifier \"%s\" is not defined in \"%s\"", URL_S, to->path);
            ord = (unsigned long)(uintptr_t)v;
        }
        pos->spine = to->spine;
        pos->ordinal = ord;
        if (seq) {
            strbuf_adds(seq, to->path);
            if (frag && *frag) {
                strbuf_addc(seq, '#');
                strbuf_adds(seq, frag);
            }
            strbuf_addc(seq, '\n');
        }
        break;
    }
    }
    free(path);
    free(frag);
    free(url_s);
}

/* Check the references of `l` in order; the targets of toc and NCX links are listed in
 * toc_seq and ncx_seq. */
static void check_ref_list(check_ctx *c, const ref_list *l, strbuf *toc_seq, strbuf *ncx_seq)
{
    nav_pos prev = {-1, 0};
    int toc_order_reported = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ref *r = &l->v[i];
        nav_pos pos;
        strbuf *seq = r->kind == REF_TOC ? toc_seq : r->kind == REF_NCX ? ncx_seq : NULL;
        check_ref(c, r, &pos, seq);
        if (r->kind == REF_TOC && pos.spine >= 0) {
            if (!toc_order_reported &&
                (pos.spine < prev.spine ||
                 (pos.spine == prev.spine && pos.ordinal && pos.ordinal < prev.ordinal))) {
                char *u = shown(r->url, strlen(r->url));
                finding(c, DIAG_WARNING, "NAV-011", c->items[r->item].path, r->line,
                        "\"toc\" nav must be in reading order; link target \"%s\" is before the "
                        "previous link's target in %s order",
                        u, pos.spine < prev.spine ? "spine" : "document");
                free(u);
                toc_order_reported = 1;
            }
            prev = pos;
        }
    }
}

static void check_toc_vs_ncx(check_ctx *c, const strbuf *toc_seq, const strbuf *ncx_seq)
{
    if (c->ncx_item >= 0 && c->nav_item >= 0 && ncx_seq->data && toc_seq->data &&
        strcmp(ncx_seq->data, toc_seq->data) != 0)
        finding(c, DIAG_WARNING, CHECK_ID_NCX_NAV, c->items[c->ncx_item].path, 0,
                "the NCX navMap and the navigation document's toc list different targets (or in "
                "a different order); reading systems using the NCX will show another table of "
                "contents");
}

/*** Properties and unlisted files ***/

static void check_properties(check_ctx *c)
{
    static const struct {
        unsigned bit;
        const char *name;
    } props[] = {{PROP_SVG, "svg"},
                 {PROP_SCRIPTED, "scripted"},
                 {PROP_MATHML, "mathml"},
                 {PROP_REMOTE, "remote-resources"},
                 {PROP_SWITCH, "switch"}};
    if (c->epub2)
        return;
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        if (!it->scanned)
            continue;
        for (size_t k = 0; k < sizeof props / sizeof *props; k++) {
            unsigned bit = props[k].bit;
            if (bit == PROP_SVG && strcmp(it->media_type, MT_XHTML) != 0)
                continue;
            if ((it->needs & bit) && !(it->props & bit))
                finding(c, DIAG_ERROR, "OPF-014", it->path, 0,
                        "the property \"%s\" should be declared on this document's manifest item "
                        "(properties=\"%s\")",
                        props[k].name, props[k].name);
            else if (!(it->needs & bit) && (it->props & bit)) {
                if (bit == PROP_REMOTE)
                    finding(c, DIAG_WARNING, "OPF-018", it->path, 0,
                            "the \"remote-resources\" property is declared, but the document "
                            "references no remote resources; remove it");
                else if (bit != PROP_SWITCH)
                    finding(c, DIAG_ERROR, "OPF-015", it->path, 0,
                            "the property \"%s\" is declared on this document's manifest item, "
                            "but the document does not need it; remove it",
                            props[k].name);
            }
        }
    }
}

static void check_unlisted(check_ctx *c)
{
    for (size_t i = 0; i < c->n_ent; i++) {
        zentry *e = &c->ent[i];
        if (e->is_dir || e->listed || e->reported || strcmp(e->name, "mimetype") == 0 ||
            str_starts_with(e->name, "META-INF/") ||
            (c->opf_path && strcmp(e->name, c->opf_path) == 0))
            continue;
        char *s = shown(e->name, strlen(e->name));
        finding(c, DIAG_WARNING, "OPF-003", e->name, 0,
                "item \"%s\" exists in the EPUB, but is not declared in the package manifest; "
                "list it or remove it",
                s);
        free(s);
    }
}

/*** Entry points ***/

/* Content documents, stylesheets and the NCX are read and scanned on worker threads, each
 * into its own job (phase 1); then each job's references are checked, again in parallel, once
 * every document's ids are known (phase 2). The jobs are gathered in manifest order, so the
 * report is the same whatever the number of threads. */
typedef struct scan_pool {
    check_ctx *c; /* only read by the workers, but for their own items' fields */
    item_job *jobs;
    size_t n;
    int phase;
    atomic_size_t next;
} scan_pool;

static void scan_job(check_ctx *c, item_job *job, struct libdeflate_decompressor *dc)
{
    mitem *it = &c->items[job->item];
    const unsigned char *data = NULL;
    unsigned char *owned = NULL;
    size_t len = 0;
    char why[256] = "";
    int res = entry_fetch(c, job->entry, dc, &data, &owned, &len, why, sizeof why);
    if (res != FETCH_OK) {
        fetch_report(c, job, job->entry, res, len, why);
        job->entry_failed = 1;
        return;
    }
    if (job->kind == JOB_NCX) {
        check_ncx(c, data, len);
    } else if (is_content_type(it->media_type)) {
        content_scan(c, job, data, len);
        if ((long)job->item == c->nav_item && it->scanned)
            check_nav(c, data, len);
    } else {
        css_scan(&job->refs, job->item, (const char *)data, len, 1);
    }
    free(owned);
}

static void *scan_worker(void *arg)
{
    scan_pool *sp = arg;
    struct libdeflate_decompressor *dc = NULL;
    /* libxml2's generic error handler is per thread: keep this one silent too */
    xmlGenericErrorFunc old = xmlGenericError;
    void *old_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);
    if (sp->phase == 1)
        dc = libdeflate_alloc_decompressor();
    for (;;) {
        size_t i = atomic_fetch_add(&sp->next, 1);
        if (i >= sp->n)
            break;
        item_job *job = &sp->jobs[i];
        if (!job->admitted || job->entry_failed)
            continue;
        tl_job = job;
        if (sp->phase == 1)
            scan_job(sp->c, job, dc);
        else
            check_ref_list(sp->c, &job->refs, &job->toc_seq, &job->ncx_seq);
        tl_job = NULL;
    }
    xmlSetGenericErrorFunc(old_ctx, old);
    if (dc)
        libdeflate_free_decompressor(dc);
    return NULL;
}

/* Run one phase over the jobs on `threads` threads (the caller is one of them). */
static void scan_run(scan_pool *sp, int phase, int threads)
{
    pthread_t tids[16];
    int started[16] = {0};
    sp->phase = phase;
    atomic_store(&sp->next, 0);
    /* a thread that cannot start leaves its share to the others */
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&tids[t], NULL, scan_worker, sp) == 0;
    scan_worker(sp);
    for (int t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tids[t], NULL);
}

/* Add a job's findings to the book, in order, within the book's caps. */
static void job_gather(check_ctx *c, item_job *job, size_t *n_refs, strbuf *toc_seq,
                       strbuf *ncx_seq)
{
    mitem *it = &c->items[job->item];
    for (size_t k = 0; k < job->n_f; k++)
        finding(c, job->f[k].sev, job->f[k].id, job->f[k].file, job->f[k].line, "%s",
                job->f[k].msg);
    if (!job->admitted)
        return;
    if (job->entry_failed) {
        c->ent[job->entry].skip = 1; /* report a broken entry once */
        c->total_read -= (size_t)c->ent[job->entry].size;
    }
    c->n_ids += job->n_ids;
    *n_refs += job->refs.n;
    if (c->records_capped && !c->records_reported &&
        (c->n_ids >= CHECK_MAX_RECORDS || *n_refs >= CHECK_MAX_RECORDS)) {
        c->records_reported = 1;
        finding(c, DIAG_ERROR, CHECK_ID_TOO_LARGE, it->path, 0,
                "the book has more than %d ids or references; fragment identifiers were not "
                "checked",
                CHECK_MAX_RECORDS);
    }
    if (job->toc_seq.data)
        strbuf_add(toc_seq, job->toc_seq.data, job->toc_seq.len);
    if (job->ncx_seq.data)
        strbuf_add(ncx_seq, job->ncx_seq.data, job->ncx_seq.len);
}

static void scan_items(check_ctx *c)
{
    item_job *jobs = xcalloc(c->n_items + 1, sizeof *jobs);
    size_t n = 0, n_ids = 0, n_refs = 0;
    int all_raw = 1;
    strbuf toc_seq = STRBUF_INIT, ncx_seq = STRBUF_INIT;
    /* admission in manifest order: the caps decide the same whatever the threads */
    for (size_t i = 0; i <= c->n_items; i++) {
        int ncx = i == c->n_items;
        size_t item = ncx ? (size_t)c->ncx_item : i;
        if (ncx && c->ncx_item < 0)
            continue;
        mitem *it = &c->items[item];
        if (it->entry < 0 || !it->path)
            continue;
        if (!ncx && !is_content_type(it->media_type) && strcmp(it->media_type, MT_CSS) != 0)
            continue;
        item_job *job = &jobs[n++];
        job->item = item;
        job->entry = it->entry;
        job->kind = ncx ? JOB_NCX : JOB_CONTENT;
        job->admitted = entry_admit(c, it->entry, CHECK_ENTRY_CAP, job);
        if (job->admitted && !entry_data_offset(c, it->entry))
            all_raw = 0; /* read through libzip, which is not thread-safe */
    }
    int threads = c->threads > 0 ? c->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    if (threads > 16)
        threads = 16;
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    scan_pool sp;
    sp.c = c;
    sp.jobs = jobs;
    sp.n = n;
    atomic_init(&sp.next, 0);
    scan_run(&sp, 1, all_raw ? threads : 1);
    for (size_t k = 0; k < n; k++) {
        n_ids += jobs[k].n_ids;
        n_refs += jobs[k].refs.n;
    }
    /* past the caps, fragments are not checked (decided before phase 2, for every job) */
    if (n_ids >= CHECK_MAX_RECORDS || n_refs >= CHECK_MAX_RECORDS)
        c->records_capped = 1;
    scan_run(&sp, 2, threads);
    n_refs = 0;
    for (size_t k = 0; k < n; k++) {
        job_gather(c, &jobs[k], &n_refs, &toc_seq, &ncx_seq);
        job_release(&jobs[k]);
    }
    check_toc_vs_ncx(c, &toc_seq, &ncx_seq);
    strbuf_release(&toc_seq);
    strbuf_release(&ncx_seq);
    free(jobs);
}

static void ctx_free(check_ctx *c)
{
    for (size_t i = 0; i < c->n_ent; i++)
        free(c->ent[i].name);
    free(c->ent);
    strmap_free(c->ent_by_name);
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        free(it->id);
        free(it->href);
        free(it->media_type);
        free(it->fallback);
        free(it->path);
        strmap_free(it->ids);
    }
    free(c->items);
    strmap_free(c->item_by_id);
    strmap_free(c->item_by_path);
    strmap_free(c->remote_items);
    ref_list_release(&c->refs);
    free(c->opf_path);
    free(c->uid);
    if (c->za)
        zip_discard(c->za);
}

int check_epub_memory_threads(const unsigned char *data, size_t len, const char *name,
                              diag_list *findings, int threads)
{
    int ret = -1;
    check_ctx c;
    raw_name *raw = NULL;
    zip_source_t *src = NULL;
    zip_error_t zerr;
    memset(&c, 0, sizeof c);
    c.book = name ? name : "EPUB";
    c.out = findings;
    c.data = data;
    c.len = len;
    c.nav_item = -1;
    c.threads = threads;
    c.ncx_item = -1;
    c.item_by_id = strmap_new();
    c.item_by_path = strmap_new();
    c.remote_items = strmap_new();
    zip_error_init(&zerr);

    xmlInitParser();
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlSetExternalEntityLoader(xml_deny_loader);
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);

    if (len == 0) {
        finding(&c, DIAG_FATAL, "PKG-003", NULL, 0, "%s is empty (0 bytes); it is not an EPUB file",
                c.book);
        goto out;
    }
    src = zip_source_buffer_create(data, len, 0, &zerr);
    if (!src) {
        finding(&c, DIAG_FATAL, "PKG-008", NULL, 0, "cannot read %s: %s", c.book,
                zip_error_strerror(&zerr));
        goto out;
    }
    c.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    size_t n_raw = raw_names_read(data, len, &raw);
    if (!c.za) {
        int ze = zip_error_code_zip(&zerr);
        zip_source_free(src);
        if (ze == ZIP_ER_NOZIP) {
            finding(&c, DIAG_FATAL, "PKG-008", NULL, 0,
                    "%s is not a ZIP archive or is truncated (the end of central directory was "
                    "not found)",
                    c.book);
        } else if (ze == ZIP_ER_INCONS || ze == ZIP_ER_EXISTS) {
            check_duplicate_names(&c, raw, n_raw);
            finding(&c, DIAG_FATAL, CHECK_ID_INCONSISTENT, NULL, 0,
                    "%s has an inconsistent ZIP directory (%s): duplicate, overlapping or "
                    "mismatched entries; rebuild the archive",
                    c.book, zip_error_strerror(&zerr));
        } else {
            finding(&c, DIAG_FATAL, "PKG-008", NULL, 0, "unable to read %s as a ZIP archive: %s",
                    c.book, zip_error_strerror(&zerr));
        }
        goto out;
    }
    size_t before_header = c.n_findings;
    check_first_header(&c);
    /* when the raw check found the first entry wrong, it has already said so */
    int header_reported = c.n_findings != before_header;
    check_duplicate_names(&c, raw, n_raw);
    entries_load(&c, raw, n_raw);
    if (n_raw == c.n_ent)
        c.raw = raw;
    if (!header_reported && (c.n_ent == 0 || entry_find(&c, "mimetype") < 0))
        finding(&c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                "the mimetype entry is missing; it must be the first file in the archive");
    ret = 0;
    if (check_container(&c) < 0)
        goto out;
    if (check_package(&c) < 0)
        goto out;
    if (c.ncx_item < 0) {
        for (size_t i = 0; i < c.n_items; i++)
            if (strcmp(c.items[i].media_type, MT_NCX) == 0 && c.items[i].path) {
                c.ncx_item = (long)i;
                break;
            }
    }
    scan_items(&c);
    check_properties(&c);
    check_unlisted(&c);
out:
    if (ret < 0 && diag_list_count_at_least(findings, DIAG_FATAL) == 0)
        finding(&c, DIAG_FATAL, "PKG-008", NULL, 0, "unable to read %s", c.book);
    xmlSetExternalEntityLoader(old_loader);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    free(raw);
    ctx_free(&c);
    zip_error_fini(&zerr);
    return ret;
}

int check_epub_memory(const unsigned char *data, size_t len, const char *name, diag_list *findings)
{
    return check_epub_memory_threads(data, len, name, findings, 0);
}

int check_epub_file(const char *path, diag_list *findings)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int ret = -1, fd;
    struct stat st;
    /* read exactly the file's size: the whole book is held once, nothing more */
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0, "cannot read %s: %s", path,
                 strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0,
                 "%s is not a regular file; give the path of an .epub file", path);
        goto out;
    }
    if ((uintmax_t)st.st_size > CHECK_FILE_CAP) {
        diag_add(findings, DIAG_FATAL, CHECK_ID_TOO_LARGE, NULL, 0,
                 "%s is larger than %zu MiB; sheaf does not check files this large", path,
                 (size_t)(CHECK_FILE_CAP >> 20));
        goto out;
    }
    data = xmalloc((size_t)st.st_size + 1);
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, data + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0, "cannot read %s: %s", path,
                     n < 0 ? strerror(errno) : "the file shrank while being read");
            goto out;
        }
        len += (size_t)n;
    }
    ret = check_epub_memory(data, len, path, findings);
out:
    if (fd >= 0)
        close(fd);
    free(data);
    return ret;
}
