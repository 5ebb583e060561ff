/* readbench: how fast an input is read into the article model and through the passes.
 *
 * usage: readbench FILE [RUNS]
 *
 * Reads FILE RUNS times (default 9) the way a build does (reader_read: the reader of its format,
 * by content; then passes_run), in this process, one thread, and prints the median time of one
 * read and the file's size:  seconds=S bytes=N  (no process start-up, packaging or check in the
 * figure). Exit status 1 when the file cannot be read. Used by tests/bench/captions.sh to
 * compare caption files with Markdown of the same words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model/article.h"
#include "model/options.h"
#include "passes/passes.h"
#include "readers/plan.h"
#include "readers/reader.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: readbench FILE [RUNS]\n", stderr);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 9;
    if (runs < 1)
        runs = 1;
    build_options o;
    plan p;
    build_options_init(&o);
    o.epoch = 1700000000;
    plan_init(&p);
    plan_entry *e = plan_add(&p, argv[1]);
    double *t = calloc((size_t)runs, sizeof *t);
    int status = 0;
    for (int r = 0; r < runs && !status; r++) {
        article *a = article_new(0);
        double t0 = now();
        if (reader_read(a, e, &o) != 0 || passes_run(a, &o) != 0) {
            for (size_t i = 0; i < a->diags.len; i++)
                fprintf(stderr, "readbench: %s\n", a->diags.items[i].message);
            status = 1;
        }
        t[r] = now() - t0;
        article_free(a);
    }
    if (!status) {
        struct stat st;
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        printf("seconds=%.6f bytes=%lld\n", t[runs / 2],
               stat(argv[1], &st) == 0 ? (long long)st.st_size : -1LL);
    }
    free(t);
    plan_free(&p);
    build_options_free(&o);
    return status;
}
