/* package.c: title page, cover page, nav, NCX, package document and container.xml. */
#include "writers/package.h"

#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "writers/template.h"
#include "base/util.h"

#define OPF_NS "http://www.idpf.org/2007/opf"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define NCX_NS "http://www.daisy.org/z3986/2005/ncx/"

void book_pkg_init(book_pkg *b, const build_options *o)
{
    memset(b, 0, sizeof *b);
    b->opts = o;
    meta_init(&b->meta);
    b->images_all_alt = 1;
}

void book_pkg_free(book_pkg *b)
{
    meta_free(&b->meta);
    free(b->identifier);
    free(b->modified);
    strlist_clear(&b->languages);
    for (size_t i = 0; i < b->n_items; i++) {
        free(b->items[i].href);
        free(b->items[i].id);
        free(b->items[i].properties);
        if (b->items[i].owned)
            free((void *)b->items[i].data);
    }
    free(b->items);
    for (size_t i = 0; i < b->n_toc; i++) {
        free(b->toc[i].label);
        free(b->toc[i].byline);
        free(b->toc[i].href);
    }
    free(b->toc);
    free(b->cover_page_href);
    free(b->cover_image_href);
    free(b->cover_page_image_href);
    free(b->titlepage_href);
    free(b->nav_href);
    free(b->first_body_href);
    free(b->summary);
}

manifest_item *book_pkg_add(book_pkg *b, const char *href, const char *id, const char *media_type,
                            const char *properties, const unsigned char *data, size_t len,
                            int owned, int spine)
{
    if (b->n_items == b->cap_items) {
        b->cap_items = b->cap_items ? b->cap_items * 2 : 64;
        b->items = xrealloc(b->items, b->cap_items * sizeof *b->items);
    }
    manifest_item *it = &b->items[b->n_items++];
    memset(it, 0, sizeof *it);
    it->href = xstrdup(href);
    it->id = xstrdup(id);
    it->media_type = media_type;
    it->properties = properties && *properties ? xstrdup(properties) : NULL;
    it->data = data;
    it->len = len;
    it->owned = owned;
    it->spine = spine;
    /* Text compresses well; images are compressed already. */
    it->compress =
        strncmp(media_type, "image/", 6) != 0 || strcmp(media_type, "image/svg+xml") == 0;
    return it;
}

void book_pkg_toc_add(book_pkg *b, const char *label, const char *byline, const char *href,
                      int depth)
{
    if (b->n_toc == b->cap_toc) {
        b->cap_toc = b->cap_toc ? b->cap_toc * 2 : 64;
        b->toc = xrealloc(b->toc, b->cap_toc * sizeof *b->toc);
    }
    toc_entry *e = &b->toc[b->n_toc++];
    e->label = xstrdup(label && *label ? label : "Untitled");
    e->byline = byline ? xstrdup(byline) : NULL;
    e->href = xstrdup(href);
    e->depth = depth;
}

