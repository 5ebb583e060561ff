/* zipwrite.c: the EPUB container writer (libzip, in memory). */
#include "writers/zipwrite.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>
#include <zip.h>

#include "base/pool.h"
#include "base/util.h"

/*** Time ***/

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days). */
static void civil_from_days(long long z, int *year, int *month, int *day)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

void zipwrite_dos_time(long long epoch, unsigned short *dos_time, unsigned short *dos_date)
{
    /* DOS dates run from 1980-01-01 to 2107-12-31 23:59:58. */
    const long long lo = 315532800LL, hi = 4354819198LL;
    if (epoch < lo)
        epoch = lo;
    if (epoch > hi)
        epoch = hi;
    long long days = epoch / 86400, secs = epoch % 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    *dos_date = (unsigned short)(((y - 1980) << 9) | (m << 5) | d);
    *dos_time = (unsigned short)(((secs / 3600) << 11) | (((secs / 60) % 60) << 5) |
                                 ((secs % 60) / 2));
}

/*** Fixing up timestamps ***/

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static void wr16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/* libzip 1.7.3 stores times as time_t and converts them through the local time zone
 * (mktime/localtime), so a UTC wall-clock time that does not exist locally (a DST gap) would
 * be shifted. Write the DOS fields ourselves into every central and local header of the
 * archive we just made. Returns 0, or -1 when the archive does not have the plain layout
 * libzip writes (then it is left alone). */
static int patch_dos_times(unsigned char *buf, size_t len, unsigned dtime, unsigned ddate)
{
    if (len < 22)
        return -1;
    size_t eocd = len - 22; /* we never write an archive comment */
    if (rd32(buf + eocd) != 0x06054b50u)
        return -1;
    uint64_t count = rd16(buf + eocd + 10);
    uint64_t off = rd32(buf + eocd + 16);
    if ((count == 0xffff || off == 0xffffffffu) && eocd >= 20 &&
        rd32(buf + eocd - 20) == 0x07064b50u) {
        /* zip64 (more than 65535 entries): the zip64 end record has the real figures */
        uint64_t z64 = rd64(buf + eocd - 20 + 8);
        if (z64 + 56 > eocd || rd32(buf + z64) != 0x06064b50u)
            return -1;
        count = rd64(buf + z64 + 32);
        off = rd64(buf + z64 + 48);
    }
    for (uint64_t i = 0; i < count; i++) {
        if (off + 46 > eocd || rd32(buf + off) != 0x02014b50u)
            return -1;
        uint64_t loc = rd32(buf + off + 42);
        if (loc + 30 > len || rd32(buf + loc) != 0x04034b50u)
            return -1; /* also a local header past 4 GB (0xffffffff): left alone */
        wr16(buf + off + 12, dtime);
        wr16(buf + off + 14, ddate);
        wr16(buf + loc + 10, dtime);
        wr16(buf + loc + 12, ddate);
        off += 46 + rd16(buf + off + 28) + rd16(buf + off + 30) + rd16(buf + off + 32);
    }
    return 0;
}

/*** Compressing in parallel, ahead of libzip ***/

/* Entries are deflated (libdeflate) in order by worker threads, a bounded amount ahead of the
 * entry libzip is writing; libzip (in zip_close, on the caller's thread) takes each entry's
 * deflated bytes as they are and they are freed right after. When libzip needs an entry no
 * worker has taken yet, the caller's thread deflates it itself, so it never idles and one
 * thread needs no workers at all. Memory beyond the archive: the window. */

enum { DEFLATE_TODO, DEFLATE_BUSY, DEFLATE_DONE };

typedef struct deflated {
    unsigned char *data; /* freed once libzip has copied it, unless borrowed */
    size_t len;
    uint32_t crc;
    int state; /* DEFLATE_* */
    int borrowed; /* the caller's precompressed bytes (ZIPWRITE_DEFLATED) */
} deflated;

