/* check_content.c: content documents (XHTML and SVG, scanned with SAX callbacks on worker
 * threads: well-formedness, namespaces, ids, references, needed properties), stylesheets
 * (url() and @import), and the resolution of every reference against the virtual container. */
#include "checker/check_internal.h"

#include <limits.h>

#include <libxml/parserInternals.h>

#include "base/lang.h"

/*** Content documents (SAX, on worker threads) ***/

/* Equal to a literal; the first byte rules most names out without a call. */
#define STREQ(s, lit) ((s)[0] == (lit)[0] && strcmp((s), (lit)) == 0)

/* Namespaces check_content_scan tells apart. */
enum { NSK_NONE, NSK_XHTML, NSK_SVG, NSK_MATHML, NSK_EPUB, NSK_XML, NSK_XLINK, NSK_OTHER };

/* Per-document state of check_content_scan. Only the item's own fields (ids, needs, scanned) and
 * the job are written: documents are scanned in parallel. */
typedef struct scan_state {
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
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                              "the root element is \"%s\" in namespace \"%s\"; an XHTML content "
                              "document has <html xmlns=\"http://www.w3.org/1999/xhtml\">",
                              name, ns ? ns : "");
        else if (!st->is_xhtml_doc && !(svg && STREQ(name, "svg")))
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
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
                char *sh = check_shown(vs, vlen);
                check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
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
            check_css_scan(job, it->path, st->item_index, vs, vlen, line, CSS_STYLE_ATTR);
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
            check_ref_list_add(&job->refs, st->item_index, line, REF_LINK, vs, vlen);
            pending_link = (long)job->refs.n - 1;
        } else if (kind >= 0 && !(kind == REF_LINK && check_url_foreign(vs, vlen))) {
            check_ref_list_add(&job->refs, st->item_index, line, kind, vs, vlen);
        }
    }
    if (pending_link >= 0)
        job->refs.v[pending_link].kind =
            rel && check_list_has(rel, "stylesheet") ? REF_STYLESHEET : REF_LINK;
    if (is_script && !script_is_data_block(script_type))
        it->needs |= PROP_SCRIPTED;
    if (xhtml && STREQ(name, "style") && !st->style_depth) {
        st->style_depth = depth + 1;
        st->style.len = 0;
        st->style_line = 0;
    }
    if (xml_lang && *xml_lang && !lang_tag_valid(xml_lang)) {
        char *sh = check_shown(xml_lang, strlen(xml_lang));
        check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                          "xml:lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. \"en\", "
                          "\"pt-BR\")",
                          sh);
        free(sh);
    }
    if (lang && *lang && !lang_tag_valid(lang)) {
        char *sh = check_shown(lang, strlen(lang));
        check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, line,
                          "lang=\"%s\" is not a well-formed BCP 47 language tag (e.g. \"en\", "
                          "\"pt-BR\")",
                          sh);
        free(sh);
    }
    if (lang && xml_lang && str_casecmp_ascii(lang, xml_lang) != 0) {
        char *l1 = check_shown(lang, strlen(lang)), *l2 = check_shown(xml_lang, strlen(xml_lang));
        check_job_finding(
            job, DIAG_ERROR, "HTM-017", it->path, line,
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
            check_css_scan(st->job, st->it->path, st->item_index, st->style.data, st->style.len,
                           st->style_line, CSS_STYLE_ELEMENT);
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
        check_xml_err_keep(&st->err, err);
}

/* Parse one XHTML or SVG content document with SAX callbacks (no tree is built; memory stays
 * bounded whatever the size): ids, references, needed properties, well-formedness, DOCTYPE.
 * The DOCTYPE and entity declarations are kept by libxml2's own SAX2 handlers in a document
 * without elements, and examined afterwards. Runs on a worker thread. */
void check_content_scan(const check_ctx *c, item_job *job, const unsigned char *buf, size_t len)
{
    mitem *it = &c->items[job->item];
    scan_state st;
    memset(&st, 0, sizeof st);
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
        check_job_finding(job, DIAG_FATAL, "RSC-016", it->path, 0,
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
        check_job_finding(job, DIAG_FATAL, "RSC-016", it->path, st.err.have ? st.err.line : 0,
                          "the document is not well-formed XML: %s",
                          st.err.have ? st.err.msg : "parse error");
    } else {
        it->scanned = 1;
        if (!st.root_seen)
            check_job_finding(job, DIAG_ERROR, "RSC-005", it->path, 0,
                              "the document has no root element");
    }
    if (doc)
        check_xml_doctype(doc, it->path, st.is_xhtml_doc,
                          strcmp(it->media_type, MT_SVG) == 0 ? "-//W3C//DTD SVG 1.1//EN" : NULL,
                          job, NULL);
    xmlFreeParserCtxt(p);
    if (doc)
        xmlFreeDoc(doc);
    strbuf_release(&st.style);
    free(st.val);
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
#define URL_S check_shown_once(&url_s, r->url, strlen(r->url))
    int hyper = r->kind == REF_LINK || r->kind == REF_TOC || r->kind == REF_NCX;
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
            ref_kind_name(r->kind), URL_S);
        break;
    case URL_FILE:
        check_finding(c, DIAG_ERROR, "RSC-030", file, r->line,
                      "file URLs are not allowed in EPUB: \"%s\"", URL_S);
        break;
    case URL_DATA:
        if (hyper)
            check_finding(c, DIAG_ERROR, "RSC-029", file, r->line,
                          "data URLs are not allowed as %s targets", ref_kind_name(r->kind));
        break;
    case URL_REMOTE:
        if (r->kind == REF_TOC)
            check_finding(c, DIAG_ERROR, "NAV-010", file, r->line,
                          "\"toc\" nav must not link to remote resources; found link to \"%s\"",
                          URL_S);
        else if (r->kind == REF_MEDIA || r->kind == REF_FONT) {
            from->needs |= PROP_REMOTE;
            if (!strmap_has(c->remote_items, r->url))
                check_finding(
                    c, DIAG_ERROR, "RSC-008", file, r->line,
                    "remote resource \"%s\" is not declared in the package manifest; list "
                    "it there (with its media type)",
                    URL_S);
        } else if (!hyper) {
            from->needs |= PROP_REMOTE;
            check_finding(
                c, DIAG_ERROR, "RSC-006", file, r->line,
                "remote resource reference \"%s\" is not allowed; put the file in the EPUB "
                "(only audio, video and fonts may be remote)",
                URL_S);
        }
        break;
    case URL_FRAGMENT:
    case URL_LOCAL: {
        long ti = check_item_by_path(c, path);
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
            break;
        }
        mitem *to = &c->items[ti];
        int content = check_is_content_type(to->media_type);
        if (hyper && content && to->spine < 0 && r->kind != REF_NCX && cls == URL_LOCAL) {
            check_finding(
                c, DIAG_ERROR, "RSC-011", file, r->line,
                "the %s \"%s\" points to a document that is not in the spine; add it to the "
                "spine or remove the link",
                ref_kind_name(r->kind), URL_S);
        }
        if (r->kind == REF_STYLESHEET && frag)
            check_finding(c, DIAG_ERROR, "RSC-013", file, r->line,
                          "a fragment identifier is used in a reference to a stylesheet: \"%s\"",
                          URL_S);
        if (frag && !content && str_starts_with(to->media_type, "image/"))
            check_finding(
                c, DIAG_WARNING, "RSC-009", file, r->line,
                "a non-SVG image resource should not be referenced with a fragment: \"%s\"", URL_S);
        unsigned long ord = 0;
        if (frag && *frag && content && to->scanned && !c->records_capped &&
            !str_starts_with(frag, "epubcfi(")) {
            void *v = strmap_get(to->ids, frag);
            if (!v && !(strcmp(to->media_type, MT_SVG) == 0 && strchr(frag, '(')))
                check_finding(c, DIAG_ERROR, "RSC-012", file, r->line,
                              "fragment identifier \"%s\" is not defined in \"%s\"", URL_S,
                              to->path);
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
void check_content_refs(check_ctx *c, const ref_list *l, strbuf *toc_seq, strbuf *ncx_seq)
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
