/* readability.c: a page's metadata and its article, found as Reader View finds them.
 *
 * Reader View's algorithm (Mozilla's Readability.js), rewritten for libxml2 trees. Its string
 * measures are kept as JavaScript measures them, so that its thresholds mean the same: lengths
 * in UTF-16 code units, "whitespace" as JavaScript's \s. */
#include "readers/readability.h"

#include <gumbo.h>
#include <json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/html5.h"
#include "base/strmap.h"
#include "base/url.h"

/*** JavaScript's view of text ***/

/* The code point at s (valid UTF-8, as the tree holds), its length in *n. */
static uint32_t cp_at(const unsigned char *s, size_t *n)
{
    if (s[0] < 0x80) {
        *n = 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *n = 2;
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (s[0] < 0xF0) {
        *n = 3;
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *n = 4;
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* JavaScript's \s. */
static int js_space(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Commas as Readability counts them (Latin, Arabic, CJK and other forms). */
static int js_comma(uint32_t c)
{
    return c == 0x2C || c == 0x60C || c == 0xFE50 || c == 0xFE10 || c == 0xFE11 || c == 0x2E41 ||
           c == 0x2E34 || c == 0x2E32 || c == 0xFF0C;
}

/* s with JavaScript's trim() and, when `collapse`, every run of two or more \s as one space
 * (Readability's _getInnerText). A new string the caller frees. */
static char *js_normalize(const char *s, int collapse)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    strbuf b = STRBUF_INIT;
    size_t n, run = 0;
    const unsigned char *run_start = NULL;
    while (*p) {
        uint32_t c = cp_at(p, &n);
        if (js_space(c)) {
            if (!run)
                run_start = p;
            run++;
        } else {
            if (run && b.len) {
                if (collapse && run >= 2)
                    strbuf_addc(&b, ' ');
                else
                    strbuf_add(&b, run_start, (size_t)(p - run_start));
            }
            run = 0;
            strbuf_add(&b, p, n);
        }
        p += n;
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* Length in UTF-16 code units. */
static size_t js_length(const char *s)
{
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        len += ((*p & 0xC0) != 0x80) + (*p >= 0xF0);
    return len;
}

/* str.split(/\s+/).length */
static size_t js_word_count(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n, count = 1;
    int in_space = 0;
    while (*p) {
        int sp = js_space(cp_at(p, &n));
        if (sp && !in_space)
            count++;
        in_space = sp;
        p += n;
    }
    return count;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = n->type == XML_ELEMENT_NODE ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static int attr_is(const xmlNode *n, const char *name, const char *value)
{
    char *v = attr(n, name);
    int is = v && strcmp(v, value) == 0;
    free(v);
    return is;
}

static char *text_content(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

/* The next node in document order (elements and text) after n within root, skipping n's
 * children when `skip_children`. */
static xmlNodePtr next_in(xmlNodePtr n, xmlNodePtr root, int skip_children)
{
    if (!skip_children && n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return n && n != root ? n->next : NULL;
}

/* Every element named `name` (HTML, no namespace) under root, in document order. */
static size_t elements_named(xmlNodePtr root, const char *name, xmlNodePtr **out)
{
    size_t len = 0, cap = 0;
    *out = NULL;
    for (xmlNodePtr n = root->children; n; n = next_in(n, root, 0)) {
        if (!html5_is(n, name))
            continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[len++] = n;
    }
    return len;
}

static void node_remove(xmlNodePtr n)
{
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/*** Metadata ***/



void readability_meta_init(readability_meta *m)
{
    memset(m, 0, sizeof *m);
}

void readability_meta_free(readability_meta *m)
{
    free(m->title);
    free(m->byline);
    strlist_clear(&m->authors);
    free(m->published);
    free(m->date);
    free(m->excerpt);
    free(m->site_name);
    free(m->lang);
    free(m->dir);
    free(m->url);
    free(m->base);
    free(m->image);
    memset(m, 0, sizeof *m);
}

/* Readability's _unescapeHtmlEntities: the five named references and numeric ones. */
static char *unescape_entities(const char *s)
{
    strbuf b = STRBUF_INIT;
    static const struct {
        const char *name;
        const char *ch;
    } named[] = {{"quot;", "\""}, {"amp;", "&"}, {"apos;", "'"}, {"lt;", "<"}, {"gt;", ">"}};
    while (*s) {
        if (*s == '&') {
            int done = 0;
            for (size_t i = 0; i < 5 && !done; i++)
                if (str_starts_with(s + 1, named[i].name)) {
                    strbuf_adds(&b, named[i].ch);
                    s += 1 + strlen(named[i].name);
                    done = 1;
                }
            if (!done && s[1] == '#') {
                const char *p = s + 2;
                int hex = *p == 'x' || *p == 'X';
                if (hex)
                    p++;
                const char *digits = p;
                unsigned long v = 0;
                while (hex ? ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
                           : (*p >= '0' && *p <= '9')) {
                    int d = *p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10;
                    if (v < 0x110000)
                        v = v * (hex ? 16 : 10) + (unsigned long)d;
                    p++;
                }
                if (p > digits && *p == ';') {
                    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                        v = 0xFFFD;
                    char u[5];
                    size_t n;
                    if (v < 0x80) {
                        u[0] = (char)v;
                        n = 1;
                    } else if (v < 0x800) {
                        u[0] = (char)(0xC0 | (v >> 6));
                        u[1] = (char)(0x80 | (v & 0x3F));
                        n = 2;
                    } else if (v < 0x10000) {
                        u[0] = (char)(0xE0 | (v >> 12));
                        u[1] = (char)(0x80 | ((v >> 6) & 0x3F));
                        u[2] = (char)(0x80 | (v & 0x3F));
                        n = 3;
                    } else {
                        u[0] = (char)(0xF0 | (v >> 18));
                        u[1] = (char)(0x80 | ((v >> 12) & 0x3F));
                        u[2] = (char)(0x80 | ((v >> 6) & 0x3F));
                        u[3] = (char)(0x80 | (v & 0x3F));
                        n = 4;
                    }
                    /* characters XML forbids stay out */
                    if (!(v < 0x20 && v != '\t' && v != '\n' && v != '\r') && v != 0xFFFE &&
                        v != 0xFFFF)
                        strbuf_add(&b, u, n);
                    s = p + 1;
                    done = 1;
                }
            }
            if (done)
                continue;
        }
        strbuf_addc(&b, *s++);
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

/* Readability's textSimilarity: 1 - (length of B's words not in A) / (length of B's words),
 * words being lowercase runs of \w. */
static double text_similarity(const char *a, const char *b)
{
    strlist ta = STRLIST_INIT, tb = STRLIST_INIT;
    const char *texts[2] = {a, b};
    strlist *lists[2] = {&ta, &tb};
    for (int k = 0; k < 2; k++) {
        const char *p = texts[k];
        while (*p) {
            while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                           (*p >= '0' && *p <= '9') || *p == '_'))
                p++;
            const char *w = p;
            while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                   *p == '_')
                p++;
            if (p > w) {
                char *word = xstrndup(w, (size_t)(p - w));
                for (char *c = word; *c; c++)
                    if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c + 32);
                strlist_take(lists[k], word);
            }
        }
    }
    double sim = 0;
    if (ta.len && tb.len) {
        strmap *in_a = strmap_new();
        for (size_t i = 0; i < ta.len; i++)
            strmap_add(in_a, ta.items[i], NULL);
        size_t all = 0, uniq = 0, n_uniq = 0;
        for (size_t i = 0; i < tb.len; i++) {
            all += strlen(tb.items[i]);
            if (!strmap_has(in_a, tb.items[i])) {
                uniq += strlen(tb.items[i]);
                n_uniq++;
            }
        }
        all += tb.len - 1;
        if (n_uniq)
            uniq += n_uniq - 1;
        sim = 1 - (double)uniq / (double)all;
        strmap_free(in_a);
    }
    strlist_clear(&ta);
    strlist_clear(&tb);
    return sim;
}

/* document.title: the first <title>, stripped and with whitespace collapsed. */
static char *doc_title(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root; n; n = next_in(n, root, 0)) {
        if (html5_is(n, "title")) {
            char *t = text_content(n), *out;
            /* ASCII whitespace only, as document.title does */
            strbuf b = STRBUF_INIT;
            int space = 0;
            for (const char *p = t; *p; p++) {
                if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
                    space = b.len > 0;
                    continue;
                }
                if (space)
                    strbuf_addc(&b, ' ');
                space = 0;
                strbuf_addc(&b, *p);
            }
            strbuf_adds(&b, "");
            out = strbuf_detach(&b, NULL);
            free(t);
            return out;
        }
    }
    return xstrdup("");
}

/* Is the character at s one of Readability's title separators |-–—\/>» ? Sets *n. */
static int title_sep(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (*s == '|' || *s == '-' || *s == '\\' || *s == '/' || *s == '>') {
        *n = 1;
        return 1;
    }
    if (u[0] == 0xC2 && u[1] == 0xBB) {
        *n = 2;
        return 1;
    }
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94)) {
        *n = 3;
        return 1;
    }
    return 0;
}

static int hier_sep(const char *s)
{
    return *s == '\\' || *s == '/' || *s == '>' ||
           ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xBB);
}

/* Readability's _getArticleTitle. */
static char *article_title(xmlDocPtr doc)
{
    char *orig = doc_title(doc), *cur = xstrdup(orig);
    int had_hier = 0, has_sep = 0;
    size_t n;
    /* / [|\-\\\/>»] / */
    for (const char *p = orig; *p; p++)
        if (*p == ' ' && title_sep(p + 1, &n) && p[1 + n] == ' ') {
            has_sep = 1;
            had_hier |= hier_sep(p + 1);
        }
    if (has_sep) {
        /* orig up to its last separator followed by a space */
        const char *last = NULL;
        for (const char *p = orig; *p; p++)
            if (title_sep(p, &n) && p[n] == ' ')
                last = p;
        free(cur);
        cur = xstrndup(orig, last ? (size_t)(last - orig) : strlen(orig));
        if (js_word_count(cur) < 3) {
            /* after the first separator instead */
            const char *first = NULL;
            for (const char *p = orig; *p && !first; p++)
                if (title_sep(p, &n))
                    first = p + n;
            free(cur);
            cur = xstrdup(first ? first : orig);
        }
    } else if (strstr(cur, ": ")) {
        xmlNodePtr root = xmlDocGetRootElement(doc);
        int match = 0;
        char *trimmed = js_normalize(cur, 0);
        for (xmlNodePtr h = root; h && !match; h = next_in(h, root, 0)) {
            if (html5_is(h, "h1") || html5_is(h, "h2")) {
                char *t = text_content(h), *tt = js_normalize(t, 0);
                match = strcmp(tt, trimmed) == 0;
                free(t);
                free(tt);
            }
        }
        free(trimmed);
        if (!match) {
            const char *last = strrchr(orig, ':'), *first = strchr(orig, ':');
            free(cur);
            cur = xstrdup(last + 1);
            if (js_word_count(cur) < 3) {
                free(cur);
                cur = xstrdup(first + 1);
            } else {
                char *before = xstrndup(orig, (size_t)(first - orig));
                if (js_word_count(before) > 5) {
                    free(cur);
                    cur = xstrdup(orig);
                }
                free(before);
            }
        }
    } else if (js_length(cur) > 150 || js_length(cur) < 15) {
        xmlNodePtr *h1 = NULL;
        size_t count = elements_named(xmlDocGetRootElement(doc), "h1", &h1);
        if (count == 1) {
            char *t = text_content(h1[0]);
            free(cur);
            cur = js_normalize(t, 1);
            free(t);
        }
        free(h1);
    }
    char *norm = js_normalize(cur, 1);
    free(cur);
    cur = norm;
    size_t wc = js_word_count(cur);
    if (wc <= 4) {
        /* origTitle.replace(/[|\-\\\/>»]+/g, "") */
        strbuf b = STRBUF_INIT;
        for (const char *p = orig; *p;) {
            if (title_sep(p, &n)) {
                p += n;
                continue;
            }
            strbuf_addc(&b, *p++);
        }
        strbuf_adds(&b, "");
        if (!had_hier || wc != js_word_count(b.data) - 1) {
            free(cur);
            cur = xstrdup(orig);
        }
        strbuf_release(&b);
    }
    free(orig);
    return cur;
}

/* A JSON-LD @type that names an article (Readability's jsonLdArticleTypes, read as the
 * regular expression it is: "Article" at the start, any of the others anywhere). */
static int jsonld_article_type(const char *t)
{
    static const char *const kinds[] = {
        "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle",
        "AskPublicNewsArticle", "BackgroundNewsArticle", "OpinionNewsArticle",
        "ReportageNewsArticle", "ReviewNewsArticle", "Report", "SatiricalArticle",
        "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", NULL};
    if (str_starts_with(t, "Article") || str_ends_with(t, "APIReference"))
        return 1;
    for (int i = 0; kinds[i]; i++)
        if (strstr(t, kinds[i]))
            return 1;
    return 0;
}

static const char *json_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

typedef struct jsonld {
    char *title, *byline, *excerpt, *site_name, *published;
    strlist authors;
} jsonld;

static char *trimmed(const char *s)
{
    return js_normalize(s, 0);
}

/* Readability's _getJSONLD: the first application/ld+json script that describes an article. */
static void jsonld_read(xmlDocPtr doc, jsonld *out)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    int found = 0;
    for (xmlNodePtr n = root; n && !found; n = next_in(n, root, 0)) {
        if (!html5_is(n, "script") || !attr_is(n, "type", "application/ld+json"))
            continue;
        char *content = text_content(n);
        char *s = content;
        /* CDATA markers around the JSON */
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (str_starts_with(s, "<![CDATA["))
            s += 9;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r'))
            len--;
        if (len >= 3 && memcmp(s + len - 3, "]]>", 3) == 0)
            len -= 3;
        struct json_tokener *tok = json_tokener_new_ex(64);
        struct json_object *obj = NULL, *top = NULL;
        if (tok && len < INT32_MAX) {
            json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
            top = json_tokener_parse_ex(tok, s, (int)len);
            if (top && (size_t)json_tokener_get_parse_end(tok) != len) {
                /* JSON.parse allows nothing after the value but space */
                for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
                    if (!strchr(" \t\n\r", s[i])) {
                        json_object_put(top);
                        top = NULL;
                        break;
                    }
            }
        }
        if (tok)
            json_tokener_free(tok);
        obj = top;
        const char *context = json_str(obj, "@context");
        int ok = context && (!strcmp(context, "http://schema.org") ||
                             !strcmp(context, "https://schema.org") ||
                             !strcmp(context, "http://schema.org/") ||
                             !strcmp(context, "https://schema.org/"));
        struct json_object *type = NULL, *graph = NULL;
        if (ok && !json_object_object_get_ex(obj, "@type", &type) &&
            json_object_object_get_ex(obj, "@graph", &graph) &&
            json_object_is_type(graph, json_type_array)) {
            struct json_object *hit = NULL;
            for (size_t i = 0; i < json_object_array_length(graph) && !hit && ok; i++) {
                struct json_object *it = json_object_array_get_idx(graph, i), *t;
                if (json_object_is_type(it, json_type_object) &&
                    json_object_object_get_ex(it, "@type", &t)) {
                    if (!json_object_is_type(t, json_type_string))
                        ok = 0; /* .match on an array throws: the script is skipped */
                    else if (jsonld_article_type(json_object_get_string(t)))
                        hit = it;
                }
            }
            obj = hit;
        }
        const char *t = json_str(obj, "@type");
        if (ok && t && jsonld_article_type(t)) {
            found = 1;
            const char *name = json_str(obj, "name"), *headline = json_str(obj, "headline");
            if (name && headline && strcmp(name, headline) != 0) {
                char *title = article_title(doc);
                int name_m = text_similarity(name, title) > 0.75;
                int head_m = text_similarity(headline, title) > 0.75;
                out->title = xstrdup(head_m && !name_m ? headline : name);
                free(title);
            } else if (name) {
                out->title = trimmed(name);
            } else if (headline) {
                out->title = trimmed(headline);
            }
            struct json_object *author;
            if (json_object_object_get_ex(obj, "author", &author)) {
                const char *an = json_str(author, "name");
                if (an) {
                    out->byline = trimmed(an);
                    strlist_take(&out->authors, trimmed(an));
                } else if (json_object_is_type(author, json_type_array) &&
                           json_object_array_length(author) > 0 &&
                           json_str(json_object_array_get_idx(author, 0), "name")) {
                    strbuf b = STRBUF_INIT;
                    for (size_t i = 0; i < json_object_array_length(author); i++) {
                        const char *nm = json_str(json_object_array_get_idx(author, i), "name");
                        if (!nm)
                            continue;
                        char *tn = trimmed(nm);
                        if (b.len)
                            strbuf_adds(&b, ", ");
                        strbuf_adds(&b, tn);
                        strlist_take(&out->authors, tn);
                    }
                    out->byline = strbuf_detach(&b, NULL);
                }
            }
            const char *d = json_str(obj, "description");
            if (d)
                out->excerpt = trimmed(d);
            struct json_object *publisher;
            if (json_object_object_get_ex(obj, "publisher", &publisher) &&
                json_str(publisher, "name"))
                out->site_name = trimmed(json_str(publisher, "name"));
            const char *dp = json_str(obj, "datePublished");
            if (dp)
                out->published = trimmed(dp);
        }
        if (top)
            json_object_put(top);
        free(content);
    }
}

/* A key for a <meta> element (Readability's property and name patterns), or NULL. */
static char *meta_key(const char *property, const char *name)
{
    static const char *const prefixes[] = {"article", "dc", "dcterm", "og", "twitter", NULL};
    static const char *const props[] = {"author", "creator", "description", "published_time",
                                        "title", "site_name", NULL};
    if (property) {
        /* /\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|...|site_name)\s* /i, first match */
        for (const char *p = property; *p; p++) {
            for (int i = 0; prefixes[i]; i++) {
                size_t pl = strlen(prefixes[i]);
                if (strncasecmp(p, prefixes[i], pl) != 0)
                    continue;
                const char *q = p + pl;
                while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f')
                    q++;
                if (*q != ':')
                    continue;
                q++;
                while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f')
                    q++;
                for (int k = 0; props[k]; k++)
                    if (strncasecmp(q, props[k], strlen(props[k])) == 0)
                        return xasprintf("%s:%s", prefixes[i], props[k]);
            }
        }
    }
    if (name) {
        /* /^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?
         *   (author|creator|pub-date|description|title|site_name)\s*$/i */
        static const char *const nprefixes[] = {"dc", "dcterm", "og", "twitter", "parsely",
                                                "weibo:article", "weibo:webpage", NULL};
        static const char *const nprops[] = {"author", "creator", "pub-date", "description",
                                             "title", "site_name", NULL};
        char *t = xstrdup(name);
        str_trim(t);
        for (char *c = t; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c + 32);
        const char *rest = t;
        const char *prefix = NULL;
        for (int i = 0; nprefixes[i] && !prefix; i++) {
            size_t pl = strlen(nprefixes[i]);
            if (strncmp(t, nprefixes[i], pl) != 0)
                continue;
            const char *q = t + pl;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q != '-' && *q != '.' && *q != ':')
                continue;
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            for (int k = 0; nprops[k]; k++)
                if (strcmp(q, nprops[k]) == 0) {
                    prefix = nprefixes[i];
                    rest = q;
                }
        }
        char *key = NULL;
        for (int k = 0; nprops[k] && !key; k++)
            if (strcmp(rest, nprops[k]) == 0) {
                /* the name itself, lowercased, without spaces, dots as colons */
                strbuf b = STRBUF_INIT;
                for (const char *c = t; *c; c++)
                    if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != '\f')
                        strbuf_addc(&b, *c == '.' ? ':' : *c);
                strbuf_adds(&b, "");
                key = strbuf_detach(&b, NULL);
            }
        free(t);
        return key;
    }
    return NULL;
}

