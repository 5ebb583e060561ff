/* html5.c: gumbo's HTML5 tree builder, guarded for linear time, rebuilt as a libxml2 tree. */
#include "base/html5.h"

#include <gumbo.h>
#include <stdint.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"

/*** The guard: a scan with the tokenizer's rules, before gumbo ***/

typedef struct guard {
    const char *in;
    size_t len;
    strbuf out;     /* the rewritten input, started at the first change */
    size_t copied;  /* in[0..copied) is in out */
    int changed;
    int depth;      /* open elements that can nest (see tag_nests) */
    int formatting; /* open formatting elements */
    int depth_excess, formatting_excess; /* start tags dropped, whose end tags are dropped too */
    int seen_html, seen_body;
    int ld_json;    /* the last start tag had type="application/ld+json" */
    int pre;        /* open <pre> and <listing> elements: their whitespace is theirs */
    int line;       /* line at `line_pos` */
    size_t line_pos;
    html5_report *rep;
} guard;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The line of position pos (positions only move forward). */
static int guard_line(guard *g, size_t pos)
{
    for (; g->line_pos < pos; g->line_pos++)
        g->line += g->in[g->line_pos] == '\n';
    return g->line;
}

/* Copy in[copied..pos) to the output, starting the output at the first change. */
static void guard_copy(guard *g, size_t pos)
{
    if (!g->changed) {
        g->changed = 1;
        strbuf_grow(&g->out, g->len + 1);
    }
    strbuf_add(&g->out, g->in + g->copied, pos - g->copied);
    g->copied = pos;
}

/* Leave out in[from..to), keeping its newlines when `keep_newlines` (inside a tag they are
 * whitespace, and they keep the lines of later messages right). */
static void guard_skip(guard *g, size_t from, size_t to, int keep_newlines)
{
    guard_copy(g, from);
    if (keep_newlines)
        for (size_t i = from; i < to; i++)
            if (g->in[i] == '\n')
                strbuf_addc(&g->out, '\n');
    g->copied = to;
}

/* Elements whose start tag closes an earlier one of their kind, or that are void, or that
 * only live in a table or in the document's frame, cannot nest deeply without elements that
 * do; only the others count towards the depth. */
static int tag_nests(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_HR: case GUMBO_TAG_IMG: case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_INPUT: case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_WBR: case GUMBO_TAG_BASEFONT:
    case GUMBO_TAG_BGSOUND: case GUMBO_TAG_FRAME: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_MENUITEM:
    case GUMBO_TAG_P: case GUMBO_TAG_LI: case GUMBO_TAG_DT: case GUMBO_TAG_DD:
    case GUMBO_TAG_OPTION: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_RB: case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC: case GUMBO_TAG_RP: case GUMBO_TAG_TR: case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_COLGROUP: case GUMBO_TAG_CAPTION: case GUMBO_TAG_HTML: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_BODY: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_A:
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_NOBR: case GUMBO_TAG_FORM: case GUMBO_TAG_SELECT:
    /* raw text: their content is text up to their end tag */
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_TITLE: case GUMBO_TAG_PLAINTEXT:
        return 0;
    default:
        return 1;
    }
}

/* The formatting elements the tree builder reopens in every new block while they are open. */
static int tag_formatting(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_B: case GUMBO_TAG_BIG: case GUMBO_TAG_CODE: case GUMBO_TAG_EM:
    case GUMBO_TAG_FONT: case GUMBO_TAG_I: case GUMBO_TAG_S: case GUMBO_TAG_SMALL:
    case GUMBO_TAG_STRIKE: case GUMBO_TAG_STRONG: case GUMBO_TAG_TT: case GUMBO_TAG_U:
        return 1;
    default:
        return 0;
    }
}

/* Elements whose content is text up to their end tag. */
static int tag_raw_text(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_TITLE:
        return 1;
    default:
        return 0;
    }
}

/* Attributes no stage reads: event handlers (on...), and data-* and aria-* (but aria-hidden and
 * aria-modal, which say what is hidden) outside the elements whose data-* attributes name
 * images and players (lazy loading). Real pages carry many; no point building them. `name` is
 * `len` bytes, in any case. */
static int attr_wanted(const char *name, size_t len, int media)
{
    char low[12];
    size_t k = len < sizeof low - 1 ? len : sizeof low - 1;
    for (size_t i = 0; i < k; i++)
        low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    low[k] = '\0';
    if (len > 2 && low[0] == 'o' && low[1] == 'n')
        return 0;
    if (!media && len > 5 && strncmp(low, "data-", 5) == 0)
        return 0;
    if (len > 5 && strncmp(low, "aria-", 5) == 0)
        return (len == 11 && !strcmp(low, "aria-hidden")) || (len == 10 && !strcmp(low, "aria-modal"));
    return 1;
}

