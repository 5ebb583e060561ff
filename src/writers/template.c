/* template.c: loading and filling skeleton documents. */
#include "writers/template.h"

#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "base/util.h"

const unsigned char *embedded_get(const char *path, size_t *len)
{
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strcmp(f->name, path) == 0) {
            if (len)
                *len = f->len;
            return f->data;
        }
    }
    return NULL;
}

char *style_get(const char *name, size_t *len)
{
    strbuf b = STRBUF_INIT;
    const unsigned char *data;
    size_t n;
    const char *parts[3] = {NULL, NULL, NULL};

    if (strcmp(name, "default") == 0) {
        parts[0] = "styles/default.css";
        parts[1] = "styles/interview.css";
    } else if (strcmp(name, "plain") == 0) {
        parts[0] = "styles/plain.css";
        parts[1] = "styles/interview-plain.css";
    } else {
        return NULL;
    }
    for (int i = 0; parts[i]; i++) {
        data = embedded_get(parts[i], &n);
        if (!data)
            continue;
        if (b.len)
            strbuf_addc(&b, '\n');
        strbuf_add(&b, data, n);
    }
    return strbuf_detach(&b, len);
}

/* The line and message of the last parse error of ctxt, if any. */
struct parse_error {
    int line;
    char message[256];
};

static void parse_error_get(xmlParserCtxtPtr ctxt, struct parse_error *pe)
{
    xmlErrorPtr err = xmlCtxtGetLastError(ctxt);
    if (ctxt->wellFormed && !err)
        return;
    pe->line = err && err->line > 0 ? err->line : 1;
    snprintf(pe->message, sizeof pe->message, "%s",
             err && err->message ? err->message : "not well-formed");
    size_t n = strlen(pe->message);
    while (n > 0 && pe->message[n - 1] == '\n')
        pe->message[--n] = '\0';
}

/* The slots without which a template would give an empty or invalid document. */
static const struct {
    const char *name;
    const char *slots[4];
    const char *what;
} required_slots[] = {
    {"chapter.xhtml", {"body"}, "every chapter would be empty"},
    {"cover.xhtml", {"cover"}, "the cover page would have no picture"},
    {"nav.xhtml", {"toc"}, "the table of contents would be empty"},
    {"toc.ncx", {"head", "navmap"}, "the NCX would be empty"},
    {"package.opf", {"metadata", "manifest", "spine"}, "the package document would be empty"},
};

/* 1 when doc has <s:slot name="slot"/>. */
static int slot_present(xmlNodePtr n, const char *slot)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns && n->ns->href && strcmp((const char *)n->ns->href, TEMPLATE_NS) == 0 &&
            strcmp((const char *)n->name, "slot") == 0) {
            xmlChar *v = xmlGetProp(n, (const xmlChar *)"name");
            int same = v && strcmp((const char *)v, slot) == 0;
            xmlFree(v);
            if (same)
                return 1;
        }
        if (slot_present(n->children, slot))
            return 1;
    }
    return 0;
}

/* The first entity reference under n, or NULL. */
static xmlNodePtr entity_ref_find(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ENTITY_REF_NODE)
            return n;
        if (n->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                xmlNodePtr r = entity_ref_find(a->children);
                if (r)
                    return r;
            }
            xmlNodePtr r = entity_ref_find(n->children);
            if (r)
                return r;
        }
    }
    return NULL;
}

/* What a template may not hold: a DOCTYPE with declarations (entities, above all external ones,
 * would reach the book unexpanded or load a file), references to entities, and slots missing
 * that its documents need. Adds an error naming `label` and returns -1. */
static int template_vet(xmlDocPtr doc, const char *name, const char *label, diag_list *diags)
{
    xmlDtdPtr dtd = doc->intSubset;
    if (dtd && dtd->children) {
        diag_add(diags, DIAG_ERROR, NULL, label, 0,
                 "the template's DOCTYPE declares entities or other markup (an internal subset "
                 "in [...]); a book's documents cannot use them: remove the [...] part");
        return -1;
    }
    xmlNodePtr ref = entity_ref_find(doc->children);
    if (ref) {
        diag_add(diags, DIAG_ERROR, NULL, label, ref->line > 0 ? ref->line : 0,
                 "the template uses the entity '&%s;'; write the character itself instead",
                 (const char *)ref->name);
        return -1;
    }
    for (size_t i = 0; i < sizeof required_slots / sizeof required_slots[0]; i++) {
        if (strcmp(required_slots[i].name, name) != 0)
            continue;
        for (size_t k = 0; k < 4 && required_slots[i].slots[k]; k++) {
            const char *slot = required_slots[i].slots[k];
            if (!slot_present(doc->children, slot)) {
                diag_add(diags, DIAG_ERROR, NULL, label, 0,
                         "the template has no <s:slot name=\"%s\"/>, so %s; add it where that "
                         "content goes (xmlns:s=\"" TEMPLATE_NS "\")",
                         slot, required_slots[i].what);
                return -1;
            }
        }
    }
    return 0;
}

xmlDocPtr template_load(const char *dir, const char *name, diag_list *diags)
{
    return template_load_checked(dir, name, NULL, diags);
}

