/* check_html.c: the HTML content model of XHTML content documents, checked while they are
 * scanned (SAX, no tree), from ONE table of the elements e-books use (base/html_model.h, which
 * the raw HTML sanitizer repairs by).
 *
 * Each element has categories (flow, phrasing, heading, sectioning, interactive, metadata...), a
 * content model (what its children may be: phrasing, flow, transparent, list items, table parts,
 * text, nothing...) and the descendants it forbids (no interactive content inside <a>, no <dfn>
 * inside <dfn>, no <form> inside <form>...). A transparent element (a, ins, del, object, map,
 * audio, video, canvas, noscript, slot) takes the model of its parent. What the rules find is an
 * RSC-005 error, as epubcheck reports schema violations: nested interactive content, block
 * content in phrasing-only elements, <li> outside a list, misplaced table rows and cells,
 * missing required children (head, body, title, a picture's img, a details' summary), text where
 * only elements may be, and elements HTML does not define. Content in other namespaces (SVG,
 * MathML, epub:switch...) is not checked here. The table follows the HTML Living Standard's
 * "Content model" and "Categories" entries, with the script-supporting elements (script,
 * template) allowed wherever elements are. */
#include "checker/check_internal.h"

#include "base/html_model.h"

/* html_element_find through a small cache keyed by the name's address: the parser hands out
 * element names from its dictionary, so one address is one name for the whole document. */
static const html_element *element_find_cached(html_state *h, const char *name)
{
    size_t k = ((uintptr_t)name >> 4) & (HTML_CACHE - 1);
    if (h->cache_key[k] == name)
        return h->cache_el[k];
    const html_element *el = html_element_find(name);
    h->cache_key[k] = name;
    h->cache_el[k] = el;
    return el;
}

/* What a model lets its children be, in words (for messages). */
static const char *model_words(int m)
{
    switch (m) {
    case HM_EMPTY:
        return "nothing";
    case HM_TEXT:
        return "text only";
    case HM_PHRASING:
    case HM_PHRASING_H:
    case HM_DATALIST:
    case HM_RUBY:
        return "phrasing content only (text and inline elements, no blocks)";
    case HM_LIST:
        return "li elements only";
    case HM_DL:
        return "dt and dd elements only";
    case HM_TABLE:
        return "caption, colgroup, thead, tbody, tr and tfoot only";
    case HM_TSECTION:
        return "tr elements only";
    case HM_TR:
        return "td and th elements only";
    case HM_COLGROUP:
        return "col elements only";
    case HM_HTML:
        return "head then body";
    case HM_HEAD:
        return "metadata only (title, meta, link, style, script, base)";
    case HM_SELECT:
        return "option and optgroup only";
    case HM_OPTGROUP:
        return "option elements only";
    case HM_PICTURE:
        return "source elements and one img";
    case HM_HGROUP:
        return "headings and p only";
    default:
        return "flow content";
    }
}

/*** The open elements ***/

void check_html_init(html_state *h)
{
    memset(h, 0, sizeof *h);
}

void check_html_release(html_state *h)
{
    free(h->f);
    memset(h, 0, sizeof *h);
}

/* The finding, within a per-document cap. */
static void html_error(html_state *h, item_job *job, const char *path, int line, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));
static void html_error(html_state *h, item_job *job, const char *path, int line, const char *fmt,
                       ...)
{
    if (h->n_errors++ >= 200) {
        if (h->n_errors == 201)
            check_job_finding(job, DIAG_ERROR, "RSC-005", path, line,
                              "more HTML content model errors in this document are not listed");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    check_job_finding(job, DIAG_ERROR, "RSC-005", path, line, "%s", msg);
    free(msg);
}

static html_frame *push(html_state *h)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->f = xrealloc(h->f, h->cap * sizeof *h->f);
    }
    html_frame *f = &h->f[h->n++];
    memset(f, 0, sizeof *f);
    return f;
}

