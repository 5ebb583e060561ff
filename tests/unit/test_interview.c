/* test_interview.c: speaker turns, Q&A, timestamps, stage directions and breaks, on fixtures
 * written for the project (tests/fixtures/interview; run from the repository root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "passes/interview.h"
#include "model/turn.h"

#define FIX "tests/fixtures/interview/"

typedef struct fixture {
    cmark_node *doc;
    arena *a;
    diag_list diags;
    speaker_list cast;
} fixture;

static void fixture_run(fixture *f, const char *name, const speaker_list *declared,
                        interview_speakers sp, interview_timestamps ts)
{
    char *path = xasprintf(FIX "%s", name);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(path, 0, &data, &len), 0);
    memset(f, 0, sizeof *f);
    f->doc = cmark_parse_document(data, len, CMARK_OPT_DEFAULT);
    f->a = arena_new();
    assert_int_equal(interview_apply(f->doc, f->a, declared, sp, ts, &f->cast, &f->diags, path), 0);
    free(data);
    free(path);
}

static void fixture_free(fixture *f)
{
    cmark_node_free(f->doc);
    arena_free(f->a);
    diag_list_clear(&f->diags);
    speaker_list_clear(&f->cast);
}

static int is_sem(cmark_node *n, sem_kind k, const char *cls)
{
    sem_node *s = n ? sem_get(n) : NULL;
    return s && s->kind == k && (!cls || (s->cls && strcmp(s->cls, cls) == 0));
}

static int has_class(cmark_node *n, const char *word)
{
    sem_node *s = sem_get(n);
    if (!s || !s->cls)
        return 0;
    size_t wl = strlen(word);
    for (const char *p = s->cls; (p = strstr(p, word)); p += wl)
        if ((p == s->cls || p[-1] == ' ') && (p[wl] == ' ' || p[wl] == '\0'))
            return 1;
    return 0;
}

/* The text of a node's first text descendant. */
static const char *first_text(cmark_node *n)
{
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    const char *r = NULL;
    while (!r && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_TEXT)
            r = cmark_node_get_literal(c);
    }
    cmark_iter_free(it);
    return r;
}

/* Top-level turns, in order. */
static size_t turns_of(cmark_node *doc, cmark_node **out, size_t max)
{
    size_t n = 0;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b))
        if (is_sem(b, SEM_DIV, NULL) && has_class(b, "turn") && n < max)
            out[n++] = b;
    return n;
}

/* The speaker label span of a turn: in its first paragraph, after an optional timestamp. */
static cmark_node *turn_label(cmark_node *turn)
{
    cmark_node *p = cmark_node_first_child(turn);
    assert_non_null(p);
    assert_int_equal(cmark_node_get_type(p), CMARK_NODE_PARAGRAPH);
    for (cmark_node *c = cmark_node_first_child(p); c; c = cmark_node_next(c))
        if (is_sem(c, SEM_SPAN, "speaker"))
            return c;
    return NULL;
}

static const char *turn_name(cmark_node *turn)
{
    cmark_node *l = turn_label(turn);
    return l ? first_text(l) : NULL;
}

/* The inline right after the label and its separator: where the speech starts. */
static cmark_node *turn_speech(cmark_node *turn)
{
    cmark_node *l = turn_label(turn);
    assert_non_null(l);
    cmark_node *sep = cmark_node_next(l);
    assert_true(is_sem(sep, SEM_SPAN, "speaker-sep"));
    return cmark_node_next(sep);
}

static size_t count_children(cmark_node *n)
{
    size_t k = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        k++;
    return k;
}

static size_t count_sem(cmark_node *doc, sem_kind kind, const char *cls)
{
    size_t n = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && is_sem(c, kind, cls))
            n++;
    }
    cmark_iter_free(it);
    return n;
}

/* Texts of every SEM_SPAN with class cls, joined with '|'. The caller frees it. */
static char *span_texts(cmark_node *doc, const char *cls)
{
    strbuf b = STRBUF_INIT;
    strbuf_adds(&b, "");
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && is_sem(c, SEM_SPAN, cls)) {
            if (b.len)
                strbuf_addc(&b, '|');
            strbuf_adds(&b, first_text(c));
        }
    }
    cmark_iter_free(it);
    return strbuf_detach(&b, NULL);
}

