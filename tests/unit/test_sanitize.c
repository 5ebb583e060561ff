/* test_sanitize.c: raw HTML from blog posts becomes safe, valid XHTML.
 *
 * Each case sanitises a fragment under a parent element of an XHTML document and compares the
 * serialised children with XHTML written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "writers/sanitize.h"
#include "base/util.h"

/*** test callbacks: what render.c would do, reduced to fixed rules ***/

/* Links starting with "missing" are not in the book; everything else is kept. */
/* With a strbuf as ud, each callback also writes down what it was called for and the line it
 * was given ("link x@12 "). */
static void note_call(void *ud, const char *what, const char *arg, int line)
{
    if (ud)
        strbuf_addf(ud, "%s %s@%d ", what, arg, line);
}

static char *cb_link(void *ud, const char *href, int line)
{
    note_call(ud, "link", href, line);
    return str_starts_with(href, "missing") ? NULL : xstrdup(href);
}

/* Remote and "missing..." images cannot be embedded; others are stored under ../images/. */
static char *cb_image(void *ud, const char *src, const char *alt, int line)
{
    note_call(ud, "image", src, line);
    (void)alt;
    if (str_starts_with(src, "http") || str_starts_with(src, "missing"))
        return NULL;
    return xasprintf("../images/%s", src);
}

/* "taken" is already used in the document; "refused" is dropped; "bad" maps to a non-NCName. */
static char *cb_claim(void *ud, const char *id, int line)
{
    note_call(ud, "id", id, line);
    if (strcmp(id, "taken") == 0)
        return xstrdup("taken-2");
    if (strcmp(id, "refused") == 0)
        return NULL;
    if (strcmp(id, "bad") == 0)
        return xstrdup("1 bad");
    return xstrdup(id);
}

typedef struct result {
    int rc;
    char *xhtml;
    diag_list diags;
} result;

/* Sanitise `html` under a new <parent> inside <body> (inside <a> when parent is "a-p": a <p>
 * in a link is impossible, so "a" is used as the parent itself). */
static result run(const char *html, const char *parent, int inline_only)
{
    result r;
    memset(&r, 0, sizeof r);
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = xmlNewDocNode(doc, NULL, (const xmlChar *)"html", NULL);
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)SANITIZE_XHTML_NS, NULL);
    xmlSetNs(root, ns);
    xmlNodePtr body = xmlNewChild(root, ns, (const xmlChar *)"body", NULL);
    xmlNodePtr par = xmlNewChild(body, ns, (const xmlChar *)parent, NULL);
    sanitize_ctx ctx = {cb_link, cb_image, cb_claim, NULL, &r.diags, "post.md", 10};
    r.rc = sanitize_html_fragment(html, strlen(html), par, inline_only, &ctx);
    xmlBufferPtr buf = xmlBufferCreate();
    for (xmlNodePtr c = par->children; c; c = c->next)
        xmlNodeDump(buf, doc, c, 0, 0);
    r.xhtml = xstrdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return r;
}

static void result_free(result *r)
{
    free(r->xhtml);
    diag_list_clear(&r->diags);
}

/* Sanitise and compare; also check the number of warnings. */
static void expect(const char *html, const char *parent, int inline_only, const char *want,
                   size_t warnings)
{
    result r = run(html, parent, inline_only);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.xhtml, want);
    if (r.diags.len != warnings)
        for (size_t i = 0; i < r.diags.len; i++)
            print_message("warning: %s\n", r.diags.items[i].message);
    assert_int_equal(r.diags.len, warnings);
    result_free(&r);
}

static int has_warning(const result *r, const char *needle, int line)
{
    for (size_t i = 0; i < r->diags.len; i++)
        if (strstr(r->diags.items[i].message, needle) && r->diags.items[i].line == line &&
            r->diags.items[i].file && strcmp(r->diags.items[i].file, "post.md") == 0 &&
            r->diags.items[i].severity == DIAG_WARNING)
            return 1;
    return 0;
}

/*** well-formedness ***/

static void test_void_elements_and_entities(void **state)
{
    (void)state;
    expect("<img src=\"a.png\">", "div", 0, "<img src=\"../images/a.png\" alt=\"\"/>", 0);
    expect("one<br>two &amp; &lt;three&gt; &nbsp;&copy;", "p", 1,
           "one<br/>two &amp; &lt;three&gt; \xC2\xA0\xC2\xA9", 0);
    expect("<p>a &#1; b &#xFFFE; c &bogus;</p>", "div", 0, "<p>a  b  c &amp;bogus;</p>", 0);
    expect("<p>unclosed <b>bold <i>both</p>", "div", 0, "<p>unclosed <b>bold <i>both</i></b></p>",
           0);
}

