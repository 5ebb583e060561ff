/* check_content.c: content documents (XHTML and SVG, scanned with SAX callbacks on worker
 * threads: well-formedness, namespaces, ids, references, needed properties), stylesheets
 * (url() and @import), and the resolution of every reference against the virtual container. */
#include "checker/check_internal.h"

#include <limits.h>

#include <libxml/parserInternals.h>

#include "base/lang.h"
#include "base/text.h"

/*** Content documents (SAX, on worker threads) ***/

/* Equal to a literal; the first byte rules most names out without a call. */
#define STREQ(s, lit) ((s)[0] == (lit)[0] && strcmp((s), (lit)) == 0)

/* Namespaces check_content_scan tells apart. */
enum {
    NSK_NONE,
    NSK_XHTML,
    NSK_SVG,
    NSK_MATHML,
    NSK_EPUB,
    NSK_XML,
    NSK_XLINK,
    NSK_SMIL,
    NSK_OTHER
};

#define SCAN_MAX_DEPTH 300 /* libxml2 refuses more than 256 levels without XML_PARSE_HUGE */
#define SCAN_CHUNK ((size_t)256 << 10) /* bytes handed to the push parser at a time */

/* An open element of the document being scanned. */
typedef struct scan_el {
    const xmlChar *name; /* from the parser's dictionary */
    unsigned char nsk;
    unsigned char has_content; /* an object holds more than param elements: its fallback */
    unsigned char picture;     /* a picture element */
    unsigned group;            /* audio, video: the group of their references */
    long obj_ref;              /* object: the index of its data reference, else -1 */
} scan_el;

/* Per-document state of check_content_scan. Only the item's own fields (ids, needs, scanned) and
 * the job are written: documents are scanned in parallel. */
typedef struct scan_state {
    const check_ctx *c;
    mitem *it;
    item_job *job;
    xml_err err;
    int root_seen;
    int depth;
    unsigned long ordinal;
    int is_xhtml_doc, is_svg_doc, is_smil_doc, nav_doc;
    int style_depth; /* depth of an open <style> element + 1 */
    int style_line;
    int in_head;
    int viewports; /* viewport meta elements seen */
    int switch_reported;
    unsigned groups;
    size_t item_index;
    strbuf style;
    scan_el stack[SCAN_MAX_DEPTH];
    char *val;                 /* the current attribute value, NUL-terminated */
    const xmlChar *ns_last[2]; /* the parser's interned namespace names last classified ... */
    int ns_last_kind[2];       /* ... and their kinds */
    size_t val_cap;
    size_t entity_bytes; /* what the entity references met so far expand to */
    strmap *entity_memo;
    int stopped;         /* the parse was stopped (entity expansion): not a syntax error */
    char *base; /* the document's base URL (base element, root xml:base), or NULL */
    int base_remote;
    html_state html;
} scan_state;

static int script_is_data_block(const char *type, size_t n)
{
    if (!type || !n)
        return 0;
    static const char *const js[] = {
        "text/javascript",        "application/javascript",   "module",      "text/ecmascript",
        "application/ecmascript", "application/x-javascript", "text/jscript"};
    for (size_t i = 0; i < sizeof js / sizeof *js; i++)
        if (strlen(js[i]) == n && strncasecmp(type, js[i], n) == 0)
            return 0;
    return 1;
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
               : strcmp(u, NS_SMIL) == 0   ? NSK_SMIL
                                           : NSK_OTHER;
    st->ns_last[1] = st->ns_last[0];
    st->ns_last_kind[1] = st->ns_last_kind[0];
    st->ns_last[0] = uri;
    st->ns_last_kind[0] = kind;
    return kind;
}

/* An attribute value: bytes and length (not NUL-terminated). */
typedef struct aval {
    const char *p;
    size_t n;
} aval;

/* The attributes the rules look at, gathered from one start tag. */
typedef struct el_attrs {
    aval href, xlink_href, src, srcset, data, poster, cite, type, rel, name, content, altimg,
        viewbox, textref, lang, xml_lang, usemap, controls;
} el_attrs;

#define AVAL_EQ(v, lit) ((v).n == sizeof(lit) - 1 && memcmp((v).p, lit, sizeof(lit) - 1) == 0)

/* Is v a relative reference (no scheme, not absolute, not protocol-relative)? */
static int aval_relative(aval v)
{
    size_t i = 0;
    while (i < v.n && check_is_space((unsigned char)v.p[i]))
        i++;
    if (i < v.n && v.p[i] == '/')
        return 0;
    for (size_t k = i; k < v.n; k++) {
        char ch = v.p[k];
        if (ch == ':')
            return 0;
        if (ch == '/' || ch == '?' || ch == '#')
            break;
    }
    return 1;
}

/* Record a reference to v in the job; returns it, or NULL (empty value or the cap reached). A
 * relative reference is resolved against the document's base URL when it has one. */
static ref *scan_ref(scan_state *st, int line, int kind, aval v)
{
    if (!v.p || st->job->refs.n >= CHECK_MAX_RECORDS)
        return NULL;
    const char *bad = check_url_invalid(v.p, v.n);
    if (bad) {
        char *sh = check_shown(v.p, v.n);
        check_job_finding(st->job, DIAG_ERROR, "RSC-020", st->it->path, line,
                          "\"%s\" is not a valid URL: %s", sh, bad);
        free(sh);
        return NULL;
    }
    if (kind == REF_LINK && check_url_foreign(v.p, v.n))
        return NULL; /* a link to the web never gives a finding */
    if (st->base && st->base_remote && v.n > 1 && v.p[0] == '/' && v.p[1] != '/') {
        /* a site-absolute path against a remote base: the base's origin, then the path */
        const char *b = st->base, *h = strstr(b, "//");
        const char *end = h ? strchr(h + 2, '/') : NULL;
        size_t keep = end ? (size_t)(end - b) : strlen(b);
        strbuf j = STRBUF_INIT;
        strbuf_add(&j, b, keep);
        strbuf_add(&j, v.p, v.n);
        ref *r = NULL;
        if (!(kind == REF_LINK && check_url_foreign(j.data, j.len)))
            r = check_ref_list_add(&st->job->refs, st->item_index, line, kind, j.data, j.len);
        strbuf_release(&j);
        return r;
    }
    if (st->base && aval_relative(v) && !(v.n && v.p[0] == '#' && !st->base_remote)) {
        /* base + v, the base's last segment replaced */
        const char *b = st->base, *slash = strrchr(b, '/');
        size_t keep = slash ? (size_t)(slash - b) + 1 : 0;
        if (st->base_remote && slash && slash > b && slash[-1] == '/' &&
            (slash == b + 1 || slash[-2] == ':'))
            keep = strlen(b); /* "http://host": no path yet */
        strbuf j = STRBUF_INIT;
        strbuf_add(&j, b, keep);
        if (st->base_remote && keep == strlen(b) && keep && b[keep - 1] != '/')
            strbuf_addc(&j, '/');
        strbuf_add(&j, v.p, v.n);
        ref *r = NULL;
        if (!(kind == REF_LINK && check_url_foreign(j.data, j.len)))
            r = check_ref_list_add(&st->job->refs, st->item_index, line, kind, j.data, j.len);
        strbuf_release(&j);
        return r;
    }
    return check_ref_list_add(&st->job->refs, st->item_index, line, kind, v.p, v.n);
}

/* The document's base URL (a base element, or xml:base on the root element). */
static void scan_set_base(scan_state *st, aval v)
{
    if (st->base || !v.p)
        return;
    char *b = xstrndup(v.p, v.n);
    str_trim(b);
    st->base_remote = strncasecmp(b, "http:", 5) == 0 || strncasecmp(b, "https:", 6) == 0 ||
                      strncmp(b, "//", 2) == 0;
    if (!st->base_remote && (strchr(b, ':') || b[0] == '/' || !*b)) {
        free(b); /* other schemes, absolute paths: references keep their own form */
        return;
    }
    st->base = b;
}

/* The candidates of a srcset attribute (HTML "parse a srcset attribute"): each URL up to white
 * space, then descriptors up to a comma. */
