/* template.h: the skeleton documents in templates/ (compiled in, or from --template-dir) and
 * the stylesheets in styles/.
 *
 * A template is a well-formed XML file in which elements of the namespace "urn:sheaf:template"
 * are placeholders: <s:slot name="N"/> is replaced by the value N (text or nodes), and an
 * element carrying s:if="N" is dropped when N has no value. Comments are dropped. */
#ifndef SHEAF_TEMPLATE_H
#define SHEAF_TEMPLATE_H

#include <libxml/tree.h>

#include "base/diag.h"
#include "base/util.h"

#define TEMPLATE_NS "urn:sheaf:template"
#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define EPUB_OPS_NS "http://www.idpf.org/2007/ops"

typedef struct template_value {
    const char *name;
    const char *text;    /* text value, or NULL */
    xmlNodePtr nodes;    /* a sibling list (in the target document) inserted instead of text */
    int move;            /* 1: the nodes are moved into the first slot (and only that one);
                          * keep them as the children of a holder element, so that whatever
                          * is not placed stays there for the caller to free */
} template_value;

/* Parse template `name` (e.g. "chapter.xhtml") from `dir` when dir is set and holds that file,
 * else from the compiled-in copy. Returns a document the caller frees with xmlFreeDoc, or NULL
 * with an error diagnostic naming the file and line. */
xmlDocPtr template_load(const char *dir, const char *name, diag_list *diags);
/* The same, refusing a file with the identity `output` (the book being written; may be NULL).
 * A template from `dir` is also refused when its DOCTYPE declares anything (entities above
 * all), when it refers to an entity, or when it lacks a slot its document needs (chapter.xhtml:
 * body; cover.xhtml: cover; nav.xhtml: toc; toc.ncx: head and navmap; package.opf: metadata,
 * manifest and spine): the error names the file, and the slot. */
xmlDocPtr template_load_checked(const char *dir, const char *name, const file_id *output,
                                diag_list *diags);
/* Load every template of `dir` that overrides one of sheaf's with template_load_checked, before
 * a build starts. Returns 0, or -1 with an error per bad template. */
int template_dir_check(const char *dir, const file_id *output, diag_list *diags);

/* Replace slots and resolve s:if in doc with `values`; strips every trace of the template
 * namespace and all comments. Values absent from the array count as empty. */
void template_apply(xmlDocPtr doc, const template_value *values, size_t n);

/* A compiled-in stylesheet by name ("default", "plain"), NUL-terminated; NULL if unknown. The
 * "default" style includes the interview rules. The caller frees the result. */
char *style_get(const char *name, size_t *len);

/* The compiled-in file `path` ("templates/x" or "styles/x"), or NULL. Not to be freed. */
const unsigned char *embedded_get(const char *path, size_t *len);

/* Safe XML parse options for documents sheaf reads (templates, user files): no network, no
 * entity substitution, no DTD loading. */
#define SHEAF_XML_READ_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA)

#endif
