/* media.c: images for the book: sniffing, SVG cleaning, a store that keeps one copy of each. */
#include "writers/media.h"

#include "base/image.h"

#include <errno.h>
#include <stdio.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/util.h"

#define MEDIA_XHTML_NS "http://www.w3.org/1999/xhtml"
#define MEDIA_SVG_NS "http://www.w3.org/2000/svg"
#define MEDIA_XLINK_NS "http://www.w3.org/1999/xlink"

/*** sniffing ***/

static int has_prefix(const unsigned char *d, size_t len, const char *sig, size_t n)
{
    return len >= n && memcmp(d, sig, n) == 0;
}

/* Skip over text up to and including `end`; returns the new position, or len if absent. */
static size_t skip_past(const unsigned char *d, size_t len, size_t i, const char *end)
{
    size_t n = strlen(end);
    for (; i + n <= len; i++)
        if (memcmp(d + i, end, n) == 0)
            return i + n;
    return len;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* XML text whose first element is svg (optionally prefixed, e.g. svg:svg). */
static int sniff_svg(const unsigned char *d, size_t len)
{
    size_t i = 0;
    if (has_prefix(d, len, "\xEF\xBB\xBF", 3))
        i = 3;
    for (;;) {
        while (i < len && is_space(d[i]))
            i++;
        if (i >= len || d[i] != '<')
            return 0;
        if (has_prefix(d + i, len - i, "<?", 2)) {
            i = skip_past(d, len, i + 2, "?>");
        } else if (has_prefix(d + i, len - i, "<!--", 4)) {
            i = skip_past(d, len, i + 4, "-->");
        } else if (has_prefix(d + i, len - i, "<!", 2)) {
            /* DOCTYPE, possibly with an internal subset in brackets */
            int depth = 0;
            for (i += 2; i < len; i++) {
                if (d[i] == '[')
                    depth++;
                else if (d[i] == ']')
                    depth--;
                else if (d[i] == '>' && depth <= 0)
                    break;
            }
            i++;
        } else {
            size_t start = ++i;
            while (i < len && !is_space(d[i]) && d[i] != '>' && d[i] != '/')
                i++;
            size_t n = i - start;
            const unsigned char *name = d + start;
            const unsigned char *colon = memchr(name, ':', n);
            if (colon) {
                n -= (size_t)(colon + 1 - name);
                name = colon + 1;
            }
            return n == 3 && memcmp(name, "svg", 3) == 0 && i < len;
        }
    }
}

media_kind media_sniff(const unsigned char *data, size_t len)
{
    if (!data)
        return MEDIA_UNKNOWN;
    if (has_prefix(data, len, "\xFF\xD8\xFF", 3))
        return MEDIA_JPEG;
    if (has_prefix(data, len, "\x89PNG\r\n\x1A\n", 8))
        return MEDIA_PNG;
    if (has_prefix(data, len, "GIF87a", 6) || has_prefix(data, len, "GIF89a", 6))
        return MEDIA_GIF;
    if (len >= 16 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBPVP8", 7) == 0)
        return MEDIA_WEBP;
    if (sniff_svg(data, len))
        return MEDIA_SVG;
    return MEDIA_UNKNOWN;
}

const char *media_kind_mime(media_kind k)
{
    switch (k) {
    case MEDIA_JPEG:
        return "image/jpeg";
    case MEDIA_PNG:
        return "image/png";
    case MEDIA_GIF:
        return "image/gif";
    case MEDIA_WEBP:
        return "image/webp";
    case MEDIA_SVG:
        return "image/svg+xml";
    default:
        return NULL;
    }
}

const char *media_kind_ext(media_kind k)
{
    switch (k) {
    case MEDIA_JPEG:
        return "jpg";
    case MEDIA_PNG:
        return "png";
    case MEDIA_GIF:
        return "gif";
    case MEDIA_WEBP:
        return "webp";
    case MEDIA_SVG:
        return "svg";
    default:
        return NULL;
    }
}

media_kind media_kind_from_href(const char *href)
{
    media_kind ret = MEDIA_UNKNOWN;
    if (!href)
        return ret;
    size_t n = strcspn(href, "?#");
    char *path = xstrndup(href, n);
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/')) {
        for (media_kind k = MEDIA_JPEG; k <= MEDIA_SVG; k++)
            if (str_casecmp_ascii(dot + 1, media_kind_ext(k)) == 0)
                ret = k;
        if (str_casecmp_ascii(dot + 1, "jpeg") == 0)
            ret = MEDIA_JPEG;
    }
    free(path);
    return ret;
}

/*** SVG cleaning ***/

typedef struct svg_clean {
    xmlDocPtr doc;
    xmlNsPtr svg_ns; /* set when the root had no namespace: given to un-namespaced elements */
    int removed;
    const char *why; /* set when the document cannot be made safe */
    strmap *ids;     /* ids met so far: a later element with one of them is renamed */
    int renamed;
    size_t expanded; /* bytes of entity text put in so far */
    size_t expand_cap; /* past it, the entities are an attack (a "quadratic blowup") */
} svg_clean;

static int ascii_prefix_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != *prefix)
            return 0;
    }
    return 1;
}

