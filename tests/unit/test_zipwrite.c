/* Unit tests for zipwrite: the EPUB container writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "base/diag.h"
#include "base/util.h"
#include "writers/zipwrite.h"


/* An entry for zipwrite_build: stored (0) or deflated by it (1). */
static zip_entry_spec entry_spec(const char *name, const unsigned char *data, size_t len,
                                 int compress)
{
    zip_entry_spec e = {name, data, len, compress, 0, 0, 0};
    return e;
}

static const char mimetype[] = "application/epub+zip";
static const char container[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
    "  <rootfiles><rootfile full-path=\"EPUB/package.opf\" "
    "media-type=\"application/oebps-package+xml\"/></rootfiles>\n</container>\n";

/* A chapter of repetitive but not trivial text, `len` bytes; caller frees. */
static unsigned char *make_chapter(size_t len, unsigned seed)
{
    static const char *words[] = {"the",   "interview", "speaker", "said",  "\xc3\xa9t\xc3\xa9",
                                  "link",  "<p>",       "</p>",    "\n",    "podcast",
                                  "seven", "question",  "answer",  "laugh", "time"};
    unsigned char *buf = xmalloc(len + 1);
    uint32_t x = seed * 2654435761u + 1;
    size_t i = 0;
    while (i < len) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        const char *w = words[x % (sizeof words / sizeof words[0])];
        for (const char *c = w; *c && i < len; c++)
            buf[i++] = (unsigned char)*c;
        if (i < len)
            buf[i++] = ' ';
    }
    buf[len] = 0;
    return buf;
}

typedef struct book {
    zip_entry_spec e[8];
    unsigned char *ch[4];
    size_t n;
} book;

static void book_init(book *b)
{
    memset(b, 0, sizeof *b);
    b->ch[0] = make_chapter(300000, 1);
    b->ch[1] = make_chapter(1000, 2);
    b->ch[2] = make_chapter(0, 3);
    b->ch[3] = make_chapter(70000, 4);
    b->e[0] = entry_spec("mimetype", (const unsigned char *)mimetype, strlen(mimetype), 0);
    b->e[1] = entry_spec("META-INF/container.xml", (const unsigned char *)container,
                               strlen(container), 1);
    b->e[2] = entry_spec("EPUB/text/ch001.xhtml", b->ch[0], 300000, 1);
    b->e[3] = entry_spec("EPUB/text/ch002.xhtml", b->ch[1], 1000, 1);
    b->e[4] = entry_spec("EPUB/text/empty.xhtml", b->ch[2], 0, 1);
    b->e[5] = entry_spec("EPUB/images/fig.png", b->ch[3], 70000, 0);
    b->e[6] = entry_spec("EPUB/text/caf\xc3\xa9.xhtml", b->ch[1], 1000, 1);
    b->n = 7;
}

static void book_free(book *b)
{
    for (size_t i = 0; i < 4; i++)
        free(b->ch[i]);
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static void build_ok(const book *b, long long epoch, int threads, unsigned char **out,
                     size_t *len)
{
    diag_list d = DIAG_LIST_INIT;
    int rc = zipwrite_build(b->e, b->n, epoch, threads, out, len, &d);
    if (rc != 0 && d.len)
        fprintf(stderr, "zipwrite_build: %s\n", d.items[0].message);
    assert_int_equal(rc, 0);
    assert_non_null(*out);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_WARNING), 0);
    diag_list_clear(&d);
}

static void test_dos_time(void **state)
{
    (void)state;
    unsigned short t, d;
    zipwrite_dos_time(1709214330LL, &t, &d); /* 2024-02-29T13:45:30Z */
    assert_int_equal(d, (44 << 9) | (2 << 5) | 29);
    assert_int_equal(t, (13 << 11) | (45 << 5) | 15);
    zipwrite_dos_time(0, &t, &d); /* before 1980: clamped */
    assert_int_equal(d, (0 << 9) | (1 << 5) | 1);
    assert_int_equal(t, 0);
    zipwrite_dos_time(1LL << 40, &t, &d); /* after 2107: clamped */
    assert_int_equal(d, (127 << 9) | (12 << 5) | 31);
}