static void scan_srcset(scan_state *st, int line, aval v, unsigned char flags, aval type)
{
    size_t i = 0;
    while (i < v.n) {
        while (i < v.n && (check_is_space((unsigned char)v.p[i]) || v.p[i] == ','))
            i++;
        size_t s = i;
        if (v.n - i > 5 && strncasecmp(v.p + i, "data:", 5) == 0) {
            /* a data: URL may be wrapped over lines: it runs to the comma that ends the
             * candidate (after the one that ends its header) */
            const char *c1 = memchr(v.p + i, ',', v.n - i);
            i = c1 ? (size_t)(c1 - v.p) + 1 : v.n;
            while (i < v.n && v.p[i] != ',')
                i++;
            size_t e = i;
            while (e > s && check_is_space((unsigned char)v.p[e - 1]))
                e--;
            ref *r = scan_ref(st, line, REF_IMAGE, (aval){v.p + s, e - s});
            if (r) {
                r->flags = flags;
                if (type.p)
                    r->type = xstrndup(type.p, type.n);
            }
            continue;
        }
        while (i < v.n && !check_is_space((unsigned char)v.p[i]))
            i++;
        size_t e = i;
        int ends_comma = e > s && v.p[e - 1] == ',';
        while (e > s && v.p[e - 1] == ',')
            e--;
        if (e > s) {
            ref *r = scan_ref(st, line, REF_IMAGE, (aval){v.p + s, e - s});
            if (r) {
                r->flags = flags;
                if (type.p)
                    r->type = xstrndup(type.p, type.n);
            }
        }
        if (!ends_comma) /* descriptors, up to the next comma outside parentheses */
            for (int paren = 0; i < v.n && (paren || v.p[i] != ','); i++)
                paren += v.p[i] == '(' ? 1 : v.p[i] == ')' && paren ? -1 : 0;
    }
}

/* The viewport meta of a fixed-layout XHTML document (EPUB 3.3 8.2.2.1, with epubcheck's IDs):
 * name=value pairs separated by commas, semicolons or white space; width and height required
 * (HTM-056), once each (HTM-059), a positive number or device-width/device-height (HTM-057);
 * anything else malformed is HTM-047. */
static void scan_viewport(scan_state *st, int line, aval v)
{
    const char *p = v.p, *end = v.p + v.n;
    int n_width = 0, n_height = 0;
    const char *path = st->it->path;
    char *shown = check_shown(v.p, v.n);
    while (p < end) {
        while (p < end && (check_is_space((unsigned char)*p) || *p == ',' || *p == ';'))
            p++;
        if (p >= end)
            break;
        const char *ns = p;
        while (p < end && !check_is_space((unsigned char)*p) && *p != '=' && *p != ',' &&
               *p != ';')
            p++;
        size_t nlen = (size_t)(p - ns);
        if (nlen == 0) {
            check_job_finding(st->job, DIAG_ERROR, "HTM-047", path, line,
                              "the viewport meta \"%s\" is malformed: a property has no name",
                              shown);
            goto out;
        }
        while (p < end && check_is_space((unsigned char)*p))
            p++;
        const char *vs = NULL;
        size_t vlen = 0;
        if (p < end && *p == '=') {
            p++;
            while (p < end && check_is_space((unsigned char)*p))
                p++;
            vs = p;
            while (p < end && !check_is_space((unsigned char)*p) && *p != ',' && *p != ';' &&
                   *p != '=')
                p++;
            vlen = (size_t)(p - vs);
            if (vlen == 0 || (p < end && *p == '=')) {
                check_job_finding(st->job, DIAG_ERROR, "HTM-047", path, line,
                                  "the viewport meta \"%s\" is malformed: \"%.*s\" has %s", shown,
                                  (int)nlen, ns, vlen ? "a second '='" : "'=' but no value");
                goto out;
            }
        }
        int is_w = nlen == 5 && memcmp(ns, "width", 5) == 0;
        int is_h = nlen == 6 && memcmp(ns, "height", 6) == 0;
        if (!is_w && !is_h)
            continue;
        if (is_w ? n_width++ : n_height++) {
            check_job_finding(st->job, DIAG_ERROR, "HTM-059", path, line,
                              "the viewport meta \"%s\" gives the %s more than once", shown,
                              is_w ? "width" : "height");
            continue;
        }
        int ok = vlen > 0;
        if (ok && vlen == (is_w ? 12u : 13u) &&
            memcmp(vs, is_w ? "device-width" : "device-height", vlen) == 0)
            ;
        else {
            size_t k = 0, digits = 0;
            while (k < vlen && vs[k] >= '0' && vs[k] <= '9')
                k++, digits++;
            if (k < vlen && vs[k] == '.') {
                k++;
                while (k < vlen && vs[k] >= '0' && vs[k] <= '9')
                    k++, digits++;
            }
            ok = ok && digits > 0 && k == vlen;
        }
        if (!ok)
            check_job_finding(st->job, DIAG_ERROR, "HTM-057", path, line,
                              "the viewport %s \"%.*s\" must be a positive number (of CSS "
                              "pixels, no unit) or %s",
                              is_w ? "width" : "height", (int)vlen, vs ? vs : "",
                              is_w ? "device-width" : "device-height");
    }
    if (!n_width || !n_height)
        check_job_finding(st->job, DIAG_ERROR, "HTM-056", path, line,
                          "the viewport meta \"%s\" has no %s; a fixed-layout page needs both "
                          "width and height",
                          shown, !n_width ? "width" : "height");
out:
    free(shown);
}

/* The references and needs of an XHTML element. */
static void scan_xhtml_element(scan_state *st, const char *name, int depth, int line,
                               const el_attrs *a)
{
    mitem *it = st->it;
    scan_el *parent = depth > 0 && depth - 1 < SCAN_MAX_DEPTH ? &st->stack[depth - 1] : NULL;
    scan_el *self = depth < SCAN_MAX_DEPTH ? &st->stack[depth] : NULL;
    int in_xhtml_parent = parent && parent->nsk == NSK_XHTML;
    switch (name[0]) {
    case 'a':
        if ((STREQ(name, "a") || STREQ(name, "area")) && !st->nav_doc)
            scan_ref(st, line, REF_LINK, a->href);
        else if (STREQ(name, "audio") && self) {
            self->group = ++st->groups;
            ref *r = scan_ref(st, line, REF_MEDIA, a->src);
            if (r)
                r->group = self->group;
        }
        break;
    case 'b':
        if (STREQ(name, "blockquote"))
            scan_ref(st, line, REF_CITE, a->cite);
        else if (STREQ(name, "base"))
            scan_set_base(st, a->href);
        break;
    case 'd':
        if (STREQ(name, "del"))
            scan_ref(st, line, REF_CITE, a->cite);
        break;
    case 'e':
        if (STREQ(name, "embed")) {
            ref *r = scan_ref(st, line, REF_EMBED, a->src);
            if (r && a->type.p)
                r->type = xstrndup(a->type.p, a->type.n);
        }
        break;
    case 'f':
        if (STREQ(name, "form"))
            it->needs |= PROP_SCRIPTED;
        break;
    case 'i':
        if (STREQ(name, "img")) {
            int pic = in_xhtml_parent && parent->picture;
            ref *r = scan_ref(st, line, REF_IMAGE, a->src);
            if (r && pic)
                r->flags |= REF_F_PICTURE_IMG;
            if (a->srcset.p)
                scan_srcset(st, line, a->srcset, pic ? REF_F_PICTURE_IMG : 0, (aval){0});
        } else if (STREQ(name, "iframe")) {
            scan_ref(st, line, REF_IFRAME, a->src);
        } else if (STREQ(name, "input")) {
            if (a->type.p && a->type.n == 5 && strncasecmp(a->type.p, "image", 5) == 0)
                scan_ref(st, line, REF_IMAGE, a->src);
        } else if (STREQ(name, "ins")) {
            scan_ref(st, line, REF_CITE, a->cite);
        }
        break;
    case 'l':
        if (STREQ(name, "link") && a->href.p) {
            int sheet = 0;
            if (a->rel.p) {
                char *rel = xstrndup(a->rel.p, a->rel.n);
                sheet = check_list_has(rel, "stylesheet");
                free(rel);
            }
            scan_ref(st, line, sheet ? REF_STYLESHEET : REF_HEADLINK, a->href);
        }
        break;
    case 'm':
        if (STREQ(name, "meta") && a->name.p && AVAL_EQ(a->name, "viewport") && a->content.p) {
            if (it->fxl && st->viewports++ == 0)
                scan_viewport(st, line, a->content);
        }
        break;
    case 'o':
        if (STREQ(name, "object") && self) {
            ref *r = scan_ref(st, line, REF_OBJECT, a->data);
            if (r) {
                if (a->type.p)
                    r->type = xstrndup(a->type.p, a->type.n);
                self->obj_ref = (long)st->job->refs.n - 1;
            }
        }
        break;
    case 'p':
        if (STREQ(name, "picture") && self)
            self->picture = 1;
        break;
    case 'q':
        if (STREQ(name, "q"))
            scan_ref(st, line, REF_CITE, a->cite);
        break;
    case 's':
        if (STREQ(name, "script")) {
            scan_ref(st, line, REF_SCRIPT, a->src);
        } else if (STREQ(name, "source") && in_xhtml_parent) {
            const char *pn = (const char *)parent->name;
            if (STREQ(pn, "audio") || STREQ(pn, "video")) {
                ref *r = scan_ref(st, line, REF_MEDIA, a->src);
                if (r) {
                    r->group = parent->group;
                    if (a->type.p) {
                        r->type = xstrndup(a->type.p, a->type.n);
                        r->flags |= REF_F_TYPED;
                    }
                }
            } else if (STREQ(pn, "picture") && a->srcset.p) {
                scan_srcset(st, line, a->srcset,
                            (unsigned char)(REF_F_PICTURE_SOURCE | (a->type.p ? REF_F_TYPED : 0)),
                            a->type);
            }
        }
        break;
    case 't':
        if (STREQ(name, "track"))
            scan_ref(st, line, REF_TRACK, a->src);
        break;
    case 'v':
        if (STREQ(name, "video") && self) {
            self->group = ++st->groups;
            ref *r = scan_ref(st, line, REF_MEDIA, a->src);
            if (r)
                r->group = self->group;
            scan_ref(st, line, REF_IMAGE, a->poster);
        }
        break;
    }
}

