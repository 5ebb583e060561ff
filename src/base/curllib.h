/* curllib.h: libcurl, opened at run time when sheaf first fetches or parses a web address.
 *
 * Linked into the binary, libcurl loads some 30 shared libraries (OpenSSL, GnuTLS, Kerberos,
 * LDAP, libssh2, nghttp2...) at every start of sheaf, whether or not a book has anything on the
 * web (see base/dynlib.h). Its users (base/url.c, readers/fetch.c, readers/httphdr.c) keep
 * curl/curl.h and call through this table, whose members have the functions' own types.
 * The members drop the "curl_" prefix (`lib->easy_setopt(...)`): curl.h defines some of the
 * functions' names as macros (its type checks of curl_easy_setopt's variadic argument), which
 * a member of the same name would set off. */
#ifndef SHEAF_CURLLIB_H
#define SHEAF_CURLLIB_H

#include <curl/curl.h>

/* X(member, function): the functions sheaf calls. */
#define CURLLIB_FUNCTIONS(X)                                                                       \
    X(global_init, curl_global_init)                                                               \
    X(global_cleanup, curl_global_cleanup)                                                         \
    X(easy_init, curl_easy_init)                                                                   \
    X(easy_cleanup, curl_easy_cleanup)                                                             \
    X(easy_setopt, curl_easy_setopt)                                                               \
    X(easy_getinfo, curl_easy_getinfo)                                                             \
    X(easy_strerror, curl_easy_strerror)                                                           \
    X(multi_init, curl_multi_init)                                                                 \
    X(multi_cleanup, curl_multi_cleanup)                                                           \
    X(multi_setopt, curl_multi_setopt)                                                             \
    X(multi_add_handle, curl_multi_add_handle)                                                     \
    X(multi_remove_handle, curl_multi_remove_handle)                                               \
    X(multi_perform, curl_multi_perform)                                                           \
    X(multi_poll, curl_multi_poll)                                                                 \
    X(multi_info_read, curl_multi_info_read)                                                       \
    X(slist_append, curl_slist_append)                                                             \
    X(slist_free_all, curl_slist_free_all)                                                         \
    X(free, curl_free)                                                                             \
    X(getdate, curl_getdate)                                                                       \
    X(url, curl_url)                                                                               \
    X(url_cleanup, curl_url_cleanup)                                                               \
    X(url_get, curl_url_get)                                                                       \
    X(url_set, curl_url_set)

typedef struct curllib {
#define CURLLIB_MEMBER(member, fn) __typeof__(fn) *member;
    CURLLIB_FUNCTIONS(CURLLIB_MEMBER)
#undef CURLLIB_MEMBER
} curllib;

/* libcurl's functions, opened on the first call (thread-safe; later calls return the same
 * answer at once). Returns the table, valid until the process exits and not the caller's to
 * free; or NULL with *why (when why is not NULL) set to why libcurl cannot be used, e.g.
 * "libcurl.so.4 is not installed (apt-get install libcurl4)" (a static string, not the
 * caller's to free). */
const curllib *curllib_get(const char **why);

#endif
