/* sanitize.c: raw HTML inside Markdown -> safe, valid EPUB 3 XHTML nodes.
 *
 * The fragment is parsed as a browser parses it, by the HTML5 tree builder every HTML in sheaf
 * goes through (base/html5.c; the fragment's own encoding declarations are ignored: input is
 * UTF-8), then rebuilt node by node under the caller's parent. Nothing is copied blindly: every element and attribute below is
 * either kept, translated or dropped.
 *
 * Kept (with the attributes listed, plus id, class, title, lang and dir everywhere):
 *   structure  div section article aside header footer address blockquote figure figcaption
 *              details (open) summary p h1-h6 pre hr
 *   phrasing   span a (href) em strong b i u s small mark cite q dfn abbr code kbd samp var
 *              sub sup bdi bdo ins del ruby rt rp br wbr img (src, alt)
 *   lists      ul ol (start, reversed, type) li (value) dl dt dd
 *   tables     table caption colgroup col (span) thead tbody tfoot tr td th (colspan, rowspan,
 *              scope); rows are always put in a tbody
 * Translated:
 *   center -> div class="center"; tt -> code; strike -> s; acronym -> abbr;
 *   a div whose class names a caption or figure (imgcap, wp-caption...) holding an image and
 *   then a block of text -> figure with that text as its figcaption;
 *   big -> span class="big"; dir, menu -> ul; listing, xmp, plaintext -> pre;
 *   hgroup, main, nav, search, fieldset -> div; legend -> p; time, data -> span;
 *   align="left|center|right|justify" -> class "align-..." (any element);
 *   <a name="x"> -> id; <img data-src> (lazy loading) is used when src is missing;
 *   iframe, embed, object, video and audio with a remote (http, https or //) source -> a link
 *   to that source (a YouTube or Vimeo player address becomes the video's page), in a
 *   <p class="embed"> when a block is allowed; an object without one keeps its fallback content.
 *   An image that cannot be embedded keeps its alt text (a link to the source when it is remote).
 *   A WebP image becomes <object type="image/webp"> with the alt text as fallback (see media.h).
 * Unwrapped (element dropped, content kept): font, label, picture, nobr, blink, marquee,
 *   rb, rtc, unknown and custom elements; any block element where only phrasing content is
 *   allowed (inside p, headings, links, inline elements, or an inline_only parent); an <a>
 *   inside a link; table parts outside a table.
 * Dropped with their content: script, style, noscript, template, head elements (title, meta,
 *   link, base), form and every form control, param, source, track, map, area, canvas, dialog,
 *   frame, frameset, applet, inline svg and math (with a warning: they need manifest
 *   properties and their own cleaning), comments and processing instructions.
 * Dropped attributes: everything not listed above, in particular event handlers (on*), style
 *   (fixed colours and sizes break night mode and e-ink, and styles can load remote resources),
 *   width/height/border/bgcolor/cellpadding and other presentational attributes, srcset,
 *   target, rel, data-*, aria-* and role, cite and datetime (epubcheck checks their URLs and
 *   dates), and href values with the javascript:, vbscript: or data: scheme.
 * Repaired where the HTML would not be valid, by the content model of base/html_model.h (the
 * table sheaf check reports by), keeping every word:
 *   an element where an ancestor forbids it (a heading, header, footer or section inside th or
 *   address, a header or footer inside another, a dfn inside a dfn, a table inside a caption)
 *   becomes a p (headings), a span (dfn) or a div; a table's parts are put in the order HTML
 *   requires and browsers show (caption, colgroups, thead, bodies, tfoot; a second caption,
 *   thead or tfoot joins the first or the bodies); a figure keeps one figcaption, its first or
 *   last child; a details without its summary first is a div; a ruby without an rt is its text,
 *   and base text after its last rt follows it; a dl out of order is divs (below); an embed
 *   turned into a link in running text is kept apart from the words around it.
 * Ids go through ctx->claim_id (which renames one XHTML cannot hold, "1.-intro"); an element
 * left out or unwrapped keeps its id on an empty span where it stood, so that links to it still
 * lead there. Links go through ctx->resolve_link; images through ctx->resolve_image. Text is
 * filtered to the characters XML 1.0 allows. */
#include "writers/sanitize.h"

#include <string.h>

#include "base/html5.h"
#include "base/html_model.h"
#include "base/lang.h"
#include "writers/media.h"
#include "base/util.h"

/* Deeper raw HTML is flattened. The fragment sits inside the document's own nesting (up to
 * ~100 levels from render.c), and the whole must stay well under the 256 levels that XML
 * parsers accept without their unsafe "huge" option. */
#define SANITIZE_MAX_DEPTH 64

enum warn_bits {
    W_SCRIPT = 1u << 0,
    W_STYLE = 1u << 1,
    W_FORM = 1u << 2,
    W_SVG = 1u << 3,
    W_MATH = 1u << 4,
    W_TABLE = 1u << 5,
    W_DEEP = 1u << 6,
    W_OTHER = 1u << 7
};

typedef enum rule_kind {
    R_FLOW,   /* block element, flow children */
    R_BLOCKP, /* block element, phrasing children (p, h1-h6, pre) */
    R_PHRASE, /* phrasing element, phrasing children */
    R_HR,     /* hr: void block */
    R_VOID,   /* br, wbr: void phrasing */
    R_UNWRAP, /* element dropped, content kept */
    R_DROP,   /* element dropped with its content */
    R_SPECIAL /* handled by its own function */
} rule_kind;

typedef struct rule {
    const char *in;
    const char *out; /* output name; NULL: same */
    rule_kind kind;
    const char *cls; /* class added by a translation */
    unsigned warn;   /* for R_DROP: the warning to give once per fragment */
} rule;