typedef struct deflate_pool {
    const zip_entry_spec *entries;
    deflated *out;
    size_t n;
    size_t next;        /* workers take entries from here on */
    size_t ahead;       /* input bytes taken but not yet written by libzip */
    size_t window;      /* most input bytes workers may have ahead */
    size_t waiting_for; /* the entry libzip waits for, or n */
    int idle_workers;   /* workers waiting for room in the window */
    int failed;         /* out of memory in libdeflate */
    int stop;           /* the build is over: workers leave */
    struct libdeflate_compressor *own; /* the caller's thread's compressor, made when needed */
    pthread_mutex_t lock;
    pthread_cond_t done;  /* an entry is deflated (or failed) */
    pthread_cond_t space; /* room in the window (or stop) */
} deflate_pool;

/* Input bytes per thread that workers may deflate ahead of libzip (plus one entry). */
#ifndef ZIPWRITE_WINDOW_PER_THREAD
#define ZIPWRITE_WINDOW_PER_THREAD (2u << 20)
#endif

static int wants_deflate(const zip_entry_spec *e)
{
    /* An empty entry is stored: deflating nothing only adds two bytes. */
    return e->compress == ZIPWRITE_DEFLATE && e->len > 0;
}

struct zipwrite_deflater {
    struct libdeflate_compressor *c;
};

zipwrite_deflater *zipwrite_deflater_new(void)
{
    zipwrite_deflater *d = xcalloc(1, sizeof *d);
    d->c = libdeflate_alloc_compressor(ZIPWRITE_LEVEL);
    if (!d->c) {
        fputs("sheaf: out of memory\n", stderr);
        abort();
    }
    return d;
}

void zipwrite_deflater_free(zipwrite_deflater *d)
{
    if (!d)
        return;
    libdeflate_free_compressor(d->c);
    free(d);
}

/* Deflate in[0..len) with `c` into a new buffer of the compress bound (the caller frees it);
 * *out_len is 0 only on failure. */
static unsigned char *deflate_bytes(struct libdeflate_compressor *c, const unsigned char *in,
                                    size_t len, size_t *out_len, uint32_t *crc)
{
    size_t bound = libdeflate_deflate_compress_bound(c, len);
    unsigned char *buf = xmalloc(bound);
    *out_len = libdeflate_deflate_compress(c, in, len, buf, bound);
    *crc = (uint32_t)libdeflate_crc32(0, in, len);
    return buf;
}

unsigned char *zipwrite_deflate(zipwrite_deflater *d, const unsigned char *in, size_t len,
                                size_t *out_len, uint32_t *crc)
{
    unsigned char *buf = deflate_bytes(d->c, in, len, out_len, crc);
    return xrealloc(buf, *out_len ? *out_len : 1);
}

/* Deflate entry i (marked DEFLATE_BUSY by the caller) outside the lock, then publish it. */
static void deflate_one(deflate_pool *p, struct libdeflate_compressor *c, size_t i)
{
    const zip_entry_spec *e = &p->entries[i];
    size_t len;
    uint32_t crc;
    unsigned char *buf = deflate_bytes(c, e->data, e->len, &len, &crc);

    pthread_mutex_lock(&p->lock);
    if (len == 0) { /* cannot happen with the bound; a failure, not data */
        free(buf);
        p->failed = 1;
    } else {
        p->out[i].data = buf;
        p->out[i].len = len;
        p->out[i].crc = crc;
    }
    p->out[i].state = DEFLATE_DONE;
    if (p->waiting_for == i || p->failed)
        pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
}

/* The next entry a worker may take within the window, marked DEFLATE_BUSY and counted in
 * `ahead`, or p->n when there is none. Called with the lock held. */
static size_t deflate_pool_take(deflate_pool *p)
{
    while (p->next < p->n &&
           (!wants_deflate(&p->entries[p->next]) || p->out[p->next].state != DEFLATE_TODO))
        p->next++;
    if (p->next >= p->n)
        return p->n;
    size_t i = p->next, len = p->entries[i].len;
    if (p->ahead > 0 && p->ahead + len > p->window)
        return p->n;
    p->next++;
    p->ahead += len;
    p->out[i].state = DEFLATE_BUSY;
    return i;
}