/* The first local header, byte by byte: what epubcheck's PKG-005/006/007 look at. */
static void test_mimetype_first_stored_no_extra(void **state)
{
    (void)state;
    book b;
    book_init(&b);
    unsigned char *z = NULL;
    size_t len = 0;
    build_ok(&b, 1709214330LL, 1, &z, &len);
    assert_true(len > 38 + strlen(mimetype));
    assert_int_equal(rd32(z), 0x04034b50u);
    assert_int_equal(rd16(z + 8), 0);  /* method: stored */
    assert_int_equal(rd16(z + 26), 8); /* name length */
    assert_int_equal(rd16(z + 28), 0); /* extra field length */
    assert_memory_equal(z + 30, "mimetype", 8);
    assert_int_equal(rd32(z + 18), strlen(mimetype)); /* compressed size */
    assert_memory_equal(z + 38, mimetype, strlen(mimetype));
    assert_int_equal(rd16(z + 10), (13 << 11) | (45 << 5) | 15);
    assert_int_equal(rd16(z + 12), (44 << 9) | (2 << 5) | 29);
    free(z);
    book_free(&b);
}

/* Every local and central header: no extra fields, the same DOS time, the method asked for. */
static void check_headers(const unsigned char *z, size_t len, const book *b, unsigned dtime,
                          unsigned ddate)
{
    size_t eocd = len - 22;
    assert_int_equal(rd32(z + eocd), 0x06054b50u);
    assert_int_equal(rd16(z + eocd + 10), b->n);
    size_t off = rd32(z + eocd + 16);
    for (size_t i = 0; i < b->n; i++) {
        assert_int_equal(rd32(z + off), 0x02014b50u);
        size_t nlen = rd16(z + off + 28);
        assert_int_equal(nlen, strlen(b->e[i].name));
        assert_memory_equal(z + off + 46, b->e[i].name, nlen);
        assert_int_equal(rd16(z + off + 30), 0); /* extra */
        assert_int_equal(rd16(z + off + 12), dtime);
        assert_int_equal(rd16(z + off + 14), ddate);
        unsigned method = rd16(z + off + 10);
        if (!b->e[i].compress || b->e[i].len == 0)
            assert_int_equal(method, 0);
        else
            assert_int_equal(method, 8);
        size_t loc = rd32(z + off + 42);
        assert_int_equal(rd32(z + loc), 0x04034b50u);
        assert_int_equal(rd16(z + loc + 28), 0); /* extra */
        assert_int_equal(rd16(z + loc + 10), dtime);
        assert_int_equal(rd16(z + loc + 12), ddate);
        off += 46 + nlen + rd16(z + off + 30) + rd16(z + off + 32);
    }
}

/* Read the archive back with libzip, as `unzip -t` would: names in order, CRCs, contents. */
static void check_round_trip(const unsigned char *z, size_t len, const book *b)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(z, len, 0, &err);
    assert_non_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!za)
        fprintf(stderr, "zip_open_from_source: %s\n", zip_error_strerror(&err));
    assert_non_null(za);
    assert_int_equal(zip_get_num_entries(za, 0), b->n);
    for (size_t i = 0; i < b->n; i++) {
        assert_string_equal(zip_get_name(za, i, ZIP_FL_ENC_RAW), b->e[i].name);
        zip_stat_t st;
        assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
        assert_int_equal(st.size, b->e[i].len);
        zip_file_t *f = zip_fopen_index(za, i, 0);
        assert_non_null(f);
        unsigned char *got = xmalloc(b->e[i].len + 1);
        size_t have = 0;
        zip_int64_t r;
        while ((r = zip_fread(f, got + have, b->e[i].len + 1 - have)) > 0)
            have += (size_t)r;
        assert_true(r == 0); /* libzip reports a CRC mismatch as an error here */
        assert_int_equal(have, b->e[i].len);
        if (have)
            assert_memory_equal(got, b->e[i].data, have);
        free(got);
        zip_fclose(f);
    }
    zip_discard(za); /* frees src */
    zip_error_fini(&err);
}

