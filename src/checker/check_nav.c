/* check_nav.c: the navigation document (walked as a tree: toc, lists, links) and the NCX
 * (read with an xmlTextReader), and the NCX navMap against the toc. */
#include "checker/check_internal.h"

#include <limits.h>

#include <libxml/xmlreader.h>

/*** Navigation document and NCX ***/

static int has_epub_type(const xmlNode *n, const char *type)
{
    char *t = check_xml_attr(n, "type", NS_EPUB);
    int ok = t && check_list_has(t, type);
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
    for (const xmlNode *li = check_xml_first_child(ol); li; li = check_xml_next(li)) {
        if (!check_xml_is(li, NS_XHTML, "li")) {
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(li),
                          "element \"%s\" is not allowed in a nav list; only li",
                          (const char *)li->name);
            continue;
        }
        n_li++;
        const xmlNode *label = check_xml_first_child(li);
        const xmlNode *sub = check_xml_next(label);
        int is_a = check_xml_is(label, NS_XHTML, "a"),
            is_span = check_xml_is(label, NS_XHTML, "span");
        if (!is_a && !is_span) {
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(li),
                          "a nav list item must start with an a or span element");
            continue;
        }
        char *text = check_xml_text(label);
        if (!*text) {
            char *title = check_xml_attr(label, "title", NULL);
            if (!title || !*title)
                check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(label),
                              "a nav link or heading has no text; give every entry a label");
            free(title);
        }
        free(text);
        if (sub && !check_xml_is(sub, NS_XHTML, "ol"))
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(sub),
                          "element \"%s\" is not allowed after a nav link; only an ol sublist",
                          (const char *)sub->name);
        else if (!sub && is_span)
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(label),
                          "a nav span heading must be followed by an ol sublist");
        if (sub && check_xml_next(sub))
            check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(check_xml_next(sub)),
                          "a nav list item holds one label and at most one ol");
        if (sub && check_xml_is(sub, NS_XHTML, "ol"))
            nav_check_ol(c, sub, in_toc, depth + 1);
    }
    if (n_li == 0)
        check_finding(c, DIAG_ERROR, "RSC-005", path, (int)xmlGetLineNo(ol),
                      "a nav list (ol) must contain at least one li");
}

