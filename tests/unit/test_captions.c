/* test_captions.c: the cue model (times, markup, labels), the caption readers' tolerance, and
 * the joining of cues into prose (readers/cues.c, vtt.c, srt.c, podjson.c, captions.c), on
 * small inputs written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/html5.h"
#include "readers/captions.h"
#include "readers/htmlcues.h"
#include "readers/cues.h"
#include "readers/podjson.h"
#include "readers/reader.h"
#include "readers/srt.h"
#include "readers/vtt.h"

/*** times ***/

static long long time_of(const char *s)
{
    long long ms = -1;
    size_t n = cue_time_parse(s, strlen(s), &ms);
    return n == strlen(s) ? ms : -2;
}

static void test_times(void **state)
{
    (void)state;
    assert_int_equal(time_of("00:01:02.500"), 62500);
    assert_int_equal(time_of("01:02.5"), 62500);
    assert_int_equal(time_of("0.860"), 860);
    assert_int_equal(time_of("7"), 7000);
    assert_int_equal(time_of("00:00:01,250"), 1250);
    assert_int_equal(time_of("100:00:00.000"), 360000000LL);
    assert_int_equal(time_of("1:02:03.123456789"), 3723123);
    /* minutes and seconds after a colon stay below 60; letters are no time */
    assert_int_equal(time_of("00:61:00.000"), -2);
    assert_int_equal(time_of("00:00:0x.000"), -2);
    long long ms;
    assert_int_equal(cue_time_parse("", 0, &ms), 0);
    assert_int_equal(time_of("1:2:3:4"), -2);
    assert_int_equal(time_of("12345678901"), -2);

    long long a, b;
    assert_true(cue_timing_parse("0.860 --> 7.380 align:start", 27, &a, &b));
    assert_int_equal(a, 860);
    assert_int_equal(b, 7380);
    assert_true(cue_timing_parse("00:00:03,450 --> 00:00:04,410  X1:40 X2:600", 43, &a, &b));
    assert_int_equal(b, 4410);
    assert_false(cue_timing_parse("00:00:01.000 -> 00:00:02.000", 28, &a, &b));
    assert_false(cue_timing_parse("00:00:01.000 --> soon", 21, &a, &b));
    assert_true(cue_line_timing_like("00:00:01.000 -> 00:00:02.000", 28));
    assert_false(cue_line_timing_like("a -> b is a rule", 16));

    char buf[24];
    cue_time_format(62500, 0, buf);
    assert_string_equal(buf, "01:02");
    cue_time_format(3723000, 1, buf);
    assert_string_equal(buf, "1:02:03");
    cue_time_format(62500, 1, buf);
    assert_string_equal(buf, "0:01:02");
    cue_time_format(6000000, 0, buf);
    assert_string_equal(buf, "100:00");
}

/*** markup ***/

static char *reduce(cue_list *l, const char *s, int flags, const char **voice, size_t *pos)
{
    strbuf b = STRBUF_INIT;
    int em = 0, strong = 0;
    size_t p = pos ? *pos : 0;
    cue_markup_reduce(l, s, strlen(s), &p, flags, &b, voice, &em, &strong);
    if (pos)
        *pos = p;
    strbuf_addc(&b, '\0');
    return strbuf_detach(&b, NULL);
}

