/* util.c: allocation, buffers, arenas, paths and atomic file writes. */
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mimalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void oom_abort(void)
{
    fputs("sheaf: out of memory\n", stderr);
    abort();
}

/* mimalloc, which the sheaf binary links (see the Makefile), keeps freed pages for a while
 * (mi_option_decommit_delay) so that a thread that allocates again finds them; in a build's
 * last stages that leftover of the parse and render stages (90 MB on a 2,000-article book) adds
 * to the archive and the check. Weak references: builds with the C library's malloc (the
 * sanitizer builds, the unit tests) link without mimalloc. */
#pragma weak mi_collect
#pragma weak mi_option_get
#pragma weak mi_option_set

void memory_release(int eager)
{
    static long delay = -1; /* mimalloc's own delay, while eager */
    if (!mi_collect || !mi_option_get || !mi_option_set)
        return;
    if (delay < 0)
        delay = mi_option_get(mi_option_decommit_delay);
    mi_option_set(mi_option_decommit_delay, 0);
    mi_collect(true);
    if (!eager)
        mi_option_set(mi_option_decommit_delay, delay);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom_abort();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom_abort();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom_abort();
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

/*** strbuf ***/

void strbuf_grow(strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
    b->data[b->len] = '\0';
}

void strbuf_add(strbuf *b, const void *data, size_t len)
{
    strbuf_grow(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void strbuf_adds(strbuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_addc(strbuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

void strbuf_addf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    strbuf_adds(b, s);
    free(s);
}

char *strbuf_detach(strbuf *b, size_t *len)
{
    strbuf_grow(b, 0);
    char *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void strbuf_release(strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/*** strlist ***/

void strlist_take(strlist *l, char *s)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len++] = s;
}

void strlist_add(strlist *l, const char *s)
{
    strlist_take(l, xstrdup(s));
}

void strlist_clear(strlist *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

void strlist_extend(strlist *dst, const strlist *src)
{
    for (size_t i = 0; i < src->len; i++)
        strlist_add(dst, src->items[i]);
}

/*** arena ***/

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct arena {
    struct arena_block *head;
};

arena *arena_new(void)
{
    return xcalloc(1, sizeof(arena));
}

void *arena_alloc(arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        b = xmalloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/*** files ***/

void file_id_of(const char *path, file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        id->set = 1;
    }
}

int file_path_fd(const char *path)
{
    const char *num = NULL;
    if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdin") == 0)
        return 0;
    if (str_starts_with(path, "/dev/fd/"))
        num = path + 8;
    else if (str_starts_with(path, "/proc/self/fd/"))
        num = path + 14;
    if (!num || !*num || strlen(num) > 9 || strspn(num, "0123456789") != strlen(num))
        return -1;
    return atoi(num);
}

file_read_status file_read_fd(int fd, size_t max, char **data, size_t *len)
{
    file_read_status ret = FILE_READ_ERRNO;
    strbuf b = STRBUF_INIT;
    int saved = 0;
    for (;;) {
        strbuf_grow(&b, 65536);
        ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            saved = errno;
            goto out;
        }
        if (n == 0)
            break;
        b.len += (size_t)n;
        b.data[b.len] = '\0';
        if (max && b.len > max) {
            ret = FILE_READ_TOO_LARGE;
            goto out;
        }
    }
    strbuf_grow(&b, 0);
    *len = b.len;
    *data = strbuf_detach(&b, NULL);
    ret = FILE_READ_OK;
out:
    strbuf_release(&b);
    if (saved)
        errno = saved;
    return ret;
}

/* Open path for reading without ever waiting, and refuse what is not a regular file or is the
 * output. Returns FILE_READ_OK with *fd open and *st filled, or a status (*fd = -1). */
static file_read_status input_open(const char *path, const file_id *output, int *fd,
                                   struct stat *st)
{
    file_read_status ret = FILE_READ_ERRNO;
    int saved = 0;
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, and a device
     * may wait for anything; no regular file is read any differently. */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (*fd < 0)
        return FILE_READ_ERRNO;
    if (fstat(*fd, st) != 0)
        saved = errno;
    else if (S_ISDIR(st->st_mode))
        ret = FILE_READ_FOLDER;
    else if (!S_ISREG(st->st_mode))
        ret = FILE_READ_SPECIAL;
    else if (output && output->set && st->st_dev == output->dev && st->st_ino == output->ino)
        ret = FILE_READ_IS_OUTPUT;
    else
        ret = FILE_READ_OK;
    if (ret != FILE_READ_OK) {
        close(*fd);
        *fd = -1;
        if (saved)
            errno = saved;
    }
    return ret;
}

/* Read up to `want` bytes from offset 0 of fd into a new NUL-terminated buffer. */
static file_read_status input_read(int fd, size_t want, char **data, size_t *len)
{
    size_t got = 0;
    char *buf = xmalloc(want + 1);
    if (file_pio_all(fd, buf, want, 0, 0, &got) != 0) {
        int saved = errno;
        free(buf);
        errno = saved;
        return FILE_READ_ERRNO;
    }
    buf[got] = '\0'; /* a file that shrank meanwhile reads as what was there */
    *data = buf;
    *len = got;
    return FILE_READ_OK;
}

file_read_status file_read_input(const char *path, size_t max, const file_id *output, char **data,
                                 size_t *len)
{
    struct stat st;
    int fd;
    file_read_status ret = input_open(path, output, &fd, &st);
    if (ret != FILE_READ_OK)
        return ret;
    if (st.st_size < 0 || (max && (uintmax_t)st.st_size > max) ||
        (uintmax_t)st.st_size >= SIZE_MAX)
        ret = FILE_READ_TOO_LARGE;
    else
        ret = input_read(fd, (size_t)st.st_size, data, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return ret;
}

file_read_status file_read_head(const char *path, size_t n, char **data, size_t *len)
{
    struct stat st;
    int fd;
    file_read_status ret = input_open(path, NULL, &fd, &st);
    if (ret != FILE_READ_OK)
        return ret;
    size_t size = st.st_size < 0 ? 0 : (uintmax_t)st.st_size < n ? (size_t)st.st_size : n;
    ret = input_read(fd, size, data, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return ret;
}

const char *file_read_reason(file_read_status st, int err)
{
    switch (st) {
    case FILE_READ_OK:
        return "no error";
    case FILE_READ_ERRNO:
        return strerror(err);
    case FILE_READ_FOLDER:
        return "it is a folder";
    case FILE_READ_SPECIAL:
        return "it is not a regular file (a FIFO, socket or device), and sheaf reads only "
               "regular files (or standard input, as '-')";
    case FILE_READ_TOO_LARGE:
        return "it is too large";
    case FILE_READ_IS_OUTPUT:
        return "it is the book's output file (-o), which writing the book would replace; "
               "choose another output name";
    }
    return "unknown error";
}

int file_read_all(const char *path, size_t max, char **data, size_t *len)
{
    int fd = file_path_fd(path);
    file_read_status st = strcmp(path, "-") == 0 ? file_read_fd(fd, max, data, len)
                                                : file_read_input(path, max, NULL, data, len);
    switch (st) {
    case FILE_READ_OK:
        return 0;
    case FILE_READ_ERRNO:
        break;
    case FILE_READ_FOLDER:
        errno = EISDIR;
        break;
    case FILE_READ_SPECIAL:
        errno = EINVAL;
        break;
    case FILE_READ_TOO_LARGE:
        errno = EFBIG;
        break;
    case FILE_READ_IS_OUTPUT:
        errno = EEXIST;
        break;
    }
    return -1;
}

/* The process's umask, read without changing it (umask(2) would race with threads). */
static mode_t umask_get(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    if (!f)
        return mask;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Umask:", 6) == 0)
            mask = (mode_t)strtol(line + 6, NULL, 8);
    fclose(f);
    return mask;
}

int file_temp_open(const char *path, char **tmp)
{
    *tmp = xasprintf("%s.sheaf-XXXXXX", path);
    int fd = mkstemp(*tmp);
    if (fd < 0) {
        int saved = errno;
        free(*tmp);
        *tmp = NULL;
        errno = saved;
    } else {
        /* Held until the file is renamed or removed: file_temp_sweep leaves it alone. A file
         * system without locks still has the age rule. */
        flock(fd, LOCK_EX | LOCK_NB);
    }
    return fd;
}

/* "XXXXXX" as mkstemp fills it: six letters or digits. */
static int temp_suffix_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
              (s[n] >= '0' && s[n] <= '9')))
            return 0;
    return n == 6;
}

int file_temp_sweep(const char *path, int min_age)
{
    int removed = 0;
    char *dir = path_dirname(path), *base = path_basename(path);
    char *prefix = xasprintf("%s.sheaf-", base);
    size_t plen = strlen(prefix);
    time_t now = time(NULL);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    struct dirent *de;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        struct stat st, fst;
        if (strncmp(de->d_name, prefix, plen) != 0 || !temp_suffix_ok(de->d_name + plen))
            continue;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid() || now - st.st_mtime < min_age)
            continue;
        int fd = openat(dfd, de->d_name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        /* The lock free and the same file as the one looked at: no build is writing it. */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &fst) == 0 &&
            fst.st_dev == st.st_dev && fst.st_ino == st.st_ino &&
            unlinkat(dfd, de->d_name, 0) == 0)
            removed++;
        close(fd);
    }
    closedir(d);
out:
    free(prefix);
    free(base);
    free(dir);
    return removed;
}