/* Is a child of category set `cats` (element `el`) allowed by the effective model `m` of its
 * parent `pf`? Also advances the ordered models' stage. Returns NULL when allowed, else why not. */
static const char *model_allows(html_frame *pf, int m, const html_element *el)
{
    const char *n = el->name;
    unsigned c = el->cats;
    int script = (c & HC_SCRIPT) != 0;
    switch (m) {
    case HM_EMPTY:
        return "";
    case HM_TEXT:
        return "";
    case HM_ANY:
        return NULL;
    case HM_PHRASING:
        return (c & (HC_PHRASING | HC_BODY_OK)) ? NULL : "";
    case HM_PHRASING_H:
        return (c & (HC_PHRASING | HC_HEADING | HC_BODY_OK)) ? NULL : "";
    case HM_FLOW:
        return (c & (HC_FLOW | HC_BODY_OK)) ? NULL : "";
    case HM_LIST:
        return strcmp(n, "li") == 0 || script ? NULL : "";
    case HM_DL:
        if (strcmp(n, "dt") == 0) {
            pf->stage = 1;
            pf->count |= 1;
            return NULL;
        }
        if (strcmp(n, "dd") == 0) {
            if (pf->stage != 1 && pf->stage != 2)
                return "a dd must follow a dt";
            pf->stage = 2;
            return NULL;
        }
        if (strcmp(n, "div") == 0 && !pf->dl_in_div)
            return NULL;
        return script ? NULL : "";
    case HM_TABLE: {
        /* stages: 1 caption, 2 colgroup, 3 thead, 4 tbody, 5 tr, 6 tfoot */
        int s = strcmp(n, "caption") == 0    ? 1
                : strcmp(n, "colgroup") == 0 ? 2
                : strcmp(n, "thead") == 0    ? 3
                : strcmp(n, "tbody") == 0    ? 4
                : strcmp(n, "tr") == 0       ? 5
                : strcmp(n, "tfoot") == 0    ? 6
                                             : 0;
        if (!s)
            return script ? NULL : "";
        if ((s == 5 && (pf->count & 2)) || (s == 4 && (pf->count & 4)))
            return "a table holds either tbody elements or tr elements, not both";
        if (s < pf->stage || (s == pf->stage && (s == 1 || s == 3 || s == 6)))
            return "table parts must come in the order caption, colgroup, thead, tbody (or tr), "
                   "tfoot, each of caption, thead and tfoot at most once";
        if (s == 4)
            pf->count |= 2;
        if (s == 5)
            pf->count |= 4;
        pf->stage = (unsigned char)s;
        return NULL;
    }
    case HM_TSECTION:
        return strcmp(n, "tr") == 0 || script ? NULL : "";
    case HM_TR:
        return strcmp(n, "td") == 0 || strcmp(n, "th") == 0 || script ? NULL : "";
    case HM_COLGROUP:
        return strcmp(n, "col") == 0 || strcmp(n, "template") == 0 ? NULL : "";
    case HM_HTML:
        if (strcmp(n, "head") == 0) {
            if (pf->stage >= 1)
                return "html holds one head, before the body";
            pf->stage = 1;
            return NULL;
        }
        if (strcmp(n, "body") == 0) {
            if (pf->stage != 1)
                return pf->stage == 0 ? "the head must come before the body"
                                      : "html holds one body";
            pf->stage = 2;
            return NULL;
        }
        return "";
    case HM_HEAD:
        if (strcmp(n, "title") == 0)
            pf->count++;
        return (c & HC_METADATA) ? NULL : "";
    case HM_SELECT:
        return strcmp(n, "option") == 0 || strcmp(n, "optgroup") == 0 || strcmp(n, "hr") == 0 ||
                       script
                   ? NULL
                   : "";
    case HM_OPTGROUP:
        return strcmp(n, "option") == 0 || script ? NULL : "";
    case HM_DATALIST:
        return (c & HC_PHRASING) || strcmp(n, "option") == 0 ? NULL : "";
    case HM_RUBY:
        return (c & HC_PHRASING) || strcmp(n, "rt") == 0 || strcmp(n, "rp") == 0 ||
                       strcmp(n, "rb") == 0 || strcmp(n, "rtc") == 0
                   ? NULL
                   : "";
    case HM_PICTURE:
        if (strcmp(n, "source") == 0) {
            if (pf->stage)
                return "the source elements of a picture come before its img";
            return NULL;
        }
        if (strcmp(n, "img") == 0) {
            if (pf->stage)
                return "a picture holds one img";
            pf->stage = 1;
            return NULL;
        }
        return script ? NULL : "";
    case HM_FIGURE:
        if (strcmp(n, "figcaption") == 0) {
            if (pf->count & 1)
                return "a figure holds at most one figcaption";
            pf->count |= 1;
            pf->stage = pf->stage ? 2 : 1; /* 2: the caption came after content */
            return NULL;
        }
        if (pf->stage == 2)
            return "a figcaption must be the first or the last child of its figure";
        if (!pf->stage)
            pf->stage = 3; /* content seen first */
        return (c & HC_FLOW) ? NULL : "";
    case HM_FIELDSET:
        if (strcmp(n, "legend") == 0) {
            if (pf->stage)
                return "the legend must be the first child of its fieldset";
            pf->stage = 1;
            return NULL;
        }
        pf->stage = 1;
        return (c & HC_FLOW) ? NULL : "";
    case HM_DETAILS:
        if (strcmp(n, "summary") == 0) {
            if (pf->stage)
                return "the summary must be the first child of its details";
            pf->stage = 1;
            pf->count |= 1;
            return NULL;
        }
        pf->stage = 1;
        return (c & HC_FLOW) ? NULL : "";
    case HM_HGROUP:
        return (c & HC_HEADING) || strcmp(n, "p") == 0 || script ? NULL : "";
    }
    return NULL;
}

