/* htmlconv.c: an article's HTML tree -> the article model's cmark tree. */
#include "readers/htmlconv.h"

#include <gumbo.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/html5.h"
#include "base/strmap.h"
#include "base/text.h"
#include "base/url.h"
#include "model/gfm.h"
#include "model/sem.h"

/* Lists and quotes nested deeper are flattened into the one at this depth. */
#define HTMLCONV_MAX_NESTING 32

/* Flags in xmlNode.extra, computed by flags_compute for the elements under the root. */
#define F_DONE 0x1
#define F_BLOCK 0x2 /* the element is, or holds, a block element */
#define F_INNER 0x4 /* the element holds a block element */

typedef enum kind {
    K_INLINE,    /* transparent phrasing: span, font, unknown elements */
    K_CONTAINER, /* transparent block: div, section, td... */
    K_DROP,
    K_P,
    K_HEADING,
    K_PRE,
    K_QUOTE,
    K_LIST,
    K_LI,
    K_HR,
    K_TABLE,
    K_DL,
    K_EMBED,
    K_EM,
    K_STRONG,
    K_CODE,
    K_A,
    K_IMG,
    K_BR,
    K_RAW,       /* phrasing kept as raw inline HTML: sub, sup, s... */
    K_Q,
    K_MATH
} kind;

static kind kind_of(const xmlNode *n)
{
    if (n->ns) /* SVG and MathML */
        return strcmp((const char *)n->name, "math") == 0 ? K_MATH : K_DROP;
    switch (gumbo_tag_enum((const char *)n->name)) {
    case GUMBO_TAG_P: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_LEGEND: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_DT:
        return K_P;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return K_HEADING;
    case GUMBO_TAG_PRE: case GUMBO_TAG_LISTING: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
        return K_PRE;
    case GUMBO_TAG_BLOCKQUOTE:
        return K_QUOTE;
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_MENU: case GUMBO_TAG_DIR:
        return K_LIST;
    case GUMBO_TAG_LI:
        return K_LI;
    case GUMBO_TAG_HR:
        return K_HR;
    case GUMBO_TAG_TABLE:
        return K_TABLE;
    case GUMBO_TAG_DL:
        return K_DL;
    case GUMBO_TAG_FIGURE:
        return K_CONTAINER;
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_EMBED: case GUMBO_TAG_OBJECT: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
        return K_EMBED;
    case GUMBO_TAG_EM: case GUMBO_TAG_I: case GUMBO_TAG_CITE: case GUMBO_TAG_DFN:
    case GUMBO_TAG_VAR:
        return K_EM;
    case GUMBO_TAG_STRONG: case GUMBO_TAG_B:
        return K_STRONG;
    case GUMBO_TAG_CODE: case GUMBO_TAG_KBD: case GUMBO_TAG_SAMP: case GUMBO_TAG_TT:
        return K_CODE;
    case GUMBO_TAG_A:
        return K_A;
    case GUMBO_TAG_IMG: case GUMBO_TAG_IMAGE:
        return K_IMG;
    case GUMBO_TAG_BR:
        return K_BR;
    case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_S: case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_DEL: case GUMBO_TAG_INS: case GUMBO_TAG_MARK: case GUMBO_TAG_U:
    case GUMBO_TAG_SMALL: case GUMBO_TAG_RUBY: case GUMBO_TAG_RT: case GUMBO_TAG_RP:
        return K_RAW;
    case GUMBO_TAG_Q:
        return K_Q;
    case GUMBO_TAG_MATH:
        return K_MATH;
    case GUMBO_TAG_HTML: case GUMBO_TAG_BODY: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_NAV: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CENTER:
    case GUMBO_TAG_HGROUP: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_DETAILS: case GUMBO_TAG_FORM:
    case GUMBO_TAG_DD: case GUMBO_TAG_TBODY: case GUMBO_TAG_THEAD: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_NOSCRIPT:
        return K_CONTAINER;
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE: case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_BASE:
    case GUMBO_TAG_INPUT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_OPTION: case GUMBO_TAG_OPTGROUP: case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_OUTPUT: case GUMBO_TAG_PROGRESS: case GUMBO_TAG_METER: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_MAP: case GUMBO_TAG_AREA: case GUMBO_TAG_FRAME: case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_APPLET: case GUMBO_TAG_PARAM:
    case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_SVG:
    case GUMBO_TAG_COLGROUP: case GUMBO_TAG_COL: case GUMBO_TAG_BGSOUND: case GUMBO_TAG_ISINDEX:
    case GUMBO_TAG_MENUITEM: case GUMBO_TAG_BASEFONT:
        return K_DROP;
    default:
        break;
    }
    const char *name = (const char *)n->name;
    if (strcmp(name, "dialog") == 0 || strcmp(name, "slot") == 0 || strcmp(name, "portal") == 0)
        return K_DROP;
    if (strcmp(name, "search") == 0)
        return K_CONTAINER;
    return K_INLINE;
}

static int kind_is_block(kind k)
{
    return k != K_INLINE && k != K_DROP && k != K_EM && k != K_STRONG && k != K_CODE &&
           k != K_A && k != K_IMG && k != K_BR && k != K_RAW && k != K_Q && k != K_MATH;
}

/* F_BLOCK for every element under root, bottom up, without recursion: F_DONE marks an
 * element entered, so that coming back up to it finishes it. */
static void flags_compute(xmlNodePtr root)
{
    xmlNodePtr n = root;
    for (;;) {
        if (n->type == XML_ELEMENT_NODE && !(n->extra & F_DONE)) {
            n->extra = F_DONE;
            if (n->children && kind_of(n) != K_DROP) {
                n = n->children;
                continue;
            }
        }
        if (n->type == XML_ELEMENT_NODE) {
            kind k = kind_of(n);
            if (kind_is_block(k))
                n->extra |= F_BLOCK;
            if (n != root && (n->extra & F_BLOCK) && k != K_DROP)
                n->parent->extra |= F_BLOCK | F_INNER;
        }
        if (n == root)
            break;
        n = n->next ? n->next : n->parent;
    }
}

