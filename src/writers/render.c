/* render.c: cmark tree -> XHTML content documents.
 *
 * The tree is walked with cmark's iterator (no recursion, so deeply nested input cannot exhaust
 * the stack) and each node becomes libxml2 elements. Links are resolved against the whole book:
 * fragments to the document that holds them, other inputs to their documents, bare domains to
 * https. Raw HTML goes through sanitize.c, images through media.c. */
#include "writers/render.h"

#include <ctype.h>
#include <libxml/xmlsave.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/article.h"
#include "model/gfm.h"
#include "base/lang.h"
#include "writers/sanitize.h"
#include "writers/template.h"
#include "base/text.h"
#include "base/url.h"
#include "base/urlform.h"
#include "base/util.h"

/* Deeper containers than this are flattened into their parent: readers choke on them and no
 * real article needs them. */
#define RENDER_MAX_DEPTH 48
/* Lists and quotes deeper than this are not indented further (class "deep"). */
#define RENDER_INDENT_MAX 6

typedef struct rctx {
    const render_env *env;
    article *a;
    size_t ci;
    chapter *ch;
    xmlDocPtr doc;
    xmlNsPtr epub_ns;
    int line;          /* source line of the block being rendered, for messages */
    int *notes_used;   /* per note number: how many references in this chapter */
    strmap *raw_ids;   /* ids raw HTML holds in this document so far */
    strmap *heading_ids; /* ids of this document's section headings */
    strmap *id_next;   /* an id given again -> the first number to try for its new name */
    int *note_order;   /* note numbers in order of first use in this chapter */
    size_t n_note_order;
} rctx;

/* A context for chapter `ci` of `a`, everything else empty. */
static void rctx_init(rctx *r, const render_env *env, article *a, size_t ci)
{
    memset(r, 0, sizeof *r);
    r->env = env;
    r->a = a;
    r->ci = ci;
    r->ch = &a->chapters[ci];
}

/*** small XML helpers ***/

xmlNodePtr xhtml_new(xmlDocPtr doc, const char *name)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNsPtr ns = root ? xmlSearchNsByHref(doc, root, (const xmlChar *)XHTML_NS) : NULL;
    return xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
}

xmlNodePtr xhtml_add(xmlNodePtr parent, const char *name, const char *text)
{
    /* Under an XHTML element in the default namespace (nearly always) the child takes the
     * parent's namespace: the same unprefixed name, without a search from the root for each
     * of the millions of elements of a large book. */
    xmlNsPtr pns = parent->type == XML_ELEMENT_NODE ? parent->ns : NULL;
    int inherit = pns && !pns->prefix && pns->href &&
                  strcmp((const char *)pns->href, XHTML_NS) == 0;
    xmlNodePtr n = inherit ? xmlNewDocNode(parent->doc, pns, (const xmlChar *)name, NULL)
                           : xhtml_new(parent->doc, name);
    if (text)
        xmlNodeAddContent(n, (const xmlChar *)text);
    xmlAddChild(parent, n);
    return n;
}

static void attr_set(xmlNodePtr n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

void xhtml_set_lang(xmlNodePtr root, const char *lang)
{
    xmlNsPtr xmlns = xmlSearchNs(root->doc, root, (const xmlChar *)"xml");
    xmlSetNsProp(root, xmlns, (const xmlChar *)"lang", (const xmlChar *)lang);
    attr_set(root, "lang", lang);
    if (strcmp(lang_direction(lang), "rtl") == 0)
        attr_set(root, "dir", "rtl");
}

xmlNodePtr xhtml_stylesheet_links(xmlDocPtr doc, const strlist *stylesheets, const char *doc_href)
{
    xmlNodePtr holder = xhtml_new(doc, "div");
    for (size_t i = 0; i < stylesheets->len; i++) {
        xmlNodePtr link = xhtml_add(holder, "link", NULL);
        char *rel = path_relative(doc_href, stylesheets->items[i]);
        attr_set(link, "rel", "stylesheet");
        attr_set(link, "type", "text/css");
        attr_set(link, "href", rel);
        free(rel);
    }
    return holder;
}

unsigned char *xml_serialize(xmlDocPtr doc, size_t *len)
{
    /* Saved without naming an encoding: libxml2 then writes UTF-8 as it is (the document says
     * UTF-8, so nothing is turned into character references) and skips the UTF-8 -> UTF-8
     * conversion pass it makes over every byte when an encoding is named. */
    if (!doc->encoding)
        doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    xmlBufferPtr buf = xmlBufferCreateSize(16384);
    xmlSaveCtxtPtr save = buf ? xmlSaveToBuffer(buf, NULL, XML_SAVE_AS_XML) : NULL;
    if (!save || xmlSaveDoc(save, doc) < 0 || xmlSaveClose(save) < 0 || !xmlBufferContent(buf))
        oom_abort(); /* libxml2 fails here only when it cannot allocate */
    size_t n = (size_t)xmlBufferLength(buf);
    unsigned char *out = xmalloc(n + 1);
    memcpy(out, xmlBufferContent(buf), n);
    out[n] = '\0';
    xmlBufferFree(buf);
    *len = n;
    return out;
}

char *names_join(const strlist *names)
{
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i < names->len; i++) {
        if (i > 0)
            strbuf_adds(&b, i + 1 == names->len ? " and " : ", ");
        strbuf_adds(&b, names->items[i]);
    }
    return strbuf_detach(&b, NULL);
}

int reading_minutes(size_t words)
{
    size_t m = (words + 229) / 230;
    return m ? (int)m : 1;
}

/*** links ***/


/* "%20" -> " " (for file names in links and image paths). */
static char *url_decode(const char *s)
{
    strbuf b = STRBUF_INIT;
    for (; *s; s++) {
        if (*s == '%' && text_hex_value((unsigned char)s[1]) >= 0 && text_hex_value((unsigned char)s[2]) >= 0) {
            strbuf_addc(&b, (char)(text_hex_value((unsigned char)s[1]) * 16 + text_hex_value((unsigned char)s[2])));
            s += 2;
        } else {
            strbuf_addc(&b, *s);
        }
    }
    return strbuf_detach(&b, NULL);
}

/* An address as browsers write it (base/urlform.h: spaces and non-ASCII characters
 * percent-encoded, the host through IDNA, a second '#' escaped), or NULL when it cannot be
 * one (no host, a host IDNA refuses). */
static char *url_escape(const char *s)
{
    return url_form(s);
}