static void test_markup(void **state)
{
    (void)state;
    cue_list l;
    cue_list_init(&l);
    char *t = reduce(&l,
                     "<i>so</i> &amp; <b>then</b> <c.yellow>saw</c><00:00:01.000> dust "
                     "&lt;3 a < b &#233;&#x1F600; &bogus; <ruby>k<rt>ka</rt></ruby>",
                     CUE_MARKUP_VTT, NULL, NULL);
    assert_string_equal(t, "\x01so\x02 & \x03then\x04 saw dust <3 a < b \xc3\xa9\xf0\x9f\x98\x80 "
                           "&bogus; k");
    free(t);
    /* a character reference to what XML cannot hold becomes U+FFFD */
    t = reduce(&l, "a&#0;b&#xD800;c", CUE_MARKUP_VTT, NULL, NULL);
    assert_string_equal(t, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
    free(t);
    /* unclosed emphasis is closed at the end */
    t = reduce(&l, "<i>open", CUE_MARKUP_VTT, NULL, NULL);
    assert_string_equal(t, "\x01open\x02");
    free(t);
    /* SubRip: tags and {\an8} codes, no character references */
    t = reduce(&l, "{\\an8}<font color=\"#fff\"><i>Hi</i></font> &amp;", CUE_MARKUP_SRT, NULL,
               NULL);
    assert_string_equal(t, "\x01Hi\x02 &amp;");
    free(t);
    /* a voice tag stops the reduction, naming the voice */
    const char *voice = NULL;
    size_t pos = 0;
    const char *two = "<v Ana>Hi</v>\n<v.loud Bo Li>Hello";
    t = reduce(&l, two, CUE_MARKUP_VTT, &voice, &pos);
    assert_string_equal(t, "");
    assert_string_equal(voice, "Ana");
    free(t);
    t = reduce(&l, two, CUE_MARKUP_VTT, &voice, &pos);
    assert_string_equal(t, "Hi\n");
    assert_string_equal(voice, "Bo Li");
    free(t);
    /* labels are interned: one pointer per label */
    assert_ptr_equal(cue_label_intern(&l, " Ana ", 5), cue_label_intern(&l, "Ana", 3));
    assert_null(cue_label_intern(&l, "  ", 2));
    cue_list_free(&l);
}

/*** labels and dashes ***/

static void add(cue_list *l, long long start, const char *text)
{
    cue_list_add(l, start, start + 1000, NULL, text, strlen(text), 0);
}

static void test_settle_labels(void **state)
{
    (void)state;
    cue_list l;
    cue_list_init(&l);
    add(&l, 0, "[SPEAKER_02]: First words.");
    add(&l, 1000, "Unknown: A question?");
    add(&l, 2000, "Dr. Ada Lind: An answer. She said: no.");
    add(&l, 3000, "Note: this is speech, not a label.");
    add(&l, 4000, "[Music]");
    add(&l, 5000, "- Hi.\n- Hello.");
    add(&l, 6000, "spk_0: lower case, but generic");
    add(&l, 7000, "\x03Time: 10:30\x04");
    cue_list_settle(&l);
    assert_string_equal(l.items[0].speaker, "SPEAKER_02");
    assert_string_equal(l.items[0].text, "First words.");
    assert_string_equal(l.items[1].speaker, "Unknown");
    /* one name-shaped label, once, in a file with no recurring labels: not a label */
    assert_null(l.items[2].speaker);
    assert_null(l.items[3].speaker);
    assert_string_equal(l.items[3].text, "Note: this is speech, not a label.");
    assert_null(l.items[4].speaker);
    assert_string_equal(l.items[5].text, "\x05Hi.\n\x05Hello.");
    assert_string_equal(l.items[6].speaker, "spk_0");
    assert_null(l.items[7].speaker);
    cue_list_free(&l);

    /* two recurring names make a labelled transcript: a name said once is a label too, and a
     * "Name:" shape later in a cue is speech */
    cue_list_init(&l);
    add(&l, 0, "Ana Ruiz: One.");
    add(&l, 1000, "Bo Li: Two. He wrote Warning: none.");
    add(&l, 2000, "Ana Ruiz: Three.");
    add(&l, 3000, "Bo Li: Four.");
    add(&l, 4000, "Cleo: Five.");
    add(&l, 5000, "\x01" "Ana Ruiz:\x02 Six.");
    cue_list_settle(&l);
    assert_string_equal(l.items[1].text, "Two. He wrote Warning: none.");
    assert_string_equal(l.items[4].speaker, "Cleo");
    assert_string_equal(l.items[5].speaker, "Ana Ruiz");
    assert_string_equal(l.items[5].text, "Six.");
    cue_list_free(&l);
}

/*** prose ***/

/* Build prose from cues given as (start ms, speaker or NULL, text) and return a->text. */
typedef struct spec {
    long long start;
    const char *speaker;
    const char *text;
} spec;

static char *prose(const spec *s, size_t n, build_options *o, speaker_list *cast)
{
    cue_list l;
    cue_list_init(&l);
    for (size_t i = 0; i < n; i++)
        cue_list_add(&l, s[i].start, s[i].start + 900,
                     s[i].speaker ? cue_label_intern(&l, s[i].speaker, strlen(s[i].speaker))
                                  : NULL,
                     s[i].text, strlen(s[i].text), (int)i + 1);
    cue_list_settle(&l);
    article *a = article_new(0);
    build_options def;
    build_options_init(&def);
    int rc = captions_build(a, &l, NULL, o ? o : &def);
    char *out = rc == 0 ? xstrdup(a->text) : NULL;
    if (cast)
        speaker_list_copy(cast, &a->cast);
    article_free(a);
    cue_list_free(&l);
    build_options_free(&def);
    return out;
}

static void test_join(void **state)
{
    (void)state;
    const spec words[] = {{0, "Lea", "So"},     {300, "Lea", ","},    {310, "Lea", " "},
                          {320, "Lea", "where"}, {600, "Lea", "do"},  {800, "Lea", "we"},
                          {1000, "Lea", "go"},   {1400, "Lea", "?"}};
    char *t = prose(words, 8, NULL, NULL);
    assert_string_equal(t, "So, where do we go?\n\n");
    free(t);
    const spec lines[] = {{0, NULL, "A well-\nknown (\nquiet\n) shop, \"the\nbest\" in"},
                          {1000, NULL, "town... I think..."},
                          {2000, NULL, "...or so -- they said. It's 'fine' -"},
                          {3000, NULL, "isn't it?"}};
    t = prose(lines, 4, NULL, NULL);
    assert_string_equal(t, "[00:00] A well-known (quiet) shop, \xe2\x80\x9cthe best\xe2\x80\x9d in town\xe2\x80\xa6 I "
                           "think\xe2\x80\xa6 or so \xe2\x80\x93 they said. It\xe2\x80\x99s "
                           "\xe2\x80\x98" "fine\xe2\x80\x99 - isn\xe2\x80\x99t it?\n\n" + 8);
    free(t);
}

static void test_turns_and_duplicates(void **state)
{
    (void)state;
    const spec s[] = {{0, "A", "One."},       {0, "A", "One."},     {1000, NULL, "Two."},
                      {2000, "B", "Three."},  {3000, "A", "Four."}, {3000, "A", "Four."}};
    speaker_list cast = {0};
    char *t = prose(s, 6, NULL, &cast);
    assert_string_equal(t, "One. Two.\n\nThree.\n\nFour.\n\n");
    assert_int_equal(cast.len, 2);
    assert_string_equal(cast.items[0].name, "A");
    assert_string_equal(cast.items[1].name, "B");
    speaker_list_clear(&cast);
    free(t);
    /* roll-up captions: a held line and a repeated first line appear once */
    const spec roll[] = {{0, NULL, "the first kiln"},
                         {2000, NULL, "the first kiln"},
                         {2010, NULL, "the first kiln\nfell over"}};
    cue_list l;
    cue_list_init(&l);
    cue_list_add(&l, 0, 2000, NULL, roll[0].text, strlen(roll[0].text), 1);
    cue_list_add(&l, 2000, 2010, NULL, roll[1].text, strlen(roll[1].text), 2);
    cue_list_add(&l, 2010, 4000, NULL, roll[2].text, strlen(roll[2].text), 3);
    article *a = article_new(0);
    build_options o;
    build_options_init(&o);
    o.timestamps_drop = 1;
    assert_int_equal(captions_build(a, &l, NULL, &o), 0);
    assert_string_equal(a->text, "the first kiln fell over\n\n");
    article_free(a);
    cue_list_free(&l);
    build_options_free(&o);
}

static void test_paragraphs(void **state)
{
    (void)state;
    /* sentences of 100 bytes: the paragraph is cut at the first sentence end past 640 bytes,
     * not at "Mr." and not inside a sentence */
    strbuf b = STRBUF_INIT;
    for (int i = 0; i < 6; i++)
        strbuf_adds(&b, "This sentence is written to be exactly one hundred bytes long, so that "
                        "the count is easy to do. ");
    strbuf_adds(&b, "Then Mr. Hale, of the evening class, said that a potter's real tool is the "
                    "calendar and not the wheel. And that was that.");
    spec s[] = {{0, "A", b.data}};
    build_options o;
    build_options_init(&o);
    o.timestamps_drop = 1;
    char *t = prose(s, 1, &o, NULL);
    const char *cut = strstr(t, "\n\n");
    assert_non_null(cut);
    assert_true(strncmp(cut - 6, "wheel.", 6) == 0);
    assert_string_equal(cut, "\n\nAnd that was that.\n\n");
    free(t);
    /* a long pause ends a paragraph where a sentence ends, not elsewhere */
    const spec p[] = {{0, "A", "First thought."},
                      {5000, "A", "Second thought, with"},
                      {10000, "A", "a pause inside it."}};
    t = prose(p, 3, &o, NULL);
    assert_string_equal(t, "First thought.\n\nSecond thought, with a pause inside it.\n\n");
    free(t);
    strbuf_release(&b);
    build_options_free(&o);
}

/*** readers ***/

static void test_readers_tolerate(void **state)
{
    (void)state;
    diag_list d = DIAG_LIST_INIT;
    cue_list l;
    /* a blank line inside a cue: the text stays with its cue, with one warning */
    const char *vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>One\n\ntwo\n\n"
                      "00:03.000 --> 00:04.000\nthree\n00:05.000 --> 00:06.000\nfour";
    cue_list_init(&l);
    assert_int_equal(vtt_parse(vtt, strlen(vtt), "t.vtt", &l, &d), 0);
    assert_int_equal(l.len, 4);
    assert_string_equal(l.items[1].text, "two");
    assert_int_equal(l.items[1].start, 1000);
    assert_int_equal(l.items[3].start, 5000);
    assert_int_equal(d.len, 1);
    assert_int_equal(d.items[0].line, 6);
    cue_list_free(&l);
    diag_list_clear(&d);
    /* SubRip without numbers, with '.' decimals and a missing blank line before a number */
    const char *srt = "00:00:01.000 --> 00:00:02.000\nOne\n2\n00:00:03,000 --> 00:00:04,000\n"
                      "<i>Two</i>\n";
    cue_list_init(&l);
    assert_int_equal(srt_parse(srt, strlen(srt), "t.srt", &l, &d), 0);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[1].text, "\x01Two\x02");
    assert_int_equal(l.items[1].line, 4);
    cue_list_free(&l);
    assert_int_equal(d.len, 0);
    /* JSON: a bare list of segments, times as strings, a number as speaker */
    const char *json = "[{\"speaker\": 1, \"start\": \"00:00:01.5\", \"text\": \"Hi\"},"
                       " {\"speaker\": null, \"start\": 2, \"end\": 1, \"body\": \"\\u0001there\"}]";
    cue_list_init(&l);
    assert_int_equal(podjson_parse(json, strlen(json), "t.json", &l, &d), 0);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].speaker, "Speaker 1");
    assert_int_equal(l.items[0].start, 1500);
    assert_int_equal(l.items[0].end, -1);
    assert_null(l.items[1].speaker);
    assert_string_equal(l.items[1].text, "there");
    assert_int_equal(l.items[1].end, 2000);
    cue_list_free(&l);
    diag_list_clear(&d);
}