static int ns_is(xmlNsPtr ns, const char *href)
{
    return ns && ns->href && strcmp((const char *)ns->href, href) == 0;
}

/* An href an SVG image may keep: a fragment, or an embedded raster image. */
static int svg_href_ok(const char *v)
{
    while (*v && is_space((unsigned char)*v))
        v++;
    return v[0] == '#' || ascii_prefix_ci(v, "data:image/png") ||
           ascii_prefix_ci(v, "data:image/jpeg") || ascii_prefix_ci(v, "data:image/jpg") ||
           ascii_prefix_ci(v, "data:image/gif");
}

/* 1 when CSS or an attribute value may load something or run script: url() not pointing at a
 * fragment, @import, javascript:, expression(). */
static int css_unsafe(const char *v)
{
    char *low = xstrdup(v);
    int bad = 0;
    for (char *p = low; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    if (strstr(low, "@import") || strstr(low, "javascript:") || strstr(low, "expression(") ||
        strstr(low, "behavior:") || strstr(low, "-moz-binding"))
        bad = 1;
    for (const char *p = strstr(low, "url("); p && !bad; p = strstr(p + 4, "url(")) {
        const char *q = p + 4;
        while (*q && (is_space((unsigned char)*q) || *q == '"' || *q == '\''))
            q++;
        if (*q != '#')
            bad = 1;
    }
    /* escapes could hide any of the above */
    if (strchr(low, '\\'))
        bad = 1;
    free(low);
    return bad;
}

/* Replace entity references under `parent` (children of an element or an attribute) by their
 * text; only internal entities holding plain text are accepted. Returns -1 when unsafe. */
static int svg_expand_entities(svg_clean *c, xmlNodePtr first)
{
    xmlNodePtr next;
    for (xmlNodePtr n = first; n; n = next) {
        next = n->next;
        if (n->type != XML_ENTITY_REF_NODE)
            continue;
        xmlEntityPtr ent = xmlGetDocEntity(c->doc, n->name);
        if (!ent || ent->etype != XML_INTERNAL_GENERAL_ENTITY || !ent->content ||
            strchr((const char *)ent->content, '<') || strchr((const char *)ent->content, '&')) {
            c->why = "it uses external or nested entities";
            return -1;
        }
        /* One entity of 100 KB referred to 20,000 times is 2 GB of text from 200 KB of file */
        c->expanded += (size_t)xmlStrlen(ent->content);
        if (c->expanded > c->expand_cap) {
            c->why = "its entities expand to far more text than the file holds (an entity "
                     "expansion attack, which would exhaust memory)";
            return -1;
        }
        xmlNodePtr t = xmlNewDocText(c->doc, ent->content);
        xmlReplaceNode(n, t);
        xmlFreeNode(n);
    }
    return 0;
}

static int svg_remove_node(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return 1;
}

static int svg_is_animation(const char *name)
{
    return strcmp(name, "set") == 0 || strcmp(name, "animate") == 0 ||
           strcmp(name, "animateTransform") == 0 || strcmp(name, "animateMotion") == 0 ||
           strcmp(name, "animateColor") == 0;
}

/* A URL that runs script rather than naming a resource. */
static int svg_url_scripted(const char *v)
{
    while (*v && is_space((unsigned char)*v))
        v++;
    return ascii_prefix_ci(v, "javascript:") || ascii_prefix_ci(v, "vbscript:") ||
           ascii_prefix_ci(v, "data:");
}

static void svg_clean_attrs(svg_clean *c, xmlNodePtr el)
{
    xmlAttrPtr next;
    for (xmlAttrPtr a = el->properties; a && !c->why; a = next) {
        next = a->next;
        const char *name = (const char *)a->name;
        int has_entities = 0;
        for (xmlNodePtr k = a->children; k; k = k->next)
            if (k->type == XML_ENTITY_REF_NODE)
                has_entities = 1;
        if (has_entities && svg_expand_entities(c, a->children) < 0)
            return;
        if (ascii_prefix_ci(name, "on")) {
            xmlRemoveProp(a);
            c->removed++;
            continue;
        }
        if (a->ns && !ns_is(a->ns, MEDIA_XLINK_NS) &&
            !(a->ns->prefix && strcmp((const char *)a->ns->prefix, "xml") == 0 &&
              strcmp(name, "base") != 0)) {
            /* editor attributes (inkscape:, sodipodi:) and xml:base */
            xmlRemoveProp(a);
            continue;
        }
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        const char *val = v ? (const char *)v : "";
        int drop = 0;
        if (strcmp(name, "href") == 0 && (!a->ns || ns_is(a->ns, MEDIA_XLINK_NS))) {
            drop = !svg_href_ok(val);
            if (drop && strcmp((const char *)el->name, "a") == 0 && !svg_url_scripted(val)) {
                /* an ordinary link: it cannot be followed in an image anyway */
                xmlRemoveProp(a);
                xmlFree(v);
                continue;
            }
        } else if (strcmp(name, "style") == 0 || strstr(val, "url(") || strstr(val, "URL("))
            drop = css_unsafe(val);
        else if (strcmp(name, "attributeName") == 0 && svg_is_animation((const char *)el->name))
            drop = 0; /* checked with the element */
        if (drop) {
            xmlRemoveProp(a);
            c->removed++;
        }
        xmlFree(v);
    }
}

static xmlNsPtr svg_xlink_ns(svg_clean *c)
{
    xmlNodePtr root = xmlDocGetRootElement(c->doc);
    xmlNsPtr ns = xmlSearchNsByHref(c->doc, root, (const xmlChar *)MEDIA_XLINK_NS);
    if (!ns) {
        ns = xmlSearchNs(c->doc, root, (const xmlChar *)"xlink");
        /* the prefix "xlink" taken by something else: leave it, use another */
        ns = xmlNewNs(root, (const xmlChar *)MEDIA_XLINK_NS,
                      (const xmlChar *)(ns ? "sheafxlink" : "xlink"));
    }
    return ns;
}

/* After the attributes are clean: an <a> becomes a <g> (a link in a picture shown with <img>
 * cannot be followed, and epubcheck wants a title for each); an SVG 2 href becomes xlink:href,
 * which SVG 1.1 readers (and epubcheck 4.2.6) know; a <use> or <image> left without a
 * reference is removed. Returns -1 when the element was removed. */
static int svg_fix_links(svg_clean *c, xmlNodePtr el)
{
    const char *name = (const char *)el->name;
    xmlAttrPtr next;
    if (strcmp(name, "a") == 0) {
        static const char *link_attrs[] = {"href", "target",   "download", "ping",
                                           "rel",  "hreflang", "type",     "referrerpolicy"};
        xmlNodeSetName(el, (const xmlChar *)"g");
        for (xmlAttrPtr a = el->properties; a; a = next) {
            next = a->next;
            int drop = ns_is(a->ns, MEDIA_XLINK_NS);
            for (size_t i = 0; i < sizeof link_attrs / sizeof link_attrs[0]; i++)
                if (!a->ns && strcmp((const char *)a->name, link_attrs[i]) == 0)
                    drop = 1;
            if (drop)
                xmlRemoveProp(a);
        }
        return 0;
    }
    xmlAttrPtr plain = xmlHasNsProp(el, (const xmlChar *)"href", NULL);
    if (plain) {
        if (!xmlHasNsProp(el, (const xmlChar *)"href", (const xmlChar *)MEDIA_XLINK_NS)) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)plain);
            xmlSetNsProp(el, svg_xlink_ns(c), (const xmlChar *)"href", v);
            xmlFree(v);
        }
        xmlRemoveProp(plain);
    }
    if ((strcmp(name, "use") == 0 || strcmp(name, "image") == 0) &&
        !xmlHasNsProp(el, (const xmlChar *)"href", (const xmlChar *)MEDIA_XLINK_NS)) {
        svg_remove_node(el);
        return -1;
    }
    return 0;
}