/* The references and needs of an SVG element. */
static void scan_svg_element(scan_state *st, const char *name, int line, const el_attrs *a)
{
    aval href = a->href.p ? a->href : a->xlink_href;
    if (STREQ(name, "a"))
        scan_ref(st, line, REF_LINK, href);
    else if (STREQ(name, "image"))
        scan_ref(st, line, REF_IMAGE, href);
    else if (STREQ(name, "use")) {
        if (href.p && !memchr(href.p, '#', href.n)) {
            char *s = check_shown(href.p, href.n);
            check_job_finding(st->job, DIAG_ERROR, "RSC-015", st->it->path, line,
                              "the SVG use element refers to \"%s\" without a fragment; name the "
                              "element to use (\"file.svg#id\")",
                              s);
            free(s);
        }
        scan_ref(st, line, REF_SVG_USE, href);
    } else if (STREQ(name, "font-face-uri"))
        scan_ref(st, line, REF_FONT, href);
    else if (STREQ(name, "script"))
        scan_ref(st, line, REF_SCRIPT, href);
}

/* The references of a media overlay (SMIL) element. */
static void scan_smil_element(scan_state *st, const char *name, int line, const el_attrs *a)
{
    if (STREQ(name, "text"))
        scan_ref(st, line, REF_MO_TEXT, a->src);
    else if (STREQ(name, "audio"))
        scan_ref(st, line, REF_MO_AUDIO, a->src);
    scan_ref(st, line, REF_MO_TEXTREF, a->textref);
}

static void lang_check(scan_state *st, int line, aval lang, aval xml_lang)
{
    mitem *it = st->it;
    char *l = NULL, *xl = NULL;
    if (xml_lang.p && xml_lang.n) {
        xl = xstrndup(xml_lang.p, xml_lang.n);
        if (!lang_tag_valid(xl)) {
            char *sh = check_shown(xl, strlen(xl));
            check_job_finding(st->job, DIAG_ERROR, "RSC-005", it->path, line,
                              "xml:lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. "
                              "\"en\", \"pt-BR\")",
                              sh);
            free(sh);
        }
    }
    if (lang.p && lang.n) {
        l = xstrndup(lang.p, lang.n);
        if (!lang_tag_valid(l)) {
            char *sh = check_shown(l, strlen(l));
            check_job_finding(st->job, DIAG_ERROR, "RSC-005", it->path, line,
                              "lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. \"en\", "
                              "\"pt-BR\")",
                              sh);
            free(sh);
        }
    }
    if (lang.p && xml_lang.p &&
        !(lang.n == xml_lang.n && strncasecmp(lang.p, xml_lang.p, lang.n) == 0)) {
        char *l1 = check_shown(lang.p, lang.n), *l2 = check_shown(xml_lang.p, xml_lang.n);
        check_job_finding(st->job, DIAG_ERROR, "RSC-005", it->path, line,
                          "lang=\"%s\" and xml:lang=\"%s\" differ on the same element; give both "
                          "the same value",
                          l1, l2);
        free(l1);
        free(l2);
    }
    free(l);
    free(xl);
}

/* The kind of target an id names, for the references that may only point at some. */
static int id_type_of(int nsk, const char *name)
{
    if (nsk != NSK_SVG)
        return ID_GENERIC;
    if (STREQ(name, "symbol"))
        return ID_SVG_SYMBOL;
    if (STREQ(name, "clipPath"))
        return ID_SVG_CLIP;
    if (STREQ(name, "linearGradient") || STREQ(name, "radialGradient") || STREQ(name, "pattern"))
        return ID_SVG_PAINT;
    return ID_GENERIC;
}


/* An attribute value with its character references (&#38; &#x26; and the predefined entities)
 * resolved: a new string of *out_len bytes the caller frees. */