/*** attributes and URLs ***/



static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static void attr_put(xmlNodePtr n, const char *name, const char *value)
{
    if (value)
        xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
    else
        xmlUnsetProp(n, (const xmlChar *)name);
}

static int is_placeholder(const char *src)
{
    if (!src || !*src)
        return 1;
    if (str_starts_with(src, "data:")) {
        /* tiny inline GIFs and PNGs stand in for lazily loaded images */
        const char *comma = strchr(src, ',');
        return !comma || strlen(comma + 1) < 200 || str_starts_with(src, "data:image/gif");
    }
    return str_starts_with(src, "about:") || strstr(src, "blank.gif") ||
           strstr(src, "placeholder") || strstr(src, "spacer.gif");
}

/* The largest candidate of a srcset ("a.jpg 1x, b.jpg 2x" or "a.jpg 400w, b.jpg 800w"). */
static char *srcset_best(const char *set)
{
    char *best = NULL;
    double best_size = -1;
    const char *p = set;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *u = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t ulen = (size_t)(p - u);
        /* a URL may itself end with a comma when no descriptor follows */
        int bare = ulen && u[ulen - 1] == ',';
        if (bare)
            ulen--;
        double size = 1;
        if (!bare) {
            while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
            const char *d = p;
            while (*p && *p != ',')
                p++;
            double v = strtod(d, NULL);
            if (v > 0)
                size = v;
        }
        if (ulen && size > best_size) {
            free(best);
            best = xstrndup(u, ulen);
            best_size = size;
        }
    }
    return best;
}

/* "%20" -> " " */
static char *url_decode(const char *s)
{
    strbuf b = STRBUF_INIT;
    for (; *s; s++) {
        int hi, lo;
        if (*s == '%' && s[1] && s[2] &&
            (hi = (s[1] >= '0' && s[1] <= '9')   ? s[1] - '0'
                  : (s[1] | 0x20) >= 'a' && (s[1] | 0x20) <= 'f' ? (s[1] | 0x20) - 'a' + 10
                                                                : -1) >= 0 &&
            (lo = (s[2] >= '0' && s[2] <= '9')   ? s[2] - '0'
                  : (s[2] | 0x20) >= 'a' && (s[2] | 0x20) <= 'f' ? (s[2] | 0x20) - 'a' + 10
                                                                : -1) >= 0) {
            strbuf_addc(&b, (char)(hi * 16 + lo));
            s += 2;
        } else {
            strbuf_addc(&b, *s);
        }
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* Is the relative reference `src` a file in `dir`? */
static int local_exists(const char *dir, const char *src)
{
    char buf[16];
    if (!dir || !src || url_ref_scheme(src, buf, sizeof buf) || src[0] == '/' || src[0] == '#')
        return 0;
    char *raw = xstrndup(src, strcspn(src, "?#"));
    char *path = url_decode(raw);
    char *full = path_join(dir, path);
    struct stat st;
    int ok = full && stat(full, &st) == 0 && S_ISREG(st.st_mode);
    free(full);
    free(path);
    free(raw);
    return ok;
}

char *htmlconv_image_source(xmlNodePtr img, const char *page_dir)
{
    static const char *const lazy[] = {"data-src", "data-original", "data-lazy-src",
                                       "data-url", "data-hi-res-src", "data-orig-file",
                                       "data-large-file", "data-lazy", NULL};
    strlist cands = STRLIST_INIT;
    char *v, *best = NULL;

    if ((v = attr(img, "src")) && !is_placeholder(v)) {
        strlist_take(&cands, url_clean(v));
    }
    free(v);
    for (int i = 0; lazy[i]; i++)
        if ((v = attr(img, lazy[i]))) {
            if (!is_placeholder(v))
                strlist_take(&cands, url_clean(v));
            free(v);
        }
    static const char *const sets[] = {"srcset", "data-srcset", "data-lazy-srcset", NULL};
    for (int i = 0; sets[i]; i++)
        if ((v = attr(img, sets[i]))) {
            char *b = srcset_best(v);
            if (b && !is_placeholder(b))
                strlist_take(&cands, b);
            else
                free(b);
            free(v);
        }
    /* <picture><source srcset=...><img></picture> */
    if (img->parent && html5_is(img->parent, "picture"))
        for (xmlNodePtr s = img->parent->children; s; s = s->next)
            if (html5_is(s, "source") && (v = attr(s, "srcset"))) {
                char *b = srcset_best(v);
                if (b && !is_placeholder(b))
                    strlist_take(&cands, b);
                else
                    free(b);
                free(v);
            }
    /* a copy saved beside the page wins; else the first candidate */
    for (size_t i = 0; i < cands.len && !best; i++)
        if (local_exists(page_dir, cands.items[i]))
            best = xstrdup(cands.items[i]);
    if (!best && cands.len)
        best = xstrdup(cands.items[0]);
    strlist_clear(&cands);
    return best;
}

/*** the conversion ***/

typedef struct conv {
    htmlconv *c;
    strmap *targets;      /* in-page ids that links point at and the article holds -> the id
                             to use (an XML name) */
    strmap *placed;       /* anchors placed */
    const char *anchor_due; /* an anchor for the next inline run */
    /* the inline run: bottom is a paragraph or heading, then em/strong/link... */
    cmark_node *stack[64];
    int sp;               /* 0: no run open */
    int inline_depth;     /* elements deeper than the stack can hold are transparent */
    int link_depth;       /* inside a link */
    int a_depth;          /* inside the page's <a>, link or not */
    strbuf run;           /* text waiting to become a TEXT node */
    int space_due, line_start;
    cmark_node *container; /* where the run's paragraph goes */
    int nesting;          /* lists and quotes */
} conv;

static void append(cmark_node *parent, cmark_node *child)
{
    if (!cmark_node_append_child(parent, child))
        cmark_node_free(child); /* a child the parent cannot hold: never built on purpose */
}

static void text_flush(conv *v)
{
    if (!v->run.len || !v->sp)
        return;
    cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(t, v->run.data);
    append(v->stack[v->sp - 1], t);
    strbuf_add(&v->c->text, v->run.data, v->run.len);
    v->run.len = 0;
    v->run.data[0] = '\0';
}

static void run_open(conv *v, cmark_node_type type, int level)
{
    cmark_node *p = cmark_node_new(type);
    if (type == CMARK_NODE_HEADING)
        cmark_node_set_heading_level(p, level);
    append(v->container, p);
    v->sp = 1;
    v->stack[0] = p;
    v->space_due = 0;
    v->line_start = 1;
    if (v->anchor_due) {
        append(p, sem_node_new(v->c->arena, SEM_ANCHOR, NULL, v->anchor_due));
        v->anchor_due = NULL;
    }
}

static void ensure_run(conv *v)
{
    if (!v->sp)
        run_open(v, CMARK_NODE_PARAGRAPH, 0);
}

/* Remove empty inline containers, and line breaks and spaces at the ends, of a finished run. */
static int run_tidy(cmark_node *n)
{
    cmark_node *c = cmark_node_first_child(n), *next;
    int has = 0;
    for (; c; c = next) {
        next = cmark_node_next(c);
        cmark_node_type t = cmark_node_get_type(c);
        if (t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG || t == CMARK_NODE_LINK) {
            if (!run_tidy(c)) {
                cmark_node_free(c);
                continue;
            }
        }
        has = 1;
    }
    /* trailing line breaks and spaces */
    for (c = cmark_node_last_child(n); c;) {
        cmark_node_type t = cmark_node_get_type(c);
        cmark_node *prev = cmark_node_previous(c);
        if (t == CMARK_NODE_LINEBREAK) {
            cmark_node_free(c);
        } else if (t == CMARK_NODE_TEXT) {
            const char *s = cmark_node_get_literal(c);
            size_t len = strlen(s);
            if (!len || s[len - 1] != ' ')
                break;
            while (len && s[len - 1] == ' ')
                len--;
            if (!len) {
                cmark_node_free(c);
            } else {
                char *cut = xstrndup(s, len);
                cmark_node_set_literal(c, cut);
                free(cut);
                break;
            }
        } else {
            break;
        }
        c = prev;
    }
    (void)has;
    return cmark_node_first_child(n) != NULL;
}

/* A node with nothing a reader would see (only anchors) */
static int run_visible(cmark_node *n)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        sem_node *s = sem_get(c);
        if (!s || s->kind != SEM_ANCHOR)
            return 1;
    }
    return 0;
}

