/* lang.h: BCP 47 language tags and text direction. */
#ifndef SHEAF_LANG_H
#define SHEAF_LANG_H

/* 1 when `tag` is a well-formed BCP 47 language tag (RFC 5646 syntax, including grandfathered
 * and private-use tags), 0 otherwise. "C", "en_US", "" and "english" are not. */
int lang_tag_valid(const char *tag);
/* "rtl" for languages written right to left (ar, he, fa, ur, ps, yi, dv, ckb, sd, ug, and any
 * tag with an Arab/Hebr/Thaa/Syrc script subtag), else "ltr". */
const char *lang_direction(const char *tag);

#endif