static char *attr_decode(const char *v, size_t n, size_t *out_len)
{
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (v[i] != '&') {
            strbuf_addc(&b, v[i]);
            continue;
        }
        const char *semi = memchr(v + i, ';', n - i < 12 ? n - i : 12);
        size_t k = semi ? (size_t)(semi - (v + i)) : 0;
        uint32_t cp = 0;
        int ok = 0;
        if (k > 2 && v[i + 1] == '#') {
            int hex = v[i + 2] == 'x' || v[i + 2] == 'X';
            ok = 1;
            for (size_t j = i + (hex ? 3 : 2); j < i + k; j++) {
                int d = text_hex_value((unsigned char)v[j]);
                if (d < 0 || (!hex && d > 9) || cp > 0x10ffff) {
                    ok = 0;
                    break;
                }
                cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            }
            ok = ok && cp > 0 && cp <= 0x10ffff;
        } else if (k == 3 && memcmp(v + i + 1, "lt", 2) == 0) {
            cp = '<', ok = 1;
        } else if (k == 3 && memcmp(v + i + 1, "gt", 2) == 0) {
            cp = '>', ok = 1;
        } else if (k == 4 && memcmp(v + i + 1, "amp", 3) == 0) {
            cp = '&', ok = 1;
        } else if (k == 5 && memcmp(v + i + 1, "quot", 4) == 0) {
            cp = '"', ok = 1;
        } else if (k == 5 && memcmp(v + i + 1, "apos", 4) == 0) {
            cp = '\'', ok = 1;
        }
        if (!ok) {
            strbuf_addc(&b, '&');
            continue;
        }
        char u[4];
        size_t un = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (un == 1)
            u[0] = (char)cp;
        else if (un == 2)
            u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f));
        else if (un == 3)
            u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
            u[2] = (char)(0x80 | (cp & 0x3f));
        else
            u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f));
        strbuf_add(&b, u, un);
        i += k;
    }
    if (!b.data)
        strbuf_adds(&b, "");
    return strbuf_detach(&b, out_len);
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
    if (depth < SCAN_MAX_DEPTH) {
        scan_el *e = &st->stack[depth];
        memset(e, 0, sizeof *e);
        e->name = localname;
        e->nsk = (unsigned char)nsk;
        e->obj_ref = -1;
    }
    /* an object's content other than its params is its fallback */
    if (depth > 0 && depth - 1 < SCAN_MAX_DEPTH && st->stack[depth - 1].obj_ref >= 0 &&
        !(xhtml && STREQ(name, "param")))
        st->stack[depth - 1].has_content = 1;
    if (!st->root_seen) {
        st->root_seen = 1;
        if (st->is_xhtml_doc && !(xhtml && STREQ(name, "html")))
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                              "the root element is \"%s\" in namespace \"%s\"; an XHTML content "
                              "document has <html xmlns=\"http://www.w3.org/1999/xhtml\">",
                              name, ns ? ns : "");
        else if (st->is_svg_doc && !(svg && STREQ(name, "svg")))
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                              "the root element is \"%s\"; an SVG document has <svg "
                              "xmlns=\"http://www.w3.org/2000/svg\">",
                              name);
        else if (st->is_smil_doc && !(nsk == NSK_SMIL && STREQ(name, "smil")))
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                              "the root element is \"%s\"; a media overlay document has <smil "
                              "xmlns=\"http://www.w3.org/ns/SMIL\">",
                              name);
    }
    if (svg && STREQ(name, "svg") && st->is_xhtml_doc)
        it->needs |= PROP_SVG;
    else if (nsk == NSK_MATHML && STREQ(name, "math"))
        it->needs |= PROP_MATHML;
    else if (nsk == NSK_EPUB && STREQ(name, "switch")) {
        it->needs |= PROP_SWITCH;
        if (!st->switch_reported++)
            check_job_finding(job, DIAG_WARNING, "RSC-017", it->path, line,
                              "epub:switch is deprecated in EPUB 3.3; use MathML or SVG with "
                              "their own fallbacks");
    }

    el_attrs a;
    char *decoded[16];
    size_t n_decoded = 0;
    memset(&a, 0, sizeof a);
    int is_script = (xhtml || svg) && STREQ(name, "script");
    for (int k = 0; k < nb_attributes; k++) {
        const char *an = (const char *)attributes[5 * k];
        int ansk = ns_kind(st, attributes[5 * k + 2]);
        const char *vs = (const char *)attributes[5 * k + 3];
        const char *ve = (const char *)attributes[5 * k + 4];
        if (!an || !vs || !ve || ve < vs)
            continue;
        size_t vlen = (size_t)(ve - vs);
        if (memchr(vs, '&', vlen) && n_decoded < sizeof decoded / sizeof *decoded) {
            /* without entity substitution, libxml2 hands '&' over as "&#38;": the value a
             * reading system sees has the character */
            decoded[n_decoded] = attr_decode(vs, vlen, &vlen);
            vs = decoded[n_decoded++];
        }
        aval v = {vs, vlen};
        if (ansk == NSK_NONE) {
            switch (an[0]) {
            case 'a':
                if (STREQ(an, "altimg") && nsk == NSK_MATHML)
                    a.altimg = v;
                break;
            case 'c':
                if (STREQ(an, "cite"))
                    a.cite = v;
                else if (STREQ(an, "content"))
                    a.content = v;
                else if (STREQ(an, "controls"))
                    a.controls = v;
                break;
            case 'd':
                if (STREQ(an, "data"))
                    a.data = v;
                break;
            case 'h':
                if (STREQ(an, "href"))
                    a.href = v;
                break;
            case 'i':
                if (STREQ(an, "id"))
                    goto id;
                break;
            case 'l':
                if (STREQ(an, "lang") && xhtml)
                    a.lang = v;
                break;
            case 'n':
                if (STREQ(an, "name"))
                    a.name = v;
                break;
            case 'o':
                if (an[1] == 'n' && (xhtml || svg))
                    it->needs |= PROP_SCRIPTED; /* an event handler */
                break;
            case 'p':
                if (STREQ(an, "poster"))
                    a.poster = v;
                break;
            case 'r':
                if (STREQ(an, "rel"))
                    a.rel = v;
                break;
            case 's':
                if (STREQ(an, "src"))
                    a.src = v;
                else if (STREQ(an, "srcset"))
                    a.srcset = v;
                else if (STREQ(an, "style"))
                    check_css_scan(job, it->path, st->item_index, vs, vlen, line, CSS_STYLE_ATTR);
                break;
            case 't':
                if (STREQ(an, "type"))
                    a.type = v;
                break;
            case 'u':
                if (STREQ(an, "usemap"))
                    a.usemap = v;
                break;
            case 'v':
                if (STREQ(an, "viewBox"))
                    a.viewbox = v;
                break;
            }
            continue;
        }
        if (ansk == NSK_XML) {
            if (STREQ(an, "id"))
                goto id;
            if (STREQ(an, "lang"))
                a.xml_lang = v;
            else if (STREQ(an, "base") && depth == 0)
                scan_set_base(st, v);
            continue;
        }
        if (ansk == NSK_XLINK && STREQ(an, "href"))
            a.xlink_href = v;
        else if (ansk == NSK_EPUB && STREQ(an, "textref"))
            a.textref = v;
        continue;
    id:
        if (job->n_ids >= CHECK_MAX_RECORDS)
            continue; /* reported when the jobs are gathered */
        job->n_ids++;
        /* ids are compared without the white space around them (XML's ID type) */
        while (vlen && check_is_space((unsigned char)*vs))
            vs++, vlen--;
        while (vlen && check_is_space((unsigned char)vs[vlen - 1]))
            vlen--;
        if (vlen + 1 > st->val_cap) {
            st->val_cap = vlen + 64;
            st->val = xrealloc(st->val, st->val_cap);
        }
        memcpy(st->val, vs, vlen);
        st->val[vlen] = '\0';
        if (!strmap_add(it->ids, st->val, ID_VALUE(st->ordinal, id_type_of(nsk, name)))) {
            char *sh = check_shown(vs, vlen);
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                              "duplicate ID \"%s\": ids must be unique within a document", sh);
            free(sh);
        }
    }
    if (is_script && !script_is_data_block(a.type.p, a.type.n))
        it->needs |= PROP_SCRIPTED;
    if (xhtml)
        scan_xhtml_element(st, name, depth, line, &a);
    else if (svg)
        scan_svg_element(st, name, line, &a);
    else if (nsk == NSK_SMIL || (st->is_smil_doc && a.textref.p))
        scan_smil_element(st, name, line, &a);
    if (a.altimg.p && nsk == NSK_MATHML)
        scan_ref(st, line, REF_IMAGE, a.altimg);
    if (svg && depth == 0 && st->is_svg_doc && it->fxl && !a.viewbox.p)
        check_job_finding(job, DIAG_ERROR, "HTM-048", it->path, line,
                          "the fixed-layout SVG document has no viewBox on its svg element; add "
                          "one (viewBox=\"0 0 width height\")");
    if ((xhtml || svg) && STREQ(name, "style") && !st->style_depth) {
        st->style_depth = depth + 1;
        st->style.len = 0;
        st->style_line = 0;
    }
    if (a.lang.p || a.xml_lang.p)
        lang_check(st, line, a.lang, a.xml_lang);
    if (st->is_xhtml_doc) {
        html_attrs ha = {a.href.p != NULL, a.controls.p != NULL, a.usemap.p != NULL,
                         a.type.p && a.type.n == 6 && strncasecmp(a.type.p, "hidden", 6) == 0,
                         a.src.p != NULL};
        check_html_start(&st->html, job, it->path, line, name, xhtml, &ha);
    }
    while (n_decoded > 0)
        free(decoded[--n_decoded]);
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
    if (st->err.have)
        return;
    if (st->depth < SCAN_MAX_DEPTH) {
        scan_el *e = &st->stack[st->depth];
        if (e->obj_ref >= 0 && e->has_content && (size_t)e->obj_ref < st->job->refs.n)
            st->job->refs.v[e->obj_ref].flags |= REF_F_FALLBACK;
    }
    if (st->style_depth && st->depth + 1 == st->style_depth) {
        if (st->style.len)
            check_css_scan(st->job, st->it->path, st->item_index, st->style.data, st->style.len,
                           st->style_line, CSS_STYLE_ELEMENT);
        st->style_depth = 0;
        st->style.len = 0;
    }
    if (st->is_xhtml_doc)
        check_html_end(&st->html, st->job, st->it->path, p->input ? p->input->line : 0);
}

static void sax_text(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    if (len <= 0 || st->err.have)
        return;
    if (st->style_depth) {
        if (st->style.len == 0)
            st->style_line = p->input ? p->input->line : 0;
        if (st->style.len < CHECK_ENTRY_CAP)
            strbuf_add(&st->style, (const char *)ch, (size_t)len);
    }
    if (st->depth > 0 && st->depth - 1 < SCAN_MAX_DEPTH && st->stack[st->depth - 1].obj_ref >= 0 &&
        !st->stack[st->depth - 1].has_content)
        for (int i = 0; i < len; i++)
            if (!check_is_space(ch[i])) {
                st->stack[st->depth - 1].has_content = 1;
                break;
            }
    if (st->is_xhtml_doc)
        check_html_text(&st->html, st->job, st->it->path, p->input ? p->input->line : 0,
                        (const char *)ch, (size_t)len);
}