static void run_close(conv *v)
{
    if (!v->sp)
        return;
    text_flush(v);
    cmark_node *p = v->stack[0];
    v->sp = 0;
    v->space_due = 0;
    run_tidy(p);
    if (!run_visible(p)) {
        /* keep an anchor for what follows */
        cmark_node *a = cmark_node_first_child(p);
        if (a && !v->anchor_due)
            v->anchor_due = sem_get(a)->id;
        cmark_node_free(p);
        return;
    }
    strbuf_addc(&v->c->text, '\n');
}

/* Text as a browser lays it out: runs of ASCII whitespace are one space, none at the start of
 * a line. */
static void text_add(conv *v, const char *s)
{
    for (; *s; s++) {
        char ch = *s;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
            if (!v->line_start)
                v->space_due = 1;
            continue;
        }
        ensure_run(v);
        if (v->space_due) {
            strbuf_addc(&v->run, ' ');
            v->space_due = 0;
        }
        strbuf_addc(&v->run, ch);
        v->line_start = 0;
        if (!v->a_depth && ((unsigned char)ch & 0xC0) != 0x80)
            v->c->unlinked++;
    }
}

/* Pay a due space before an inline node that shows something (an image, code). */
static void space_pay(conv *v)
{
    ensure_run(v);
    if (v->space_due) {
        strbuf_addc(&v->run, ' ');
        v->space_due = 0;
    }
    v->line_start = 0;
}

static void push(conv *v, cmark_node *n)
{
    /* a space due before an element goes before it, not into it */
    if (v->space_due) {
        strbuf_addc(&v->run, ' ');
        v->space_due = 0;
    }
    text_flush(v);
    append(v->stack[v->sp - 1], n);
    v->stack[v->sp++] = n;
}

static void pop(conv *v)
{
    text_flush(v);
    v->sp--;
}

static void raw_inline(conv *v, const char *html)
{
    cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
    cmark_node_set_literal(h, html);
    text_flush(v);
    append(v->stack[v->sp - 1], h);
    v->c->raw_html = 1;
}

/* The text content of n, whitespace collapsed. Caller frees. */
static char *text_of(xmlNodePtr n)
{
    xmlChar *t = xmlNodeGetContent(n);
    strbuf b = STRBUF_INIT;
    int space = 0;
    for (const char *s = t ? (const char *)t : ""; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') {
            space = b.len > 0;
            continue;
        }
        if (space)
            strbuf_addc(&b, ' ');
        space = 0;
        strbuf_addc(&b, *s);
    }
    xmlFree(t);
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* A link's target as the book should have it, or NULL to keep only the text. */
static char *link_target(conv *v, xmlNodePtr a)
{
    char *href = attr(a, "href"), *clean = NULL, *out = NULL, buf[16];
    if (!href)
        return NULL;
    clean = url_clean(href);
    const char *frag = NULL;
    char *resolved = NULL;
    if (clean[0] == '#') {
        frag = clean + 1;
    } else {
        resolved = v->c->base_url ? url_web_resolve_ref(v->c->base_url, clean) : NULL;
        const char *page = v->c->page_url;
        if (resolved && page) {
            size_t n = strcspn(page, "#");
            if (strncmp(resolved, page, n) == 0 && resolved[n] == '#')
                frag = resolved + n + 1;
        }
    }
    if (frag) {
        char *id = url_decode(frag);
        const char *to = *id ? strmap_get(v->targets, id) : NULL;
        out = to ? xasprintf("#%s", to) : NULL;
        free(id);
        goto done;
    }
    const char *target = resolved ? resolved : clean;
    const char *scheme = url_ref_scheme(target, buf, sizeof buf);
    if (scheme) {
        if (!strcmp(scheme, "http") || !strcmp(scheme, "https") || !strcmp(scheme, "mailto") ||
            !strcmp(scheme, "tel") || !strcmp(scheme, "ftp"))
            out = xstrdup(target);
    } else if (target[0] == '/' && target[1] == '/') {
        out = xasprintf("https:%s", target);
    } else if (*target && target[0] != '/' && local_exists(v->c->page_dir, target)) {
        /* relative, no base, a file beside the page: the renderer finds it when it is one of
         * the book's articles; a link to the site without its address leads nowhere */
        out = xstrdup(target);
    }
done:
    free(resolved);
    free(clean);
    free(href);
    return out;
}

