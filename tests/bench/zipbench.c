/* zipbench: time zipwrite_build alone on real text.
 *
 * usage: zipbench [-t THREADS] [-n ENTRIES] [-r RUNS] [-o OUT.zip] FILE...
 * Makes ENTRIES compressed entries (cycling through the FILEs' contents) after a stored
 * mimetype, packs them RUNS times and prints the median wall time (and writes the archive to
 * OUT.zip when asked). Built by bench.sh (not part
 * of the test suite): cc ... tests/bench/zipbench.c libsheaf.a. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"
#include "zipwrite.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    int threads = 0, runs = 3, opt, ret = 1;
    const char *out_path = NULL;
    size_t count = 2000;
    while ((opt = getopt(argc, argv, "t:n:r:o:")) != -1) {
        if (opt == 't')
            threads = atoi(optarg);
        else if (opt == 'n')
            count = (size_t)strtoul(optarg, NULL, 10);
        else if (opt == 'r')
            runs = atoi(optarg);
        else if (opt == 'o')
            out_path = optarg;
        else
            return 2;
    }
    size_t nfiles = (size_t)(argc - optind);
    if (nfiles == 0 || runs < 1 || count == 0) {
        fprintf(stderr, "usage: zipbench [-t THREADS] [-n ENTRIES] [-r RUNS] [-o OUT] FILE...\n");
        return 2;
    }
    char **text = xcalloc(nfiles, sizeof *text);
    size_t *tlen = xcalloc(nfiles, sizeof *tlen);
    zip_entry_spec *e = xcalloc(count + 1, sizeof *e);
    char **names = xcalloc(count, sizeof *names);
    double *wall = xcalloc((size_t)runs, sizeof *wall);
    double cpu_total = 0;
    size_t in_bytes = 0, out_len = 0;

    for (size_t i = 0; i < nfiles; i++)
        if (file_read_all(argv[optind + (int)i], 0, &text[i], &tlen[i]) < 0) {
            perror(argv[optind + (int)i]);
            goto out;
        }
    e[0] = (zip_entry_spec){"mimetype", (const unsigned char *)"application/epub+zip", 20, 0};
    for (size_t i = 0; i < count; i++) {
        names[i] = xasprintf("EPUB/text/ch%05zu.xhtml", i + 1);
        e[i + 1] = (zip_entry_spec){names[i], (const unsigned char *)text[i % nfiles],
                                    tlen[i % nfiles], 1};
        in_bytes += tlen[i % nfiles];
    }
    for (int r = 0; r < runs; r++) {
        diag_list d = DIAG_LIST_INIT;
        unsigned char *z = NULL;
        double t0 = clock_now(), c0 = cpu_now();
        int rc = zipwrite_build(e, count + 1, 1700000000LL, threads, &z, &out_len, &d);
        wall[r] = clock_now() - t0;
        cpu_total += cpu_now() - c0;
        if (rc == 0 && out_path && r == 0 && file_write_atomic(out_path, z, out_len) < 0)
            perror(out_path);
        free(z);
        if (rc < 0) {
            fprintf(stderr, "zipbench: %s\n", d.len ? d.items[0].message : "failed");
            diag_list_clear(&d);
            goto out;
        }
        diag_list_clear(&d);
    }
    qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
    double med = wall[runs / 2];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("zipwrite: %zu entries, %.1f MB in, %.1f MB out (%.1f%%), threads %d: "
           "median wall %.3f s (%d runs), cpu %.3f s/run, %.0f MB/s, peak RSS %.0f MB\n",
           count, (double)in_bytes / 1e6, (double)out_len / 1e6,
           100.0 * (double)out_len / (double)in_bytes, threads, med, runs,
           cpu_total / runs, (double)in_bytes / 1e6 / med, (double)ru.ru_maxrss / 1024.0);
    ret = 0;
out:
    for (size_t i = 0; i < nfiles; i++)
        free(text[i]);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(text);
    free(tlen);
    free(e);
    free(names);
    free(wall);
    return ret;
}
