/* test_meta.c: metadata fields, layering (command line over front matter) and speakers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/meta.h"

static void test_init_free(void **state)
{
    (void)state;
    meta m;
    meta_init(&m);
    assert_null(m.title);
    assert_int_equal(m.authors.len, 0);
    assert_int_equal(m.speakers.len, 0);
    assert_int_equal(m.line_title, 0);
    meta_set(&m.title, "T");
    strlist_add(&m.authors, "A");
    speaker_list_add(&m.speakers, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);
    meta_free(&m);
    assert_null(m.title); /* meta_free leaves an empty meta that can be freed again */
    assert_int_equal(m.authors.len, 0);
    meta_free(&m);
    meta_free(NULL);
}

static void test_set(void **state)
{
    (void)state;
    char *field = NULL;
    meta_set(&field, "one");
    assert_string_equal(field, "one");
    meta_set(&field, "two");
    assert_string_equal(field, "two");
    meta_set(&field, field); /* setting a field to itself keeps it */
    assert_string_equal(field, "two");
    meta_set(&field, NULL);
    assert_null(field);
}

static void test_merge_overrides_what_is_set(void **state)
{
    (void)state;
    meta fm, cli;
    meta_init(&fm);
    meta_init(&cli);
    meta_set(&fm.title, "Front matter title");
    fm.line_title = 2;
    meta_set(&fm.lang, "de");
    meta_set(&fm.date, "2020-01-01");
    strlist_add(&fm.authors, "Ann");
    strlist_add(&fm.authors, "Bob");
    strlist_add(&fm.tags, "go");
    speaker_list_add(&fm.speakers, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);

    meta_set(&cli.title, "CLI title");
    strlist_add(&cli.authors, "Cat");
    meta_set(&cli.publisher, "ACME");

    meta_merge(&fm, &cli);
    assert_string_equal(fm.title, "CLI title");
    assert_int_equal(fm.line_title, 0);
    assert_int_equal(fm.authors.len, 1); /* a list given on top replaces, not appends */
    assert_string_equal(fm.authors.items[0], "Cat");
    assert_string_equal(fm.publisher, "ACME");
    /* what the command line did not set stays */
    assert_string_equal(fm.lang, "de");
    assert_string_equal(fm.date, "2020-01-01");
    assert_int_equal(fm.tags.len, 1);
    assert_int_equal(fm.speakers.len, 1);
    assert_string_equal(fm.speakers.items[0].name, "Kevin Ball");
    /* the copy is deep: freeing the source leaves dst intact */
    meta_free(&cli);
    assert_string_equal(fm.title, "CLI title");
    assert_string_equal(fm.authors.items[0], "Cat");
    meta_free(&fm);
}

static void test_merge_every_field(void **state)
{
    (void)state;
    meta dst, over;
    meta_init(&dst);
    meta_init(&over);
    meta_set(&over.title, "t");
    over.line_title = 7;
    meta_set(&over.subtitle, "s");
    strlist_add(&over.authors, "a");
    strlist_add(&over.editors, "e");
    meta_set(&over.lang, "fr");
    meta_set(&over.dir, "rtl");
    meta_set(&over.date, "2021");
    meta_set(&over.publisher, "p");
    meta_set(&over.description, "d");
    meta_set(&over.identifier, "urn:isbn:1");
    meta_set(&over.rights, "r");
    meta_set(&over.source, "https://example.org/");
    meta_set(&over.cover, "c.jpg");
    strlist_add(&over.tags, "x");
    speaker_list_add(&over.speakers, "A", NULL, SPEAKER_ROLE_GUEST);
    meta_merge(&dst, &over);
    assert_string_equal(dst.title, "t");
    assert_int_equal(dst.line_title, 7);
    assert_string_equal(dst.subtitle, "s");
    assert_string_equal(dst.authors.items[0], "a");
    assert_string_equal(dst.editors.items[0], "e");
    assert_string_equal(dst.lang, "fr");
    assert_string_equal(dst.dir, "rtl");
    assert_string_equal(dst.date, "2021");
    assert_string_equal(dst.publisher, "p");
    assert_string_equal(dst.description, "d");
    assert_string_equal(dst.identifier, "urn:isbn:1");
    assert_string_equal(dst.rights, "r");
    assert_string_equal(dst.source, "https://example.org/");
    assert_string_equal(dst.cover, "c.jpg");
    assert_string_equal(dst.tags.items[0], "x");
    assert_int_equal(dst.speakers.len, 1);
    assert_int_equal(dst.speakers.items[0].role, SPEAKER_ROLE_GUEST);
    /* merging an empty meta changes nothing; merging into itself is harmless */
    meta empty;
    meta_init(&empty);
    meta_merge(&dst, &empty);
    meta_merge(&dst, &dst);
    assert_string_equal(dst.title, "t");
    assert_int_equal(dst.authors.len, 1);
    meta_free(&dst);
    meta_free(&over);
}