/* An image source as the book should have it: relative when the file is beside the page,
 * else absolute when it can be; NULL for none. */
static char *image_target(conv *v, const char *src)
{
    char buf[16];
    const char *scheme = url_ref_scheme(src, buf, sizeof buf);
    if (scheme)
        return xstrdup(src);
    if (src[0] == '/' && src[1] == '/')
        return xasprintf("https:%s", src);
    if (local_exists(v->c->page_dir, src))
        return xstrdup(src);
    if (v->c->base_url) {
        char *r = url_web_resolve_ref(v->c->base_url, src);
        if (r)
            return r;
    }
    return xstrdup(src);
}

static void blocks(conv *v, xmlNodePtr el);
static void inlines(conv *v, xmlNodePtr el);

/* An element's referenced id: an anchor where it is. */
static void anchor_note(conv *v, xmlNodePtr el)
{
    char *id = attr(el, "id");
    if (!id && html5_is(el, "a"))
        id = attr(el, "name");
    const char *to = id ? strmap_get(v->targets, id) : NULL;
    if (to && !strmap_get(v->placed, to)) {
        strmap_add(v->placed, to, (void *)1);
        if (v->sp && v->sp < 64) {
            text_flush(v);
            append(v->stack[v->sp - 1], sem_node_new(v->c->arena, SEM_ANCHOR, NULL, to));
        } else {
            v->anchor_due = to;
        }
    }
    free(id);
}

static void image_add(conv *v, xmlNodePtr img)
{
    char *src = htmlconv_image_source(img, v->c->page_dir);
    char *target = src ? image_target(v, src) : NULL;
    char *alt = attr(img, "alt"), *title = attr(img, "title");
    if (target && !str_starts_with(target, "data:")) {
        space_pay(v);
        text_flush(v);
        cmark_node *i = cmark_node_new(CMARK_NODE_IMAGE);
        cmark_node_set_url(i, target);
        if (title && *title)
            cmark_node_set_title(i, title);
        if (alt && *alt) {
            char *clean = xstrdup(alt);
            str_trim(clean);
            cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
            cmark_node_set_literal(t, clean);
            append(i, t);
            free(clean);
        }
        append(v->stack[v->sp - 1], i);
        v->c->images++;
        v->c->unlinked += HTMLCONV_IMAGE_WEIGHT;
    }
    free(src);
    free(target);
    free(alt);
    free(title);
}

static void inline_element(conv *v, xmlNodePtr el)
{
    kind k = kind_of(el);
    if (k == K_DROP)
        return;
    anchor_note(v, el);
    if (v->sp >= 62) { /* deeper than the run's stack: keep the text */
        inlines(v, el);
        return;
    }
    switch (k) {
    case K_EM:
    case K_STRONG:
        ensure_run(v);
        push(v, cmark_node_new(k == K_EM ? CMARK_NODE_EMPH : CMARK_NODE_STRONG));
        inlines(v, el);
        pop(v);
        break;
    case K_A: {
        v->a_depth++;
        char *href = v->link_depth ? NULL : link_target(v, el);
        if (href) {
            ensure_run(v);
            cmark_node *l = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(l, href);
            char *title = attr(el, "title");
            if (title && *title)
                cmark_node_set_title(l, title);
            free(title);
            push(v, l);
            v->link_depth++;
            inlines(v, el);
            v->link_depth--;
            pop(v);
        } else {
            inlines(v, el);
        }
        free(href);
        v->a_depth--;
        break;
    }
    case K_CODE: {
        char *t = text_of(el);
        if (*t) {
            space_pay(v);
            text_flush(v);
            cmark_node *c = cmark_node_new(CMARK_NODE_CODE);
            cmark_node_set_literal(c, t);
            append(v->stack[v->sp - 1], c);
            strbuf_adds(&v->c->text, t);
            if (!v->a_depth)
                v->c->unlinked += strlen(t);
        }
        free(t);
        break;
    }
    case K_IMG:
        ensure_run(v);
        image_add(v, el);
        break;
    case K_BR:
        if (!v->sp)
            break;
        if (gfm_is_table_cell(v->stack[0])) {
            v->space_due = !v->line_start; /* a table cell holds one line */
            break;
        }
        text_flush(v);
        v->space_due = 0;
        {
            cmark_node *top = v->stack[v->sp - 1], *last = cmark_node_last_child(top);
            if (v->sp == 1 && last && cmark_node_get_type(last) == CMARK_NODE_LINEBREAK &&
                cmark_node_get_type(top) == CMARK_NODE_PARAGRAPH) {
                /* two line breaks: a new paragraph */
                cmark_node_free(last);
                run_close(v);
                break;
            }
            if (last || v->sp > 1)
                append(top, cmark_node_new(CMARK_NODE_LINEBREAK));
        }
        v->line_start = 1;
        break;
    case K_RAW: {
        if (html5_is(el, "s") || html5_is(el, "strike") || html5_is(el, "del")) {
            /* struck out text: GFM's node, as ~~text~~ in Markdown */
            ensure_run(v);
            push(v, gfm_strikethrough_new());
            inlines(v, el);
            pop(v);
            break;
        }
        char tag[16];
        snprintf(tag, sizeof tag, "<%s>", (const char *)el->name);
        ensure_run(v);
        raw_inline(v, tag);
        inlines(v, el);
        snprintf(tag, sizeof tag, "</%s>", (const char *)el->name);
        raw_inline(v, tag);
        break;
    }
    case K_Q:
        text_add(v, "\xE2\x80\x9C");
        inlines(v, el);
        text_add(v, "\xE2\x80\x9D");
        break;
    case K_MATH: {
        char *alt = attr(el, "alttext");
        char *t = alt && *alt ? alt : text_of(el);
        text_add(v, t);
        if (t != alt)
            free(t);
        free(alt);
        break;
    }
    default:
        /* a block element inside a heading or another run: its text, set apart */
        if (kind_is_block(k) && v->sp)
            v->space_due = !v->line_start;
        inlines(v, el);
        if (kind_is_block(k) && v->sp)
            v->space_due = !v->line_start;
        break;
    }
}

