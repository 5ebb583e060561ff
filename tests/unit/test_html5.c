/* test_html5.c: HTML is parsed as browsers parse it, and hostile markup stays linear.
 *
 * Trees are compared as a compact outline written by hand: elements as <name>, text as its
 * characters, children inside the parent, e.g. "<body><p>a</p></body>". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/html5.h"
#include "base/util.h"

static void outline(xmlNodePtr n, strbuf *b)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE) {
            strbuf_adds(b, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            strbuf_addf(b, "<%s%s>", n->ns ? "svg:" : "", (const char *)n->name);
            outline(n->children, b);
            strbuf_addf(b, "</%s>", (const char *)n->name);
        }
    }
}

/* The outline of the parsed page's <body>. */
static char *body_of(const char *html)
{
    strbuf b = STRBUF_INIT;
    xmlDocPtr doc = html5_parse(html, strlen(html), NULL);
    assert_non_null(doc);
    xmlNodePtr body = html5_child(xmlDocGetRootElement(doc), "body");
    assert_non_null(body);
    outline(body->children, &b);
    strbuf_adds(&b, "");
    xmlFreeDoc(doc);
    return strbuf_detach(&b, NULL);
}

static void expect_body(const char *html, const char *want)
{
    char *got = body_of(html);
    assert_string_equal(got, want);
    free(got);
}

static void test_tree_building(void **state)
{
    (void)state;
    /* the four cases where libxml2's HTML 4 parser builds another tree than a browser */
    expect_body("<p>a<figure>b</figure>c", "<p>a</p><figure>b</figure>c");
    expect_body("<p>a<section>b</section>", "<p>a</p><section>b</section>");
    expect_body("<picture><source srcset=x.webp><img src=x.png></picture>",
                "<picture><source></source><img></img></picture>");
    expect_body("<p>&copy 2024 &eacute;t&eacute;</p>", "<p>\u00a9 2024 \u00e9t\u00e9</p>");
    expect_body("<p>in</p></body></html><p>after</p>", "<p>in</p><p>after</p>");
    /* always html, head and body; head content goes to head */
    xmlDocPtr doc = html5_parse("<title>T</title>Hello", 19, NULL);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "html");
    assert_non_null(html5_child(html5_child(root, "head"), "title"));
    xmlFreeDoc(doc);
    /* misnested formatting, unclosed lists, tables: the HTML5 algorithms */
    expect_body("<b>1<i>2</b>3</i>", "<b>1<i>2</i></b><i>3</i>");
    expect_body("<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>");
    expect_body("<table><tr><td>x</table>",
                "<table><tbody><tr><td>x</td></tr></tbody></table>");
}

static void test_names_text_attributes(void **state)
{
    (void)state;
    /* SVG keeps its namespace and its camel case */
    expect_body("<svg><foreignObject></foreignObject><linearGradient/></svg>",
                "<svg:svg><svg:foreignObject></foreignObject><svg:linearGradient>"
                "</linearGradient></svg>");
    /* characters XML forbids never reach the tree, in text or in attributes */
    const char html[] = "<p title=\"a\x01" "b\">c&#1;d\x0b" "e</p>";
    xmlDocPtr doc = html5_parse(html, sizeof html - 1, NULL);
    xmlNodePtr p = html5_child(html5_child(xmlDocGetRootElement(doc), "body"), "p");
    xmlChar *title = xmlGetProp(p, (const xmlChar *)"title");
    /* (gumbo reads a raw control character as U+FFFD; a reference to one as itself) */
    assert_null(strchr((const char *)title, 1));
    assert_null(strchr((const char *)p->children->content, 1));
    assert_null(strchr((const char *)p->children->content, 0x0b));
    xmlFree(title);
    xmlFreeDoc(doc);
    /* '&' in an attribute value is a character, not an entity reference */
    doc = html5_parse("<a href=\"?a=1&amp;b=2&c\">x</a>", 28, NULL);
    xmlNodePtr a = html5_child(html5_child(xmlDocGetRootElement(doc), "body"), "a");
    xmlChar *href = xmlGetProp(a, (const xmlChar *)"href");
    assert_string_equal((const char *)href, "?a=1&b=2&c");
    xmlFree(href);
    /* each node knows its source line */
    xmlFreeDoc(doc);
    doc = html5_parse("<p>a</p>\n\n<p id=x>b</p>", 23, NULL);
    xmlNodePtr second = html5_child(html5_child(xmlDocGetRootElement(doc), "body"), "p")->next;
    while (second && second->type != XML_ELEMENT_NODE)
        second = second->next;
    assert_int_equal(xmlGetLineNo(second), 3);
    xmlFreeDoc(doc);
}

static double parse_time(const char *html, size_t len, html5_report *rep)
{
    double t0 = clock_now();
    xmlDocPtr doc = html5_parse(html, len, rep);
    double t = clock_now() - t0;
    assert_non_null(doc);
    xmlFreeDoc(doc);
    return t;
}

/* The guard keeps the first HTML5_MAX_ATTRS attributes of an element, and none of a repeated
 * <body>, whatever follows; text and later elements are untouched. */