/* The scheme of an absolute URL ("http"), lowercased, or NULL. */
static char *url_scheme(const char *href)
{
    size_t i = 0;
    if (!isalpha((unsigned char)href[0]))
        return NULL;
    while (isalnum((unsigned char)href[i]) || href[i] == '+' || href[i] == '-' || href[i] == '.')
        i++;
    if (href[i] != ':' || i < 2) /* "c:" is a drive letter, not a scheme */
        return NULL;
    char *s = xstrndup(href, i);
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

/* "example.org/page" reads as a domain; "notes.md" and "photo.png" read as files. */
static int looks_like_domain(const char *href)
{
    static const char *const file_exts[] = {
        "md", "markdown", "txt", "html", "htm", "xhtml", "png", "jpg", "jpeg", "gif", "svg",
        "webp", "pdf", "css", "js", "json", "yaml", "yml", "zip", "epub", "xml", "doc", "docx",
        "mp3", "mp4", "sh", "c", "h", "py", "rs", "go", NULL};
    size_t host_len = strcspn(href, "/?#");
    if (host_len == 0 || host_len > 253)
        return 0;
    const char *last_dot = NULL;
    for (size_t i = 0; i < host_len; i++) {
        char c = href[i];
        if (c == '.')
            last_dot = href + i;
        else if (!isalnum((unsigned char)c) && c != '-')
            return 0;
    }
    if (!last_dot || last_dot == href || last_dot[-1] == '.')
        return 0;
    size_t tld_len = (size_t)(href + host_len - last_dot - 1);
    if (tld_len < 2 || tld_len > 24)
        return 0;
    for (size_t i = 1; i <= tld_len; i++)
        if (!isalpha((unsigned char)last_dot[i]))
            return 0;
    char *tld = xstrndup(last_dot + 1, tld_len);
    int is_file = 0;
    for (int i = 0; file_exts[i]; i++)
        if (str_casecmp_ascii(tld, file_exts[i]) == 0)
            is_file = 1;
    free(tld);
    /* "www." or a path after the host removes the doubt about "notes.md"-like names. */
    return !is_file || str_starts_with(href, "www.");
}

/* The href from chapter `from` to fragment `id` of chapter `to_ci` of article `to`. */
static char *href_to(const rctx *r, const article *to, size_t to_ci, const char *id)
{
    const chapter *target = &to->chapters[to_ci];
    if (to == r->a && to_ci == r->ci)
        return id ? xasprintf("#%s", id) : xstrdup("#");
    char *rel = path_relative(r->ch->href, target->href);
    char *out = id ? xasprintf("%s#%s", rel, id) : xstrdup(rel);
    free(rel);
    return out;
}

/* Find fragment `frag` in article `to`: the id itself (or the name a raw id that has the shape
 * of sheaf's own was given), or the slug of it. */
static char *fragment_find(const article *to, const char *frag, size_t *ci)
{
    const char *renamed = to->id_renames ? strmap_get(to->id_renames, frag) : NULL;
    if (renamed)
        frag = renamed;
    void *v = strmap_get(to->ids, frag);
    if (v) {
        *ci = (size_t)v - 1;
        return xstrdup(frag);
    }
    char *slug = text_slug(frag);
    v = strmap_get(to->ids, slug);
    if (v) {
        *ci = (size_t)v - 1;
        return slug;
    }
    free(slug);
    return NULL;
}

/* A link to another article: a placeholder href, "sheaf-pending:K", K indexing the chapter's
 * pending list ("ARTICLE\tFRAGMENT"), replaced once every article is laid out. */
#define PENDING_PREFIX "sheaf-pending:"

static char *link_pending(rctx *r, const article *to, const char *frag)
{
    strlist_take(&r->ch->pending, xasprintf("%zu\t%s", to->index, frag ? frag : ""));
    return xasprintf(PENDING_PREFIX "%zu", r->ch->pending.len - 1);
}

/* The href of a web (or mail, telephone) address as browsers write it; NULL with a warning
 * when it cannot be an address at all. */
static char *link_web(rctx *r, const char *href)
{
    char *out = url_escape(href);
    if (!out)
        diag_add(&r->a->diags, DIAG_WARNING, NULL, article_file(r->a), r->line,
                 "link '%s' is not a valid address (no host, a host that is neither a name "
                 "nor an IP address, or a port that is not a number); kept the text without "
                 "the link",
                 href);
    return out;
}

/* Resolve a link target; returns the href to write (caller frees) or NULL to drop the link,
 * with a warning saying why. */
static char *link_resolve(rctx *r, const char *href)
{
    const char *file = strcmp(r->a->path, "-") == 0 ? "<stdin>" : r->a->path;
    char *out = NULL, *scheme = NULL, *path = NULL, *frag = NULL, *decoded = NULL;

    while (*href == ' ')
        href++;
    if (!*href)
        goto out;
    if (href[0] == '#') {
        size_t ci;
        decoded = url_decode(href + 1);
        if (!*decoded) {
            out = href_to(r, r->a, 0, NULL);
            goto out;
        }
        char *id = fragment_find(r->a, decoded, &ci);
        if (id) {
            out = href_to(r, r->a, ci, id);
            free(id);
        } else {
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                     "link to '%s' has no target in this article (no heading or id of that "
                     "name); kept the text without the link",
                     href);
        }
        goto out;
    }
    scheme = url_scheme(href);
    if (!scheme && r->a->base_url) {
        /* A web article's relative link is a link to its site, never to a file here. */
        char *abs = url_web_resolve(r->a->base_url, href, 1, NULL);
        if (abs)
            out = link_resolve(r, abs);
        else
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                     "link '%s' is not a valid address; kept the text without the link", href);
        free(abs);
        goto out;
    }
    if (scheme) {
        if (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) {
            article *to = r->env->by_source ? strmap_get(r->env->by_source, href) : NULL;
            if (to == r->a)
                out = href_to(r, to, 0, NULL);
            else if (to)
                out = link_pending(r, to, NULL);
            else
                out = link_web(r, href);
        } else if (strcmp(scheme, "mailto") == 0 || strcmp(scheme, "tel") == 0 ||
                   strcmp(scheme, "ftp") == 0 || strcmp(scheme, "ftps") == 0) {
            out = link_web(r, href);
        } else {
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                     "link '%s' uses a scheme ('%s:') e-readers cannot follow; kept the text "
                     "without the link",
                     href, scheme);
        }
        goto out;
    }
    if (href[0] == '/' && href[1] == '/') {
        char *full = xasprintf("https:%s", href);
        out = link_web(r, full);
        free(full);
        goto out;
    }
    {
        size_t plen = strcspn(href, "?#");
        char *raw_path = xstrndup(href, plen);
        path = url_decode(raw_path);
        free(raw_path);
        const char *hash = strchr(href + plen, '#');
        if (hash && hash[1])
            frag = url_decode(hash + 1);
    }
    if (href[0] != '/' && *path) {
        char *target = path_join(r->a->dir, path);
        article *to = target ? strmap_get(r->env->by_key, target) : NULL;
        free(target);
        if (to && to != r->a) {
            /* Another article may still be in the works: settled by render_links_finish. */
            out = link_pending(r, to, frag);
            goto out;
        }
        if (to) {
            size_t ci = 0;
            char *id = frag ? fragment_find(to, frag, &ci) : NULL;
            if (frag && !id)
                diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                         "link '%s' has no heading or id '%s' in this article; the link leads "
                         "to its start",
                         href, frag);
            out = href_to(r, to, ci, id);
            free(id);
            goto out;
        }
    }
    if (looks_like_domain(href)) {
        char *full = xasprintf("https://%s", href);
        out = link_web(r, full);
        free(full);
        diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                 "link '%s' has no scheme; it was written as '%s'", href, out);
        goto out;
    }
    diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
             "link '%s' points at a file that is not part of the book; kept the text without "
             "the link (add that file as an input, or use a full https:// address)",
             href);
out:
    free(scheme);
    free(path);
    free(frag);
    free(decoded);
    return out;
}

/*** images ***/

/* A web image is fetched after rendering: the placeholder src "sheaf-image:K", K indexing the
 * chapter's pending_images, is replaced in render_links_finish. */
#define IMAGE_PENDING_PREFIX "sheaf-image:"

/* An image of a web article: its absolute address joins the chapter's pending images, within
 * the article's --max-images. Returns the placeholder src, or NULL (alt text stays). */
static char *web_image_want(rctx *r, const char *src)
{
    char *scheme = NULL;
    char *abs = url_web_resolve(r->a->base_url, src, 0, &scheme);
    char *out = NULL;
    if (!abs) {
        if (scheme)
            diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                     "image '%.80s' cannot be embedded (a '%s:' address); kept its alt text",
                     src, scheme);
        else
            diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                     "image '%.120s' is not a valid address; kept its alt text", src);
        goto out;
    }
    if (r->a->web_images >= (size_t)r->env->opts->max_images) {
        if (r->a->web_images++ == (size_t)r->env->opts->max_images)
            diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                     "this page has more than %d images; from '%.120s' on they are left out "
                     "with their alt text (--max-images)",
                     r->env->opts->max_images, abs);
        goto out;
    }
    r->a->web_images++;
    strlist_take(&r->ch->pending_images, abs);
    abs = NULL;
    out = xasprintf(IMAGE_PENDING_PREFIX "%zu", r->ch->pending_images.len - 1);
out:
    free(abs);
    free(scheme);
    return out;
}