static void test_html5_void_elements(void **state)
{
    (void)state;
    /* libxml2's HTML 4 parser does not know wbr and source are empty: nothing after is lost */
    expect("a<wbr>b <time datetime=\"2020-01-01\">New Year</time> <data value=\"1\">one</data>",
           "p", 1, "a<wbr/>b <span>New Year</span> <span>one</span>", 0);
    expect("<picture><source srcset=\"a.webp\" type=\"image/webp\"><img src=\"a.png\" "
           "alt=\"A\"></picture> after",
           "p", 1, "<img src=\"../images/a.png\" alt=\"A\"/> after", 0);
}

static void test_empty_fragments(void **state)
{
    (void)state;
    expect("", "div", 0, "", 0);
    expect(" \n\t", "div", 0, "", 0);
    expect("</div>", "div", 0, "", 0);
    expect("<!-- a -- comment -->", "div", 0, "", 0);
}

static void test_declared_encoding_is_ignored(void **state)
{
    (void)state;
    /* The input is UTF-8 whatever a <meta> says: no mojibake. */
    expect("<meta charset=\"iso-8859-1\"><p>caf\xC3\xA9 \xE2\x82\xAC</p>", "div", 0,
           "<p>caf\xC3\xA9 \xE2\x82\xAC</p>", 0);
}

/*** dangerous content ***/

static void test_scripts_styles_handlers(void **state)
{
    (void)state;
    result r = run("<p>one</p>\n<script>alert(1)</script>\n<p onclick=\"x()\" "
                   "style=\"color:red\" onmouseover=\"y\">safe</p>\n<style>p{}</style>"
                   "<noscript>no</noscript>",
                   "div", 0);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.xhtml, "<p>one</p>\n\n<p>safe</p>\n");
    assert_true(has_warning(&r, "removed <script>", 11));
    assert_true(has_warning(&r, "removed <style>", 13));
    assert_int_equal(r.diags.len, 2);
    result_free(&r);
}

static void test_script_urls(void **state)
{
    (void)state;
    expect("<a href=\"javascript:alert(1)\">a</a> <a href=\" JavaScript:x\">b</a> "
           "<a href=\"java&#10;script:x\">c</a> <a href=\"vbscript:x\">d</a> "
           "<a href=\"data:text/html,x\">e</a> <a href=\"https://example.org/\">f</a>",
           "p", 1, "a b c d e <a href=\"https://example.org/\">f</a>", 0);
}

static void test_forms_dropped(void **state)
{
    (void)state;
    expect("<form action=\"/s\"><label>Search <input name=q></label><button>Go</button></form>"
           "<p>after <select><option>x</option></select></p>",
           "div", 0, "<p>after </p>", 1);
}

/*** embeds ***/

static void test_iframe_becomes_link(void **state)
{
    (void)state;
    result r = run("<iframe width=\"560\" height=\"315\" "
                   "src=\"https://www.youtube.com/embed/dQw4w9WgXcQ?si=abc\" "
                   "title=\"The talk\" allowfullscreen></iframe>",
                   "section", 0);
    assert_string_equal(r.xhtml, "<p class=\"embed\"><a "
                                 "href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\">The "
                                 "talk</a></p>");
    assert_true(has_warning(&r, "replaced by a link to https://www.youtube.com/watch?v=", 10));
    result_free(&r);
    /* inline: no paragraph; protocol-relative source; no title: the address is the text */
    expect("see <iframe src=\"//player.vimeo.com/video/42\"></iframe>", "p", 1,
           "see <a href=\"https://vimeo.com/42\">https://vimeo.com/42</a>", 1);
}

static void test_media_embeds(void **state)
{
    (void)state;
    expect("<video src=\"https://example.org/v.mp4\" controls>Your browser</video>", "div", 0,
           "<p class=\"embed\"><a href=\"https://example.org/v.mp4\">https://example.org/v.mp4"
           "</a></p>",
           1);
    expect("<audio title=\"Episode 3\"><source src=\"https://example.org/e3.mp3\"></audio>", "div",
           0, "<p class=\"embed\"><a href=\"https://example.org/e3.mp3\">Episode 3</a></p>", 1);
    /* a local file: nothing to link to in the book */
    expect("<embed src=\"clip.swf\">", "div", 0, "", 1);
    /* an object without a remote source keeps its fallback content, not its params */
    expect("<object data=\"movie.swf\"><param name=a value=b><p>Fallback text</p></object>", "div",
           0, "<p>Fallback text</p>", 0);
}