void file_temp_discard(int fd, char **tmp)
{
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (*tmp)
        unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    errno = saved;
}

int file_temp_commit(int fd, char **tmp, const char *path)
{
    int ret = -1;
    char *dir = path_dirname(path);
    /* mkstemp creates 0600; a book is an ordinary file. */
    if (fchmod(fd, 0666 & ~umask_get()) != 0 || fsync(fd) != 0)
        goto out;
    /* Renamed before it is closed: its lock (see file_temp_open) is held until it has its
     * final name, so no sweep of stale temporary files can take it. */
    if (rename(*tmp, path) != 0)
        goto out;
    close(fd); /* after fsync, nothing is left for close to report */
    fd = -1;
    free(*tmp);
    *tmp = NULL;
    {
        /* Make the rename itself durable. */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    ret = 0;
out:
    if (ret != 0)
        file_temp_discard(fd, tmp);
    free(dir);
    return ret;
}

int file_pio_all(int fd, void *buf, size_t len, size_t off, int writing, size_t *done)
{
    size_t n = 0;
    int ret = 0;
    while (n < len) {
        ssize_t k = writing ? pwrite(fd, (const char *)buf + n, len - n, (off_t)(off + n))
                            : pread(fd, (char *)buf + n, len - n, (off_t)(off + n));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            ret = -1;
            break;
        }
        if (k == 0) {
            if (writing) {
                errno = EIO;
                ret = -1;
            }
            break;
        }
        n += (size_t)k;
    }
    if (done)
        *done = n;
    return ret;
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = NULL;
    int ret = -1;
    int fd = file_temp_open(path, &tmp);
    if (fd < 0)
        goto out;
    if (file_pio_all(fd, (void *)data, len, 0, 1, NULL) != 0) {
        file_temp_discard(fd, &tmp);
        goto out;
    }
    ret = file_temp_commit(fd, &tmp, path);
out:
    return ret;
}