static void test_bold_colon(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "bold-colon.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 7);
    const char *names[] = {"Ada Moreno", "Tomás Reyes", "Ada Moreno", "Tomás Reyes",
                           "Ada Moreno", "Tomás Reyes", "Ada Moreno"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(turn_name(t[i]), names[i]);
        assert_string_equal(sem_get(t[i])->cls, "turn"); /* roles unknown */
    }
    /* the colon outside the bold does not leak into the speech */
    cmark_node *speech = turn_speech(t[1]);
    assert_string_equal(cmark_node_get_literal(speech), "Thanks for having me. ");
    /* a turn spans a paragraph, a list, a quote and another paragraph */
    assert_int_equal(count_children(t[3]), 4);
    cmark_node *b = cmark_node_first_child(t[3]);
    assert_int_equal(cmark_node_get_type(cmark_node_next(b)), CMARK_NODE_LIST);
    assert_int_equal(cmark_node_get_type(cmark_node_next(cmark_node_next(b))),
                     CMARK_NODE_BLOCK_QUOTE);
    /* a bold phrase that is not a name stays in the turn, untouched */
    assert_int_equal(count_children(t[4]), 2);
    cmark_node *p2 = cmark_node_last_child(t[4]);
    assert_int_equal(cmark_node_get_type(cmark_node_first_child(p2)), CMARK_NODE_STRONG);
    assert_string_equal(first_text(p2), "Really important:");
    /* **Break:** [12:40] and [music] are scene breaks, between turns */
    assert_int_equal(count_sem(f.doc, SEM_BREAK, "scene-break"), 2);
    assert_true(is_sem(cmark_node_next(t[3]), SEM_BREAK, "scene-break"));
    assert_true(is_sem(cmark_node_next(t[5]), SEM_BREAK, "scene-break"));
    /* "Note:" inside a turn is speech */
    assert_string_equal(cmark_node_get_literal(turn_speech(t[5])),
                        "Right. Note: mains voltage is not a toy. ");
    char *ann = span_texts(f.doc, "annotation");
    assert_string_equal(ann, "[laughter]|[laughs]");
    free(ann);
    char *ts = span_texts(f.doc, "timestamp");
    assert_string_equal(ts, "[01:12]|[12:40]");
    free(ts);
    /* the break keeps its time, under the rule */
    cmark_node *bt = cmark_node_next(cmark_node_next(t[3]));
    assert_true(is_sem(bt, SEM_DIV, "break-time"));
    assert_string_equal(first_text(bt), "Break");
    assert_int_equal(f.cast.len, 2);
    assert_string_equal(f.cast.items[0].name, "Ada Moreno");
    assert_string_equal(f.cast.items[1].name, "Tomás Reyes");
    assert_int_equal(f.diags.len, 0);
    fixture_free(&f);
}

static void test_plain_labels(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "plain-labels.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 5);
    assert_string_equal(turn_name(t[0]), "Liz Okafor");
    assert_string_equal(turn_name(t[1]), "Sam Patel");
    /* a colon inside the sentence is not a label; the one-off "Note:" is not a speaker */
    assert_string_equal(cmark_node_get_literal(turn_speech(t[1])),
                        "From a train delay. The rule was simple: ship it before Friday.");
    assert_int_equal(count_children(t[1]), 2);
    assert_string_equal(first_text(cmark_node_last_child(t[1])),
                        "Note: the interview was edited for length.");
    assert_string_equal(turn_name(t[4]), "Liz Okafor");
    char *ann = span_texts(f.doc, "annotation");
    assert_string_equal(ann, "[crosstalk]|(laughs)");
    free(ann);
    assert_int_equal(f.cast.len, 2);
    fixture_free(&f);
}

static void test_qa(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "qa.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(turn_name(t[i]), i % 2 ? "A" : "Q");
        assert_true(has_class(t[i], i % 2 ? "answer" : "question"));
    }
    assert_string_equal(cmark_node_get_literal(turn_speech(t[4])), "Last question: tea or coffee?");
    assert_int_equal(count_children(t[3]), 2); /* **A:** with two paragraphs */
    char *ann = span_texts(f.doc, "annotation");
    assert_string_equal(ann, "[inaudible 00:12:03]");
    free(ann);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, "timestamp"), 0);
    assert_int_equal(f.cast.len, 0); /* Q and A are not people */
    fixture_free(&f);
}