/* Store the image `src` and return its href relative to the chapter, or NULL (alt text stays). */
static char *image_resolve(rctx *r, const char *src)
{
    const char *file = strcmp(r->a->path, "-") == 0 ? "<stdin>" : r->a->path;
    char *out = NULL, *scheme = NULL, *path = NULL, *fs = NULL;
    const char *stored = NULL;

    if (r->a->base_url)
        return web_image_want(r, src);
    scheme = url_scheme(src);

    if (scheme) {
        if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                     "image '%.80s' cannot be embedded (a '%s:' address); kept its alt text",
                     src, scheme);
        goto out; /* remote images are handled by the caller */
    }
    {
        size_t plen = strcspn(src, "?#");
        char *raw = xstrndup(src, plen);
        path = url_decode(raw);
        free(raw);
    }
    if (path[0] == '/') {
        /* Site-absolute, as static-site generators write it: look in the resource paths. */
        for (size_t i = 0; i < r->env->opts->resource_paths.len && !fs; i++) {
            char *cand = path_join(r->env->opts->resource_paths.items[i], path + 1);
            if (cand && access(cand, R_OK) == 0)
                fs = cand;
            else
                free(cand);
        }
        if (!fs)
            fs = xstrdup(path);
    } else {
        fs = path_join(r->a->dir, path);
        if (!fs)
            fs = xstrdup(path);
    }
    pthread_mutex_lock(r->env->media_lock);
    stored = media_store_add_file(r->env->media, fs, file, r->line, &r->a->diags);
    if (stored)
        out = path_relative(r->ch->href, stored);
    pthread_mutex_unlock(r->env->media_lock);
out:
    free(scheme);
    free(path);
    free(fs);
    return out;
}

/*** sanitizer callbacks ***/

/* The callbacks' messages name the line of the raw HTML element they are about: r->line is
 * that line for the time of the call. */
static char *cb_link(void *ud, const char *href, int line)
{
    rctx *r = ud;
    int block = r->line;
    if (line > 0)
        r->line = line;
    char *out = link_resolve(r, href);
    r->line = block;
    return out;
}

static char *cb_image(void *ud, const char *src, const char *alt, int line)
{
    rctx *r = ud;
    int block = r->line;
    char *out = NULL;
    (void)alt;
    if (line > 0)
        r->line = line;
    char *scheme = url_scheme(src);
    int remote = scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    free(scheme);
    if (remote && !r->a->base_url)
        diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                 "remote image '%.120s' is not fetched; kept its alt text", src);
    else
        out = image_resolve(r, src);
    r->line = block;
    return out;
}

/* Is `id` given to something else in this document: an id raw HTML has already, a section
 * heading's, or one of the shapes sheaf's notes and references take? */
static int id_taken(const rctx *r, const char *id)
{
    return strmap_has(r->raw_ids, id) || strmap_has(r->heading_ids, id) ||
           article_id_reserved(id);
}

/* The id an element of raw HTML gets: its own, unless that is taken in this document; then
 * another name, with a warning naming the file and line. Every id of a document is unique,
 * whatever the raw HTML holds. */
static char *cb_claim_id(void *ud, const char *id, int line)
{
    rctx *r = ud;
    int at = line > 0 ? line : r->line;
    const char *renamed = r->a->id_renames ? strmap_get(r->a->id_renames, id) : NULL;
    const char *want = renamed ? renamed : id;
    char *out = NULL;
    if (!id_taken(r, want)) {
        out = xstrdup(want);
    } else {
        const char *base = want;
        char *user = NULL;
        if (article_id_reserved(want)) {
            user = xasprintf("user-%s", want);
            base = user;
        }
        /* the number to try first for this base, so that n copies of one id cost n tries */
        uintptr_t k = (uintptr_t)strmap_get(r->id_next, base);
        if (k < 2)
            k = 2;
        out = xasprintf("%s-%zu", base, (size_t)k);
        while (id_taken(r, out)) {
            free(out);
            out = xasprintf("%s-%zu", base, (size_t)++k);
        }
        strmap_put(r->id_next, base, (void *)(k + 1));
        free(user);
    }
    if (renamed || strcmp(out, id) != 0) {
        const char *file = article_file(r->a);
        if (article_id_reserved(id))
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, at,
                     "the id '%s' in raw HTML has the shape of the ids sheaf gives notes and "
                     "references; it was renamed '%s', and links to '#%s' in this article "
                     "follow it",
                     id, out, id);
        else if (xmlValidateNCName((const xmlChar *)id, 0) != 0)
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, r->line,
                     "the id '%s' in raw HTML is not a name XHTML allows (it starts with a digit "
                     "or holds a space or a character such as ':'); it was renamed '%s', and "
                     "links to '#%s' in this article follow it",
                     id, out, id);
        else if (strmap_has(r->raw_ids, want))
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, at,
                     "the id '%s' is used twice in raw HTML; this one was renamed '%s' (links "
                     "to '#%s' lead to the first)",
                     id, out, id);
        else
            diag_add(&r->a->diags, DIAG_WARNING, NULL, file, at,
                     "the id '%s' in raw HTML is also a heading's; it was renamed '%s' (links "
                     "to '#%s' lead to the heading)",
                     id, out, id);
    }
    strmap_add(r->raw_ids, out, NULL);
    return out;
}

static int block_element(xmlNodePtr n);

/* An element made for a block carries the block's line in the article's file (in _private,
 * which libxml2 leaves to its users), for the chapter's line map. */
static void line_mark(xmlNodePtr el, int line)
{
    if (el && el->type == XML_ELEMENT_NODE && !el->_private && line > 0)
        el->_private = (void *)(intptr_t)line;
}

static void html_sanitize(rctx *r, const char *html, xmlNodePtr parent, int inline_only)
{
    xmlNodePtr before = parent->last;
    sanitize_ctx sc;
    memset(&sc, 0, sizeof sc);
    sc.resolve_link = cb_link;
    sc.resolve_image = cb_image;
    sc.claim_id = cb_claim_id;
    sc.ud = r;
    sc.diags = &r->a->diags;
    sc.file = r->a->path;
    sc.line = r->line;
    sanitize_html_fragment(html, strlen(html), parent, inline_only, &sc);
    for (xmlNodePtr c = before ? before->next : parent->children; c; c = c->next)
        if (block_element(c))
            line_mark(c, r->line);
}

/*** notes ***/

/* A link between a note reference and its note: <a href class role>label</a>, href and label
 * formatted with the note's number. */
static xmlNodePtr note_link_new(xmlDocPtr doc, const char *href_fmt, const char *label_fmt,
                                int number, const char *cls, const char *role)
{
    xmlNodePtr a = xhtml_new(doc, "a");
    char buf[48];
    snprintf(buf, sizeof buf, href_fmt, number);
    attr_set(a, "href", buf);
    attr_set(a, "class", cls);
    attr_set(a, "role", role);
    snprintf(buf, sizeof buf, label_fmt, number);
    xmlNodeAddContent(a, (const xmlChar *)buf);
    return a;
}

/* Is n an <a> element or inside one? Links must not nest (HTML: no interactive content in
 * <a>). */
static int inside_link(xmlNodePtr n)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        if (strcmp((const char *)n->name, "a") == 0)
            return 1;
    return 0;
}

static void note_use(rctx *r, int number, xmlNodePtr parent)
{
    if (number < 1 || (size_t)number > r->a->n_notes) {
        char *t = xasprintf("[%d]", number);
        xmlNodeAddContent(parent, (const xmlChar *)t);
        free(t);
        return;
    }
    int uses = ++r->notes_used[number];
    if (uses == 1)
        r->note_order[r->n_note_order++] = number;
    char *id = uses == 1 ? xasprintf("fnref-%d", number) : xasprintf("fnref-%d-%d", number, uses);
    xmlNodePtr a = note_link_new(r->doc, "#fn-%d", "%d", number, "noteref", "doc-noteref");
    xmlSetNsProp(a, r->epub_ns, (const xmlChar *)"type", (const xmlChar *)"noteref");
    attr_set(a, "id", id);
    if (inside_link(parent)) {
        /* links must not nest: the reference follows the outermost link (and the references
         * already placed there) */
        xmlNodePtr outer = parent, after;
        for (xmlNodePtr k = parent; k && k->type == XML_ELEMENT_NODE; k = k->parent)
            if (strcmp((const char *)k->name, "a") == 0)
                outer = k;
        for (after = outer; after->next && after->next->type == XML_ELEMENT_NODE &&
                            xmlHasProp(after->next, (const xmlChar *)"role") &&
                            strcmp((const char *)after->next->name, "a") == 0;)
            after = after->next;
        xmlAddNextSibling(after, a);
    } else {
        xmlAddChild(parent, a);
    }
    free(id);
}