/*** obsolete markup ***/

static void test_obsolete_elements(void **state)
{
    (void)state;
    expect("<center><font face=\"Arial\" color=\"red\" size=\"+1\">Hello</font></center>", "div", 0,
           "<div class=\"center\">Hello</div>", 0);
    expect("<tt>x</tt> <strike>y</strike> <acronym title=\"NASA\">N</acronym> <big>B</big> "
           "<u>u</u>",
           "p", 1,
           "<code>x</code> <s>y</s> <abbr title=\"NASA\">N</abbr> <span class=\"big\">B</span> "
           "<u>u</u>",
           0);
    expect("<dir><li>a</li></dir><xmp>x < y</xmp>", "div", 0,
           "<ul><li>a</li></ul><pre>x &lt; y</pre>", 0);
}

static void test_obsolete_attributes(void **state)
{
    (void)state;
    expect("<p align=\"center\" class=\"intro\">c</p><img src=\"x.png\" align=\"RIGHT\" "
           "border=\"0\" width=\"300\" height=\"200\" hspace=\"5\">",
           "div", 0,
           "<p class=\"intro align-center\">c</p><img src=\"../images/x.png\" alt=\"\" "
           "class=\"align-right\"/>",
           0);
    expect("<table border=\"1\" width=\"100%\" cellpadding=\"2\" bgcolor=\"red\" summary=\"s\">"
           "<tr><td width=\"50\" nowrap valign=\"top\" align=\"left\">a</td></tr></table>",
           "div", 0, "<table><tbody><tr><td class=\"align-left\">a</td></tr></tbody></table>", 0);
}

/*** structure ***/

static void test_blocks_unwrapped_in_inline_parent(void **state)
{
    (void)state;
    expect("<div><p>para</p><blockquote>quote</blockquote></div>tail<hr>", "p", 1,
           "para quote tail", 0);
    /* the parent's name alone says it is inline */
    expect("<h2>inner</h2>", "h3", 0, "inner", 0);
    /* a block inside an inline element */
    expect("<span><div>a</div></span>", "div", 0, "<span>a</span>", 0);
}

static void test_links_not_nested(void **state)
{
    (void)state;
    expect("<a href=\"https://a.example/\">one <a href=\"https://b.example/\">two</a></a>", "p", 1,
           "<a href=\"https://a.example/\">one </a><a href=\"https://b.example/\">two</a>", 0);
    /* parent already inside a link: the inner link keeps only its text */
    expect("x <a href=\"https://b.example/\">y</a>", "a", 1, "x y", 0);
    /* a link the caller refuses keeps its text */
    expect("<a href=\"missing.md\" title=\"t\">text</a>", "p", 1, "text", 0);
}

static void test_lists(void **state)
{
    (void)state;
    expect("<ul><li>a<li>b</ul>", "div", 0, "<ul><li>a</li><li>b</li></ul>", 0);
    expect("<ol start=\"3\" type=\"a\" reversed><li value=\"7\">x</li></ol>"
           "<ol start=\"x\" type=\"disc\"><li value=\"z\">y</li></ol>",
           "div", 0,
           "<ol start=\"3\" reversed=\"reversed\" type=\"a\"><li value=\"7\">x</li></ol>"
           "<ol><li>y</li></ol>",
           0);
    /* stray content in a list goes into an item */
    expect("<ul>stray <b>b</b><li>z</li></ul>", "div", 0,
           "<ul><li>stray <b>b</b></li><li>z</li></ul>", 0);
    expect("<dl><dt>term<dd>def</dl>", "div", 0, "<dl><dt>term</dt><dd>def</dd></dl>", 0);
    /* items outside lists */
    expect("<li>lonely</li>", "div", 0, "<div>lonely</div>", 0);
}

static void test_tables(void **state)
{
    (void)state;
    result r = run("<table><caption>C</caption><colgroup><col span=\"2\"></colgroup>"
                   "<thead><tr><th scope=\"col\" abbr=\"h\">H</th></tr></thead>"
                   "<tr><td colspan=\"2\" rowspan=\"x\">d</td></tr>junk</table>",
                   "div", 0);
    /* Text loose in a table is moved before it, as browsers do (HTML5 "foster parenting"). */
    assert_string_equal(r.xhtml, "junk<table><caption>C</caption><colgroup><col span=\"2\"/>"
                                 "</colgroup><thead><tr><th scope=\"col\">H</th></tr></thead>"
                                 "<tbody><tr><td colspan=\"2\">d</td></tr></tbody></table>");
    result_free(&r);
}