static void test_timestamps_keep(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "timestamps.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 5);
    const char *names[] = {"Rosa Lind", "Omar Haddad", "Rosa Lind", "Omar Haddad", "Rosa Lind"};
    const char *stamps[] = {"0:00:36.2", "00:12:31", "[00:13:02]", "[00:13:10]", "00:14:00"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(turn_name(t[i]), names[i]);
        /* the name first, so that names form one left edge; the time after it */
        cmark_node *first = cmark_node_first_child(cmark_node_first_child(t[i]));
        assert_true(is_sem(first, SEM_SPAN, "speaker"));
        cmark_node *stamp = cmark_node_next(cmark_node_next(first));
        assert_true(is_sem(stamp, SEM_SPAN, "timestamp"));
        assert_string_equal(first_text(stamp), stamps[i]);
    }
    /* speaker, separator, timestamp, a space, then the speech */
    assert_string_equal(cmark_node_get_literal(cmark_node_next(cmark_node_next(turn_speech(t[1])))),
                        "Thank you, Rosa. Glad to be here.");
    assert_string_equal(cmark_node_get_literal(cmark_node_next(cmark_node_next(turn_speech(t[2])))),
                        "Let's begin with your first job.");
    char *ann = span_texts(f.doc, "annotation");
    assert_string_equal(ann, "[laughs]");
    free(ann);
    fixture_free(&f);
}

static void test_timestamps_drop(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "timestamps.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_DROP);
    cmark_node *t[16];
    assert_int_equal(turns_of(f.doc, t, 16), 5);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, "timestamp"), 0);
    for (size_t i = 0; i < 5; i++)
        assert_true(
            is_sem(cmark_node_first_child(cmark_node_first_child(t[i])), SEM_SPAN, "speaker"));
    fixture_free(&f);

    fixture_run(&f, "bold-colon.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_DROP);
    assert_int_equal(turns_of(f.doc, t, 16), 7);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, "timestamp"), 0);
    /* "Let's start with the basics. [01:12] What ..." loses the stamp and one space */
    cmark_node *speech = turn_speech(t[2]);
    assert_string_equal(cmark_node_get_literal(speech), "Let's start with the basics. ");
    assert_string_equal(cmark_node_get_literal(cmark_node_next(speech)),
                        "What got you into radio?");
    fixture_free(&f);
}

static void test_label_alone(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "label-alone.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 4);
    assert_string_equal(turn_name(t[0]), "Mira Chen");
    assert_int_equal(count_children(t[0]), 2);
    assert_string_equal(cmark_node_get_literal(turn_speech(t[0])),
                        "I kept the first paragraph short.");
    /* a turn that starts with a list: the label gets a paragraph of its own */
    assert_string_equal(turn_name(t[1]), "Joel Park");
    assert_int_equal(count_children(t[1]), 2);
    assert_null(turn_speech(t[1]));
    assert_int_equal(cmark_node_get_type(cmark_node_last_child(t[1])), CMARK_NODE_LIST);
    assert_string_equal(turn_name(t[3]), "Joel Park");
    assert_string_equal(cmark_node_get_literal(turn_speech(t[3])), "Same here.");
    fixture_free(&f);
}

static void test_declared(void **state)
{
    (void)state;
    speaker_list cast_decl = {0};
    speaker_list_add(&cast_decl, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);
    speaker_list_add(&cast_decl, "NN", "Nick Nisi", SPEAKER_ROLE_GUEST);
    speaker_list_add(&cast_decl, "ZZ", "Zoe Zimmer", SPEAKER_ROLE_GUEST);
    fixture f;
    fixture_run(&f, "declared.md", &cast_decl, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    size_t n = turns_of(f.doc, t, 16);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(turn_name(t[i]), i % 2 ? "Nick Nisi" : "Kevin Ball");
        assert_string_equal(sem_get(t[i])->cls, i % 2 ? "turn guest" : "turn host");
    }
    /* the whole declared cast, in declaration order */
    assert_int_equal(f.cast.len, 3);
    assert_string_equal(f.cast.items[0].name, "Kevin Ball");
    assert_int_equal(f.cast.items[0].role, SPEAKER_ROLE_HOST);
    assert_string_equal(f.cast.items[2].name, "Zoe Zimmer");
    /* a declared speaker with no turn is worth a warning */
    assert_int_equal(f.diags.len, 1);
    assert_non_null(strstr(f.diags.items[0].message, "Zoe Zimmer"));
    fixture_free(&f);
    speaker_list_clear(&cast_decl);
}