/* "By Jane Doe" -> "Jane Doe": a byline as a name, or NULL when it does not read as one. */
char *readability_byline_name(const char *byline)
{
    char *t = js_normalize(byline, 1);
    const char *s = t;
    static const char *const lead[] = {"by:", "by ", "written by ", "von ", "par ", "por ", NULL};
    for (int i = 0; lead[i]; i++)
        if (strncasecmp(s, lead[i], strlen(lead[i])) == 0) {
            s += strlen(lead[i]);
            while (*s == ' ')
                s++;
            break;
        }
    char *out = *s && js_length(s) < 100 ? xstrdup(s) : NULL;
    free(t);
    return out;
}

/* "2019-04-28T06:01:07Z" -> "2019-04-28"; NULL when it does not start with a date. */
static char *date_day(const char *s)
{
    int y, mo = 0, d = 0;
    while (*s == ' ')
        s++;
    if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
          s[2] <= '9' && s[3] >= '0' && s[3] <= '9'))
        return NULL;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (y < 1000)
        return NULL;
    if (s[4] == '-' && s[5] >= '0' && s[5] <= '1' && s[6] >= '0' && s[6] <= '9') {
        mo = (s[5] - '0') * 10 + (s[6] - '0');
        if (s[7] == '-' && s[8] >= '0' && s[8] <= '3' && s[9] >= '0' && s[9] <= '9')
            d = (s[8] - '0') * 10 + (s[9] - '0');
    }
    if (mo < 1 || mo > 12)
        return xasprintf("%04d", y);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d < 1 || d > days[mo - 1] || (mo == 2 && d == 29 && !leap))
        return xasprintf("%04d-%02d", y, mo);
    return xasprintf("%04d-%02d-%02d", y, mo, d);
}