static void test_readers_refuse(void **state)
{
    (void)state;
    static const struct {
        int fmt; /* 0 vtt, 1 srt, 2 json */
        const char *text;
        int line;
        const char *says;
    } cases[] = {
        {0, "Hello\n", 1, "starts with the line 'WEBVTT'"},
        {0, "WEBVTT\n\nHello\n", 3, "text before the first cue"},
        {0, "WEBVTT\n\n1\n00:01.000 --> later\nx\n", 4, "is not a cue timing"},
        {1, "1\n00:00:01,000 -> 00:00:0x,000\nx\n", 2, "is not a card timing"},
        {1, "Some text\n", 1, "starts with a card"},
        {2, "{\"segments\": [1]}", 0, "segments[0] must be an object"},
        {2, "{\"segments\": [{\"speaker\": \"A\"}]}", 0, "segments[0] has no 'body'"},
        {2, "{\"segments\": [{\"body\": 3}]}", 0, "segments[0].body must be a text"},
        {2, "{\"segments\": [{\"body\": \"x\", \"speaker\": []}]}", 0,
         "segments[0].speaker must be a name"},
        {2, "{\"segments\": [{\"body\": \"x\", \"startTime\": -1}]}", 0,
         "segments[0].startTime must be a time"},
        {2, "\"a string\"", 0, "this JSON is a text, not a transcript"},
        {2, "{\"segments\": []}", 0, "no segment with text"},
        {2, "{\"segments\": [\n]} x", 2, "more text after the end of the JSON"},
        {2, "{\"segments\": [\n", 2, "ends in the middle"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_list d = DIAG_LIST_INIT;
        cue_list l;
        cue_list_init(&l);
        const char *t = cases[i].text;
        int rc = cases[i].fmt == 0   ? vtt_parse(t, strlen(t), "f", &l, &d)
                 : cases[i].fmt == 1 ? srt_parse(t, strlen(t), "f", &l, &d)
                                     : podjson_parse(t, strlen(t), "f", &l, &d);
        assert_int_equal(rc, -1);
        assert_true(d.len >= 1);
        const diag *e = &d.items[d.len - 1];
        assert_int_equal(e->severity, DIAG_ERROR);
        if (!strstr(e->message, cases[i].says) || e->line != cases[i].line)
            fail_msg("case %zu: line %d, '%s'", i, e->line, e->message);
        cue_list_free(&l);
        diag_list_clear(&d);
    }
}

/*** Podcasting 2.0 HTML transcripts ***/

static int detect(const char *html)
{
    xmlDocPtr doc = html5_parse(html, strlen(html), NULL);
    int r = htmlcues_detect(doc);
    xmlFreeDoc(doc);
    return r;
}

static void test_html_transcripts(void **state)
{
    (void)state;
    assert_true(detect("<cite>A:</cite><time>0:01</time><p>Hi.</p>"
                       "<cite>B:</cite><time>0:02</time><p>Hello.</p>"));
    assert_true(detect("<p><cite>A</cite> Hi.</p><p><cite>B</cite> Hello.</p>"));
    /* one speaker is no transcript; a cite inside a sentence or emphasis names a work; credits
     * in figures and sources of quotations are not speakers; a cite that nothing follows is
     * not one either */
    assert_false(detect("<cite>A:</cite><p>Hi.</p><p>More.</p>"));
    assert_false(detect("<p>I read <cite>Dune</cite>.</p><p>And <em><cite>Emma</cite></em>.</p>"
                        "<p>Fine.</p>"));
    assert_false(detect("<figure><figcaption><cite>Photo: A</cite></figcaption></figure>"
                        "<blockquote><p>Q</p><cite>B</cite></blockquote><p>x</p><p>y</p>"));
    assert_false(detect("<div><cite>Photo: A</cite></div><p>x</p><div><cite>Photo: B</cite></div>"
                        "<p>y</p>"));
    /* more paragraphs before the first speaker than after: an article quoting two people */
    assert_false(detect("<p>a</p><p>b</p><p>c</p><cite>A</cite><p>x</p><cite>B</cite><p>y</p>"));

    const char *t = "<p>Intro, no speaker.</p><cite>Ana:</cite><time datetime=\"62.5\">1:02</time>"
                    "<p>One <i>two</i>.</p><p>Three.</p>"
                    "<p><cite>Bo:</cite> <time>1:10</time> Four<br>five.</p>";
    xmlDocPtr doc = html5_parse(t, strlen(t), NULL);
    cue_list l;
    cue_list_init(&l);
    assert_int_equal(htmlcues_read(doc, &l), 4);
    assert_null(l.items[0].speaker);
    assert_string_equal(l.items[1].speaker, "Ana");
    assert_int_equal(l.items[1].start, 62500);
    assert_string_equal(l.items[1].text, "One \x01two\x02.");
    assert_int_equal(l.items[2].start, -1); /* a time is used once */
    assert_string_equal(l.items[3].speaker, "Bo");
    assert_int_equal(l.items[3].start, 70000);
    assert_string_equal(l.items[3].text, "Four\nfive.");
    cue_list_free(&l);
    xmlFreeDoc(doc);
}

static void test_sniff(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        reader_format f;
    } cases[] = {
        {"WEBVTT\n\n00:01.000 --> 00:02.000\nx", READER_VTT},
        {"\xEF\xBB\xBFWEBVTT - title\r\n", READER_VTT},
        {"WEBVTTX\n", READER_MARKDOWN},
        {"1\n00:00:01,000 --> 00:00:02,000\nx\n", READER_SRT},
        {"\r\n\r\n12\r\n00:00:01,000 --> 00:00:02,000\r\n", READER_SRT},
        {"00:00:01,000 --> 00:00:02,000\nx\n", READER_SRT},
        {"{\"version\": \"1.0.0\", \"segments\": []}", READER_JSON},
        {"  [ {\"start\": 1}]", READER_JSON},
        {"[link](x) and {braces}", READER_MARKDOWN},
        {"# Title\n\nText -->\n", READER_MARKDOWN},
        {"2024 was a year.\nNothing --> happened.\n", READER_MARKDOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (reader_format_sniff(cases[i].text, strlen(cases[i].text)) != cases[i].f)
            fail_msg("case %zu", i);
    reader_format f;
    assert_int_equal(reader_format_named("WebVTT", &f), 0);
    assert_int_equal(f, READER_VTT);
    assert_int_equal(reader_format_named("yaml", &f), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times),          cmocka_unit_test(test_markup),
        cmocka_unit_test(test_settle_labels),  cmocka_unit_test(test_join),
        cmocka_unit_test(test_turns_and_duplicates), cmocka_unit_test(test_paragraphs),
        cmocka_unit_test(test_readers_tolerate), cmocka_unit_test(test_readers_refuse),
        cmocka_unit_test(test_sniff),          cmocka_unit_test(test_html_transcripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