static void *deflate_worker(void *arg)
{
    deflate_pool *p = arg;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(ZIPWRITE_LEVEL);

    pthread_mutex_lock(&p->lock);
    if (!c) {
        p->failed = 1;
        pthread_cond_broadcast(&p->done);
    }
    while (!p->stop && !p->failed && p->next < p->n) {
        size_t i = deflate_pool_take(p);
        if (i == p->n) {
            if (p->next >= p->n)
                break;
            p->idle_workers++;
            pthread_cond_wait(&p->space, &p->lock);
            p->idle_workers--;
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        deflate_one(p, c, i);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    if (c)
        libdeflate_free_compressor(c);
    return NULL;
}

/* Make sure entry i is deflated. While a worker has it, the caller's thread deflates the
 * next entries itself rather than wait idle. Returns 0, or -1 when compression failed. */
static int deflate_pool_wait(deflate_pool *p, size_t i)
{
    int ret = -1;
    pthread_mutex_lock(&p->lock);
    while (p->out[i].state != DEFLATE_DONE && !p->failed) {
        size_t j = p->n;
        if (p->out[i].state == DEFLATE_TODO) {
            j = i;
            p->out[i].state = DEFLATE_BUSY;
            p->ahead += p->entries[i].len;
        } else {
            j = deflate_pool_take(p);
        }
        if (j == p->n) {
            p->waiting_for = i;
            pthread_cond_wait(&p->done, &p->lock);
            continue;
        }
        if (!p->own)
            p->own = libdeflate_alloc_compressor(ZIPWRITE_LEVEL);
        if (!p->own) {
            p->failed = 1;
            pthread_cond_broadcast(&p->done);
            break;
        }
        pthread_mutex_unlock(&p->lock);
        deflate_one(p, p->own, j);
        pthread_mutex_lock(&p->lock);
    }
    p->waiting_for = p->n;
    if (!p->failed)
        ret = 0;
    pthread_mutex_unlock(&p->lock);
    return ret;
}

/* libzip is done with entry i's bytes: free them and make room in the window. */
static void deflate_pool_release(deflate_pool *p, size_t i)
{
    pthread_mutex_lock(&p->lock);
    if (p->out[i].borrowed) {
        if (p->entries[i].give) {
            free(p->out[i].data);
            p->out[i].data = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        return;
    }
    free(p->out[i].data);
    p->out[i].data = NULL;
    p->ahead -= p->entries[i].len;
    if (p->idle_workers)
        pthread_cond_broadcast(&p->space);
    pthread_mutex_unlock(&p->lock);
}

/*** Handing precompressed data to libzip ***/

/* A read-only libzip source serving one entry's deflated bytes. Its stat reports method,
 * CRC and both sizes; the entry's method is left at ZIP_CM_DEFAULT, which takes the source's
 * method, so libzip 1.7.3's add_data (zip_close.c) copies the bytes as they are instead of
 * recompressing them. */
typedef struct precompressed {
    deflate_pool *pool;
    size_t index;
    size_t pos;
    int consumed;
    zip_error_t error;
} precompressed;

static zip_int64_t precompressed_cb(void *ud, void *data, zip_uint64_t len,
                                    zip_source_cmd_t cmd)
{
    precompressed *s = ud;
    deflated *d = &s->pool->out[s->index];

    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        if (s->consumed) { /* its bytes are gone; libzip 1.7.3 reads each source once */
            zip_error_set(&s->error, ZIP_ER_INTERNAL, 0);
            return -1;
        }
        if (deflate_pool_wait(s->pool, s->index) < 0) {
            zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
            return -1;
        }
        s->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t left = d->len - s->pos;
        size_t k = len < left ? (size_t)len : left;
        memcpy(data, d->data + s->pos, k);
        s->pos += k;
        return (zip_int64_t)k;
    }
    case ZIP_SOURCE_CLOSE:
        s->consumed = 1;
        deflate_pool_release(s->pool, s->index);
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s->error);
        if (!st)
            return -1;
        if (deflate_pool_wait(s->pool, s->index) < 0) {
            zip_error_set(&s->error, ZIP_ER_MEMORY, 0);
            return -1;
        }
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC |
                    ZIP_STAT_ENCRYPTION_METHOD;
        st->size = d->borrowed ? s->pool->entries[s->index].raw_len
                               : s->pool->entries[s->index].len;
        st->comp_size = d->len;
        st->comp_method = ZIP_CM_DEFLATE;
        st->crc = d->crc;
        st->encryption_method = ZIP_EM_NONE;
        return sizeof(*st);
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
        zip_error_fini(&s->error);
        free(s);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_READABLE;
    default:
        zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/*** Where the archive goes: memory or a file ***/

/* A writable libzip source over our own growing buffer (fd < 0), so that the finished archive
 * is handed to the caller without a copy, or over a file open for reading and writing (fd >=
 * 0), so that the archive never sits in memory next to the deflated documents it is made of.
 * It starts as an empty archive. */
typedef struct zip_sink {
    int fd;
    unsigned char *data; /* memory: the archive; file: bytes not yet written, from data_off */
    size_t len, cap;     /* len: the archive's size so far (in the file, what it will be) */
    size_t data_len, data_off; /* file only */
    size_t wpos, rpos;
    zip_error_t error;
    const char *name; /* file only: its name in messages about writing it, or NULL */
} zip_sink;

/* libzip writes an archive in pieces of a few kilobytes and less (two headers and the data of
 * each entry: 230,000 writes for 33,000 entries); the file gets them a megabyte at a time. */
enum { SINK_FILE_BUFFER = 1 << 20 };

/* Write or read (`writing`) len bytes at off of the sink's file. Returns the bytes moved (fewer
 * than len only at the end of the file when reading) or -1 with the sink's error set. */
static zip_int64_t sink_file_io(zip_sink *s, void *data, size_t len, size_t off, int writing)
{
    size_t done = 0;
    if (file_pio_all(s->fd, data, len, off, writing, &done) != 0) {
        zip_error_set(&s->error, writing ? ZIP_ER_WRITE : ZIP_ER_READ, errno);
        return -1;
    }
    return (zip_int64_t)done;
}

/* Write the buffered bytes to the file. Returns 0 or -1 with the sink's error set. */
static int sink_file_flush(zip_sink *s)
{
    if (s->data_len && sink_file_io(s, s->data, s->data_len, s->data_off, 1) < 0)
        return -1;
    s->data_len = 0;
    return 0;
}

/* Write len bytes at the write position, through the buffer when they follow what it holds or
 * fall within it (libzip goes back to each entry's local header once the entry is written). */
static int sink_file_write(zip_sink *s, const void *data, size_t len)
{
    if (s->data_len && s->wpos >= s->data_off && s->wpos + len <= s->data_off + s->data_len) {
        memcpy(s->data + (s->wpos - s->data_off), data, len);
        return 0;
    }
    if (s->data_len && (s->wpos != s->data_off + s->data_len || s->data_len + len > s->cap) &&
        sink_file_flush(s) < 0)
        return -1;
    if (len >= s->cap)
        return sink_file_io(s, (void *)data, len, s->wpos, 1) < 0 ? -1 : 0;
    if (!s->data_len)
        s->data_off = s->wpos;
    memcpy(s->data + s->data_len, data, len);
    s->data_len += len;
    return 0;
}

static zip_int64_t sink_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    zip_sink *s = ud;
    zip_int64_t off;

    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        s->rpos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        size_t left = s->len - s->rpos;
        size_t k = len < left ? (size_t)len : left;
        if (s->fd >= 0) {
            if (sink_file_flush(s) < 0)
                return -1;
            zip_int64_t got = sink_file_io(s, data, k, s->rpos, 0);
            if (got < 0)
                return -1;
            k = (size_t)got;
        } else if (k) {
            memcpy(data, s->data + s->rpos, k);
        }
        s->rpos += k;
        return (zip_int64_t)k;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_SEEK:
        off = zip_source_seek_compute_offset(s->rpos, s->len, data, len, &s->error);
        if (off < 0)
            return -1;
        s->rpos = (size_t)off;
        return 0;
    case ZIP_SOURCE_TELL:
        return (zip_int64_t)s->rpos;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s->error);
        if (!st)
            return -1;
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE;
        st->size = s->len;
        return sizeof(*st);
    }
    case ZIP_SOURCE_BEGIN_WRITE:
    case ZIP_SOURCE_ROLLBACK_WRITE:
    case ZIP_SOURCE_REMOVE:
        s->len = s->wpos = 0;
        s->data_len = 0;
        if (s->fd >= 0 && ftruncate(s->fd, 0) != 0) {
            zip_error_set(&s->error, ZIP_ER_WRITE, errno);
            return -1;
        }
        return 0;
    case ZIP_SOURCE_WRITE:
        if (s->fd >= 0) {
            if (sink_file_write(s, data, (size_t)len) < 0)
                return -1;
        } else {
            if (s->wpos + len > s->cap) {
                size_t cap = s->cap ? s->cap : 65536;
                while (cap < s->wpos + len)
                    cap *= 2;
                s->data = xrealloc(s->data, cap);
                s->cap = cap;
            }
            memcpy(s->data + s->wpos, data, (size_t)len);
        }
        s->wpos += (size_t)len;
        if (s->wpos > s->len)
            s->len = s->wpos;
        return (zip_int64_t)len;
    case ZIP_SOURCE_SEEK_WRITE:
        off = zip_source_seek_compute_offset(s->wpos, s->len, data, len, &s->error);
        if (off < 0)
            return -1;
        s->wpos = (size_t)off;
        return 0;
    case ZIP_SOURCE_TELL_WRITE:
        return (zip_int64_t)s->wpos;
    case ZIP_SOURCE_COMMIT_WRITE:
        return s->fd >= 0 ? sink_file_flush(s) : 0;
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
        return 0; /* the sink lives in archive_write's frame */
    case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_WRITABLE;
    default:
        zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* Set the DOS times in the archive just written to the sink's file (see patch_dos_times). Every
 * entry was given the same time, which libzip converts alike for all of them: when the first
 * local header has it right (always, but for a UTC time in a local DST gap), they all have.
 * Otherwise the archive is read, patched and written back. Returns 0 or -1 with errno set. */