/* <?xml-stylesheet href="..."?> links a style sheet. */
static void sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    if (st->err.have || !target || !data || strcmp((const char *)target, "xml-stylesheet") != 0)
        return;
    const char *h = strstr((const char *)data, "href");
    while (h && h > (const char *)data && !check_is_space((unsigned char)h[-1]))
        h = strstr(h + 4, "href");
    if (!h)
        return;
    h += 4;
    while (check_is_space((unsigned char)*h))
        h++;
    if (*h != '=')
        return;
    h++;
    while (check_is_space((unsigned char)*h))
        h++;
    char q = *h;
    if (q != '"' && q != '\'')
        return;
    const char *e = strchr(h + 1, q);
    if (e)
        scan_ref(st, p->input ? p->input->line : 0, REF_STYLESHEET,
                 (aval){h + 1, (size_t)(e - h - 1)});
}

static void sax_ignore_text(void *ctx, const xmlChar *value)
{
    (void)ctx;
    (void)value;
}

/* An entity reference (left unexpanded): what it stands for counts towards the document's
 * size, so that quadratic expansion (a large entity referenced many times) is caught. */
static void sax_reference(void *ctx, const xmlChar *name)
{
    xmlParserCtxtPtr p = ctx;
    scan_state *st = p->_private;
    if (st->err.have || st->stopped || !name || !p->myDoc)
        return;
    if (!st->entity_memo)
        st->entity_memo = strmap_new();
    size_t n = check_xml_entity_size(p->myDoc, (const char *)name, st->entity_memo);
    st->entity_bytes = n > CHECK_ENTRY_CAP ? CHECK_ENTRY_CAP + 1 : st->entity_bytes + n;
    if (st->entity_bytes > CHECK_ENTRY_CAP) {
        check_job_finding(st->job, DIAG_ERROR, CHECK_ID_TOO_LARGE, st->it->path,
                          p->input ? p->input->line : 0,
                          "the document's entity references expand to more than %zu MiB of text "
                          "(an entity expansion attack, or a document no reader can open); it "
                          "was not checked further: write the text without entities",
                          CHECK_ENTRY_CAP >> 20);
        st->stopped = 1;
        xmlStopParser(p);
    }
}

static void sax_error(void *user, xmlErrorPtr err)
{
    xmlParserCtxtPtr p = user;
    scan_state *st = p ? p->_private : NULL;
    if (st && !st->stopped)
        check_xml_err_keep(&st->err, err);
}

/* What the pre-scan of a document's bytes found beyond what libxml2 2.9.14 handles in linear
 * time: it compares every attribute of a start tag with every other one, and its name dictionary
 * degrades with very many distinct names. */
typedef struct prescan {
    size_t max_attrs; /* the most attributes of one start tag (xmlns declarations included) */
    int attrs_line;
    size_t names;     /* distinct element and attribute names, counted up to the cap */
    int names_line;   /* where the cap was passed */
} prescan;

void check_scratch_release(check_scratch *s)
{
    free(s->names);
    memset(s, 0, sizeof *s);
}

/* Note the name b[s..e) (one start tag's element or attribute name): its hash goes into the
 * scratch table (two names with one 32-bit hash count once, which only undercounts). */
static void prescan_name(prescan *ps, check_scratch *sc, const unsigned char *b, size_t s,
                         size_t e, int line)
{
    if (e <= s || ps->names > CHECK_MAX_NAMES)
        return;
    uint32_t h = 2166136261u;
    for (size_t i = s; i < e; i++)
        h = (h ^ b[i]) * 16777619u;
    uint64_t v = ((uint64_t)sc->gen << 32) | h;
    for (size_t k = h & (CHECK_NAME_SLOTS - 1);; k = (k + 1) & (CHECK_NAME_SLOTS - 1)) {
        if (sc->names[k] == v)
            return;
        if ((uint32_t)(sc->names[k] >> 32) != sc->gen) {
            sc->names[k] = v;
            if (++ps->names > CHECK_MAX_NAMES)
                ps->names_line = line;
            return;
        }
    }
}

/* The line of byte offset `off` (counted only when a finding needs it). */
static int line_of(const unsigned char *b, size_t off)
{
    int line = 1;
    for (const unsigned char *p = b, *e = b + off; (p = memchr(p, '\n', (size_t)(e - p)));
         p++)
        line++;
    return line;
}

/* A linear scan of the bytes: start tags' attributes and names; attribute definitions of the
 * internal DTD subset count as attributes of one element, since libxml2 adds their defaults to
 * it. Comments, CDATA sections and processing instructions are skipped; text is skipped with
 * memchr. Lines are counted only for a finding. */
static void prescan_doc(const unsigned char *b, size_t n, prescan *ps, check_scratch *sc)
{
    size_t i = 0, attrs_at = 0, names_at = 0;
    memset(ps, 0, sizeof *ps);
    /* a new generation empties the table; at the (distant) wrap, clear it for real */
    if (!sc->names)
        sc->names = xcalloc(CHECK_NAME_SLOTS, sizeof *sc->names);
    if (++sc->gen == 0) {
        memset(sc->names, 0, CHECK_NAME_SLOTS * sizeof *sc->names);
        sc->gen = 1;
    }
    while (i < n) {
        const unsigned char *lt = memchr(b + i, '<', n - i);
        if (!lt)
            break;
        i = (size_t)(lt - b);
        const unsigned char *rest = b + i;
        size_t left = n - i;
        const char *close = NULL;
        if (left >= 4 && memcmp(rest, "<!--", 4) == 0)
            close = "-->";
        else if (left >= 9 && memcmp(rest, "<![CDATA[", 9) == 0)
            close = "]]>";
        else if (left >= 2 && rest[1] == '?')
            close = "?>";
        if (close) {
            size_t cl = strlen(close);
            i += 2;
            while (i < n) {
                const unsigned char *q = memchr(b + i, close[0], n - i);
                if (!q) {
                    i = n;
                    break;
                }
                i = (size_t)(q - b);
                if (n - i >= cl && memcmp(b + i, close, cl) == 0)
                    break;
                i++;
            }
            i += cl;
            continue;
        }
        int doctype = left >= 2 && rest[1] == '!';
        int start = !doctype && left >= 2 && rest[1] != '/';
        size_t count = 0, words = 0, tok, tag_at = i;
        int depth = 0, in_attlist = 0, in_word = 0;
        size_t names_before = ps->names;
        i++;
        if (start) { /* the element's name */
            size_t s0 = i;
            while (i < n && !check_is_space(b[i]) && b[i] != '>' && b[i] != '/')
                i++;
            prescan_name(ps, sc, b, s0, i, 0);
        }
        tok = i;
        for (; i < n; i++) {
            unsigned char ch = b[i];
            if (ch == '"' || ch == '\'') {
                const unsigned char *q = memchr(b + i + 1, ch, n - i - 1);
                i = q ? (size_t)(q - b) : n - 1;
                tok = i + 1;
                continue;
            }
            if (doctype) {
                if (ch == '[')
                    depth++;
                else if (ch == ']' && depth > 0)
                    depth--;
                else if (ch == '<' && n - i >= 9 && memcmp(b + i, "<!ATTLIST", 9) == 0)
                    in_attlist = 1;
                else if (ch == '>' && depth == 0)
                    break;
                else if (ch == '>')
                    in_attlist = 0;
                int w = in_attlist && !check_is_space(ch) && ch != '<' && ch != '>';
                if (w && !in_word)
                    words++;
                in_word = w;
                continue;
            }
            if (ch == '>')
                break;
            if (!start)
                continue;
            if (ch == '=') {
                /* the attribute's name: the token before '=' */
                size_t e = i;
                while (e > tok && check_is_space(b[e - 1]))
                    e--;
                size_t s0 = e;
                while (s0 > tok && !check_is_space(b[s0 - 1]))
                    s0--;
                prescan_name(ps, sc, b, s0, e, 0);
                count++;
            } else if (check_is_space(ch)) {
                tok = i;
            }
        }
        i++;
        if (doctype)
            count = words / 3; /* name, type, default per attribute */
        if (count > ps->max_attrs) {
            ps->max_attrs = count;
            attrs_at = tag_at;
        }
        if (names_before <= CHECK_MAX_NAMES && ps->names > CHECK_MAX_NAMES)
            names_at = tag_at;
        if (ps->names > CHECK_MAX_NAMES && ps->max_attrs > CHECK_MAX_ATTRS)
            break;
    }
    if (ps->max_attrs > CHECK_MAX_ATTRS)
        ps->attrs_line = line_of(b, attrs_at);
    if (ps->names > CHECK_MAX_NAMES)
        ps->names_line = line_of(b, names_at);
}