/* An id an earlier element has is given another name ("a-2"): references to it ("#a",
 * url(#a)) keep leading to the first, as a viewer takes the first. */
static void svg_id_unique(svg_clean *c, xmlNodePtr el)
{
    xmlAttrPtr a = xmlHasNsProp(el, (const xmlChar *)"id", NULL);
    if (!a)
        return;
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    if (v && *v) {
        if (strmap_has(c->ids, (const char *)v)) {
            char *fresh = NULL;
            for (size_t k = 2;; k++) {
                free(fresh);
                fresh = xasprintf("%s-%zu", (const char *)v, k);
                if (!strmap_has(c->ids, fresh))
                    break;
            }
            xmlSetProp(el, (const xmlChar *)"id", (const xmlChar *)fresh);
            strmap_add(c->ids, fresh, NULL);
            free(fresh);
            c->renamed++;
        } else {
            strmap_add(c->ids, (const char *)v, NULL);
        }
    }
    xmlFree(v);
}

/* Clean the children of `parent`; returns -1 when the document cannot be made safe. */
static int svg_clean_children(svg_clean *c, xmlNodePtr parent)
{
    xmlNodePtr next;
    if (svg_expand_entities(c, parent->children) < 0)
        return -1;
    for (xmlNodePtr n = parent->children; n; n = next) {
        next = n->next;
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE ||
            n->type == XML_XINCLUDE_START || n->type == XML_XINCLUDE_END) {
            svg_remove_node(n);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        if (!n->ns && c->svg_ns)
            xmlSetNs(n, c->svg_ns);
        if (str_casecmp_ascii(name, "script") == 0 || strcmp(name, "foreignObject") == 0 ||
            strcmp(name, "handler") == 0 || strcmp(name, "listener") == 0 ||
            str_casecmp_ascii(name, "iframe") == 0 || str_casecmp_ascii(name, "embed") == 0 ||
            str_casecmp_ascii(name, "object") == 0) {
            c->removed += svg_remove_node(n);
            continue;
        }
        if (!ns_is(n->ns, MEDIA_SVG_NS) || strcmp(name, "metadata") == 0) {
            /* editor and RDF data: not part of the picture */
            svg_remove_node(n);
            continue;
        }
        if (svg_is_animation(name)) {
            xmlChar *target = xmlGetProp(n, (const xmlChar *)"attributeName");
            int bad = target && (ascii_prefix_ci((const char *)target, "on") ||
                                 strstr((const char *)target, "href"));
            xmlFree(target);
            if (bad) {
                c->removed += svg_remove_node(n);
                continue;
            }
        }
        if (strcmp(name, "style") == 0) {
            if (svg_expand_entities(c, n->children) < 0)
                return -1;
            xmlChar *css = xmlNodeGetContent(n);
            int bad = css && css_unsafe((const char *)css);
            xmlFree(css);
            if (bad) {
                c->removed += svg_remove_node(n);
                continue;
            }
        }
        svg_clean_attrs(c, n);
        if (c->why)
            return -1;
        svg_id_unique(c, n);
        if (svg_fix_links(c, n) < 0)
            continue; /* removed */
        if (svg_clean_children(c, n) < 0)
            return -1;
    }
    return 0;
}