static void test_speakers(void **state)
{
    (void)state;
    speaker_list l = {NULL, 0, 0};
    speaker_list_add(&l, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);
    speaker_list_add(&l, "Jerod Santo", NULL, SPEAKER_ROLE_UNKNOWN);
    speaker_list_add(&l, NULL, "Amal Hussein", SPEAKER_ROLE_GUEST);
    speaker_list_add(&l, NULL, NULL, SPEAKER_ROLE_GUEST); /* nothing to call it: ignored */
    speaker_list_add(&l, "", "", SPEAKER_ROLE_GUEST);
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[1].name, "Jerod Santo"); /* name defaults to the label */
    assert_string_equal(l.items[2].label, "Amal Hussein");

    const speaker *s = speaker_list_find(&l, "kb");
    assert_non_null(s);
    assert_string_equal(s->name, "Kevin Ball");
    assert_int_equal(s->role, SPEAKER_ROLE_HOST);
    assert_ptr_equal(speaker_list_find(&l, "KEVIN BALL"), s); /* by full name too */
    assert_ptr_equal(speaker_list_find(&l, "jerod santo"), &l.items[1]);
    assert_null(speaker_list_find(&l, "Kevin"));
    assert_null(speaker_list_find(&l, NULL));
    assert_null(speaker_list_find(&l, ""));

    speaker_list copy = {NULL, 0, 0};
    speaker_list_add(&copy, "old", NULL, SPEAKER_ROLE_HOST);
    speaker_list_copy(&copy, &l); /* replaces what was there */
    assert_int_equal(copy.len, 3);
    assert_string_equal(copy.items[0].label, "KB");
    assert_ptr_not_equal(copy.items[0].label, l.items[0].label);
    speaker_list_copy(&copy, &copy);
    assert_int_equal(copy.len, 3);
    speaker_list_clear(&copy);
    speaker_list_clear(&l);
    assert_int_equal(l.len, 0);
    speaker_list_clear(&l);
    speaker_list_clear(NULL);
}

static void test_speaker_label_before_name(void **state)
{
    (void)state;
    /* "Ann" is one speaker's full name and another's label: the label wins. */
    speaker_list l = {NULL, 0, 0};
    speaker_list_add(&l, "A", "Ann", SPEAKER_ROLE_HOST);
    speaker_list_add(&l, "Ann", "Ann Other", SPEAKER_ROLE_GUEST);
    assert_ptr_equal(speaker_list_find(&l, "Ann"), &l.items[1]);
    speaker_list_clear(&l);
}

static void test_many_speakers(void **state)
{
    (void)state;
    speaker_list l = {NULL, 0, 0};
    char label[16];
    for (int i = 0; i < 100; i++) {
        snprintf(label, sizeof label, "S%d", i);
        speaker_list_add(&l, label, NULL, SPEAKER_ROLE_UNKNOWN);
    }
    assert_int_equal(l.len, 100);
    assert_string_equal(speaker_list_find(&l, "s99")->label, "S99");
    speaker_list_clear(&l);
}