void readability_metadata(xmlDocPtr doc, const char *doc_url, readability_meta *m)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    strmap *values = strmap_new();
    strlist owned = STRLIST_INIT;
    jsonld ld;
    char *canonical = NULL, *og_url = NULL, *base = NULL, *image = NULL, *extra_date = NULL;
    char *content_lang = NULL, *locale = NULL;

    memset(&ld, 0, sizeof ld);
    jsonld_read(doc, &ld);
    for (xmlNodePtr n = root; n; n = next_in(n, root, 0)) {
        if (html5_is(n, "meta")) {
            char *name = attr(n, "name"), *property = attr(n, "property"),
                 *content = attr(n, "content"), *itemprop = attr(n, "itemprop");
            if (content && *content) {
                char *key = meta_key(property, NULL);
                if (!key && name)
                    key = meta_key(NULL, name);
                if (key) {
                    char *v = js_normalize(content, 0);
                    strmap_put(values, key, v);
                    strlist_take(&owned, v);
                    free(key);
                }
                /* beyond Reader View: the page's address, lead image and other dates */
                if (property && !strcasecmp(property, "og:url") && !og_url)
                    og_url = xstrdup(content);
                if (property && !strcasecmp(property, "og:locale") && !locale)
                    locale = xstrdup(content);
                if (!image && ((property && !strcasecmp(property, "og:image")) ||
                               (name && !strcasecmp(name, "twitter:image"))))
                    image = xstrdup(content);
                if (!extra_date &&
                    ((itemprop && !strcmp(itemprop, "datePublished")) ||
                     (name && (!strcasecmp(name, "date") || !strcasecmp(name, "dc.date") ||
                               !strcasecmp(name, "dc.date.issued") ||
                               !strcasecmp(name, "dcterms.created") ||
                               !strcasecmp(name, "sailthru.date") ||
                               !strcasecmp(name, "publish-date")))))
                    extra_date = xstrdup(content);
            }
            char *equiv = attr(n, "http-equiv");
            if (equiv && !strcasecmp(equiv, "content-language") && content && !content_lang)
                content_lang = xstrndup(content, strcspn(content, ","));
            free(equiv);
            free(name);
            free(property);
            free(content);
            free(itemprop);
        } else if (html5_is(n, "link") && !canonical) {
            char *rel = attr(n, "rel");
            if (rel && !strcasecmp(rel, "canonical"))
                canonical = attr(n, "href");
            free(rel);
        } else if (html5_is(n, "base") && !base) {
            base = attr(n, "href");
        }
    }
#define V(k) ((const char *)strmap_get(values, k))
    const char *title = ld.title && *ld.title ? ld.title : NULL;
    const char *keys_title[] = {"dc:title", "dcterm:title", "og:title", "weibo:article:title",
                                "weibo:webpage:title", "title", "twitter:title", "parsely-title",
                                NULL};
    for (int i = 0; !title && keys_title[i]; i++)
        if (V(keys_title[i]) && *V(keys_title[i]))
            title = V(keys_title[i]);
    m->title = title ? unescape_entities(title) : NULL;
    if (!m->title || !*m->title) {
        free(m->title);
        char *t = article_title(doc);
        m->title = unescape_entities(t);
        free(t);
    }
    const char *byline = ld.byline && *ld.byline ? ld.byline : NULL;
    const char *keys_by[] = {"dc:creator", "dcterm:creator", "author", "parsely-author", NULL};
    for (int i = 0; !byline && keys_by[i]; i++)
        if (V(keys_by[i]) && *V(keys_by[i]))
            byline = V(keys_by[i]);
    /* article:author, unless it is the address of a profile page */
    if (!byline && V("article:author") && *V("article:author")) {
        char sch[16];
        if (!url_ref_scheme(V("article:author"), sch, sizeof sch))
            byline = V("article:author");
    }
    if (byline) {
        m->byline = unescape_entities(byline);
        if (ld.byline && byline == ld.byline && ld.authors.len) {
            for (size_t i = 0; i < ld.authors.len; i++)
                strlist_take(&m->authors, unescape_entities(ld.authors.items[i]));
        } else {
            char *nm = readability_byline_name(m->byline);
            if (nm)
                strlist_take(&m->authors, nm);
        }
    }
    const char *excerpt = ld.excerpt && *ld.excerpt ? ld.excerpt : NULL;
    const char *keys_ex[] = {"dc:description", "dcterm:description", "og:description",
                             "weibo:article:description", "weibo:webpage:description",
                             "description", "twitter:description", NULL};
    for (int i = 0; !excerpt && keys_ex[i]; i++)
        if (V(keys_ex[i]) && *V(keys_ex[i]))
            excerpt = V(keys_ex[i]);
    if (excerpt)
        m->excerpt = unescape_entities(excerpt);
    const char *site = ld.site_name && *ld.site_name ? ld.site_name : V("og:site_name");
    if (site && *site)
        m->site_name = unescape_entities(site);
    const char *published = ld.published && *ld.published ? ld.published : NULL;
    if (!published && V("article:published_time") && *V("article:published_time"))
        published = V("article:published_time");
    if (!published && V("parsely-pub-date") && *V("parsely-pub-date"))
        published = V("parsely-pub-date");
    if (published)
        m->published = unescape_entities(published);
    m->date = date_day(m->published ? m->published : extra_date ? extra_date : "");
#undef V
    /* <html lang>, else what the page says of its language elsewhere */
    m->lang = attr(root, "lang");
    if (!m->lang || !*m->lang) {
        free(m->lang);
        m->lang = content_lang ? xstrdup(content_lang) : locale ? xstrdup(locale) : NULL;
    }
    char *dir = attr(root, "dir");
    if (dir && (!strcasecmp(dir, "rtl") || !strcasecmp(dir, "ltr")))
        m->dir = xstrdup(!strcasecmp(dir, "rtl") ? "rtl" : "ltr");
    free(dir);
    /* the page's address: given, else canonical, else og:url (absolute web addresses only) */
    const char *own = doc_url;
    char *abs_canonical = canonical ? url_web_resolve_ref(doc_url, canonical) : NULL;
    char *abs_og = og_url ? url_web_resolve_ref(doc_url, og_url) : NULL;
    if (!own && abs_canonical && url_is_web(abs_canonical))
        own = abs_canonical;
    if (!own && abs_og && url_is_web(abs_og))
        own = abs_og;
    m->url = own ? xstrdup(own) : NULL;
    if (base) {
        char *b = url_web_resolve_ref(m->url, base);
        if (b && url_is_web(b))
            m->base = b;
        else
            free(b);
    }
    if (image) {
        m->image = url_web_resolve_ref(m->base ? m->base : m->url, image);
        if (m->image && !url_is_web(m->image)) {
            free(m->image);
            m->image = NULL;
        }
    }
    free(abs_canonical);
    free(abs_og);
    free(canonical);
    free(og_url);
    free(base);
    free(image);
    free(extra_date);
    free(content_lang);
    free(locale);
    free(ld.title);
    free(ld.byline);
    free(ld.excerpt);
    free(ld.site_name);
    free(ld.published);
    strlist_clear(&ld.authors);
    strlist_clear(&owned);
    strmap_free(values);
}

/*** Preparing the page ***/

/* _isSingleImage: an img, or an element whose only content is one. */
static int single_image(xmlNodePtr n)
{
    while (n) {
        if (html5_is(n, "img"))
            return 1;
        xmlNodePtr only = NULL;
        int count = 0;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                only = c;
                count++;
            } else if (c->type == XML_TEXT_NODE) {
                char *t = js_normalize((const char *)c->content, 0);
                int empty = !*t;
                free(t);
                if (!empty)
                    return 0;
            }
        }
        if (count != 1)
            return 0;
        n = only;
    }
    return 0;
}

static int has_image_attr(xmlNodePtr img)
{
    for (xmlAttrPtr a = img->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        if (!strcmp(name, "src") || !strcmp(name, "srcset") || !strcmp(name, "data-src") ||
            !strcmp(name, "data-srcset"))
            return 1;
        xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
        int img_like = 0;
        if (v) {
            for (const char *p = (const char *)v; *p && !img_like; p++)
                if (*p == '.' && (!strncasecmp(p, ".jpg", 4) || !strncasecmp(p, ".jpeg", 5) ||
                                  !strncasecmp(p, ".png", 4) || !strncasecmp(p, ".webp", 5)))
                    img_like = 1;
            xmlFree(v);
        }
        if (img_like)
            return 1;
    }
    return 0;
}

static xmlNodePtr first_img(xmlNodePtr n)
{
    for (xmlNodePtr c = n; c; c = next_in(c, n, 0))
        if (html5_is(c, "img"))
            return c;
    return NULL;
}

/* _unwrapNoscriptImages: placeholder images go; an image in a <noscript> right after one
 * takes its place (keeping the placeholder's image-like attributes). */