static const rule rules[] = {
    /* structure */
    {"div", NULL, R_FLOW, NULL, 0},
    {"section", NULL, R_FLOW, NULL, 0},
    {"article", NULL, R_FLOW, NULL, 0},
    {"aside", NULL, R_FLOW, NULL, 0},
    {"header", NULL, R_FLOW, NULL, 0},
    {"footer", NULL, R_FLOW, NULL, 0},
    {"address", NULL, R_FLOW, NULL, 0},
    {"blockquote", NULL, R_FLOW, NULL, 0},
    {"figure", NULL, R_FLOW, NULL, 0},
    {"details", NULL, R_FLOW, NULL, 0},
    {"center", "div", R_FLOW, "center", 0},
    {"hgroup", "div", R_FLOW, NULL, 0},
    {"main", "div", R_FLOW, NULL, 0},
    {"nav", "div", R_FLOW, NULL, 0},
    {"search", "div", R_FLOW, NULL, 0},
    {"fieldset", "div", R_FLOW, NULL, 0},
    {"p", NULL, R_BLOCKP, NULL, 0},
    {"h1", NULL, R_BLOCKP, NULL, 0},
    {"h2", NULL, R_BLOCKP, NULL, 0},
    {"h3", NULL, R_BLOCKP, NULL, 0},
    {"h4", NULL, R_BLOCKP, NULL, 0},
    {"h5", NULL, R_BLOCKP, NULL, 0},
    {"h6", NULL, R_BLOCKP, NULL, 0},
    {"pre", NULL, R_BLOCKP, NULL, 0},
    {"listing", "pre", R_BLOCKP, NULL, 0},
    {"xmp", "pre", R_BLOCKP, NULL, 0},
    {"plaintext", "pre", R_BLOCKP, NULL, 0},
    {"legend", "p", R_BLOCKP, NULL, 0},
    {"hr", NULL, R_HR, NULL, 0},
    /* phrasing */
    {"span", NULL, R_PHRASE, NULL, 0},
    {"em", NULL, R_PHRASE, NULL, 0},
    {"strong", NULL, R_PHRASE, NULL, 0},
    {"b", NULL, R_PHRASE, NULL, 0},
    {"i", NULL, R_PHRASE, NULL, 0},
    {"u", NULL, R_PHRASE, NULL, 0},
    {"s", NULL, R_PHRASE, NULL, 0},
    {"small", NULL, R_PHRASE, NULL, 0},
    {"mark", NULL, R_PHRASE, NULL, 0},
    {"cite", NULL, R_PHRASE, NULL, 0},
    {"q", NULL, R_PHRASE, NULL, 0},
    {"dfn", NULL, R_PHRASE, NULL, 0},
    {"abbr", NULL, R_PHRASE, NULL, 0},
    {"code", NULL, R_PHRASE, NULL, 0},
    {"kbd", NULL, R_PHRASE, NULL, 0},
    {"samp", NULL, R_PHRASE, NULL, 0},
    {"var", NULL, R_PHRASE, NULL, 0},
    {"sub", NULL, R_PHRASE, NULL, 0},
    {"sup", NULL, R_PHRASE, NULL, 0},
    {"bdi", NULL, R_PHRASE, NULL, 0},
    {"ins", NULL, R_PHRASE, NULL, 0},
    {"del", NULL, R_PHRASE, NULL, 0},
    {"ruby", NULL, R_PHRASE, NULL, 0},
    {"tt", "code", R_PHRASE, NULL, 0},
    {"strike", "s", R_PHRASE, NULL, 0},
    {"acronym", "abbr", R_PHRASE, NULL, 0},
    {"big", "span", R_PHRASE, "big", 0},
    {"time", "span", R_PHRASE, NULL, 0},
    {"data", "span", R_PHRASE, NULL, 0},
    {"br", NULL, R_VOID, NULL, 0},
    {"wbr", NULL, R_VOID, NULL, 0},
    /* content kept, element dropped */
    {"font", NULL, R_UNWRAP, NULL, 0},
    {"label", NULL, R_UNWRAP, NULL, 0},
    {"picture", NULL, R_UNWRAP, NULL, 0},
    {"nobr", NULL, R_UNWRAP, NULL, 0},
    {"blink", NULL, R_UNWRAP, NULL, 0},
    {"marquee", NULL, R_UNWRAP, NULL, 0},
    {"rb", NULL, R_UNWRAP, NULL, 0},
    {"rtc", NULL, R_UNWRAP, NULL, 0},
    /* void elements of no use here */
    {"source", NULL, R_UNWRAP, NULL, 0},
    {"track", NULL, R_UNWRAP, NULL, 0},
    {"keygen", NULL, R_UNWRAP, NULL, 0},
    {"html", NULL, R_UNWRAP, NULL, 0},
    {"body", NULL, R_UNWRAP, NULL, 0},
    /* dropped with content */
    {"script", NULL, R_DROP, NULL, W_SCRIPT},
    {"noscript", NULL, R_DROP, NULL, 0},
    {"template", NULL, R_DROP, NULL, 0},
    {"style", NULL, R_DROP, NULL, W_STYLE},
    {"head", NULL, R_DROP, NULL, 0},
    {"title", NULL, R_DROP, NULL, 0},
    {"meta", NULL, R_DROP, NULL, 0},
    {"link", NULL, R_DROP, NULL, 0},
    {"base", NULL, R_DROP, NULL, 0},
    {"basefont", NULL, R_DROP, NULL, 0},
    {"bgsound", NULL, R_DROP, NULL, 0},
    {"form", NULL, R_DROP, NULL, W_FORM},
    {"input", NULL, R_DROP, NULL, W_FORM},
    {"button", NULL, R_DROP, NULL, W_FORM},
    {"select", NULL, R_DROP, NULL, W_FORM},
    {"textarea", NULL, R_DROP, NULL, W_FORM},
    {"option", NULL, R_DROP, NULL, 0},
    {"optgroup", NULL, R_DROP, NULL, 0},
    {"datalist", NULL, R_DROP, NULL, 0},
    {"output", NULL, R_DROP, NULL, 0},
    {"progress", NULL, R_DROP, NULL, 0},
    {"meter", NULL, R_DROP, NULL, 0},
    {"isindex", NULL, R_DROP, NULL, 0},
    {"param", NULL, R_DROP, NULL, 0},
    {"map", NULL, R_DROP, NULL, 0},
    {"area", NULL, R_DROP, NULL, 0},
    {"canvas", NULL, R_DROP, NULL, 0},
    {"dialog", NULL, R_DROP, NULL, 0},
    {"frame", NULL, R_DROP, NULL, 0},
    {"frameset", NULL, R_DROP, NULL, 0},
    {"noframes", NULL, R_DROP, NULL, 0},
    {"noembed", NULL, R_DROP, NULL, 0},
    {"applet", NULL, R_DROP, NULL, 0},
    {"slot", NULL, R_DROP, NULL, 0},
    {"portal", NULL, R_DROP, NULL, 0},
    {"svg", NULL, R_DROP, NULL, W_SVG},
    {"math", NULL, R_DROP, NULL, W_MATH},
    /* special */
    {"a", NULL, R_SPECIAL, NULL, 0},
    {"img", NULL, R_SPECIAL, NULL, 0},
    {"image", NULL, R_SPECIAL, NULL, 0},
    {"ul", NULL, R_SPECIAL, NULL, 0},
    {"ol", NULL, R_SPECIAL, NULL, 0},
    {"dir", NULL, R_SPECIAL, NULL, 0},
    {"menu", NULL, R_SPECIAL, NULL, 0},
    {"li", NULL, R_SPECIAL, NULL, 0},
    {"dl", NULL, R_SPECIAL, NULL, 0},
    {"dt", NULL, R_SPECIAL, NULL, 0},
    {"dd", NULL, R_SPECIAL, NULL, 0},
    {"table", NULL, R_SPECIAL, NULL, 0},
    {"caption", NULL, R_SPECIAL, NULL, 0},
    {"colgroup", NULL, R_SPECIAL, NULL, 0},
    {"col", NULL, R_SPECIAL, NULL, 0},
    {"thead", NULL, R_SPECIAL, NULL, 0},
    {"tbody", NULL, R_SPECIAL, NULL, 0},
    {"tfoot", NULL, R_SPECIAL, NULL, 0},
    {"tr", NULL, R_SPECIAL, NULL, 0},
    {"td", NULL, R_SPECIAL, NULL, 0},
    {"th", NULL, R_SPECIAL, NULL, 0},
    {"summary", NULL, R_SPECIAL, NULL, 0},
    {"figcaption", NULL, R_SPECIAL, NULL, 0},
    {"rt", NULL, R_SPECIAL, NULL, 0},
    {"rp", NULL, R_SPECIAL, NULL, 0},
    {"bdo", NULL, R_SPECIAL, NULL, 0},
    {"iframe", NULL, R_SPECIAL, NULL, 0},
    {"embed", NULL, R_SPECIAL, NULL, 0},
    {"object", NULL, R_SPECIAL, NULL, 0},
    {"video", NULL, R_SPECIAL, NULL, 0},
    {"audio", NULL, R_SPECIAL, NULL, 0},
};

/* Where output goes: may block content be added, are we inside a link, and which categories
 * of base/html_model.h do the elements around forbid (a heading inside th or address, a header
 * inside header, a table inside caption, a dfn inside dfn)? */
typedef struct place {
    int phrasing;
    int in_a;
    unsigned forbid;
} place;

typedef struct walk {
    const sanitize_ctx *ctx;
    xmlDocPtr doc; /* output document */
    xmlNsPtr ns;   /* XHTML namespace in scope at the caller's parent, or NULL */
    unsigned warned;
    int depth;
    xmlNodePtr space_due; /* a block unwrapped in here ended: separate what follows */
    int at; /* line of the element being emitted, for the callbacks (see sanitize.h) */
} walk;

