/* test_frontmatter.c: finding the front matter block and reading its YAML into a meta. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/diag.h"
#include "readers/frontmatter.h"
#include "model/meta.h"
#include "base/util.h"

/*** splitting ***/

typedef struct split_result {
    int found;
    const char *yaml;
    size_t yaml_len, body_off;
    int body_line;
} split_result;

static split_result split(const char *text)
{
    split_result r = {0, NULL, 0, 0, 0};
    r.found = frontmatter_split(text, strlen(text), &r.yaml, &r.yaml_len, &r.body_off,
                                &r.body_line);
    return r;
}

static void test_split_basic(void **state)
{
    (void)state;
    const char *t = "---\ntitle: T\nauthor: A\n---\n# Body\n";
    split_result r = split(t);
    assert_int_equal(r.found, 1);
    assert_ptr_equal(r.yaml, t + 4);
    assert_int_equal(r.yaml_len, strlen("title: T\nauthor: A\n"));
    assert_string_equal(t + r.body_off, "# Body\n");
    assert_int_equal(r.body_line, 5);

    t = "---\ntitle: T\n...\nbody";
    r = split(t);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.yaml_len, 9);
    assert_string_equal(t + r.body_off, "body");
    assert_int_equal(r.body_line, 4);
}

static void test_split_edges(void **state)
{
    (void)state;
    /* empty front matter */
    const char *t = "---\n---\nbody";
    split_result r = split(t);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.yaml_len, 0);
    assert_string_equal(t + r.body_off, "body");
    assert_int_equal(r.body_line, 3);

    /* closing line at the end of the file, without a newline */
    t = "---\na: b\n---";
    r = split(t);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.body_off, strlen(t));
    assert_int_equal(r.body_line, 4);

    /* trailing blanks on the delimiters, CRLF line ends */
    t = "--- \r\na: b\r\n---\t\r\nbody";
    r = split(t);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.yaml_len, 6);
    assert_string_equal(t + r.body_off, "body");

    /* a "---" inside a value or an indented one does not close */
    t = "---\na: ---\n ---\nb: c\n---\nbody";
    r = split(t);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.body_line, 6);
}

static void test_split_none(void **state)
{
    (void)state;
    assert_int_equal(split("").found, 0);
    assert_int_equal(split("# Title\n").found, 0);
    assert_int_equal(split("---").found, 0);
    assert_int_equal(split("---\n").found, 0);
    assert_int_equal(split("---\ntitle: never closed\n").found, 0);
    assert_int_equal(split("\n---\na: b\n---\n").found, 0); /* not on the first line */
    assert_int_equal(split(" ---\na: b\n---\n").found, 0);
    assert_int_equal(split("----\na: b\n----\n").found, 0);
    assert_int_equal(split("--- x\na: b\n---\n").found, 0);
    /* pandoc: "---" then a blank line is a thematic break */
    assert_int_equal(split("---\n\nText\n---\n").found, 0);
    /* a closing line must be exactly --- or ... */
    assert_int_equal(split("---\na: b\n-- -\n....\n").found, 0);
}

/*** parsing ***/

static int parse(const char *yaml, int first_line, meta *m, diag_list *d)
{
    return frontmatter_parse(yaml, strlen(yaml), "talk.md", first_line, m, d);
}

/* Parse, expect one error at `line` whose message contains `want`. */
static void expect_error(const char *yaml, int line, const char *want)
{
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse(yaml, 2, &m, &d), -1);
    if (d.len != 1 || d.items[0].severity != DIAG_ERROR || d.items[0].line != line ||
        !strstr(d.items[0].message, want))
        fail_msg("for %s\nwanted one error at line %d with \"%s\", got %zu: line %d \"%s\"", yaml,
                 line, want, d.len, d.len ? d.items[0].line : 0,
                 d.len ? d.items[0].message : "");
    assert_string_equal(d.items[0].file, "talk.md");
    assert_non_null(strstr(d.items[0].message, "front matter: "));
    meta_free(&m);
    diag_list_clear(&d);
}