static void test_figure_details_ruby(void **state)
{
    (void)state;
    expect("<figure><img src=\"f.png\" alt=\"A fox\"><figcaption>The fox</figcaption></figure>",
           "div", 0,
           "<figure><img src=\"../images/f.png\" alt=\"A fox\"/><figcaption>The fox"
           "</figcaption></figure>",
           0);
    expect("<details open><summary>More</summary><p>body</p><summary>again</summary></details>",
           "div", 0,
           "<details open=\"open\"><summary>More</summary><p>body</p><p>again</p></details>", 0);
    expect("<ruby>\xE6\xBC\xA2<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>", "p", 1,
           "<ruby>\xE6\xBC\xA2<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>", 0);
}

static void test_unknown_elements_unwrapped(void **state)
{
    (void)state;
    expect("<my-widget data-x=\"1\">w</my-widget> <blink>b</blink> <o:p>office</o:p>", "p", 1,
           "w b office", 0);
}

static void test_inline_svg_math_dropped(void **state)
{
    (void)state;
    expect("<svg width=\"10\"><circle r=\"1\"/></svg><math><mi>x</mi></math><p>text</p>", "div", 0,
           "<p>text</p>", 2);
}

/*** attributes ***/

static void test_ids_claimed(void **state)
{
    (void)state;
    expect("<div id=\"intro\">a</div><div id=\"taken\">b</div><h2 id=\"refused\">c</h2>"
           "<span id=\"two words\">d</span><span id=\"bad\">e</span><a name=\"taken\">f</a>",
           "section", 0,
           "<div id=\"intro\">a</div><div id=\"taken-2\">b</div><h2>c</h2><span>d</span>"
           "<span>e</span><a id=\"taken-2\">f</a>",
           0);
}

static void test_lang_dir_class_title(void **state)
{
    (void)state;
    expect("<p lang=\"fr\" dir=\"RTL\" title=\"t\" class=\"ok bad$ x\">a</p>"
           "<p lang=\"C\" dir=\"sideways\" data-x=\"1\" role=\"note\" aria-hidden=\"true\">b</p>"
           "<bdo>c</bdo><bdo dir=\"rtl\">d</bdo>",
           "div", 0,
           "<p class=\"ok x\" title=\"t\" lang=\"fr\" xml:lang=\"fr\" dir=\"rtl\">a</p><p>b</p>"
           "<span>c</span><bdo dir=\"rtl\">d</bdo>",
           0);
}

/*** images ***/

static void test_images(void **state)
{
    (void)state;
    /* no alt: an empty one */
    expect("<img src=\"a.png\" title=\"T\" srcset=\"a2.png 2x\" loading=\"lazy\">", "p", 1,
           "<img src=\"../images/a.png\" alt=\"\" title=\"T\"/>", 0);
    /* cannot be embedded: the alt text stays; a remote one becomes a link */
    expect("<img src=\"missing.png\" alt=\"A lost cat\"> "
           "<img src=\"https://example.org/x.png\" alt=\"Remote\"> "
           "<img src=\"https://example.org/y.png\">",
           "p", 1,
           "A lost cat <a href=\"https://example.org/x.png\">Remote</a> "
           "<a href=\"https://example.org/y.png\">https://example.org/y.png</a>",
           0);
    /* in a block parent the remote link needs no paragraph of its own */
    expect("<img src=\"missing.png\">", "div", 0, "", 0);
    /* lazy loading: the real image is in data-src, the placeholder in noscript is dropped */
    expect("<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" data-src=\"real.png\" "
           "alt=\"lazy\"><noscript><img src=\"real.png\"></noscript>",
           "div", 0, "<img src=\"../images/real.png\" alt=\"lazy\"/>", 0);
    /* WebP: an object whose fallback is the alt text (see media.h) */
    expect("<img src=\"photo.webp\" alt=\"A photo\">", "p", 1,
           "<object data=\"../images/photo.webp\" type=\"image/webp\">A photo</object>", 0);
}

static void test_without_callbacks(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr p = xmlNewDocNode(doc, NULL, (const xmlChar *)"p", NULL);
    xmlDocSetRootElement(doc, p);
    sanitize_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    const char *html =
        "<a href=\"https://x.example/\" id=\"i\">l</a><img src=\"a.png\" alt=\"alt\">";
    assert_int_equal(sanitize_html_fragment(html, strlen(html), p, 1, &ctx), 0);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, p, 0, 0);
    assert_string_equal((const char *)xmlBufferContent(buf), "<p>lalt</p>");
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 20000; i++)
        strbuf_adds(&b, "<div><span>");
    strbuf_adds(&b, "deep");
    result r = run(b.data, "div", 0);
    assert_int_equal(r.rc, 0);
    assert_non_null(strstr(r.xhtml, "<div><span>"));
    result_free(&r);
    strbuf_release(&b);
}

