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
        check_xml_doctype_book(c, doc, path, NULL);
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
    int found = 0, n_rootfiles = 0;
    /* the OCF schema: container holds rootfiles, then optionally links */
    for (const xmlNode *k = check_xml_first_child(root); k; k = check_xml_next(k)) {
        if (check_xml_is(k, NS_OCF, "rootfiles") && n_rootfiles++ == 0)
            continue;
        if (check_xml_is(k, NS_OCF, "links") && n_rootfiles)
            continue;
        check_finding(c, DIAG_ERROR, "RSC-005", cpath, (int)xmlGetLineNo(k),
                      "element \"%s\" is not allowed here: container.xml holds one rootfiles "
                      "element, then optionally links",
                      (const char *)k->name);
    }
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

/* The prefixes reserved by EPUB 3.3 (usable without a declaration). */
static int prefix_reserved(const char *p, size_t n)
{
    static const char *const reserved[] = {"a11y", "dcterms", "marc", "media", "onix",
                                           "rendition", "schema", "xsd", "msv", "prism"};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strlen(reserved[i]) == n && memcmp(reserved[i], p, n) == 0)
            return 1;
    return 0;
}

/* The prefixes the package's prefix attribute declares ("p: uri p2: uri2"). */
static void prefixes_parse(check_ctx *c, const char *attr)
{
    const char *p = attr;
    while (*p) {
        while (check_is_space((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && *p != ':' && !check_is_space((unsigned char)*p))
            p++;
        if (*p != ':' || p == s) {
            while (*p && !check_is_space((unsigned char)*p))
                p++;
            continue;
        }
        char *name = xstrndup(s, (size_t)(p - s));
        strmap_add(c->prefixes, name, NULL);
        free(name);
        p++;
        while (check_is_space((unsigned char)*p))
            p++;
        while (*p && !check_is_space((unsigned char)*p))
            p++; /* the URI */
    }
}

/* A property value (meta property, item or itemref property, link rel) with a prefix must use
 * a reserved or declared prefix (OPF-028). Returns 1 when it has a known prefix, 0 when it has
 * none, -1 when the prefix is undeclared (reported). */
static int prefix_check(check_ctx *c, const char *value, int line, const char *what)
{
    const char *colon = strchr(value, ':');
    if (!colon)
        return 0;
    size_t n = (size_t)(colon - value);
    if (prefix_reserved(value, n))
        return 1;
    char *pre = xstrndup(value, n);
    int ok = strmap_has(c->prefixes, pre);
    if (!ok) {
        char *s = check_shown(value, strlen(value));
        check_finding(c, DIAG_ERROR, "OPF-028", c->opf_path, line,
                      "the %s \"%s\" uses the prefix \"%s\", which the package does not declare; "
                      "declare it in the package's prefix attribute",
                      what, s, pre);
        free(s);
    }
    free(pre);
    return ok ? 1 : -1;
}

/* A metadata link: a local resource needs its media type (OPF-093) and must exist (RSC-007). */
static void opf_metadata_link(check_ctx *c, const xmlNode *m, int line)
{
    char *href = check_xml_attr(m, "href", NULL);
    char *mt = check_xml_attr(m, "media-type", NULL);
    char *rel = check_xml_attr(m, "rel", NULL);
    char *path = NULL, *frag = NULL;
    if (rel) {
        const char *p = rel;
        while (*p) {
            while (check_is_space((unsigned char)*p))
                p++;
            const char *s = p;
            while (*p && !check_is_space((unsigned char)*p))
                p++;
            if (p > s) {
                char *w = xstrndup(s, (size_t)(p - s));
                prefix_check(c, w, line, "link rel");
                free(w);
            }
        }
    }
    if (href && check_url_classify(c->opf_path, href, &path, &frag) == URL_LOCAL) {
        if (!mt)
            check_finding(c, DIAG_ERROR, "OPF-093", c->opf_path, line,
                          "the link to the local resource \"%s\" has no media-type attribute; "
                          "give its media type",
                          path);
        if (check_zip_entry_find(c, path) < 0)
            check_finding(c, DIAG_WARNING, "RSC-007w", c->opf_path, line,
                          "the linked resource \"%s\" could not be found in the EPUB", path);
        else {
            long ei = check_zip_entry_find(c, path);
            c->ent[ei].listed = 1; /* a linked record is not a manifest item */
        }
    }
    free(path);
    free(frag);
    free(href);
    free(mt);
    free(rel);
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
                if (w3cdtf_ok(text) && (text[0] == '0' || strncmp(text, "0000", 4) == 0)) {
                    /* the syntax allows it; reading systems and epubcheck read years from 1000 */
                    char *s = check_shown(text, strlen(text));
                    check_finding(c, DIAG_WARNING, "OPF-053", opf, line,
                                  "dc:date \"%s\" has a year before 1000; check the date (a year "
                                  "has four digits, 1000 to 9999)",
                                  s);
                    free(s);
                } else if (!w3cdtf_ok(text)) {
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
        } else if (check_xml_is(m, NS_OPF, "link")) {
            opf_metadata_link(c, m, line);
        } else if (check_xml_is(m, NS_OPF, "meta")) {
            char *prop = check_xml_attr(m, "property", NULL);
            char *refines = check_xml_attr(m, "refines", NULL);
            if (prop)
                prefix_check(c, prop, line, "meta property");
            if (prop && !refines && (strcmp(prop, "rendition:layout") == 0 ||
                                     strcmp(prop, "media:active-class") == 0 ||
                                     strcmp(prop, "media:playback-active-class") == 0)) {
                char *text = check_xml_text(m);
                if (prop[0] == 'r')
                    c->fxl = strcmp(text, "pre-paginated") == 0;
                else if (strcmp(prop, "media:active-class") == 0 && !c->mo_active_class)
                    c->mo_active_class = xstrdup(text);
                else if (strcmp(prop, "media:playback-active-class") == 0 && !c->mo_playback_class)
                    c->mo_playback_class = xstrdup(text);
                free(text);
            }
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
                 {"switch", PROP_SWITCH},
                 /* from EPUB specifications besides the core (indexes, dictionaries,
                  * region-based navigation, XMP): known, nothing to check */
                 {"data-nav", 0},
                 {"dictionary", 0},
                 {"glossary", 0},
                 {"index", 0},
                 {"search-key-map", 0},
                 {"xmp", 0}};
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
        if (hit)
            continue;
        char *w = xstrndup(s, n);
        /* a declared vocabulary's properties are the book's business; the reserved prefixes
         * define no manifest item property */
        int pre = prefix_check(c, w, it->line, "manifest item property");
        if (pre == 0 || (pre == 1 && prefix_reserved(w, (size_t)(strchr(w, ':') - w)))) {
            char *sh = check_shown(w, n);
            check_finding(c, DIAG_ERROR, "OPF-027", c->opf_path, it->line,
                          "undefined manifest item property \"%s\"%s", sh,
                          pre ? " (that vocabulary defines no manifest item property)" : "");
            free(sh);
        }
        free(w);
    }
    return bits;
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
        it->media_overlay = check_xml_id_attr(m, "media-overlay");
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
        free(it->media_overlay);
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
            /* whether it may be remote depends on how it is used: checked at each reference */
            strmap_add(c->remote_items, it->href, IDX_PUT(idx));
        } else if (cls == URL_OUTSIDE) {
            check_finding(c, DIAG_ERROR, "RSC-026", opf, it->line,
                          "manifest href \"%s\" points outside the EPUB container", HREF_S);
            /* a URL parser keeps it inside (".." stops at the root, "/" is the root): that file
             * is the item, so it is not reported again as unlisted */
            char *clamped = check_url_resolve_clamped(opf, it->href);
            long ei = clamped ? check_zip_entry_find(c, clamped) : -1;
            if (ei >= 0 && !strmap_has(c->item_by_path, clamped)) {
                it->path = clamped;
                clamped = NULL;
                strmap_add(c->item_by_path, it->path, IDX_PUT(idx));
                it->entry = ei;
                c->ent[ei].listed = 1;
            }
            free(clamped);
        } else if (cls == URL_FILE) {
            check_finding(c, DIAG_ERROR, "RSC-030", opf, it->line,
                          "file URLs are not allowed in EPUB: manifest href \"%s\"", HREF_S);
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
        if ((it->props & (PROP_SVG | PROP_SCRIPTED | PROP_MATHML | PROP_SWITCH)) &&
            !check_is_content_type(it->media_type))
            check_finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                          "item properties svg, scripted, mathml and switch are defined only "
                          "for XHTML and SVG documents, not \"%s\"",
                          it->media_type);
        if ((it->props & PROP_REMOTE) && !check_is_content_type(it->media_type) &&
            strcmp(it->media_type, MT_CSS) != 0 && strcmp(it->media_type, MT_SMIL) != 0)
            check_finding(c, DIAG_ERROR, "OPF-012", opf, it->line,
                          "item property remote-resources is defined only for XHTML and SVG "
                          "documents, style sheets and media overlays, not \"%s\"",
                          it->media_type);
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
        char *rprops = check_xml_attr(r, "properties", NULL);
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
                it->fxl = c->fxl;
                if (rprops && check_list_has(rprops, "rendition:layout-pre-paginated"))
                    it->fxl = 1;
                else if (rprops && check_list_has(rprops, "rendition:layout-reflowable"))
                    it->fxl = 0;
                if (!(lin && strcmp(lin, "no") == 0)) {
                    linear++;
                    it->linear = 1;
                }
                if (!it->path && strmap_has(c->remote_items, it->href))
                    check_finding(c, DIAG_ERROR, "RSC-006", opf, line,
                                  "the spine item \"%s\" is remote (\"%s\"); every document of "
                                  "the reading order must be in the EPUB",
                                  it->id, it->href);
                if (!check_is_content_type(it->media_type) &&
                    !check_fallback_reaches(c, IDX_GET(v), check_is_content_type, 1))
                    check_finding(c, DIAG_ERROR, "OPF-043", opf, line,
                                  "spine item \"%s\" has the non-content media type \"%s\" and no "
                                  "fallback to an XHTML or SVG document",
                                  it->id, it->media_type);
            }
        }
        free(idref);
        free(lin);
        free(rprops);
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
    char *prefix = check_xml_attr(pkg, "prefix", NULL);
    if (prefix)
        prefixes_parse(c, prefix);
    free(prefix);
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
        int sheet_or_mo = !check_is_content_type(it->media_type);
        for (size_t k = 0; k < sizeof props / sizeof *props; k++) {
            unsigned bit = props[k].bit;
            if (sheet_or_mo && bit != PROP_REMOTE)
                continue; /* defined for content documents only (OPF-012 when declared) */
            if (bit == PROP_SVG && strcmp(it->media_type, MT_XHTML) != 0)
                continue;
            if ((it->needs & bit) && !(it->props & bit))
                check_finding(
                    c, DIAG_ERROR, "OPF-014", it->path, 0,
                    "the property \"%s\" should be declared on this document's manifest item "
                    "(properties=\"%s\")",
                    props[k].name, props[k].name);
            else if (!(it->needs & bit) && (it->props & bit)) {
                /* (remote references reported as not allowed do not make it unneeded) */
                if (bit == PROP_REMOTE) {
                    if (!(it->needs & PROP_REMOTE_SEEN))
                        check_finding(c, DIAG_WARNING, "OPF-018", it->path, 0,
                                      "the \"remote-resources\" property is declared, but the "
                                      "document references no remote resources; remove it");
                } else if (bit != PROP_SWITCH)
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

/*** Media overlays and what needs every document ***/

void check_mo_text_target(check_ctx *c, size_t mo, size_t target)
{
    mitem *m = &c->items[mo], *t = &c->items[target];
    if (!c->mo_users) {
        c->mo_users = xmalloc((c->n_items ? c->n_items : 1) * sizeof *c->mo_users);
        for (size_t i = 0; i < c->n_items; i++)
            c->mo_users[i] = -1;
    }
    long first = c->mo_users[target];
    if (first == (long)mo)
        return; /* one finding per pair */
    if (first < 0)
        c->mo_users[target] = (long)mo;
    if (first >= 0) {
        check_finding(c, DIAG_ERROR, "MED-011", m->path, 0,
                      "the document \"%s\" is referenced by the media overlays \"%s\" and "
                      "\"%s\"; a document has one media overlay",
                      t->path, c->items[first].path, m->path);
        return;
    }
    if (!t->media_overlay)
        check_finding(c, DIAG_ERROR, "MED-010", m->path, 0,
                      "the media overlay points into \"%s\", whose manifest item has no "
                      "media-overlay attribute; add media-overlay=\"%s\" to it",
                      t->path, m->id);
    else if (strcmp(t->media_overlay, m->id) != 0)
        check_finding(c, DIAG_ERROR, "MED-012", m->path, 0,
                      "the media overlay points into \"%s\", whose manifest item names another "
                      "media overlay (\"%s\")",
                      t->path, t->media_overlay);
}

/* Is `cls` a class selector of some style sheet of the book? */
static int css_class_defined(const check_ctx *c, const char *cls)
{
    return strmap_has(c->css_classes, cls);
}

void check_opf_after_scan(check_ctx *c)
{
    const char *opf = c->opf_path;
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        if (it->spine >= 0 && !it->linear && !it->reached && (long)i != c->nav_item &&
            check_is_content_type(it->media_type))
            check_finding(c, DIAG_ERROR, "OPF-096", opf, it->line,
                          "the non-linear spine item \"%s\" is not reachable: no hyperlink of "
                          "the book or the navigation document points to it",
                          it->path ? it->path : it->href);
        /* a remote image, style sheet or document is allowed only as a font */
        if (!it->path && strmap_has(c->remote_items, it->href) && !it->remote_ok &&
            !it->remote_reported && it->spine < 0 &&
            (str_starts_with(it->media_type, "image/") || strcmp(it->media_type, MT_CSS) == 0 ||
             check_is_content_type(it->media_type) ||
             strstr(it->media_type, "javascript") || strcmp(it->media_type, MT_SMIL) == 0))
            check_finding(c, DIAG_ERROR, "RSC-006", opf, it->line,
                          "the manifest item \"%s\" is remote (\"%s\"); only audio, video and "
                          "fonts may be remote: put the file in the EPUB",
                          it->id, it->href);
        if (it->media_overlay) {
            void *v = strmap_get(c->item_by_id, it->media_overlay);
            long mo = v ? IDX_GET(v) : -1;
            if (mo < 0 || strcmp(c->items[mo].media_type, MT_SMIL) != 0)
                check_finding(c, DIAG_ERROR, "MED-013", opf, it->line,
                              "the media-overlay attribute of item \"%s\" names \"%s\", which "
                              "is not a media overlay document of the manifest",
                              it->id, it->media_overlay);
            else if (c->items[mo].scanned &&
                     !(c->mo_users && c->mo_users[i] >= 0))
                check_finding(c, DIAG_ERROR, "MED-013", c->items[mo].path, 0,
                              "the media overlay \"%s\" never points into \"%s\", the "
                              "document that names it in its media-overlay attribute",
                              c->items[mo].path, it->path ? it->path : it->href);
        }
    }
    const char *classes[2] = {c->mo_active_class, c->mo_playback_class};
    const char *props[2] = {"media:active-class", "media:playback-active-class"};
    for (int k = 0; k < 2; k++)
        if (classes[k] && *classes[k] && !css_class_defined(c, classes[k]))
            check_finding(c, DIAG_ERROR, "CSS-030", opf, 0,
                          "the package declares the %s \"%s\", but no style sheet of the book "
                          "has a .%s class selector; define its style",
                          props[k], classes[k], classes[k]);
}

/*** META-INF/encryption.xml and signatures.xml ***/

#define NS_ENC "http://www.w3.org/2001/04/xmlenc#"
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_COMPRESSION "http://www.idpf.org/2016/encryption#compression"
#define ALGO_OBFUSCATION "http://www.idpf.org/2008/embedding"

/* Ids (Id attributes, any namespace-less "Id" or "id") must be unique in the document. */
static void ocf_ids(check_ctx *c, const char *path, const xmlNode *n, strmap *ids, int depth)
{
    if (depth > 64)
        return;
    for (const xmlNode *k = check_xml_first_child(n); k; k = check_xml_next(k)) {
        char *id = check_xml_id_attr(k, "Id");
        if (!id)
            id = check_xml_id_attr(k, "id");
        if (id && !strmap_add(ids, id, NULL)) {
            char *sh = check_shown(id, strlen(id));
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(k),
                          "duplicate ID \"%s\"; ids must be unique in %s", sh, path);
            free(sh);
        }
        free(id);
        ocf_ids(c, path, k, ids, depth + 1);
    }
}

