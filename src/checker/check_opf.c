/* check_opf.c: META-INF/container.xml and the package document (metadata, manifest, spine),
 * then, once the content documents are scanned, manifest properties and unlisted files. */
#include "checker/check_internal.h"

#include "base/lang.h"

/*** container.xml ***/

/* Find the package document. Returns 0, or -1 when the book cannot be examined further. */
/* Entry `ei` (at `path`) read, parsed as a tree and its DOCTYPE checked; NULL when it cannot
 * be (findings say why). The caller frees the document. */
static xmlDocPtr opf_tree_load(check_ctx *c, long ei, const char *path)
{
    size_t len;
    unsigned char *buf = check_zip_entry_read(c, ei, CHECK_TREE_CAP, &len);
    xmlDocPtr doc = buf ? check_xml_parse(c, path, buf, len) : NULL;
    if (doc)
        check_xml_doctype_book(c, doc, path, 0, NULL);
    free(buf);
    return doc;
}

int check_opf_container(check_ctx *c)
{
    int ret = -1;
    xmlDocPtr doc = NULL;
    const char *cpath = "META-INF/container.xml";
    long ei = check_zip_entry_find(c, cpath);
    if (ei < 0) {
        check_finding(c, DIAG_FATAL, "RSC-002", cpath, 0,
                      "required META-INF/container.xml could not be found; every EPUB needs it to "
                      "name its package document");
        goto out;
    }
    doc = opf_tree_load(c, ei, cpath);
    if (!doc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!check_xml_is(root, NS_OCF, "container")) {
        check_finding(c, DIAG_ERROR, "RSC-005", cpath, root ? xmlGetLineNo(root) : 0,
                      "the root element must be <container "
                      "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">");
        goto out;
    }
    int found = 0;
    for (const xmlNode *rfs = check_xml_first_child(root); rfs && !found;
         rfs = check_xml_next(rfs)) {
        if (!check_xml_is(rfs, NS_OCF, "rootfiles"))
            continue;
        for (const xmlNode *rf = check_xml_first_child(rfs); rf; rf = check_xml_next(rf)) {
            if (!check_xml_is(rf, NS_OCF, "rootfile"))
                continue;
            char *mt = check_xml_attr(rf, "media-type", NULL);
            char *fp = check_xml_attr(rf, "full-path", NULL);
            int line = (int)xmlGetLineNo(rf);
            if (mt && strcmp(mt, "application/oebps-package+xml") == 0 && !found) {
                if (!fp) {
                    check_finding(c, DIAG_ERROR, "OPF-016", cpath, line,
                                  "the rootfile element has no full-path attribute; set it to the "
                                  "package document's path");
                } else if (!*fp) {
                    check_finding(c, DIAG_ERROR, "OPF-017", cpath, line,
                                  "the rootfile's full-path attribute is empty; set it to the "
                                  "package document's path");
                } else {
                    found = 1;
                    c->opf_path = fp[0] == '/' ? NULL : check_url_resolve(NULL, fp);
                    if (!c->opf_path || check_zip_entry_find(c, c->opf_path) < 0) {
                        char *s = check_shown(fp, strlen(fp));
                        check_finding(c, DIAG_FATAL, "OPF-002", cpath, line,
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
        check_finding(c, DIAG_ERROR, "RSC-003", cpath, 0,
                      "no rootfile with media-type \"application/oebps-package+xml\" was found in "
                      "container.xml");
        goto out;
    }
    if (c->opf_path)
        ret = 0;
out:
    if (doc)
        xmlFreeDoc(doc);
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
    char *uid_ref = check_xml_id_attr(pkg, "unique-identifier");
    int n_id = 0, n_title = 0, n_lang = 0, n_modified = 0, uid_found = 0;
    for (const xmlNode *m = check_xml_first_child(md); m; m = check_xml_next(m)) {
        int line = (int)xmlGetLineNo(m);
        if (m->ns && strcmp((const char *)m->ns->href, NS_DC) == 0) {
            char *text = check_xml_text(m);
            const char *nm = (const char *)m->name;
            /* epubcheck 4.2.6 (its package schema) wants at least one character, after
             * whitespace is collapsed, in every Dublin Core element */
            if (!*text && dc_element_known(nm))
                check_finding(c, DIAG_ERROR, "RSC-005", opf, line,
                              "dc:%s is empty; give it a value or remove the element%s", nm,
                              dc_empty_hint(nm));
            if (strcmp(nm, "identifier") == 0) {
                n_id++;
                char *id = check_xml_id_attr(m, "id");
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
                    char *s = check_shown(text, strlen(text));
                    check_finding(
                        c, DIAG_ERROR, "OPF-092", opf, line,
                        "dc:language \"%s\" is not a well-formed BCP 47 language tag (e.g. "
                        "\"en\", \"de-CH\")",
                        s);
                    free(s);
                }
            } else if (strcmp(nm, "date") == 0) {
                if (!w3cdtf_ok(text)) {
                    /* epubcheck warns about an empty date too, beside the RSC-005 above */
                    char *s = check_shown(text, strlen(text));
                    check_finding(c, DIAG_WARNING, "OPF-053", opf, line,
                                  "dc:date \"%s\" does not follow the W3C date syntax; use YYYY, "
                                  "YYYY-MM or YYYY-MM-DD",
                                  s);
                    free(s);
                }
            }
            free(text);
        } else if (check_xml_is(m, NS_OPF, "meta")) {
            char *prop = check_xml_attr(m, "property", NULL);
            char *refines = check_xml_attr(m, "refines", NULL);
            if (prop && strcmp(prop, "dcterms:modified") == 0 && !refines) {
                n_modified++;
                char *text = check_xml_text(m);
                if (!modified_syntax_ok(text)) {
                    char *s = check_shown(text, strlen(text));
                    check_finding(c, DIAG_ERROR, "RSC-005", opf, line,
                                  "dcterms:modified \"%s\" must have the form CCYY-MM-DDThh:mm:ssZ "
                                  "(UTC)",
                                  s);
                    free(s);
                }
                if (n_modified == 2)
                    check_finding(c, DIAG_ERROR, "RSC-005", opf, line,
                                  "dcterms:modified appears more than once; keep exactly one");
                free(text);
            }
            free(prop);
            free(refines);
        }
    }
    if (!uid_ref)
        check_finding(
            c, DIAG_ERROR, "OPF-048", opf, (int)xmlGetLineNo(pkg),
            "the package element has no unique-identifier attribute; point it at the id of "
            "a dc:identifier");
    else if (!uid_found) {
        char *s = check_shown(uid_ref, strlen(uid_ref));
        check_finding(c, DIAG_ERROR, "OPF-030", opf, (int)xmlGetLineNo(pkg),
                      "the unique-identifier \"%s\" was not found: no dc:identifier has id=\"%s\"",
                      s, s);
        free(s);
    }
    if (n_id == 0)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                      "the metadata has no dc:identifier; add one");
    if (n_title == 0)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                      "the metadata has no dc:title; add one");
    if (n_lang == 0)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
                      "the metadata has no dc:language; add one (a BCP 47 tag such as \"en\")");
    if (n_modified == 0 && !c->epub2)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(md),
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
        while (check_is_space((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !check_is_space((unsigned char)*p))
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
            char *w = check_shown(s, n);
            check_finding(c, DIAG_ERROR, "OPF-027", c->opf_path, it->line,
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
    for (const xmlNode *m = check_xml_first_child(manifest); m; m = check_xml_next(m))
        if (check_xml_is(m, NS_OPF, "item"))
            n++;
    c->items = xcalloc(n ? n : 1, sizeof *c->items);
    for (const xmlNode *m = check_xml_first_child(manifest); m; m = check_xml_next(m)) {
        if (!check_xml_is(m, NS_OPF, "item"))
            continue;
        mitem *it = &c->items[c->n_items];
        it->line = (int)xmlGetLineNo(m);
        it->id = check_xml_id_attr(m, "id");
        it->href = check_xml_attr(m, "href", NULL);
        it->media_type = check_xml_attr(m, "media-type", NULL);
        it->fallback = check_xml_id_attr(m, "fallback");
        it->entry = -1;
        it->spine = -1;
        it->ids = strmap_new();
        char *props = check_xml_attr(m, "properties", NULL);
        if (!it->id || !it->href || !it->media_type) {
            check_finding(c, DIAG_ERROR, "RSC-005", opf, it->line,
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
            char *s = check_shown(it->id, strlen(it->id));
            check_finding(c, DIAG_ERROR, "RSC-005", opf, it->line,
                          "duplicate ID \"%s\" in the package document", s);
            free(s);
        }
        char *path = NULL, *frag = NULL;
        int cls = check_url_classify(opf, it->href, &path, &frag);
        char *href_s = NULL; /* shown only when a finding needs it */
#define HREF_S check_shown_once(&href_s, it->href, strlen(it->href))
        if (cls == URL_REMOTE) {
            strmap_add(c->remote_items, it->href, IDX_PUT(idx));
            if (!media_remote_ok(it->media_type))
                check_finding(
                    c, DIAG_ERROR, "RSC-006", opf, it->line,
                    "remote resource \"%s\" is not allowed; only audio, video and fonts may "
                    "be remote: put the file in the EPUB",
                    HREF_S);
        } else if (cls == URL_OUTSIDE) {
            check_finding(c, DIAG_ERROR, "RSC-026", opf, it->line,
                          "manifest href \"%s\" points outside the EPUB container", HREF_S);
        } else if (cls != URL_LOCAL || frag) {
            check_finding(c, DIAG_ERROR, "RSC-020", opf, it->line,
                          "manifest href \"%s\" is not a valid URL to a file in the container",
                          HREF_S);
        } else {
            it->path = path;
            path = NULL;
            if (!strmap_add(c->item_by_path, it->path, IDX_PUT(idx)))
                check_finding(c, DIAG_ERROR, "OPF-074", opf, it->line,
                              "package resource \"%s\" is declared in several manifest items; keep "
                              "one",
                              HREF_S);
            it->entry = check_zip_entry_find(c, it->path);
            if (it->entry < 0)
                check_finding(c, DIAG_ERROR, "RSC-001", opf, it->line,
                              "file \"%s\" listed in the manifest could not be found in the EPUB",
                              it->path);
            else
                c->ent[it->entry].listed = 1;
            if (str_starts_with(it->path, "META-INF/"))
                check_finding(c, DIAG_ERROR, "PKG-025", opf, it->line,
                              "publication resource \"%s\" must not be located in META-INF",
                              it->path);
            if (strcmp(it->path, opf) == 0)
                check_finding(c, DIAG_ERROR, "OPF-099", opf, it->line,
                              "the manifest must not list the package document itself");
        }
        free(href_s);
#undef HREF_S
        free(path);
        free(frag);
        if (strcmp(it->media_type, "text/html") == 0)
            check_finding(c, DIAG_WARNING, "OPF-035", opf, it->line,
                          "media type \"text/html\" is not appropriate for XHTML; use "
                          "\"application/xhtml+xml\"");
        if ((it->props & PROP_NAV) && strcmp(it->media_type, MT_XHTML) != 0)
            check_finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                          "item property \"nav\" is not defined for media type \"%s\"",
                          it->media_type);
        if ((it->props & PROP_COVER) && !str_starts_with(it->media_type, "image/"))
            check_finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                          "item property \"cover-image\" is not defined for media type \"%s\"",
                          it->media_type);
        if ((it->props & (PROP_SVG | PROP_SCRIPTED | PROP_MATHML | PROP_REMOTE | PROP_SWITCH)) &&
            !check_is_content_type(it->media_type))
            check_finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                          "item properties svg, scripted, mathml, remote-resources and switch are "
                          "defined only for XHTML and SVG documents, not \"%s\"",
                          it->media_type);
        if (it->entry >= 0 && str_starts_with(it->media_type, "image/")) {
            unsigned char head[16];
            size_t hn = check_zip_entry_head(c, it->entry, head, sizeof head);
            if (hn > 0 && !media_type_sniff_ok(it->media_type, head, hn))
                check_finding(c, DIAG_ERROR, "OPF-029", opf, it->line,
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
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                      "no manifest item has properties=\"nav\"; an EPUB 3 book needs exactly one "
                      "navigation document");
    if (n_nav > 1)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                      "%d manifest items have properties=\"nav\"; exactly one is allowed", n_nav);
    if (n_cover > 1)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(manifest),
                      "%d manifest items have properties=\"cover-image\"; at most one is allowed",
                      n_cover);
    /* fallbacks */
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        if (!it->fallback)
            continue;
        if (!strmap_has(c->item_by_id, it->fallback)) {
            check_finding(c, DIAG_ERROR, "OPF-040", opf, it->line,
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
            check_finding(c, DIAG_ERROR, "OPF-045", opf, it->line,
                          "circular reference in the fallback chain of item \"%s\"", it->id);
    }
}

/* Does the fallback chain of item i reach an XHTML or SVG document? */
static int fallback_reaches_content(const check_ctx *c, size_t i)
{
    long cur = (long)i;
    for (size_t steps = 0; cur >= 0 && steps <= c->n_items; steps++) {
        if (check_is_content_type(c->items[cur].media_type))
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
    char *toc = check_xml_id_attr(spine, "toc");
    if (toc) {
        void *v = strmap_get(c->item_by_id, toc);
        if (!v)
            check_finding(
                c, DIAG_ERROR, "OPF-049", opf, (int)xmlGetLineNo(spine),
                "the spine's toc attribute names item \"%s\", which is not in the manifest", toc);
        else if (strcmp(c->items[IDX_GET(v)].media_type, MT_NCX) != 0)
            check_finding(c, DIAG_ERROR, "OPF-050", opf, (int)xmlGetLineNo(spine),
                          "the spine's toc attribute must name the NCX (media type "
                          "\"application/x-dtbncx+xml\")");
        else
            c->ncx_item = IDX_GET(v);
    } else if (c->epub2) {
        check_finding(c, DIAG_ERROR, "NCX-002", opf, (int)xmlGetLineNo(spine),
                      "the spine has no toc attribute; an EPUB 2 book needs an NCX");
    }
    free(toc);
    for (const xmlNode *r = check_xml_first_child(spine); r; r = check_xml_next(r)) {
        if (!check_xml_is(r, NS_OPF, "itemref"))
            continue;
        any = 1;
        int line = (int)xmlGetLineNo(r);
        char *idref = check_xml_id_attr(r, "idref");
        char *lin = check_xml_attr(r, "linear", NULL);
        void *v = idref ? strmap_get(c->item_by_id, idref) : NULL;
        if (!idref) {
            check_finding(c, DIAG_ERROR, "RSC-005", opf, line,
                          "an itemref lacks its idref attribute");
        } else if (!v) {
            char *s = check_shown(idref, strlen(idref));
            check_finding(c, DIAG_ERROR, "OPF-049", opf, line,
                          "spine item \"%s\" was not found in the manifest", s);
            free(s);
        } else {
            mitem *it = &c->items[IDX_GET(v)];
            if (it->spine >= 0) {
                check_finding(c, DIAG_ERROR, "OPF-034", opf, line,
                              "the spine contains multiple references to the manifest item \"%s\"",
                              it->id);
            } else {
                it->spine = pos++;
                if (!(lin && strcmp(lin, "no") == 0))
                    linear++;
                if (!check_is_content_type(it->media_type) &&
                    !fallback_reaches_content(c, (size_t)IDX_GET(v)))
                    check_finding(c, DIAG_ERROR, "OPF-043", opf, line,
                                  "spine item \"%s\" has the non-content media type \"%s\" and no "
                                  "fallback to an XHTML or SVG document",
                                  it->id, it->media_type);
            }
        }
        free(idref);
        free(lin);
    }
    if (!any)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(spine),
                      "the spine is empty; list the reading order with itemref elements");
    else if (linear == 0)
        check_finding(c, DIAG_ERROR, "OPF-033", opf, (int)xmlGetLineNo(spine),
                      "the spine contains no linear resources; at least one itemref must not be "
                      "linear=\"no\"");
}

/* Returns 0, or -1 when the package document cannot be used. */
int check_opf_package(check_ctx *c)
{
    int ret = -1;
    xmlDocPtr doc = NULL;
    const char *opf = c->opf_path;
    doc = opf_tree_load(c, check_zip_entry_find(c, opf), opf);
    if (!doc)
        goto out;
    xmlNodePtr pkg = xmlDocGetRootElement(doc);
    if (!check_xml_is(pkg, NS_OPF, "package")) {
        check_finding(c, DIAG_ERROR, "RSC-005", opf, pkg ? (int)xmlGetLineNo(pkg) : 0,
                      "the root element must be <package xmlns=\"http://www.idpf.org/2007/opf\">");
        goto out;
    }
    char *version = check_xml_attr(pkg, "version", NULL);
    if (!version)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                      "the package element has no version attribute; use version=\"3.0\"");
    else if (version[0] == '2')
        c->epub2 = 1;
    free(version);
    char *lang = check_xml_attr(pkg, "lang", NS_XML);
    if (lang && *lang && !lang_tag_valid(lang))
        check_finding(c, DIAG_ERROR, "OPF-092", opf, (int)xmlGetLineNo(pkg),
                      "xml:lang \"%s\" is not a well-formed BCP 47 language tag", lang);
    free(lang);
    const xmlNode *md = NULL, *manifest = NULL, *spine = NULL;
    for (const xmlNode *k = check_xml_first_child(pkg); k; k = check_xml_next(k)) {
        if (check_xml_is(k, NS_OPF, "metadata") && !md)
            md = k;
        else if (check_xml_is(k, NS_OPF, "manifest") && !manifest)
            manifest = k;
        else if (check_xml_is(k, NS_OPF, "spine") && !spine)
            spine = k;
    }
    if (!md)
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                      "the package document has no metadata element");
    else
        check_metadata(c, pkg, md);
    if (!manifest) {
        check_finding(c, DIAG_ERROR, "RSC-005", opf, (int)xmlGetLineNo(pkg),
                      "the package document has no manifest element");
        goto out;
    }
    check_manifest(c, manifest);
    if (!spine) {
        check_finding(c, DIAG_FATAL, "OPF-019", opf, (int)xmlGetLineNo(pkg),
                      "the package document has no spine element");
        goto out;
    }
    check_spine(c, spine);
    ret = 0;
out:
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

/*** Properties and unlisted files ***/

void check_opf_properties(check_ctx *c)
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
                check_finding(
                    c, DIAG_ERROR, "OPF-014", it->path, 0,
                    "the property \"%s\" should be declared on this document's manifest item "
                    "(properties=\"%s\")",
                    props[k].name, props[k].name);
            else if (!(it->needs & bit) && (it->props & bit)) {
                if (bit == PROP_REMOTE)
                    check_finding(c, DIAG_WARNING, "OPF-018", it->path, 0,
                                  "the \"remote-resources\" property is declared, but the document "
                                  "references no remote resources; remove it");
                else if (bit != PROP_SWITCH)
                    check_finding(
                        c, DIAG_ERROR, "OPF-015", it->path, 0,
                        "the property \"%s\" is declared on this document's manifest item, "
                        "but the document does not need it; remove it",
                        props[k].name);
            }
        }
    }
}

void check_opf_unlisted(check_ctx *c)
{
    for (size_t i = 0; i < c->n_ent; i++) {
        zentry *e = &c->ent[i];
        if (e->is_dir || e->listed || e->reported || strcmp(e->name, "mimetype") == 0 ||
            str_starts_with(e->name, "META-INF/") ||
            (c->opf_path && check_zip_entry_find(c, c->opf_path) == (long)i))
            continue;
        char *s = check_shown(e->name, strlen(e->name));
        check_finding(
            c, DIAG_WARNING, "OPF-003", e->name, 0,
            "item \"%s\" exists in the EPUB, but is not declared in the package manifest; "
            "list it or remove it",
            s);
        free(s);
    }
}