/*** the HTML5 tree builder: raw HTML is parsed as a browser parses it ***/

static void test_html5_tree_building(void **state)
{
    (void)state;
    /* <figure> closes the open paragraph (HTML 4 parsers kept it inside) */
    expect("<p>Intro<figure><img src=\"f.png\" alt=\"F\"></figure>After</p>", "div", 0,
           "<p>Intro</p><figure><img src=\"../images/f.png\" alt=\"F\"/></figure>After<p/>",
           0);
    /* <source> is void: the <img> after it is its sibling, and is kept */
    expect("<picture><source srcset=\"a.webp\"><img src=\"a.png\" alt=\"A\"></picture>", "div",
           0, "<img src=\"../images/a.png\" alt=\"A\"/>", 0);
    /* a legacy entity without its semicolon is still the character */
    expect("<p>&copy 2024 &amp Co</p>", "div", 0, "<p>\u00a9 2024 &amp; Co</p>", 0);
    /* content after </body> and </html> belongs to the body */
    expect("<p>one</p></body></html><p>two</p>", "div", 0, "<p>one</p><p>two</p>", 0);
}

/* One element with 100,000 attributes: the first HTML5_MAX_ATTRS are read, in linear time
 * (gumbo's and libxml2's duplicate-attribute checks are quadratic: this took 40 s before). */
static void test_many_attributes(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "<p id=\"first\"");
    for (int i = 0; i < 100000; i++)
        strbuf_addf(&b, " a%d=\"x\"", i);
    strbuf_adds(&b, " class=\"late\">text</p>");
    double t0 = clock_now();
    result r = run(b.data, "div", 0);
    double t = clock_now() - t0;
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.xhtml, "<p id=\"first\">text</p>"); /* class came too late */
    assert_true(t < 5.0); /* a generous bound: linear takes ~0.05 s, quadratic 40 s */
    result_free(&r);
    strbuf_release(&b);
}

/* Each callback is told the line of the element it is called for, not the fragment's first
 * line, so that the messages of one raw HTML block name the line of what they are about. */
static void test_callback_lines(void **state)
{
    (void)state;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr div = xmlNewDocNode(doc, NULL, (const xmlChar *)"div", NULL);
    xmlDocSetRootElement(doc, div);
    strbuf calls = STRBUF_INIT;
    sanitize_ctx ctx = {cb_link, cb_image, cb_claim, &calls, NULL, "post.md", 10};
    const char *html = "<div id=\"top\">\n"
                       "<p>first</p>\n"
                       "<p><img src=\"missing.png\" alt=\"m\"></p>\n"
                       "\n"
                       "<p><a href=\"missing.txt\">n</a> and\n"
                       "<span id=\"later\">x</span></p>\n"
                       "</div>";
    assert_int_equal(sanitize_html_fragment(html, strlen(html), div, 0, &ctx), 0);
    assert_string_equal(calls.data, "id top@10 image missing.png@12 link missing.txt@14 "
                                    "id later@15 ");
    strbuf_release(&calls);
    xmlFreeDoc(doc);
}

int main(void)
{
    xmlInitParser();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_void_elements_and_entities),
        cmocka_unit_test(test_callback_lines),
        cmocka_unit_test(test_html5_void_elements),
        cmocka_unit_test(test_empty_fragments),
        cmocka_unit_test(test_declared_encoding_is_ignored),
        cmocka_unit_test(test_scripts_styles_handlers),
        cmocka_unit_test(test_script_urls),
        cmocka_unit_test(test_forms_dropped),
        cmocka_unit_test(test_iframe_becomes_link),
        cmocka_unit_test(test_media_embeds),
        cmocka_unit_test(test_obsolete_elements),
        cmocka_unit_test(test_obsolete_attributes),
        cmocka_unit_test(test_blocks_unwrapped_in_inline_parent),
        cmocka_unit_test(test_links_not_nested),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_figure_details_ruby),
        cmocka_unit_test(test_unknown_elements_unwrapped),
        cmocka_unit_test(test_inline_svg_math_dropped),
        cmocka_unit_test(test_ids_claimed),
        cmocka_unit_test(test_lang_dir_class_title),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_without_callbacks),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_html5_tree_building),
        cmocka_unit_test(test_many_attributes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