static void noscript_images(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc), *imgs = NULL, *ns = NULL;
    size_t n = elements_named(root, "img", &imgs);
    for (size_t i = 0; i < n; i++)
        if (!has_image_attr(imgs[i]))
            node_remove(imgs[i]);
    free(imgs);
    n = elements_named(root, "noscript", &ns);
    for (size_t i = 0; i < n; i++) {
        xmlNodePtr noscript = ns[i];
        if (!single_image(noscript))
            continue;
        xmlNodePtr prev = noscript->prev;
        while (prev && prev->type != XML_ELEMENT_NODE)
            prev = prev->prev;
        if (!prev || !single_image(prev)) {
            /* no placeholder left before it (beyond Reader View, which loses such images):
             * the fallback image is the image */
            xmlNodePtr img = first_img(noscript);
            if (img) {
                xmlUnlinkNode(img);
                xmlAddPrevSibling(noscript, img); /* the noscript goes with the others */
            }
            continue;
        }
        xmlNodePtr prev_img = html5_is(prev, "img") ? prev : first_img(prev);
        xmlNodePtr new_img = first_img(noscript);
        if (!prev_img || !new_img)
            continue;
        for (xmlAttrPtr a = prev_img->properties; a; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            const char *name = (const char *)a->name;
            if (v && *v &&
                (!strcmp(name, "src") || !strcmp(name, "srcset") ||
                 strstr((const char *)v, ".jpg") || strstr((const char *)v, ".jpeg") ||
                 strstr((const char *)v, ".png") || strstr((const char *)v, ".webp"))) {
                char *cur = attr(new_img, name);
                if (!cur || strcmp(cur, (const char *)v) != 0) {
                    char *use = cur ? xasprintf("data-old-%s", name) : xstrdup(name);
                    xmlSetProp(new_img, (const xmlChar *)use, v);
                    free(use);
                }
                free(cur);
            }
            xmlFree(v);
        }
        /* the noscript's first element replaces the placeholder */
        xmlNodePtr content = noscript->children;
        while (content && content->type != XML_ELEMENT_NODE)
            content = content->next;
        if (content) {
            xmlUnlinkNode(content);
            xmlReplaceNode(prev, content);
            xmlFreeNode(prev);
        }
    }
    free(ns);
}

/* Remove every element named one of `names` under root. */
static void remove_all(xmlNodePtr root, const char *const *names)
{
    xmlNodePtr n = root->children, next;
    while (n) {
        int hit = 0;
        if (n->type == XML_ELEMENT_NODE)
            for (int i = 0; names[i] && !hit; i++)
                hit = html5_is(n, names[i]);
        if (hit) {
            next = next_in(n, root, 1);
            node_remove(n);
        } else {
            next = next_in(n, root, 0);
        }
        n = next;
    }
}

void readability_prepare(xmlDocPtr doc)
{
    static const char *const never[] = {"script", "noscript", "style", "template", NULL};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    noscript_images(doc);
    remove_all(root, never);
}

/*** Finding the article ***/

/* Per element, in xmlNode._private (allocated from the attempt's arena): its score, and text
 * measures kept up to date as the tree changes (F_STATS cleared on the element and every
 * ancestor when something under it moves, then measured again on demand). The measures are
 * what Readability asks of textContent and getElementsByTagName, again and again. */
typedef struct tstats {
    size_t chars;       /* UTF-16 units that are not \s */
    size_t runs;        /* runs of \s between such characters */
    size_t raw;         /* UTF-16 units of the text as it is */
    int lead, trail;    /* starts / ends with \s (when chars > 0) */
    int has_ws;         /* some \s (for empty texts) */
    size_t commas;      /* commas of any script */
    size_t ascii_commas;
    double link;        /* normalised text length in links (in-page links count 0.3) */
    size_t list;        /* ... in ul/ol */
    size_t headings;    /* ... in h1-h6 */
    size_t textish;     /* ... in span, li, td and block elements */
    size_t p, img, li, input, br, hr, embeds, blocks, tables_data;
    int video;          /* an object/embed/iframe with a video player's address */
} tstats;

typedef struct rinfo {
    double score;
    int scored;         /* Readability's node.readability exists */
    int tag;            /* GumboTag, GUMBO_TAG_UNKNOWN for foreign elements */
    int data_table;     /* 0 unknown/no, 1 yes */
    int valid;
    tstats st;
} rinfo;

typedef struct grab {
    xmlDocPtr doc;
    arena *ar;
    int flags;
    const char *title;
    int byline_known;
    readability_result *r;
} grab;

static int tag_of(const xmlNode *n)
{
    if (n->type != XML_ELEMENT_NODE || n->ns)
        return GUMBO_TAG_UNKNOWN;
    return gumbo_tag_enum((const char *)n->name);
}

static rinfo *info(grab *g, xmlNodePtr n)
{
    if (!n->_private) {
        rinfo *ri = arena_alloc(g->ar, sizeof *ri);
        memset(ri, 0, sizeof *ri);
        ri->tag = tag_of(n);
        n->_private = ri;
    }
    return n->_private;
}

static int tag(grab *g, xmlNodePtr n)
{
    return n && n->type == XML_ELEMENT_NODE ? info(g, n)->tag : -1;
}

/* Something under n changed: its measures, and its ancestors', are stale. */
static void invalidate(grab *g, xmlNodePtr n)
{
    for (; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        rinfo *ri = info(g, n);
        if (!ri->valid)
            break; /* its ancestors are stale already */
        ri->valid = 0;
    }
}

static void text_measure(const char *s, tstats *t)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    int in_ws = 0;
    memset(t, 0, sizeof *t);
    while (*p) {
        uint32_t c = cp_at(p, &n);
        t->raw += 1 + (n == 4);
        if (js_space(c)) {
            t->has_ws = 1;
            if (!t->chars)
                t->lead = 1;
            in_ws = 1;
        } else {
            if (in_ws && t->chars)
                t->runs++;
            in_ws = 0;
            t->chars += 1 + (n == 4);
            t->commas += js_comma(c);
            t->ascii_commas += c == ',';
        }
        p += n;
    }
    t->trail = in_ws;
}

/* a then b, as one text */
static void text_join(tstats *a, const tstats *b)
{
    if (!b->chars) {
        if (b->has_ws) {
            a->has_ws = 1;
            if (a->chars)
                a->trail = 1;
            else
                a->lead = 1;
        }
    } else if (!a->chars) {
        int lead = a->has_ws || b->lead;
        a->chars = b->chars;
        a->runs = b->runs;
        a->lead = lead;
        a->trail = b->trail;
        a->has_ws |= b->has_ws;
    } else {
        a->runs += b->runs + (a->trail || b->lead);
        a->chars += b->chars;
        a->trail = b->trail;
        a->has_ws |= b->has_ws;
    }
    a->raw += b->raw;
    a->commas += b->commas;
    a->ascii_commas += b->ascii_commas;
    a->link += b->link;
    a->list += b->list;
    a->headings += b->headings;
    a->textish += b->textish;
    a->p += b->p;
    a->img += b->img;
    a->li += b->li;
    a->input += b->input;
    a->br += b->br;
    a->hr += b->hr;
    a->embeds += b->embeds;
    a->blocks += b->blocks;
    a->tables_data += b->tables_data;
    a->video |= b->video;
}

/* _getInnerText(e).length: trimmed, runs of \s counted once. */
static size_t st_len(const tstats *t)
{
    return t->chars ? t->chars + t->runs : 0;
}

static int url_has_video(const char *v)
{
    static const char *const hosts[] = {"dailymotion.com", "youtube.com", "youtube-nocookie.com",
                                        "player.vimeo.com", "v.qq.com", "archive.org",
                                        "upload.wikimedia.org", "player.twitch.tv", NULL};
    for (const char *p = strstr(v, "//"); p; p = strstr(p + 2, "//")) {
        const char *h = p + 2;
        if (strncasecmp(h, "www.", 4) == 0)
            h += 4;
        for (int i = 0; hosts[i]; i++) {
            size_t n = strlen(hosts[i]);
            if (strncasecmp(h, hosts[i], n) == 0)
                return 1;
        }
    }
    return 0;
}

/* Any attribute of n (or, for an object, of anything in it) with a video player's address. */
static int embed_video(xmlNodePtr n)
{
    xmlNodePtr c = n;
    while (c) {
        if (c->type == XML_ELEMENT_NODE)
            for (xmlAttrPtr a = c->properties; a; a = a->next) {
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                int hit = v && url_has_video((const char *)v);
                xmlFree(v);
                if (hit)
                    return 1;
            }
        if (!html5_is(n, "object"))
            break;
        c = next_in(c, n, 0);
    }
    return 0;
}

static const tstats *stats(grab *g, xmlNodePtr n);

/* What a child contributes to its parent's measures. */
static void child_stats(grab *g, xmlNodePtr c, tstats *out)
{
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        text_measure((const char *)c->content, out);
        return;
    }
    if (c->type != XML_ELEMENT_NODE) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = *stats(g, c);
    size_t len = st_len(out);
    switch (tag(g, c)) {
    case GUMBO_TAG_A: {
        char *href = attr(c, "href");
        double coef = href && href[0] == '#' && href[1] ? 0.3 : 1;
        out->link += (double)len * coef;
        free(href);
        break;
    }
    case GUMBO_TAG_UL: case GUMBO_TAG_OL:
        out->list += len;
        out->textish += len;
        out->blocks += tag(g, c) == GUMBO_TAG_OL || tag(g, c) == GUMBO_TAG_UL;
        break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        out->headings += len;
        break;
    case GUMBO_TAG_P:
        out->p++;
        out->textish += len;
        out->blocks++;
        break;
    case GUMBO_TAG_IMG:
        out->img++;
        out->blocks++;
        break;
    case GUMBO_TAG_LI:
        out->li++;
        out->textish += len;
        break;
    case GUMBO_TAG_SPAN: case GUMBO_TAG_TD:
        out->textish += len;
        break;
    case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_DL: case GUMBO_TAG_DIV: case GUMBO_TAG_PRE:
        out->textish += len;
        out->blocks++;
        break;
    case GUMBO_TAG_TABLE:
        out->textish += len;
        out->blocks++;
        out->tables_data += info(g, c)->data_table;
        break;
    case GUMBO_TAG_INPUT:
        out->input++;
        break;
    case GUMBO_TAG_BR:
        out->br++;
        break;
    case GUMBO_TAG_HR:
        out->hr++;
        break;
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_IFRAME:
        out->embeds++;
        out->video |= embed_video(c);
        break;
    default:
        break;
    }
}

static const tstats *stats(grab *g, xmlNodePtr n)
{
    rinfo *ri = info(g, n);
    if (ri->valid)
        return &ri->st;
    tstats acc, one;
    memset(&acc, 0, sizeof acc);
    for (xmlNodePtr c = n->children; c; c = c->next) {
        child_stats(g, c, &one);
        text_join(&acc, &one);
    }
    ri->st = acc;
    ri->valid = 1;
    return &ri->st;
}

static size_t inner_len(grab *g, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE) {
        tstats t;
        text_measure((const char *)n->content, &t);
        return st_len(&t);
    }
    return st_len(stats(g, n));
}

static double link_density(grab *g, xmlNodePtr n)
{
    const tstats *t = stats(g, n);
    size_t len = st_len(t);
    return len ? t->link / (double)len : 0;
}

/*** the tree, changed as the DOM is ***/

static void dom_unlink(grab *g, xmlNodePtr n)
{
    invalidate(g, n->parent);
    xmlUnlinkNode(n);
}

