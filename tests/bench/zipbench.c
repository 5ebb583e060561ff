/* zipbench: time zipwrite_build alone on real text.
 *
 * usage: zipbench [-t THREADS] [-n ENTRIES] [-r RUNS] [-o OUT.zip] FILE...
 *        zipbench [-t THREADS] [-r RUNS] [-o OUT.zip] -e BOOK.epub
 * Makes ENTRIES compressed entries (cycling through the FILEs' contents) after a stored
 * mimetype, or repacks every entry of BOOK.epub as it is (same names, same methods), packs
 * them RUNS times and prints the median wall time (and writes the archive to OUT.zip when
 * asked). Not part of the test suite; build it with
 *   cc -O2 -std=c11 -D_DEFAULT_SOURCE -Isrc -o zipbench tests/bench/zipbench.c build/libsheaf.a \
 *      $(pkg-config --libs libzip libdeflate libxml-2.0 libcmark yaml-0.1 nettle) -lpthread
 * e.g. `zipbench -e book.epub` times the packaging stage alone on a real book's entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <zip.h>

#include "base/diag.h"
#include "base/util.h"
#include "writers/zipwrite.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Read every entry of an existing zip into text/e; returns the number of entries or -1. */
static long load_epub(const char *path, char ***text, size_t **tlen, zip_entry_spec **e,
                      char ***names)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    if (!za) {
        fprintf(stderr, "zipbench: can't open %s (libzip error %d)\n", path, err);
        return -1;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    *text = xcalloc((size_t)n + 1, sizeof **text);
    *tlen = xcalloc((size_t)n + 1, sizeof **tlen);
    *e = xcalloc((size_t)n + 1, sizeof **e);
    *names = xcalloc((size_t)n + 1, sizeof **names);
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_file_t *f;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
            !(f = zip_fopen_index(za, (zip_uint64_t)i, 0))) {
            fprintf(stderr, "zipbench: can't read entry %lld of %s\n", (long long)i, path);
            zip_discard(za);
            return -1;
        }
        (*text)[i] = xmalloc(st.size + 1);
        (*tlen)[i] = (size_t)zip_fread(f, (*text)[i], st.size);
        zip_fclose(f);
        (*names)[i] = xstrdup(st.name);
        (*e)[i] = (zip_entry_spec){(*names)[i], (const unsigned char *)(*text)[i], (*tlen)[i],
                                   st.comp_method != ZIP_CM_STORE};
    }
    zip_discard(za);
    return (long)n;
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
    const char *out_path = NULL, *epub = NULL;
    size_t count = 2000;
    while ((opt = getopt(argc, argv, "t:n:r:o:e:")) != -1) {
        if (opt == 't')
            threads = atoi(optarg);
        else if (opt == 'n')
            count = (size_t)strtoul(optarg, NULL, 10);
        else if (opt == 'r')
            runs = atoi(optarg);
        else if (opt == 'o')
            out_path = optarg;
        else if (opt == 'e')
            epub = optarg;
        else
            return 2;
    }
    size_t nfiles = (size_t)(argc - optind);
    if ((nfiles == 0) == !epub || runs < 1 || count == 0) {
        fprintf(stderr, "usage: zipbench [-t THREADS] [-n ENTRIES] [-r RUNS] [-o OUT] FILE...\n"
                        "       zipbench [-t THREADS] [-r RUNS] [-o OUT] -e BOOK.epub\n");
        return 2;
    }
    char **text = NULL, **names = NULL;
    size_t *tlen = NULL, nentries;
    zip_entry_spec *e = NULL;
    double *wall = xcalloc((size_t)runs, sizeof *wall);
    double cpu_total = 0;
    size_t in_bytes = 0, out_len = 0;

    if (epub) {
        long got = load_epub(epub, &text, &tlen, &e, &names);
        if (got < 0)
            goto out;
        nfiles = count = nentries = (size_t)got;
        for (size_t i = 0; i < nentries; i++)
            in_bytes += tlen[i];
        goto run;
    }
    text = xcalloc(nfiles, sizeof *text);
    tlen = xcalloc(nfiles, sizeof *tlen);
    e = xcalloc(count + 1, sizeof *e);
    names = xcalloc(count, sizeof *names);
    nentries = count + 1;
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
run:
    for (int r = 0; r < runs; r++) {
        diag_list d = DIAG_LIST_INIT;
        unsigned char *z = NULL;
        double t0 = clock_now(), c0 = cpu_now();
        int rc = zipwrite_build(e, nentries, 1700000000LL, threads, &z, &out_len, &d);
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
    for (size_t i = 0; text && i < nfiles; i++)
        free(text[i]);
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(text);
    free(tlen);
    free(e);
    free(names);
    free(wall);
    return ret;
}