/* The model a transparent child of the first i open elements is checked against: the nearest
 * non-transparent ancestor's (what an ordered model becomes past its first children: flow).
 * Kept in each frame (`inherit`), so that deep nesting stays linear. */
static int effective_model(const html_state *h, size_t i)
{
    return i > 0 ? h->f[i - 1].inherit : HM_FLOW;
}

static int model_inherited(int model, int parent_inherit)
{
    if (model == HM_MEDIA || model == HM_OBJECT || model == HM_TRANSPARENT)
        return parent_inherit;
    if (model == HM_FIGURE || model == HM_FIELDSET || model == HM_DETAILS)
        return HM_FLOW;
    return model;
}

static int interactive(const html_element *el, const html_attrs *a)
{
    switch (el->interactive) {
    case HI_ALWAYS:
        return 1;
    case HI_HREF:
        return a->has_href;
    case HI_CONTROLS:
        return a->has_controls;
    case HI_USEMAP:
        return a->has_usemap;
    case HI_NOT_HIDDEN:
        return !a->type_hidden;
    }
    return 0;
}

/* The first category in `bits` of the forbidden-descendant rules, in words. */
static const char *forbid_words(unsigned bits)
{
    if (bits & HC_A)
        return "an a element";
    if (bits & HC_INTERACTIVE)
        return "interactive content (links, buttons, form controls, media with controls)";
    if (bits & HC_FORM)
        return "a form";
    if (bits & HC_LABEL)
        return "a label";
    if (bits & HC_DFN)
        return "a dfn";
    if (bits & HC_HEADER_FOOTER)
        return "a header or footer";
    if (bits & HC_ADDRESS)
        return "an address";
    if (bits & HC_MEDIA)
        return "an audio or video element";
    if (bits & HC_PROGRESS)
        return "a progress element";
    if (bits & HC_METER)
        return "a meter element";
    if (bits & HC_TABLE)
        return "a table";
    if (bits & HC_MAIN)
        return "a main element";
    if (bits & HC_HEADING)
        return "a heading";
    return "sectioning content";
}