/*** strings ***/

int str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int str_casecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 32;
        if (cb >= 'A' && cb <= 'Z')
            cb += 32;
        if (ca != cb || !ca)
            return ca - cb;
    }
}

static int is_space_ascii(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *str_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space_ascii((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (is_space_ascii((unsigned char)s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return s;
}

/*** paths ***/

char *path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

char *path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return xstrdup(slash ? slash + 1 : path);
}

char *path_normalize(const char *path)
{
    int absolute = path[0] == '/';
    strlist parts = STRLIST_INIT;
    char *copy = xstrdup(path), *save = NULL, *result = NULL;
    strbuf b = STRBUF_INIT;

    for (char *tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0) {
            if (parts.len > 0 && strcmp(parts.items[parts.len - 1], "..") != 0) {
                free(parts.items[--parts.len]);
                continue;
            }
            /* Above the root of an absolute path there is nothing; a relative path keeps
             * its leading "..". */
            if (absolute)
                goto out;
        }
        strlist_add(&parts, tok);
    }
    if (absolute)
        strbuf_addc(&b, '/');
    for (size_t i = 0; i < parts.len; i++) {
        if (i)
            strbuf_addc(&b, '/');
        strbuf_adds(&b, parts.items[i]);
    }
    if (b.len == 0)
        strbuf_addc(&b, '.');
    result = strbuf_detach(&b, NULL);
out:
    strbuf_release(&b);
    strlist_clear(&parts);
    free(copy);
    return result;
}

char *path_join(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return path_normalize(rel);
    char *joined = xasprintf("%s/%s", dir, rel);
    char *norm = path_normalize(joined);
    free(joined);
    return norm;
}

char *path_relative(const char *from, const char *to)
{
    /* Container paths are short; compare component by component. */
    const char *slash = strrchr(from, '/');
    size_t dirlen = slash ? (size_t)(slash - from) + 1 : 0;
    size_t common = 0;
    for (size_t i = 0; i < dirlen && from[i] == to[i]; i++)
        if (from[i] == '/')
            common = i + 1;
    strbuf b = STRBUF_INIT;
    for (size_t i = common; i < dirlen; i++)
        if (from[i] == '/')
            strbuf_adds(&b, "../");
    strbuf_adds(&b, to + common);
    return strbuf_detach(&b, NULL);
}

double clock_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const unsigned char *mem_find(const unsigned char *hay, size_t hlen, const char *needle,
                              size_t nlen)
{
    if (nlen == 0)
        return hay;
    for (size_t at = 0; at + nlen <= hlen;) {
        const unsigned char *p = memchr(hay + at, (unsigned char)needle[0], hlen - nlen + 1 - at);
        if (!p)
            break;
        if (memcmp(p, needle, nlen) == 0)
            return p;
        at = (size_t)(p - hay) + 1;
    }
    return NULL;
}