static void test_round_trip(void **state)
{
    (void)state;
    book b;
    book_init(&b);
    unsigned short t, d;
    zipwrite_dos_time(1709214330LL, &t, &d);
    for (int threads = 0; threads <= 3; threads++) {
        unsigned char *z = NULL;
        size_t len = 0;
        build_ok(&b, 1709214330LL, threads, &z, &len);
        check_headers(z, len, &b, t, d);
        check_round_trip(z, len, &b);
        /* compression happened: 300 KB of text shrinks */
        assert_true(len < 200000 + 70000);
        free(z);
    }
    book_free(&b);
}

static void set_tz(const char *tz)
{
    if (tz)
        setenv("TZ", tz, 1);
    else
        unsetenv("TZ");
    tzset();
}

/* The same entries give the same bytes: twice, with any thread count, in any time zone,
 * also for a UTC time that falls in New York's spring-forward gap. */
static void test_reproducible(void **state)
{
    (void)state;
    static const char *zones[] = {"America/New_York", "Asia/Tokyo", "UTC",
                                  "Australia/Lord_Howe"};
    static const long long epochs[] = {1709214330LL, 1615689000LL /* 2021-03-14T02:30Z */};
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    book b;
    book_init(&b);
    for (size_t k = 0; k < 2; k++) {
        unsigned char *ref = NULL;
        size_t ref_len = 0;
        set_tz("UTC");
        build_ok(&b, epochs[k], 1, &ref, &ref_len);
        unsigned short t, d;
        zipwrite_dos_time(epochs[k], &t, &d);
        check_headers(ref, ref_len, &b, t, d);
        for (size_t zi = 0; zi < sizeof zones / sizeof zones[0]; zi++) {
            for (int threads = 1; threads <= 2; threads++) {
                unsigned char *z = NULL;
                size_t len = 0;
                set_tz(zones[zi]);
                build_ok(&b, epochs[k], threads, &z, &len);
                assert_int_equal(len, ref_len);
                assert_memory_equal(z, ref, len);
                free(z);
            }
        }
        free(ref);
    }
    set_tz(saved);
    free(saved);
    book_free(&b);
}

/* Many entries: more than the workers may compress ahead of libzip, so entries are handed
 * over while others are still being deflated. Every thread count gives the same bytes. */
static void test_many_entries(void **state)
{
    (void)state;
    enum { N = 300 };
    zip_entry_spec *e = xcalloc(N, sizeof *e);
    unsigned char **text = xcalloc(N, sizeof *text);
    char **names = xcalloc(N, sizeof *names);
    e[0] = entry_spec("mimetype", (const unsigned char *)mimetype, strlen(mimetype), 0);
    for (size_t i = 1; i < N; i++) {
        size_t len = 500 + (i * 7919) % 20000;
        text[i] = make_chapter(len, (unsigned)i);
        names[i] = xasprintf("EPUB/text/ch%03zu.xhtml", i);
        e[i] = entry_spec(names[i], text[i], len, i % 17 != 0);
    }
    unsigned char *ref = NULL;
    size_t ref_len = 0;
    for (int threads = 0; threads <= 4; threads++) {
        diag_list d = DIAG_LIST_INIT;
        unsigned char *z = NULL;
        size_t len = 0;
        assert_int_equal(zipwrite_build(e, N, 1709214330LL, threads, &z, &len, &d), 0);
        if (!ref) {
            zip_error_t err;
            zip_error_init(&err);
            zip_source_t *src = zip_source_buffer_create(z, len, 0, &err);
            zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
            assert_non_null(za);
            assert_int_equal(zip_get_num_entries(za, 0), N);
            for (size_t i = 0; i < N; i++) {
                zip_stat_t st;
                assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
                assert_string_equal(st.name, e[i].name);
                assert_int_equal(st.comp_method, e[i].compress ? 8 : 0);
                zip_file_t *f = zip_fopen_index(za, i, 0);
                assert_non_null(f);
                unsigned char *got = xmalloc(e[i].len + 1);
                assert_int_equal(zip_fread(f, got, e[i].len + 1), e[i].len);
                assert_memory_equal(got, e[i].data, e[i].len);
                free(got);
                zip_fclose(f);
            }
            zip_discard(za);
            zip_error_fini(&err);
            ref = z;
            ref_len = len;
        } else {
            assert_int_equal(len, ref_len);
            assert_memory_equal(z, ref, len);
            free(z);
        }
        diag_list_clear(&d);
    }
    free(ref);
    for (size_t i = 0; i < N; i++) {
        free(text[i]);
        free(names[i]);
    }
    free(text);
    free(names);
    free(e);
}