static void emit_node(walk *w, xmlNodePtr src, xmlNodePtr out, place pl);
static void emit_children(walk *w, xmlNodePtr src, xmlNodePtr out, place pl);

/*** small helpers ***/

static const rule *rule_find(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].in, name) == 0)
            return &rules[i];
    return NULL;
}

static int name_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name && strcmp((const char *)n->name, name) == 0;
}

static int src_line(const walk *w, xmlNodePtr src)
{
    long l = src ? xmlGetLineNo(src) : -1;
    if (w->ctx->line <= 0)
        return 0;
    return l > 0 ? w->ctx->line + (int)l - 1 : w->ctx->line;
}

static void warn_at(walk *w, xmlNodePtr src, const char *fmt, const char *arg)
{
    if (!w->ctx->diags)
        return;
    diag_add(w->ctx->diags, DIAG_WARNING, NULL, w->ctx->file, src_line(w, src), fmt, arg);
}

static void warn_once(walk *w, unsigned bit, xmlNodePtr src)
{
    static const struct {
        unsigned bit;
        const char *msg;
    } msgs[] = {
        {W_SCRIPT, "raw HTML: removed <%s> (scripts cannot run in the book)"},
        {W_STYLE, "raw HTML: removed <%s> (the book's stylesheet applies; use --css for your own)"},
        {W_FORM, "raw HTML: removed <%s> and other form elements (forms cannot work in a book)"},
        {W_SVG, "raw HTML: removed inline <%s> (use an image file: ![alt](picture.svg))"},
        {W_MATH, "raw HTML: removed <%s> (MathML is not supported; use an image or text)"},
        {W_TABLE, "raw HTML: removed content of <%s> that was outside its cells"},
        {W_DEEP, "raw HTML: elements nested too deeply under <%s>; kept only their text"},
    };
    if (w->warned & bit)
        return;
    w->warned |= bit;
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        if (msgs[i].bit == bit)
            warn_at(w, src, msgs[i].msg, src && src->name ? (const char *)src->name : "html");
}

/* A copy of s without the characters XML 1.0 forbids (and without invalid UTF-8). Caller frees. */
static char *xml_text_copy(const xmlChar *s)
{
    strbuf b = STRBUF_INIT;
    const xmlChar *p = s ? s : (const xmlChar *)"";
    while (*p) {
        int len = 4;
        int c = xmlGetUTF8Char(p, &len);
        if (c < 0 || len <= 0) {
            p++;
            continue;
        }
        if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
            (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF))
            strbuf_add(&b, p, (size_t)len);
        p += len;
    }
    strbuf_addc(&b, '\0');
    b.len--;
    return strbuf_detach(&b, NULL);
}

/* Called before anything is added to `out`: the space owed after an unwrapped block. */
static void pay_space(walk *w, xmlNodePtr out, const char *next_text)
{
    if (w->space_due != out)
        return;
    w->space_due = NULL;
    if (next_text && strchr(" \t\n\r", next_text[0]))
        return;
    xmlAddChild(out, xmlNewDocText(w->doc, (const xmlChar *)" "));
}

static void add_text(walk *w, xmlNodePtr out, const xmlChar *s)
{
    char *t = xml_text_copy(s);
    if (*t) {
        pay_space(w, out, t);
        xmlAddChild(out, xmlNewDocText(w->doc, (const xmlChar *)t));
    }
    free(t);
}

static int is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f')
            return 0;
    return 1;
}

/* Does n hold anything but blank text (an element, or text that is not blank)? */
static int has_content(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE || (c->type == XML_TEXT_NODE && !is_blank(c->content)))
            return 1;
    return 0;
}

/* The categories of base/html_model.h that the descendants of element `name` must not have. */
static unsigned forbid_of(const char *name)
{
    const html_element *he = html_element_find(name);
    return he ? he->forbid : 0;
}

/* Would an element `name` at `pl` break a rule of an element around it? */
static int forbidden_at(place pl, const char *name)
{
    const html_element *he = html_element_find(name);
    return he && (he->cats & pl.forbid);
}

/* What the elements from `out` up to its document's root forbid their descendants. */
static unsigned forbid_above(xmlNodePtr out)
{
    unsigned f = 0;
    for (xmlNodePtr p = out; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        f |= forbid_of((const char *)p->name);
    return f;
}

static xmlNodePtr new_el(walk *w, xmlNodePtr out, const char *name)
{
    xmlNodePtr n = xmlNewDocNode(w->doc, w->ns, (const xmlChar *)name, NULL);
    pay_space(w, out, NULL);
    xmlAddChild(out, n);
    return n;
}

static void set_attr(xmlNodePtr n, const char *name, const char *value)
{
    char *v = xml_text_copy((const xmlChar *)value);
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)v);
    free(v);
}

/* The attribute's value as a new string (trimmed of ASCII space), or NULL. Caller frees. */
static char *attr_get(xmlNodePtr src, const char *name)
{
    xmlChar *v = xmlGetProp(src, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    str_trim(s);
    return s;
}

static int attr_has(xmlNodePtr src, const char *name)
{
    return xmlHasProp(src, (const xmlChar *)name) != NULL;
}

/* A URL from an attribute: trimmed, with tabs and newlines removed (browsers ignore them,
 * which makes "java\nscript:" a script URL). NULL when absent or empty. Caller frees. */
static char *url_get(xmlNodePtr src, const char *name)
{
    char *v = attr_get(src, name);
    if (!v)
        return NULL;
    char *o = v;
    for (char *p = v; *p; p++)
        if (*p != '\t' && *p != '\n' && *p != '\r')
            *o++ = *p;
    *o = '\0';
    if (!*v) {
        free(v);
        return NULL;
    }
    return v;
}

/* 1 when url starts with the scheme `scheme` (given lowercase, without ':'). */
static int url_has_scheme(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);
    for (size_t i = 0; i < n; i++) {
        char c = url[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != scheme[i])
            return 0;
    }
    return url[n] == ':';
}

static int url_is_dangerous(const char *url)
{
    return url_has_scheme(url, "javascript") || url_has_scheme(url, "vbscript") ||
           url_has_scheme(url, "data") || url_has_scheme(url, "livescript");
}

/* An http(s) or protocol-relative URL as a new absolute https/http URL, or NULL. Caller frees. */
static char *url_remote(const char *url)
{
    if (!url)
        return NULL;
    if (url[0] == '/' && url[1] == '/' && url[2] && url[2] != '/')
        return xasprintf("https:%s", url);
    if (url_has_scheme(url, "http") || url_has_scheme(url, "https"))
        return xstrdup(url);
    return NULL;
}

/* A player address turned into the page a reader can open: YouTube and Vimeo embeds. */
static char *url_unembed(const char *url)
{
    static const char *yt[] = {"https://www.youtube.com/embed/", "https://youtube.com/embed/",
                               "https://www.youtube-nocookie.com/embed/",
                               "http://www.youtube.com/embed/"};
    static const char *vimeo = "https://player.vimeo.com/video/";
    for (size_t i = 0; i < sizeof yt / sizeof yt[0]; i++) {
        if (str_starts_with(url, yt[i])) {
            const char *id = url + strlen(yt[i]);
            size_t n = strcspn(id, "?#/&");
            if (n > 0 && n < 64)
                return xasprintf("https://www.youtube.com/watch?v=%.*s", (int)n, id);
        }
    }
    if (str_starts_with(url, vimeo)) {
        const char *id = url + strlen(vimeo);
        size_t n = strcspn(id, "?#/&");
        if (n > 0 && n < 64)
            return xasprintf("https://vimeo.com/%.*s", (int)n, id);
    }
    return xstrdup(url);
}