static void blocks_render(rctx *r, cmark_node *first, cmark_node *end, xmlNodePtr parent,
                          int in_note);

static void notes_emit(rctx *r, xmlNodePtr body)
{
    if (!r->n_note_order)
        return;
    xmlNodePtr sec = xhtml_add(body, "section", NULL);
    attr_set(sec, "class", "footnotes");
    xmlSetNsProp(sec, r->epub_ns, (const xmlChar *)"type", (const xmlChar *)"footnotes");
    attr_set(sec, "role", "doc-endnotes");
    for (size_t i = 0; i < r->n_note_order; i++) {
        int number = r->note_order[i];
        /* Notes are numbered 1..n in the order notes_collect returns them. */
        const note *nt = &r->a->notes[number - 1];
        if (nt->number != number)
            nt = NULL;
        if (!nt)
            continue;
        xmlNodePtr aside = xhtml_add(sec, "aside", NULL);
        char *id = xasprintf("fn-%d", number);
        attr_set(aside, "id", id);
        attr_set(aside, "class", "footnote");
        xmlSetNsProp(aside, r->epub_ns, (const xmlChar *)"type", (const xmlChar *)"footnote");
        free(id);
        blocks_render(r, cmark_node_first_child(nt->body), NULL, aside, 1);
        /* The back-link comes first in the note: Kindle and Apple Books need it for pop-ups. */
        xmlNodePtr first = aside->children;
        while (first && first->type != XML_ELEMENT_NODE)
            first = first->next;
        xmlNodePtr holder;
        if (first && strcmp((const char *)first->name, "p") == 0) {
            holder = first;
        } else {
            holder = xhtml_new(r->doc, "p");
            if (first)
                xmlAddPrevSibling(first, holder);
            else
                xmlAddChild(aside, holder);
        }
        xmlNodePtr back =
            note_link_new(r->doc, "#fnref-%d", "%d.", number, "backlink", "doc-backlink");
        if (holder->children) {
            xmlAddPrevSibling(holder->children, back);
            xmlAddNextSibling(back, xmlNewDocText(r->doc, (const xmlChar *)" "));
        } else {
            xmlAddChild(holder, back);
        }
    }
}

/*** blocks and inlines ***/

/* Tokens this many characters long (no space in them) are broken anywhere (class "token"):
 * moved whole to the next line, they left the line before them stretched by justification. */
#define RENDER_LONG_TOKEN 24

/* Whether `s` has a run of RENDER_LONG_TOKEN characters without a space. */
static int has_long_token(const char *s)
{
    size_t run = 0;
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            run = 0;
        else if ((c & 0xC0) != 0x80 && ++run >= RENDER_LONG_TOKEN)
            return 1;
    }
    return 0;
}

/* Whether link `n` shows a long token (an address as its own text). */
static int link_has_long_token(cmark_node *n)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        if ((t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) && has_long_token(cmark_node_get_literal(c)))
            return 1;
    }
    return 0;
}

/* A paragraph that is only an image (a picture between paragraphs, with no caption to make it
 * a figure): it is set without the first-line indent, which would push a full-width image past
 * the page's edge, and centred. */
static int para_only_image(cmark_node *p)
{
    cmark_node *c = cmark_node_first_child(p);
    return c && !cmark_node_next(c) && cmark_node_get_type(c) == CMARK_NODE_IMAGE;
}

/* Whether paragraph `p` holds inline math (a span the math pass made) among its children. */
static int has_inline_math(cmark_node *p)
{
    for (cmark_node *c = cmark_node_first_child(p); c; c = cmark_node_next(c)) {
        const sem_node *s = sem_get(c);
        if (s && s->kind == SEM_SPAN && s->cls && strcmp(s->cls, "math") == 0)
            return 1;
    }
    return 0;
}

static int node_has_html_inline(cmark_node *node)
{
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) == CMARK_NODE_HTML_INLINE)
            return 1;
        if (cmark_node_first_child(c) && node_has_html_inline(c))
            return 1;
    }
    return 0;
}

/* cmark's HTML renderer writes custom inlines as their on_enter/on_exit strings: give sem
 * spans their HTML equivalent before a paragraph with raw HTML goes that way. */
static void sem_inlines_to_html(rctx *r, cmark_node *node)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        sem_node *s = ev == CMARK_EVENT_ENTER ? sem_get(n) : NULL;
        if (!s)
            continue;
        char *enter = NULL;
        const char *exit = "";
        if (s->kind == SEM_SPAN || s->kind == SEM_ANCHOR) {
            enter = xasprintf("<span%s%s%s%s%s%s>", s->cls ? " class=\"" : "", s->cls ? s->cls : "",
                              s->cls ? "\"" : "", s->id ? " id=\"" : "", s->id ? s->id : "",
                              s->id ? "\"" : "");
            exit = "</span>";
        } else if (s->kind == SEM_NOTEREF) {
            enter = xasprintf("<sup>%d</sup>", s->number);
        }
        if (enter) {
            cmark_node_set_on_enter(n, enter);
            cmark_node_set_on_exit(n, exit);
            free(enter);
        }
    }
    cmark_iter_free(it);
}

static const char *heading_tag(int level)
{
    static const char *const tags[] = {"h1", "h2", "h3", "h4", "h5", "h6"};
    if (level < 1)
        level = 1;
    if (level > 6)
        level = 6;
    return tags[level - 1];
}

static int list_is_tight_parent(cmark_node *n)
{
    cmark_node *item = cmark_node_parent(n);
    cmark_node *list = item ? cmark_node_parent(item) : NULL;
    return item && list && cmark_node_get_type(item) == CMARK_NODE_ITEM &&
           cmark_node_get_type(list) == CMARK_NODE_LIST && cmark_node_get_list_tight(list);
}

/* A paragraph written in another script than its article's language (a Chinese line in an
 * English article) gets that language, so that the reader picks a font and hyphenation for it
 * (and the direction, for Arabic and Hebrew). */
static void paragraph_lang(rctx *r, cmark_node *para, xmlNodePtr p)
{
    strbuf text = STRBUF_INIT;
    int wide = 0;
    cmark_iter *it = cmark_iter_new(para);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_TEXT)
            continue;
        const char *lit = cmark_node_get_literal(n);
        for (const unsigned char *u = (const unsigned char *)lit; *u && !wide; u++)
            wide = *u >= 0x80;
        strbuf_adds(&text, lit);
    }
    cmark_iter_free(it);
    const char *guess = wide ? lang_script_guess(text.data, text.len) : NULL;
    const char *lang = r->a->meta.lang ? r->a->meta.lang : r->env->book_lang;
    if (guess && !lang_same_script(lang, guess))
        xhtml_set_lang(p, guess);
    strbuf_release(&text);
}

/* A paragraph that is a figure's image or its caption: its inlines go straight into the
 * <figure> or <figcaption>. */
static int in_figure(cmark_node *para)
{
    sem_node *s = sem_get(cmark_node_parent(para));
    return s && (s->kind == SEM_FIGURE || s->kind == SEM_FIGCAPTION);
}

/* Render one inline IMAGE node into parent; its children (the alt text) are skipped. */
static void image_render(rctx *r, cmark_node *n, xmlNodePtr parent)
{
    const char *src = cmark_node_get_url(n);
    char *alt = node_plain_text(n);
    char *scheme = src ? url_scheme(src) : NULL;
    int remote = scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    char *href = NULL;
    free(scheme);

    if (!src || !*src) {
        xmlNodeAddContent(parent, (const xmlChar *)alt);
    } else if (remote && !r->a->base_url && inside_link(parent)) {
        /* a link inside the outer link would nest links: the alt text joins the outer one */
        diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                 "remote image '%.120s' is not fetched; kept its alt text inside the link", src);
        xmlNodeAddContent(parent, (const xmlChar *)(*alt ? alt : "image"));
    } else if (remote && !r->a->base_url) {
        diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                 "remote image '%.120s' is not fetched; it became a link with its alt text",
                 src);
        char *esc = url_escape(src);
        if (esc)
            attr_set(xhtml_add(parent, "a", *alt ? alt : "image"), "href", esc);
        else
            xmlNodeAddContent(parent, (const xmlChar *)(*alt ? alt : "image"));
        free(esc);
    } else if ((href = image_resolve(r, src)) != NULL) {
        /* <img>, or <object> for WebP, which EPUB 3.2 readers need a fallback for. */
        xmlNodePtr img = media_append_image(parent, href, alt);
        const char *title = cmark_node_get_title(n);
        if (img && title && *title)
            attr_set(img, "title", title);
    } else if (*alt) {
        xmlNodePtr span = xhtml_add(parent, "span", alt);
        attr_set(span, "class", "image-missing");
    }
    free(href);
    free(alt);
}