static void attr_set(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNsPtr epub_ns_get(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr ns = xmlSearchNsByHref(doc, root, (const xmlChar *)EPUB_OPS_NS);
    if (!ns)
        ns = xmlNewNs(root, (const xmlChar *)EPUB_OPS_NS, (const xmlChar *)"epub");
    return ns;
}

/* Fill doc's template slots with `values`, free the holders (they keep whatever a user template
 * had no slot for) and serialise doc. The caller frees the result. */
static unsigned char *page_finish(xmlDocPtr doc, const template_value *values, size_t nvalues,
                                  const xmlNodePtr *holders, size_t nholders, size_t *len)
{
    template_apply(doc, values, nvalues);
    for (size_t i = 0; i < nholders; i++)
        xmlFreeNode(holders[i]);
    return xml_serialize(doc, len);
}

/* The long lists of a big book (the nav's toc and the NCX navMap: an entry per document; the
 * manifest and spine: an item per file; tens of thousands of each) are not built as one tree:
 * the page is serialised with a placeholder processing instruction where each list goes, and
 * the list is written there one entry at a time, each built as a small subtree in its place in
 * the document (so that libxml2 writes it in the same namespace context), serialised and freed.
 * The bytes are the same as those of the whole tree. */
#define STREAM_PI "sheaf-list-here"

/* Build entry *i (and what nests under it) as the last child of `parent`, advancing *i; NULL
 * when entry *i has nothing to show in this list. */
typedef xmlNodePtr (*entry_build_fn)(book_pkg *b, xmlNodePtr parent, size_t *i, void *ud);

/* One list written in by page_stream. */
typedef struct list_stream {
    const char *name; /* data of the placeholder PI */
    xmlNodePtr pi;    /* the placeholder, in the document */
    entry_build_fn build;
    void *ud;
    size_t n;                /* entries */
    const unsigned char *at; /* where the placeholder is in the serialised page */
    size_t mark_len;
} list_stream;

/* A placeholder for the list `name`, as the last child of `parent`. */
static xmlNodePtr stream_mark(xmlNodePtr parent, const char *name)
{
    return xmlAddChild(parent,
                       xmlNewDocPI(parent->doc, (const xmlChar *)STREAM_PI, (const xmlChar *)name));
}

static int stream_cmp(const void *x, const void *y)
{
    const list_stream *a = x, *b = y;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* Serialise doc (its slots filled) with the lists written where their placeholders stand.
 * Returns the bytes (the caller frees them) or NULL with an error diagnostic. */
static unsigned char *page_stream(book_pkg *b, xmlDocPtr doc, list_stream *ls, size_t n_ls,
                                  size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    size_t page_len = 0;
    unsigned char *page = xml_serialize(doc, &page_len);
    strbuf res = STRBUF_INIT;
    for (size_t k = 0; k < n_ls; k++) {
        char *mark = xasprintf("<?%s %s?>", STREAM_PI, ls[k].name);
        ls[k].mark_len = strlen(mark);
        ls[k].at = mem_find(page, page_len, mark, ls[k].mark_len);
        int twice = ls[k].at && mem_find(ls[k].at + 1, page_len - (size_t)(ls[k].at - page) - 1,
                                         mark, ls[k].mark_len);
        free(mark);
        if (!ls[k].at || twice) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, 0,
                     "a template uses the processing instruction <?%s?>, which sheaf keeps for "
                     "itself; remove it from the template",
                     STREAM_PI);
            goto out;
        }
    }
    qsort(ls, n_ls, sizeof *ls, stream_cmp);
    xmlBufferPtr list = xmlBufferCreate();
    const unsigned char *from = page;
    for (size_t k = 0; k < n_ls; k++) {
        strbuf_add(&res, from, (size_t)(ls[k].at - from));
        xmlOutputBufferPtr ob = xmlOutputBufferCreateBuffer(list, NULL);
        for (size_t i = 0; i < ls[k].n;) {
            xmlNodePtr entry = ls[k].build(b, ls[k].pi->parent, &i, ls[k].ud);
            if (!entry)
                continue;
            xmlNodeDumpOutput(ob, doc, entry, 0, 0, "UTF-8");
            xmlUnlinkNode(entry);
            xmlFreeNode(entry);
        }
        xmlOutputBufferClose(ob);
        strbuf_add(&res, xmlBufferContent(list), (size_t)xmlBufferLength(list));
        xmlBufferEmpty(list);
        from = ls[k].at + ls[k].mark_len;
    }
    strbuf_add(&res, from, page_len - (size_t)(from - page));
    xmlBufferFree(list);
    out = (unsigned char *)strbuf_detach(&res, len);
out:
    strbuf_release(&res);
    free(page);
    return out;
}

/*** title page and other pages ***/

