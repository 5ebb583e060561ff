/* util.h: allocation, growable byte buffers and small string helpers shared by every module.
 *
 * Out-of-memory aborts through the x* family (as cmark does); nothing else here exits or
 * prints. */
#ifndef SHEAF_UTIL_H
#define SHEAF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Eight bytes at a time, in a uint64_t: the high bit of every byte, the low seven, and byte c
 * in every position. */
#define BYTES_HI 0x8080808080808080ull
#define BYTES_LO 0x7F7F7F7F7F7F7F7Full
#define BYTES_ALL(c) (0x0101010101010101ull * (c))

/* Between the stages of a large build: give the memory freed so far back to the system, so
 * that the next stage's peak is not added to the last one's leftovers, and with `eager` set
 * keep giving freed memory back at once (more system calls, a lower peak) until called again
 * with it clear. Not thread-safe: call it when no other thread allocates. */
void memory_release(int eager);

/* Say "out of memory" on stderr and abort: what every x* allocator does when malloc fails. */
_Noreturn void oom_abort(void);
/* Allocate or abort. The caller frees the result with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* A growable byte buffer, always NUL-terminated after `len` bytes. */
typedef struct strbuf {
    char *data;
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_grow(strbuf *b, size_t extra);
void strbuf_add(strbuf *b, const void *data, size_t len);
void strbuf_adds(strbuf *b, const char *s);
void strbuf_addc(strbuf *b, char c);
void strbuf_addf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Give the buffer's bytes to the caller (who frees them) and reset the buffer. */
char *strbuf_detach(strbuf *b, size_t *len);
void strbuf_release(strbuf *b);

/* A growable array of owned strings. */
typedef struct strlist {
    char **items;
    size_t len;
    size_t cap;
} strlist;

#define STRLIST_INIT {NULL, 0, 0}

/* Append a copy of s. */
void strlist_add(strlist *l, const char *s);
/* Append s itself; the list takes ownership. */
void strlist_take(strlist *l, char *s);
void strlist_clear(strlist *l);
/* Deep copy of src appended to dst. */
void strlist_extend(strlist *dst, const strlist *src);

/* An arena: many small allocations freed together (one per article). */
typedef struct arena arena;
arena *arena_new(void);
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_free(arena *a);

/* Read a whole file into memory (NUL-terminated); the caller frees *data.
 * Returns 0, or -1 with errno set. `max` caps the size (0: no cap; EFBIG past it). "-" reads
 * standard input; any other path goes through file_read_input (only regular files). */
int file_read_all(const char *path, size_t max, char **data, size_t *len);

/* A file's identity (device and inode): how the book's output is told apart from its inputs
 * whatever names lead to them. `set` is 0 when there is no such file. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int set;
} file_id;

/* The identity of the file at path (following symbolic links); id->set = 0 when it does not
 * exist or cannot be reached. */
void file_id_of(const char *path, file_id *id);

/* Why file_read_input did not read a file. */
typedef enum file_read_status {
    FILE_READ_OK = 0,
    FILE_READ_ERRNO = -1,       /* open or read failed: errno says why */
    FILE_READ_FOLDER = -2,      /* a folder */
    FILE_READ_SPECIAL = -3,     /* a FIFO, socket or device: never opened for reading */
    FILE_READ_TOO_LARGE = -4,   /* larger than the cap */
    FILE_READ_IS_OUTPUT = -5    /* the book's own output file */
} file_read_status;

/* Read the regular file at `path` into memory (NUL-terminated; the caller frees *data). Never
 * blocks: the file is opened without waiting (O_NONBLOCK) and refused unless fstat says it is
 * a regular file; exactly the size fstat gives is read (so /proc files, whose size is 0, read
 * as empty rather than waiting for data). `max` caps the size (0: no cap). A file with the
 * identity `output` (when output and output->set) is refused: it is the book being written.
 * Returns FILE_READ_OK or one of the other statuses (errno set for FILE_READ_ERRNO). */
file_read_status file_read_input(const char *path, size_t max, const file_id *output, char **data,
                                 size_t *len);
/* The first n bytes (or fewer) of the regular file at path, with the same rules (no output
 * check); the caller frees *data. */
file_read_status file_read_head(const char *path, size_t n, char **data, size_t *len);
/* The reason for a status other than FILE_READ_OK, as a phrase to follow "cannot read X: "
 * (strerror(err) for FILE_READ_ERRNO). Static string. */
const char *file_read_reason(file_read_status st, int err);

/* The descriptor a path names when it stands for one already open: "-" and "/dev/stdin" (0),
 * "/dev/fd/N" and "/proc/self/fd/N" (N, as bash's <(...) gives). -1 for any other path. Such
 * inputs are read once, like standard input, whatever kind of file is behind them. */
int file_path_fd(const char *path);
/* Read an open descriptor to its end (blocking as a pipe does), NUL-terminated; the caller frees
 * *data. `max` caps the size (0: no cap). Returns FILE_READ_OK, FILE_READ_TOO_LARGE, or
 * FILE_READ_ERRNO (EBADF: the descriptor is closed). The descriptor is left open. */
file_read_status file_read_fd(int fd, size_t max, char **data, size_t *len);

/* Write `len` bytes to `path` atomically: a temporary file in the same directory, fsync,
 * rename. On failure nothing is left behind, an existing file at `path` is untouched, errno
 * says why and -1 is returned. */
int file_write_atomic(const char *path, const void *data, size_t len);

/* The same in steps, for a file written by other code: file_temp_open creates
 * "PATH.sheaf-XXXXXX" next to path (mode 0600 until committed), open for reading and writing,
 * and returns its descriptor with the malloc'd name in *tmp, or -1 with errno set.
 * file_temp_commit gives it the umask's mode, fsyncs it and renames it to path: 0, or -1 with
 * errno set and the temporary file removed; the descriptor is closed and *tmp freed either
 * way. file_temp_discard closes the descriptor (when >= 0), removes the file and frees *tmp,
 * leaving errno as it was. */
int file_temp_open(const char *path, char **tmp);
/* Remove the temporary files an earlier build of `path` left behind when it was killed
 * (SIGKILL, a crash, a power cut): names "BASENAME.sheaf-XXXXXX" exactly, in path's folder,
 * regular files owned by this user, not modified for `min_age` seconds and not held by a live
 * build (every build holds an flock on its temporary file while it writes it). Returns how many
 * were removed. */
int file_temp_sweep(const char *path, int min_age);
/* Read (writing 0) or write len bytes at offset off of fd, retrying short transfers and EINTR.
 * Returns 0 with *done = len (*done may be NULL), or -1 with errno set; a read that meets the
 * end of the file first returns 0 with *done < len. */
int file_pio_all(int fd, void *buf, size_t len, size_t off, int writing, size_t *done);
int file_temp_commit(int fd, char **tmp, const char *path);
void file_temp_discard(int fd, char **tmp);

int str_starts_with(const char *s, const char *prefix);
int str_ends_with(const char *s, const char *suffix);
/* Case-insensitive ASCII comparison. */
int str_casecmp_ascii(const char *a, const char *b);
/* Trim ASCII whitespace in place; returns s. */
char *str_trim(char *s);

/* Directory part and last component of a path, new strings the caller frees. */
char *path_dirname(const char *path);
char *path_basename(const char *path);
/* Join dir and rel ("dir/rel"), normalising "." and ".." lexically; the caller frees it.
 * Returns NULL when rel climbs above an absolute root. */
char *path_join(const char *dir, const char *rel);
/* Lexically normalise a relative path; NULL when it climbs above its start. Caller frees. */
char *path_normalize(const char *path);
/* The relative path that leads from the directory of `from` to `to` (both container paths). */
char *path_relative(const char *from, const char *to);

/* Monotonic clock in seconds, for --verbose stage timing. */
double clock_now(void);

/* The first occurrence of needle[0..nlen) in hay[0..hlen), or NULL (memmem, which C11 lacks). */
const unsigned char *mem_find(const unsigned char *hay, size_t hlen, const char *needle,
                              size_t nlen);

#endif