/* An EncryptedData element: its cipher reference, method and compression properties. */
static void ocf_encrypted_data(check_ctx *c, const char *path, const xmlNode *ed)
{
    char *algo = NULL, *uri = NULL;
    int line = (int)xmlGetLineNo(ed), n_cipher = 0;
    for (const xmlNode *k = check_xml_first_child(ed); k; k = check_xml_next(k)) {
        if (check_xml_is(k, NS_ENC, "EncryptionMethod") && !algo) {
            algo = check_xml_attr(k, "Algorithm", NULL);
        } else if (check_xml_is(k, NS_ENC, "CipherData")) {
            n_cipher++;
            const xmlNode *cd = check_xml_first_child(k);
            if (check_xml_is(cd, NS_ENC, "CipherReference") && !uri)
                uri = check_xml_attr(cd, "URI", NULL);
            else if (!check_xml_is(cd, NS_ENC, "CipherValue"))
                check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(k),
                              "a CipherData element holds one CipherValue or CipherReference");
        } else if (check_xml_is(k, NS_ENC, "EncryptionProperties")) {
            for (const xmlNode *ep = check_xml_first_child(k); ep; ep = check_xml_next(ep))
                for (const xmlNode *cp = check_xml_first_child(ep); cp; cp = check_xml_next(cp)) {
                    if (!check_xml_is(cp, NS_COMPRESSION, "Compression"))
                        continue;
                    char *method = check_xml_attr(cp, "Method", NULL);
                    char *orig = check_xml_attr(cp, "OriginalLength", NULL);
                    int cl = (int)xmlGetLineNo(cp);
                    if (!method || (strcmp(method, "0") != 0 && strcmp(method, "8") != 0))
                        check_finding(c, DIAG_ERROR, "RSC-005", path, cl,
                                      "the Compression Method must be \"0\" (stored) or \"8\" "
                                      "(deflate), not \"%s\"",
                                      method ? method : "");
                    int digits = orig && *orig;
                    for (const char *q = orig; digits && *q; q++)
                        if (*q < '0' || *q > '9')
                            digits = 0;
                    if (!digits)
                        check_finding(c, DIAG_ERROR, "RSC-005", path, cl,
                                      "the Compression OriginalLength must be the resource's "
                                      "size in bytes (a non-negative integer), not \"%s\"",
                                      orig ? orig : "");
                    free(method);
                    free(orig);
                }
        } else if (!check_xml_is(k, NS_DS, "KeyInfo")) {
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(k),
                          "element \"%s\" is not allowed in EncryptedData",
                          (const char *)k->name);
        }
    }
    if (n_cipher != 1)
        check_finding(c, DIAG_ERROR, "RSC-005", path, line,
                      "an EncryptedData element holds exactly one CipherData element");
    if (uri) {
        /* the URI is relative to the container's root */
        char *target = NULL, *frag = NULL;
        int cls = check_url_classify(NULL, uri, &target, &frag);
        long ei = cls == URL_LOCAL ? check_zip_entry_find(c, target) : -1;
        if (cls == URL_LOCAL && ei < 0)
            check_finding(c, DIAG_ERROR, "RSC-007", path, line,
                          "the encrypted resource \"%s\" could not be found in the EPUB", target);
        if (ei >= 0) {
            c->ent[ei].encrypted = 1; /* its bytes are not what its media type says */
            c->ent[ei].reported = 1;
        }
        if (algo && strcmp(algo, ALGO_OBFUSCATION) == 0 && ei >= 0) {
            long ti = check_item_by_path(c, target);
            const char *mt = ti >= 0 ? c->items[ti].media_type : "not in the manifest";
            if (ti < 0 || !check_mt_core_font(mt))
                check_finding(c, DIAG_ERROR, "PKG-026", path, line,
                              "font obfuscation is applied to \"%s\" (%s), which is not a core "
                              "media type font; obfuscate only OpenType, TrueType and WOFF fonts",
                              target, mt);
        }
        free(target);
        free(frag);
    }
    free(algo);
    free(uri);
}