static void test_parse_all_fields(void **state)
{
    (void)state;
    const char *yaml = "title: \"Go Time #100: Ask us anything\"\n"
                       "subtitle: With the panel\n"
                       "author:\n"
                       "  - Mat Ryer\n"
                       "  - name: Jon Calhoun\n"
                       "    affiliation: Gophercises\n"
                       "editor: Jerod Santo\n"
                       "date: 2019-09-12\n"
                       "lang: en-US\n"
                       "dir: ltr\n"
                       "description: |\n"
                       "  Line one\n"
                       "  Line two\n"
                       "publisher: Changelog Media\n"
                       "source: https://changelog.com/gotime/100\n"
                       "identifier: urn:isbn:9780000000000\n"
                       "rights: CC BY-SA 4.0\n"
                       "tags: [go, podcast]\n"
                       "cover: images/cover.jpg\n";
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse(yaml, 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    assert_string_equal(m.title, "Go Time #100: Ask us anything");
    assert_int_equal(m.line_title, 2);
    assert_string_equal(m.subtitle, "With the panel");
    assert_int_equal(m.authors.len, 2);
    assert_string_equal(m.authors.items[0], "Mat Ryer");
    assert_string_equal(m.authors.items[1], "Jon Calhoun");
    assert_int_equal(m.editors.len, 1);
    assert_string_equal(m.editors.items[0], "Jerod Santo");
    assert_string_equal(m.date, "2019-09-12");
    assert_string_equal(m.lang, "en-US");
    assert_string_equal(m.dir, "ltr");
    assert_string_equal(m.description, "Line one\nLine two");
    assert_string_equal(m.publisher, "Changelog Media");
    assert_string_equal(m.source, "https://changelog.com/gotime/100");
    assert_string_equal(m.identifier, "urn:isbn:9780000000000");
    assert_string_equal(m.rights, "CC BY-SA 4.0");
    assert_int_equal(m.tags.len, 2);
    assert_string_equal(m.tags.items[1], "podcast");
    assert_string_equal(m.cover, "images/cover.jpg");
    meta_free(&m);
}

static void test_parse_synonyms_and_case(void **state)
{
    (void)state;
    const char *yaml = "Title: Hugo post\n"
                       "authors: Ann\n"
                       "author: Bob\n"
                       "editors: [Cy, Di]\n"
                       "language: de\n"
                       "summary: Short\n"
                       "url: https://example.org/post\n"
                       "keywords: one, two words , ,three\n"
                       "DIR: RTL\n";
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse(yaml, 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    assert_string_equal(m.title, "Hugo post");
    assert_int_equal(m.authors.len, 2); /* author and authors add up */
    assert_string_equal(m.authors.items[0], "Ann");
    assert_string_equal(m.authors.items[1], "Bob");
    assert_int_equal(m.editors.len, 2);
    assert_string_equal(m.lang, "de");
    assert_string_equal(m.description, "Short");
    assert_string_equal(m.source, "https://example.org/post");
    assert_int_equal(m.tags.len, 3); /* a text of tags is split at commas */
    assert_string_equal(m.tags.items[0], "one");
    assert_string_equal(m.tags.items[1], "two words");
    assert_string_equal(m.tags.items[2], "three");
    assert_string_equal(m.dir, "rtl");
    meta_free(&m);
}

static void test_parse_unknown_null_empty(void **state)
{
    (void)state;
    /* Hugo and Jekyll keys are ignored; empty and null values are "not given" */
    const char *yaml = "draft: true\n"
                       "weight: 10\n"
                       "categories: [a, b]\n"
                       "params: {x: {y: z}}\n"
                       "layout: post\n"
                       "title:\n"
                       "subtitle: ~\n"
                       "date: null\n"
                       "author: []\n"
                       "tags: \"\"\n"
                       "publisher: '  '\n"
                       "speakers:\n";
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    meta_set(&m.title, "kept");
    assert_int_equal(parse(yaml, 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    assert_string_equal(m.title, "kept");
    assert_null(m.subtitle);
    assert_null(m.date);
    assert_null(m.publisher);
    assert_int_equal(m.authors.len, 0);
    assert_int_equal(m.tags.len, 0);
    assert_int_equal(m.speakers.len, 0);
    meta_free(&m);

    /* a quoted "null" is text */
    meta_init(&m);
    assert_int_equal(parse("title: 'null'\n", 2, &m, &d), 0);
    assert_string_equal(m.title, "null");
    meta_free(&m);

    /* empty front matter, or only comments */
    meta_init(&m);
    assert_int_equal(parse("", 2, &m, &d), 0);
    assert_int_equal(parse("# just a comment\n", 2, &m, &d), 0);
    assert_int_equal(parse("~\n", 2, &m, &d), 0);
    assert_int_equal(frontmatter_parse(NULL, 0, "talk.md", 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    meta_free(&m);
}

static void test_parse_dates(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } ok[] = {
        {"2019", "2019"},
        {"2019-09", "2019-09"},
        {"2019-09-12", "2019-09-12"},
        {"2020-02-29", "2020-02-29"},
        {"2000-02-29", "2000-02-29"},
        {"2019-12-31T23:59:59Z", "2019-12-31"},
        {"2019-09-12T10:20", "2019-09-12"},
        {"2019-09-12t10:20:30z", "2019-09-12"},
        {"2019-09-12T10:20:30.123+02:00", "2019-09-12"},
        {"2019-09-12T10:20:30-0700", "2019-09-12"},
        {"2019-09-12 10:20:30 -0700", "2019-09-12"}, /* Jekyll */
        {"2019-09-12 10:20:30 +05", "2019-09-12"},
        {"'2019-09-12'", "2019-09-12"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char yaml[128];
        snprintf(yaml, sizeof yaml, "date: %s\n", ok[i].in);
        meta m;
        diag_list d = DIAG_LIST_INIT;
        meta_init(&m);
        if (parse(yaml, 2, &m, &d) != 0 || !m.date || strcmp(m.date, ok[i].want) != 0)
            fail_msg("date %s: got %s (%s)", ok[i].in, m.date ? m.date : "NULL",
                     d.len ? d.items[0].message : "");
        meta_free(&m);
        diag_list_clear(&d);
    }
    /* the shapes Jekyll and Hugo also take */
    static const struct {
        const char *in, *want;
    } loose[] = {
        {"2019-9", "2019-09"},         {"2019-09-1", "2019-09-01"},
        {"2019/09/12", "2019-09-12"},  {"2019-09-12T10:20:30 PST", "2019-09-12"},
        {"2019-04-25 9:00:00", "2019-04-25"}, {"Sep 12, 2019", "2019-09-12"},
    };
    for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++) {
        char yaml[128];
        snprintf(yaml, sizeof yaml, "date: %s\n", loose[i].in);
        meta m;
        diag_list d = DIAG_LIST_INIT;
        meta_init(&m);
        if (parse(yaml, 2, &m, &d) != 0 || !m.date || strcmp(m.date, loose[i].want) != 0 || d.len)
            fail_msg("date %s: got %s", loose[i].in, m.date ? m.date : "NULL");
        meta_free(&m);
        diag_list_clear(&d);
    }
    /* a date that cannot be used is left out with a warning: it never costs the article */
    static const char *const bad[] = {
        "next week", "19", "201", "20190", "2019-13", "2019-00", "2019-00-10", "2019-09-31",
        "2019-02-29", "1900-02-29", "2019-09-00", "12.09.2019", "2019-09-12T",
        "2019-09-12T25:00", "2019-09-12T10:60", "2019-09-12T10", "2019-09-12T10:20:30+25:00",
        "2019-09-12x", "2019-09-12T10:20:", "0000", "0999-12-31",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char yaml[128], want[128];
        snprintf(yaml, sizeof yaml, "title: T\ndate: \"%s\"\n", bad[i]);
        snprintf(want, sizeof want, "'date' \"%s\"", bad[i]);
        meta m;
        diag_list d = DIAG_LIST_INIT;
        meta_init(&m);
        if (parse(yaml, 2, &m, &d) != 0 || m.date || d.len != 1 ||
            d.items[0].severity != DIAG_WARNING || d.items[0].line != 3 ||
            !strstr(d.items[0].message, want))
            fail_msg("date %s: wanted one warning at line 3, got %zu: %s", bad[i], d.len,
                     d.len ? d.items[0].message : "");
        assert_string_equal(m.title, "T");
        meta_free(&m);
        diag_list_clear(&d);
    }
    expect_error("date: [2019]\n", 2, "'date' must be a text, got a list");
}

static void test_parse_lang_dir(void **state)
{
    (void)state;
    expect_error("lang: en_US\n", 2, "'lang' must be a BCP 47 language tag, got \"en_US\"; "
                                     "write \"en-US\"");
    expect_error("\nlanguage: english\n", 3,
                 "'language' must be a BCP 47 language tag such as en, de or pt-BR, got "
                 "\"english\"");
    expect_error("lang: C\n", 2, "got \"C\"");
    expect_error("lang: {a: b}\n", 2, "'lang' must be a text, got a mapping");
    expect_error("dir: up\n", 2, "'dir' must be ltr or rtl, got \"up\"");

    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse("lang: zh-Hant-TW\n", 2, &m, &d), 0);
    assert_string_equal(m.lang, "zh-Hant-TW");
    meta_free(&m);
}

static void test_parse_wrong_types(void **state)
{
    (void)state;
    expect_error("title: [a, b]\n", 2, "'title' must be a text, got a list");
    expect_error("a: 1\nsubtitle:\n  x: y\n", 4, "'subtitle' must be a text, got a mapping");
    expect_error("author: {name: x}\n", 2, "'author' must be a name or a list of names");
    expect_error("authors:\n  - Ann\n  - [Bob]\n", 4,
                 "entry 2 of 'authors' must be a name (or a mapping with 'name: ...'), got a list");
    expect_error("authors:\n  - affiliation: X\n", 3,
                 "entry 1 of 'authors' must be a name (or a mapping with 'name: ...'), got a "
                 "mapping without 'name'");
    expect_error("tags: {a: b}\n", 2, "'tags' must be a list of tags, got a mapping");
    expect_error("tags:\n  - a\n  - {b: c}\n", 4, "entry 2 of 'tags' must be a tag, got a mapping");
    expect_error("cover: [a]\n", 2, "'cover' must be a text");
    /* two bad entries on one line: two messages that say which entry, not one message twice */
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse("authors: [Ann, [a], [b]]\n", 2, &m, &d), -1);
    assert_int_equal(d.len, 2);
    assert_non_null(strstr(d.items[0].message, "entry 2 of 'authors'"));
    assert_non_null(strstr(d.items[1].message, "entry 3 of 'authors'"));
    meta_free(&m);
    diag_list_clear(&d);
    expect_error("speakers: Ann\n", 2, "'speakers' must be a mapping");
}

static void test_parse_speakers(void **state)
{
    (void)state;
    meta m;
    diag_list d = DIAG_LIST_INIT;
    const char *yaml = "speakers:\n"
                       "  KB: Kevin Ball\n"
                       "  Jerod:\n"
                       "    name: Jerod Santo\n"
                       "    role: host\n"
                       "  Amal: {name: Amal Hussein, role: Interviewee}\n"
                       "  Nick:\n";
    meta_init(&m);
    assert_int_equal(parse(yaml, 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    assert_int_equal(m.speakers.len, 4);
    assert_string_equal(m.speakers.items[0].label, "KB");
    assert_string_equal(m.speakers.items[0].name, "Kevin Ball");
    assert_int_equal(m.speakers.items[0].role, SPEAKER_ROLE_UNKNOWN);
    assert_string_equal(m.speakers.items[1].label, "Jerod");
    assert_string_equal(m.speakers.items[1].name, "Jerod Santo");
    assert_int_equal(m.speakers.items[1].role, SPEAKER_ROLE_HOST);
    assert_int_equal(m.speakers.items[2].role, SPEAKER_ROLE_GUEST);
    assert_string_equal(m.speakers.items[3].name, "Nick"); /* no name: the label */
    meta_free(&m);

    yaml = "speakers:\n"
           "  - Mat Ryer\n"
           "  - {name: Jon Calhoun, label: JC, role: interviewer}\n"
           "  - name: Johnny Boursiquot\n"
           "    role: guest\n"
           "  - label: X\n";
    meta_init(&m);
    assert_int_equal(parse(yaml, 2, &m, &d), 0);
    assert_int_equal(d.len, 0);
    assert_int_equal(m.speakers.len, 4);
    assert_string_equal(m.speakers.items[0].label, "Mat Ryer");
    assert_string_equal(m.speakers.items[0].name, "Mat Ryer");
    assert_string_equal(m.speakers.items[1].label, "JC");
    assert_string_equal(m.speakers.items[1].name, "Jon Calhoun");
    assert_int_equal(m.speakers.items[1].role, SPEAKER_ROLE_HOST);
    assert_string_equal(m.speakers.items[2].label, "Johnny Boursiquot");
    assert_int_equal(m.speakers.items[2].role, SPEAKER_ROLE_GUEST);
    assert_string_equal(m.speakers.items[3].name, "X");
    meta_free(&m);

    /* an unknown role is a warning, not an error */
    meta_init(&m);
    assert_int_equal(parse("speakers:\n  KB: {name: Kevin, role: moderator}\n", 2, &m, &d), 0);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_int_equal(d.items[0].line, 3);
    assert_non_null(strstr(d.items[0].message, "\"moderator\""));
    assert_int_equal(m.speakers.len, 1);
    assert_int_equal(m.speakers.items[0].role, SPEAKER_ROLE_UNKNOWN);
    meta_free(&m);
    diag_list_clear(&d);

    expect_error("speakers:\n  - {role: host}\n", 3, "each speaker needs a 'name'");
    expect_error("speakers:\n  - [a]\n", 3, "entry 1 of 'speakers' must be a name");
    expect_error("speakers:\n  KB: [a]\n", 3, "speaker 'KB' must be a full name");
    expect_error("speakers:\n  KB: {name: [a]}\n", 3, "'name' must be a text");
    expect_error("speakers:\n  KB: {role: [a]}\n", 3, "'role' must be a text");
    expect_error("speakers:\n  ? [a]\n  : b\n", 3, "needs a label");
}

static void test_parse_malformed_yaml(void **state)
{
    (void)state;
    /* libyaml's line, moved to the file's: the YAML starts on file line 2 */
    expect_error("title: [unclosed\nauthor: x\n", 3, "not valid YAML");
    expect_error("title: ok\nauthor: a: b\n", 3, "not valid YAML (mapping values are not allowed");
    expect_error("title: x\n\tauthor: y\n", 3, "not valid YAML");
    expect_error("title: \"open\n", 3, "not valid YAML");
    expect_error("a: 1\nb: 2\n c: 3\n", 4, "not valid YAML");

    /* first_line shifts every line */
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse("a: 1\nb: [\n", 10, &m, &d), -1);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].line, 12);
    meta_free(&m);
    diag_list_clear(&d);

    expect_error("- a\n- b\n", 2, "must be 'key: value' lines");
    expect_error("just text\n", 2, "must be 'key: value' lines");
    expect_error("a: 1\n---\nb: 2\n", 3, "more than one YAML document");
}

static void test_parse_duplicates_and_several_errors(void **state)
{
    (void)state;
    expect_error("title: A\nauthor: x\ntitle: B\n", 4,
                 "'title' is given twice (also on line 2); keep one");
    expect_error("title: A\nTITLE: B\n", 3, "is given twice");

    /* every error is reported, not only the first */
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse("date: soon\ntitle: fine\nlang: xx_yy_zz\n", 2, &m, &d), -1);
    assert_int_equal(d.len, 2);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[1].line, 4);
    assert_string_equal(m.title, "fine");
    meta_free(&m);
    diag_list_clear(&d);
}