static int sink_file_patch(zip_sink *s, unsigned dtime, unsigned ddate)
{
    int ret = -1;
    unsigned char head[30], *all = NULL;
    size_t got = 0;
    if (file_pio_all(s->fd, head, sizeof head, 0, 0, &got) != 0)
        goto out;
    if (got == sizeof head && rd32(head) == 0x04034b50u && rd16(head + 10) == dtime &&
        rd16(head + 12) == ddate) {
        ret = 0;
        goto out;
    }
    all = xmalloc(s->len ? s->len : 1);
    if (file_pio_all(s->fd, all, s->len, 0, 0, &got) != 0)
        goto out;
    if (got != s->len) {
        errno = EIO;
        goto out;
    }
    (void)patch_dos_times(all, s->len, dtime, ddate);
    ret = file_pio_all(s->fd, all, s->len, 0, 1, NULL);
out:
    free(all);
    return ret;
}

/*** Building ***/

/* Add entry i: deflated by the pool, or stored. Returns 0 or -1 with a diagnostic. */
static int add_entry(zip_t *za, deflate_pool *pool, size_t i, unsigned short dtime,
                     unsigned short ddate, diag_list *diags)
{
    const zip_entry_spec *e = &pool->entries[i];
    int deflate = wants_deflate(e) || e->compress == ZIPWRITE_DEFLATED;
    zip_source_t *src;

    if (deflate) {
        precompressed *pc = xcalloc(1, sizeof *pc);
        pc->pool = pool;
        pc->index = i;
        zip_error_init(&pc->error);
        src = zip_source_function(za, precompressed_cb, pc);
        if (!src) {
            zip_error_fini(&pc->error);
            free(pc);
        }
    } else {
        src = zip_source_buffer(za, e->data, e->len, 0);
    }
    if (!src) {
        diag_add(diags, DIAG_ERROR, NULL, e->name, 0, "can't add %s to the book: %s", e->name,
                 zip_strerror(za));
        return -1;
    }
    zip_int64_t idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        diag_add(diags, DIAG_ERROR, NULL, e->name, 0, "can't add %s to the book: %s", e->name,
                 zip_strerror(za));
        zip_source_free(src); /* frees pc through ZIP_SOURCE_FREE */
        return -1;
    }
    if ((!deflate && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0) ||
        zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0) {
        diag_add(diags, DIAG_ERROR, NULL, e->name, 0, "can't set up %s in the book: %s",
                 e->name, zip_strerror(za));
        return -1;
    }
    return 0;
}