static int parse_count(const char *s, long max, long *out)
{
    long v = 0;
    if (!s || !*s)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
        if (v > max)
            return 0;
    }
    *out = v;
    return 1;
}

static int parse_int(const char *s, long *out)
{
    int neg = s && *s == '-';
    long v;
    if (!parse_count(neg ? s + 1 : s, 1000000000L, &v))
        return 0;
    *out = neg ? -v : v;
    return 1;
}

/*** attributes ***/

/* Class tokens that are safe names, plus `extra` and the translation of align=. */
static void copy_class(xmlNodePtr src, xmlNodePtr out, const char *extra)
{
    strbuf b = STRBUF_INIT;
    char *cls = attr_get(src, "class");
    char *align = attr_get(src, "align");
    if (cls) {
        char *save = NULL;
        for (char *tok = strtok_r(cls, " \t\n\r\f", &save); tok;
             tok = strtok_r(NULL, " \t\n\r\f", &save)) {
            int ok = 1;
            for (const char *p = tok; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
                    ok = 0;
            if (ok) {
                if (b.len)
                    strbuf_addc(&b, ' ');
                strbuf_adds(&b, tok);
            }
        }
    }
    if (extra) {
        if (b.len)
            strbuf_addc(&b, ' ');
        strbuf_adds(&b, extra);
    }
    if (align) {
        static const char *ok[] = {"left", "center", "right", "justify"};
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
            if (str_casecmp_ascii(align, ok[i]) == 0) {
                if (b.len)
                    strbuf_addc(&b, ' ');
                strbuf_addf(&b, "align-%s", ok[i]);
            }
        }
    }
    if (b.len)
        set_attr(out, "class", b.data);
    strbuf_release(&b);
    free(cls);
    free(align);
}

/* The id `raw` for `out`, as ctx->claim_id names it (an id XHTML cannot hold, "1.-intro" or
 * "two words", is renamed there); none when it names none XHTML can hold. */
static void claim(walk *w, const char *raw, xmlNodePtr out)
{
    char *id = NULL;
    if (!raw || !*raw || !w->ctx->claim_id || xmlHasProp(out, (const xmlChar *)"id"))
        return;
    id = w->ctx->claim_id(w->ctx->ud, raw, w->at);
    if (id && xmlValidateNCName((const xmlChar *)id, 0) == 0)
        set_attr(out, "id", id);
    free(id);
}

/* id, class (+ extra), title, lang/xml:lang, dir. */
static void copy_common(walk *w, xmlNodePtr src, xmlNodePtr out, const char *extra_class)
{
    char *v;
    if ((v = attr_get(src, "id"))) {
        claim(w, v, out);
        free(v);
    }
    copy_class(src, out, extra_class);
    if ((v = attr_get(src, "title"))) {
        if (*v)
            set_attr(out, "title", v);
        free(v);
    }
    if ((v = attr_get(src, "lang"))) {
        if (lang_tag_valid(v)) {
            set_attr(out, "lang", v);
            xmlNsPtr xmlns = xmlSearchNs(w->doc, out, (const xmlChar *)"xml");
            if (xmlns)
                xmlSetNsProp(out, xmlns, (const xmlChar *)"lang", (const xmlChar *)v);
        }
        free(v);
    }
    if ((v = attr_get(src, "dir"))) {
        if (str_casecmp_ascii(v, "ltr") == 0)
            set_attr(out, "dir", "ltr");
        else if (str_casecmp_ascii(v, "rtl") == 0)
            set_attr(out, "dir", "rtl");
        free(v);
    }
}

/* `src` copied as element `name` under `out`, with its common attributes (and `extra_class`),
 * then its children in `pl`. Returns the new element. */
static xmlNodePtr emit_copy(walk *w, xmlNodePtr src, xmlNodePtr out, const char *name,
                            const char *extra_class, place pl)
{
    xmlNodePtr el = new_el(w, out, name);
    copy_common(w, src, el, extra_class);
    pl.forbid |= forbid_of(name);
    emit_children(w, src, el, pl);
    return el;
}

/* The id of an element that is left out or unwrapped, kept on an empty span where it stood, so
 * that links to it (the article counted it among its targets) still lead there. */
static void keep_anchor(walk *w, xmlNodePtr src, xmlNodePtr out)
{
    char *id = attr_get(src, "id");
    if ((!id || !*id) && name_is(src, "a")) {
        free(id);
        id = attr_get(src, "name");
    }
    if (id && *id && w->ctx->claim_id) {
        xmlNodePtr span = xmlNewDocNode(w->doc, w->ns, (const xmlChar *)"span", NULL);
        claim(w, id, span);
        if (xmlHasProp(span, (const xmlChar *)"id")) {
            pay_space(w, out, NULL);
            xmlAddChild(out, span);
        } else {
            xmlFreeNode(span);
        }
    }
    free(id);
}

/* keep_anchor for every element of the subtree under src (iteratively: it may be deep). */
static void keep_anchors_below(walk *w, xmlNodePtr src, xmlNodePtr out)
{
    xmlNodePtr n = src->children;
    while (n && n != src) {
        if (n->type == XML_ELEMENT_NODE)
            keep_anchor(w, n, out);
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != src && !n->next)
            n = n->parent;
        if (n && n != src)
            n = n->next;
    }
}

/*** elements ***/