static void test_parse_limits(void **state)
{
    (void)state;
    /* aliases are refused, wherever they are */
    expect_error("a: &x [1, 2]\nb: *x\n", 3, "YAML aliases (*x) are not supported");
    expect_error("title: T\nextra:\n  - &a lol\n  - [*a, *a]\n", 5, "aliases");
    /* an anchor alone is harmless */
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse("title: &t Anchored\n", 2, &m, &d), 0);
    assert_string_equal(m.title, "Anchored");
    meta_free(&m);

    /* nesting: the top mapping is level 1; 64 levels pass, 65 do not */
    strbuf y = STRBUF_INIT;
    strbuf_adds(&y, "title: T\nx: ");
    for (int i = 0; i < 63; i++)
        strbuf_addc(&y, '[');
    for (int i = 0; i < 63; i++)
        strbuf_addc(&y, ']');
    strbuf_addc(&y, '\n');
    meta_init(&m);
    assert_int_equal(parse(y.data, 2, &m, &d), 0);
    assert_string_equal(m.title, "T");
    meta_free(&m);
    strbuf_release(&y);
    strbuf_adds(&y, "title: T\nx: ");
    for (int i = 0; i < 100000; i++)
        strbuf_addc(&y, '[');
    expect_error(y.data, 3, "nests deeper than 64 levels");
    strbuf_release(&y);

    /* more than 1 MiB is refused before parsing */
    size_t big = FRONTMATTER_MAX_SIZE + 1;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, '#', big);
    text[big] = '\0';
    meta_init(&m);
    assert_int_equal(frontmatter_parse(text, big, "talk.md", 2, &m, &d), -1);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].line, 2);
    assert_non_null(strstr(d.items[0].message, "larger than 1 MiB"));
    diag_list_clear(&d);
    /* exactly 1 MiB (a comment) is fine */
    assert_int_equal(frontmatter_parse(text, big - 1, "talk.md", 2, &m, &d), 0);
    meta_free(&m);
    diag_list_clear(&d);
    free(text);
}

