/* charset.h: the encoding of a web page's bytes, found as browsers find it, and the page in
 * UTF-8.
 *
 * In order (the WHATWG encoding sniffing algorithm, shortened): a byte-order mark; the charset
 * of the transport's media type ("text/html; charset=..."), when the page came with one; a
 * <meta charset> or <meta http-equiv="Content-Type" content="...charset=..."> in the first 1024
 * bytes (or an XML declaration's encoding, for XHTML); else none. Labels are the WHATWG's
 * (latin1, iso-8859-1 and ascii mean windows-1252; gb2312 and gbk mean gb18030; ...), and a
 * label sheaf does not know is ignored. Then, because a wrong declaration is common and
 * mojibake is worse than any other outcome: bytes that are valid UTF-8 with at least one
 * non-ASCII character are UTF-8 whatever was declared; bytes that are not, with nothing
 * declared, are windows-1252. Conversion is iconv's; a byte the encoding has no character for
 * becomes U+FFFD. */
#ifndef SHEAF_CHARSET_H
#define SHEAF_CHARSET_H

#include <stddef.h>

/* How the encoding was chosen, for messages. */
typedef enum charset_source {
    CHARSET_FROM_BOM,
    CHARSET_FROM_TRANSPORT,
    CHARSET_FROM_META,
    CHARSET_FROM_CONTENT,   /* nothing usable declared: UTF-8 or windows-1252 by the bytes */
    CHARSET_UTF8_OVERRIDES  /* declared otherwise, but the bytes are UTF-8 */
} charset_source;

typedef struct charset_result {
    const char *encoding;   /* canonical name, e.g. "UTF-8", "windows-1252" (static) */
    const char *declared;   /* the declared encoding's name when it was overridden (static) */
    charset_source source;
    size_t replaced;        /* bytes that had no character and became U+FFFD */
} charset_result;

/* The canonical name of the WHATWG encoding label `label` (case and surrounding space
 * ignored), or NULL when sheaf does not know it. */
const char *charset_from_label(const char *label, size_t len);

/* The charset parameter of a media type such as "text/html; charset=ISO-8859-1" as a
 * canonical name, or NULL. */
const char *charset_from_media_type(const char *media_type);

/* The page's bytes in UTF-8: a new NUL-terminated string the caller frees, its length in
 * *out_len; the byte-order mark is dropped. `transport` is the canonical name given with the
 * bytes (charset_from_media_type), or NULL. Never fails: bytes that cannot be converted become
 * U+FFFD. */
char *charset_decode(const char *raw, size_t len, const char *transport, size_t *out_len,
                     charset_result *res);

#endif