static void inlines(conv *v, xmlNodePtr el)
{
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            text_add(v, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            inline_element(v, c);
    }
}

/*** blocks kept as raw HTML ***/

/* Prepare a subtree for serialising: image sources and link targets resolved, ids only where a
 * link of the article points. */
static void raw_prepare(conv *v, xmlNodePtr root)
{
    xmlNodePtr n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            if (html5_is(n, "img")) {
                char *src = htmlconv_image_source(n, v->c->page_dir);
                char *t = src ? image_target(v, src) : NULL;
                attr_put(n, "src", t);
                /* one on the web becomes a link with its alt text: never a bare address */
                char *alt = attr(n, "alt");
                if (t && url_is_web(t) && (!alt || !*alt))
                    attr_put(n, "alt", "image");
                free(alt);
                free(src);
                free(t);
                v->c->images++;
            } else if (html5_is(n, "a")) {
                char *t = link_target(v, n);
                attr_put(n, "href", t);
                free(t);
                attr_put(n, "name", NULL);
            }
            char *id = attr(n, "id");
            const char *to = id ? strmap_get(v->targets, id) : NULL;
            if (to && !strmap_get(v->placed, to)) {
                strmap_add(v->placed, to, (void *)1);
                attr_put(n, "id", to);
            } else if (id) {
                attr_put(n, "id", NULL);
            }
            free(id);
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }
}

static void raw_block(conv *v, xmlNodePtr el)
{
    raw_prepare(v, el);
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        oom_abort();
    htmlNodeDump(buf, el->doc, el);
    cmark_node *h = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(h, (const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    append(v->container, h);
    v->c->raw_html = 1;
    char *t = text_of(el);
    strbuf_adds(&v->c->text, t);
    strbuf_addc(&v->c->text, '\n');
    v->c->unlinked += strlen(t);
    free(t);
}

/* A data table (worth keeping as a table) rather than one used for layout: Firefox's
 * accessibility rules, as Reader View applies them. */
static int table_is_data(xmlNodePtr table)
{
    char *role = attr(table, "role"), *summary = attr(table, "summary");
    int data = -1;
    if (role && strcmp(role, "presentation") == 0)
        data = 0;
    else if (summary && *summary)
        data = 1;
    free(role);
    free(summary);
    if (data >= 0)
        return data;
    size_t rows = 0, cols = 0;
    xmlNodePtr n = table->children;
    while (n && n != table) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *name = (const char *)n->name;
            if (!strcmp(name, "caption") || !strcmp(name, "col") || !strcmp(name, "colgroup") ||
                !strcmp(name, "tfoot") || !strcmp(name, "thead") || !strcmp(name, "th"))
                return 1;
            if (!strcmp(name, "table"))
                return 0;
            if (!strcmp(name, "tr")) {
                size_t c = 0;
                rows++;
                for (xmlNodePtr td = n->children; td; td = td->next)
                    if (html5_is(td, "td")) {
                        char *span = attr(td, "colspan");
                        long s = span ? strtol(span, NULL, 10) : 1;
                        c += s > 0 && s < 1000 ? (size_t)s : 1;
                        free(span);
                    }
                if (c > cols)
                    cols = c;
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != table && !n->next)
            n = n->parent;
        if (n != table)
            n = n->next;
    }
    if (rows <= 1 || cols <= 1)
        return 0;
    return rows >= 10 || cols > 4 || rows * cols > 10;
}

/* Players a reader would want a link to (Reader View keeps these and drops other frames,
 * which are mostly advertising and tracking). */
static int url_is_player(const char *url)
{
    static const char *const hosts[] = {"youtube.com/", "youtube-nocookie.com/",
                                        "player.vimeo.com/", "dailymotion.com/", "v.qq.com/",
                                        "archive.org/", "upload.wikimedia.org/",
                                        "player.twitch.tv/", NULL};
    const char *p = strstr(url, "//");
    if (!p)
        return 0;
    p += 2;
    if (str_starts_with(p, "www."))
        p += 4;
    for (int i = 0; hosts[i]; i++)
        if (str_starts_with(p, hosts[i]))
            return 1;
    return 0;
}

/* The page a reader can open for a player (iframe, embed, object) or media element (video,
 * audio) with a web address: YouTube and Vimeo players lead to the video's page. NULL for
 * anything else (frames are mostly advertising and tracking). Caller frees. */
static char *embed_page(xmlNodePtr el)
{
    int media = html5_is(el, "video") || html5_is(el, "audio");
    char *src = attr(el, html5_is(el, "object") ? "data" : "src"), *out = NULL;
    if (!src && media)
        for (xmlNodePtr s = el->children; s && !src; s = s->next)
            if (html5_is(s, "source"))
                src = attr(s, "src");
    char *c = src ? url_clean(src) : NULL;
    char *url = c && c[0] == '/' && c[1] == '/' ? xasprintf("https:%s", c) : c ? xstrdup(c) : NULL;
    if (url && url_is_web(url) && (media || url_is_player(url))) {
        static const char *const yt[] = {"youtube.com/embed/", "youtube-nocookie.com/embed/",
                                         NULL};
        const char *host = strstr(url, "//") + 2;
        if (str_starts_with(host, "www."))
            host += 4;
        for (int i = 0; yt[i] && !out; i++)
            if (str_starts_with(host, yt[i])) {
                const char *id = host + strlen(yt[i]);
                size_t n = strcspn(id, "?#/&");
                if (n > 0 && n < 64)
                    out = xasprintf("https://www.youtube.com/watch?v=%.*s", (int)n, id);
            }
        if (!out && str_starts_with(host, "player.vimeo.com/video/")) {
            const char *id = host + strlen("player.vimeo.com/video/");
            size_t n = strcspn(id, "?#/&");
            if (n > 0 && n < 64)
                out = xasprintf("https://vimeo.com/%.*s", (int)n, id);
        }
        if (!out)
            out = xstrdup(url);
    }
    free(url);
    free(c);
    free(src);
    return out;
}

/*** definition lists ***/

static void block_element(conv *v, xmlNodePtr el);

/* The blocks of el inside a new block quote of the current container (left out when it holds
 * nothing), one level deeper. */
static void quote_blocks(conv *v, xmlNodePtr el)
{
    cmark_node *saved = v->container;
    cmark_node *q = cmark_node_new(CMARK_NODE_BLOCK_QUOTE);
    append(v->container, q);
    v->container = q;
    v->nesting++;
    blocks(v, el);
    run_close(v);
    v->nesting--;
    v->container = saved;
    if (!cmark_node_first_child(q))
        cmark_node_free(q);
}

/* A definition list as Markdown writes one: each term a paragraph in bold, each definition a
 * quote under it (a definition without a term, as Wikipedia indents with, is a quote alone). */
static void dl_block(conv *v, xmlNodePtr dl)
{
    for (xmlNodePtr c = dl->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            text_add(v, (const char *)c->content);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || kind_of(c) == K_DROP)
            continue;
        if (html5_is(c, "div")) { /* HTML5 groups a term and its definitions in a div */
            run_close(v);
            dl_block(v, c);
        } else if (html5_is(c, "dt")) {
            run_close(v);
            anchor_note(v, c);
            run_open(v, CMARK_NODE_PARAGRAPH, 0);
            push(v, cmark_node_new(CMARK_NODE_STRONG));
            inlines(v, c);
            pop(v);
            run_close(v);
        } else if (html5_is(c, "dd") && v->nesting < HTMLCONV_MAX_NESTING) {
            run_close(v);
            anchor_note(v, c);
            quote_blocks(v, c);
        } else if (kind_is_block(kind_of(c)) || (c->extra & F_BLOCK)) {
            block_element(v, c);
        } else {
            inline_element(v, c);
        }
    }
    run_close(v);
}