/* Is n an element that starts on a line of its own (a paragraph, a list, a quote...)? */
static int block_element(xmlNodePtr n)
{
    static const char *const blocks[] = {"p", "ul", "ol", "li", "blockquote", "div", "pre",
                                         "hr", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                                         "section", "aside", "figure", "table", NULL};
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    for (int i = 0; blocks[i]; i++)
        if (strcmp((const char *)n->name, blocks[i]) == 0)
            return 1;
    return 0;
}

/*** GitHub Flavored Markdown: tables, strikethrough, task lists ***/

/* The element of a table row: a <tr> in the table's <thead> (header row) or <tbody>, each made
 * when its first row comes. */
static xmlNodePtr table_row_element(xmlNodePtr table, int header)
{
    const char *group = header ? "thead" : "tbody";
    xmlNodePtr last = table->last;
    while (last && last->type != XML_ELEMENT_NODE)
        last = last->prev;
    xmlNodePtr g = last && strcmp((const char *)last->name, group) == 0 ? last
                                                                        : xhtml_add(table, group, NULL);
    return xhtml_add(g, "tr", NULL);
}

/* The class that aligns a table column as its delimiter row says (":--:" centre, "--:" right,
 * ":--" left), or NULL; the classes are the stylesheet's (no style attributes). */
static const char *table_align_class(char align)
{
    return align == 'c' ? "align-center" : align == 'r' ? "align-right" : align == 'l' ? "align-left" : NULL;
}

/* The ballot box a task-list item starts with, then a space. */
static void task_box_add(cmark_node *item, xmlNodePtr el)
{
    xmlNodePtr box = xhtml_add(el, "span", gfm_item_checked(item) ? "\xE2\x98\x91" : "\xE2\x98\x90");
    attr_set(box, "class", "task-box");
    xmlNodeAddContent(el, (const xmlChar *)" ");
}

/* The task-list item whose first paragraph `para` is, or NULL. */
static cmark_node *task_item_of(cmark_node *para)
{
    cmark_node *item = cmark_node_parent(para);
    return item && cmark_node_first_child(item) == para && gfm_item_is_task(item) ? item : NULL;
}

/* Inline content holding raw HTML: cmark renders it as HTML, which the sanitizer rebuilds as
 * XHTML into `parent`. A table cell's inlines go through a paragraph made for the purpose (cmark
 * renders a lone cell outside its table's context) and are put back afterwards. */
static void inlines_html_render(rctx *r, cmark_node *n, xmlNodePtr parent, int inline_only)
{
    cmark_node *para = n, *holder = NULL, *c;
    if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH) {
        /* cmark-gfm's HTML renderer needs the paragraph to have a parent */
        holder = cmark_node_new(CMARK_NODE_DOCUMENT);
        para = cmark_node_new(CMARK_NODE_PARAGRAPH);
        cmark_node_append_child(holder, para);
        while ((c = cmark_node_first_child(n)))
            cmark_node_append_child(para, c);
    }
    sem_inlines_to_html(r, para);
    char *html = cmark_render_html(para, CMARK_OPT_UNSAFE, NULL);
    html_sanitize(r, html, parent, inline_only);
    free(html);
    if (holder) {
        while ((c = cmark_node_first_child(para)))
            cmark_node_append_child(n, c);
        cmark_node_free(holder);
    }
}

/* Add the gathered text to its element, in one piece, and empty the buffer. */
static void text_flush(strbuf *text, xmlNodePtr parent)
{
    if (!text->len)
        return;
    xmlNodeAddContentLen(parent, (const xmlChar *)text->data, (int)text->len);
    text->len = 0;
}

/* Deepest indentation (in columns) a code line's class says (i1 ... i16). */
#define RENDER_CODE_INDENT_MAX 16

/* The text of a code block into `code`. A line that starts with spaces or tabs (a tab counts
 * four columns) is a span of class "iN", N its indentation: the stylesheet starts its wrapped
 * continuation lines under its text rather than at the margin. The text (and so what a reader
 * copies) is unchanged. */
static void code_lines_add(xmlNodePtr code, const char *lit)
{
    const char *p = lit ? lit : "";
    const char *plain = p; /* start of text not yet added */
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t cols = 0, k = 0;
        while (k < n && (p[k] == ' ' || p[k] == '\t')) {
            cols += p[k] == '\t' ? 4 : 1;
            k++;
        }
        if (cols > 0 && k < n) {
            if (p > plain) {
                char *t = xstrndup(plain, (size_t)(p - plain));
                xmlNodeAddContent(code, (const xmlChar *)t);
                free(t);
            }
            char *line = xstrndup(p, n), cls[8];
            snprintf(cls, sizeof cls, "i%zu", cols < RENDER_CODE_INDENT_MAX ? cols : (size_t)RENDER_CODE_INDENT_MAX);
            attr_set(xhtml_add(code, "span", line), "class", cls);
            free(line);
            plain = p + n; /* the line break stays outside the span */
        }
        p += n + (nl ? 1 : 0);
    }
    if (*plain)
        xmlNodeAddContent(code, (const xmlChar *)plain);
}

