/* vtt.h: the WebVTT reader (W3C WebVTT: "WEBVTT" header, cues with timings and settings, NOTE,
 * STYLE and REGION blocks, voice spans and cue markup), tolerant of what real exports write:
 * times as bare seconds ("0.860 --> 7.380"), ',' before the milliseconds, cue identifiers,
 * overlapping cues, no blank line between cues, no final blank line. */
#ifndef SHEAF_VTT_H
#define SHEAF_VTT_H

#include <stddef.h>

#include "base/diag.h"
#include "readers/cues.h"

/* Read WebVTT `text` (len bytes, NUL-terminated, clean: LF line ends, no BOM; borrowed) into
 * `out` (initialised by the caller): one cue per voice of each cue, the speaker from its voice
 * span <v Name> (NULL when it has none), the header's Language: into out->lang. Errors and
 * warnings name `file` and the line. Returns 0, or -1 when the text is not WebVTT (no header, a
 * timing line that cannot be read, text before any cue, a cue over CUE_MAX_TEXT). */
int vtt_parse(const char *text, size_t len, const char *file, cue_list *out, diag_list *diags);

#endif
