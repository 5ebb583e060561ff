/* html_model.h: the HTML content model of the elements e-books use, in ONE table.
 *
 * Each element has categories (flow, phrasing, heading, sectioning, interactive, metadata...), a
 * content model (what its children may be: phrasing, flow, transparent, list items, table parts,
 * text, nothing...) and the descendants it forbids (no interactive content inside <a>, no <dfn>
 * inside <dfn>, no heading inside <th> or <address>...). The table follows the HTML Living
 * Standard's "Content model" and "Categories" entries, with the script-supporting elements
 * (script, template) allowed wherever elements are.
 *
 * Two stages read it: the checker (checker/check_html.c) reports what breaks it, as epubcheck
 * does (RSC-005), and the raw HTML sanitizer (writers/sanitize.c) repairs what would break it,
 * so that what sheaf writes and what it checks follow the same rules. */
#ifndef SHEAF_HTML_MODEL_H
#define SHEAF_HTML_MODEL_H

#include <stddef.h>

/* Categories (and the bits of the forbidden-descendant masks). */
enum {
    HC_FLOW = 1u << 0,
    HC_PHRASING = 1u << 1,
    HC_HEADING = 1u << 2,
    HC_SECTIONING = 1u << 3,
    HC_INTERACTIVE = 1u << 4,
    HC_METADATA = 1u << 5,
    HC_SCRIPT = 1u << 6, /* script-supporting: script, template */
    HC_A = 1u << 7,
    HC_FORM = 1u << 8,
    HC_LABEL = 1u << 9,
    HC_DFN = 1u << 10,
    HC_HEADER_FOOTER = 1u << 11,
    HC_ADDRESS = 1u << 12,
    HC_MEDIA = 1u << 13,
    HC_PROGRESS = 1u << 14,
    HC_METER = 1u << 15,
    HC_TABLE = 1u << 16,
    HC_MAIN = 1u << 17,
    HC_BODY_OK = 1u << 18, /* metadata allowed in the body as phrasing: link, meta, style */
};

/* Interactive only with an attribute (HTML "interactive content" conditions). */
enum { HI_ALWAYS = 1, HI_HREF, HI_CONTROLS, HI_USEMAP, HI_NOT_HIDDEN };

/* Content models. */
enum {
    HM_EMPTY,       /* void elements and "nothing" */
    HM_TEXT,        /* text only: title, script, style, textarea, option */
    HM_PHRASING,
    HM_FLOW,
    HM_TRANSPARENT, /* the parent's model */
    HM_MEDIA,       /* audio, video: source*, track*, then transparent without media */
    HM_OBJECT,      /* param*, then transparent */
    HM_LIST,        /* ol, ul, menu: li */
    HM_DL,          /* dt and dd groups, or div holding them */
    HM_TABLE,       /* caption?, colgroup*, thead?, (tbody* | tr*), tfoot? */
    HM_TSECTION,    /* thead, tbody, tfoot: tr */
    HM_TR,          /* td, th */
    HM_COLGROUP,    /* col */
    HM_HTML,        /* head, body */
    HM_HEAD,        /* metadata content, one title */
    HM_SELECT,      /* option, optgroup, hr */
    HM_OPTGROUP,    /* option */
    HM_DATALIST,    /* phrasing or option */
    HM_RUBY,        /* phrasing, rt, rp, rb, rtc */
    HM_PICTURE,     /* source*, img */
    HM_FIGURE,      /* figcaption first or last, flow */
    HM_FIELDSET,    /* legend first, flow */
    HM_DETAILS,     /* summary first, flow */
    HM_PHRASING_H,  /* summary, legend: phrasing or heading content */
    HM_HGROUP,      /* p and headings */
    HM_ANY,         /* template: anything */
};

typedef struct html_element {
    const char *name;
    unsigned cats;      /* HC_* it belongs to (HC_INTERACTIVE: see `interactive`) */
    unsigned char model;
    unsigned char interactive; /* HI_* */
    unsigned forbid;    /* HC_* categories its descendants must not have */
} html_element;

/* The elements, sorted by name; html_elements_count of them. Static data, never freed. */
extern const html_element html_elements[];
extern const size_t html_elements_count;

/* The element named `name` (lowercase, no prefix), or NULL when HTML does not define it. */
const html_element *html_element_find(const char *name);

#endif