static void test_parse_long_value_shortened(void **state)
{
    (void)state;
    strbuf y = STRBUF_INIT;
    strbuf_adds(&y, "date: \"");
    for (int i = 0; i < 200; i++)
        strbuf_adds(&y, "\xC3\xA9");
    strbuf_adds(&y, "\"\n");
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(parse(y.data, 2, &m, &d), 0); /* a date never costs the article */
    assert_int_equal(d.len, 1);
    assert_true(strlen(d.items[0].message) < 250);
    assert_non_null(strstr(d.items[0].message, "\xC3\xA9...\""));
    meta_free(&m);
    diag_list_clear(&d);
    strbuf_release(&y);
}

static void test_split_then_parse(void **state)
{
    (void)state;
    /* the line numbers a caller gets: YAML from file line 2 */
    const char *t = "---\ntitle: T\ndate: someday\n---\n# Body\n";
    split_result r = split(t);
    assert_int_equal(r.found, 1);
    meta m;
    diag_list d = DIAG_LIST_INIT;
    meta_init(&m);
    assert_int_equal(frontmatter_parse(r.yaml, r.yaml_len, "post.md", 2, &m, &d), 0);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].severity, DIAG_WARNING);
    assert_string_equal(d.items[0].file, "post.md");
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(m.line_title, 2);
    meta_free(&m);
    diag_list_clear(&d);
}