static void test_declared_names_in_transcript(void **state)
{
    (void)state;
    /* a declared label maps to its full name; undeclared speakers follow in the cast */
    speaker_list decl = {0};
    speaker_list_add(&decl, "Ada Moreno", "Ada Moreno", SPEAKER_ROLE_HOST);
    fixture f;
    fixture_run(&f, "bold-colon.md", &decl, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[16];
    assert_int_equal(turns_of(f.doc, t, 16), 7);
    assert_string_equal(sem_get(t[0])->cls, "turn host");
    assert_string_equal(sem_get(t[1])->cls, "turn");
    assert_int_equal(f.cast.len, 2);
    assert_string_equal(f.cast.items[0].name, "Ada Moreno");
    assert_string_equal(f.cast.items[1].name, "Tomás Reyes");
    fixture_free(&f);
    speaker_list_clear(&decl);
}

static void test_question_headings(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "question-headings.md", NULL, INTERVIEW_SPEAKERS_AUTO,
                INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[4];
    assert_int_equal(turns_of(f.doc, t, 4), 0);
    size_t headings = 0;
    for (cmark_node *b = cmark_node_first_child(f.doc); b; b = cmark_node_next(b))
        if (cmark_node_get_type(b) == CMARK_NODE_HEADING)
            headings++;
    assert_int_equal(headings, 3);
    assert_int_equal(f.cast.len, 0);
    fixture_free(&f);
}

static void test_not_interview(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "not-interview.md", NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP);
    /* "Note:", "Update:", a colon in a sentence, a bold phrase: nothing is a speaker */
    assert_int_equal(count_sem(f.doc, SEM_DIV, NULL), 0);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, NULL), 0);
    assert_int_equal(count_sem(f.doc, SEM_BREAK, NULL), 0);
    assert_int_equal(count_children(f.doc), 6);
    assert_int_equal(f.cast.len, 0);
    fixture_free(&f);
}

static void test_speakers_off(void **state)
{
    (void)state;
    fixture f;
    fixture_run(&f, "bold-colon.md", NULL, INTERVIEW_SPEAKERS_OFF, INTERVIEW_TIMESTAMPS_KEEP);
    cmark_node *t[4];
    assert_int_equal(turns_of(f.doc, t, 4), 0);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, "speaker"), 0);
    /* breaks and stage directions are still marked */
    assert_int_equal(count_sem(f.doc, SEM_BREAK, "scene-break"), 2);
    assert_int_equal(count_sem(f.doc, SEM_SPAN, "annotation"), 2);
    assert_int_equal(f.cast.len, 0);
    fixture_free(&f);
}

static void test_lazy_label_line(void **state)
{
    (void)state;
    /* a label line glued to the previous paragraph (no blank line) still starts a turn */
    const char *md = "**Ann Lee:** One.\n\n**Bo Kim:** Two.\n**Ann Lee:** Three.\n\n"
                     "**Bo Kim:** Four. [win sound]\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(interview_apply(doc, a, NULL, INTERVIEW_SPEAKERS_AUTO,
                                     INTERVIEW_TIMESTAMPS_KEEP, NULL, &d, "x.md"),
                     0);
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 4);
    assert_string_equal(turn_name(t[2]), "Ann Lee");
    assert_string_equal(cmark_node_get_literal(turn_speech(t[2])), "Three.");
    char *ann = span_texts(doc, "annotation");
    assert_string_equal(ann, "[win sound]");
    free(ann);
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
}

static void test_editorial_labels(void **state)
{
    (void)state;
    /* in a transcript, a one-off bold label that is an editorial remark is no speaker */
    const char *md = "**Ann Lee:** One.\n\n**Bo Kim:** Two.\n\n**Ann Lee:** Three.\n\n"
                     "**Bo Kim:** Four.\n\n**Important Note:** this part was cut.\n\n"
                     "**Guest Speaker:** Hello.\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    speaker_list cast = {0};
    interview_apply(doc, a, NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP, &cast, &d,
                    "x.md");
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 5);
    assert_int_equal(count_children(t[3]), 2);             /* the remark stays in Bo Kim's turn */
    assert_string_equal(turn_name(t[4]), "Guest Speaker"); /* a one-off name in a transcript */
    assert_int_equal(cast.len, 3);
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
    speaker_list_clear(&cast);
}

