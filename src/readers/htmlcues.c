/* htmlcues.c: Podcasting 2.0 HTML transcripts (<cite>, <time>, <p>) -> cues. */
#include "readers/htmlcues.h"

#include <string.h>

#include "base/html5.h"

/* A <cite> longer than this is a citation in the text, not a speaker's name. */
#define HTMLCUES_MAX_NAME 80

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && html5_is(n, name);
}

/* The text of n, trimmed, in a new string (xmlFree). */
static xmlChar *text_of(xmlNodePtr n)
{
    return xmlNodeGetContent(n);
}

static size_t trimmed_len(const char *s, const char **start)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == ':'))
        n--;
    *start = s;
    return n;
}

/* Is element n (a <cite>) the first thing in its paragraph, but for white space? */
static int first_in_paragraph(xmlNodePtr n)
{
    for (xmlNodePtr s = n->prev; s; s = s->prev) {
        if (s->type == XML_ELEMENT_NODE)
            return 0;
        if (s->type == XML_TEXT_NODE) {
            const char *t;
            if (trimmed_len((const char *)s->content, &t))
                return 0;
        }
    }
    return 1;
}

static int speaker_cite(xmlNodePtr n);

/* Is a paragraph's child n (a <time>) at its start, after nothing but white space and the
 * speaker's <cite>? */
static int leading_time(xmlNodePtr n)
{
    for (xmlNodePtr s = n->prev; s; s = s->prev) {
        if (s->type == XML_ELEMENT_NODE && !(is_el(s, "cite") && speaker_cite(s)))
            return 0;
        if (s->type == XML_TEXT_NODE) {
            const char *t;
            if (trimmed_len((const char *)s->content, &t))
                return 0;
        }
    }
    return 1;
}

/* Does <cite> n mark a speaker? It is a block of its own (its parent a container) or the first
 * thing in a paragraph; a <cite> inside a sentence, a quote or emphasis names a work. */
static int speaker_cite(xmlNodePtr n)
{
    static const char *const containers[] = {"body", "div",  "section", "article", "main", "header",
                                             "footer", "li", "dd",      "dt",      "td",   NULL};
    xmlNodePtr parent = n->parent;
    int ok = 0;
    if (!parent || parent->type != XML_ELEMENT_NODE)
        return 0;
    if (is_el(parent, "p")) {
        ok = first_in_paragraph(n);
    } else {
        for (size_t i = 0; containers[i] && !ok; i++)
            ok = is_el(parent, containers[i]);
        /* as a block, the speaker's time or speech comes next */
        xmlNodePtr next = n->next;
        while (next && next->type != XML_ELEMENT_NODE)
            next = next->next;
        ok = ok && (is_el(next, "time") || is_el(next, "p"));
    }
    if (!ok)
        return 0;
    for (xmlNodePtr up = parent; up && up->type == XML_ELEMENT_NODE; up = up->parent)
        if (is_el(up, "figure") || is_el(up, "blockquote") || is_el(up, "aside"))
            return 0; /* a picture's credit, a quotation's source */
    xmlChar *t = text_of(n);
    const char *s;
    size_t len = t ? trimmed_len((const char *)t, &s) : 0;
    xmlFree(t);
    return len > 0 && len <= HTMLCUES_MAX_NAME;
}