static void test_speaker_index_short_forms(void **state)
{
    (void)state;
    speaker_list l = {0};
    speaker_list_add(&l, "Beatrix Kolb", "Beatrix Kolb", SPEAKER_ROLE_HOST);
    speaker_list_add(&l, "Samuel Adeyemi", "Samuel Adeyemi", SPEAKER_ROLE_GUEST);
    speaker_list_add(&l, "PvdB", "Pieter van der Berg", SPEAKER_ROLE_UNKNOWN);
    speaker_list_add(&l, "Sam", "Sam Okoro", SPEAKER_ROLE_UNKNOWN);
    speaker_list_add(&l, "A. B. Nwosu", "A. B. Nwosu", SPEAKER_ROLE_UNKNOWN);
    speaker_index *ix = speaker_index_new(&l);
    /* labels and full names, any ASCII case */
    assert_ptr_equal(speaker_index_find(ix, "beatrix kolb"), &l.items[0]);
    assert_ptr_equal(speaker_index_find(ix, "PVDB"), &l.items[2]);
    /* first names, surnames (with their particles), initials with or without dots */
    assert_ptr_equal(speaker_index_find(ix, "Beatrix"), &l.items[0]);
    assert_ptr_equal(speaker_index_find(ix, "Kolb"), &l.items[0]);
    assert_ptr_equal(speaker_index_find(ix, "Adeyemi"), &l.items[1]);
    assert_ptr_equal(speaker_index_find(ix, "van der Berg"), &l.items[2]);
    assert_ptr_equal(speaker_index_find(ix, "Berg"), &l.items[2]);
    assert_ptr_equal(speaker_index_find(ix, "BK"), &l.items[0]);
    assert_ptr_equal(speaker_index_find(ix, "B. K."), &l.items[0]);
    assert_ptr_equal(speaker_index_find(ix, "SA"), &l.items[1]);
    assert_ptr_equal(speaker_index_find(ix, "Nwosu"), &l.items[4]);
    /* a label wins over a first name: "Sam" is Sam Okoro's label, not Samuel's short form */
    assert_ptr_equal(speaker_index_find(ix, "Sam"), &l.items[3]);
    /* "Samuel" is only Samuel Adeyemi; "S" and "A." are no initials of anyone; lowercase
     * letters are no initials */
    assert_ptr_equal(speaker_index_find(ix, "Samuel"), &l.items[1]);
    assert_null(speaker_index_find(ix, "A."));
    assert_null(speaker_index_find(ix, "bk"));
    assert_null(speaker_index_find(ix, "Nobody"));
    assert_null(speaker_index_find(ix, ""));
    assert_null(speaker_index_find(NULL, "Kolb"));
    speaker_index_free(ix);
    /* a short form that fits two speakers names neither */
    speaker_list_add(&l, "Ada Kolb", "Ada Kolb", SPEAKER_ROLE_UNKNOWN);
    ix = speaker_index_new(&l);
    assert_null(speaker_index_find(ix, "Kolb"));
    assert_ptr_equal(speaker_index_find(ix, "Ada"), &l.items[5]);
    assert_ptr_equal(speaker_index_find(ix, "AK"), &l.items[5]);
    speaker_index_free(ix);
    speaker_index_free(NULL);
    ix = speaker_index_new(NULL);
    assert_null(speaker_index_find(ix, "Kolb"));
    speaker_index_free(ix);
    speaker_list_clear(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_free),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_merge_overrides_what_is_set),
        cmocka_unit_test(test_merge_every_field),
        cmocka_unit_test(test_speakers),
        cmocka_unit_test(test_speaker_label_before_name),
        cmocka_unit_test(test_many_speakers),
        cmocka_unit_test(test_speaker_index_short_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
