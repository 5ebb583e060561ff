/* srt.h: the SubRip reader (.srt): numbered cards "N", "00:00:03,450 --> 00:00:04,410", one or
 * more lines of text, a blank line; HTML-like tags (<i>, <b>, <font>) and {\an8} codes reduced to
 * text and emphasis; tolerant of cards without numbers, a missing blank line before a number
 * followed by a timing line, '.' before the milliseconds, missing hours, and coordinates after
 * the times. */
#ifndef SHEAF_SRT_H
#define SHEAF_SRT_H

#include <stddef.h>

#include "base/diag.h"
#include "readers/cues.h"

/* Read SubRip `text` (len bytes, NUL-terminated, clean; borrowed) into `out` (initialised by the
 * caller), one cue per card with no speaker (cue_list_settle finds "Name:" labels). Errors name
 * `file` and the line. Returns 0, or -1 when a card's timing line cannot be read, a card has no
 * timing line, or a card is over CUE_MAX_TEXT. */
int srt_parse(const char *text, size_t len, const char *file, cue_list *out, diag_list *diags);

#endif