static void dom_remove(grab *g, xmlNodePtr n)
{
    dom_unlink(g, n);
    xmlFreeNode(n);
}

/* Append child (moved from wherever it is) to parent, never merging text nodes. */
static void dom_append(grab *g, xmlNodePtr parent, xmlNodePtr child)
{
    if (child->parent)
        dom_unlink(g, child);
    child->parent = parent;
    child->prev = parent->last;
    child->next = NULL;
    if (parent->last)
        parent->last->next = child;
    else
        parent->children = child;
    parent->last = child;
    invalidate(g, parent);
}

/* Put `repl` (unattached) where `old` is; old is unlinked, not freed. */
static void dom_replace(grab *g, xmlNodePtr old, xmlNodePtr repl)
{
    if (repl->parent)
        dom_unlink(g, repl);
    invalidate(g, old->parent);
    repl->parent = old->parent;
    repl->prev = old->prev;
    repl->next = old->next;
    if (old->prev)
        old->prev->next = repl;
    else if (old->parent)
        old->parent->children = repl;
    if (old->next)
        old->next->prev = repl;
    else if (old->parent)
        old->parent->last = repl;
    old->parent = old->prev = old->next = NULL;
}

static xmlNodePtr element_new(grab *g, const char *name)
{
    xmlNodePtr n = xmlNewDocNode(g->doc, NULL, (const xmlChar *)name, NULL);
    if (!n)
        oom_abort();
    info(g, n);
    return n;
}

/* _setNodeTag, in place (as on JSDOMParser). */
static void set_tag(grab *g, xmlNodePtr n, const char *name)
{
    xmlNodeSetName(n, (const xmlChar *)name);
    info(g, n)->tag = tag_of(n);
    invalidate(g, n->parent);
    info(g, n)->valid = 0;
}

/* The first element child, the next element sibling, the number of element children. */
static xmlNodePtr first_el(xmlNodePtr n)
{
    xmlNodePtr c = n->children;
    while (c && c->type != XML_ELEMENT_NODE)
        c = c->next;
    return c;
}

static xmlNodePtr next_el(xmlNodePtr n)
{
    n = n->next;
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}


static size_t child_els(xmlNodePtr n)
{
    size_t k = 0;
    for (xmlNodePtr c = first_el(n); c; c = next_el(c))
        k++;
    return k;
}

/* _getNextNode: depth first over elements, within the whole tree. */
static xmlNodePtr next_node(xmlNodePtr n, int skip_kids)
{
    xmlNodePtr c;
    if (!skip_kids && (c = first_el(n)))
        return c;
    if ((c = next_el(n)))
        return c;
    do {
        n = n->parent;
    } while (n && n->type == XML_ELEMENT_NODE && !next_el(n));
    return n && n->type == XML_ELEMENT_NODE ? next_el(n) : NULL;
}

static xmlNodePtr remove_and_next(grab *g, xmlNodePtr n)
{
    xmlNodePtr next = next_node(n, 1);
    dom_remove(g, n);
    return next;
}

/*** Readability's tests ***/

/* Case-insensitive search for any of the words `alts` (lowercase) in s: a regular expression
 * of alternatives, as Readability's are. */
static int matches_any(const char *s, const char *const *alts)
{
    char buf[256], *low = buf;
    size_t n = strlen(s);
    int hit = 0;
    if (n >= sizeof buf)
        low = xmalloc(n + 1);
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    for (int i = 0; alts[i] && !hit; i++)
        hit = strstr(low, alts[i]) != NULL;
    if (low != buf)
        free(low);
    return hit;
}

static const char *const re_unlikely[] = {
    "-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap",
    "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
    "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
    "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote", NULL};
static const char *const re_maybe[] = {"and", "article", "body", "column", "content", "main", "mathjax",
                                       "shadow", NULL};
static const char *const re_positive[] = {"article", "body", "content", "entry", "hentry",
                                          "h-entry", "main", "page", "pagination", "post",
                                          "text", "blog", "story", NULL};
static const char *const re_negative[] = {
    "-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "foot", "gdpr",
    "masthead", "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox",
    "sidebar", "skyscraper", "sponsor", "shopping", "tags", "widget", NULL};
static const char *const re_byline[] = {"byline", "author", "dateline", "writtenby",
                                        "p-author", NULL};

/* negative also has ^hid$| hid$| hid |^hid */
static int negative(const char *s)
{
    if (matches_any(s, re_negative))
        return 1;
    size_t n = strlen(s);
    for (size_t i = 0; i + 3 <= n; i++)
        if (strncasecmp(s + i, "hid", 3) == 0 && (i == 0 || s[i - 1] == ' ') &&
            (i + 3 == n || s[i + 3] == ' '))
            return 1;
    return 0;
}

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* (\b|_)(share|sharedaddy)(\b|_) */
static int share_match(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + 5 <= n; i++) {
        if (strncasecmp(s + i, "share", 5) != 0)
            continue;
        /* \b before: the previous character is not a word character (or is '_', matched by
         * the group's underscore) */
        int before = i == 0 || !word_char(s[i - 1]) || s[i - 1] == '_';
        for (size_t len = 5; len <= 10; len += 5) {
            if (len == 10 && strncasecmp(s + i, "sharedaddy", 10) != 0)
                continue;
            size_t e = i + len;
            int after = e >= n || !word_char(s[e]) || s[e] == '_';
            if (before && after)
                return 1;
        }
    }
    return 0;
}

static char *match_string(xmlNodePtr n)
{
    char *cls = attr(n, "class"), *id = attr(n, "id");
    char *s = xasprintf("%s %s", cls ? cls : "", id ? id : "");
    free(cls);
    free(id);
    return s;
}

/* _getClassWeight */
static int class_weight(grab *g, xmlNodePtr n)
{
    if (!(g->flags & READABILITY_WEIGHT_CLASSES))
        return 0;
    int w = 0;
    char *cls = attr(n, "class"), *id = attr(n, "id");
    if (cls && *cls) {
        if (negative(cls))
            w -= 25;
        if (matches_any(cls, re_positive))
            w += 25;
    }
    if (id && *id) {
        if (negative(id))
            w -= 25;
        if (matches_any(id, re_positive))
            w += 25;
    }
    free(cls);
    free(id);
    return w;
}

static void init_node(grab *g, xmlNodePtr n)
{
    rinfo *ri = info(g, n);
    ri->scored = 1;
    ri->score = 0;
    switch (ri->tag) {
    case GUMBO_TAG_DIV:
        ri->score += 5;
        break;
    case GUMBO_TAG_PRE: case GUMBO_TAG_TD: case GUMBO_TAG_BLOCKQUOTE:
        ri->score += 3;
        break;
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_OL: case GUMBO_TAG_UL: case GUMBO_TAG_DL:
    case GUMBO_TAG_DD: case GUMBO_TAG_DT: case GUMBO_TAG_LI: case GUMBO_TAG_FORM:
        ri->score -= 3;
        break;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_TH:
        ri->score -= 5;
        break;
    default:
        break;
    }
    ri->score += class_weight(g, n);
}

/* The CSS value of `prop` in a style attribute (last declaration wins), lowercased. */
static char *style_value(const char *style, const char *prop)
{
    char *out = NULL;
    size_t plen = strlen(prop);
    const char *p = style;
    while (p && *p) {
        const char *end = strchr(p, ';');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', dlen);
        if (colon) {
            const char *k = p, *ke = colon;
            while (k < ke && (*k == ' ' || *k == '\t' || *k == '\n'))
                k++;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t' || ke[-1] == '\n'))
                ke--;
            if ((size_t)(ke - k) == plen && strncasecmp(k, prop, plen) == 0) {
                char *v = xstrndup(colon + 1, (size_t)(p + dlen - colon - 1));
                char *bang = strchr(v, '!');
                if (bang)
                    *bang = '\0';
                str_trim(v);
                for (char *c = v; *c; c++)
                    if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c + 32);
                free(out);
                out = v;
            }
        }
        p = end ? end + 1 : NULL;
    }
    return out;
}

/* _isProbablyVisible */
static int visible(xmlNodePtr n)
{
    int vis = 1;
    char *style = attr(n, "style");
    if (style) {
        char *d = style_value(style, "display"), *v = style_value(style, "visibility");
        if ((d && !strcmp(d, "none")) || (v && !strcmp(v, "hidden")))
            vis = 0;
        free(d);
        free(v);
        free(style);
    }
    if (vis && xmlHasProp(n, (const xmlChar *)"hidden"))
        vis = 0;
    if (vis) {
        char *ah = attr(n, "aria-hidden");
        if (ah && !strcmp(ah, "true")) {
            char *cls = attr(n, "class");
            if (!cls || !strstr(cls, "fallback-image"))
                vis = 0;
            free(cls);
        }
        free(ah);
    }
    return vis;
}

static int is_phrasing_tag(int t)
{
    switch (t) {
    case GUMBO_TAG_ABBR: case GUMBO_TAG_AUDIO: case GUMBO_TAG_B: case GUMBO_TAG_BDO:
    case GUMBO_TAG_BR: case GUMBO_TAG_BUTTON: case GUMBO_TAG_CITE: case GUMBO_TAG_CODE:
    case GUMBO_TAG_DATA: case GUMBO_TAG_DATALIST: case GUMBO_TAG_DFN: case GUMBO_TAG_EM:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_I: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_KBD: case GUMBO_TAG_LABEL: case GUMBO_TAG_MARK: case GUMBO_TAG_MATH:
    case GUMBO_TAG_METER: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_OBJECT: case GUMBO_TAG_OUTPUT:
    case GUMBO_TAG_PROGRESS: case GUMBO_TAG_Q: case GUMBO_TAG_RUBY: case GUMBO_TAG_SAMP:
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_SELECT: case GUMBO_TAG_SMALL: case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG: case GUMBO_TAG_SUB: case GUMBO_TAG_SUP: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_TIME: case GUMBO_TAG_VAR: case GUMBO_TAG_WBR:
        return 1;
    default:
        return 0;
    }
}

/* _isPhrasingContent */
static int phrasing(grab *g, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        return 1;
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    int t = tag(g, n);
    if (n->ns && strcmp((const char *)n->name, "math") == 0)
        return 1;
    if (is_phrasing_tag(t))
        return 1;
    if (t == GUMBO_TAG_A || t == GUMBO_TAG_DEL || t == GUMBO_TAG_INS) {
        for (xmlNodePtr c = n->children; c; c = c->next)
            if (!phrasing(g, c))
                return 0;
        return 1;
    }
    return 0;
}