/*** data tables as the model's tables ***/

/* A table GFM's model can hold: no cell spans rows or columns, no cell holds a list, quote,
 * code block, heading, table or player. */
static int table_simple(xmlNodePtr table)
{
    xmlNodePtr n = table->children;
    while (n && n != table) {
        if (n->type == XML_ELEMENT_NODE) {
            kind k = kind_of(n);
            if (k == K_LIST || k == K_QUOTE || k == K_PRE || k == K_HEADING || k == K_DL ||
                k == K_HR || k == K_TABLE || k == K_EMBED)
                return 0;
            if (html5_is(n, "td") || html5_is(n, "th")) {
                for (int i = 0; i < 2; i++) {
                    char *span = attr(n, i ? "rowspan" : "colspan");
                    long sp = span ? strtol(span, NULL, 10) : 1;
                    free(span);
                    if (sp > 1)
                        return 0;
                }
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != table && !n->next)
            n = n->parent;
        if (n != table)
            n = n->next;
    }
    return 1;
}

/* The table's rows, in order (directly in it, or in thead, tbody, tfoot). */
static size_t table_rows(xmlNodePtr table, xmlNodePtr **out)
{
    size_t len = 0, cap = 0;
    *out = NULL;
    for (xmlNodePtr c = table->children; c; c = c->next) {
        int group = html5_is(c, "thead") || html5_is(c, "tbody") || html5_is(c, "tfoot");
        for (xmlNodePtr r = group ? c->children : c; r; r = group ? r->next : NULL) {
            if (!html5_is(r, "tr"))
                continue;
            if (len == cap) {
                cap = cap ? 2 * cap : 16;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            (*out)[len++] = r;
        }
    }
    return len;
}

/* A cell's alignment: align="..." or text-align in its style. */
static uint8_t cell_align(xmlNodePtr cell)
{
    char *a = attr(cell, "align"), *style = attr(cell, "style");
    const char *v = a;
    if (!v && style) {
        const char *t = strstr(style, "text-align");
        if (t && (t = strchr(t, ':')))
            v = t + 1;
    }
    while (v && *v == ' ')
        v++;
    uint8_t out = 0;
    if (v && !strncasecmp(v, "center", 6))
        out = 'c';
    else if (v && !strncasecmp(v, "right", 5))
        out = 'r';
    else if (v && !strncasecmp(v, "left", 4))
        out = 'l';
    free(a);
    free(style);
    return out;
}

/* A cell's content as the inlines of `cell` (its blocks set apart by spaces). */
static void cell_inlines(conv *v, xmlNodePtr td, cmark_node *cell)
{
    v->sp = 1;
    v->stack[0] = cell;
    v->space_due = 0;
    v->line_start = 1;
    inlines(v, td);
    text_flush(v);
    run_tidy(cell);
    v->sp = 0;
    v->space_due = 0;
    strbuf_addc(&v->c->text, ' ');
}

static void table_block(conv *v, xmlNodePtr table)
{
    xmlNodePtr *rows = NULL;
    size_t n = table_rows(table, &rows);
    uint16_t columns = 0;
    for (size_t r = 0; r < n; r++) {
        uint16_t c = 0;
        for (xmlNodePtr td = rows[r]->children; td; td = td->next)
            c += html5_is(td, "td") || html5_is(td, "th");
        if (c > columns)
            columns = c;
    }
    if (!n || !columns || columns > 1000) {
        free(rows);
        if (n)
            raw_block(v, table);
        return;
    }
    anchor_note(v, table);
    /* its caption, in italics above it */
    xmlNodePtr caption = html5_child(table, "caption");
    if (caption) {
        run_open(v, CMARK_NODE_PARAGRAPH, 0);
        push(v, cmark_node_new(CMARK_NODE_EMPH));
        inlines(v, caption);
        pop(v);
        run_close(v);
    }
    int header = rows[0]->parent && html5_is(rows[0]->parent, "thead");
    if (!header) {
        int all_th = 1, any = 0;
        for (xmlNodePtr td = rows[0]->children; td; td = td->next) {
            if (html5_is(td, "td"))
                all_th = 0;
            any |= html5_is(td, "th");
        }
        header = all_th && any;
    }
    uint8_t *align = xcalloc(columns, 1);
    {
        uint16_t c = 0;
        for (xmlNodePtr td = rows[0]->children; td && c < columns; td = td->next)
            if (html5_is(td, "td") || html5_is(td, "th"))
                align[c++] = cell_align(td);
    }
    cmark_node *t = gfm_table_new(columns, align);
    append(v->container, t);
    for (size_t r = 0; r < n; r++) {
        cmark_node *row = gfm_table_row_new(r == 0 && header);
        append(t, row);
        uint16_t c = 0;
        for (xmlNodePtr td = rows[r]->children; td; td = td->next) {
            if (!html5_is(td, "td") && !html5_is(td, "th"))
                continue;
            cmark_node *cell = gfm_table_cell_new();
            append(row, cell);
            cell_inlines(v, td, cell);
            c++;
        }
        for (; c < columns; c++) /* a short row: empty cells to the table's width */
            append(row, gfm_table_cell_new());
    }
    strbuf_addc(&v->c->text, '\n');
    free(align);
    free(rows);
}

/*** blocks ***/

static void code_block(conv *v, xmlNodePtr pre)
{
    xmlChar *t = xmlNodeGetContent(pre);
    const char *s = t ? (const char *)t : "";
    size_t len = strlen(s);
    if (!len) {
        xmlFree(t);
        return;
    }
    cmark_node *cb = cmark_node_new(CMARK_NODE_CODE_BLOCK);
    char *lit = len && s[len - 1] == '\n' ? xstrdup(s) : xasprintf("%s\n", s);
    cmark_node_set_literal(cb, lit);
    strbuf_adds(&v->c->text, lit);
    v->c->unlinked += len;
    free(lit);
    /* language-x on the pre or on its code */
    xmlNodePtr code = html5_child(pre, "code");
    for (int i = 0; i < 2; i++) {
        char *cls = attr(i ? code : pre, "class");
        if (i && !code)
            break;
        const char *l = cls ? strstr(cls, "language-") : NULL;
        size_t skip = 9;
        if (!l && cls && (l = strstr(cls, "lang-")))
            skip = 5;
        if (l) {
            char *lang = xstrndup(l + skip, strcspn(l + skip, " \t\n"));
            if (*lang)
                cmark_node_set_fence_info(cb, lang);
            free(lang);
            free(cls);
            break;
        }
        free(cls);
    }
    append(v->container, cb);
    xmlFree(t);
}

static void list_block(conv *v, xmlNodePtr el)
{
    cmark_node *list = cmark_node_new(CMARK_NODE_LIST), *saved = v->container, *item = NULL;
    int ordered = html5_is(el, "ol"), tight = 1;
    cmark_node_set_list_type(list, ordered ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
    if (ordered) {
        char *start = attr(el, "start");
        long s = start ? strtol(start, NULL, 10) : 1;
        cmark_node_set_list_start(list, s >= 0 && s < 1000000000 ? (int)s : 1);
        free(start);
    }
    append(v->container, list);
    v->nesting++;
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            const char *s = (const char *)c->content;
            while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
                s++;
            if (!*s)
                continue;
        } else if (c->type != XML_ELEMENT_NODE || kind_of(c) == K_DROP) {
            continue;
        }
        int is_li = html5_is(c, "li");
        if (is_li || !item) {
            item = cmark_node_new(CMARK_NODE_ITEM);
            append(list, item);
        }
        v->container = item;
        if (is_li) {
            anchor_note(v, c);
            blocks(v, c);
        } else if (c->type == XML_TEXT_NODE) {
            text_add(v, (const char *)c->content);
        } else if (kind_is_block(kind_of(c)) || (c->extra & F_BLOCK)) {
            run_close(v);
            blocks(v, c);
        } else {
            inline_element(v, c);
        }
        if (is_li)
            run_close(v);
    }
    run_close(v);
    v->container = saved;
    v->nesting--;
    /* items without content go; the list is tight when each item is at most one paragraph */
    cmark_node *next;
    for (item = cmark_node_first_child(list); item; item = next) {
        next = cmark_node_next(item);
        cmark_node *first = cmark_node_first_child(item);
        if (!first) {
            cmark_node_free(item);
            continue;
        }
        if (cmark_node_next(first) || cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH)
            tight = 0;
    }
    if (!cmark_node_first_child(list)) {
        cmark_node_free(list);
        return;
    }
    cmark_node_set_list_tight(list, tight);
}

static void block_element(conv *v, xmlNodePtr el)
{
    kind k = kind_of(el);
    switch (k) {
    case K_P:
        run_close(v);
        anchor_note(v, el);
        if (html5_is(el, "figcaption") && !(el->extra & F_INNER)) {
            /* a caption: an italic line under its image, as Markdown writes one */
            run_open(v, CMARK_NODE_PARAGRAPH, 0);
            push(v, cmark_node_new(CMARK_NODE_EMPH));
            inlines(v, el);
            pop(v);
        } else if (el->extra & F_INNER && !html5_is(el, "dt") && !html5_is(el, "summary")) {
            blocks(v, el); /* a paragraph holding blocks (made so by a script): its blocks */
        } else {
            run_open(v, CMARK_NODE_PARAGRAPH, 0);
            if (html5_is(el, "dt") || html5_is(el, "summary")) {
                push(v, cmark_node_new(CMARK_NODE_STRONG));
                inlines(v, el);
                pop(v);
            } else {
                inlines(v, el);
            }
        }
        run_close(v);
        break;
    case K_HEADING:
        run_close(v);
        run_open(v, CMARK_NODE_HEADING, el->name[1] - '0');
        anchor_note(v, el);
        inlines(v, el);
        run_close(v);
        break;
    case K_PRE:
        run_close(v);
        anchor_note(v, el);
        code_block(v, el);
        break;
    case K_QUOTE:
        run_close(v);
        anchor_note(v, el);
        if (v->nesting >= HTMLCONV_MAX_NESTING)
            blocks(v, el);
        else
            quote_blocks(v, el);
        run_close(v);
        break;
    case K_LIST:
        run_close(v);
        anchor_note(v, el);
        if (v->nesting >= HTMLCONV_MAX_NESTING)
            blocks(v, el);
        else
            list_block(v, el);
        break;
    case K_HR:
        run_close(v);
        append(v->container, cmark_node_new(CMARK_NODE_THEMATIC_BREAK));
        break;
    case K_TABLE:
        run_close(v);
        if (table_is_data(el)) {
            if (table_simple(el))
                table_block(v, el);
            else
                raw_block(v, el); /* spans, nested blocks: kept as (sanitised) HTML */
        } else {
            anchor_note(v, el);
            blocks(v, el);
            run_close(v);
        }
        break;
    case K_DL:
        run_close(v);
        anchor_note(v, el);
        dl_block(v, el);
        break;
    case K_EMBED: {
        run_close(v);
        char *page = embed_page(el);
        if (page) {
            /* a player: a link to its page, in a paragraph of its own */
            char *title = attr(el, "title");
            run_open(v, CMARK_NODE_PARAGRAPH, 0);
            cmark_node *l = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(l, page);
            push(v, l);
            text_add(v, title && *title ? title
                        : html5_is(el, "audio") ? "Listen on the web" : "Watch the video");
            pop(v);
            run_close(v);
            free(title);
            free(page);
        } else if (html5_is(el, "object")) {
            blocks(v, el); /* its fallback content */
        }
        break;
    }
    case K_DROP:
        break;
    default: /* containers, and inline elements that hold blocks */
        run_close(v);
        anchor_note(v, el);
        blocks(v, el);
        run_close(v);
        break;
    }
}

static void blocks(conv *v, xmlNodePtr el)
{
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            text_add(v, (const char *)c->content);
        } else if (c->type == XML_ELEMENT_NODE) {
            kind k = kind_of(c);
            if (k == K_DROP)
                continue;
            if (!kind_is_block(k) && !(c->extra & F_BLOCK))
                inline_element(v, c);
            else
                block_element(v, c);
        }
    }
}