/* Over 65535 entries libzip writes a zip64 end record; the timestamps must still be the UTC
 * ones (a DST-gap time in New York) and the archive readable. */
static void test_zip64_entry_count(void **state)
{
    (void)state;
    enum { N = 66000 };
    zip_entry_spec *e = xcalloc(N, sizeof *e);
    char **names = xcalloc(N, sizeof *names);
    static const unsigned char body[] = "<p>a short page, a short page, a short page</p>";
    e[0] = entry_spec("mimetype", (const unsigned char *)mimetype, strlen(mimetype), 0);
    for (size_t i = 1; i < N; i++) {
        names[i] = xasprintf("EPUB/p%05zu.xhtml", i);
        e[i] = entry_spec(names[i], body, sizeof body - 1, 1);
    }
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    unsigned char *z[2] = {NULL, NULL};
    size_t len[2] = {0, 0};
    static const char *zones[2] = {"UTC", "America/New_York"};
    for (int k = 0; k < 2; k++) {
        diag_list d = DIAG_LIST_INIT;
        set_tz(zones[k]);
        assert_int_equal(zipwrite_build(e, N, 1615689000LL, 2, &z[k], &len[k], &d), 0);
        diag_list_clear(&d);
    }
    set_tz(saved);
    free(saved);
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(z[0], z[1], len[0]);
    /* the last entry's local header carries the UTC time */
    unsigned short t, dd;
    zipwrite_dos_time(1615689000LL, &t, &dd);
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(z[0], len[0], 0, &err);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    assert_non_null(za);
    assert_int_equal(zip_get_num_entries(za, 0), N);
    zip_file_t *f = zip_fopen_index(za, N - 1, 0);
    assert_non_null(f);
    char buf[sizeof body];
    assert_int_equal(zip_fread(f, buf, sizeof buf), sizeof body - 1);
    assert_memory_equal(buf, body, sizeof body - 1);
    zip_fclose(f);
    zip_discard(za);
    zip_error_fini(&err);
    size_t last = 0;
    for (size_t off = 0; off + 30 < len[0]; off++)
        if (rd32(z[0] + off) == 0x04034b50u)
            last = off;
    assert_int_equal(rd16(z[0] + last + 10), t);
    assert_int_equal(rd16(z[0] + last + 12), dd);
    free(z[0]);
    free(z[1]);
    for (size_t i = 0; i < N; i++)
        free(names[i]);
    free(names);
    free(e);
}

/* Entries deflated ahead of packaging (ZIPWRITE_DEFLATED) go in as they are, handed over or
 * borrowed, and read back as the original bytes with the right CRC; the archive is the same
 * bytes as when zipwrite_build deflates them itself. */
static void test_precompressed(void **state)
{
    (void)state;
    unsigned char *text = make_chapter(120000, 7);
    zipwrite_deflater *d = zipwrite_deflater_new();
    size_t dlen = 0, dlen2 = 0;
    uint32_t crc = 0, crc2 = 0;
    unsigned char *given = zipwrite_deflate(d, text, 120000, &dlen, &crc);
    unsigned char *lent = zipwrite_deflate(d, text, 120000, &dlen2, &crc2);
    assert_true(dlen < 120000 / 2);
    assert_int_equal(dlen, dlen2);
    assert_int_equal(crc, crc2);
    zip_entry_spec e[4] = {
        entry_spec("mimetype", (const unsigned char *)mimetype, strlen(mimetype), 0),
        {"EPUB/a.xhtml", given, dlen, ZIPWRITE_DEFLATED, crc, 120000, 1},
        {"EPUB/b.xhtml", lent, dlen2, ZIPWRITE_DEFLATED, crc2, 120000, 0},
        entry_spec("EPUB/c.xhtml", text, 120000, 1),
    };
    diag_list diags = DIAG_LIST_INIT;
    unsigned char *z = NULL;
    size_t zlen = 0;
    assert_int_equal(zipwrite_build(e, 4, 1700000000LL, 2, &z, &zlen, &diags), 0);
    /* `given` belongs to zipwrite_build now (ASan would report a leak or double free);
     * `lent` is still ours. */
    book b;
    memset(&b, 0, sizeof b);
    b.n = 4;
    b.e[0] = e[0];
    for (int i = 1; i < 4; i++)
        b.e[i] = entry_spec(e[i].name, text, 120000, 1);
    check_round_trip(z, zlen, &b);
    free(z);
    free(lent);
    zipwrite_deflater_free(d);
    free(text);
    diag_list_clear(&diags);
}