static void test_break_markers(void **state)
{
    (void)state;
    const char *md = "**Ann Lee:** One.\n\n**Bo Kim:** Two.\n\n**Break:** \\[24:27\\]\n\n"
                     "**Ann Lee:** Three.\n\n**Zelda track:** \\[04:22\\] to \\[04:42\\]\n\n"
                     "**Bo Kim:** Four.\n\n**Outro**: \\[55:19\\]\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    speaker_list cast = {0};
    interview_apply(doc, a, NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP, &cast, &d,
                    "x.md");
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 4);
    assert_int_equal(count_sem(doc, SEM_BREAK, "scene-break"), 3);
    assert_int_equal(cast.len, 2); /* Break, Zelda track and Outro are not speakers */
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
    speaker_list_clear(&cast);
}

static void test_scan_labels(void **state)
{
    (void)state;
    /* the scan finds the label paragraphs other passes must leave alone, and only those */
    const char *md = "Harriet Osei: 00:00:07\n\nThank you all for coming.\n\n"
                     "Cormac Delaney: 00:00:41\n\nThanks, Harriet.\n\n"
                     "Harriet Osei: 00:02:15\n\nWhat did a day look like?\n\n"
                     "Chapter 2  4:10\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    interview_scan *s = interview_scan_new(doc, NULL, INTERVIEW_SPEAKERS_AUTO);
    int expect[] = {1, 0, 1, 0, 1, 0, 0};
    int i = 0;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b), i++) {
        assert_true(i < 7);
        assert_int_equal(interview_scan_is_label(s, b), expect[i]);
        interview_labels lazy = {doc, NULL, INTERVIEW_SPEAKERS_AUTO, NULL};
        assert_int_equal(interview_labels_test(&lazy, b), expect[i]);
        interview_labels_release(&lazy);
    }
    assert_int_equal(i, 7);
    interview_scan_free(s);
    interview_scan_free(NULL);
    /* with speakers off, only break markers are labels */
    s = interview_scan_new(doc, NULL, INTERVIEW_SPEAKERS_OFF);
    assert_false(interview_scan_is_label(s, cmark_node_first_child(doc)));
    interview_scan_free(s);
    cmark_node_free(doc);
}

static void test_declared_short_forms(void **state)
{
    (void)state;
    /* a cast declared as a list of names: first names, surnames and initials name them */
    speaker_list decl = {0};
    speaker_list_add(&decl, "Beatrix Kolb", "Beatrix Kolb", SPEAKER_ROLE_HOST);
    speaker_list_add(&decl, "Samuel Adeyemi", "Samuel Adeyemi", SPEAKER_ROLE_UNKNOWN);
    const char *md = "Beatrix: One.\n\nAdeyemi: Two.\n\nBK: Three.\n\nS. A.: Four.\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    speaker_list cast = {0};
    interview_apply(doc, a, &decl, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP, &cast, &d,
                    "x.md");
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(turn_name(t[i]), i % 2 ? "Samuel Adeyemi" : "Beatrix Kolb");
        assert_string_equal(sem_get(t[i])->cls, i % 2 ? "turn" : "turn host");
    }
    assert_int_equal(d.len, 0); /* short forms of both: nothing to warn about */
    assert_int_equal(cast.len, 2);
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
    speaker_list_clear(&cast);
    speaker_list_clear(&decl);
}

static void test_short_form_intro(void **state)
{
    (void)state;
    const char *md = "Jane Marlowe (JM): Intros first.\n\nrkdev (Ravi Kumar): Hi.\n\n"
                     "JM: Ravi?\n\nrkdev: Yes.\n\nRavi Kumar (laughs): Fine.\n";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    speaker_list cast = {0};
    interview_apply(doc, a, NULL, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP, &cast, &d,
                    "x.md");
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 5);
    const char *names[] = {"Jane Marlowe", "Ravi Kumar", "Jane Marlowe", "Ravi Kumar",
                           "Ravi Kumar"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(turn_name(t[i]), names[i]);
    assert_string_equal(cmark_node_get_literal(turn_speech(t[0])), "Intros first.");
    /* a stage direction between the name and the colon stays, as a stage direction */
    assert_true(is_sem(turn_speech(t[4]), SEM_SPAN, "annotation"));
    assert_string_equal(first_text(turn_speech(t[4])), "(laughs)");
    assert_int_equal(cast.len, 2);
    assert_string_equal(cast.items[0].name, "Jane Marlowe");
    assert_string_equal(cast.items[1].name, "Ravi Kumar");
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
    speaker_list_clear(&cast);
}