/* How many workers to start besides the caller's thread: as many threads as pool_for would
 * use for the entries to deflate, less the caller's own. */
static size_t worker_count(const zip_entry_spec *entries, size_t n, int threads)
{
    size_t jobs = 0;
    for (size_t i = 0; i < n; i++)
        jobs += (size_t)wants_deflate(&entries[i]);
    return jobs ? (size_t)pool_threads(jobs, threads) - 1 : 0;
}

/* Write the archive of `entries` into `sink` (empty, its error initialised). Returns 0 or -1
 * with an error appended to diags. */
static int archive_write(const zip_entry_spec *entries, size_t n, long long epoch, int threads,
                         zip_sink *sink, diag_list *diags)
{
    int ret = -1;
    zip_error_t zerr;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    unsigned short dtime, ddate;
    deflate_pool pool = {entries, NULL, n, 0, 0, 0, n, 0, 0, 0, NULL, PTHREAD_MUTEX_INITIALIZER,
                         PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
    pthread_t *workers = NULL;
    size_t nworkers = 0, started = 0;

    zip_error_init(&zerr);
    zipwrite_dos_time(epoch, &dtime, &ddate);

    if (n == 0) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, 0, "can't package an empty book: no entries");
        goto out;
    }
    src = zip_source_function_create(sink_cb, sink, &zerr);
    if (!src) {
        diag_add(diags, DIAG_ERROR, NULL, sink->name, 0, "can't create the book's container: %s",
                 zip_error_strerror(&zerr));
        goto out;
    }
    za = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
    if (!za) {
        diag_add(diags, DIAG_ERROR, NULL, sink->name, 0, "can't start the book's container: %s",
                 zip_error_strerror(&zerr));
        goto out;
    }
    zip_source_keep(src); /* the sink must outlive zip_close */

    if (sink->fd >= 0) {
        sink->data = xmalloc(SINK_FILE_BUFFER);
        sink->cap = SINK_FILE_BUFFER;
    } else {
        /* The archive's size is known closely in advance for stored and deflated entries:
         * reserve it, rather than double a buffer of tens of megabytes. */
        size_t estimate = 22 + 64 * 1024;
        for (size_t i = 0; i < n; i++)
            estimate += 2 * (46 + strlen(entries[i].name)) +
                        (entries[i].compress == ZIPWRITE_DEFLATE ? entries[i].len / 3
                                                                  : entries[i].len);
        sink->data = xmalloc(estimate);
        sink->cap = estimate;
    }
    pool.out = xcalloc(n, sizeof *pool.out);
    for (size_t i = 0; i < n; i++) {
        if (entries[i].compress != ZIPWRITE_DEFLATED)
            continue;
        pool.out[i].data = (unsigned char *)entries[i].data;
        pool.out[i].len = entries[i].len;
        pool.out[i].crc = entries[i].crc;
        pool.out[i].state = DEFLATE_DONE;
        pool.out[i].borrowed = 1;
    }
    nworkers = worker_count(entries, n, threads);
    pool.window = ZIPWRITE_WINDOW_PER_THREAD * (nworkers + 1);
    workers = xcalloc(nworkers ? nworkers : 1, sizeof *workers);
    for (; started < nworkers; started++)
        if (pthread_create(&workers[started], NULL, deflate_worker, &pool) != 0)
            break; /* fewer workers are fine: the caller's thread deflates what is left */

    for (size_t i = 0; i < n; i++)
        if (add_entry(za, &pool, i, dtime, ddate, diags) < 0)
            goto out;

    if (zip_close(za) < 0) {
        diag_add(diags, DIAG_ERROR, NULL, sink->name, 0, "can't write the book's zip container: %s%s",
                 zip_strerror(za),
                 pool.failed      ? " (out of memory while compressing)"
                 : sink->fd >= 0 ? "; make room on the disk, or write the book to another folder"
                                 : "");
        goto out;
    }
    za = NULL;
    /* Fails only on archives over 4 GB; their times came from zip_file_set_dostime and are
     * right everywhere but in DST gaps. */
    if (sink->fd < 0)
        (void)patch_dos_times(sink->data, sink->len, dtime, ddate);
    else if (sink_file_patch(sink, dtime, ddate) != 0) {
        diag_add(diags, DIAG_ERROR, NULL, sink->name, 0,
                 "can't finish the book's zip container: %s; make room on the disk, or write "
                 "the book to another folder",
                 strerror(errno));
        goto out;
    }
    ret = 0;