/* Parse one XHTML, SVG or SMIL document with SAX callbacks (no tree is built; memory stays
 * bounded whatever the size): ids, references, needed properties, the HTML content model,
 * well-formedness, DOCTYPE. The DOCTYPE and entity declarations are kept by libxml2's own SAX2
 * handlers in a document without elements, and examined afterwards. Runs on a worker thread. */
void check_content_scan(const check_ctx *c, item_job *job, const unsigned char *buf, size_t len,
                        check_scratch *scratch)
{
    mitem *it = &c->items[job->item];
    scan_state *st = xcalloc(1, sizeof *st);
    st->c = c;
    st->it = it;
    st->job = job;
    st->item_index = job->item;
    st->is_xhtml_doc = strcmp(it->media_type, MT_XHTML) == 0;
    st->is_svg_doc = strcmp(it->media_type, MT_SVG) == 0;
    st->is_smil_doc = strcmp(it->media_type, MT_SMIL) == 0;
    st->nav_doc = (long)job->item == c->nav_item;
    check_html_init(&st->html);
    xmlParserCtxtPtr p = NULL;
    if (len > INT_MAX)
        goto out;
    prescan ps;
    prescan_doc(buf, len, &ps, scratch);
    if (ps.max_attrs > CHECK_MAX_ATTRS) {
        check_job_finding(job, DIAG_ERROR, CHECK_ID_TOO_MANY_NAMES, it->path, ps.attrs_line,
                          "an element has %zu attributes; sheaf checks elements of at most %d "
                          "(no e-book needs more): the document was not checked",
                          ps.max_attrs, CHECK_MAX_ATTRS);
        goto out;
    }
    if (ps.names > CHECK_MAX_NAMES) {
        check_job_finding(job, DIAG_ERROR, CHECK_ID_TOO_MANY_NAMES, it->path, ps.names_line,
                          "the document uses more than %d distinct element and attribute names "
                          "(no e-book needs more): it was not checked",
                          CHECK_MAX_NAMES);
        goto out;
    }
    /* pushed in pieces: the parser consumes its input buffer as it goes, so a long document
     * does not run into libxml2's 10 MB look-up limit ("Huge input lookup"), which only
     * XML_PARSE_HUGE would lift, and that would let entity bombs through */
    p = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, it->path);
    if (!p) {
        check_job_finding(job, DIAG_FATAL, "RSC-016", it->path, 0,
                          "the document could not be parsed (out of memory)");
        goto out;
    }
    xmlCtxtUseOptions(p, XML_OPTIONS);
    /* ctxt->sax is this context's own copy: changing it affects no other parse */
    p->sax->startElementNs = sax_start;
    p->sax->endElementNs = sax_end;
    p->sax->characters = sax_text;
    p->sax->ignorableWhitespace = sax_text;
    p->sax->cdataBlock = sax_text;
    p->sax->comment = sax_ignore_text;
    p->sax->reference = sax_reference;
    p->sax->processingInstruction = sax_pi;
    p->sax->serror = sax_error;
    p->sax->error = NULL;
    p->sax->warning = NULL;
    p->_private = st;
    for (size_t off = 0; off < len && !st->err.have && !st->stopped && p->wellFormed;) {
        size_t n = len - off < SCAN_CHUNK ? len - off : SCAN_CHUNK;
        xmlParseChunk(p, (const char *)buf + off, (int)n, 0);
        off += n;
    }
    if (!st->stopped)
        xmlParseChunk(p, NULL, 0, 1);
    xmlDocPtr doc = p->myDoc;
    p->myDoc = NULL;
    if (st->stopped) {
        /* reported where it stopped */
    } else if (!p->wellFormed || st->err.have) {
        check_job_finding(job, DIAG_FATAL, "RSC-016", it->path, st->err.have ? st->err.line : 0,
                          "the document is not well-formed XML: %s",
                          st->err.have ? st->err.msg : "parse error");
    } else {
        it->scanned = 1;
        if (!st->root_seen)
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, 0,
                              "the document has no root element");
        if (st->is_xhtml_doc && it->fxl && !st->viewports)
            check_job_finding(job, DIAG_ERROR, "HTM-046", it->path, 0,
                              "the fixed-layout document has no viewport meta element; add <meta "
                              "name=\"viewport\" content=\"width=W, height=H\"/> to its head");
    }
    if (doc)
        check_xml_doctype(doc, it->path, it->media_type, job, NULL);
    if (doc)
        xmlFreeDoc(doc);
out:
    if (p)
        xmlFreeParserCtxt(p);
    check_html_release(&st->html);
    strbuf_release(&st->style);
    free(st->val);
    free(st->base);
    strmap_free(st->entity_memo);
    free(st);
}

/*** Resolving references ***/

static const char *ref_kind_name(int kind)
{
    switch (kind) {
    case REF_LINK:
        return "link";
    case REF_IMAGE:
        return "image";
    case REF_MEDIA:
        return "audio or video";
    case REF_TRACK:
        return "track";
    case REF_SCRIPT:
        return "script";
    case REF_IFRAME:
        return "iframe";
    case REF_EMBED:
        return "embed";
    case REF_OBJECT:
        return "object";
    case REF_HEADLINK:
        return "link element";
    case REF_CITE:
        return "cite attribute";
    case REF_SVG_USE:
        return "SVG use";
    case REF_STYLESHEET:
        return "stylesheet";
    case REF_CSS:
    case REF_FONT:
        return "CSS url()";
    case REF_TOC:
        return "toc link";
    case REF_NCX:
        return "NCX navPoint";
    case REF_MO_TEXT:
        return "media overlay text";
    case REF_MO_TEXTREF:
        return "media overlay textref";
    case REF_MO_AUDIO:
        return "media overlay audio";
    default:
        return "resource";
    }
}

/* Does media type `mt` (parameters ignored) equal `want`? */
static int mt_is(const char *mt, const char *want)
{
    size_t n = strlen(want);
    return mt && strncasecmp(mt, want, n) == 0 && (mt[n] == '\0' || mt[n] == ';' || mt[n] == ' ');
}

int check_mt_core_image(const char *mt)
{
    return mt_is(mt, "image/gif") || mt_is(mt, "image/jpeg") || mt_is(mt, "image/png") ||
           mt_is(mt, "image/svg+xml") || mt_is(mt, "image/webp");
}

int check_mt_core_audio(const char *mt)
{
    return mt_is(mt, "audio/mpeg") || mt_is(mt, "audio/mp4") || mt_is(mt, "audio/ogg") ||
           mt_is(mt, "audio/opus");
}

int check_mt_core_font(const char *mt)
{
    return mt_is(mt, "font/ttf") || mt_is(mt, "font/otf") || mt_is(mt, "font/woff") ||
           mt_is(mt, "font/woff2") || mt_is(mt, "application/font-sfnt") ||
           mt_is(mt, "application/vnd.ms-opentype") || mt_is(mt, "application/font-woff");
}

/* EPUB 3.3 core media types (3.2), which need no fallback. */
static int mt_core(const char *mt)
{
    return check_mt_core_image(mt) || check_mt_core_audio(mt) || check_mt_core_font(mt) ||
           mt_is(mt, MT_CSS) || mt_is(mt, MT_XHTML) || mt_is(mt, "application/javascript") ||
           mt_is(mt, "application/ecmascript") || mt_is(mt, "text/javascript") ||
           mt_is(mt, MT_NCX) || mt_is(mt, MT_SMIL) || mt_is(mt, "application/pls+xml");
}

/* A foreign resource of this media type needs a fallback where it is embedded (video is exempt
 * wherever it is used). */
static int mt_foreign(const char *mt)
{
    return !mt_core(mt) && !(mt && strncasecmp(mt, "video/", 6) == 0);
}

/* The media type of a data: URL (a new string, "text/plain" when none is given). */
static char *data_url_type(const char *url)
{
    while (check_is_space((unsigned char)*url))
        url++;
    const char *s = url + 5; /* "data:" */
    while (check_is_space((unsigned char)*s))
        s++;
    size_t n = strcspn(s, ";,");
    while (n && check_is_space((unsigned char)s[n - 1]))
        n--;
    return n ? xstrndup(s, n) : xstrdup("text/plain");
}