void check_opf_ocf_files(check_ctx *c)
{
    static const char *const files[] = {"META-INF/encryption.xml", "META-INF/signatures.xml"};
    for (int f = 0; f < 2; f++) {
        long ei = check_zip_entry_find(c, files[f]);
        if (ei < 0)
            continue;
        xmlDocPtr doc = opf_tree_load(c, ei, files[f]);
        if (!doc)
            continue;
        xmlNodePtr root = xmlDocGetRootElement(doc);
        const char *want = f == 0 ? "encryption" : "signatures";
        if (!check_xml_is(root, NS_OCF, want)) {
            check_finding(c, DIAG_ERROR, "RSC-005", files[f], root ? (int)xmlGetLineNo(root) : 0,
                          "the root element must be <%s "
                          "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">, not \"%s\"",
                          want, root ? (const char *)root->name : "");
        } else {
            strmap *ids = strmap_new();
            ocf_ids(c, files[f], root, ids, 0);
            strmap_free(ids);
            for (const xmlNode *k = check_xml_first_child(root); k; k = check_xml_next(k)) {
                if (f == 0 && check_xml_is(k, NS_ENC, "EncryptedData"))
                    ocf_encrypted_data(c, files[f], k);
                else if (!(f == 0 && check_xml_is(k, NS_ENC, "EncryptedKey")) &&
                         !check_xml_is(k, NS_DS, "Signature"))
                    check_finding(c, DIAG_ERROR, "RSC-005", files[f], (int)xmlGetLineNo(k),
                                  "element \"%s\" is not allowed in %s", (const char *)k->name,
                                  want);
            }
        }
        xmlFreeDoc(doc);
    }
}