unsigned char *media_svg_clean(const unsigned char *data, size_t len, size_t *outlen, int *removed,
                               int *renamed, const char **why)
{
    unsigned char *ret = NULL;
    xmlParserCtxtPtr ctxt = NULL;
    xmlChar *buf = NULL;
    int size = 0;
    svg_clean c;
    memset(&c, 0, sizeof c);
    *outlen = 0;
    *removed = 0;
    *renamed = 0;
    *why = NULL;
    c.ids = strmap_new();

    if (len > MEDIA_MAX_BYTES) {
        *why = "it is too large";
        goto out;
    }
    /* No real picture's entities (namespace names, as some editors write them) add more than
     * a little to its size. */
    c.expand_cap = len * 4 > ((size_t)1 << 20) ? len * 4 : ((size_t)1 << 20);
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        *why = "out of memory";
        goto out;
    }
    /* No external subset, no external entities: never load anything (NONET covers the
     * network, these the local files). */
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    c.doc = xmlCtxtReadMemory(ctxt, (const char *)data, (int)len, "image.svg", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!c.doc || !ctxt->wellFormed) {
        xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
        /* libxml2 stops an entity that expands too far ("billion laughs") as a loop */
        if (err && err->code == XML_ERR_ENTITY_LOOP)
            *why = "its entities expand to far more text than the file holds (an entity "
                   "expansion attack, which would exhaust memory)";
        else
            *why = "it is not well-formed XML";
        goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(c.doc);
    if (!root || strcmp((const char *)root->name, "svg") != 0 ||
        (root->ns && !ns_is(root->ns, MEDIA_SVG_NS))) {
        *why = "its root element is not <svg>";
        goto out;
    }
    if (!root->ns) {
        c.svg_ns = xmlNewNs(root, (const xmlChar *)MEDIA_SVG_NS, NULL);
        xmlSetNs(root, c.svg_ns);
    }
    /* document level: DOCTYPE (and its entity declarations), comments, processing
     * instructions (an xml-stylesheet can load anything) */
    {
        xmlNodePtr next;
        for (xmlNodePtr n = c.doc->children; n; n = next) {
            next = n->next;
            if (n->type == XML_PI_NODE)
                c.removed += svg_remove_node(n);
            else if (n->type == XML_COMMENT_NODE)
                svg_remove_node(n);
        }
    }
    svg_clean_attrs(&c, root);
    svg_id_unique(&c, root);
    if (c.why || svg_clean_children(&c, root) < 0) {
        *why = c.why;
        goto out;
    }
    if (c.doc->intSubset) {
        xmlDtdPtr dtd = c.doc->intSubset;
        xmlUnlinkNode((xmlNodePtr)dtd);
        c.doc->intSubset = NULL;
        xmlFreeDtd(dtd);
    }
    if (c.doc->extSubset) {
        xmlDtdPtr dtd = c.doc->extSubset;
        c.doc->extSubset = NULL;
        xmlFreeDtd(dtd);
    }
    xmlDocDumpMemoryEnc(c.doc, &buf, &size, "UTF-8");
    if (!buf || size <= 0) {
        *why = "it could not be written back";
        goto out;
    }
    ret = xmalloc((size_t)size + 1);
    memcpy(ret, buf, (size_t)size);
    ret[size] = '\0';
    *outlen = (size_t)size;
    *removed = c.removed;
    *renamed = c.renamed;
out:
    strmap_free(c.ids);
    xmlFree(buf);
    if (c.doc)
        xmlFreeDoc(c.doc);
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    return ret;
}