static void test_guard_attributes(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "<body a=1><div");
    for (int i = 0; i < 1000; i++)
        strbuf_addf(&b, "\n x%d='>'", i); /* quoted '>' does not end the tag */
    strbuf_adds(&b, ">kept</div><body b=2 c=3><p>after</p>");
    html5_report rep;
    xmlDocPtr doc = html5_parse(b.data, b.len, &rep);
    xmlNodePtr body = html5_child(xmlDocGetRootElement(doc), "body");
    xmlNodePtr div = html5_child(body, "div");
    size_t n = 0;
    for (xmlAttrPtr a = div->properties; a; a = a->next)
        n++;
    assert_int_equal(n, HTML5_MAX_ATTRS);
    assert_null(xmlHasProp(body, (const xmlChar *)"b"));
    assert_non_null(xmlHasProp(body, (const xmlChar *)"a"));
    assert_int_equal(rep.attrs_dropped, 1000 - HTML5_MAX_ATTRS + 2);
    assert_int_equal(rep.first_attrs_line, 1);
    assert_string_equal((const char *)div->children->content, "kept");
    assert_non_null(html5_child(body, "p"));
    /* the dropped attributes' newlines are kept: later lines stay right */
    assert_int_equal(xmlGetLineNo(html5_child(body, "p")), 1001);
    xmlFreeDoc(doc);
    strbuf_release(&b);
}

/* Deep nesting: start tags past HTML5_MAX_DEPTH are dropped with their end tags, their text
 * kept; formatting elements past HTML5_MAX_FORMATTING likewise. */
static void test_guard_depth(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        strbuf_adds(&b, "<div>");
    strbuf_adds(&b, "deep");
    for (int i = 0; i < 1000; i++)
        strbuf_adds(&b, "</div>");
    strbuf_adds(&b, "<p>after</p>");
    html5_report rep;
    xmlDocPtr doc = html5_parse(b.data, b.len, &rep);
    xmlNodePtr body = html5_child(xmlDocGetRootElement(doc), "body"), n = body;
    int depth = 0;
    while (html5_child(n, "div")) {
        n = html5_child(n, "div");
        depth++;
    }
    assert_int_equal(depth, HTML5_MAX_DEPTH);
    assert_string_equal((const char *)n->children->content, "deep");
    assert_non_null(html5_child(body, "p")); /* the document goes on after the deep part */
    assert_int_equal(rep.tags_dropped, 1000 - HTML5_MAX_DEPTH);
    xmlFreeDoc(doc);
    strbuf_release(&b);

    /* formatting elements left open reopen in every paragraph: capped */
    for (int i = 0; i < 200; i++)
        strbuf_addf(&b, "<b class=c%d>", i);
    for (int i = 0; i < 50; i++)
        strbuf_adds(&b, "<p>x</p>");
    doc = html5_parse(b.data, b.len, &rep);
    size_t elements = 0;
    for (n = xmlDocGetRootElement(doc); n;) {
        elements += n->type == XML_ELEMENT_NODE;
        if (n->children) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        if (n)
            n = n->next;
    }
    assert_true(elements < 50 * (HTML5_MAX_FORMATTING + 2) + 300);
    xmlFreeDoc(doc);
    strbuf_release(&b);
}

/* Scripts, comments and raw text are skipped by the guard as the tokenizer skips them: tags
 * inside them are not counted. */
static void test_guard_raw_text(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "<script>");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&b, "<div>");
    strbuf_adds(&b, "</script><!--");
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&b, "<div>");
    strbuf_adds(&b, "--><div><div>ok</div></div>");
    html5_report rep;
    xmlDocPtr doc = html5_parse(b.data, b.len, &rep);
    assert_int_equal(rep.tags_dropped, 0);
    xmlFreeDoc(doc);
    strbuf_release(&b);
}

/* A hostile page (deep nesting, a million attributes, huge text nodes) parses in time linear
 * in its size: the time at 4n stays within a generous factor of the time at n. */
static void hostile(strbuf *b, int n)
{
    b->len = 0;
    for (int i = 0; i < n / 1000; i++)
        strbuf_adds(b, "<div><span>");
    for (int e = 0; e < n / 100; e++) {
        strbuf_adds(b, "<p");
        for (int i = 0; i < 100; i++)
            strbuf_addf(b, " a%d=v", i);
        strbuf_adds(b, ">");
        for (int i = 0; i < 20; i++)
            strbuf_adds(b, "text text ");
        strbuf_adds(b, "</p>");
    }
    strbuf_adds(b, "<pre>");
    for (int i = 0; i < n; i++)
        strbuf_adds(b, "huge ");
    strbuf_adds(b, "</pre>");
}

static void test_hostile_linear(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    hostile(&b, 50000);
    double small = parse_time(b.data, b.len, NULL);
    hostile(&b, 200000); /* 20 million attributes' worth of text: 2,000 * 100 attributes */
    html5_report rep;
    double big = parse_time(b.data, b.len, &rep);
    /* linear: ~4x; quadratic would be 16x. Generous for a shared machine. */
    assert_true(big < 10 * small + 0.5);
    assert_true(big < 10.0);
    strbuf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_building),
        cmocka_unit_test(test_names_text_attributes),
        cmocka_unit_test(test_guard_attributes),
        cmocka_unit_test(test_guard_depth),
        cmocka_unit_test(test_guard_raw_text),
        cmocka_unit_test(test_hostile_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
