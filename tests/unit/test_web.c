/* test_web.c: what the web input stands on: HTTP header reading (readers/httphdr.c), the
 * response cache's files (readers/webcache.c), web addresses (base/url.c) and the choice of a
 * reader for a fetched page (readers/webpage.c). The fetching itself is tested end to end
 * against a local server (tests/web.bats). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/url.h"
#include "base/util.h"
#include "readers/httphdr.h"
#include "readers/webcache.h"
#include "readers/webpage.h"

static void feed(httphdr *h, const char *line)
{
    httphdr_line(h, line, strlen(line));
}

static void test_headers(void **state)
{
    (void)state;
    httphdr h;
    memset(&h, 0, sizeof h);
    feed(&h, "HTTP/1.1 302 Found\r\n");
    feed(&h, "Location: /next\r\n");
    feed(&h, "ETag: \"old\"\r\n");
    assert_int_equal(h.status, 302);
    assert_string_equal(h.location, "/next");
    /* A new response forgets the last one's values. */
    feed(&h, "HTTP/2 429 \r\n");
    assert_int_equal(h.status, 429);
    assert_null(h.location);
    assert_null(h.etag);
    feed(&h, "retry-AFTER:   7  \r\n");
    feed(&h, "Content-Type: text/html; charset=UTF-8\r\n");
    feed(&h, "Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n");
    assert_string_equal(h.retry_after, "7");
    assert_string_equal(h.content_type, "text/html; charset=UTF-8");
    assert_string_equal(h.last_modified, "Tue, 14 Nov 2023 22:13:20 GMT");
    /* Control bytes, a missing colon, an overlong value: ignored, never kept. */
    httphdr_line(&h, "ETag: \"a\0b\"\r\n", 13);
    assert_null(h.etag);
    feed(&h, "ETag \"x\"");
    assert_null(h.etag);
    char *long_line = xmalloc(HTTPHDR_MAX_VALUE + 20);
    memcpy(long_line, "ETag: ", 6);
    memset(long_line + 6, 'x', HTTPHDR_MAX_VALUE + 1);
    long_line[HTTPHDR_MAX_VALUE + 7] = '\0';
    feed(&h, long_line);
    assert_null(h.etag);
    free(long_line);
    /* A status line of junk gives status 0 rather than a guess. */
    feed(&h, "HTTP/1.1 2x0 Odd\r\n");
    assert_int_equal(h.status, 0);
    httphdr_clear(&h);
}

static void test_retry_after(void **state)
{
    (void)state;
    long s = -1;
    time_t now = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */
    assert_int_equal(httphdr_retry_after("120", now, &s), 0);
    assert_int_equal(s, 120);
    assert_int_equal(httphdr_retry_after("  0 ", now, &s), 0);
    assert_int_equal(s, 0);
    assert_int_equal(httphdr_retry_after("Tue, 14 Nov 2023 22:14:20 GMT", now, &s), 0);
    assert_int_equal(s, 60);
    /* A date in the past: no wait. */
    assert_int_equal(httphdr_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now, &s), 0);
    assert_int_equal(s, 0);
    /* Far too long saturates instead of overflowing. */
    assert_int_equal(httphdr_retry_after("99999999999999999999999", now, &s), 0);
    assert_true(s >= 100000000L);
    assert_int_equal(httphdr_retry_after("-5", now, &s), -1);
    assert_int_equal(httphdr_retry_after("5 seconds", now, &s), -1);
    assert_int_equal(httphdr_retry_after("", now, &s), -1);
    assert_int_equal(httphdr_retry_after("soon", now, &s), -1);
}

static void test_media_type(void **state)
{
    (void)state;
    char *cs = NULL;
    char *t = httphdr_media_type("Text/HTML; Charset=\"ISO-8859-1\"", &cs);
    assert_string_equal(t, "text/html");
    assert_string_equal(cs, "iso-8859-1");
    free(t);
    free(cs);
    t = httphdr_media_type("text/plain;format=flowed ; charset=windows-1252", &cs);
    assert_string_equal(t, "text/plain");
    assert_string_equal(cs, "windows-1252");
    free(t);
    free(cs);
    t = httphdr_media_type("text/markdown", &cs);
    assert_string_equal(t, "text/markdown");
    assert_null(cs);
    free(t);
    assert_null(httphdr_media_type("text", &cs));
    assert_null(cs);
    assert_null(httphdr_media_type("", &cs));
    assert_null(httphdr_media_type(NULL, &cs));
    assert_null(httphdr_media_type("/html", NULL));
}

static webcache_entry entry_make(const char *url, const char *body)
{
    webcache_entry e;
    memset(&e, 0, sizeof e);
    e.url = xstrdup(url);
    e.final_url = xasprintf("%s/", url);
    e.status = 200;
    e.media_type = xstrdup("text/markdown; charset=utf-8");
    e.etag = xstrdup("\"v1\"");
    e.body = (unsigned char *)xstrdup(body);
    e.len = strlen(body);
    return e;
}