static int text_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    for (; *p; p += n)
        if (!js_space(cp_at(p, &n)))
            return 0;
    return 1;
}

/* _isWhitespace */
static int whitespace(grab *g, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE)
        return text_blank((const char *)n->content);
    return tag(g, n) == GUMBO_TAG_BR;
}

/* _hasSingleTagInsideElement */
static int single_tag_inside(grab *g, xmlNodePtr e, int t)
{
    xmlNodePtr c = first_el(e);
    if (!c || next_el(c) || tag(g, c) != t)
        return 0;
    for (xmlNodePtr k = e->children; k; k = k->next)
        if (k->type == XML_TEXT_NODE) {
            /* /\S$/: the text ends with something else than \s */
            const unsigned char *s = (const unsigned char *)k->content, *last = NULL;
            size_t n;
            for (; *s; s += n) {
                cp_at(s, &n);
                last = s;
            }
            if (last && !js_space(cp_at(last, &n)))
                return 0;
        }
    return 1;
}

/* _isElementWithoutContent */
static int without_content(grab *g, xmlNodePtr n)
{
    const tstats *t = stats(g, n);
    size_t kids = child_els(n);
    return !t->chars && (!kids || kids == t->br + t->hr);
}

/* _hasAncestorTag: within maxDepth levels (0: 3, <0: any) whose element passes `data`. */
static int has_ancestor(grab *g, xmlNodePtr n, int t, int max_depth, int data_only)
{
    if (max_depth == 0)
        max_depth = 3;
    int depth = 0;
    while (n->parent && n->parent->type == XML_ELEMENT_NODE) {
        if (max_depth > 0 && depth > max_depth)
            return 0;
        if (tag(g, n->parent) == t && (!data_only || info(g, n->parent)->data_table))
            return 1;
        n = n->parent;
        depth++;
    }
    return 0;
}

/* _checkByline */
static int check_byline(grab *g, xmlNodePtr n, const char *match)
{
    if (g->byline_known || g->r->byline)
        return 0;
    char *rel = attr(n, "rel"), *itemprop = attr(n, "itemprop");
    int candidate = (rel && !strcmp(rel, "author")) || (itemprop && strstr(itemprop, "author")) ||
                    matches_any(match, re_byline);
    free(rel);
    free(itemprop);
    if (!candidate)
        return 0;
    char *t = text_content(n), *trimmed = js_normalize(t, 0);
    free(t);
    size_t len = js_length(trimmed);
    if (len > 0 && len < 100) {
        /* a child with itemprop="name" holds the name alone (without a date or "share") */
        xmlNodePtr end = next_node(n, 1);
        for (xmlNodePtr c = next_node(n, 0); c && c != end; c = next_node(c, 0)) {
            char *ip = attr(c, "itemprop");
            int name = ip && strstr(ip, "name");
            free(ip);
            if (name) {
                char *ct = text_content(c);
                free(trimmed);
                trimmed = js_normalize(ct, 0);
                free(ct);
                break;
            }
        }
        g->r->byline = trimmed;
        return 1;
    }
    free(trimmed);
    return 0;
}

static int header_duplicates_title(grab *g, xmlNodePtr n)
{
    int t = tag(g, n);
    if ((t != GUMBO_TAG_H1 && t != GUMBO_TAG_H2) || !g->title)
        return 0;
    char *text = text_content(n), *heading = js_normalize(text, 0);
    double sim = text_similarity(g->title, heading);
    free(text);
    free(heading);
    return sim > 0.75;
}

static int unlikely_role(xmlNodePtr n)
{
    static const char *const roles[] = {"menu", "menubar", "complementary", "navigation",
                                        "alert", "alertdialog", "dialog", NULL};
    char *role = attr(n, "role");
    int hit = 0;
    for (int i = 0; role && roles[i] && !hit; i++)
        hit = strcmp(role, roles[i]) == 0;
    free(role);
    return hit;
}

static int is_score_tag(int t)
{
    return t == GUMBO_TAG_SECTION || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 ||
           t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6 || t == GUMBO_TAG_P ||
           t == GUMBO_TAG_TD || t == GUMBO_TAG_PRE;
}

typedef struct nodelist {
    xmlNodePtr *items;
    size_t len, cap;
} nodelist;

static void nodelist_add(nodelist *l, xmlNodePtr n)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len++] = n;
}

/* Elements under root with tag t (any of ts when t < 0), in document order. */
static void collect(grab *g, xmlNodePtr root, const int *ts, nodelist *out)
{
    out->len = 0;
    for (xmlNodePtr n = first_el(root); n && n != root;) {
        int t = tag(g, n);
        for (int i = 0; ts[i] >= 0; i++)
            if (t == ts[i]) {
                nodelist_add(out, n);
                break;
            }
        xmlNodePtr c = first_el(n);
        if (c) {
            n = c;
            continue;
        }
        while (n && n != root && !next_el(n))
            n = n->parent;
        n = n && n != root ? next_el(n) : NULL;
    }
}


/*** the grab loop: prepare the tree and score paragraphs ***/

/* Wrap runs of phrasing content directly in a div in paragraphs (a div of inline text is a
 * paragraph in all but name). */
static void div_wrap_phrasing(grab *g, xmlNodePtr div)
{
    xmlNodePtr p = NULL, next;
    for (xmlNodePtr c = div->children; c; c = next) {
        next = c->next;
        if (phrasing(g, c)) {
            if (p) {
                dom_append(g, p, c);
            } else if (!whitespace(g, c)) {
                p = element_new(g, "p");
                dom_replace(g, c, p);
                dom_append(g, p, c);
            }
        } else if (p) {
            while (p->last && whitespace(g, p->last))
                dom_remove(g, p->last);
            p = NULL;
        }
    }
}

/* _replaceBrs: two or more <br> in a row end a paragraph. */
static void replace_brs(grab *g, xmlNodePtr body)
{
    static const int brs[] = {GUMBO_TAG_BR, -1};
    nodelist l = {0}, gone = {0};
    collect(g, body, brs, &l);
    for (size_t i = 0; i < l.len; i++) {
        xmlNodePtr br = l.items[i];
        if (!br || !br->parent)
            continue;
        xmlNodePtr next = br->next;
        int replaced = 0;
        size_t j = i + 1; /* the chain's <br>s are the next items of the list */
        /* skip whitespace text, remove the <br>s of the chain after the first */
        for (;;) {
            while (next && next->type != XML_ELEMENT_NODE && text_blank((const char *)next->content))
                next = next->next;
            if (!next || tag(g, next) != GUMBO_TAG_BR)
                break;
            replaced = 1;
            xmlNodePtr sib = next->next;
            if (j < l.len && l.items[j] == next)
                l.items[j++] = NULL;
            dom_remove(g, next);
            next = sib;
        }
        if (!replaced)
            continue;
        xmlNodePtr p = element_new(g, "p");
        dom_replace(g, br, p);
        xmlFreeNode(br);
        l.items[i] = NULL;
        next = p->next;
        while (next) {
            if (tag(g, next) == GUMBO_TAG_BR) {
                xmlNodePtr after = next->next;
                while (after && after->type != XML_ELEMENT_NODE &&
                       text_blank((const char *)after->content))
                    after = after->next;
                if (after && tag(g, after) == GUMBO_TAG_BR)
                    break;
            }
            if (!phrasing(g, next))
                break;
            xmlNodePtr sib = next->next;
            dom_append(g, p, next);
            next = sib;
        }
        /* trailing whitespace and <br>s go; a <br> may be a later item of the list: it is
         * kept, detached, until the end (Reader View's list holds it too) */
        while (p->last && whitespace(g, p->last)) {
            xmlNodePtr w = p->last;
            dom_unlink(g, w);
            nodelist_add(&gone, w);
        }
        if (p->parent && tag(g, p->parent) == GUMBO_TAG_P)
            set_tag(g, p->parent, "div");
    }
    for (size_t i = 0; i < gone.len; i++)
        xmlFreeNode(gone.items[i]);
    free(gone.items);
    free(l.items);
}

static void fonts_to_spans(grab *g, xmlNodePtr root)
{
    static const int fonts[] = {GUMBO_TAG_FONT, -1};
    nodelist l = {0};
    collect(g, root, fonts, &l);
    for (size_t i = 0; i < l.len; i++)
        set_tag(g, l.items[i], "span");
    free(l.items);
}

/*** cleaning the article ***/

static void mark_data_tables(grab *g, xmlNodePtr root)
{
    static const int tables[] = {GUMBO_TAG_TABLE, -1};
    nodelist l = {0};
    collect(g, root, tables, &l);
    for (size_t i = 0; i < l.len; i++) {
        xmlNodePtr t = l.items[i];
        rinfo *ri = info(g, t);
        char *role = attr(t, "role"), *datatable = attr(t, "datatable"), *summary = attr(t, "summary");
        int data = -1;
        if (role && !strcmp(role, "presentation"))
            data = 0;
        else if (datatable && !strcmp(datatable, "0"))
            data = 0;
        else if (summary && *summary)
            data = 1;
        free(role);
        free(datatable);
        free(summary);
        if (data < 0) {
            static const int caption[] = {GUMBO_TAG_CAPTION, -1};
            static const int datatags[] = {GUMBO_TAG_COL, GUMBO_TAG_COLGROUP, GUMBO_TAG_TFOOT,
                                           GUMBO_TAG_THEAD, GUMBO_TAG_TH, -1};
            static const int nested[] = {GUMBO_TAG_TABLE, -1};
            nodelist k = {0};
            collect(g, t, caption, &k);
            if (k.len && k.items[0]->children)
                data = 1;
            if (data < 0) {
                collect(g, t, datatags, &k);
                if (k.len)
                    data = 1;
            }
            if (data < 0) {
                collect(g, t, nested, &k);
                if (k.len)
                    data = 0;
            }
            if (data < 0) {
                static const int trs[] = {GUMBO_TAG_TR, -1}, tds[] = {GUMBO_TAG_TD, -1};
                size_t rows = 0, cols = 0;
                collect(g, t, trs, &k);
                nodelist cells = {0};
                for (size_t r = 0; r < k.len; r++) {
                    char *rs = attr(k.items[r], "rowspan");
                    long v = rs ? strtol(rs, NULL, 10) : 0;
                    rows += v > 0 ? (size_t)v : 1;
                    free(rs);
                    size_t c = 0;
                    collect(g, k.items[r], tds, &cells);
                    for (size_t j = 0; j < cells.len; j++) {
                        char *cs = attr(cells.items[j], "colspan");
                        long cv = cs ? strtol(cs, NULL, 10) : 0;
                        c += cv > 0 ? (size_t)cv : 1;
                        free(cs);
                    }
                    if (c > cols)
                        cols = c;
                }
                free(cells.items);
                if (cols == 1 || rows == 1)
                    data = 0;
                else if (rows >= 10 || cols > 4)
                    data = 1;
                else
                    data = rows * cols > 10;
            }
            free(k.items);
        }
        ri->data_table = data > 0;
        if (ri->data_table)
            invalidate(g, t->parent);
    }
    free(l.items);
}