/* Walk the blocks [first, end) and append their XHTML to parent. */
static void blocks_render(rctx *r, cmark_node *first, cmark_node *end, xmlNodePtr parent,
                          int in_note)
{
    /* The element stack mirrors the iterator's enter/exit events. */
    size_t cap = 64, depth = 0;
    xmlNodePtr *stack = xmalloc(cap * sizeof *stack);
    /* Consecutive text (text nodes and soft breaks: a paragraph of a million lines is two
     * million of them) is gathered and added to its element in one piece when anything else
     * comes: adding each piece on its own makes libxml2 append to the element's last text node,
     * measuring it every time (quadratic). */
    strbuf text = STRBUF_INIT;
    xmlNodePtr text_parent = NULL;

    for (cmark_node *block = first; block && block != end; block = cmark_node_next(block)) {
        cmark_iter *it = cmark_iter_new(block);
        cmark_event_type ev;
        depth = 0;
        stack[depth] = parent;
        int containers = 0, flat_warned = 0;
        uint16_t column = 0; /* of the table cell being rendered */
        int indents = 0;     /* lists and quotes around the node: each indents the text */
        while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
            cmark_node *n = cmark_iter_get_node(it);
            cmark_node_type t = cmark_node_get_type(n);
            xmlNodePtr cur = stack[depth];
            if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_SOFTBREAK)) {
                if (text.len && text_parent != cur)
                    text_flush(&text, text_parent);
                text_parent = cur;
                if (t == CMARK_NODE_TEXT)
                    strbuf_adds(&text, cmark_node_get_literal(n));
                else
                    strbuf_addc(&text, '\n');
                int line = cmark_node_get_start_line(n);
                if (line > 0)
                    r->line = r->a->body_line + line - 1;
                continue;
            }
            text_flush(&text, text_parent);
            if (ev == CMARK_EVENT_EXIT) {
                if (depth > 0)
                    depth--;
                if (t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST || t == CMARK_NODE_ITEM ||
                    t == CMARK_NODE_CUSTOM_BLOCK)
                    containers--;
                if (t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST)
                    indents--;
                continue;
            }
            int line = cmark_node_get_start_line(n);
            if (line > 0)
                r->line = r->a->body_line + line - 1;
            xmlNodePtr el = NULL;  /* element to push, when the node has children */
            xmlNodePtr last_before = cur->last;
            int push = 0;          /* the node gets an exit event */
            if (gfm_is_table(n)) {
                el = xhtml_add(cur, "table", NULL);
                push = 1;
                t = CMARK_NODE_NONE;
            } else if (gfm_is_table_row(n)) {
                int in_table = cur->type == XML_ELEMENT_NODE &&
                               strcmp((const char *)cur->name, "table") == 0;
                el = in_table ? table_row_element(cur, gfm_row_is_header(n)) : cur;
                column = 0;
                push = 1;
                t = CMARK_NODE_NONE;
            } else if (gfm_is_table_cell(n)) {
                cmark_node *row = cmark_node_parent(n);
                int header = gfm_row_is_header(row);
                el = xhtml_add(cur, header ? "th" : "td", NULL);
                if (header)
                    attr_set(el, "scope", "col");
                const char *cls = table_align_class(gfm_table_align(cmark_node_parent(row), column++));
                if (cls)
                    attr_set(el, "class", cls);
                push = 1;
                t = CMARK_NODE_NONE;
                if (r->a->raw_html && node_has_html_inline(n)) {
                    inlines_html_render(r, n, el, 1);
                    cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
                    push = 0;
                }
            } else if (gfm_is_strikethrough(n)) {
                el = xhtml_add(cur, "del", NULL);
                push = 1;
                t = CMARK_NODE_NONE;
            }
            switch (t) {
            case CMARK_NODE_BLOCK_QUOTE:
            case CMARK_NODE_LIST:
            case CMARK_NODE_ITEM:
                push = 1;
                containers++;
                if (t != CMARK_NODE_ITEM)
                    indents++;
                if (containers > RENDER_MAX_DEPTH && t != CMARK_NODE_ITEM) {
                    if (!flat_warned)
                        diag_add(&r->a->diags, DIAG_WARNING, NULL, r->a->path, r->line,
                                 "lists and quotes nested too deeply (over %d lists, items "
                                 "and quotes inside each other); the deeper ones are shown at "
                                 "that depth",
                                 RENDER_MAX_DEPTH);
                    flat_warned = 1;
                    el = cur;
                    break;
                }
                if (t == CMARK_NODE_BLOCK_QUOTE) {
                    el = xhtml_add(cur, "blockquote", NULL);
                } else if (t == CMARK_NODE_ITEM) {
                    /* An item of a flattened list goes into the enclosing element. */
                    int in_list = cur->type == XML_ELEMENT_NODE &&
                                  (strcmp((const char *)cur->name, "ul") == 0 ||
                                   strcmp((const char *)cur->name, "ol") == 0);
                    el = in_list ? xhtml_add(cur, "li", NULL) : cur;
                    if (in_list && gfm_item_is_task(n))
                        attr_set(el, "class", "task");
                    /* Keep flattened items apart: the text of a tight item is not in a <p>. */
                    if (!in_list && cur->last && !block_element(cur->last))
                        xhtml_add(cur, "br", NULL);
                } else if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) {
                    el = xhtml_add(cur, "ol", NULL);
                    int start = cmark_node_get_list_start(n);
                    if (start != 1) {
                        char num[24];
                        snprintf(num, sizeof num, "%d", start);
                        attr_set(el, "start", num);
                    }
                } else {
                    el = xhtml_add(cur, "ul", NULL);
                }
                /* Past a few levels each list or quote indents no further: nested dozens
                 * deep they would push the text off a phone's screen. */
                if (indents > RENDER_INDENT_MAX && el != cur && t != CMARK_NODE_ITEM)
                    attr_set(el, "class", "deep");
                break;
            case CMARK_NODE_CODE_BLOCK: {
                xmlNodePtr pre = xhtml_add(cur, "pre", NULL);
                xmlNodePtr code = xhtml_add(pre, "code", NULL);
                code_lines_add(code, cmark_node_get_literal(n));
                const char *info = cmark_node_get_fence_info(n);
                if (info && *info) {
                    size_t wl = strcspn(info, " \t");
                    char *lang = xstrndup(info, wl);
                    char *cls = xasprintf("language-%s", lang);
                    for (char *p = cls; *p; p++)
                        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
                            *p = '-';
                    attr_set(code, "class", cls);
                    free(cls);
                    free(lang);
                }
                break;
            }
            case CMARK_NODE_HTML_BLOCK:
                html_sanitize(r, cmark_node_get_literal(n), cur, 0);
                break;
            case CMARK_NODE_PARAGRAPH:
                push = 1;
                if (r->a->raw_html && node_has_html_inline(n)) {
                    /* Raw inline HTML spans several nodes: render the paragraph as HTML and
                     * let the sanitizer rebuild it as XHTML. */
                    if (task_item_of(n))
                        task_box_add(task_item_of(n), cur);
                    inlines_html_render(r, n, cur, 0);
                    cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
                    push = 0;
                    break;
                }
                el = list_is_tight_parent(n) || in_figure(n) ? cur : xhtml_add(cur, "p", NULL);
                if (el != cur) {
                    paragraph_lang(r, n, el);
                    /* TeX kept as source is set ragged: justification would stretch its
                     * spaces or, were it a box, open wide gaps on the line before it */
                    if (has_inline_math(n))
                        attr_set(el, "class", "math-text");
                    else if (para_only_image(n))
                        attr_set(el, "class", "image");
                }
                if (task_item_of(n))
                    task_box_add(task_item_of(n), el);
                break;
            case CMARK_NODE_HEADING: {
                /* Sections start at h2 under the article's h1; article.c gave each section
                 * heading its level and id. Headings elsewhere (quotes, lists) keep theirs. */
                const heading *h = cmark_node_get_user_data(n);
                int level = h ? h->level + 1 : cmark_node_get_heading_level(n) + 1;
                el = xhtml_add(cur, heading_tag(in_note ? 6 : level), NULL);
                paragraph_lang(r, n, el);
                if (h && !in_note)
                    attr_set(el, "id", h->id);
                push = 1;
                break;
            }
            case CMARK_NODE_THEMATIC_BREAK:
                xhtml_add(cur, "hr", NULL);
                break;
            case CMARK_NODE_LINEBREAK:
                xhtml_add(cur, "br", NULL);
                break;
            case CMARK_NODE_CODE: {
                xmlNodePtr code = xhtml_add(cur, "code", cmark_node_get_literal(n));
                if (has_long_token(cmark_node_get_literal(n)))
                    attr_set(code, "class", "token");
                break;
            }
            case CMARK_NODE_HTML_INLINE:
                /* Only reached outside paragraphs (headings): keep the text of simple tags. */
                break;
            case CMARK_NODE_EMPH:
                el = xhtml_add(cur, "em", NULL);
                push = 1;
                break;
            case CMARK_NODE_STRONG:
                el = xhtml_add(cur, "strong", NULL);
                push = 1;
                break;
            case CMARK_NODE_LINK: {
                char *href = link_resolve(r, cmark_node_get_url(n));
                push = 1;
                if (href) {
                    el = xhtml_add(cur, "a", NULL);
                    attr_set(el, "href", href);
                    if (link_has_long_token(n))
                        attr_set(el, "class", "token");
                    const char *title = cmark_node_get_title(n);
                    if (title && *title)
                        attr_set(el, "title", title);
                    free(href);
                } else {
                    el = cur;
                }
                break;
            }
            case CMARK_NODE_IMAGE:
                image_render(r, n, cur);
                cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
                break;
            case CMARK_NODE_CUSTOM_BLOCK:
            case CMARK_NODE_CUSTOM_INLINE: {
                sem_node *s = sem_get(n);
                push = 1;
                if (t == CMARK_NODE_CUSTOM_BLOCK)
                    containers++;
                if (!s) {
                    el = cur;
                    break;
                }
                switch (s->kind) {
                case SEM_DIV:
                    el = containers > RENDER_MAX_DEPTH ? cur : xhtml_add(cur, "div", NULL);
                    break;
                case SEM_SPAN:
                    el = xhtml_add(cur, "span", NULL);
                    break;
                case SEM_ANCHOR:
                    el = xhtml_add(cur, "span", "");
                    break;
                case SEM_BREAK:
                    el = xhtml_add(cur, "hr", NULL);
                    break;
                case SEM_FIGURE:
                    el = xhtml_add(cur, "figure", NULL);
                    break;
                case SEM_FIGCAPTION:
                    el = xhtml_add(cur, "figcaption", NULL);
                    break;
                case SEM_NOTEREF:
                    if (!in_note)
                        note_use(r, s->number, cur);
                    el = NULL;
                    push = 0;
                    cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
                    break;
                }
                if (el && el != cur) {
                    if (s->cls)
                        attr_set(el, "class", s->cls);
                    if (s->id && !in_note)
                        attr_set(el, "id", s->id);
                }
                if (!el)
                    el = cur;
                break;
            }
            default:
                break;
            }
            if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK) {
                if (el != cur)
                    line_mark(el, r->line);
                if (cur->last != last_before)
                    line_mark(cur->last, r->line); /* a <pre>, an <hr>: no children here */
            }
            if (push) {
                if (depth + 1 >= cap) {
                    cap *= 2;
                    stack = xrealloc(stack, cap * sizeof *stack);
                }
                stack[++depth] = el ? el : cur;
            }
        }
        text_flush(&text, text_parent);
        cmark_iter_free(it);
    }
    strbuf_release(&text);
    free(stack);
}