static int in_link(xmlNodePtr out)
{
    for (xmlNodePtr p = out; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (name_is(p, "a"))
            return 1;
    return 0;
}

/* Before the content of an unwrapped block in phrasing context: keep words apart. */
static void space_before(walk *w, xmlNodePtr out)
{
    xmlNodePtr last = out->last;
    if (!last)
        return;
    if (last->type == XML_TEXT_NODE && last->content) {
        size_t n = strlen((const char *)last->content);
        if (n && strchr(" \n\t", last->content[n - 1]))
            return;
    }
    xmlAddChild(out, xmlNewDocText(w->doc, (const xmlChar *)" "));
}

/* The content of a block element where only phrasing is allowed, kept apart from its
 * neighbours by spaces. */
static void unwrap_block(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    space_before(w, out);
    w->space_due = NULL;
    keep_anchor(w, src, out);
    emit_children(w, src, out, pl);
    w->space_due = out;
}

/* A link to `url` with `text`, or just the text inside a link. In flow context the link is
 * put in <p class="embed">; in running text it is kept apart from the words around it. */
static void emit_link_to(walk *w, xmlNodePtr out, place pl, const char *url, const char *text)
{
    char *href = NULL;
    if (!pl.in_a && w->ctx->resolve_link)
        href = w->ctx->resolve_link(w->ctx->ud, url, w->at);
    xmlNodePtr holder = out;
    if (!pl.phrasing) {
        holder = new_el(w, out, "p");
        set_attr(holder, "class", "embed");
    } else {
        pay_space(w, out, NULL);
        space_before(w, out);
    }
    if (href) {
        xmlNodePtr a = new_el(w, holder, "a");
        set_attr(a, "href", href);
        add_text(w, a, (const xmlChar *)text);
    } else {
        add_text(w, holder, (const xmlChar *)text);
    }
    if (pl.phrasing)
        w->space_due = out;
    free(href);
}

static void emit_a(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    place inner = {1, 1, pl.forbid};
    char *href = NULL, *res = NULL, *id = NULL;
    if (pl.in_a) {
        keep_anchor(w, src, out);
        emit_children(w, src, out, pl);
        goto out;
    }
    href = url_get(src, "href");
    if (href && !url_is_dangerous(href) && w->ctx->resolve_link)
        res = w->ctx->resolve_link(w->ctx->ud, href, w->at);
    id = attr_get(src, "id");
    if (!id || !*id) {
        free(id);
        id = attr_get(src, "name"); /* <a name="x">: the old anchor */
    }
    if (!res && !(id && *id && w->ctx->claim_id)) {
        if (!pl.phrasing) {
            /* a block-level <a> holding blocks: keep the blocks */
            place flow = {0, 1, pl.forbid};
            emit_children(w, src, out, flow);
        } else {
            emit_children(w, src, out, pl);
        }
        goto out;
    }
    xmlNodePtr a = new_el(w, out, "a");
    if (res)
        set_attr(a, "href", res);
    copy_common(w, src, a, NULL); /* claims the id attribute, if any */
    if (!attr_has(src, "id") && id)
        claim(w, id, a);
    emit_children(w, src, a, inner);
out:
    free(href);
    free(res);
    free(id);
}

static void emit_img(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    char *url = url_get(src, "src"), *alt = attr_get(src, "alt"), *res = NULL, *remote = NULL;
    if (!url || str_starts_with(url, "data:image/gif;base64,R0lGOD")) {
        /* lazy loading: a placeholder (or nothing) in src, the real image elsewhere */
        char *lazy = url_get(src, "data-src");
        if (lazy) {
            free(url);
            url = lazy;
        }
    }
    if (!alt)
        alt = xstrdup("");
    if (url && w->ctx->resolve_image)
        res = w->ctx->resolve_image(w->ctx->ud, url, alt, w->at);
    if (res) {
        char *alt_ok = xml_text_copy((const xmlChar *)alt);
        char *src_ok = xml_text_copy((const xmlChar *)res);
        pay_space(w, out, NULL);
        /* <img>, or <object> with the alt text as fallback for WebP (see media.h) */
        xmlNodePtr img = media_append_image(out, src_ok, alt_ok);
        copy_common(w, src, img, NULL);
        free(alt_ok);
        free(src_ok);
        goto out;
    }
    keep_anchor(w, src, out);
    remote = url_remote(url);
    if (remote && !pl.in_a) {
        place ph = {1, 0, pl.forbid};
        emit_link_to(w, out, ph, remote, *alt ? alt : remote);
    } else if (*alt) {
        add_text(w, out, (const xmlChar *)alt);
    }
out:
    free(url);
    free(alt);
    free(res);
    free(remote);
}

/* iframe, embed, object, video, audio. */
static void emit_embed(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    const char *name = (const char *)src->name;
    int is_object = strcmp(name, "object") == 0;
    char *url = url_get(src, is_object ? "data" : "src"), *remote = NULL, *page = NULL;
    char *title = attr_get(src, "title");
    if (!url && (strcmp(name, "video") == 0 || strcmp(name, "audio") == 0)) {
        for (xmlNodePtr c = src->children; c && !url; c = c->next)
            if (name_is(c, "source"))
                url = url_get(c, "src");
    }
    keep_anchor(w, src, out);
    remote = url_remote(url);
    if (remote) {
        page = url_unembed(remote);
        emit_link_to(w, out, pl, page, title && *title ? title : page);
        warn_at(w, src,
                "raw HTML: embedded content replaced by a link to %s (a book cannot "
                "play or load it)",
                page);
    } else if (is_object) {
        emit_children(w, src, out, pl); /* fallback content; param is dropped */
    } else if (url) {
        char *msg = xasprintf("raw HTML: removed <%s> of '%.200s' (only images are embedded; "
                              "link to the file instead)",
                              name, url);
        warn_at(w, src, "%s", msg);
        free(msg);
    }
    free(url);
    free(remote);
    free(page);
    free(title);
}

/* The children of a list-like element (ul/ol, dl) into `box`: blank text is kept, `item` emits
 * those that are items (returning 1 for them), and anything else goes into a `wrap_name`
 * element, one for each run of such children. */
static void emit_items(walk *w, xmlNodePtr src, xmlNodePtr box, const char *wrap_name, place flow,
                       int (*item)(walk *w, xmlNodePtr c, xmlNodePtr box, place flow))
{
    xmlNodePtr wrap = NULL;
    for (xmlNodePtr c = src->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            is_blank(c->content)) {
            add_text(w, box, c->content);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE && c->type != XML_TEXT_NODE &&
            c->type != XML_CDATA_SECTION_NODE)
            continue;
        if (item(w, c, box, flow)) {
            wrap = NULL;
            continue;
        }
        if (!wrap || wrap != box->last)
            wrap = new_el(w, box, wrap_name);
        emit_node(w, c, wrap, flow);
    }
}

/* An li of a ul/ol; 0 when c is something else. */
static int emit_li(walk *w, xmlNodePtr c, xmlNodePtr list, place flow)
{
    char *v;
    long n;
    if (!name_is(c, "li"))
        return 0;
    xmlNodePtr li = new_el(w, list, "li");
    copy_common(w, c, li, NULL);
    v = name_is(list, "ol") ? attr_get(c, "value") : NULL;
    if (v && parse_int(v, &n))
        set_attr(li, "value", v);
    free(v);
    emit_children(w, c, li, flow);
    return 1;
}

/* A dt or dd of a dl; 0 when c is something else. */
static int emit_dt_dd(walk *w, xmlNodePtr c, xmlNodePtr dl, place flow)
{
    place ph = {1, flow.in_a, flow.forbid};
    if (!name_is(c, "dt") && !name_is(c, "dd"))
        return 0;
    emit_copy(w, c, dl, (const char *)c->name, NULL, name_is(c, "dt") ? ph : flow);
    return 1;
}

/* ul/ol (and dir/menu): li children; anything else is put in an li. */
static void emit_list(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    int ordered = name_is(src, "ol");
    xmlNodePtr list = new_el(w, out, ordered ? "ol" : "ul");
    char *v;
    long n;
    place flow = {0, pl.in_a, pl.forbid};
    copy_common(w, src, list, NULL);
    if (ordered) {
        if ((v = attr_get(src, "start")) && parse_int(v, &n))
            set_attr(list, "start", v);
        free(v);
        if (attr_has(src, "reversed"))
            set_attr(list, "reversed", "reversed");
        if ((v = attr_get(src, "type")) && strlen(v) == 1 && strchr("1aAiI", v[0]))
            set_attr(list, "type", v);
        free(v);
    }
    emit_items(w, src, list, "li", flow, emit_li);
}

/* dl: dt and dd children; anything else is put in a dd. A list HTML does not allow (a dd before
 * any dt, as web pages indent with <dl><dd>, or a dt without its dd) becomes a div of divs: the
 * same text, no invalid list (epubcheck RSC-005). */
static void emit_dl(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    xmlNodePtr dl = new_el(w, out, "dl");
    place flow = {0, pl.in_a, pl.forbid};
    copy_common(w, src, dl, NULL);
    emit_items(w, src, dl, "dd", flow, emit_dt_dd);
    int seen_dt = 0, last_dt = 0, valid = 1;
    for (xmlNodePtr k = dl->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(k, "dt"))
            seen_dt = last_dt = 1;
        else if (!seen_dt)
            valid = 0;
        else
            last_dt = 0;
    }
    if (valid && !last_dt)
        return;
    xmlNodeSetName(dl, (const xmlChar *)"div");
    for (xmlNodePtr k = dl->children; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            xmlNodeSetName(k, (const xmlChar *)"div");
}

