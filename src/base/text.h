/* text.h: input text hygiene (UTF-8, characters XML forbids, line endings) and slugs. */
#ifndef SHEAF_TEXT_H
#define SHEAF_TEXT_H

#include <stddef.h>

#include "base/diag.h"

/* Clean raw input bytes into text fit for cmark and XML: CRLF/CR become LF, a UTF-8 BOM is
 * dropped, invalid UTF-8 sequences become U+FFFD (one warning per line, naming file and line),
 * characters XML 1.0 forbids (C0 controls other than tab/LF, U+FFFE/U+FFFF, NUL) are dropped
 * (one warning per file). Returns a new NUL-terminated string the caller frees, its length in
 * *outlen. Never fails. */
char *text_clean(const char *in, size_t len, const char *file, size_t *outlen, diag_list *diags);

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF). */
int text_utf8_valid(const char *s, size_t len);

/* 1 when the bytes look like a binary file rather than text (NUL bytes in the first 8 KiB,
 * or a high share of control bytes / a known binary signature). */
int text_looks_binary(const char *data, size_t len);

/* Remove, in place, the characters XML 1.0 does not allow from the first *len bytes of the UTF-8
 * text s (NUL and the other C0 controls but tab, newline and carriage return; U+FFFE, U+FFFF;
 * the bytes 0xFE and 0xFF, which are never UTF-8 and which cmark-gfm writes for U+FFFE, U+FFFF),
 * updating *len. Returns how many were removed. For short values (YAML scalars) that go into
 * XML as they are; whole files go through text_clean. */
size_t text_strip_xml_forbidden(char *s, size_t *len);
/* 1 when the NUL-terminated UTF-8 text s has no character XML 1.0 forbids. */
int text_xml_allowed(const char *s);

/* A GitHub-style slug of heading text: lowercased, punctuation removed, spaces to '-', letters
 * of any script kept. The result is a valid XML NCName (prefixed "h-" when it would start with a
 * digit or other non-name-start character; "section" when empty). The caller frees it. */
char *text_slug(const char *text);

/* The value of the hexadecimal digit c (0-9, a-f, A-F), or -1 when c is none. */
int text_hex_value(int c);

/* When line[0..n) opens or closes fenced code (three or more '`' or '~' after at most three
 * spaces, as CommonMark reads a fence): the fence's length, its character in *c; otherwise 0. */
size_t text_fence_len(const char *line, size_t n, char *c);

#endif