static void test_cache_format(void **state)
{
    (void)state;
    webcache_entry e = entry_make("https://example.org/a", "# Title\n\nbody\n");
    size_t len = 0;
    const char *why = NULL;
    unsigned char *bytes = webcache_format(&e, &len);
    webcache_entry back;
    memset(&back, 0, sizeof back);
    assert_int_equal(webcache_parse(bytes, len, &back, &why), 0);
    assert_string_equal(back.url, e.url);
    assert_string_equal(back.final_url, e.final_url);
    assert_string_equal(back.media_type, e.media_type);
    assert_string_equal(back.etag, e.etag);
    assert_null(back.last_modified);
    assert_int_equal(back.status, 200);
    assert_int_equal(back.len, e.len);
    assert_memory_equal(back.body, e.body, e.len);
    webcache_entry_clear(&back);
    /* Every shorter prefix of the file (a write cut short) is refused, never half-read. */
    for (size_t cut = 0; cut < len; cut++) {
        webcache_entry part;
        memset(&part, 0, sizeof part);
        assert_int_equal(webcache_parse(bytes, cut, &part, &why), -1);
        assert_non_null(why);
        webcache_entry_clear(&part);
    }
    free(bytes);
    /* A value with a line break cannot forge a header line: it is left out. */
    free(e.etag);
    e.etag = xstrdup("\"x\"\nlength: 1");
    bytes = webcache_format(&e, &len);
    memset(&back, 0, sizeof back);
    assert_int_equal(webcache_parse(bytes, len, &back, &why), 0);
    assert_null(back.etag);
    assert_int_equal(back.len, e.len);
    webcache_entry_clear(&back);
    free(bytes);
    webcache_entry_clear(&e);
    /* Not an entry at all, a repeated field, a failure status. */
    static const char *const bad[] = {
        "hello",
        "sheaf-cache 1\nurl: a\nurl: b\nfinal-url: a\nstatus: 200\nlength: 0\n\n",
        "sheaf-cache 1\nurl: a\nfinal-url: a\nstatus: 404\nlength: 0\n\n",
        "sheaf-cache 1\nurl: a\nfinal-url: a\nstatus: 200\nlength: 99999999999999\n\n",
        "sheaf-cache 1\nurl: a\nfinal-url: a\nstatus: 200\nlength: 1\n\nxy",
        "sheaf-cache 1\nurl a\n\n",
        /* found by fuzz_webcache: an empty value, which writing the entry again dropped */
        "sheaf-cache 1\nurl: a\nfinal-url: \nstatus: 200\nlength: 0\n\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        webcache_entry x;
        memset(&x, 0, sizeof x);
        assert_int_equal(webcache_parse((const unsigned char *)bad[i], strlen(bad[i]), &x, &why),
                         -1);
        webcache_entry_clear(&x);
    }
}