/*** the store ***/

struct media_store {
    media_item **items;
    unsigned char (*digests)[SHA256_DIGEST_SIZE];
    size_t len, cap;
    strmap *by_path; /* file path -> href, so that a file used again is not read again */
    file_id output;  /* the book's output file: never read as an image */
    int output_refused;
};

void media_store_set_output(media_store *s, const file_id *output)
{
    s->output = *output;
}

int media_store_output_refused(const media_store *s)
{
    return s && s->output_refused;
}

media_store *media_store_new(void)
{
    media_store *s = xcalloc(1, sizeof(media_store));
    s->by_path = strmap_new();
    return s;
}

void media_store_free(media_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->len; i++) {
        free(s->items[i]->href);
        free(s->items[i]->data);
        free(s->items[i]->id);
        free(s->items[i]);
    }
    free(s->items);
    free(s->digests);
    strmap_free(s->by_path);
    free(s);
}

size_t media_store_count(const media_store *s)
{
    return s ? s->len : 0;
}

const media_item *media_store_get(const media_store *s, size_t i)
{
    return s && i < s->len ? s->items[i] : NULL;
}

const media_item *media_store_find(const media_store *s, const char *href)
{
    for (size_t i = 0; s && href && i < s->len; i++)
        if (strcmp(s->items[i]->href, href) == 0)
            return s->items[i];
    return NULL;
}

static int store_has_id(const media_store *s, const char *id)
{
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->items[i]->id, id) == 0)
            return 1;
    return 0;
}