xmlDocPtr template_load_checked(const char *dir, const char *name, const file_id *output,
                                diag_list *diags)
{
    xmlDocPtr doc = NULL;
    char *path = NULL, *data = NULL;
    size_t len = 0;
    const char *label;
    struct parse_error pe = {0, ""};
    xmlParserCtxtPtr ctxt = NULL;

    if (dir) {
        path = xasprintf("%s/%s", dir, name);
        file_read_status st = file_read_input(path, 16 << 20, output, &data, &len);
        if (st == FILE_READ_ERRNO && errno == ENOENT) {
            free(path);
            path = NULL;
        } else if (st != FILE_READ_OK) {
            diag_add(diags, DIAG_ERROR, NULL, path, 0, "cannot read the template: %s",
                     st == FILE_READ_TOO_LARGE ? "it is larger than 16 MiB"
                                               : file_read_reason(st, errno));
            goto out;
        }
    }
    if (!data) {
        char *epath = xasprintf("templates/%s", name);
        const unsigned char *e = embedded_get(epath, &len);
        free(epath);
        if (!e) {
            diag_add(diags, DIAG_ERROR, NULL, name, 0, "no such template");
            goto out;
        }
        data = xstrndup((const char *)e, len);
    }
    label = path ? path : name;
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        goto out;
    /* Nothing is loaded: no external subset, no external entity, whatever the DOCTYPE says. */
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->resolveEntity = NULL;
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, label, "UTF-8",
                            SHEAF_XML_READ_OPTIONS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    parse_error_get(ctxt, &pe);
    if (!doc || pe.line) {
        diag_add(diags, DIAG_ERROR, NULL, label, pe.line,
                 "template is not well-formed XML: %s; fix it or remove it from the template "
                 "folder to use the built-in one",
                 pe.line ? pe.message : "parse failed");
        xmlFreeDoc(doc);
        doc = NULL;
    } else if (path && template_vet(doc, name, label, diags) != 0) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
out:
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    free(path);
    free(data);
    return doc;
}

int template_dir_check(const char *dir, const file_id *output, diag_list *diags)
{
    static const char *const names[] = {"chapter.xhtml", "titlepage.xhtml", "cover.xhtml",
                                        "nav.xhtml",     "toc.ncx",         "package.opf",
                                        "container.xml"};
    int ret = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        xmlDocPtr doc = template_load_checked(dir, names[i], output, diags);
        if (!doc)
            ret = -1;
        xmlFreeDoc(doc);
    }
    return ret;
}

static const template_value *value_find(const template_value *values, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i].name, name) == 0)
            return &values[i];
    return NULL;
}

static int value_is_set(const template_value *v)
{
    return v && ((v->text && *v->text) || v->nodes);
}

static int node_in_template_ns(xmlNodePtr node)
{
    return node->ns && node->ns->href && strcmp((const char *)node->ns->href, TEMPLATE_NS) == 0;
}

struct apply_state {
    const template_value *values;
    size_t n;
    int *moved; /* per value: nodes already moved once */
};

static void slot_replace(xmlNodePtr slot, struct apply_state *st)
{
    xmlChar *name = xmlGetProp(slot, (const xmlChar *)"name");
    const template_value *v = name ? value_find(st->values, st->n, (const char *)name) : NULL;
    if (v && v->nodes) {
        size_t idx = (size_t)(v - st->values);
        xmlNodePtr list = NULL;
        if (!v->move)
            list = xmlDocCopyNodeList(slot->doc, v->nodes);
        else if (!st->moved[idx])
            list = v->nodes;
        st->moved[idx] = 1;
        for (xmlNodePtr c = list; c;) {
            xmlNodePtr next = c->next;
            xmlUnlinkNode(c);
            xmlAddPrevSibling(slot, c);
            c = next;
        }
    } else if (v && v->text) {
        xmlNodePtr t = xmlNewDocText(slot->doc, (const xmlChar *)v->text);
        xmlAddPrevSibling(slot, t);
    }
    xmlFree(name);
    xmlUnlinkNode(slot);
    xmlFreeNode(slot);
}

static void apply_walk(xmlNodePtr node, struct apply_state *st)
{
    xmlNodePtr next;
    for (; node; node = next) {
        next = node->next;
        if (node->type == XML_COMMENT_NODE) {
            xmlUnlinkNode(node);
            xmlFreeNode(node);
            continue;
        }
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (node_in_template_ns(node)) {
            if (strcmp((const char *)node->name, "slot") == 0) {
                slot_replace(node, st);
            } else {
                xmlUnlinkNode(node);
                xmlFreeNode(node);
            }
            continue;
        }
        xmlAttrPtr cond = xmlHasNsProp(node, (const xmlChar *)"if", (const xmlChar *)TEMPLATE_NS);
        if (cond) {
            xmlChar *name = xmlNodeGetContent((xmlNodePtr)cond);
            int keep = name && value_is_set(value_find(st->values, st->n, (const char *)name));
            xmlFree(name);
            if (!keep) {
                xmlUnlinkNode(node);
                xmlFreeNode(node);
                continue;
            }
            xmlRemoveProp(cond);
        }
        apply_walk(node->children, st);
    }
}

/* Drop the template namespace declaration once nothing uses it. */
static void ns_strip(xmlNodePtr node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        xmlNsPtr *link = &node->nsDef;
        while (*link) {
            xmlNsPtr ns = *link;
            if (ns->href && strcmp((const char *)ns->href, TEMPLATE_NS) == 0) {
                *link = ns->next;
                ns->next = NULL;
                xmlFreeNs(ns);
            } else {
                link = &ns->next;
            }
        }
        ns_strip(node->children);
    }
}

void template_apply(xmlDocPtr doc, const template_value *values, size_t n)
{
    struct apply_state st = {values, n, xcalloc(n ? n : 1, sizeof(int))};
    /* Top-level comments (outside the root) go too. */
    apply_walk(doc->children, &st);
    ns_strip(xmlDocGetRootElement(doc));
    free(st.moved);
}
