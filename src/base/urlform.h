/* urlform.h: links written as browsers write them (the WHATWG URL Standard's serialisation),
 * for the href of every link sheaf puts in a book.
 *
 * People write links with spaces, '®' and other non-ASCII characters in paths, a second '#' in
 * the fragment ("...#/#100-99"), internationalised hosts ("http://østre.no/"), one slash too
 * few ("http:/example.org") or backslashes. A browser follows all of them; an EPUB checker
 * wants a valid URL (epubcheck RSC-020, RSC-023). url_form writes the address a browser would
 * request: the host through IDNA (UTS #46, libidn2) to ASCII and lowercased, the default port
 * left out, "\" read as "/" and the slashes after the scheme made two, and every character
 * that may not stand in its part percent-encoded as UTF-8 (the WHATWG percent-encode sets, and
 * those the stricter RFC 3986 adds: '|', '^', '[', ']', '\', '{', '}', '`', a '#' in the
 * fragment, a '%' that starts no escape). Escapes already there are kept as written. */
#ifndef SHEAF_URLFORM_H
#define SHEAF_URLFORM_H

/* The normal form of the absolute address `href` of scheme http, https, ftp or ftps (a host is
 * required), or of an address without authority such as mailto: and tel: (only its characters
 * are encoded). Leading and trailing spaces and control characters are dropped, tabs and
 * newlines inside removed, as browsers do. Returns a new string the caller frees, or NULL when
 * the address cannot be one (no host, a host IDNA refuses, a port that is not a number). */
char *url_form(const char *href);

#endif