/* _fixLazyImages, the part that changes the tree: a figure that names an image in an attribute
 * but holds none gets one (the converter picks the best source of every image). */
static void fix_lazy_figures(grab *g, xmlNodePtr root)
{
    static const int figs[] = {GUMBO_TAG_FIGURE, -1}, imgs[] = {GUMBO_TAG_IMG, -1};
    nodelist l = {0}, k = {0};
    collect(g, root, figs, &l);
    for (size_t i = 0; i < l.len; i++) {
        xmlNodePtr f = l.items[i];
        collect(g, f, imgs, &k);
        if (k.len)
            continue;
        int picture = 0; /* gumbo has no tag number for <picture> */
        for (xmlNodePtr n = f->children; n && !picture; n = next_in(n, f, 0))
            picture = html5_is(n, "picture");
        if (picture)
            continue;
        for (xmlAttrPtr a = f->properties; a; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            const char *s = v ? (const char *)v : "";
            const char *ext = NULL;
            static const char *const exts[] = {".jpg", ".jpeg", ".png", ".webp", NULL};
            for (int e = 0; exts[e] && !ext; e++)
                ext = strstr(s, exts[e]);
            if (ext && strcmp((const char *)a->name, "src") && strcmp((const char *)a->name, "alt")) {
                const char *after = ext + strcspn(ext, " \t\n");
                int set = *after && after[1] >= '0' && after[1] <= '9';
                xmlNodePtr img = element_new(g, "img");
                xmlSetProp(img, (const xmlChar *)(set ? "srcset" : "src"), v);
                dom_append(g, f, img);
                xmlFree(v);
                break;
            }
            xmlFree(v);
        }
    }
    free(l.items);
    free(k.items);
}

/* _clean: every `t` under root goes, except embedded video players. */
static void clean_tag(grab *g, xmlNodePtr root, int t)
{
    int ts[] = {t, -1};
    nodelist l = {0};
    collect(g, root, ts, &l);
    int embed = t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_EMBED || t == GUMBO_TAG_IFRAME;
    for (size_t i = l.len; i-- > 0;) {
        xmlNodePtr n = l.items[i];
        if (!n->parent)
            continue;
        if (embed && embed_video(n))
            continue;
        dom_remove(g, n);
    }
    free(l.items);
}

/* Reader View's adWords and loadingWords: a block that says only "Advertisement" or
 * "Loading...". */
static int ad_or_loading(grab *g, xmlNodePtr n)
{
    static const char *const ads[] = {"ad", "advertising", "advertisement", "pub", "publicité",
                                      "werb", "werbung", "广告", "Реклама", "реклама", "РЕКЛАМА",
                                      "anuncio", NULL};
    static const char *const loading[] = {"loading", "正在加载", "Загрузка", "загрузка",
                                          "ЗАГРУЗКА", "chargement", "cargando", NULL};
    (void)g;
    char *t = text_content(n), *s = js_normalize(t, 1);
    free(t);
    int hit = 0;
    for (int i = 0; ads[i] && !hit; i++)
        hit = strcasecmp(s, ads[i]) == 0;
    size_t len = strlen(s);
    if (len >= 3 && (!strcmp(s + len - 3, "...") || !strcmp(s + len - 3, "\xE2\x80\xA6")))
        s[len - 3] = '\0';
    for (int i = 0; loading[i] && !hit; i++)
        hit = strcasecmp(s, loading[i]) == 0;
    free(s);
    return hit;
}

/* _cleanConditionally */
static int clean_conditionally_one(grab *g, xmlNodePtr node, int t)
{
    const tstats *st = stats(g, node);
    size_t len = st_len(st);
    int is_list = t == GUMBO_TAG_UL || t == GUMBO_TAG_OL;
    if (!is_list)
        is_list = len && (double)st->list / (double)len > 0.9;
    if (t == GUMBO_TAG_TABLE && info(g, node)->data_table)
        return 0;
    if (has_ancestor(g, node, GUMBO_TAG_TABLE, -1, 1))
        return 0;
    if (has_ancestor(g, node, GUMBO_TAG_CODE, 0, 0))
        return 0;
    if (st->tables_data)
        return 0;
    int weight = class_weight(g, node);
    if (weight < 0)
        return 1;
    if (st->ascii_commas >= 10)
        return 0;
    size_t p = st->p, img = st->img, input = st->input;
    long li = (long)st->li - 100;
    double heading_density = len ? (double)st->headings / (double)len : 0;
    if (st->video)
        return 0;
    if (ad_or_loading(g, node))
        return 1;
    double ld = link_density(g, node);
    int figure_child = has_ancestor(g, node, GUMBO_TAG_FIGURE, 0, 0);
    int remove = 0;
    if (!figure_child && img > 1 && (double)p / (double)img < 0.5)
        remove = 1;
    if (!is_list && li > (long)p)
        remove = 1;
    if (input > p / 3)
        remove = 1;
    if (!is_list && !figure_child && heading_density < 0.9 && len < 25 && (img == 0 || img > 2) &&
        ld > 0)
        remove = 1;
    if (!is_list && weight < 25 && ld > 0.2)
        remove = 1;
    if (weight >= 25 && ld > 0.5)
        remove = 1;
    if ((st->embeds == 1 && len < 75) || st->embeds > 1)
        remove = 1;
    if (img == 0 && st->textish == 0)
        remove = 1;
    if (is_list && remove) {
        for (xmlNodePtr c = first_el(node); c; c = next_el(c))
            if (child_els(c) > 1)
                return 1;
        if (img == st->li)
            return 0;
    }
    return remove;
}

static void clean_conditionally(grab *g, xmlNodePtr root, int t)
{
    if (!(g->flags & READABILITY_CLEAN_CONDITIONALLY))
        return;
    int ts[] = {t, -1};
    nodelist l = {0};
    collect(g, root, ts, &l);
    for (size_t i = l.len; i-- > 0;) {
        xmlNodePtr n = l.items[i];
        if (!n->parent)
            continue;
        if (clean_conditionally_one(g, n, t))
            dom_remove(g, n);
    }
    free(l.items);
}

/* _cleanMatchedNodes for share widgets under e. */
static void clean_share(grab *g, xmlNodePtr e)
{
    xmlNodePtr end = next_node(e, 1), n = next_node(e, 0);
    while (n && n != end) {
        char *m = match_string(n);
        int hit = share_match(m) && stats(g, n)->raw < READABILITY_CHAR_THRESHOLD;
        free(m);
        n = hit ? remove_and_next(g, n) : next_node(n, 0);
    }
}

static void prep_article(grab *g, xmlNodePtr art)
{
    mark_data_tables(g, art);
    fix_lazy_figures(g, art);
    clean_conditionally(g, art, GUMBO_TAG_FORM);
    clean_conditionally(g, art, GUMBO_TAG_FIELDSET);
    clean_tag(g, art, GUMBO_TAG_OBJECT);
    clean_tag(g, art, GUMBO_TAG_EMBED);
    clean_tag(g, art, GUMBO_TAG_FOOTER);
    clean_tag(g, art, GUMBO_TAG_LINK);
    clean_tag(g, art, GUMBO_TAG_ASIDE);
    for (xmlNodePtr c = first_el(art); c; c = next_el(c))
        clean_share(g, c);
    clean_tag(g, art, GUMBO_TAG_IFRAME);
    clean_tag(g, art, GUMBO_TAG_INPUT);
    clean_tag(g, art, GUMBO_TAG_TEXTAREA);
    clean_tag(g, art, GUMBO_TAG_SELECT);
    clean_tag(g, art, GUMBO_TAG_BUTTON);
    {
        static const int hs[] = {GUMBO_TAG_H1, GUMBO_TAG_H2, -1};
        nodelist l = {0};
        collect(g, art, hs, &l);
        for (size_t i = l.len; i-- > 0;)
            if (l.items[i]->parent && class_weight(g, l.items[i]) < 0)
                dom_remove(g, l.items[i]);
        free(l.items);
    }
    clean_conditionally(g, art, GUMBO_TAG_TABLE);
    clean_conditionally(g, art, GUMBO_TAG_UL);
    clean_conditionally(g, art, GUMBO_TAG_DIV);
    nodelist l = {0};
    {
        static const int h1[] = {GUMBO_TAG_H1, -1};
        collect(g, art, h1, &l);
        for (size_t i = 0; i < l.len; i++)
            set_tag(g, l.items[i], "h2");
    }
    {
        static const int ps[] = {GUMBO_TAG_P, -1};
        collect(g, art, ps, &l);
        for (size_t i = l.len; i-- > 0;) {
            xmlNodePtr p = l.items[i];
            if (!p->parent)
                continue;
            const tstats *st = stats(g, p);
            if (st->img + st->embeds == 0 && !st->chars)
                dom_remove(g, p);
        }
    }
    {
        static const int brs[] = {GUMBO_TAG_BR, -1};
        collect(g, art, brs, &l);
        for (size_t i = 0; i < l.len; i++) {
            xmlNodePtr br = l.items[i], next = br->next;
            while (next && next->type != XML_ELEMENT_NODE && text_blank((const char *)next->content))
                next = next->next;
            if (next && tag(g, next) == GUMBO_TAG_P)
                dom_remove(g, br);
        }
    }
    {
        static const int tables[] = {GUMBO_TAG_TABLE, -1};
        collect(g, art, tables, &l);
        for (size_t i = 0; i < l.len; i++) {
            xmlNodePtr table = l.items[i];
            if (!table->parent)
                continue;
            xmlNodePtr tbody = single_tag_inside(g, table, GUMBO_TAG_TBODY) ? first_el(table) : table;
            if (!single_tag_inside(g, tbody, GUMBO_TAG_TR))
                continue;
            xmlNodePtr row = first_el(tbody);
            if (!single_tag_inside(g, row, GUMBO_TAG_TD))
                continue;
            xmlNodePtr cell = first_el(row);
            int all_phrasing = 1;
            for (xmlNodePtr c = cell->children; c && all_phrasing; c = c->next)
                all_phrasing = phrasing(g, c);
            set_tag(g, cell, all_phrasing ? "p" : "div");
            dom_unlink(g, cell);
            dom_replace(g, table, cell);
            xmlFreeNode(table);
            /* tables inside it are still in the list, and in the tree */
        }
    }
    free(l.items);
}