/* Elements whose data-* attributes are kept (<picture> has no tag number in gumbo). */
static int tag_media(GumboTag t)
{
    return t == GUMBO_TAG_IMG || t == GUMBO_TAG_SOURCE || t == GUMBO_TAG_FIGURE ||
           t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_EMBED || t == GUMBO_TAG_OBJECT ||
           t == GUMBO_TAG_VIDEO || t == GUMBO_TAG_AUDIO || t == GUMBO_TAG_UNKNOWN;
}

/* From p (just after "<name" or "</name"), past the tag's attributes: returns the position
 * just after its '>' (or len when the input ends first). Attributes past `max_attrs` are left
 * out of the output (with their newlines), counted in the report. *self_closing is set when
 * the tag ends with "/>". */
static size_t guard_attributes(guard *g, size_t p, size_t name_end, int max_attrs, int media,
                               int *self_closing)
{
    const char *s = g->in;
    size_t n = g->len, cut = 0;
    int count = 0;
    *self_closing = 0;
    g->ld_json = 0;
    for (;;) {
        while (p < n && (is_space(s[p]) || (s[p] == '/' && p + 1 < n && s[p + 1] != '>')))
            p++;
        if (p >= n)
            return n;
        if (s[p] == '>' || (s[p] == '/' && s[p + 1] == '>')) {
            size_t end = p;
            *self_closing = s[p] == '/';
            p += *self_closing ? 2 : 1;
            if (cut) {
                guard_skip(g, cut, end, 1);
                if (g->rep) {
                    g->rep->attrs_dropped += (size_t)(count - max_attrs);
                    if (!g->rep->first_attrs_line)
                        g->rep->first_attrs_line = guard_line(g, name_end);
                }
            }
            return p;
        }
        if (count == max_attrs && !cut)
            cut = max_attrs == 0 ? name_end : p;
        count++;
        /* the name: anything up to space, '/', '>' or a '=' after its first character */
        size_t an = p;
        p++;
        while (p < n && !is_space(s[p]) && s[p] != '/' && s[p] != '>' && s[p] != '=')
            p++;
        size_t name_len = p - an;
        int is_type = p - an == 4 && (s[an] | 0x20) == 't' && (s[an + 1] | 0x20) == 'y' &&
                      (s[an + 2] | 0x20) == 'p' && (s[an + 3] | 0x20) == 'e';
        while (p < n && is_space(s[p]))
            p++;
        if (p < n && s[p] == '=') {
            p++;
            while (p < n && is_space(s[p]))
                p++;
            size_t vs = p, ve;
            if (p < n && (s[p] == '"' || s[p] == '\'')) {
                const char *q = memchr(s + p + 1, s[p], n - p - 1);
                vs = p + 1;
                ve = q ? (size_t)(q - s) : n;
                p = q ? (size_t)(q - s) + 1 : n;
            } else {
                while (p < n && !is_space(s[p]) && s[p] != '>')
                    p++;
                ve = p;
            }
            if (is_type && ve - vs == 19 && memcmp(s + vs, "application/ld+json", 19) == 0)
                g->ld_json = 1;
        }
        if (media >= 0 && !cut && !attr_wanted(s + an, name_len, media))
            guard_skip(g, an, p, 1);
    }
}

/* The end of raw text started at p for element `name` (nlen bytes): the position of its
 * "</name" end tag, or len. */
static size_t guard_raw_text_end(const guard *g, size_t p, const char *name, size_t nlen)
{
    const char *s = g->in;
    size_t n = g->len;
    while (p < n) {
        const char *lt = memchr(s + p, '<', n - p);
        if (!lt)
            return n;
        p = (size_t)(lt - s);
        if (p + 2 + nlen <= n && s[p + 1] == '/') {
            size_t i = 0;
            while (i < nlen && (s[p + 2 + i] | 0x20) == name[i])
                i++;
            if (i == nlen && (p + 2 + nlen == n || is_space(s[p + 2 + nlen]) ||
                              s[p + 2 + nlen] == '/' || s[p + 2 + nlen] == '>'))
                return p;
        }
        p++;
    }
    return n;
}

/* Run the guard over the input; returns 1 with the rewritten input in g->out when something
 * was changed. */
/* Text between tags, outside <pre>: runs of whitespace become one character (a newline when
 * the run has one; every newline is kept, so lines stay right), as the page will be laid out
 * anyway. Indentation is often a quarter of a page, and gumbo reads it a character at a time. */