/* Mutated front matter never crashes, and -1 always comes with an error a person can read. */
static void test_parse_mutations(void **state)
{
    (void)state;
    static const char base[] = "title: \"T: x\"\nauthors:\n  - Ann\n  - {name: Bob}\n"
                               "date: 2019-09-12T10:00:00Z\nlang: pt-BR\ntags: [a, b]\n"
                               "speakers:\n  KB: {name: Kevin Ball, role: host}\n"
                               "a: &x 1\nb: [[{c: d}]]\n";
    static const char alphabet[] = ":-[]{},&*!|>'\"#? \n\tx0~%@`";
    uint32_t seed = 42;
    char buf[sizeof base + 8];
    {
        meta m;
        diag_list d = DIAG_LIST_INIT;
        meta_init(&m);
        assert_int_equal(frontmatter_parse(base, sizeof base - 1, "f.md", 2, &m, &d), 0);
        assert_int_equal(m.speakers.len, 1);
        meta_free(&m);
        diag_list_clear(&d);
    }
    for (int round = 0; round < 20000; round++) {
        memcpy(buf, base, sizeof base);
        size_t n = sizeof base - 1;
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % n;
            buf[pos] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
        }
        meta m;
        diag_list d = DIAG_LIST_INIT;
        meta_init(&m);
        int r = frontmatter_parse(buf, n, "f.md", 2, &m, &d);
        assert_true(r == 0 || r == -1);
        if (r == -1) {
            assert_true(diag_list_count_at_least(&d, DIAG_ERROR) >= 1);
            for (size_t i = 0; i < d.len; i++)
                assert_true(d.items[i].line >= 2 && d.items[i].line <= 2 + 16);
        } else {
            assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 0);
        }
        meta_free(&m);
        diag_list_clear(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_basic),
        cmocka_unit_test(test_split_edges),
        cmocka_unit_test(test_split_none),
        cmocka_unit_test(test_parse_all_fields),
        cmocka_unit_test(test_parse_synonyms_and_case),
        cmocka_unit_test(test_parse_unknown_null_empty),
        cmocka_unit_test(test_parse_dates),
        cmocka_unit_test(test_parse_lang_dir),
        cmocka_unit_test(test_parse_wrong_types),
        cmocka_unit_test(test_parse_speakers),
        cmocka_unit_test(test_parse_malformed_yaml),
        cmocka_unit_test(test_parse_duplicates_and_several_errors),
        cmocka_unit_test(test_parse_limits),
        cmocka_unit_test(test_parse_long_value_shortened),
        cmocka_unit_test(test_split_then_parse),
        cmocka_unit_test(test_parse_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