/*** one attempt ***/

static xmlNodePtr grab_article(grab *g)
{
    xmlNodePtr root = xmlDocGetRootElement(g->doc);
    xmlNodePtr page = html5_child(root, "body");
    nodelist to_score = {0}, candidates = {0};
    xmlNodePtr art = NULL;
    if (!page) {
        g->r->why = "it has no body";
        return NULL;
    }
    int strip = g->flags & READABILITY_STRIP_UNLIKELYS;
    int remove_title_header = 1;
    xmlNodePtr node = root;
    while (node) {
        char *match = match_string(node);
        int t = tag(g, node);
        /* (the page itself is never removed: Reader View would go on with it detached) */
        int frame = node == root || node == page;
        if (!frame && !visible(node)) {
            free(match);
            node = remove_and_next(g, node);
            continue;
        }
        if (!frame && attr_is(node, "aria-modal", "true") && attr_is(node, "role", "dialog")) {
            free(match);
            node = remove_and_next(g, node);
            continue;
        }
        if (!frame && check_byline(g, node, match)) {
            free(match);
            node = remove_and_next(g, node);
            continue;
        }
        if (remove_title_header && header_duplicates_title(g, node)) {
            remove_title_header = 0;
            free(match);
            node = remove_and_next(g, node);
            continue;
        }
        if (strip) {
            if (matches_any(match, re_unlikely) && !matches_any(match, re_maybe) &&
                !has_ancestor(g, node, GUMBO_TAG_TABLE, 0, 0) &&
                !has_ancestor(g, node, GUMBO_TAG_CODE, 0, 0) && t != GUMBO_TAG_BODY &&
                t != GUMBO_TAG_A && !frame) {
                free(match);
                node = remove_and_next(g, node);
                continue;
            }
            if (!frame && unlikely_role(node)) {
                free(match);
                node = remove_and_next(g, node);
                continue;
            }
        }
        free(match);
        if ((t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_HEADER ||
             t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 || t == GUMBO_TAG_H4 ||
             t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6) &&
            without_content(g, node) && !frame) {
            node = remove_and_next(g, node);
            continue;
        }
        if (is_score_tag(t))
            nodelist_add(&to_score, node);
        if (t == GUMBO_TAG_DIV) {
            div_wrap_phrasing(g, node);
            if (single_tag_inside(g, node, GUMBO_TAG_P) && link_density(g, node) < 0.25) {
                xmlNodePtr p = first_el(node);
                dom_unlink(g, p);
                dom_replace(g, node, p);
                xmlFreeNode(node);
                node = p;
                nodelist_add(&to_score, node);
            } else if (!stats(g, node)->blocks) {
                set_tag(g, node, "p");
                nodelist_add(&to_score, node);
            }
        }
        node = next_node(node, 0);
    }

    /* score the paragraphs' ancestors */
    for (size_t i = 0; i < to_score.len; i++) {
        xmlNodePtr e = to_score.items[i];
        if (!e->parent || e->parent->type != XML_ELEMENT_NODE)
            continue;
        /* detached since (its ancestor was removed or moved out): Readability still scores
         * it within its detached tree; none of that tree reaches the article */
        const tstats *st = stats(g, e);
        size_t len = st_len(st);
        if (len < 25)
            continue;
        double score = 1 + (double)(st->commas + 1) + (double)(len / 100 < 3 ? len / 100 : 3);
        xmlNodePtr a = e->parent;
        for (int level = 0; a && level < 5; level++, a = a->parent) {
            if (a->type != XML_ELEMENT_NODE || !a->parent || a->parent->type != XML_ELEMENT_NODE)
                break;
            rinfo *ri = info(g, a);
            if (!ri->scored) {
                init_node(g, a);
                nodelist_add(&candidates, a);
            }
            double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
            ri->score += score / div;
        }
    }

    /* the best candidates, their scores scaled down by their links */
    xmlNodePtr top[5] = {NULL};
    int ntop = 5;
    for (size_t i = 0; i < candidates.len; i++) {
        xmlNodePtr c = candidates.items[i];
        rinfo *ri = info(g, c);
        ri->score *= 1 - link_density(g, c);
        for (int k = 0; k < ntop; k++) {
            if (!top[k] || ri->score > info(g, top[k])->score) {
                memmove(top + k + 1, top + k, (size_t)(ntop - k - 1) * sizeof *top);
                top[k] = c;
                break;
            }
        }
    }
    xmlNodePtr best = top[0], parent;
    if (!best || tag(g, best) == GUMBO_TAG_BODY) {
        best = element_new(g, "div");
        while (page->children)
            dom_append(g, best, page->children);
        dom_append(g, page, best);
        init_node(g, best);
    } else {
        /* an ancestor shared by at least three close runners-up holds more of the article */
        xmlNodePtr alternatives[4];
        int nalt = 0;
        for (int k = 1; k < ntop && top[k]; k++)
            if (info(g, top[k])->score / info(g, best)->score >= 0.75)
                alternatives[nalt++] = top[k];
        if (nalt >= 3) {
            parent = best->parent;
            while (parent && parent->type == XML_ELEMENT_NODE && tag(g, parent) != GUMBO_TAG_BODY) {
                int containing = 0;
                for (int k = 0; k < nalt && containing < 3; k++)
                    for (xmlNodePtr a = alternatives[k]->parent; a; a = a->parent)
                        if (a == parent) {
                            containing++;
                            break;
                        }
                if (containing >= 3) {
                    best = parent;
                    break;
                }
                parent = parent->parent;
            }
        }
        if (!info(g, best)->scored)
            init_node(g, best);
        /* climb while the parents' scores go up */
        parent = best->parent;
        double last = info(g, best)->score, threshold = last / 3;
        while (parent && parent->type == XML_ELEMENT_NODE && tag(g, parent) != GUMBO_TAG_BODY) {
            rinfo *pr = info(g, parent);
            if (!pr->scored) {
                parent = parent->parent;
                continue;
            }
            if (pr->score < threshold)
                break;
            if (pr->score > last) {
                best = parent;
                break;
            }
            last = pr->score;
            parent = parent->parent;
        }
        /* an only child stands for its parent */
        parent = best->parent;
        while (parent && parent->type == XML_ELEMENT_NODE && tag(g, parent) != GUMBO_TAG_BODY &&
               child_els(parent) == 1) {
            best = parent;
            parent = best->parent;
        }
        if (!info(g, best)->scored)
            init_node(g, best);
    }

    /* the best candidate and its siblings that belong with it */
    art = element_new(g, "div");
    double sibling_threshold = info(g, best)->score * 0.2;
    if (sibling_threshold < 10)
        sibling_threshold = 10;
    parent = best->parent;
    char *best_class = attr(best, "class");
    for (xmlNodePtr sib = parent ? first_el(parent) : NULL, next; sib; sib = next) {
        next = next_el(sib);
        int append = 0;
        if (sib == best) {
            append = 1;
        } else {
            double bonus = 0;
            char *cls = attr(sib, "class");
            if (best_class && *best_class && cls && !strcmp(cls, best_class))
                bonus += info(g, best)->score * 0.2;
            free(cls);
            rinfo *si = info(g, sib);
            if (si->scored && si->score + bonus >= sibling_threshold) {
                append = 1;
            } else if (tag(g, sib) == GUMBO_TAG_P) {
                double ld = link_density(g, sib);
                size_t len = inner_len(g, sib);
                if (len > 80 && ld < 0.25) {
                    append = 1;
                } else if (len < 80 && len > 0 && ld == 0) {
                    char *t = text_content(sib), *s = js_normalize(t, 1);
                    for (const char *d = strchr(s, '.'); d && !append; d = strchr(d + 1, '.'))
                        append = d[1] == ' ' || d[1] == '\0';
                    free(t);
                    free(s);
                }
            }
        }
        if (append) {
            int t = tag(g, sib);
            if (t != GUMBO_TAG_DIV && t != GUMBO_TAG_ARTICLE && t != GUMBO_TAG_SECTION &&
                t != GUMBO_TAG_P)
                set_tag(g, sib, "div");
            dom_append(g, art, sib);
        }
    }
    free(best_class);
    /* the article's direction, from its nearest ancestor that states one */
    /* (the parent first, then the candidate itself, then the parent's ancestors) */
    g->r->dir = NULL;
    for (int step = 0; step < 3 && !g->r->dir; step++) {
        xmlNodePtr a = step == 0 ? parent : step == 1 ? best : parent ? parent->parent : NULL;
        for (; a && a->type == XML_ELEMENT_NODE && !g->r->dir; a = step == 2 ? a->parent : NULL) {
            char *dir = attr(a, "dir");
            if (dir && !strcasecmp(dir, "rtl"))
                g->r->dir = "rtl";
            else if (dir && !strcasecmp(dir, "ltr"))
                g->r->dir = "ltr";
            free(dir);
        }
    }
    prep_article(g, art);

    const tstats *st = stats(g, art);
    g->r->text_length = st_len(st);
    g->r->link_length = (size_t)st->link;
    free(to_score.items);
    free(candidates.items);
    return art;
}

void readability_result_free(readability_result *r)
{
    free(r->byline);
    memset(r, 0, sizeof *r);
}

xmlNodePtr readability_extract(xmlDocPtr doc, const readability_meta *m, int flags,
                               int byline_known, readability_result *r)
{
    grab g;
    memset(&g, 0, sizeof g);
    g.doc = doc;
    g.ar = arena_new();
    g.flags = flags;
    g.title = m ? m->title : NULL;
    g.byline_known = byline_known;
    g.r = r;
    readability_prepare(doc);
    xmlNodePtr body = html5_child(xmlDocGetRootElement(doc), "body");
    if (body) {
        replace_brs(&g, body);
        fonts_to_spans(&g, xmlDocGetRootElement(doc));
    }
    xmlNodePtr art = grab_article(&g);
    /* the per-element data lives in the arena, freed now: no pointer to it may remain */
    for (xmlNodePtr n = xmlDocGetRootElement(doc); n; n = next_in(n, xmlDocGetRootElement(doc), 0))
        n->_private = NULL;
    for (xmlNodePtr n = art; n; n = next_in(n, art, 0))
        n->_private = NULL;
    arena_free(g.ar);
    return art;
}
