/* test_util.c: reading inputs without ever waiting on them, the names of open descriptors, and
 * the sweep of stale temporary files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/util.h"

static char dir[] = "/tmp/sheaf-test-util-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static char *in_dir(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_path_fd(void **state)
{
    (void)state;
    assert_int_equal(file_path_fd("-"), 0);
    assert_int_equal(file_path_fd("/dev/stdin"), 0);
    assert_int_equal(file_path_fd("/dev/fd/63"), 63);
    assert_int_equal(file_path_fd("/proc/self/fd/7"), 7);
    assert_int_equal(file_path_fd("/dev/fd/"), -1);
    assert_int_equal(file_path_fd("/dev/fd/6x"), -1);
    assert_int_equal(file_path_fd("a.md"), -1);
    assert_int_equal(file_path_fd("/dev/stdout"), -1);
}

static void test_read_input_kinds(void **state)
{
    (void)state;
    char *data = NULL, *reg = in_dir("a.md"), *fifo = in_dir("ff.md");
    size_t len = 0;
    write_file(reg, "# Hello\n");
    assert_int_equal(file_read_input(reg, 0, NULL, &data, &len), FILE_READ_OK);
    assert_int_equal(len, 8);
    assert_string_equal(data, "# Hello\n");
    free(data);
    /* a cap below the size */
    assert_int_equal(file_read_input(reg, 4, NULL, &data, &len), FILE_READ_TOO_LARGE);
    /* a FIFO nobody writes to: refused at once, never waited on */
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(file_read_input(fifo, 0, NULL, &data, &len), FILE_READ_SPECIAL);
    assert_int_equal(file_read_input("/dev/zero", 0, NULL, &data, &len), FILE_READ_SPECIAL);
    assert_int_equal(file_read_input(dir, 0, NULL, &data, &len), FILE_READ_FOLDER);
    /* the output, by identity */
    file_id out;
    file_id_of(reg, &out);
    assert_true(out.set);
    assert_int_equal(file_read_input(reg, 0, &out, &data, &len), FILE_READ_IS_OUTPUT);
    char *missing = in_dir("missing.md");
    file_id_of(missing, &out);
    assert_false(out.set);
    assert_int_equal(file_read_input(missing, 0, &out, &data, &len), FILE_READ_ERRNO);
    free(missing);
    free(reg);
    free(fifo);
}

static void test_read_fd(void **state)
{
    (void)state;
    int p[2];
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "piped text", 10), 10);
    close(p[1]);
    assert_int_equal(file_read_fd(p[0], 0, &data, &len), FILE_READ_OK);
    assert_int_equal(len, 10);
    assert_string_equal(data, "piped text");
    free(data);
    close(p[0]);
    /* a closed descriptor */
    assert_int_equal(file_read_fd(p[0], 0, &data, &len), FILE_READ_ERRNO);
}

static void age(const char *path, int seconds)
{
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= seconds;
    tv[1] = tv[0];
    assert_int_equal(utimes(path, tv), 0);
}

static void test_temp_sweep(void **state)
{
    (void)state;
    char *book = in_dir("book.epub");
    char *stale = in_dir("book.epub.sheaf-Ab12Cd"), *fresh = in_dir("book.epub.sheaf-Fresh1");
    char *held = in_dir("book.epub.sheaf-Held01"), *other = in_dir("other.epub.sheaf-Ab12Cd");
    char *odd = in_dir("book.epub.sheaf-Ab12Cd.bak");
    const char *all[] = {stale, fresh, held, other, odd};
    for (size_t i = 0; i < 5; i++) {
        write_file(all[i], "x");
        if (all[i] != fresh)
            age(all[i], 3600);
    }
    int fd = open(held, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    /* a file locked by another open file description counts as held (as by another process) */
    assert_int_equal(file_temp_sweep(book, 60), 1);
    assert_int_equal(access(stale, F_OK), -1);
    for (size_t i = 1; i < 5; i++)
        assert_int_equal(access(all[i], F_OK), 0);
    close(fd);
    /* the lock gone, the old one goes too */
    assert_int_equal(file_temp_sweep(book, 60), 1);
    assert_int_equal(access(held, F_OK), -1);
    /* a temporary file of a build that is still writing is never taken */
    char *tmp = NULL;
    int live = file_temp_open(book, &tmp);
    assert_true(live >= 0);
    age(tmp, 3600);
    assert_int_equal(file_temp_sweep(book, 60), 0);
    assert_int_equal(access(tmp, F_OK), 0);
    file_temp_discard(live, &tmp);
    for (size_t i = 0; i < 5; i++)
        free((char *)all[i]);
    free(book);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_fd),
        cmocka_unit_test(test_read_input_kinds),
        cmocka_unit_test(test_read_fd),
        cmocka_unit_test(test_temp_sweep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
