/* zipwrite.h: the EPUB container writer. Packs named entries into a zip archive, in memory or
 * in a file.
 *
 * The archive is reproducible: entries in the order given, one fixed DOS timestamp for all of
 * them derived from an epoch (UTC, independent of TZ), no extra fields, so the same entries
 * always give byte-identical archives.
 *
 * Compressed entries are deflated with libdeflate by worker threads, a few entries ahead of
 * libzip, which writes the deflated bytes as they are; each entry's compressed copy is freed
 * once written, so memory beyond the caller's entries is about the size of the archive (none of
 * it when the archive goes to a file). */
#ifndef SHEAF_ZIPWRITE_H
#define SHEAF_ZIPWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"

enum {
    ZIPWRITE_STORE = 0,   /* data is stored as it is */
    ZIPWRITE_DEFLATE = 1, /* data is deflated by zipwrite_build */
    ZIPWRITE_DEFLATED = 2 /* data is already raw deflate (zipwrite_deflate) of raw_len bytes
                             whose CRC-32 is crc: written as it is */
};

typedef struct zip_entry_spec {
    const char *name;          /* container path, e.g. "EPUB/text/ch001.xhtml" (UTF-8) */
    const unsigned char *data; /* entry bytes; only read during the call */
    size_t len;
    int compress; /* ZIPWRITE_STORE, ZIPWRITE_DEFLATE or ZIPWRITE_DEFLATED */
    uint32_t crc;   /* ZIPWRITE_DEFLATED only */
    size_t raw_len; /* ZIPWRITE_DEFLATED only */
    int give;       /* ZIPWRITE_DEFLATED only: the malloc'd data is handed over; zipwrite_build
                       frees it once written (in any case before it returns), so that the
                       deflated documents and the archive are not both held whole */
} zip_entry_spec;

/* A deflate compressor at the container's level, to compress entries ahead of packaging (one
 * per thread: it is not thread-safe). */
typedef struct zipwrite_deflater zipwrite_deflater;
zipwrite_deflater *zipwrite_deflater_new(void);
void zipwrite_deflater_free(zipwrite_deflater *d);
/* Raw-deflate `len` bytes. Returns a malloc'd buffer the caller frees (its length in *out_len)
 * and the CRC-32 of the input in *crc. Never fails (out of memory aborts). */
unsigned char *zipwrite_deflate(zipwrite_deflater *d, const unsigned char *in, size_t len,
                                size_t *out_len, uint32_t *crc);

/* Deflate level for compressed entries (libdeflate's scale, 1..12). Measured on a 2,000-article
 * book here (200 MB of XHTML in 32,850 documents): level 1 makes it 2.5% larger than level 4
 * (65.1 MB against 63.5 MB) and the whole build 10% faster (4.8 s against 5.3 s wall); zlib's
 * default level 6 would be 7.2 s of compression alone. Small documents compress alike at every
 * level, so the fast one wins. */
#ifndef ZIPWRITE_LEVEL
#define ZIPWRITE_LEVEL 1
#endif

/* Write a zip archive holding `entries` in the given order into memory. The first entry is
 * expected to be "mimetype" (stored). Every entry gets the same DOS timestamp: the UTC date and
 * time of `epoch` (seconds since 1970; clamped to 1980-01-01..2107-12-31), whatever TZ says.
 * `threads`: how many worker threads may compress entries (0: the number of online CPUs).
 * Returns 0 and a malloc'd buffer in *out (the caller frees it) of *out_len bytes, or -1 with an
 * error appended to `diags` (*out is then NULL). */
int zipwrite_build(const zip_entry_spec *entries, size_t n, long long epoch, int threads,
                   unsigned char **out, size_t *out_len, diag_list *diags);

/* The same archive, written to the file open for reading and writing on `fd` (truncated first;
 * the caller keeps the descriptor) instead of memory, so that a large book is never held in
 * memory next to its deflated documents. Returns 0 and the archive's size in *out_len, or -1
 * with an error appended to `diags` (the file's content is then undefined); an error about
 * writing the file (a full disk) names it `name` (the book's name as the user knows it; may be
 * NULL). */
int zipwrite_build_fd(const zip_entry_spec *entries, size_t n, long long epoch, int threads,
                      int fd, const char *name, size_t *out_len, diag_list *diags);

/* The DOS date and time fields for `epoch` in UTC (clamped as above). Exposed for tests. */
void zipwrite_dos_time(long long epoch, unsigned short *dos_time, unsigned short *dos_date);

#endif