out:
    if (za)
        zip_discard(za); /* frees the precompressed sources */
    if (src)
        zip_source_free(src);
    pthread_mutex_lock(&pool.lock);
    pool.stop = 1;
    pthread_cond_broadcast(&pool.space);
    pthread_mutex_unlock(&pool.lock);
    for (size_t t = 0; t < started; t++)
        pthread_join(workers[t], NULL);
    free(workers);
    if (pool.out)
        for (size_t i = 0; i < n; i++)
            if (!pool.out[i].borrowed || entries[i].give)
                free(pool.out[i].data);
    free(pool.out);
    if (pool.own)
        libdeflate_free_compressor(pool.own);
    pthread_cond_destroy(&pool.done);
    pthread_cond_destroy(&pool.space);
    pthread_mutex_destroy(&pool.lock);
    zip_error_fini(&zerr);
    return ret;
}

int zipwrite_build(const zip_entry_spec *entries, size_t n, long long epoch, int threads,
                   unsigned char **out, size_t *out_len, diag_list *diags)
{
    zip_sink sink = {-1, NULL, 0, 0, 0, 0, 0, 0, {0, 0, NULL}, NULL};
    zip_error_init(&sink.error);
    int ret = archive_write(entries, n, epoch, threads, &sink, diags);
    *out = NULL;
    *out_len = 0;
    if (ret == 0) {
        *out = sink.len < sink.cap ? xrealloc(sink.data, sink.len ? sink.len : 1) : sink.data;
        *out_len = sink.len;
        sink.data = NULL;
    }
    free(sink.data);
    zip_error_fini(&sink.error);
    return ret;
}

int zipwrite_build_fd(const zip_entry_spec *entries, size_t n, long long epoch, int threads,
                      int fd, const char *name, size_t *out_len, diag_list *diags)
{
    zip_sink sink = {fd, NULL, 0, 0, 0, 0, 0, 0, {0, 0, NULL}, name};
    zip_error_init(&sink.error);
    int ret = archive_write(entries, n, epoch, threads, &sink, diags);
    *out_len = ret == 0 ? sink.len : 0;
    free(sink.data);
    zip_error_fini(&sink.error);
    return ret;
}