static void guard_text(guard *g, size_t from, size_t to)
{
    const char *s = g->in;
    size_t i = from;
    while (i + 1 < to) {
        if (!is_space(s[i]) || !is_space(s[i + 1])) {
            i++;
            continue;
        }
        size_t j = i, newlines = 0;
        while (j < to && is_space(s[j]))
            newlines += s[j++] == '\n';
        guard_copy(g, i);
        if (newlines)
            for (size_t k = 0; k < newlines; k++)
                strbuf_addc(&g->out, '\n');
        else
            strbuf_addc(&g->out, ' ');
        g->copied = j;
        i = j;
    }
}

static int guard_run(guard *g)
{
    const char *s = g->in;
    size_t n = g->len, p = 0;
    while (p < n) {
        const char *lt = memchr(s + p, '<', n - p);
        if (!g->pre)
            guard_text(g, p, lt ? (size_t)(lt - s) : n);
        if (!lt)
            break;
        p = (size_t)(lt - s);
        if (p + 1 >= n)
            break;
        char c = s[p + 1];
        if (c == '!' && p + 3 < n && s[p + 2] == '-' && s[p + 3] == '-') {
            /* a comment: <!-->, <!---> and <!-- ... --> */
            size_t q = p + 4;
            size_t start = p;
            if (q < n && s[q] == '>') {
                p = q + 1;
            } else if (q + 1 < n && s[q] == '-' && s[q + 1] == '>') {
                p = q + 2;
            } else {
                const unsigned char *e = mem_find((const unsigned char *)s + q, n - q, "-->", 3);
                p = e ? (size_t)((const char *)e - s) + 3 : n;
            }
            /* comments never reach the tree: gumbo need not read them */
            if (p - start > 16)
                guard_skip(g, start, p, 1);
            continue;
        }
        if (c == '!' || c == '?' || (c == '/' && p + 2 < n && !is_alpha(s[p + 2]))) {
            /* doctype, processing instruction or bogus comment: up to the next '>' */
            const char *gt = memchr(s + p + 1, '>', n - p - 1);
            p = gt ? (size_t)(gt - s) + 1 : n;
            continue;
        }
        int end_tag = c == '/';
        size_t name_start = p + 1 + (size_t)end_tag;
        if (name_start >= n || !is_alpha(s[name_start])) {
            p++;
            continue;
        }
        size_t name_end = name_start;
        while (name_end < n && !is_space(s[name_end]) && s[name_end] != '/' &&
               s[name_end] != '>')
            name_end++;
        size_t nlen = name_end - name_start;
        GumboTag tag = nlen < 32 ? gumbo_tagn_enum(s + name_start, (unsigned)nlen)
                                 : GUMBO_TAG_UNKNOWN;
        int self_closing = 0;
        if (end_tag) {
            size_t after = guard_attributes(g, name_end, name_end, INT32_MAX, -1, &self_closing);
            if ((tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING) && g->pre > 0)
                g->pre--;
            int drop = 0;
            if (tag_nests(tag)) {
                if (tag_formatting(tag) && g->formatting_excess > 0) {
                    g->formatting_excess--;
                    drop = 1;
                } else if (!tag_formatting(tag) && g->depth_excess > 0) {
                    g->depth_excess--;
                    drop = 1;
                } else {
                    if (g->depth > 0)
                        g->depth--;
                    if (tag_formatting(tag) && g->formatting > 0)
                        g->formatting--;
                }
            }
            if (drop)
                guard_skip(g, p, after, 0);
            p = after;
            continue;
        }
        size_t tag_start = p;
        int repeat = (tag == GUMBO_TAG_HTML && g->seen_html++) ||
                     (tag == GUMBO_TAG_BODY && g->seen_body++);
        size_t after = guard_attributes(g, name_end, name_end, repeat ? 0 : HTML5_MAX_ATTRS,
                                        tag_media(tag), &self_closing);
        /* "<x/>" ends a foreign element (SVG, MathML), whose names gumbo does not know; on an
         * HTML element the slash means nothing. */
        int opens = tag_nests(tag) && !(self_closing && tag == GUMBO_TAG_UNKNOWN);
        if (opens) {
            int fmt = tag_formatting(tag);
            if (g->depth >= HTML5_MAX_DEPTH || (fmt && g->formatting >= HTML5_MAX_FORMATTING)) {
                if (fmt)
                    g->formatting_excess++;
                else
                    g->depth_excess++;
                guard_skip(g, tag_start, after, 0);
                if (g->rep) {
                    g->rep->tags_dropped++;
                    if (!g->rep->first_deep_line)
                        g->rep->first_deep_line = guard_line(g, tag_start);
                }
                p = after;
                continue;
            }
            g->depth++;
            g->formatting += fmt;
        }
        p = after;
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING)
            g->pre++;
        if (tag == GUMBO_TAG_PLAINTEXT)
            break;
        if (tag_raw_text(tag) && !self_closing) {
            char lower[16];
            for (size_t i = 0; i < nlen && i < sizeof lower; i++)
                lower[i] = (char)(s[name_start + i] | 0x20);
            size_t end = guard_raw_text_end(g, p, lower, nlen);
            /* No stage reads a style sheet or a script but JSON-LD metadata: their text is
             * left out (it is often most of a page, and gumbo reads it a character at a time) */
            if ((tag == GUMBO_TAG_STYLE || (tag == GUMBO_TAG_SCRIPT && !g->ld_json)) && end > p)
                guard_skip(g, p, end, 1);
            p = end;
        }
    }
    if (g->changed)
        guard_copy(g, n);
    return g->changed;
}