static void nav_collect_links(check_ctx *c, const xmlNode *n, int kind, int depth)
{
    if (depth > 256)
        return;
    for (const xmlNode *k = n->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (check_xml_is(k, NS_XHTML, "a") || check_xml_is(k, NS_XHTML, "area")) {
            char *href = check_xml_attr(k, "href", NULL);
            if (href)
                check_ref_add(c, (size_t)c->nav_item, (int)xmlGetLineNo(k), kind, href);
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
        if (check_xml_is(k, NS_XHTML, "nav")) {
            int toc = has_epub_type(k, "toc");
            if (toc) {
                (*n_toc)++;
                const xmlNode *first = check_xml_first_child(k);
                const char *fn = first ? (const char *)first->name : "";
                if (first && first->ns && strcmp((const char *)first->ns->href, NS_XHTML) == 0 &&
                    fn[0] == 'h' && fn[1] >= '1' && fn[1] <= '6' && !fn[2])
                    first = check_xml_next(first);
                if (!check_xml_is(first, NS_XHTML, "ol"))
                    check_finding(
                        c, DIAG_ERROR, "RSC-005", c->items[c->nav_item].path, (int)xmlGetLineNo(k),
                        "the toc nav must contain an ol list (after an optional heading)");
                else
                    nav_check_ol(c, first, 1, 0);
            }
            nav_collect_links(c, k, toc && *n_toc == 1 ? REF_TOC : REF_LINK, depth + 1);
            continue;
        }
        if (check_xml_is(k, NS_XHTML, "a") || check_xml_is(k, NS_XHTML, "area")) {
            char *href = check_xml_attr(k, "href", NULL);
            if (href)
                check_ref_add(c, (size_t)c->nav_item, (int)xmlGetLineNo(k), REF_LINK, href);
            free(href);
        }
        nav_walk(c, k, n_toc, depth + 1);
    }
}

/* The navigation document's structure and links, from its bytes (once its scan found it
 * well-formed). Runs on a worker thread, in the nav document's job. */
void check_nav_doc(check_ctx *c, const unsigned char *buf, size_t len)
{
    mitem *it = &c->items[c->nav_item];
    xmlDocPtr doc = NULL;
    if (len > CHECK_TREE_CAP) {
        check_finding(c, DIAG_ERROR, CHECK_ID_TOO_LARGE, c->ent[it->entry].name, 0,
                      "the entry is %zu bytes, more than the %zu MiB sheaf checks in one file; it "
                      "was not checked",
                      len, CHECK_TREE_CAP >> 20);
        goto out;
    }
    doc = check_xml_parse(c, it->path, buf, len);
    if (!doc)
        goto out;
    int n_toc = 0;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        nav_walk(c, root, &n_toc, 0);
    if (n_toc == 0)
        check_finding(c, DIAG_ERROR, "RSC-005", it->path, 0,
                      "the navigation document has no nav element with epub:type=\"toc\"; add the "
                      "table of contents");
    else if (n_toc > 1)
        check_finding(c, DIAG_ERROR, "RSC-005", it->path, 0,
                      "the navigation document has %d toc nav elements; exactly one is allowed",
                      n_toc);
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
        char *s = check_shown(v, strlen(v));
        check_finding(c, DIAG_ERROR, "NCX-001", path, line,
                      "NCX identifier \"%s\" does not match the package's unique identifier \"%s\"",
                      s, u);
        free(s);
    }
    free(t);
    free(u);
}

static void ncx_point_close(check_ctx *c, const char *path, ncx_point *p)
{
    if (!p->has_label)
        check_finding(c, DIAG_INFO, "NCX-006", path, p->line, "empty text label in the NCX");
}

/* Stream the NCX (memory stays bounded): root, dtb:uid, navPoint ids, labels and targets. */
/* Stream the NCX from its bytes. Runs on a worker thread, in the NCX's job. */
void check_nav_ncx(check_ctx *c, const unsigned char *buf, size_t len)
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
    xmlTextReaderSetStructuredErrorHandler(r, check_xml_reader_error, &e);
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
                    check_finding(c, DIAG_ERROR, "RSC-005", it->path, line,
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
                    char *sid = check_shown(id, strlen(id));
                    check_finding(c, DIAG_ERROR, "RSC-005", it->path, line,
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
                    check_ref_add(c, (size_t)c->ncx_item, line, REF_NCX, src);
                else
                    check_finding(c, DIAG_ERROR, "RSC-005", it->path, line,
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
                if (!check_is_space((unsigned char)*v)) {
                    stack[top - 1].has_label = 1;
                    break;
                }
        }
    }
    if (ret < 0 || e.have) {
        check_finding(c, DIAG_FATAL, "RSC-016", it->path, e.have ? e.line : 0,
                      "the document is not well-formed XML: %s", e.have ? e.msg : "parse error");
    } else {
        xmlDocPtr doc = xmlTextReaderCurrentDoc(r);
        check_xml_doctype_book(c, doc, it->path, MT_NCX);
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

void check_nav_vs_ncx(check_ctx *c, const strbuf *toc_seq, const strbuf *ncx_seq)
{
    if (c->ncx_item >= 0 && c->nav_item >= 0 && ncx_seq->data && toc_seq->data &&
        strcmp(ncx_seq->data, toc_seq->data) != 0)
        check_finding(
            c, DIAG_WARNING, CHECK_ID_NCX_NAV, c->items[c->ncx_item].path, 0,
            "the NCX navMap and the navigation document's toc list different targets (or in "
            "a different order); reading systems using the NCX will show another table of "
            "contents");
}
