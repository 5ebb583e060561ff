/* url.h: web addresses (http and https only): recognising, normalising and resolving them.
 *
 * Parsing and resolution are libcurl's URL API (CURLU), the same parser that fetches them, so
 * that what sheaf checks is what it requests. Only http and https are web addresses here:
 * every other scheme (file:, ftp:, data:, javascript:...) is refused by these functions.
 * libcurl is opened on the first call that parses (base/curllib.h); when it cannot be, the
 * functions that parse return NULL as for an address that is not valid, and url_unavailable
 * says why. */
#ifndef SHEAF_URL_H
#define SHEAF_URL_H

#include <stddef.h>

/* 1 when s starts with "http://" or "https://" (ASCII case-insensitive): an input that names a
 * web address rather than a file. */
int url_is_web(const char *s);

/* The absolute http or https address `s`, normalised: scheme and host in lowercase, spaces and
 * other characters a URL may not hold percent-encoded, an empty path written "/", the
 * fragment (never sent to a server) removed. Returns a new string the caller frees, or NULL
 * when s is not a valid http or https address. */
char *url_web_normalize(const char *s);

/* Resolve the reference `ref` (absolute, or relative as written in a page: "img/a.png",
 * "/a.png", "//cdn.example/a.png", "?page=2", "#part") against the absolute address `base`.
 * Returns the normalised absolute address (fragment kept when keep_fragment), a new string
 * the caller frees; or NULL when the result is not an http or https address (then *scheme,
 * when not NULL, is set to a new string naming the scheme it has, e.g. "file", or NULL when the
 * reference is not a valid URL at all). */
char *url_web_resolve(const char *base, const char *ref, int keep_fragment, char **scheme);

/* `ref` as a page's attribute gives it, read as browsers read it: without surrounding ASCII
 * space and without tabs and newlines. A new string the caller frees. */
char *url_clean(const char *ref);

/* `ref` as a page writes it (cleaned as url_clean does) resolved against the web address
 * `base`, or, with no web base, `ref` itself when it is an absolute web address: a new
 * normalised address (fragment kept) the caller frees, or NULL (another scheme, or nothing to
 * resolve against). */
char *url_web_resolve_ref(const char *base, const char *ref);

/* The scheme of an absolute URL of any scheme ("mailto", "javascript"), lowercased into buf
 * (size bytes), or NULL when `ref` has none (a relative reference; "c:" is a drive letter). */
const char *url_ref_scheme(const char *ref, char *buf, size_t size);

/* The host of an absolute address, in lowercase (a new string the caller frees), or NULL. */
char *url_host(const char *url);

/* The origin of an absolute address: "scheme://host:port" in lowercase, with the scheme's
 * default port written out (a new string the caller frees), or NULL. One server as browsers
 * count them, for per-host limits. */
char *url_origin(const char *url);

/* NULL unless a function here needed libcurl, which parses addresses, and could not open it;
 * then why not, e.g. "libcurl.so.4 is not installed (apt-get install libcurl4)" (a static
 * string, not the caller's to free). */
const char *url_unavailable(void);

#endif