static const char *store_add(media_store *s, const unsigned char *data, size_t len,
                             const char *shown, const char *article_file, int line,
                             diag_list *diags)
{
    const char *ret = NULL;
    unsigned char *clean = NULL;
    const unsigned char *bytes = data;
    size_t blen = len;
    char *hex = NULL;
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256_ctx sha;
    media_kind kind = media_sniff(data, len);

    if (kind == MEDIA_UNKNOWN) {
        diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                 "image '%s' is not a JPEG, PNG, GIF, WebP or SVG file (judged by its content); "
                 "it was left out and its alt text kept",
                 shown);
        goto out;
    }
    if (kind != MEDIA_SVG) {
        /* decoded as far as its header and size say: a truncated or damaged file would be a
         * broken picture in every reader (epubcheck: PKG-021) */
        image_info info;
        image_status st = image_probe(data, len, IMAGE_UNKNOWN, &info);
        if (st == IMAGE_BAD_HEADER || st == IMAGE_CORRUPT) {
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "image '%s' is damaged: %s; it was left out and its alt text kept (open "
                     "and save it again, or export it anew)",
                     shown, info.why);
            goto out;
        }
    }
    if (kind == MEDIA_SVG) {
        int removed = 0, renamed = 0;
        const char *why = NULL;
        clean = media_svg_clean(data, len, &blen, &removed, &renamed, &why);
        if (!clean) {
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "SVG image '%s' was left out because %s; its alt text is kept (fix the "
                     "file or export it again as plain SVG)",
                     shown, why ? why : "it cannot be made safe");
            goto out;
        }
        if (removed)
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "SVG image '%s': removed %d unsafe part%s (scripts, event handlers, "
                     "external references); the rest of the picture is kept",
                     shown, removed, removed == 1 ? "" : "s");
        if (renamed)
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "SVG image '%s': %d element%s had an id an earlier element has; %s "
                     "renamed (ids must be unique), and references lead to the first",
                     shown, renamed, renamed == 1 ? "" : "s", renamed == 1 ? "it was" : "they were");
        bytes = clean;
    }
    sha256_init(&sha);
    sha256_update(&sha, blen, bytes);
    sha256_digest(&sha, sizeof digest, digest);
    for (size_t i = 0; i < s->len; i++) {
        if (memcmp(s->digests[i], digest, sizeof digest) == 0) {
            ret = s->items[i]->href;
            goto out;
        }
    }

    hex = xmalloc(2 * sizeof digest + 1);
    for (size_t i = 0; i < sizeof digest; i++) {
        static const char digits[] = "0123456789abcdef";
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * sizeof digest] = '\0';
    media_item *it = xcalloc(1, sizeof *it);
    /* An image is named by its content alone: the same bytes met through two file names, in
     * whatever order parallel workers meet them, always get the same name, so the book is the
     * same bytes on every build. 16 hex digits; more only if two images ever shared them. */
    for (int n = 16; n <= 64; n *= 2) {
        free(it->href);
        free(it->id);
        it->href = xasprintf("images/%.*s.%s", n, hex, media_kind_ext(kind));
        it->id = xasprintf("img-%.*s", n, hex);
        if (!media_store_find(s, it->href) && !store_has_id(s, it->id))
            break;
    }
    it->mime = media_kind_mime(kind);
    it->is_svg = kind == MEDIA_SVG;
    it->len = blen;
    if (clean) {
        it->data = clean;
        clean = NULL;
    } else {
        it->data = xmalloc(blen + 1);
        memcpy(it->data, data, blen);
        it->data[blen] = '\0';
    }
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
        s->digests = xrealloc(s->digests, s->cap * sizeof *s->digests);
    }
    memcpy(s->digests[s->len], digest, sizeof digest);
    s->items[s->len++] = it;
    ret = it->href;
out:
    free(clean);
    free(hex);
    return ret;
}

int media_cover_check(const unsigned char *data, size_t len, char *why, size_t whylen)
{
    int ret = -1;
    unsigned char *clean = NULL;
    media_kind kind = media_sniff(data, len);

    if (len > MEDIA_MAX_BYTES) {
        snprintf(why, whylen, "it is larger than %u MiB", MEDIA_MAX_BYTES / (1024u * 1024u));
        goto out;
    }
    if (kind == MEDIA_UNKNOWN) {
        snprintf(why, whylen, "it is not a JPEG, PNG, GIF or SVG image (judged by its content)");
        goto out;
    }
    if (kind == MEDIA_WEBP) {
        snprintf(why, whylen, "a WebP image cannot be the cover image of an EPUB 3.2 book; "
                              "convert it to JPEG or PNG");
        goto out;
    }
    if (kind == MEDIA_SVG) {
        int removed = 0, renamed = 0;
        const char *reason = NULL;
        size_t clen = 0;
        clean = media_svg_clean(data, len, &clen, &removed, &renamed, &reason);
        if (!clean) {
            snprintf(why, whylen, "it is an SVG image that cannot be used: %s",
                     reason ? reason : "it cannot be made safe");
            goto out;
        }
    } else {
        image_info info;
        image_status st = image_probe(data, len, IMAGE_UNKNOWN, &info);
        if (st == IMAGE_BAD_HEADER || st == IMAGE_CORRUPT) {
            snprintf(why, whylen, "it is damaged: %s (open and save it again, or export it anew)",
                     info.why);
            goto out;
        }
    }
    ret = 0;
out:
    free(clean);
    return ret;
}