/* A media type a fallback chain may end at: one that is not foreign. */
static int mt_not_foreign(const char *mt)
{
    return !mt_foreign(mt);
}


/* A foreign resource of type `mt` embedded by r without a fallback: the finding it deserves
 * (item `ti` the target, -1 for a data: URL). `group_ok`: another source of the same audio or
 * video element is a core media type. */
static void check_foreign(check_ctx *c, const ref *r, const char *mt, long ti, int group_ok,
                          const char *url_s)
{
    const char *file = c->items[r->item].path;
    if (!mt_foreign(mt) || r->kind == REF_TRACK || r->kind == REF_FONT || r->kind == REF_HEADLINK ||
        r->kind == REF_SCRIPT || r->kind == REF_IFRAME)
        return;
    if (r->kind != REF_IMAGE && r->kind != REF_MEDIA && r->kind != REF_EMBED &&
        r->kind != REF_OBJECT)
        return;
    if (r->flags & REF_F_PICTURE_IMG) {
        check_finding(c, DIAG_ERROR, "MED-003", file, r->line,
                      "the img of a picture element refers to \"%s\" (%s), which is not a core "
                      "media type image; use GIF, JPEG, PNG, SVG or WebP there and put other "
                      "formats in a source element with a type",
                      url_s, mt);
        return;
    }
    if (r->flags & REF_F_PICTURE_SOURCE) {
        if (!(r->flags & REF_F_TYPED))
            check_finding(c, DIAG_ERROR, "MED-007", file, r->line,
                          "a picture source refers to \"%s\" (%s), a foreign resource, without a "
                          "type attribute; give its media type so reading systems can skip it",
                          url_s, mt);
        return;
    }
    if ((r->kind == REF_MEDIA && group_ok) || (r->kind == REF_OBJECT && (r->flags & REF_F_FALLBACK)))
        return;
    if (ti >= 0 && check_fallback_reaches(c, ti, mt_not_foreign, 0))
        return;
    check_finding(c, DIAG_ERROR, "RSC-032", file, r->line,
                  "the %s \"%s\" is a foreign resource (%s) without a fallback; give its manifest "
                  "item a fallback to a core media type%s",
                  ref_kind_name(r->kind), url_s, mt,
                  r->kind == REF_MEDIA    ? ", or add a source in a core media type"
                  : r->kind == REF_OBJECT ? ", or put fallback content inside the object"
                                          : "");
}

/* Position of a toc/NCX target for ordering; -1 when unknown. */
typedef struct nav_pos {
    long spine;
    unsigned long ordinal;
} nav_pos;

/* Record that item `to` is the target of a reference of the kind `how` (REACH_*), for the checks
 * made once every document's references are known. */
static void reach(item_job *job, size_t to, int how)
{
    if (!job || job->n_reach >= CHECK_MAX_RECORDS)
        return;
    if (job->n_reach == job->cap_reach) {
        job->cap_reach = job->cap_reach ? job->cap_reach * 2 : 16;
        job->reach = xrealloc(job->reach, job->cap_reach * sizeof *job->reach);
    }
    job->reach[job->n_reach].item = to;
    job->reach[job->n_reach].how = how;
    job->n_reach++;
}

