/* httphdr.h: what sheaf reads in HTTP response headers, as libcurl hands them over one line
 * at a time (for every response of a transfer, redirects included): the status, Retry-After,
 * the validators a cache revalidates with (ETag, Last-Modified), Location, Content-Type.
 *
 * Header bytes come from any server: every value is bounded (HTTPHDR_MAX_VALUE), a line without
 * a colon or with bytes that are not printable is ignored, nothing is trusted to be
 * NUL-terminated. */
#ifndef SHEAF_HTTPHDR_H
#define SHEAF_HTTPHDR_H

#include <stddef.h>
#include <time.h>

/* Longest header value kept; longer ones are ignored (no real ETag or date comes near). */
#define HTTPHDR_MAX_VALUE 2048

typedef struct httphdr {
    long status;         /* of the latest status line, 0 before one */
    char *retry_after;   /* raw values of the latest response, NULL when absent */
    char *etag;
    char *last_modified;
    char *location;
    char *content_type;
} httphdr;

/* Feed one header line (len bytes, with or without its CR LF). A status line ("HTTP/1.1 302
 * Found", "HTTP/2 200") starts a new response and forgets the previous one's values. */
void httphdr_line(httphdr *h, const char *line, size_t len);
/* Free the values; h can be fed again. */
void httphdr_clear(httphdr *h);

/* Seconds to wait from a Retry-After value: delay-seconds ("120") or an HTTP date (then
 * counted from `now`, parsed by libcurl's curl_getdate; a date in the past gives 0). Returns 0
 * with *seconds set, or -1 when the value is neither (or is a date and libcurl cannot be
 * opened). */
int httphdr_retry_after(const char *value, time_t now, long *seconds);

/* The media type of a Content-Type value, lowercased, without parameters ("text/html"), and
 * its charset parameter (lowercased, quotes removed) in *charset when charset is not NULL
 * (NULL when absent). Both are new strings the caller frees. Returns NULL (and *charset NULL)
 * when the value holds no type/subtype. */
char *httphdr_media_type(const char *content_type, char **charset);

#endif
