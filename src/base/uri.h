/* uri.h: URL references resolved against a base, as a web page's links and images are
 * (RFC 3986 section 5, with the browser habits that matter for saved pages: surrounding space
 * and tabs/newlines ignored, '\' read as '/' in http(s) URLs). */
#ifndef SHEAF_URI_H
#define SHEAF_URI_H

#include <stddef.h>

/* The scheme of an absolute URL, lowercased into buf (size bytes), or NULL when `ref` has none
 * (a relative reference). */
const char *uri_scheme(const char *ref, char *buf, size_t size);

/* `ref` resolved against the absolute URL `base` (NULL: no base): a new string the caller
 * frees, or NULL when `ref` is relative and there is no absolute base to resolve it against.
 * An absolute `ref` comes back cleaned (trimmed, tabs and newlines removed). */
char *uri_resolve(const char *base, const char *ref);

/* `ref` without surrounding ASCII space and without tabs and newlines, as browsers read an
 * attribute's URL: a new string the caller frees. */
char *uri_clean(const char *ref);

/* 1 when `url` is an absolute http or https URL. */
int uri_is_web(const char *url);

#endif