static void test_cache_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/sheaf-test-cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    webcache_entry e = entry_make("https://example.org/b", "text");
    webcache_entry got;
    const char *why = NULL;
    assert_int_equal(webcache_load(dir, e.url, &got, &why), 0); /* nothing yet */
    assert_int_equal(webcache_store(dir, &e), 0);
    assert_int_equal(webcache_load(dir, e.url, &got, &why), 1);
    assert_string_equal(got.final_url, "https://example.org/b/");
    assert_memory_equal(got.body, "text", 4);
    webcache_entry_clear(&got);
    /* An entry moved under another address's name is not that address's answer. */
    char *from = webcache_path(dir, e.url);
    char *to = webcache_path(dir, "https://example.org/other");
    assert_int_equal(rename(from, to), 0);
    assert_int_equal(webcache_load(dir, "https://example.org/other", &got, &why), -1);
    assert_string_equal(why, "it holds another address");
    unlink(to);
    free(from);
    free(to);
    /* The folder holds no temporary file after a store. */
    assert_int_equal(webcache_store(dir, &e), 0);
    char *cmd = xasprintf("test -z \"$(find %s -name '*.tmp-*')\"", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    cmd = xasprintf("rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    webcache_entry_clear(&e);
}

static void expect_url(const char *base, const char *ref, const char *want)
{
    char *scheme = NULL;
    char *got = url_web_resolve(base, ref, 1, &scheme);
    if (!want) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(got);
    free(scheme);
}

static void test_urls(void **state)
{
    (void)state;
    assert_true(url_is_web("https://x.org"));
    assert_true(url_is_web("HTTP://x.org"));
    assert_false(url_is_web("ftp://x.org"));
    assert_false(url_is_web("https:x"));
    assert_false(url_is_web("notes.md"));
    char *n = url_web_normalize("HTTPS://Example.ORG");
    assert_string_equal(n, "https://example.org/");
    free(n);
    n = url_web_normalize("https://example.org/a b#part");
    assert_string_equal(n, "https://example.org/a%20b");
    free(n);
    assert_null(url_web_normalize("https://"));
    assert_null(url_web_normalize("ftp://example.org/"));
    assert_null(url_web_normalize("https://example.org:99999/"));
    /* RFC 3986 5.4.1 examples, base http://a/b/c/d;p?q */
    const char *b = "http://a/b/c/d;p?q";
    expect_url(b, "g", "http://a/b/c/g");
    expect_url(b, "./g", "http://a/b/c/g");
    expect_url(b, "g/", "http://a/b/c/g/");
    expect_url(b, "/g", "http://a/g");
    expect_url(b, "//g", "http://g/");
    expect_url(b, "?y", "http://a/b/c/d;p?y");
    expect_url(b, "#s", "http://a/b/c/d;p?q#s");
    expect_url(b, "", "http://a/b/c/d;p?q");
    expect_url(b, "../g", "http://a/b/g");
    expect_url(b, "../../g", "http://a/g");
    expect_url(b, "https://other.org/x", "https://other.org/x");
    /* Schemes that are not the web: refused, and named. */
    char *scheme = NULL;
    assert_null(url_web_resolve(b, "file:///etc/passwd", 0, &scheme));
    assert_string_equal(scheme, "file");
    free(scheme);
    assert_null(url_web_resolve(b, "JavaScript:alert(1)", 0, &scheme));
    assert_string_equal(scheme, "javascript");
    free(scheme);
    assert_null(url_web_resolve(b, "data:image/png;base64,AAAA", 0, &scheme));
    assert_string_equal(scheme, "data");
    free(scheme);
    char *h = url_host("https://Example.ORG:8080/x");
    assert_string_equal(h, "example.org");
    free(h);
    h = url_origin("HTTPS://Example.ORG/x?y");
    assert_string_equal(h, "https://example.org:443");
    free(h);
    h = url_origin("http://127.0.0.1:8080/x");
    assert_string_equal(h, "http://127.0.0.1:8080");
    free(h);
}

static void expect_kind(const char *ct, const char *body, webpage_kind want, const char *what)
{
    char *w = NULL;
    webpage_kind k = webpage_kind_of(ct, (const unsigned char *)body, strlen(body), &w);
    assert_int_equal(k, want);
    if (what) {
        assert_non_null(w);
        assert_string_equal(w, what);
    }
    free(w);
}

static void test_page_kind(void **state)
{
    (void)state;
    expect_kind("text/html; charset=utf-8", "<p>x</p>", WEBPAGE_HTML, NULL);
    expect_kind("application/xhtml+xml", "<html/>", WEBPAGE_HTML, NULL);
    expect_kind("text/markdown", "# T\n", WEBPAGE_TEXT, NULL);
    expect_kind("text/plain", "<html>", WEBPAGE_TEXT, NULL); /* declared text stays text */
    /* No type, or one that says nothing: the bytes decide. */
    expect_kind(NULL, "\n  <!DOCTYPE html><html>", WEBPAGE_HTML, NULL);
    expect_kind(NULL, "<!-- saved -->\n<div>", WEBPAGE_HTML, NULL);
    expect_kind("application/octet-stream", "<P>hello", WEBPAGE_HTML, NULL);
    expect_kind(NULL, "# Title\n\n<br> in Markdown", WEBPAGE_TEXT, NULL);
    expect_kind(NULL, "<abbr>x</abbr>", WEBPAGE_TEXT, NULL); /* "<a" must end the tag name */
    /* Bytes that are not text are refused, whatever they were served as. */
    expect_kind("text/html", "%PDF-1.4 ...", WEBPAGE_REFUSED, "a PDF document");
    expect_kind("text/markdown", "\x89PNG\r\n\x1a\n....", WEBPAGE_REFUSED, "a PNG image");
    expect_kind("text/plain", "GIF89a....", WEBPAGE_REFUSED, "a GIF image");
    expect_kind("application/json", "{}", WEBPAGE_REFUSED, "'application/json'");
    expect_kind("image/png", "# looks like text", WEBPAGE_REFUSED, "'image/png'");
    /* Caption files and transcripts (issue 15): by their type, or by their bytes when served as
     * plain text or without a type; JSON only when it holds a transcript's segments. */
    expect_kind("text/vtt; charset=utf-8", "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n",
                WEBPAGE_CAPTIONS, NULL);
    expect_kind("application/x-subrip", "broken first card", WEBPAGE_CAPTIONS, NULL);
    expect_kind("text/plain", "1\n00:00:01,000 --> 00:00:02,000\nHi\n", WEBPAGE_CAPTIONS, NULL);
    expect_kind(NULL, "WEBVTT\n", WEBPAGE_CAPTIONS, NULL);
    expect_kind("application/json", "{\"version\": \"1.0.0\", \"segments\": []}",
                WEBPAGE_CAPTIONS, NULL);
    expect_kind("text/markdown", "WEBVTT is a format.\n", WEBPAGE_TEXT, NULL);
    char bin[64];
    memset(bin, 0, sizeof bin);
    memcpy(bin, "ab", 2);
    char *w = NULL;
    assert_int_equal(webpage_kind_of("text/plain", (unsigned char *)bin, sizeof bin, &w),
                     WEBPAGE_REFUSED);
    assert_string_equal(w, "binary data");
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),     cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_media_type),  cmocka_unit_test(test_cache_format),
        cmocka_unit_test(test_cache_files), cmocka_unit_test(test_urls),
        cmocka_unit_test(test_page_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
