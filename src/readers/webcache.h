/* webcache.h: responses kept on disk (--cache DIR), so that a later build makes the same book
 * without the network.
 *
 * One file per address, named by the SHA-256 of the address ("DIR/<64 hex digits>"), holding a
 * short text header and the body as it was received (after transfer decompression):
 *
 *   sheaf-cache 1
 *   url: https://example.org/interview
 *   final-url: https://example.org/interview/
 *   status: 200
 *   type: text/html; charset=utf-8
 *   etag: "abc"
 *   last-modified: Tue, 03 Jun 2025 10:00:00 GMT
 *   length: 12345
 *   <an empty line, then exactly `length` bytes of body>
 *
 * Files are written to a temporary name in the same folder and renamed into place, so an
 * interrupted build leaves either the old entry or the new one, never half of one. A file that
 * does not parse (damaged, truncated, another program's) is a miss, never trusted. */
#ifndef SHEAF_WEBCACHE_H
#define SHEAF_WEBCACHE_H

#include <stddef.h>

/* Largest entry file read (a 20 MB body and its header fit well inside). */
#define WEBCACHE_MAX_FILE ((size_t)64 << 20)

typedef struct webcache_entry {
    char *url;           /* the address as requested (normalised) */
    char *final_url;     /* after redirects */
    long status;         /* HTTP status of the response kept */
    char *media_type;    /* the Content-Type value as sent, or NULL */
    char *etag;          /* validators for --refresh, or NULL */
    char *last_modified;
    unsigned char *body; /* len bytes, followed by a NUL that is not counted */
    size_t len;
} webcache_entry;

/* Free the entry's strings and body and zero it (accepts a zeroed entry). */
void webcache_entry_clear(webcache_entry *e);

/* The entry file's path for `url` in `dir`; the caller frees it. */
char *webcache_path(const char *dir, const char *url);

/* Parse an entry file's bytes into *e (the caller clears it, also on failure). Returns 0, or
 * -1 with a reason in *why (a static string) when the bytes are not a whole, well-formed
 * entry. */
int webcache_parse(const unsigned char *data, size_t len, webcache_entry *e, const char **why);

/* The bytes of an entry file for *e (the caller frees them), their length in *len. Fields
 * holding a line break or a control character are left out (the entry stays valid). */
unsigned char *webcache_format(const webcache_entry *e, size_t *len);

/* Look `url` up in `dir`: 1 with *e filled (the caller clears it), 0 when there is no entry,
 * -1 when the file exists but cannot be read or is not a valid entry for this address (a
 * reason in *why, a static string or strerror's). */
int webcache_load(const char *dir, const char *url, webcache_entry *e, const char **why);

/* Write *e for e->url into `dir`, atomically (temporary file, then rename). Returns 0, or -1
 * with errno set and nothing left behind. */
int webcache_store(const char *dir, const webcache_entry *e);

/* Create the cache folder when missing (its parent must exist). Returns 0, or -1 with errno
 * set. */
int webcache_prepare(const char *dir);

#endif