/* Written to a file (what `sheaf build` does), the archive is the same bytes as in memory,
 * times included (they are patched in the file), whatever the file held before; a file that
 * cannot be written is an error, not a short book. */
static void test_to_file(void **state)
{
    (void)state;
    book b;
    book_init(&b);
    /* entries larger than the file writer's buffer, stored and deflated, between small ones */
    unsigned char *big = make_chapter(3000000, 9);
    b.e[7] = b.e[6];
    b.e[6] = entry_spec("EPUB/images/big.bin", big, 3000000, 0);
    b.e[5].len = 70000;
    b.e[2] = entry_spec("EPUB/text/ch001.xhtml", big, 2500000, 1);
    b.n = 8;
    unsigned char *mem = NULL;
    size_t mem_len = 0;
    build_ok(&b, 1615689000LL, 2, &mem, &mem_len);

    /* in New York the time falls in the spring-forward gap: libzip gets it wrong there and the
     * file is patched after the fact */
    static const char *zones[] = {"UTC", "America/New_York"};
    char *saved = getenv("TZ") ? xstrdup(getenv("TZ")) : NULL;
    diag_list d = DIAG_LIST_INIT;
    size_t len = 0;
    int fd;
    for (size_t zi = 0; zi < sizeof zones / sizeof zones[0]; zi++) {
        char path[] = "/tmp/sheaf-test-zipwrite-XXXXXX";
        fd = mkstemp(path);
        assert_true(fd >= 0);
        unlink(path);
        unsigned char junk[4096];
        memset(junk, 'j', sizeof junk);
        for (size_t k = 0; k <= mem_len / sizeof junk + 1; k++)
            assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
        set_tz(zones[zi]);
        assert_int_equal(zipwrite_build_fd(b.e, b.n, 1615689000LL, 2, fd, "book.epub", &len, &d), 0);
        set_tz(saved);
        assert_int_equal(d.len, 0);
        assert_int_equal(len, mem_len);
        struct stat st;
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal((size_t)st.st_size, mem_len);
        unsigned char *got = xmalloc(len);
        assert_int_equal(pread(fd, got, len, 0), (ssize_t)len);
        assert_memory_equal(got, mem, len);
        free(got);
        close(fd);
    }
    free(saved);

    fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(zipwrite_build_fd(b.e, b.n, 0, 1, fd, "shelf/book.epub", &len, &d), -1);
    assert_int_equal(len, 0);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 1);
    /* a file that cannot be written (a full disk) is named */
    assert_non_null(d.items[d.len - 1].file);
    assert_string_equal(d.items[d.len - 1].file, "shelf/book.epub");
    close(fd);
    diag_list_clear(&d);
    free(mem);
    free(big);
    book_free(&b);
}

static void test_errors(void **state)
{
    (void)state;
    book b;
    book_init(&b);
    diag_list d = DIAG_LIST_INIT;
    unsigned char *z = (unsigned char *)"x";
    size_t len = 1;

    /* no entries */
    assert_int_equal(zipwrite_build(b.e, 0, 0, 1, &z, &len, &d), -1);
    assert_null(z);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 1);
    diag_list_clear(&d);

    /* the same name twice: an error that names the entry */
    b.e[3].name = b.e[2].name;
    assert_int_equal(zipwrite_build(b.e, b.n, 0, 2, &z, &len, &d), -1);
    assert_null(z);
    assert_int_equal(diag_list_count_at_least(&d, DIAG_ERROR), 1);
    assert_non_null(strstr(d.items[0].message, "EPUB/text/ch001.xhtml"));
    diag_list_clear(&d);
    book_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dos_time),
        cmocka_unit_test(test_mimetype_first_stored_no_extra),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_zip64_entry_count),
        cmocka_unit_test(test_precompressed),
        cmocka_unit_test(test_to_file),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