void check_html_start(html_state *h, item_job *job, const char *path, int line, const char *name,
                      int xhtml, const html_attrs *a)
{
    html_frame *pf = h->n ? &h->f[h->n - 1] : NULL;
    if (pf && pf->skip) {
        html_frame *f = push(h);
        f->skip = 1;
        f->inherit = HM_FLOW;
        return;
    }
    if (!xhtml) {
        /* svg, math and other namespaces: phrasing, embedded; their content is not checked */
        if (pf && h->n > 0) {
            int m = pf->model == HM_TRANSPARENT || pf->model == HM_MEDIA || pf->model == HM_OBJECT
                        ? effective_model(h, h->n)
                        : pf->model;
            if (m == HM_EMPTY || m == HM_TEXT || m == HM_LIST || m == HM_TABLE ||
                m == HM_TSECTION || m == HM_TR || m == HM_HTML || m == HM_SELECT)
                html_error(h, job, path, line,
                           "element \"%s\" is not allowed inside \"%s\", which holds %s", name,
                           html_elements[pf->el].name, model_words(m));
        }
        html_frame *f = push(h);
        f->skip = 1;
        f->inherit = HM_FLOW;
        return;
    }
    const html_element *el = element_find_cached(h, name);
    if (!el) {
        html_error(h, job, path, line,
                   "element \"%s\" is not an HTML element (obsolete or misspelt); use an element "
                   "HTML defines, or a span or div with a class",
                   name);
        html_frame *f = push(h);
        f->skip = 1;
        f->inherit = HM_FLOW;
        return;
    }
    unsigned cats = el->cats;
    if (interactive(el, a))
        cats |= HC_INTERACTIVE;
    if (!pf) {
        if (strcmp(name, "html") != 0)
            html_error(h, job, path, line, "the root element must be html, not \"%s\"", name);
    } else {
        int m = pf->model;
        /* audio, video: sources and tracks first; object: params first */
        if (m == HM_MEDIA || m == HM_OBJECT) {
            int lead = m == HM_MEDIA ? (strcmp(name, "source") == 0 || strcmp(name, "track") == 0)
                                     : strcmp(name, "param") == 0;
            if (lead) {
                if (pf->stage)
                    html_error(h, job, path, line,
                               "the %s elements of \"%s\" must come before its other content",
                               name, html_elements[pf->el].name);
                if (m == HM_MEDIA && strcmp(name, "source") == 0 && pf->has_src)
                    html_error(h, job, path, line,
                               "\"%s\" has a src attribute, so it must not hold source elements",
                               html_elements[pf->el].name);
                m = HM_ANY;
            } else {
                pf->stage = 1;
                m = effective_model(h, h->n);
            }
        } else if (m == HM_TRANSPARENT) {
            m = effective_model(h, h->n);
        }
        const char *why = model_allows(pf, m, el);
        if (why) {
            if (*why)
                html_error(h, job, path, line, "element \"%s\" is not allowed here: %s", name, why);
            else if (strcmp(name, "li") == 0)
                html_error(h, job, path, line,
                           "element \"li\" is not allowed inside \"%s\"; a list item belongs in "
                           "ol, ul or menu",
                           html_elements[pf->el].name);
            else if (strcmp(name, "tr") == 0 || strcmp(name, "td") == 0 ||
                     strcmp(name, "th") == 0)
                html_error(h, job, path, line,
                           "element \"%s\" is not allowed inside \"%s\"; table rows belong in a "
                           "table, thead, tbody or tfoot, cells in a tr",
                           name, html_elements[pf->el].name);
            else
                html_error(h, job, path, line,
                           "element \"%s\" is not allowed inside \"%s\", which holds %s", name,
                           html_elements[pf->el].name, model_words(m));
        }
        unsigned bad = cats & pf->forbid;
        if (bad)
            html_error(h, job, path, line,
                       "element \"%s\" is not allowed inside this \"%s\": %s must not contain %s%s",
                       name, html_elements[pf->forbid_by].name, html_elements[pf->forbid_by].name,
                       forbid_words(bad),
                       (bad & (HC_A | HC_INTERACTIVE)) ? " (links must not nest)" : "");
    }
    size_t parent = h->n;
    html_frame *f = push(h);
    pf = parent ? &h->f[parent - 1] : NULL;
    f->el = (short)(el - html_elements);
    f->model = el->model;
    f->line = line;
    f->forbid = pf ? pf->forbid : 0;
    f->forbid_by = pf ? pf->forbid_by : 0;
    if (el->forbid) {
        f->forbid |= el->forbid;
        f->forbid_by = f->el;
    }
    f->has_src = (unsigned char)a->has_src;
    /* a div inside a dl holds dt and dd groups */
    if (pf && pf->model == HM_DL && strcmp(name, "div") == 0) {
        f->model = HM_DL;
        f->dl_in_div = 1;
    }
    f->inherit = (unsigned char)model_inherited(f->model, pf ? pf->inherit : HM_FLOW);
}

