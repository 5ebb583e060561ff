/* turnlist: the turns and paragraphs of an article's content documents, as a reader sees them.
 *
 * usage: turnlist FILE.xhtml...   (the documents of one article, in reading order)
 *
 * Prints one line per paragraph of the article's body (the opening header is skipped):
 *   NAME<TAB>TEXT   the first paragraph of a speaker turn (div.turn): the speaker's name, then
 *                   the paragraph's text without its timestamp, name and separator;
 *   +<TAB>TEXT      a further paragraph of the same turn;
 *   -<TAB>TEXT      a paragraph outside any turn (without a leading timestamp).
 * White space in TEXT is collapsed. Used by tests/captions.bats and tests/bench/captions.sh to
 * compare a book with the turns written by hand in tests/fixtures/captions/NAME.turns. Exit
 * status 2 when a file cannot be parsed. */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

static int has_class(xmlNodePtr n, const char *cls)
{
    xmlChar *c = xmlGetProp(n, (const xmlChar *)"class");
    int r = 0;
    if (c) {
        size_t wl = strlen(cls);
        for (const char *p = (const char *)c; (p = strstr(p, cls)); p += wl)
            if ((p == (const char *)c || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0'))
                r = 1;
    }
    xmlFree(c);
    return r;
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Append n's text to buf (size cap), leaving out the label spans. */
static void text_of(xmlNodePtr n, char *buf, size_t cap, size_t *len)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            for (const xmlChar *p = c->content; *p && *len + 1 < cap; p++)
                buf[(*len)++] = (char)*p;
        } else if (c->type == XML_ELEMENT_NODE && !(is_el(c, "span") &&
                                                    (has_class(c, "timestamp") ||
                                                     has_class(c, "speaker") ||
                                                     has_class(c, "speaker-sep")))) {
            text_of(c, buf, cap, len);
        }
    }
    buf[*len] = '\0';
}

static void print_line(const char *head, xmlNodePtr p)
{
    static char buf[1 << 20], out[1 << 20];
    size_t len = 0, o = 0;
    text_of(p, buf, sizeof buf, &len);
    int space = 0;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == ' ' || c == '\n' || c == '\t') {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = 0;
        out[o++] = c;
    }
    out[o] = '\0';
    printf("%s\t%s\n", head, out);
}

static void speaker_of(xmlNodePtr p, char *name, size_t cap)
{
    name[0] = '\0';
    for (xmlNodePtr c = p->children; c; c = c->next)
        if (is_el(c, "span") && has_class(c, "speaker")) {
            xmlChar *t = xmlNodeGetContent(c);
            snprintf(name, cap, "%s", (const char *)t);
            xmlFree(t);
            return;
        }
}

static void blocks(xmlNodePtr parent)
{
    for (xmlNodePtr b = parent->children; b; b = b->next) {
        if (is_el(b, "header") || b->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(b, "div") && has_class(b, "turn")) {
            int first = 1;
            for (xmlNodePtr p = b->children; p; p = p->next) {
                if (p->type != XML_ELEMENT_NODE)
                    continue;
                char name[256];
                speaker_of(p, name, sizeof name);
                print_line(first ? (name[0] ? name : "?") : "+", p);
                first = 0;
            }
        } else if (is_el(b, "p")) {
            print_line("-", b);
        } else if (is_el(b, "section") || is_el(b, "div")) {
            blocks(b);
        }
    }
}

static xmlNodePtr find_body(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (is_el(n, "body"))
            return n;
        xmlNodePtr b = find_body(n->children);
        if (b)
            return b;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        xmlDocPtr doc = xmlReadFile(argv[i], NULL, XML_PARSE_NONET);
        if (!doc) {
            fprintf(stderr, "turnlist: %s: cannot parse\n", argv[i]);
            return 2;
        }
        xmlNodePtr body = find_body(xmlDocGetRootElement(doc));
        if (body)
            blocks(body);
        xmlFreeDoc(doc);
    }
    return 0;
}