static void emit_cell(walk *w, xmlNodePtr c, xmlNodePtr tr, place pl)
{
    place flow = {0, pl.in_a, pl.forbid};
    char *v;
    long n;
    xmlNodePtr cell = new_el(w, tr, (const char *)c->name);
    copy_common(w, c, cell, NULL);
    if ((v = attr_get(c, "colspan")) && parse_count(v, 1000, &n) && n >= 1)
        set_attr(cell, "colspan", v);
    free(v);
    if ((v = attr_get(c, "rowspan")) && parse_count(v, 65534, &n))
        set_attr(cell, "rowspan", v);
    free(v);
    if (name_is(c, "th") && (v = attr_get(c, "scope"))) {
        static const char *ok[] = {"row", "col", "rowgroup", "colgroup"};
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
            if (str_casecmp_ascii(v, ok[i]) == 0)
                set_attr(cell, "scope", ok[i]);
        free(v);
    }
    flow.forbid |= forbid_of((const char *)c->name); /* th: no heading, header or section */
    emit_children(w, c, cell, flow);
}

/* A tr: td/th children (anything else outside a cell is dropped with a warning). */
static void emit_tr(walk *w, xmlNodePtr src, xmlNodePtr group, place pl)
{
    xmlNodePtr tr = new_el(w, group, "tr");
    if (name_is(src, "tr"))
        copy_common(w, src, tr, NULL);
    if (!name_is(src, "tr")) {
        emit_cell(w, src, tr, pl); /* a lone td/th */
        return;
    }
    for (xmlNodePtr c = src->children; c; c = c->next) {
        if (name_is(c, "td") || name_is(c, "th"))
            emit_cell(w, c, tr, pl);
        else if ((c->type == XML_TEXT_NODE && !is_blank(c->content)) || c->type == XML_ELEMENT_NODE)
            warn_once(w, W_TABLE, src);
    }
}

/* thead/tbody/tfoot: tr children; a lone td/th gets its own row. */
static void emit_rowgroup(walk *w, xmlNodePtr src, xmlNodePtr group, place pl)
{
    for (xmlNodePtr c = src->children; c; c = c->next) {
        if (name_is(c, "tr") || name_is(c, "td") || name_is(c, "th"))
            emit_tr(w, c, group, pl);
        else if ((c->type == XML_TEXT_NODE && !is_blank(c->content)) || c->type == XML_ELEMENT_NODE)
            warn_once(w, W_TABLE, src);
    }
}

/* A col (name "col") or the span of a colgroup without cols (name NULL: `out` is the table
 * and the colgroup just added to it is its last child). */
static void emit_col(walk *w, xmlNodePtr src, xmlNodePtr out, const char *name)
{
    char *v = attr_get(src, "span");
    long n;
    xmlNodePtr el = name ? new_el(w, out, name) : out->last;
    if (name)
        copy_common(w, src, el, NULL);
    if (v && parse_count(v, 1000, &n) && n >= 1)
        set_attr(el, "span", v);
    free(v);
}

/* The children of `from` moved to the end of `to`. */
static void move_children(xmlNodePtr from, xmlNodePtr to)
{
    xmlNodePtr c, next;
    for (c = from->children; c; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        xmlAddChild(to, c);
    }
}

/* The id `from` was given (it is about to go) moves to a new empty span at the end of `box`, or
 * to the element `onto` when it has none of its own. */
static void id_move(walk *w, xmlNodePtr from, xmlNodePtr box, xmlNodePtr onto)
{
    xmlChar *id = xmlGetProp(from, (const xmlChar *)"id");
    if (!id)
        return;
    if (box) {
        onto = xmlNewDocNode(w->doc, w->ns, (const xmlChar *)"span", NULL);
        xmlAddChild(box, onto);
    }
    if (onto && onto->type == XML_ELEMENT_NODE && !xmlHasProp(onto, (const xmlChar *)"id"))
        xmlSetProp(onto, (const xmlChar *)"id", id);
    xmlFree(id);
}

/* A table's parts in the order HTML allows, which is where browsers show them whatever the
 * source's order: the caption, the colgroups, the thead, the bodies, the tfoot. A second caption
 * joins the first after a line break, a second thead is one more body, a second tfoot's rows join
 * the first's; blank text between the parts goes. */
static void table_order(walk *w, xmlNodePtr table)
{
    xmlNodePtr caption = NULL, thead = NULL, tfoot = NULL, c, next;
    xmlNodePtr groups = xmlNewDocNode(w->doc, NULL, (const xmlChar *)"groups", NULL);
    xmlNodePtr bodies = xmlNewDocNode(w->doc, NULL, (const xmlChar *)"bodies", NULL);
    for (c = table->children; c; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        if (w->space_due == c)
            w->space_due = NULL;
        if (name_is(c, "caption") && caption) {
            xmlAddChild(caption, xmlNewDocNode(w->doc, w->ns, (const xmlChar *)"br", NULL));
            id_move(w, c, caption, NULL);
            move_children(c, caption);
            xmlFreeNode(c);
        } else if (name_is(c, "caption")) {
            caption = c;
        } else if (name_is(c, "colgroup")) {
            xmlAddChild(groups, c);
        } else if (name_is(c, "thead") && !thead) {
            thead = c;
        } else if (name_is(c, "tfoot") && tfoot) {
            id_move(w, c, NULL, c->children);
            move_children(c, tfoot);
            xmlFreeNode(c);
        } else if (name_is(c, "tfoot")) {
            tfoot = c;
        } else if (name_is(c, "thead") || name_is(c, "tbody")) {
            xmlNodeSetName(c, (const xmlChar *)"tbody");
            xmlAddChild(bodies, c);
        } else {
            xmlFreeNode(c);
        }
    }
    if (caption)
        xmlAddChild(table, caption);
    move_children(groups, table);
    if (thead)
        xmlAddChild(table, thead);
    move_children(bodies, table);
    if (tfoot)
        xmlAddChild(table, tfoot);
    xmlFreeNode(groups);
    xmlFreeNode(bodies);
}

static void emit_table(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    xmlNodePtr table = new_el(w, out, "table"), body = NULL;
    place flow = {0, pl.in_a, pl.forbid};
    copy_common(w, src, table, NULL);
    for (xmlNodePtr c = src->children; c; c = c->next) {
        if (name_is(c, "caption")) {
            emit_copy(w, c, table, "caption", NULL, flow);
        } else if (name_is(c, "colgroup")) {
            xmlNodePtr cg = new_el(w, table, "colgroup");
            int has_cols = 0;
            copy_common(w, c, cg, NULL);
            for (xmlNodePtr k = c->children; k; k = k->next)
                if (name_is(k, "col")) {
                    emit_col(w, k, cg, "col");
                    has_cols = 1;
                }
            if (!has_cols)
                emit_col(w, c, table, NULL);
        } else if (name_is(c, "col")) {
            emit_col(w, c, new_el(w, table, "colgroup"), "col");
        } else if (name_is(c, "thead") || name_is(c, "tfoot") || name_is(c, "tbody")) {
            xmlNodePtr g = new_el(w, table, (const char *)c->name);
            copy_common(w, c, g, NULL);
            emit_rowgroup(w, c, g, pl);
            body = NULL;
        } else if (name_is(c, "tr") || name_is(c, "td") || name_is(c, "th")) {
            if (!body || body != table->last)
                body = new_el(w, table, "tbody");
            emit_tr(w, c, body, pl);
        } else if (c->type == XML_TEXT_NODE && is_blank(c->content)) {
            add_text(w, table, c->content);
        } else if (c->type == XML_ELEMENT_NODE || c->type == XML_TEXT_NODE) {
            warn_once(w, W_TABLE, src);
        }
    }
    table_order(w, table);
}