void check_html_text(html_state *h, item_job *job, const char *path, int line, const char *text,
                     size_t len)
{
    if (!h->n)
        return;
    html_frame *f = &h->f[h->n - 1];
    if (f->skip)
        return;
    int m = f->model;
    if (m == HM_TEXT) {
        if (!f->has_text)
            for (size_t i = 0; i < len; i++)
                if (!check_is_space((unsigned char)text[i])) {
                    f->has_text = 1;
                    break;
                }
        return;
    }
    if (m == HM_TRANSPARENT || m == HM_MEDIA || m == HM_OBJECT) {
        int em = effective_model(h, h->n);
        if (em == HM_PHRASING || em == HM_FLOW || em == HM_PHRASING_H || em == HM_ANY ||
            em == HM_DATALIST || em == HM_RUBY)
            return;
        m = em;
    }
    if (m == HM_PHRASING || m == HM_FLOW || m == HM_PHRASING_H || m == HM_ANY ||
        m == HM_DATALIST || m == HM_RUBY || m == HM_FIGURE || m == HM_FIELDSET ||
        m == HM_DETAILS)
        return;
    for (size_t i = 0; i < len; i++) {
        if (!check_is_space((unsigned char)text[i])) {
            if (!f->text_reported) {
                f->text_reported = 1;
                html_error(h, job, path, line,
                           "text is not allowed directly inside \"%s\", which holds %s",
                           html_elements[f->el].name, model_words(m));
            }
            return;
        }
    }
}

void check_html_end(html_state *h, item_job *job, const char *path, int line)
{
    if (!h->n)
        return;
    html_frame *f = &h->f[h->n - 1];
    if (!f->skip) {
        const char *name = html_elements[f->el].name;
        switch (f->model) {
        case HM_HTML:
            if (f->stage < 2)
                html_error(h, job, path, f->line, "the html element has no %s",
                           f->stage == 0 ? "head and no body" : "body");
            break;
        case HM_HEAD:
            if (f->count == 0)
                html_error(h, job, path, f->line,
                           "the head has no title; every XHTML content document needs one");
            else if (f->count > 1)
                html_error(h, job, path, f->line, "the head has %u title elements; keep one",
                           f->count);
            break;
        case HM_TEXT:
            if (strcmp(name, "title") == 0 && !f->has_text)
                html_error(h, job, path, f->line,
                           "the title element is empty; give the document a title");
            break;
        case HM_PICTURE:
            if (!f->stage)
                html_error(h, job, path, f->line, "a picture element needs an img");
            break;
        case HM_DETAILS:
            if (!(f->count & 1))
                html_error(h, job, path, f->line,
                           "a details element needs a summary as its first child");
            break;
        case HM_DL:
            if (f->stage == 1)
                html_error(h, job, path, line, "the last dt of a %s has no dd", name);
            break;
        }
    }
    h->n--;
}