/*** gumbo's tree -> libxml2 ***/

/* Append child to parent without merging text nodes (xmlAddChild would, by copying). */
static void link_child(xmlNodePtr parent, xmlNodePtr child)
{
    child->parent = parent;
    child->prev = parent->last;
    if (parent->last)
        parent->last->next = child;
    else
        parent->children = child;
    parent->last = child;
}

/* s (len bytes) without the characters XML 1.0 forbids: s itself when it has none, else a copy
 * in *tmp (freed by the caller). */
static const char *xml_safe(const char *s, size_t *len, char **tmp)
{
    size_t i = 0;
    for (; i < *len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
            (c == 0xEF && i + 2 < *len && (unsigned char)s[i + 1] == 0xBF &&
             ((unsigned char)s[i + 2] & 0xFE) == 0xBE))
            break;
    }
    if (i == *len)
        return s;
    *tmp = xstrndup(s, *len);
    text_strip_xml_forbidden(*tmp, len);
    return *tmp;
}

static unsigned short line_of(unsigned int line)
{
    return (unsigned short)(line > 65535 ? 65535 : line);
}

static xmlNodePtr text_new(xmlDocPtr doc, const GumboText *t)
{
    char *tmp = NULL;
    size_t len = strlen(t->text);
    const char *s = xml_safe(t->text, &len, &tmp);
    xmlNodePtr n = xmlNewDocTextLen(doc, (const xmlChar *)s, (int)len);
    free(tmp);
    if (!n)
        oom_abort();
    n->line = line_of(t->start_pos.line);
    return n;
}

/* The element's name: gumbo's for known tags, else the tag's own text in lowercase (with
 * SVG's camel case restored). */
static char *element_name(const GumboElement *e, char *buf, size_t size)
{
    if (e->tag != GUMBO_TAG_UNKNOWN) {
        snprintf(buf, size, "%s", gumbo_normalized_tagname(e->tag));
    } else {
        GumboStringPiece piece = e->original_tag;
        gumbo_tag_from_original_text(&piece);
        const char *svg = e->tag_namespace == GUMBO_NAMESPACE_SVG && piece.length
                              ? gumbo_normalize_svg_tagname(&piece)
                              : NULL;
        if (svg) {
            snprintf(buf, size, "%s", svg);
        } else {
            size_t n = piece.length < size - 1 ? piece.length : size - 1;
            for (size_t i = 0; i < n; i++) {
                char c = piece.data[i];
                buf[i] = (char)(c >= 'A' && c <= 'Z' && e->tag_namespace != GUMBO_NAMESPACE_SVG
                                    ? c + 32
                                    : c);
            }
            buf[n] = '\0';
            if (!n)
                snprintf(buf, size, "unknown");
        }
    }
    if (e->tag == GUMBO_TAG_FOREIGNOBJECT)
        snprintf(buf, size, "foreignObject");
    return buf;
}

typedef struct builder {
    xmlDocPtr doc;
    xmlNsPtr svg_ns, mathml_ns; /* declared on the first such element */
} builder;

