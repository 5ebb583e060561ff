/* lang.h: BCP 47 language tags and text direction. */
#ifndef SHEAF_LANG_H
#define SHEAF_LANG_H

#include <stddef.h>

/* 1 when `tag` is a well-formed BCP 47 language tag (RFC 5646 syntax, including grandfathered
 * and private-use tags), 0 otherwise. "C", "en_US", "" and "english" are not. */
int lang_tag_valid(const char *tag);
/* "rtl" for languages written right to left (ar, he, fa, ur, ps, yi, dv, ckb, sd, ug, and any
 * tag with an Arab/Hebr/Thaa/Syrc script subtag), else "ltr". */
const char *lang_direction(const char *tag);

/* A date as metadata stores it (YYYY, YYYY-MM or YYYY-MM-DD) written as `lang` writes dates:
 * "21 May 2015" (en), "21. Mai 2015" (de), "21 de mayo de 2015" (es), "2015年5月21日" (ja, zh),
 * "2015년 5월 21일" (ko); also fr, it, pt, nl, sv, da, nb/no. A year alone, a language whose form
 * is not known here, or anything else than such a date comes back as given. Returns a new
 * string the caller frees (NULL only for a NULL date). */
char *lang_date_text(const char *iso, const char *lang);

/* The language `len` bytes of UTF-8 text are written in, judged by their script, when that is
 * not the Latin script: "ja" (Han with kana), "ko" (hangul), "zh" (Han alone), "ar" (Arabic
 * script), "he" (Hebrew); NULL when Latin letters (or none) weigh more. A CJK character weighs
 * as much as four Latin letters (about a word). Linear in len. */
const char *lang_script_guess(const char *text, size_t len);

/* 1 when text guessed as `guess` (from lang_script_guess) needs no language of its own inside
 * something tagged `tag`: the same language, or Han alone inside zh, ja or ko, or Arabic
 * script inside fa, ur..., Hebrew inside yi. */
int lang_same_script(const char *tag, const char *guess);

#endif
