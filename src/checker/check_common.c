/* check_common.c: what every stage of the checker uses: findings (to the book, or to the
 * job of a worker thread), untrusted text shown in messages, references, URLs inside the
 * container, and hostile-safe XML parsing helpers. */
#include "checker/check_internal.h"

#include <ctype.h>
#include <uninorm.h>
#include <unistr.h>

#include "base/text.h"

/*** Reference lists ***/

/* Append a reference to url[0..n) (copied) to `l`. */
ref *check_ref_list_add(ref_list *l, size_t item, int line, int kind, const char *url, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    ref *r = &l->v[l->n++];
    r->item = item;
    r->line = line;
    r->kind = (unsigned short)kind;
    r->flags = 0;
    r->group = 0;
    r->url = xstrndup(url, n);
    r->type = NULL;
    return r;
}

void check_ref_list_trim(ref_list *l)
{
    if (l->cap > l->n && l->n > 0) {
        l->v = xrealloc(l->v, l->n * sizeof *l->v);
        l->cap = l->n;
    }
}

void check_ref_list_release(ref_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].type);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/*** Findings ***/

_Thread_local item_job *check_tl_job;

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

void check_job_finding(item_job *j, diag_severity sev, const char *id, const char *file, int line,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    job_vfinding(j, sev, id, file, line, fmt, ap);
    va_end(ap);
}