static void emit_special(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    const char *name = (const char *)src->name;
    place flow = {0, pl.in_a, pl.forbid}, ph = {1, pl.in_a, pl.forbid};
    if (strcmp(name, "a") == 0) {
        emit_a(w, src, out, pl);
    } else if (strcmp(name, "img") == 0 || strcmp(name, "image") == 0) {
        emit_img(w, src, out, pl);
    } else if (!strcmp(name, "iframe") || !strcmp(name, "embed") || !strcmp(name, "object") ||
               !strcmp(name, "video") || !strcmp(name, "audio")) {
        emit_embed(w, src, out, pl);
    } else if (!strcmp(name, "ul") || !strcmp(name, "ol") || !strcmp(name, "dir") ||
               !strcmp(name, "menu")) {
        if (pl.phrasing) {
            unwrap_block(w, src, out, pl);
        } else {
            emit_list(w, src, out, pl);
        }
    } else if (strcmp(name, "dl") == 0) {
        if (pl.phrasing) {
            unwrap_block(w, src, out, pl);
        } else {
            emit_dl(w, src, out, pl);
        }
    } else if (strcmp(name, "table") == 0) {
        if (pl.phrasing) {
            unwrap_block(w, src, out, pl);
        } else if (forbidden_at(pl, "table")) {
            /* a table in a caption: its parts become blocks (below) in a div */
            emit_copy(w, src, out, "div", NULL, flow);
        } else {
            emit_table(w, src, out, pl);
        }
    } else if (strcmp(name, "summary") == 0 && name_is(out, "details") && !has_content(out) &&
               !pl.phrasing) {
        emit_copy(w, src, out, "summary", NULL, ph);
    } else if (strcmp(name, "figcaption") == 0 && name_is(out, "figure") && !pl.phrasing) {
        emit_copy(w, src, out, "figcaption", NULL, flow);
    } else if ((strcmp(name, "rt") == 0 || strcmp(name, "rp") == 0) && name_is(out, "ruby")) {
        emit_copy(w, src, out, name, NULL, ph);
    } else if (strcmp(name, "rp") == 0 || strcmp(name, "col") == 0 ||
               strcmp(name, "colgroup") == 0) {
        /* outside their parent they mean nothing */
        keep_anchor(w, src, out);
    } else if (strcmp(name, "bdo") == 0) {
        char *dir = attr_get(src, "dir");
        int ok = dir && (str_casecmp_ascii(dir, "ltr") == 0 || str_casecmp_ascii(dir, "rtl") == 0);
        emit_copy(w, src, out, ok ? "bdo" : "span", NULL, ph);
        free(dir);
    } else if (!pl.phrasing && (!strcmp(name, "li") || !strcmp(name, "dt") || !strcmp(name, "dd") ||
                                !strcmp(name, "caption") || !strcmp(name, "summary") ||
                                !strcmp(name, "figcaption") || !strcmp(name, "thead") ||
                                !strcmp(name, "tbody") || !strcmp(name, "tfoot") ||
                                !strcmp(name, "tr") || !strcmp(name, "td") || !strcmp(name, "th"))) {
        /* list, table and figure parts out of place: a plain block */
        int summary = strcmp(name, "summary") == 0;
        emit_copy(w, src, out, summary ? "p" : "div", NULL, summary ? ph : flow);
    } else {
        /* rt outside ruby, list, table and figure parts in phrasing context: keep the content */
        if (pl.phrasing && strcmp(name, "rt") != 0) {
            unwrap_block(w, src, out, pl);
        } else {
            keep_anchor(w, src, out);
            emit_children(w, src, out, pl);
        }
    }
}

/* The one element child of n, NULL when it has none or several (blank text aside). */
static xmlNodePtr only_element(xmlNodePtr n)
{
    xmlNodePtr found = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && is_blank(c->content))
            continue;
        if (c->type != XML_ELEMENT_NODE || found)
            return NULL;
        found = c;
    }
    return found;
}

/* An image, or a link or paragraph holding only an image. */
static int is_image_holder(xmlNodePtr n)
{
    for (int depth = 0; n && depth < 3; depth++) {
        if (name_is(n, "img"))
            return 1;
        if (!name_is(n, "a") && !name_is(n, "p") && !name_is(n, "span"))
            return 0;
        n = only_element(n);
    }
    return 0;
}

/* A captioned image as blogs write it in raw HTML: a div whose class says so (imgcap,
 * wp-caption, image-caption, figure...) holding an image and then one block or span of
 * caption text. Sets *img and *cap. */
static int div_is_captioned_image(xmlNodePtr div, xmlNodePtr *img, xmlNodePtr *cap)
{
    char *cls = attr_get(div, "class");
    int named = cls && (strstr(cls, "cap") || strstr(cls, "figure"));
    free(cls);
    if (!named)
        return 0;
    *img = *cap = NULL;
    for (xmlNodePtr c = div->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && is_blank(c->content))
            continue;
        if (c->type != XML_ELEMENT_NODE)
            return 0;
        if (!*img && is_image_holder(c))
            *img = c;
        else if (*img && !*cap && (name_is(c, "div") || name_is(c, "p") || name_is(c, "span")))
            *cap = c;
        else
            return 0;
    }
    return *img && *cap;
}

/* A figure has at most one figcaption, its first or its last child: any other is a div. */
static void figure_fix(xmlNodePtr fig)
{
    xmlNodePtr first = NULL, last = NULL, kept = NULL;
    for (xmlNodePtr c = fig->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE && !(c->type == XML_TEXT_NODE && !is_blank(c->content)))
            continue;
        if (!first)
            first = c;
        last = c;
    }
    for (xmlNodePtr c = fig->children; c; c = c->next) {
        if (!name_is(c, "figcaption"))
            continue;
        if (!kept && (c == first || c == last))
            kept = c;
        else
            xmlNodeSetName(c, (const xmlChar *)"div");
    }
}

/* A details needs its summary first (one is only kept there, see emit_special); without one it
 * is a div, shown open as a book shows everything. */
static void details_fix(xmlNodePtr d)
{
    for (xmlNodePtr c = d->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && is_blank(c->content))
            continue;
        if (name_is(c, "summary"))
            return;
        break;
    }
    xmlNodeSetName(d, (const xmlChar *)"div");
    xmlUnsetProp(d, (const xmlChar *)"open");
}

/* A ruby ends with an rt (and its rp): base text after the last one follows the ruby instead.
 * One without any rt (no annotation written, or it was lost as block content) is replaced by
 * its text, rp parentheses included. */
static void ruby_fix(walk *w, xmlNodePtr ruby)
{
    xmlNodePtr c, next, k, knext, last_rt = NULL;
    for (c = ruby->children; c; c = c->next)
        if (name_is(c, "rt"))
            last_rt = c;
    if (last_rt) {
        for (c = last_rt->next; c && (name_is(c, "rp") || (c->type == XML_TEXT_NODE &&
                                                            is_blank(c->content)));)
            c = c->next;
        for (k = ruby; c; c = next) {
            next = c->next;
            xmlUnlinkNode(c);
            k = xmlAddNextSibling(k, c);
        }
        return;
    }
    for (c = ruby->children; c; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        if (!name_is(c, "rp")) {
            xmlAddPrevSibling(ruby, c);
            continue;
        }
        for (k = c->children; k; k = knext) {
            knext = k->next;
            xmlUnlinkNode(k);
            xmlAddPrevSibling(ruby, k);
        }
        xmlFreeNode(c);
    }
    if (w->space_due == ruby)
        w->space_due = ruby->parent;
    if (xmlHasProp(ruby, (const xmlChar *)"id")) {
        xmlNodePtr span = xmlNewDocNode(w->doc, w->ns, (const xmlChar *)"span", NULL);
        xmlAddPrevSibling(ruby, span);
        id_move(w, ruby, NULL, span);
    }
    xmlUnlinkNode(ruby);
    xmlFreeNode(ruby);
}