/* The article's opening: title, subtitle, byline, date, source, cast, reading time. */
static void opening_render(rctx *r, xmlNodePtr body)
{
    const meta *m = &r->a->meta;
    xmlNodePtr header = xhtml_add(body, "header", NULL);
    attr_set(header, "class", "article-opening");
    xhtml_add(header, "h1", m->title);
    if (m->subtitle)
        attr_set(xhtml_add(header, "p", m->subtitle), "class", "subtitle");
    /* The deck: front matter's summary, excerpt or description, under the title. */
    if (m->description && *m->description)
        attr_set(xhtml_add(header, "p", m->description), "class", "deck");
    if (m->authors.len) {
        char *names = names_join(&m->authors);
        char *by = xasprintf("By %s", names);
        attr_set(xhtml_add(header, "p", by), "class", "byline");
        free(by);
        free(names);
    }
    if (m->date) {
        /* As the article's language writes dates, the ISO date kept for machines. */
        char *text = lang_date_text(m->date, m->lang ? m->lang : r->env->book_lang);
        xmlNodePtr p = xhtml_add(header, "p", NULL);
        attr_set(p, "class", "date");
        attr_set(xhtml_add(p, "time", text), "datetime", m->date);
        free(text);
    }
    if (r->a->cast.len) {
        strlist hosts = STRLIST_INIT, guests = STRLIST_INIT, others = STRLIST_INIT;
        for (size_t i = 0; i < r->a->cast.len; i++) {
            const speaker *s = &r->a->cast.items[i];
            strlist *l = s->role == SPEAKER_ROLE_HOST ? &hosts
                         : s->role == SPEAKER_ROLE_GUEST ? &guests
                                                          : &others;
            strlist_add(l, s->name ? s->name : s->label);
        }
        strbuf b = STRBUF_INIT;
        if (hosts.len) {
            char *j = names_join(&hosts);
            strbuf_addf(&b, "%s: %s", hosts.len > 1 ? "Hosts" : "Host", j);
            free(j);
        }
        if (guests.len) {
            char *j = names_join(&guests);
            strbuf_addf(&b, "%s%s: %s", b.len ? ". " : "", guests.len > 1 ? "Guests" : "Guest", j);
            free(j);
        }
        if (others.len) {
            char *j = names_join(&others);
            strbuf_addf(&b, "%s%s: %s", b.len ? ". " : "", b.len ? "Also" : "With", j);
            free(j);
        }
        attr_set(xhtml_add(header, "p", b.data), "class", "cast");
        strbuf_release(&b);
        strlist_clear(&hosts);
        strlist_clear(&guests);
        strlist_clear(&others);
    }
    if (m->source) {
        /* The article's own source: the address itself, never a link into the book. */
        char *scheme = url_scheme(m->source);
        char *href = scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)
                         ? url_escape(m->source)
                         : NULL;
        free(scheme);
        xmlNodePtr p = xhtml_add(header, "p", "Source: ");
        attr_set(p, "class", "source");
        if (href) {
            attr_set(xhtml_add(p, "a", m->source), "href", href);
            free(href);
        } else {
            xmlNodeAddContent(p, (const xmlChar *)m->source);
        }
    }
    {
        char *t = xasprintf("%d min read", reading_minutes(r->a->words));
        attr_set(xhtml_add(header, "p", t), "class", "reading-time");
        free(t);
    }
}

static void chapter_finish(chapter *ch, xmlDocPtr doc, zipwrite_deflater *deflater);

int render_chapter(const render_env *env, article *a, size_t ci, zipwrite_deflater *deflater)
{
    int ret = -1;
    chapter *ch = &a->chapters[ci];
    rctx r;
    rctx_init(&r, env, a, ci);
    r.doc = xmlCopyDoc(env->chapter_template, 1);
    if (!r.doc)
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(r.doc);
    r.epub_ns = xmlSearchNsByHref(r.doc, root, (const xmlChar *)EPUB_OPS_NS);
    if (!r.epub_ns)
        r.epub_ns = xmlNewNs(root, (const xmlChar *)EPUB_OPS_NS, (const xmlChar *)"epub");
    r.notes_used = xcalloc(a->n_notes + 1, sizeof(int));
    r.raw_ids = strmap_new();
    r.heading_ids = strmap_new();
    r.id_next = strmap_new();
    for (size_t h = 0; h < a->n_headings; h++)
        if (a->headings[h].chapter == ci && a->headings[h].id)
            strmap_add(r.heading_ids, a->headings[h].id, NULL);
    r.note_order = xcalloc(a->n_notes + 1, sizeof(int));
    xhtml_set_lang(root, a->meta.lang ? a->meta.lang : env->book_lang);
    if (a->meta.dir)
        attr_set(root, "dir", a->meta.dir);

    /* Build the body in a holder element of this document, then move it into the slot. */
    xmlNodePtr holder = xhtml_new(r.doc, "div");
    if (ch->has_opening)
        opening_render(&r, holder);
    blocks_render(&r, ch->first, ch->end, holder, 0);
    notes_emit(&r, holder);

    xmlNodePtr links = xhtml_stylesheet_links(r.doc, &env->stylesheets, ch->href);
    template_value values[] = {
        {"title", ch->title, NULL, 0},
        {"stylesheets", NULL, links->children, 1},
        {"body", NULL, holder->children, 1},
    };
    template_apply(r.doc, values, sizeof values / sizeof values[0]);
    /* What a user template had no slot for stays in the holders. */
    xmlFreeNode(links);
    xmlFreeNode(holder);
    if (ch->pending.len || ch->pending_images.len) {
        ch->doc = r.doc; /* until render_links_finish */
        r.doc = NULL;
    } else {
        chapter_finish(ch, r.doc, deflater);
    }
    ret = 0;
out:
    free(r.notes_used);
    strmap_free(r.raw_ids);
    strmap_free(r.heading_ids);
    strmap_free(r.id_next);
    free(r.note_order);
    if (r.doc)
        xmlFreeDoc(r.doc);
    return ret;
}

/* Does the document use elements in the SVG or the MathML namespace (inline SVG, MathML)? One
 * walk, without recursion, ending once both are found; only elements count, not text. */