void check_finding(check_ctx *c, diag_severity sev, const char *id, const char *file, int line,
                   const char *fmt, ...)
{
    va_list ap;
    char *msg;
    if (check_tl_job) {
        va_start(ap, fmt);
        job_vfinding(check_tl_job, sev, id, file, line, fmt, ap);
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
char *check_shown(const char *s, size_t len)
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

/* check_shown(s, len), made once into *cache on first use (the caller frees *cache). A function,
 * so that two uses in one call's arguments are sequenced. */
const char *check_shown_once(char **cache, const char *s, size_t len)
{
    if (!*cache)
        *cache = check_shown(s, len);
    return *cache;
}

/* Does the whitespace-separated list `list` contain `word`? */
int check_list_has(const char *list, const char *word)
{
    size_t wl = strlen(word);
    const char *p = list;
    while (p && *p) {
        while (check_is_space((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !check_is_space((unsigned char)*p))
            p++;
        if ((size_t)(p - s) == wl && memcmp(s, word, wl) == 0)
            return 1;
    }
    return 0;
}

/*** URLs inside the container ***/

/* Does s hold a byte outside ASCII? */
static int has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

char *check_nfc(const char *s)
{
    size_t n = 0, len;
    if (!has_non_ascii(s))
        return xstrdup(s);
    len = strlen(s);
    if (u8_check((const uint8_t *)s, len))
        return xstrdup(s);
    uint8_t *out = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
    if (!out)
        return xstrdup(s);
    char *r = xstrndup((const char *)out, n);
    free(out);
    return r;
}


/* Percent-decode s[0..n) into a new string; NULL when an escape is malformed or decodes to
 * NUL. The caller frees it. */
char *check_url_decode(const char *s, size_t n)
{
    if (!memchr(s, '%', n)) {
        if (memchr(s, '\0', n))
            return NULL;
        return xstrndup(s, n);
    }
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 1 < n ? text_hex_value((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? text_hex_value((unsigned char)s[i + 2]) : -1;
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

static char *url_resolve(const char *base, const char *rel, int clamp);

char *check_url_resolve(const char *base, const char *rel)
{
    return url_resolve(base, rel, 0);
}

char *check_url_resolve_clamped(const char *base, const char *url)
{
    size_t n = strcspn(url, "?#");
    char *dec = check_url_decode(url, n);
    if (!dec)
        return NULL;
    const char *rel = dec;
    if (*rel == '/') {
        while (*rel == '/')
            rel++;
        base = NULL;
    }
    char *out = url_resolve(base, rel, 1);
    free(dec);
    return out;
}

static char *url_resolve(const char *base, const char *rel, int clamp)
{
    if (path_plain(rel) && (!base || path_plain(base))) {
        /* the common case: the base's folder and rel, joined */
        const char *sl = base ? strrchr(base, '/') : NULL;
        size_t dl = sl ? (size_t)(sl - base) + 1 : 0, rl = strlen(rel);
        char *out = xmalloc(dl + rl + 1);
        if (dl)
            memcpy(out, base, dl);
        memcpy(out + dl, rel, rl + 1);
        if (has_non_ascii(out)) {
            char *n = check_nfc(out);
            free(out);
            out = n;
        }
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
            if (depth == 0 && clamp)
                continue;
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
    ret = check_nfc(out.data);
out:
    strbuf_release(&out);
    strbuf_release(&joined);
    free(starts);
    return ret;
}

/* The length of the scheme url starts with (RFC 3986: a letter, then letters, digits, "+", "-"
 * or ".", then ":"), not counting the colon; 0 when it has none. */
static size_t url_scheme_len(const char *url, size_t n)
{
    size_t i = 0;
    if (n == 0 || !((url[0] | 0x20) >= 'a' && (url[0] | 0x20) <= 'z'))
        return 0;
    while (i < n && (((url[i] | 0x20) >= 'a' && (url[i] | 0x20) <= 'z') ||
                     (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
                     url[i] == '.'))
        i++;
    return i < n && url[i] == ':' ? i : 0;
}

/* Is the n-byte scheme s the lowercase `name`, in any case? */
static int scheme_is(const char *s, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (!name[k] || (s[k] | 0x20) != name[k])
            return 0;
    return name[n] == '\0';
}

int check_url_foreign(const char *url, size_t n)
{
    size_t i = url_scheme_len(url, n);
    return i && !scheme_is(url, i, "data") && !scheme_is(url, i, "file") && !memchr(url, '\\', n);
}

/* Classify `url` found in the document at `base`. For URL_LOCAL and URL_FRAGMENT, *path (new
 * string, the target container path; for URL_FRAGMENT the base itself) and *frag (new string,
 * decoded fragment, or NULL when there is none) are set; the caller frees both. */
int check_url_classify(const char *base, const char *url, char **path, char **frag)
{
    *path = NULL;
    *frag = NULL;
    while (check_is_space((unsigned char)*url))
        url++;
    size_t n = strlen(url);
    while (n && check_is_space((unsigned char)url[n - 1]))
        n--;
    if (n == 0)
        return URL_EMPTY;
    if (memchr(url, '\\', n))
        return URL_INVALID;
    size_t i = url_scheme_len(url, n);
    if (i) {
        if (scheme_is(url, i, "http") || scheme_is(url, i, "https"))
            return URL_REMOTE;
        if (scheme_is(url, i, "data"))
            return URL_DATA;
        if (scheme_is(url, i, "file"))
            return URL_FILE;
        return URL_OTHER;
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
        *frag = check_url_decode(hash + 1, n - (size_t)(hash + 1 - url));
        if (!*frag)
            return URL_INVALID;
    }
    if (end == 0) {
        if (!hash) /* "?query" only: the same document */
            return URL_EMPTY;
        *path = xstrdup(base);
        return URL_FRAGMENT;
    }
    char *dec = check_url_decode(url, end);
    if (!dec) {
        free(*frag);
        *frag = NULL;
        return URL_INVALID;
    }
    *path = check_url_resolve(base, dec);
    free(dec);
    if (!*path) {
        free(*frag);
        *frag = NULL;
        return URL_OUTSIDE;
    }
    return URL_LOCAL;
}

/*** XML parsing (hostile input) ***/

void check_xml_err_keep(xml_err *e, const xmlError *err)
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
        check_xml_err_keep(p->_private, err);
}

void check_xml_reader_error(void *arg, xmlErrorPtr err)
{
    check_xml_err_keep(arg, err);
}

void check_xml_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

xmlParserInputPtr check_xml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* The external identifiers EPUB 3.3 allows (appendix "Allowed external identifiers"), each
 * only in a document of its media type. */
static const struct {
    const char *media_type, *pub, *sys;
} allowed_ids[] = {
    {MT_SVG, "-//W3C//DTD SVG 1.1//EN", "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"},
    {"application/mathml+xml", "-//W3C//DTD MathML 3.0//EN",
     "http://www.w3.org/Math/DTD/mathml3/mathml3.dtd"},
    {MT_NCX, "-//NISO//DTD ncx 2005-1//EN", "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd"},
};

/* Report DOCTYPE external identifiers and external entity declarations of `doc`, a document of
 * media type `media_type` (NULL: a package or container document). Findings go to `job` when it
 * is not NULL (worker threads), else to the book. */
void check_xml_doctype(xmlDocPtr doc, const char *path, const char *media_type, item_job *job,
                       check_ctx *c)
{
    xmlDtdPtr dtd = doc ? doc->intSubset : NULL;
    if (!dtd)
        return;
    if (dtd->ExternalID || dtd->SystemID) {
        const char *pub = dtd->ExternalID ? (const char *)dtd->ExternalID : "";
        const char *sys = dtd->SystemID ? (const char *)dtd->SystemID : "";
        int ok = 0;
        for (size_t i = 0; i < sizeof allowed_ids / sizeof *allowed_ids && media_type; i++)
            if (strcmp(media_type, allowed_ids[i].media_type) == 0 &&
                strcmp(pub, allowed_ids[i].pub) == 0 && strcmp(sys, allowed_ids[i].sys) == 0)
                ok = 1;
        char *pub_s = check_shown(pub, strlen(pub)), *sys_s = check_shown(sys, strlen(sys));
        if (!ok && media_type && strcmp(media_type, MT_XHTML) == 0)
            ENTRY_FINDING(c, job, DIAG_ERROR, "HTM-004", path,
                          "irregular DOCTYPE: found \"%s\" \"%s\"; an EPUB 3 XHTML document "
                          "uses <!DOCTYPE html> without identifiers",
                          pub_s, sys_s);
        else if (!ok)
            ENTRY_FINDING(c, job, DIAG_ERROR, "OPF-073", path,
                          "the document type declaration has external identifiers (\"%s\" "
                          "\"%s\") that EPUB does not allow in this document; remove them",
                          pub_s, sys_s);
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
            char *nm = check_shown((const char *)ent->name, strlen((const char *)ent->name));
            char *sys_s = check_shown(sys, strlen(sys));
            ENTRY_FINDING(c, job, DIAG_ERROR, "HTM-003", path,
                          "external entities are not allowed in EPUB documents: entity \"%s\" "
                          "refers to \"%s\" (it was not loaded)",
                          nm, sys_s);
            free(nm);
            free(sys_s);
        }
    }
}

void check_xml_doctype_book(check_ctx *c, xmlDocPtr doc, const char *path, const char *media_type)
{
    check_xml_doctype(doc, path, media_type, NULL, c);
}

/* Parse a small XML document into a tree. Returns the tree (the caller frees it with
 * xmlFreeDoc) or NULL with an RSC-016 finding. */
/* The number of bytes entity `name` of doc expands to (nested references followed, each
 * entity's size computed once into `memo`), saturating at (size_t)-1. */
static size_t entity_expanded(xmlDocPtr doc, const char *name, strmap *memo, int depth)
{
    void *v = strmap_get(memo, name);
    if (v)
        return (size_t)(uintptr_t)v - 1;
    xmlEntityPtr ent = doc ? xmlGetDocEntity(doc, (const xmlChar *)name) : NULL;
    size_t total = 0;
    if (ent && ent->content && depth < 40 &&
        (ent->etype == XML_INTERNAL_GENERAL_ENTITY || ent->etype == XML_INTERNAL_PREDEFINED_ENTITY)) {
        strmap_put(memo, name, (void *)(uintptr_t)1); /* a cycle counts as empty */
        const char *p = (const char *)ent->content;
        while (*p) {
            const char *amp = strchr(p, '&');
            const char *semi = amp ? strchr(amp, ';') : NULL;
            if (!amp || !semi) {
                total += strlen(p);
                break;
            }
            total += (size_t)(amp - p);
            if (amp[1] == '#') {
                total += 4;
            } else {
                char *sub = xstrndup(amp + 1, (size_t)(semi - amp - 1));
                size_t n = entity_expanded(doc, sub, memo, depth + 1);
                free(sub);
                total = n > (size_t)-1 - total ? (size_t)-1 : total + n;
            }
            p = semi + 1;
        }
    }
    if (total > (size_t)UINTPTR_MAX - 2)
        total = (size_t)UINTPTR_MAX - 2;
    strmap_put(memo, name, (void *)(uintptr_t)(total + 1));
    return total;
}

size_t check_xml_entity_size(xmlDocPtr doc, const char *name, strmap *memo)
{
    return entity_expanded(doc, name, memo, 0);
}

/* The bytes the entity references of the tree under n expand to, saturating; stops early past
 * `cap`. */
static size_t tree_entity_bytes(xmlDocPtr doc, const xmlNode *n, strmap *memo, size_t cap)
{
    size_t total = 0;
    const xmlNode *k = n;
    while (k && total <= cap) {
        if (k->type == XML_ENTITY_REF_NODE) {
            size_t e = entity_expanded(doc, (const char *)k->name, memo, 0);
            total = e > cap ? cap + 1 : total + e;
        } else if (k->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = k->properties; a && total <= cap; a = a->next)
                total += tree_entity_bytes(doc, a->children, memo, cap - total);
            if (k->children) {
                k = k->children;
                continue;
            }
        }
        /* next in document order, without recursion */
        while (k && !k->next && k != n)
            k = k->parent;
        if (!k || k == n)
            break;
        k = k->next;
    }
    return total;
}

xmlDocPtr check_xml_parse(check_ctx *c, const char *path, const unsigned char *buf, size_t len)
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
        check_finding(c, DIAG_FATAL, "RSC-016", path, e.have ? e.line : 0,
                      "the document is not well-formed XML: %s", e.have ? e.msg : "parse error");
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    if (doc) {
        /* entities kept unexpanded in the tree may stand for gigabytes of text (quadratic
         * expansion): such a document is refused, not read as empty */
        strmap *memo = strmap_new();
        xmlNodePtr root = xmlDocGetRootElement(doc);
        size_t bytes = root ? tree_entity_bytes(doc, root, memo, CHECK_TREE_CAP) : 0;
        strmap_free(memo);
        if (bytes > CHECK_TREE_CAP) {
            check_finding(c, DIAG_FATAL, CHECK_ID_TOO_LARGE, path, 0,
                          "the document's entity references expand to more than %zu MiB of text "
                          "(an entity expansion attack, or a document no reader can open); it "
                          "was not checked: write the text without entities",
                          CHECK_TREE_CAP >> 20);
            xmlFreeDoc(doc);
            doc = NULL;
        }
    }
    xmlFreeParserCtxt(p);
    return doc;
}

int check_xml_is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* An attribute value without entity expansion (the caller frees it), or NULL. */
char *check_xml_attr(const xmlNode *n, const char *name, const char *ns)
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

char *check_xml_id_attr(const xmlNode *n, const char *name)
{
    char *v = check_xml_attr(n, name, NULL);
    return v ? str_trim(v) : NULL;
}

/* The text of an element, never expanding entity references, bounded. Caller frees it. */
static void node_text_add(const xmlNode *n, strbuf *b, int depth)
{
    for (const xmlNode *k = n->children; k && b->len < 4096; k = k->next) {
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content)
            strbuf_adds(b, (const char *)k->content);
        else if (k->type == XML_ELEMENT_NODE && depth < 64)
            node_text_add(k, b, depth + 1);
        else if (k->type == XML_ENTITY_REF_NODE && k->doc) {
            /* the entity's text, not expanded further: enough to tell empty from not */
            xmlEntityPtr ent = xmlGetDocEntity(k->doc, k->name);
            if (ent && ent->content)
                strbuf_add(b, (const char *)ent->content,
                           strnlen((const char *)ent->content, 4096 - b->len));
        }
    }
}

char *check_xml_text(const xmlNode *n)
{
    strbuf b = STRBUF_INIT;
    node_text_add(n, &b, 0);
    if (!b.data)
        strbuf_adds(&b, "");
    char *s = strbuf_detach(&b, NULL);
    str_trim(s);
    return s;
}

const xmlNode *check_xml_first_child(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->children : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

const xmlNode *check_xml_next(const xmlNode *n)
{
    for (const xmlNode *k = n ? n->next : NULL; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

/*** References ***/

void check_ref_add(check_ctx *c, size_t item, int line, int kind, const char *url)
{
    const char *bad = check_url_invalid(url, strlen(url));
    if (bad) {
        char *sh = check_shown(url, strlen(url));
        check_finding(c, DIAG_ERROR, "RSC-020", c->items[item].path, line,
                      "\"%s\" is not a valid URL: %s", sh, bad);
        free(sh);
        return;
    }
    if (check_tl_job->refs.n < CHECK_MAX_RECORDS)
        check_ref_list_add(&check_tl_job->refs, item, line, kind, url, strlen(url));
}

long check_item_by_path(const check_ctx *c, const char *path)
{
    void *v = strmap_get(c->item_by_path, path);
    return v ? IDX_GET(v) : -1;
}

void *check_remote_item(const check_ctx *c, const char *url)
{
    void *v = strmap_get(c->remote_items, url);
    const char *hash = strchr(url, '#');
    if (!v && hash) {
        char *base = xstrndup(url, (size_t)(hash - url));
        v = strmap_get(c->remote_items, base);
        free(base);
    }
    return v;
}

const char *check_url_invalid(const char *url, size_t n)
{
    while (n && check_is_space((unsigned char)*url))
        url++, n--;
    while (n && check_is_space((unsigned char)url[n - 1]))
        n--;
    size_t scheme = url_scheme_len(url, n);
    int data = scheme && scheme_is(url, scheme, "data");
    int hashes = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)url[i];
        if (check_is_space(ch)) {
            if (!data)
                return "it contains white space (write %20)";
        } else if (ch < 0x20 || ch == 0x7f) {
            return "it contains a control character";
        } else if (ch == '<' || ch == '>' || ch == '"' || ch == '`') {
            return "it contains a character URLs do not allow (< > \" `)";
        } else if (ch == '%' && !data) {
            if (i + 2 >= n || !isxdigit((unsigned char)url[i + 1]) ||
                !isxdigit((unsigned char)url[i + 2]))
                return "a '%' is not followed by two hexadecimal digits (write %25)";
        } else if (ch == '#' && ++hashes > 1) {
            return "it has a second '#' (write %23 in the fragment)";
        }
    }
    /* the host of a hierarchical URL is ASCII (an internationalised name goes in its IDNA form) */
    if (scheme && scheme + 2 < n && url[scheme + 1] == '/' && url[scheme + 2] == '/') {
        for (size_t i = scheme + 3; i < n && url[i] != '/' && url[i] != '?' && url[i] != '#'; i++)
            if ((unsigned char)url[i] >= 0x80)
                return "its host name is not ASCII (write it in its IDNA form, xn--...)";
    }
    return NULL;
}

int check_fallback_reaches(const check_ctx *c, long i, int (*want)(const char *mt), int from_self)
{
    long cur = i;
    for (size_t steps = 0; cur >= 0 && steps <= c->n_items; steps++) {
        if ((steps || from_self) && want(c->items[cur].media_type))
            return 1;
        if (!c->items[cur].fallback)
            return 0;
        void *v = strmap_get(c->item_by_id, c->items[cur].fallback);
        cur = v ? IDX_GET(v) : -1;
    }
    return 0;
}