/* The ids links of the article point at (href="#x", or the page's URL with #x), for those the
 * article holds, and the ids of its headings: each mapped to an id the book can use (an XML
 * name, not one sheaf makes). */
static void targets_collect(conv *v, xmlNodePtr root)
{
    strmap *wanted = strmap_new(), *used = strmap_new();
    for (int pass = 0; pass < 2; pass++) {
        xmlNodePtr n = root;
        while (n) {
            if (n->type == XML_ELEMENT_NODE && n != root && kind_of(n) == K_DROP) {
                /* skip the subtree */
            } else if (n->type == XML_ELEMENT_NODE) {
                if (pass == 0 && html5_is(n, "a")) {
                    char *href = attr(n, "href");
                    char *clean = href ? url_clean(href) : NULL;
                    const char *frag = NULL;
                    char *resolved = NULL;
                    if (clean && clean[0] == '#') {
                        frag = clean + 1;
                    } else if (clean && v->c->page_url && v->c->base_url) {
                        resolved = url_web_resolve_ref(v->c->base_url, clean);
                        size_t k = strcspn(v->c->page_url, "#");
                        if (resolved && !strncmp(resolved, v->c->page_url, k) && resolved[k] == '#')
                            frag = resolved + k + 1;
                    }
                    if (frag && *frag) {
                        char *id = url_decode(frag);
                        strmap_add(wanted, id, (void *)1);
                        free(id);
                    }
                    free(resolved);
                    free(clean);
                    free(href);
                } else if (pass == 1) {
                    char *id = attr(n, "id");
                    if (!id && html5_is(n, "a"))
                        id = attr(n, "name");
                    /* a heading's id is kept whether this page links to it or not: other
                     * pages of the book may (two.html#recipe) */
                    int heading = kind_of(n) == K_HEADING;
                    if (id && *id && (heading || strmap_get(wanted, id)) &&
                        !strmap_get(v->targets, id)) {
                        char *use = NULL;
                        if (xmlValidateNCName((const xmlChar *)id, 0) == 0 &&
                            !str_starts_with(id, "fn-") && !str_starts_with(id, "fnref-") &&
                            !str_starts_with(id, "ref-"))
                            use = xstrdup(id);
                        else
                            use = text_slug(id);
                        /* unique among the targets */
                        char *try = xstrdup(use);
                        for (int i = 2; strmap_get(used, try); i++) {
                            free(try);
                            try = xasprintf("%s-%d", use, i);
                        }
                        strmap_add(used, try, (void *)1);
                        strmap_add(v->targets, id, arena_strdup(v->c->arena, try));
                        free(try);
                        free(use);
                    }
                    free(id);
                }
                if (n->children) {
                    n = n->children;
                    continue;
                }
            }
            while (n && n != root && !n->next)
                n = n->parent;
            if (!n || n == root)
                break;
            n = n->next;
        }
    }
    strmap_free(wanted);
    strmap_free(used);
}

cmark_node *htmlconv_run(htmlconv *c, xmlNodePtr root)
{
    conv v;
    memset(&v, 0, sizeof v);
    v.c = c;
    v.targets = strmap_new();
    v.placed = strmap_new();
    cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT);
    v.container = doc;
    flags_compute(root);
    targets_collect(&v, root);
    blocks(&v, root);
    run_close(&v);
    strbuf_release(&v.run);
    strmap_free(v.targets);
    strmap_free(v.placed);
    return doc;
}