static xmlNodePtr element_new(builder *b, const GumboElement *e)
{
    char name[128];
    xmlNodePtr el = xmlNewDocNode(b->doc, NULL, (const xmlChar *)element_name(e, name, sizeof name),
                                  NULL);
    if (!el)
        oom_abort();
    el->line = line_of(e->start_pos.line);
    if (e->tag_namespace == GUMBO_NAMESPACE_SVG || e->tag_namespace == GUMBO_NAMESPACE_MATHML) {
        int svg = e->tag_namespace == GUMBO_NAMESPACE_SVG;
        xmlNsPtr *ns = svg ? &b->svg_ns : &b->mathml_ns;
        if (!*ns) {
            /* declared on the root, so that it stays in scope wherever the element moves */
            *ns = xmlNewNs(xmlDocGetRootElement(b->doc),
                           (const xmlChar *)(svg ? HTML5_SVG_NS : HTML5_MATHML_NS),
                           (const xmlChar *)(svg ? "svg" : "math"));
        }
        el->ns = *ns;
    }
    xmlAttrPtr tail = NULL;
    int media = tag_media(e->tag);
    for (unsigned i = 0; i < e->attributes.length; i++) {
        const GumboAttribute *ga = e->attributes.data[i];
        if (!attr_wanted(ga->name, strlen(ga->name), media))
            continue;
        char *tmp = NULL;
        size_t vlen = strlen(ga->value);
        const char *v = xml_safe(ga->value, &vlen, &tmp);
        char *value = tmp ? tmp : xstrndup(v, vlen);
        if (tmp)
            value[vlen] = '\0';
        /* Built unattached (xmlNewProp on the element walks its whole attribute list to append,
         * and xmlNewDocProp reads '&' as an entity reference), then linked at the tail. */
        xmlAttrPtr a = xmlNewNsProp(NULL, NULL, (const xmlChar *)ga->name, (const xmlChar *)value);
        free(value);
        if (!a)
            oom_abort();
        /* the name from the document's dictionary: one copy for all the elements */
        const xmlChar *dn = xmlDictLookup(b->doc->dict, a->name, -1);
        if (dn) {
            xmlFree((xmlChar *)a->name);
            a->name = dn;
        }
        a->doc = b->doc;
        for (xmlNodePtr c = a->children; c; c = c->next)
            c->doc = b->doc;
        a->parent = el;
        a->prev = tail;
        if (tail)
            tail->next = a;
        else
            el->properties = a;
        tail = a;
    }
    return el;
}

typedef struct frame {
    const GumboVector *kids;
    unsigned i;
    xmlNodePtr out;
} frame;

static void tree_build(builder *b, const GumboNode *html)
{
    size_t cap = 64, sp = 0;
    frame *stack = xmalloc(cap * sizeof *stack);
    xmlNodePtr root = element_new(b, &html->v.element);
    xmlDocSetRootElement(b->doc, root);
    stack[sp++] = (frame){&html->v.element.children, 0, root};
    while (sp) {
        frame *f = &stack[sp - 1];
        if (f->i >= f->kids->length) {
            sp--;
            continue;
        }
        const GumboNode *c = f->kids->data[f->i++];
        switch (c->type) {
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
            xmlNodePtr el = element_new(b, &c->v.element);
            link_child(f->out, el);
            if (c->v.element.children.length) {
                if (sp == cap) {
                    cap *= 2;
                    stack = xrealloc(stack, cap * sizeof *stack);
                    f = &stack[sp - 1];
                }
                stack[sp++] = (frame){&c->v.element.children, 0, el};
            }
            break;
        }
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
            link_child(f->out, text_new(b->doc, &c->v.text));
            break;
        default: /* comments, the document */
            break;
        }
    }
    free(stack);
}

xmlDocPtr html5_parse(const char *utf8, size_t len, html5_report *rep)
{
    xmlDocPtr doc = NULL;
    GumboOutput *out = NULL;
    guard g;

    if (rep)
        memset(rep, 0, sizeof *rep);
    if (len > (size_t)INT32_MAX)
        return NULL;
    memset(&g, 0, sizeof g);
    g.in = utf8;
    g.len = len;
    g.line = 1;
    g.rep = rep;
    if (guard_run(&g)) {
        utf8 = g.out.data;
        len = g.out.len;
    }

    GumboOptions opts = kGumboDefaultOptions;
    opts.max_errors = 0;
    out = gumbo_parse_with_options(&opts, utf8 ? utf8 : "", len);
    if (!out || !out->root)
        oom_abort();
    doc = xmlNewDoc((const xmlChar *)"1.0");
    if (!doc)
        oom_abort();
    doc->type = XML_HTML_DOCUMENT_NODE;
    doc->dict = xmlDictCreate();
    if (!doc->dict)
        oom_abort();
    builder b = {doc, NULL, NULL};
    tree_build(&b, out->root);
    /* (recursive, as deep as the tree: the guard keeps that within HTML5_MAX_DEPTH levels of
     * nesting elements) */
    gumbo_destroy_output(&opts, out);
    strbuf_release(&g.out);
    return doc;
}

xmlNodePtr html5_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (html5_is(c, name))
            return c;
    return NULL;
}

int html5_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !n->ns && strcmp((const char *)n->name, name) == 0;
}