unsigned char *package_titlepage(book_pkg *b, const strlist *stylesheets, const char *href,
                                 size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    char *authors = NULL, *editors = NULL, *date = NULL;
    xmlDocPtr doc = template_load(b->opts->template_dir, "titlepage.xhtml", diags);
    if (!doc)
        goto out;
    xhtml_set_lang(xmlDocGetRootElement(doc), b->meta.lang);
    xmlNodePtr links = xhtml_stylesheet_links(doc, stylesheets, href);
    authors = b->meta.authors.len ? names_join(&b->meta.authors) : NULL;
    if (b->meta.editors.len) {
        char *names = names_join(&b->meta.editors);
        editors = xasprintf("Edited by %s", names);
        free(names);
    }
    date = b->meta.date ? lang_date_text(b->meta.date, b->meta.lang) : NULL;
    template_value values[] = {
        {"title", b->meta.title, NULL, 0},   {"subtitle", b->meta.subtitle, NULL, 0},
        {"authors", authors, NULL, 0},       {"editors", editors, NULL, 0},
        {"date", date, NULL, 0},     {"publisher", b->meta.publisher, NULL, 0},
        {"summary", b->summary, NULL, 0},    {"description", b->meta.description, NULL, 0},
        {"rights", b->meta.rights, NULL, 0}, {"stylesheets", NULL, links->children, 1},
    };
    out = page_finish(doc, values, sizeof values / sizeof values[0], &links, 1, len);
out:
    free(authors);
    free(editors);
    free(date);
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

unsigned char *package_cover_page(book_pkg *b, const strlist *stylesheets, const char *href,
                                  const char *image_href, size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    xmlDocPtr doc = template_load(b->opts->template_dir, "cover.xhtml", diags);
    if (!doc)
        goto out;
    xhtml_set_lang(xmlDocGetRootElement(doc), b->meta.lang);
    xmlNodePtr links = xhtml_stylesheet_links(doc, stylesheets, href);
    xmlNodePtr holder = xhtml_new(doc, "div");
    xmlNodePtr img = xhtml_add(holder, "img", NULL);
    char *rel = path_relative(href, image_href);
    attr_set(img, "src", rel);
    attr_set(img, "alt", b->meta.title ? b->meta.title : "Cover");
    free(rel);
    template_value values[] = {
        {"title", b->meta.title, NULL, 0},
        {"stylesheets", NULL, links->children, 1},
        {"cover", NULL, holder->children, 1},
    };
    const xmlNodePtr holders[] = {links, holder};
    out = page_finish(doc, values, sizeof values / sizeof values[0], holders, 2, len);
out:
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

xmlDocPtr package_page_new(const book_pkg *b, const strlist *stylesheets, const char *href,
                           const char *title, const char *lang, xmlNodePtr *body, diag_list *diags)
{
    xmlDocPtr doc = template_load(b->opts->template_dir, "chapter.xhtml", diags);
    if (!doc)
        return NULL;
    xhtml_set_lang(xmlDocGetRootElement(doc), lang ? lang : b->meta.lang);
    xmlNodePtr links = xhtml_stylesheet_links(doc, stylesheets, href);
    xmlNodePtr holder = xhtml_new(doc, "div");
    xmlNodePtr marker = xhtml_add(holder, "div", NULL);
    template_value values[] = {
        {"title", title, NULL, 0},
        {"stylesheets", NULL, links->children, 1},
        {"body", NULL, holder->children, 1},
    };
    template_apply(doc, values, sizeof values / sizeof values[0]);
    xmlFreeNode(links);
    if (marker->parent != holder) {
        *body = marker->parent;
        xmlUnlinkNode(marker);
    } else {
        /* A user template without a body slot: use <body>. */
        xmlNodePtr n = xmlDocGetRootElement(doc)->children;
        while (n && !(n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "body") == 0))
            n = n->next;
        *body = n ? n : xmlDocGetRootElement(doc);
    }
    xmlFreeNode(marker);
    xmlFreeNode(holder);
    return doc;
}

/*** navigation ***/

static void nav_list_build(book_pkg *b, xmlNodePtr parent, size_t *i, int depth);

/* One <li> for toc entry *i under `ol`, with the entries nested under it. */
static xmlNodePtr nav_item_build(book_pkg *b, xmlNodePtr ol, size_t *i, int depth)
{
    toc_entry *e = &b->toc[*i];
    xmlNodePtr li = xhtml_add(ol, "li", NULL);
    char *rel = path_relative(b->nav_href, e->href);
    xmlNodePtr a = xhtml_add(li, "a", e->label);
    attr_set(a, "href", rel);
    free(rel);
    if (e->byline) {
        xmlNodeAddContent(a, (const xmlChar *)" ");
        xmlNodePtr by = xhtml_add(a, "span", e->byline);
        attr_set(by, "class", "byline");
    }
    (*i)++;
    if (*i < b->n_toc && b->toc[*i].depth > depth)
        nav_list_build(b, li, i, depth + 1);
    return li;
}

/* Nest toc entries as <ol><li> lists following their depths. */
static void nav_list_build(book_pkg *b, xmlNodePtr parent, size_t *i, int depth)
{
    xmlNodePtr ol = xhtml_add(parent, "ol", NULL);
    while (*i < b->n_toc && b->toc[*i].depth >= depth)
        nav_item_build(b, ol, i, depth);
}

static xmlNodePtr nav_top_build(book_pkg *b, xmlNodePtr ol, size_t *i, void *ud)
{
    (void)ud;
    return nav_item_build(b, ol, i, 1);
}

static void landmark_add(xmlNodePtr ol, xmlNsPtr epub, const char *type, const char *href,
                         const char *label)
{
    xmlNodePtr li = xhtml_add(ol, "li", NULL);
    xmlNodePtr a = xhtml_add(li, "a", label);
    xmlSetNsProp(a, epub, (const xmlChar *)"type", (const xmlChar *)type);
    attr_set(a, "href", href);
}

unsigned char *package_nav(book_pkg *b, const strlist *stylesheets, size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    xmlDocPtr doc = template_load(b->opts->template_dir, "nav.xhtml", diags);
    if (!doc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xhtml_set_lang(root, b->meta.lang);
    xmlNsPtr epub = epub_ns_get(doc);

    xmlNodePtr links = xhtml_stylesheet_links(doc, stylesheets, b->nav_href);
    xmlNodePtr toc_holder = xhtml_new(doc, "div");
    xmlNodePtr toc_ol = xhtml_add(toc_holder, "ol", NULL);
    xmlNodePtr pi = NULL;
    if (b->n_toc) /* the entries are written in by page_stream */
        pi = stream_mark(toc_ol, "toc");

    xmlNodePtr lm_holder = xhtml_new(doc, "div");
    xmlNodePtr ol = xhtml_add(lm_holder, "ol", NULL);
    if (b->cover_page_href)
        landmark_add(ol, epub, "cover", b->cover_page_href, "Cover");
    landmark_add(ol, epub, "titlepage", b->titlepage_href, "Title Page");
    {
        char *rel = xasprintf("%s#toc", b->nav_href);
        char *r2 = path_relative(b->nav_href, rel);
        landmark_add(ol, epub, "toc", r2, "Table of Contents");
        free(r2);
        free(rel);
    }
    if (b->first_body_href) {
        char *rel = path_relative(b->nav_href, b->first_body_href);
        landmark_add(ol, epub, "bodymatter", rel, "Start of Content");
        free(rel);
    }
    template_value values[] = {
        {"toc-title", "Contents", NULL, 0},          {"landmarks-title", "Landmarks", NULL, 0},
        {"stylesheets", NULL, links->children, 1},   {"toc", NULL, toc_holder->children, 1},
        {"landmarks", NULL, lm_holder->children, 1},
    };
    const xmlNodePtr holders[] = {links, toc_holder, lm_holder};
    template_apply(doc, values, sizeof values / sizeof values[0]);
    list_stream ls = {"toc", pi, nav_top_build, NULL, b->n_toc, NULL, 0};
    if (pi && toc_ol->parent != toc_holder)
        out = page_stream(b, doc, &ls, 1, len, diags);
    else
        out = xml_serialize(doc, len); /* a template without a "toc" slot */
    for (size_t k = 0; k < 3; k++)
        xmlFreeNode(holders[k]);
out:
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

/*** NCX ***/

static void ncx_points_build(book_pkg *b, xmlNodePtr parent, xmlNsPtr ns, size_t *i, int depth,
                             int *order);

/* One navPoint for toc entry *i under `parent`, with the entries nested under it. */
static xmlNodePtr ncx_point_build(book_pkg *b, xmlNodePtr parent, xmlNsPtr ns, size_t *i, int depth,
                                  int *order)
{
    toc_entry *e = &b->toc[*i];
    xmlNodePtr np = xmlNewChild(parent, ns, (const xmlChar *)"navPoint", NULL);
    char id[32], po[16];
    snprintf(id, sizeof id, "np-%d", *order);
    snprintf(po, sizeof po, "%d", *order);
    (*order)++;
    attr_set(np, "id", id);
    attr_set(np, "playOrder", po);
    xmlNodePtr label = xmlNewChild(np, ns, (const xmlChar *)"navLabel", NULL);
    xmlNewTextChild(label, ns, (const xmlChar *)"text", (const xmlChar *)e->label);
    xmlNodePtr content = xmlNewChild(np, ns, (const xmlChar *)"content", NULL);
    attr_set(content, "src", e->href);
    (*i)++;
    if (*i < b->n_toc && b->toc[*i].depth > depth)
        ncx_points_build(b, np, ns, i, depth + 1, order);
    return np;
}

static void ncx_points_build(book_pkg *b, xmlNodePtr parent, xmlNsPtr ns, size_t *i, int depth,
                             int *order)
{
    while (*i < b->n_toc && b->toc[*i].depth >= depth)
        ncx_point_build(b, parent, ns, i, depth, order);
}

/* What page_stream needs to write navPoints. */
typedef struct ncx_stream {
    xmlNsPtr ns;
    int order;
} ncx_stream;

static xmlNodePtr ncx_top_build(book_pkg *b, xmlNodePtr parent, size_t *i, void *ud)
{
    ncx_stream *st = ud;
    return ncx_point_build(b, parent, st->ns, i, 1, &st->order);
}

unsigned char *package_ncx(book_pkg *b, size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    xmlDocPtr doc = template_load(b->opts->template_dir, "toc.ncx", diags);
    if (!doc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr ns = xmlSearchNsByHref(doc, root, (const xmlChar *)NCX_NS);
    int maxdepth = 1;
    for (size_t i = 0; i < b->n_toc; i++)
        if (b->toc[i].depth > maxdepth)
            maxdepth = b->toc[i].depth;

    xmlNodePtr head = xmlNewDocNode(doc, ns, (const xmlChar *)"head", NULL);
    char depth[16];
    snprintf(depth, sizeof depth, "%d", maxdepth);
    const char *metas[][2] = {{"dtb:uid", b->identifier},
                              {"dtb:depth", depth},
                              {"dtb:totalPageCount", "0"},
                              {"dtb:maxPageNumber", "0"}};
    for (size_t i = 0; i < 4; i++) {
        xmlNodePtr m = xmlNewChild(head, ns, (const xmlChar *)"meta", NULL);
        attr_set(m, "name", metas[i][0]);
        attr_set(m, "content", metas[i][1]);
    }
    xmlNodePtr map = xmlNewDocNode(doc, ns, (const xmlChar *)"navMap", NULL);
    if (!b->n_toc)
        book_pkg_toc_add(b, b->meta.title, NULL, b->titlepage_href, 1);
    /* the navPoints are written in by page_stream */
    xmlNodePtr pi = stream_mark(map, "navmap");
    template_value values[] = {
        {"head", NULL, head->children, 1},
        {"title", b->meta.title, NULL, 0},
        {"navmap", NULL, map->children, 1},
    };
    template_apply(doc, values, sizeof values / sizeof values[0]);
    ncx_stream st = {ns, 1};
    list_stream ls = {"navmap", pi, ncx_top_build, &st, b->n_toc, NULL, 0};
    if (pi->parent != map)
        out = page_stream(b, doc, &ls, 1, len, diags);
    else
        out = xml_serialize(doc, len); /* a template without a "navmap" slot */
    xmlFreeNode(head);
    xmlFreeNode(map);
out:
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

/*** package document ***/

static xmlNodePtr dc_add(xmlNodePtr parent, xmlNsPtr dc, const char *name, const char *value,
                         const char *id)
{
    xmlNodePtr n = xmlNewTextChild(parent, dc, (const xmlChar *)name, (const xmlChar *)value);
    if (id)
        attr_set(n, "id", id);
    return n;
}

static xmlNodePtr meta_add(xmlNodePtr parent, xmlNsPtr opf, const char *property, const char *value,
                           const char *refines)
{
    xmlNodePtr n = xmlNewTextChild(parent, opf, (const xmlChar *)"meta", (const xmlChar *)value);
    attr_set(n, "property", property);
    if (refines)
        attr_set(n, "refines", refines);
    return n;
}

static void creators_add(xmlNodePtr md, xmlNsPtr dc, xmlNsPtr opf, const strlist *names,
                         const char *role, int *counter)
{
    for (size_t i = 0; i < names->len; i++) {
        char id[32], ref[34];
        snprintf(id, sizeof id, "creator%d", ++*counter);
        snprintf(ref, sizeof ref, "#%s", id);
        dc_add(md, dc, "creator", names->items[i], id);
        xmlNodePtr m = meta_add(md, opf, "role", role, ref);
        attr_set(m, "scheme", "marc:relators");
    }
}

static void metadata_build(book_pkg *b, xmlNodePtr md, xmlNsPtr opf, xmlNsPtr dc)
{
    const meta *m = &b->meta;
    int counter = 0;
    dc_add(md, dc, "identifier", b->identifier, "bookid");
    dc_add(md, dc, "title", m->title, "title");
    meta_add(md, opf, "title-type", "main", "#title");
    if (m->subtitle) {
        dc_add(md, dc, "title", m->subtitle, "subtitle");
        meta_add(md, opf, "title-type", "subtitle", "#subtitle");
    }
    creators_add(md, dc, opf, &m->authors, "aut", &counter);
    creators_add(md, dc, opf, &m->editors, "edt", &counter);
    for (size_t i = 0; i < b->languages.len; i++)
        dc_add(md, dc, "language", b->languages.items[i], NULL);
    if (m->date)
        dc_add(md, dc, "date", m->date, NULL);
    if (m->publisher)
        dc_add(md, dc, "publisher", m->publisher, NULL);
    if (m->description)
        dc_add(md, dc, "description", m->description, NULL);
    if (m->rights)
        dc_add(md, dc, "rights", m->rights, NULL);
    if (m->source)
        dc_add(md, dc, "source", m->source, NULL);
    for (size_t i = 0; i < m->tags.len; i++)
        dc_add(md, dc, "subject", m->tags.items[i], NULL);
    meta_add(md, opf, "dcterms:modified", b->modified, NULL);

    /* EPUB Accessibility 1.1: only what is true of what sheaf writes. */
    meta_add(md, opf, "schema:accessMode", "textual", NULL);
    if (b->has_images)
        meta_add(md, opf, "schema:accessMode", "visual", NULL);
    if (!b->has_images || b->images_all_alt)
        meta_add(md, opf, "schema:accessModeSufficient", "textual", NULL);
    if (b->has_images)
        meta_add(md, opf, "schema:accessModeSufficient", "textual,visual", NULL);
    meta_add(md, opf, "schema:accessibilityFeature", "structuralNavigation", NULL);
    meta_add(md, opf, "schema:accessibilityFeature", "tableOfContents", NULL);
    meta_add(md, opf, "schema:accessibilityFeature", "readingOrder", NULL);
    if (b->has_images && b->images_all_alt)
        meta_add(md, opf, "schema:accessibilityFeature", "alternativeText", NULL);
    meta_add(md, opf, "schema:accessibilityHazard", "none", NULL);
    meta_add(md, opf, "schema:accessibilitySummary",
             b->has_images && !b->images_all_alt
                 ? "Text with headings, a table of contents and a logical reading order. Some "
                   "images have no text alternative."
                 : "Text with headings, a table of contents and a logical reading order; "
                   "images, if any, carry text alternatives. No hazards.",
             NULL);
    if (b->cover_image_href) {
        /* EPUB 2 readers and Kindle find the cover through this. */
        xmlNodePtr c = xmlNewChild(md, opf, (const xmlChar *)"meta", NULL);
        attr_set(c, "name", "cover");
        attr_set(c, "content", "cover-image");
    }
}

/* A manifest <item> for item *i (page_stream). */
static xmlNodePtr opf_item_build(book_pkg *b, xmlNodePtr parent, size_t *i, void *ud)
{
    const manifest_item *it = &b->items[(*i)++];
    xmlNodePtr item = xmlNewChild(parent, ud, (const xmlChar *)"item", NULL);
    attr_set(item, "id", it->id);
    attr_set(item, "href", it->href);
    attr_set(item, "media-type", it->media_type);
    if (it->properties)
        attr_set(item, "properties", it->properties);
    return item;
}

/* A spine <itemref> for item *i when it is in the spine (page_stream). */
static xmlNodePtr opf_itemref_build(book_pkg *b, xmlNodePtr parent, size_t *i, void *ud)
{
    const manifest_item *it = &b->items[(*i)++];
    if (!it->spine)
        return NULL;
    xmlNodePtr ref = xmlNewChild(parent, ud, (const xmlChar *)"itemref", NULL);
    attr_set(ref, "idref", it->id);
    if (it->spine == 2)
        attr_set(ref, "linear", "no");
    return ref;
}

unsigned char *package_opf(book_pkg *b, size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    xmlDocPtr doc = template_load(b->opts->template_dir, "package.opf", diags);
    if (!doc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr opf = xmlSearchNsByHref(doc, root, (const xmlChar *)OPF_NS);
    xmlNsPtr xmlns = xmlSearchNs(doc, root, (const xmlChar *)"xml");
    xmlSetNsProp(root, xmlns, (const xmlChar *)"lang", (const xmlChar *)b->meta.lang);

    /* The metadata element declares dc: in the template; find it for the namespace. */
    xmlNodePtr md_scratch = xmlNewDocNode(doc, opf, (const xmlChar *)"metadata", NULL);
    xmlNsPtr dc = NULL;
    for (xmlNodePtr n = root->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "metadata") == 0)
            dc = xmlSearchNsByHref(doc, n, (const xmlChar *)DC_NS);
    if (!dc)
        dc = xmlNewNs(root, (const xmlChar *)DC_NS, (const xmlChar *)"dc");
    metadata_build(b, md_scratch, opf, dc);

    /* the items and itemrefs are written in by page_stream */
    xmlNodePtr man = xmlNewDocNode(doc, opf, (const xmlChar *)"manifest", NULL);
    xmlNodePtr spine = xmlNewDocNode(doc, opf, (const xmlChar *)"spine", NULL);
    xmlNodePtr man_pi = stream_mark(man, "manifest"), spine_pi = stream_mark(spine, "spine");
    xmlNodePtr guide = xmlNewDocNode(doc, opf, (const xmlChar *)"guide", NULL);
    const char *refs[][3] = {{"cover", b->cover_page_href, "Cover"},
                             {"title-page", b->titlepage_href, "Title Page"},
                             {"toc", b->nav_href, "Table of Contents"},
                             {"text", b->first_body_href, "Start"}};
    for (size_t i = 0; i < 4; i++) {
        if (!refs[i][1])
            continue;
        xmlNodePtr r = xmlNewChild(guide, opf, (const xmlChar *)"reference", NULL);
        attr_set(r, "type", refs[i][0]);
        attr_set(r, "title", refs[i][2]);
        attr_set(r, "href", refs[i][1]);
    }
    template_value values[] = {
        {"metadata", NULL, md_scratch->children, 1},
        {"manifest", NULL, man->children, 1},
        {"spine", NULL, spine->children, 1},
        {"guide", NULL, guide->children, 1},
    };
    template_apply(doc, values, sizeof values / sizeof values[0]);
    list_stream ls[] = {
        {"manifest", man_pi, opf_item_build, opf, b->n_items, NULL, 0},
        {"spine", spine_pi, opf_itemref_build, opf, b->n_items, NULL, 0},
    };
    if (man_pi->parent != man && spine_pi->parent != spine)
        out = page_stream(b, doc, ls, 2, len, diags);
    else
        diag_add(diags, DIAG_ERROR, NULL, NULL, 0,
                 "the package.opf template has no \"manifest\" or no \"spine\" slot; add "
                 "<s:slot name=\"manifest\"/> and <s:slot name=\"spine\"/>");
    xmlFreeNode(md_scratch);
    xmlFreeNode(man);
    xmlFreeNode(spine);
    xmlFreeNode(guide);
out:
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

unsigned char *package_container(const build_options *o, size_t *len, diag_list *diags)
{
    unsigned char *out = NULL;
    xmlDocPtr doc = template_load(o->template_dir, "container.xml", diags);
    if (!doc)
        return NULL;
    out = page_finish(doc, NULL, 0, NULL, 0, len);
    xmlFreeDoc(doc);
    return out;
}