static void check_ref(check_ctx *c, const ref *r, nav_pos *pos, strbuf *seq, int group_ok)
{
    mitem *from = &c->items[r->item];
    const char *file = from->path;
    char *path = NULL, *frag = NULL, *mt_owned = NULL;
    char *url_s = NULL; /* shown only when a finding needs it */
#define URL_S check_shown_once(&url_s, r->url, strlen(r->url))
    int k = r->kind;
    int hyper = k == REF_LINK || k == REF_TOC || k == REF_NCX;
    pos->spine = -1;
    pos->ordinal = 0;
    int cls = check_url_classify(file, r->url, &path, &frag);
    switch (cls) {
    case URL_EMPTY:
    case URL_OTHER:
        break;
    case URL_INVALID:
        check_finding(c, DIAG_ERROR, "RSC-020", file, r->line,
                      "\"%s\" is not a valid URL (bad %%-escape or backslash)", URL_S);
        break;
    case URL_OUTSIDE:
        check_finding(
            c, DIAG_ERROR, "RSC-026", file, r->line,
            "the %s \"%s\" points outside the EPUB container; use a path relative to this "
            "document",
            ref_kind_name(k), URL_S);
        break;
    case URL_FILE:
        from->needs |= PROP_REMOTE_SEEN;
        check_finding(c, DIAG_ERROR, "RSC-030", file, r->line,
                      "file URLs are not allowed in EPUB: \"%s\"", URL_S);
        break;
    case URL_DATA:
        if (hyper)
            check_finding(c, DIAG_ERROR, "RSC-029", file, r->line,
                          "data URLs are not allowed as %s targets", ref_kind_name(k));
        else {
            mt_owned = data_url_type(r->url);
            char *shown = check_shown(r->url, strlen(r->url) > 40 ? 40 : strlen(r->url));
            check_foreign(c, r, mt_owned, -1, group_ok, shown);
            free(shown);
        }
        break;
    case URL_REMOTE: {
        void *v = check_remote_item(c, r->url);
        const char *mt = v ? c->items[IDX_GET(v)].media_type : NULL;
        int media = mt && (strncasecmp(mt, "audio/", 6) == 0 || strncasecmp(mt, "video/", 6) == 0);
        if (k == REF_TOC)
            check_finding(c, DIAG_ERROR, "NAV-010", file, r->line,
                          "\"toc\" nav must not link to remote resources; found link to \"%s\"",
                          URL_S);
        else if (hyper || k == REF_CITE || k == REF_HEADLINK)
            ;
        else if (k == REF_MEDIA || k == REF_FONT || k == REF_MO_AUDIO ||
                 ((k == REF_OBJECT || k == REF_EMBED) && media)) {
            from->needs |= PROP_REMOTE;
            if (!v)
                check_finding(
                    c, DIAG_ERROR, "RSC-008", file, r->line,
                    "remote resource \"%s\" is not declared in the package manifest; list "
                    "it there (with its media type)",
                    URL_S);
            else if (k != REF_FONT)
                check_foreign(c, r, mt, IDX_GET(v), group_ok, URL_S);
            if (k == REF_MO_AUDIO && mt && !check_mt_core_audio(mt))
                check_finding(c, DIAG_ERROR, "MED-005", file, r->line,
                              "media overlay audio \"%s\" is %s, not a core media type audio "
                              "(MP3, MP4 AAC or Ogg Opus)",
                              URL_S, mt);
        } else {
            /* not allowed at all: no remote-resources property asked for it (epubcheck 5),
             * nor refused if declared */
            from->needs |= PROP_REMOTE_SEEN;
            check_finding(
                c, DIAG_ERROR, "RSC-006", file, r->line,
                "remote resource reference \"%s\" is not allowed; put the file in the EPUB "
                "(only audio, video and fonts may be remote)",
                URL_S);
            if (v)
                reach(check_tl_job, (size_t)IDX_GET(v), REACH_REMOTE_REPORTED);
        }
        if (v && (k == REF_FONT || k == REF_MEDIA || k == REF_MO_AUDIO || k == REF_OBJECT ||
                  k == REF_EMBED))
            reach(check_tl_job, (size_t)IDX_GET(v), REACH_REMOTE_OK);
        break;
    }
    case URL_FRAGMENT:
    case URL_LOCAL: {
        long ti = check_item_by_path(c, path);
        if (ti < 0 && (k == REF_LINK || k == REF_TOC) && c->opf_path &&
            strcmp(path, c->opf_path) == 0 && frag && str_starts_with(frag, "epubcfi("))
            break; /* an EPUB CFI into the package document */
        /* the entry table is looked at only for the rare target that is not a manifest item */
        if (ti < 0 && check_zip_entry_find(c, path) < 0) {
            char *p = check_shown(path, strlen(path));
            check_finding(c, DIAG_ERROR, "RSC-007", file, r->line,
                          "referenced resource \"%s\" could not be found in the EPUB", p);
            free(p);
            break;
        }
        if (ti < 0) {
            char *p = check_shown(path, strlen(path));
            check_finding(c, DIAG_ERROR, "RSC-008", file, r->line,
                          "referenced resource \"%s\" is not declared in the package manifest", p);
            free(p);
            /* said once: no OPF-003 for the entry too */
            reach(check_tl_job, (size_t)check_zip_entry_find(c, path), REACH_ENTRY_REPORTED);
            break;
        }
        mitem *to = &c->items[ti];
        int content = check_is_content_type(to->media_type);
        if ((k == REF_LINK || k == REF_TOC) && ti != (long)r->item)
            reach(check_tl_job, (size_t)ti, REACH_LINK);
        if (k == REF_MO_TEXT)
            reach(check_tl_job, (size_t)ti, REACH_MO);
        if ((k == REF_LINK || k == REF_TOC) && !content && !check_fallback_reaches(c, ti, check_is_content_type, 1))
            check_finding(c, DIAG_ERROR, "RSC-010", file, r->line,
                          "the %s \"%s\" points to \"%s\" (%s), which is not an XHTML or SVG "
                          "content document; link to a document of the book",
                          ref_kind_name(k), URL_S, to->path, to->media_type);
        else if (hyper && content && to->spine < 0 && k != REF_NCX && cls == URL_LOCAL)
            check_finding(
                c, DIAG_ERROR, "RSC-011", file, r->line,
                "the %s \"%s\" points to a document that is not in the spine; add it to the "
                "spine or remove the link",
                ref_kind_name(k), URL_S);
        if (k == REF_STYLESHEET && frag)
            check_finding(c, DIAG_ERROR, "RSC-013", file, r->line,
                          "a fragment identifier is used in a reference to a stylesheet: \"%s\"",
                          URL_S);
        if (frag && !content && str_starts_with(to->media_type, "image/"))
            check_finding(
                c, DIAG_WARNING, "RSC-009", file, r->line,
                "a non-SVG image resource should not be referenced with a fragment: \"%s\"", URL_S);
        if (k == REF_FONT && !check_mt_core_font(to->media_type))
            check_finding(c, DIAG_INFO, "CSS-007", file, r->line,
                          "the font \"%s\" is %s, not a core media type font", URL_S,
                          to->media_type);
        if (k == REF_MO_AUDIO && !check_mt_core_audio(to->media_type))
            check_finding(c, DIAG_ERROR, "MED-005", file, r->line,
                          "media overlay audio \"%s\" is %s, not a core media type audio (MP3, "
                          "MP4 AAC or Ogg Opus)",
                          URL_S, to->media_type);
        if (k == REF_MO_TEXT && !content)
            check_finding(c, DIAG_ERROR, "MED-016", file, r->line,
                          "media overlay text \"%s\" must point into an XHTML or SVG content "
                          "document",
                          URL_S);
        check_foreign(c, r, to->media_type, ti, group_ok, URL_S);
        if (r->type && (k == REF_EMBED || k == REF_OBJECT || (r->flags & REF_F_PICTURE_SOURCE) ||
                        k == REF_MEDIA)) {
            size_t tn = strcspn(r->type, "; ");
            if (strncasecmp(r->type, to->media_type, tn) != 0 ||
                (to->media_type[tn] && to->media_type[tn] != ';' && to->media_type[tn] != ' '))
                check_finding(c, DIAG_WARNING, "OPF-013", file, r->line,
                              "the type attribute \"%s\" of the %s \"%s\" differs from its "
                              "manifest media type \"%s\"",
                              r->type, ref_kind_name(k), URL_S, to->media_type);
        }
        unsigned long ord = 0;
        /* CSS url(#id) names paint servers and the like: a missing one is no error */
        if (frag && *frag && content && to->scanned && !c->records_capped &&
            !str_starts_with(frag, "epubcfi(") && k != REF_CSS && k != REF_FONT) {
            int svg_target = strcmp(to->media_type, MT_SVG) == 0;
            int scheme = strchr(frag, '(') != NULL;
            void *v = strmap_get(to->ids, frag);
            if (k == REF_MO_TEXT && scheme && !svg_target)
                check_finding(c, DIAG_WARNING, "MED-017", file, r->line,
                              "the media overlay text \"%s\" uses a scheme-based fragment; point "
                              "at an element id",
                              URL_S);
            else if (k == REF_MO_TEXT && svg_target && !v &&
                     !(str_starts_with(frag, "svgView(") || str_starts_with(frag, "viewBox(")))
                check_finding(c, DIAG_WARNING, "MED-018", file, r->line,
                              "the media overlay text \"%s\" points into an SVG document with a "
                              "fragment that is neither an id nor an SVG view",
                              URL_S);
            else if (!v && !(svg_target && scheme))
                check_finding(c, DIAG_ERROR, "RSC-012", file, r->line,
                              "fragment identifier \"%s\" is not defined in \"%s\"", URL_S,
                              to->path);
            else if (v && (hyper || k == REF_CITE) && ID_TYPE(v) != ID_GENERIC)
                check_finding(c, DIAG_ERROR, "RSC-014", file, r->line,
                              "the %s \"%s\" points at an SVG %s, which is not a link target",
                              ref_kind_name(k), URL_S,
                              ID_TYPE(v) == ID_SVG_SYMBOL ? "symbol"
                              : ID_TYPE(v) == ID_SVG_CLIP ? "clip path"
                                                          : "paint server (gradient or pattern)");
            ord = v ? ID_ORDINAL(v) : 0;
        }
        if (k == REF_LINK && frag && strcmp(to->media_type, MT_SVG) == 0 &&
            (str_starts_with(frag, "svgView(") || str_starts_with(frag, "viewBox(")) &&
            strcmp(from->media_type, MT_SVG) != 0)
            check_finding(c, DIAG_ERROR, "RSC-014", file, r->line,
                          "the link \"%s\" uses an SVG view fragment, which only SVG documents "
                          "may link to",
                          URL_S);
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
    if (cls == URL_REMOTE &&
        (k == REF_MEDIA || k == REF_FONT || k == REF_MO_AUDIO || k == REF_OBJECT ||
         k == REF_EMBED) &&
        (from->needs & PROP_REMOTE) && strncasecmp(r->url, "http:", 5) == 0)
        check_finding(c, DIAG_WARNING, "RSC-031", file, r->line,
                      "the remote resource \"%s\" should be fetched over https", URL_S);
    free(path);
    free(frag);
    free(mt_owned);
    free(url_s);
#undef URL_S
}

/* Is the media type of what r points at a core media type (for another source of the same
 * audio or video element)? Remote targets count by their manifest media type. */
static int ref_target_core(const check_ctx *c, const ref *r)
{
    char *path = NULL, *frag = NULL;
    int ok = 0;
    int cls = check_url_classify(c->items[r->item].path, r->url, &path, &frag);
    if (cls == URL_LOCAL) {
        long ti = check_item_by_path(c, path);
        ok = ti >= 0 && !mt_foreign(c->items[ti].media_type);
    } else if (cls == URL_REMOTE) {
        void *v = check_remote_item(c, r->url);
        ok = v && !mt_foreign(c->items[IDX_GET(v)].media_type);
    } else if (cls == URL_DATA) {
        char *mt = data_url_type(r->url);
        ok = !mt_foreign(mt);
        free(mt);
    }
    free(path);
    free(frag);
    return ok;
}

/* Check the references of `l` in order; the targets of toc and NCX links are listed in
 * toc_seq and ncx_seq. */
void check_content_refs(check_ctx *c, const ref_list *l, strbuf *toc_seq, strbuf *ncx_seq)
{
    nav_pos prev = {-1, 0};
    int toc_order_reported = 0;
    /* the sources of one audio or video element are consecutive: a group is fine when one of
     * them is a core media type */
    size_t g_start = 0;
    int g_ok = 0;
    for (size_t i = 0; i < l->n; i++) {
        const ref *r = &l->v[i];
        if (r->group && (i == 0 || l->v[i - 1].group != r->group)) {
            g_ok = 0;
            for (g_start = i; g_start < l->n && l->v[g_start].group == r->group; g_start++)
                if (l->v[g_start].kind == REF_MEDIA && ref_target_core(c, &l->v[g_start]))
                    g_ok = 1;
        }
        nav_pos pos;
        strbuf *seq = r->kind == REF_TOC ? toc_seq : r->kind == REF_NCX ? ncx_seq : NULL;
        check_ref(c, r, &pos, seq, r->group ? g_ok : 0);
        if (r->kind == REF_TOC && pos.spine >= 0) {
            if (!toc_order_reported &&
                (pos.spine < prev.spine ||
                 (pos.spine == prev.spine && pos.ordinal && pos.ordinal < prev.ordinal))) {
                char *u = check_shown(r->url, strlen(r->url));
                check_finding(
                    c, DIAG_WARNING, "NAV-011", c->items[r->item].path, r->line,
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