const char *media_store_add_bytes(media_store *s, const unsigned char *data, size_t len,
                                  const char *name_hint, const char *article_file, int line,
                                  diag_list *diags)
{
    const char *shown = name_hint && *name_hint ? name_hint : "image";
    if (len > MEDIA_MAX_BYTES) {
        diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                 "image '%s' is larger than %u MiB; it was left out and its alt text kept", shown,
                 MEDIA_MAX_BYTES / (1024u * 1024u));
        return NULL;
    }
    return store_add(s, data, len, shown, article_file, line, diags);
}

const char *media_store_add_file(media_store *s, const char *fs_path, const char *article_file,
                                 int line, diag_list *diags)
{
    const char *ret = NULL;
    char *data = NULL;
    size_t len = 0;

    ret = strmap_get(s->by_path, fs_path);
    if (ret)
        goto out;
    file_read_status st = file_read_input(fs_path, MEDIA_MAX_BYTES, &s->output, &data, &len);
    switch (st) {
    case FILE_READ_OK:
        break;
    case FILE_READ_TOO_LARGE:
        diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                 "image '%s' is larger than %u MiB; it was left out and its alt text kept",
                 fs_path, MEDIA_MAX_BYTES / (1024u * 1024u));
        goto out;
    case FILE_READ_FOLDER:
        diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                 "image '%s' is a directory, not an image file; its alt text is kept", fs_path);
        goto out;
    case FILE_READ_IS_OUTPUT:
        /* Never a warning: the build would go on and replace the image with the book. */
        diag_add(diags, DIAG_ERROR, NULL, article_file, line, "image '%s': %s", fs_path,
                 file_read_reason(st, 0));
        s->output_refused = 1;
        goto out;
    case FILE_READ_SPECIAL:
        diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                 "image '%s' is not a regular file (a FIFO, socket or device); it was not read "
                 "and its alt text is kept",
                 fs_path);
        goto out;
    case FILE_READ_ERRNO:
        if (errno == ENOENT)
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "image '%s' not found; its alt text is kept (check the path, relative to "
                     "the article)",
                     fs_path);
        else
            diag_add(diags, DIAG_WARNING, NULL, article_file, line,
                     "image '%s' cannot be read: %s; its alt text is kept", fs_path,
                     strerror(errno));
        goto out;
    }
    ret = store_add(s, (const unsigned char *)data, len, fs_path, article_file, line, diags);
    if (ret)
        strmap_put(s->by_path, fs_path, (void *)ret);
out:
    free(data);
    return ret;
}

/*** showing an image ***/

xmlNodePtr media_append_image(xmlNodePtr parent, const char *src, const char *alt)
{
    xmlNsPtr ns = xmlSearchNsByHref(parent->doc, parent, (const xmlChar *)MEDIA_XHTML_NS);
    xmlNodePtr el;
    if (!alt)
        alt = "";
    if (media_kind_from_href(src) == MEDIA_WEBP) {
        el = xmlNewDocNode(parent->doc, ns, (const xmlChar *)"object", NULL);
        xmlSetProp(el, (const xmlChar *)"data", (const xmlChar *)src);
        xmlSetProp(el, (const xmlChar *)"type", (const xmlChar *)"image/webp");
        if (*alt)
            xmlAddChild(el, xmlNewDocText(parent->doc, (const xmlChar *)alt));
    } else {
        el = xmlNewDocNode(parent->doc, ns, (const xmlChar *)"img", NULL);
        xmlSetProp(el, (const xmlChar *)"src", (const xmlChar *)src);
        xmlSetProp(el, (const xmlChar *)"alt", (const xmlChar *)alt);
    }
    xmlAddChild(parent, el);
    return el;
}
