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

xmlDocPtr template_load(const char *dir, const char *name, diag_list *diags)
{
    xmlDocPtr doc = NULL;
    char *path = NULL, *data = NULL;
    size_t len = 0;
    const char *label;
    struct parse_error pe = {0, ""};
    xmlParserCtxtPtr ctxt = NULL;

    if (dir) {
        path = xasprintf("%s/%s", dir, name);
        if (file_read_all(path, 16 << 20, &data, &len) != 0) {
            if (errno != ENOENT) {
                diag_add(diags, DIAG_ERROR, NULL, path, 0, "cannot read template: %s",
                         strerror(errno));
                goto out;
            }
            free(path);
            path = NULL;
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
    }
out:
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    free(path);
    free(data);
    return doc;
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