/* The next node in document order under `top`, children first unless `skip`. */
static xmlNodePtr next_node(xmlNodePtr n, xmlNodePtr top, int skip)
{
    if (!skip && n->children)
        return n->children;
    while (n && n != top) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

static xmlNodePtr body_of(xmlDocPtr doc)
{
    xmlNodePtr html = xmlDocGetRootElement(doc);
    return html ? html5_child(html, "body") : NULL;
}

int htmlcues_detect(xmlDocPtr doc)
{
    xmlNodePtr body = body_of(doc);
    size_t cites = 0, speech = 0, before = 0;
    if (!body)
        return 0;
    for (xmlNodePtr n = body->children; n;) {
        int skip = 0;
        if (is_el(n, "cite") && speaker_cite(n)) {
            cites++;
        } else if (is_el(n, "p")) {
            /* the speaker may open the paragraph */
            for (xmlNodePtr c = n->children; c; c = c->next)
                if (is_el(c, "cite") && speaker_cite(c)) {
                    cites++;
                    break;
                }
            if (cites)
                speech++;
            else
                before++;
            skip = 1;
        }
        n = next_node(n, body, skip);
    }
    /* a transcript's speakers come every few paragraphs; two credits in a long article do not
     * make it one */
    return cites >= 2 && speech > before && speech <= 8 * cites;
}

/* Append the inline content of n to b: emphasis as markers, <br> as a line end; a leading
 * speaker <cite> and <time> are left out (the caller took them). */
static void inline_text(xmlNodePtr n, strbuf *b, int depth)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            strbuf_adds(b, (const char *)c->content);
        } else if (c->type != XML_ELEMENT_NODE) {
            continue;
        } else if (is_el(c, "br")) {
            strbuf_addc(b, '\n');
        } else if ((is_el(c, "cite") && speaker_cite(c)) ||
                   (is_el(c, "time") && depth == 0 && leading_time(c))) {
            continue;
        } else if (is_el(c, "i") || is_el(c, "em")) {
            strbuf_addc(b, CUE_EM_OPEN);
            inline_text(c, b, depth + 1);
            strbuf_addc(b, CUE_EM_CLOSE);
        } else if (is_el(c, "b") || is_el(c, "strong")) {
            strbuf_addc(b, CUE_STRONG_OPEN);
            inline_text(c, b, depth + 1);
            strbuf_addc(b, CUE_STRONG_CLOSE);
        } else {
            inline_text(c, b, depth + 1);
        }
    }
}

/* A <time>'s start: its datetime attribute, else its text. */
static long long time_take(xmlNodePtr n)
{
    long long ms = -1;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"datetime");
    if (!v)
        v = text_of(n);
    if (v) {
        const char *s;
        size_t len = trimmed_len((const char *)v, &s);
        if (len == 0 || cue_time_parse(s, len, &ms) != len)
            ms = -1;
        xmlFree(v);
    }
    return ms;
}

size_t htmlcues_read(xmlDocPtr doc, cue_list *out)
{
    xmlNodePtr body = body_of(doc);
    const char *who = NULL;
    long long start = -1;
    size_t added = 0;
    strbuf b = STRBUF_INIT;
    if (!body)
        return 0;
    for (xmlNodePtr n = body->children; n;) {
        int skip = 0;
        if (is_el(n, "cite") && speaker_cite(n)) {
            xmlChar *t = text_of(n);
            const char *s;
            size_t len = trimmed_len((const char *)t, &s);
            who = cue_label_intern(out, s, len);
            xmlFree(t);
            skip = 1;
        } else if (is_el(n, "time")) {
            long long ms = time_take(n);
            if (ms >= 0)
                start = ms;
            skip = 1;
        } else if (is_el(n, "p")) {
            /* a speaker and time written inside the paragraph come first */
            for (xmlNodePtr c = n->children; c; c = c->next) {
                if (is_el(c, "cite") && speaker_cite(c)) {
                    xmlChar *t = text_of(c);
                    const char *s;
                    size_t len = trimmed_len((const char *)t, &s);
                    who = cue_label_intern(out, s, len);
                    xmlFree(t);
                } else if (is_el(c, "time") && leading_time(c)) {
                    long long ms = time_take(c);
                    if (ms >= 0)
                        start = ms;
                }
            }
            b.len = 0;
            inline_text(n, &b, 0);
            if (b.len > CUE_MAX_TEXT) {
                /* bounded like a cue of any format, cut between characters */
                b.len = CUE_MAX_TEXT;
                while (b.len > 0 && ((unsigned char)b.data[b.len] & 0xC0) == 0x80)
                    b.len--;
            }
            if (cue_text_visible(b.data ? b.data : "", b.len)) {
                cue_list_add(out, start, -1, who, b.data, b.len, n->line);
                added++;
                start = -1;
            }
            skip = 1;
        }
        n = next_node(n, body, skip);
    }
    strbuf_release(&b);
    out->has_voices = 1;
    return added;
}