static void doc_ns_uses(xmlDocPtr doc, int *svg, int *mathml)
{
    xmlNodePtr n = xmlDocGetRootElement(doc);
    *svg = *mathml = 0;
    while (n && !(*svg && *mathml)) {
        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href) {
            const char *href = (const char *)n->ns->href;
            if (strcmp(href, "http://www.w3.org/2000/svg") == 0)
                *svg = 1;
            else if (strcmp(href, "http://www.w3.org/1998/Math/MathML") == 0)
                *mathml = 1;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
}

/* Serialise the chapter's document and deflate it for the container. */
/* The chapter's line map. Each block made from the article starts a line of the document (a
 * newline goes before it when it follows another element: whitespace between blocks changes
 * nothing on the page), so that a line of the document names one block. The serialiser starts
 * a line only for a newline of a text node (an attribute's is written &#10;), after the XML
 * declaration and after each node before the root element: walking the tree in document order
 * and counting them gives the line each marked block starts on. */
static void line_map_build(chapter *ch, xmlDocPtr doc)
{
    size_t cap = 0;
    int line = 2, last_src = 0;
    xmlNodePtr n = doc->children;
    for (; n && n->type != XML_ELEMENT_NODE; n = n->next)
        line++;
    free(ch->line_map);
    ch->line_map = NULL;
    ch->n_line_map = 0;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->_private) {
            int src = (int)(intptr_t)n->_private;
            if (n->prev && n->prev->type == XML_ELEMENT_NODE) {
                xmlAddPrevSibling(n, xmlNewDocText(doc, (const xmlChar *)"\n"));
                line++;
            }
            if (src != last_src) {
                if (ch->n_line_map == cap) {
                    cap = cap ? cap * 2 : 32;
                    ch->line_map = xrealloc(ch->line_map, 2 * cap * sizeof *ch->line_map);
                }
                ch->line_map[2 * ch->n_line_map] = line;
                ch->line_map[2 * ch->n_line_map + 1] = src;
                ch->n_line_map++;
                last_src = src;
            }
        } else if (n->type == XML_TEXT_NODE && n->content) {
            for (const xmlChar *c = n->content; (c = (const xmlChar *)strchr((const char *)c, '\n'));
                 c++)
                line++;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
}

static void chapter_finish(chapter *ch, xmlDocPtr doc, zipwrite_deflater *deflater)
{
    size_t len = 0;
    line_map_build(ch, doc);
    unsigned char *xml = xml_serialize(doc, &len);
    doc_ns_uses(doc, &ch->has_svg, &ch->has_mathml);
    ch->xhtml_len = len;
    ch->deflated = zipwrite_deflate(deflater, xml, len, &ch->deflated_len, &ch->crc);
    free(xml);
}

static void pending_links_fix(const render_env *env, article *a, size_t ci, xmlNodePtr first)
{
    chapter *ch = &a->chapters[ci];
    xmlNodePtr next;
    for (xmlNodePtr node = first; node; node = next) {
        next = node->next;
        if (node->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *href = xmlGetProp(node, (const xmlChar *)"href");
        if (href && strncmp((const char *)href, PENDING_PREFIX, strlen(PENDING_PREFIX)) == 0) {
            size_t k = strtoul((const char *)href + strlen(PENDING_PREFIX), NULL, 10);
            const char *spec = k < ch->pending.len ? ch->pending.items[k] : "0\t";
            size_t to_index = strtoul(spec, NULL, 10);
            const char *frag = strchr(spec, '\t') + 1;
            article *to = to_index < env->n_articles ? env->articles[to_index] : NULL;
            xmlFree(href);
            if (!to || to->failed) {
                /* The target was left out of the book: keep the text, drop the link. */
                diag_add(&a->diags, DIAG_WARNING, NULL, a->path, 0,
                         "a link to '%s' was removed: that article is not in the book",
                         to ? to->path : "?");
                for (xmlNodePtr c = node->children, cn; c; c = cn) {
                    cn = c->next;
                    xmlUnlinkNode(c);
                    xmlAddPrevSibling(node, c);
                }
                xmlUnlinkNode(node);
                xmlFreeNode(node);
                continue;
            }
            rctx r;
            rctx_init(&r, env, a, ci);
            size_t tci = 0;
            char *id = *frag ? fragment_find(to, frag, &tci) : NULL;
            if (*frag && !id)
                diag_add(&a->diags, DIAG_WARNING, NULL, a->path, 0,
                         "a link into '%s' names '%s', which it has no heading or id for; the "
                         "link leads to the start of that article",
                         to->path, frag);
            char *resolved = href_to(&r, to, tci, id);
            xmlSetProp(node, (const xmlChar *)"href", (const xmlChar *)resolved);
            free(resolved);
            free(id);
        } else {
            xmlFree(href);
        }
        pending_links_fix(env, a, ci, node->children);
    }
}

/* Copy the attributes a placeholder image had (id, class, title, lang) to what replaces it. */
static void image_attrs_copy(xmlNodePtr from, xmlNodePtr to)
{
    static const char *const names[] = {"id", "class", "title", "lang"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        xmlChar *v = xmlGetProp(from, (const xmlChar *)names[i]);
        if (v && !xmlHasProp(to, (const xmlChar *)names[i]))
            xmlSetProp(to, (const xmlChar *)names[i], v);
        xmlFree(v);
    }
}

/* Replace the placeholder <img> `node` by the web image it stands for, or by its alt text. */
static void pending_image_fix(const render_env *env, article *a, size_t ci, xmlNodePtr node,
                              size_t k)
{
    chapter *ch = &a->chapters[ci];
    const char *url = k < ch->pending_images.len ? ch->pending_images.items[k] : NULL;
    xmlChar *alt = xmlGetProp(node, (const xmlChar *)"alt");
    const char *alt_text = alt ? (const char *)alt : "";
    web_image wi;
    const char *stored = NULL;
    xmlNodePtr repl = NULL;

    memset(&wi, 0, sizeof wi);
    if (!url || !env->web_image_get || env->web_image_get(env->web_image_ud, url, &wi) != 0)
        wi.error = "it was not fetched";
    if (wi.note)
        diag_add(&a->diags, DIAG_WARNING, NULL, a->path, 0, "image '%.200s' %s", url, wi.note);
    if (wi.data) {
        pthread_mutex_lock(env->media_lock);
        stored = media_store_add_bytes(env->media, wi.data, wi.len, url, a->path, 0, &a->diags);
        pthread_mutex_unlock(env->media_lock);
    } else {
        diag_add(&a->diags, DIAG_WARNING, NULL, a->path, 0,
                 "image '%.200s' could not be fetched: %s; its alt text is kept", url ? url : "?",
                 wi.error ? wi.error : "unknown reason");
    }
    /* media_append_image adds at the end of a parent: build in a holder, then move. */
    xmlNodePtr holder = xhtml_new(node->doc, "span");
    if (stored) {
        char *rel = path_relative(ch->href, stored);
        repl = media_append_image(holder, rel, alt_text);
        free(rel);
        image_attrs_copy(node, repl);
    } else if (*alt_text) {
        repl = xhtml_add(holder, "span", alt_text);
        attr_set(repl, "class", "image-missing");
    }
    if (repl) {
        xmlUnlinkNode(repl);
        xmlReplaceNode(node, repl);
    } else {
        xmlUnlinkNode(node);
    }
    xmlFreeNode(node);
    xmlFreeNode(holder);
    xmlFree(alt);
}

/* Every placeholder image of the document, in document order, without recursion. */
static void pending_images_fix(const render_env *env, article *a, size_t ci, xmlDocPtr doc)
{
    xmlNodePtr n = xmlDocGetRootElement(doc);
    while (n) {
        xmlNodePtr next = NULL;
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "img") == 0) {
            xmlChar *src = xmlGetProp(n, (const xmlChar *)"src");
            int pending = src && strncmp((const char *)src, IMAGE_PENDING_PREFIX,
                                         strlen(IMAGE_PENDING_PREFIX)) == 0;
            size_t k = pending ? strtoul((const char *)src + strlen(IMAGE_PENDING_PREFIX), NULL,
                                         10)
                               : 0;
            xmlFree(src);
            if (pending) {
                /* The walk goes on after the node, which is about to be replaced. */
                xmlNodePtr after = n;
                while (after && !after->next)
                    after = after->parent && after->parent->type == XML_ELEMENT_NODE
                                ? after->parent
                                : NULL;
                next = after ? after->next : NULL;
                pending_image_fix(env, a, ci, n, k);
                n = next;
                continue;
            }
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
}

int render_links_finish(const render_env *env, article *a, size_t ci, zipwrite_deflater *deflater)
{
    chapter *ch = &a->chapters[ci];
    if (!ch->doc)
        return 0;
    if (ch->pending_images.len)
        pending_images_fix(env, a, ci, ch->doc);
    pending_links_fix(env, a, ci, xmlDocGetRootElement(ch->doc));
    chapter_finish(ch, ch->doc, deflater);
    xmlFreeDoc(ch->doc);
    ch->doc = NULL;
    return 0;
}