static void test_label_prepend(void **state)
{
    (void)state;
    /* the shape every turn's first paragraph has (model/turn.h), for the caption reader too */
    arena *a = arena_new();
    cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node *speech = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(speech, "Hello.");
    cmark_node_append_child(p, speech);
    turn_label_prepend(p, a, "Ann Lee", "[00:01]", NULL);
    cmark_node *c = cmark_node_first_child(p);
    assert_true(is_sem(c, SEM_SPAN, "speaker"));
    assert_string_equal(first_text(c), "Ann Lee");
    c = cmark_node_next(c);
    assert_true(is_sem(c, SEM_SPAN, "speaker-sep"));
    assert_string_equal(first_text(c), ": ");
    c = cmark_node_next(c);
    assert_true(is_sem(c, SEM_SPAN, "timestamp"));
    assert_string_equal(first_text(c), "[00:01]");
    assert_string_equal(cmark_node_get_literal(cmark_node_next(c)), " ");
    assert_ptr_equal(cmark_node_next(cmark_node_next(c)), speech);
    cmark_node_free(p);
    /* dropped timestamps; an empty paragraph gets no trailing space */
    p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    turn_label_prepend(p, a, "Ann Lee", NULL, NULL);
    assert_int_equal(count_children(p), 2);
    cmark_node_free(p);
    p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    turn_label_prepend(p, a, "Ann Lee", "[00:01]", NULL);
    assert_int_equal(count_children(p), 3);
    assert_true(is_sem(cmark_node_last_child(p), SEM_SPAN, "timestamp"));
    cmark_node_free(p);
    assert_string_equal(turn_class(SPEAKER_ROLE_HOST), "turn host");
    assert_string_equal(turn_class(SPEAKER_ROLE_GUEST), "turn guest");
    assert_string_equal(turn_class(SPEAKER_ROLE_UNKNOWN), "turn");
    arena_free(a);
}

static void test_split_lines_outlive_their_paragraph(void **state)
{
    (void)state;
    /* found by fuzz_interview: lines split off a paragraph whose first line is a label alone
     * (the paragraph is then freed) keep their text; cmark keeps a text node's bytes in its
     * paragraph until asked for them (a use after free under AddressSanitizer) */
    speaker_list decl = {0};
    speaker_list_add(&decl, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);
    const char *md = "A.\nA.*d**\nA. Ta\xce\xce\xce\xce\xcen:\nA. Ta\xce\xce\xce\xce\xcen:";
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    arena *a = arena_new();
    diag_list d = DIAG_LIST_INIT;
    interview_apply(doc, a, &decl, INTERVIEW_SPEAKERS_AUTO, INTERVIEW_TIMESTAMPS_KEEP, NULL, &d,
                    "x.md");
    cmark_node *t[8];
    assert_int_equal(turns_of(doc, t, 8), 3);
    assert_string_equal(turn_name(t[0]), "A");
    assert_string_equal(turn_name(t[1]), "A");
    assert_string_equal(turn_name(t[2]), "A. Ta\xce\xce\xce\xce\xcen");
    char *md_out = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
    assert_non_null(strstr(md_out, "*d*"));
    free(md_out);
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&d);
    speaker_list_clear(&decl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bold_colon),
        cmocka_unit_test(test_plain_labels),
        cmocka_unit_test(test_qa),
        cmocka_unit_test(test_timestamps_keep),
        cmocka_unit_test(test_timestamps_drop),
        cmocka_unit_test(test_label_alone),
        cmocka_unit_test(test_declared),
        cmocka_unit_test(test_declared_names_in_transcript),
        cmocka_unit_test(test_question_headings),
        cmocka_unit_test(test_not_interview),
        cmocka_unit_test(test_speakers_off),
        cmocka_unit_test(test_lazy_label_line),
        cmocka_unit_test(test_editorial_labels),
        cmocka_unit_test(test_break_markers),
        cmocka_unit_test(test_scan_labels),
        cmocka_unit_test(test_declared_short_forms),
        cmocka_unit_test(test_short_form_intro),
        cmocka_unit_test(test_label_prepend),
        cmocka_unit_test(test_split_lines_outlive_their_paragraph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