static void emit_element(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    const rule *r = rule_find((const char *)src->name);
    rule_kind kind = r ? r->kind : R_UNWRAP;
    const char *oname = r && r->out ? r->out : (const char *)src->name;
    place flow = {0, pl.in_a, pl.forbid}, ph = {1, pl.in_a, pl.forbid};
    xmlNodePtr el;

    switch (kind) {
    case R_FLOW:
    case R_BLOCKP:
        if (pl.phrasing) {
            unwrap_block(w, src, out, pl);
            break;
        }
        if (forbidden_at(pl, oname)) /* a heading in th or address is a paragraph; a header,
                                      * footer, section or address inside one of them a div */
            oname = kind == R_BLOCKP ? "p" : "div";
        xmlNodePtr img, cap;
        if (strcmp(oname, "div") == 0 && div_is_captioned_image(src, &img, &cap)) {
            /* <div class="imgcap"><img/><div>caption</div></div> -> figure, figcaption */
            el = new_el(w, out, "figure");
            copy_common(w, src, el, NULL);
            emit_node(w, img, el, flow);
            emit_children(w, cap, new_el(w, el, "figcaption"), ph);
            break;
        }
        el = new_el(w, out, oname);
        copy_common(w, src, el, r->cls);
        if (strcmp(oname, "details") == 0 && attr_has(src, "open"))
            set_attr(el, "open", "open");
        flow.forbid = ph.forbid = pl.forbid | forbid_of(oname);
        emit_children(w, src, el, kind == R_FLOW ? flow : ph);
        if (strcmp(oname, "figure") == 0)
            figure_fix(el);
        else if (strcmp(oname, "details") == 0)
            details_fix(el);
        break;
    case R_PHRASE:
        if (forbidden_at(pl, oname)) /* dfn inside dfn */
            oname = "span";
        el = emit_copy(w, src, out, oname, r->cls, ph);
        if (strcmp(oname, "ruby") == 0)
            ruby_fix(w, el);
        break;
    case R_HR:
        if (!pl.phrasing) {
            el = new_el(w, out, "hr");
            copy_common(w, src, el, NULL);
        } else {
            keep_anchor(w, src, out);
        }
        break;
    case R_VOID:
        el = new_el(w, out, oname);
        copy_common(w, src, el, NULL);
        emit_children(w, src, out, pl);
        break;
    case R_UNWRAP:
        keep_anchor(w, src, out);
        emit_children(w, src, out, pl);
        break;
    case R_DROP:
        if (r->warn)
            warn_once(w, r->warn, src);
        keep_anchor(w, src, out);
        keep_anchors_below(w, src, out);
        break;
    case R_SPECIAL:
        emit_special(w, src, out, pl);
        break;
    }
}

static void emit_node(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    switch (src->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        add_text(w, out, src->content);
        break;
    case XML_ELEMENT_NODE:
        if (w->depth >= SANITIZE_MAX_DEPTH) {
            xmlChar *t = xmlNodeGetContent(src);
            warn_once(w, W_DEEP, src);
            keep_anchor(w, src, out);
            keep_anchors_below(w, src, out);
            add_text(w, out, t);
            xmlFree(t);
            break;
        }
        int at = w->at;
        w->depth++;
        w->at = src_line(w, src);
        emit_element(w, src, out, pl);
        w->at = at;
        w->depth--;
        break;
    default: /* comments, processing instructions, entity declarations */
        break;
    }
}

static void emit_children(walk *w, xmlNodePtr src, xmlNodePtr out, place pl)
{
    for (xmlNodePtr c = src->children; c; c = c->next)
        emit_node(w, c, out, pl);
}

static int parent_is_phrasing(xmlNodePtr parent)
{
    static const char *blockp[] = {"p",  "h1",  "h2", "h3",      "h4",      "h5",
                                   "h6", "pre", "dt", "summary", "caption", "legend"};
    const char *name = (const char *)parent->name;
    const rule *r = rule_find(name);
    if (r && (r->kind == R_PHRASE || r->kind == R_VOID))
        return 1;
    if (strcmp(name, "a") == 0 || strcmp(name, "img") == 0)
        return 1;
    for (size_t i = 0; i < sizeof blockp / sizeof blockp[0]; i++)
        if (strcmp(name, blockp[i]) == 0)
            return 1;
    return 0;
}

/* A warning naming the line when the guard against hostile markup (base/html5.c) had to drop
 * attributes or tags of the fragment: nothing of what the user wrote goes without a word. */
static void guard_warn(const sanitize_ctx *ctx, const html5_report *rep)
{
    int base = ctx->line > 0 ? ctx->line - 1 : 0;
    if (!ctx->diags)
        return;
    if (rep->attrs_dropped)
        diag_add(ctx->diags, DIAG_WARNING, NULL, ctx->file,
                 ctx->line > 0 ? base + rep->first_attrs_line : 0,
                 "raw HTML: an element has more than %d attributes (or a repeated <html>/<body> "
                 "has some); %zu attributes were ignored",
                 HTML5_MAX_ATTRS, rep->attrs_dropped);
    if (rep->tags_dropped)
        diag_add(ctx->diags, DIAG_WARNING, NULL, ctx->file,
                 ctx->line > 0 ? base + rep->first_deep_line : 0,
                 "raw HTML: elements nested more than %d deep (or more than %d bold, italic or "
                 "font elements open at once); %zu tags were ignored and their text kept",
                 HTML5_MAX_DEPTH, HTML5_MAX_FORMATTING, rep->tags_dropped);
}

int sanitize_html_fragment(const char *html, size_t len, xmlNodePtr parent, int inline_only,
                           const sanitize_ctx *ctx)
{
    int ret = -1;
    xmlDocPtr src = NULL;
    xmlNodePtr holder = NULL, body = NULL;
    html5_report rep;
    walk w;
    place pl;

    if (!html || !parent || !ctx)
        goto out;
    {
        size_t i = 0;
        while (i < len && html[i] && strchr(" \t\r\n\f", html[i]))
            i++;
        if (i == len) {
            ret = 0; /* nothing to add */
            goto out;
        }
    }
    /* The HTML5 tree builder (base/html5.c), as for whole pages: the fragment lands in <body>
     * (what belongs in <head> goes there, and is looked at below for scripts). */
    src = html5_parse(html, len, &rep);
    if (!src)
        goto out;
    guard_warn(ctx, &rep);
    body = html5_child(xmlDocGetRootElement(src), "body");

    memset(&w, 0, sizeof w);
    w.ctx = ctx;
    w.doc = parent->doc;
    w.ns = xmlSearchNsByHref(parent->doc, parent, (const xmlChar *)SANITIZE_XHTML_NS);
    pl.phrasing = inline_only || parent_is_phrasing(parent);
    pl.in_a = in_link(parent);
    pl.forbid = forbid_above(parent);

    /* Build under a detached holder first, so that a failure appends nothing. */
    holder = xmlNewDocNode(w.doc, w.ns, parent->name, NULL);
    if (!holder)
        goto out;
    /* Linked upwards only, so that namespace lookups (xml:lang) see the parent's scope. */
    holder->parent = parent;
    if (body)
        emit_children(&w, body, holder, pl);
    /* head elements (script, style, meta...) are dropped; still tell about scripts */
    for (xmlNodePtr root = xmlDocGetRootElement(src); root; root = root->next)
        for (xmlNodePtr c = name_is(root, "html") ? root->children : NULL; c; c = c->next)
            if (name_is(c, "head"))
                for (xmlNodePtr h = c->children; h; h = h->next)
                    if (h->type == XML_ELEMENT_NODE)
                        emit_node(&w, h, holder, pl);
    holder->parent = NULL;
    while (holder->children) {
        xmlNodePtr c = holder->children;
        xmlUnlinkNode(c);
        xmlAddChild(parent, c);
    }
    ret = 0;
out:
    if (holder)
        xmlFreeNode(holder);
    if (src)
        xmlFreeDoc(src);
    return ret;
}
