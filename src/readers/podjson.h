/* podjson.h: the Podcasting 2.0 JSON transcript reader ({"version": "1.0.0", "segments":
 * [{"speaker", "startTime", "endTime", "body"}]}), parsed with json-c. Also the common variant
 * with a "speakers" map from labels to names and segments carrying "speakerLabel", "start",
 * "end" and "text" (and a bare list of segments, as Whisper-style exports write). Word-level
 * segments and segments that are only a space or a comma join into prose in captions.c. */
#ifndef SHEAF_PODJSON_H
#define SHEAF_PODJSON_H

#include <stddef.h>

#include "base/diag.h"
#include "readers/cues.h"

/* Largest JSON transcript accepted: json-c holds the whole tree, ~15 times the text; ten hours
 * of word-level segments are ~10 MB. */
#define PODJSON_MAX_BYTES ((size_t)48 << 20)

/* Read JSON `text` (len bytes, NUL-terminated, clean UTF-8; borrowed) into `out` (initialised
 * by the caller): one cue per segment with text, times in milliseconds (seconds in the file, as
 * numbers or strings), the speaker label (a number n becomes "Speaker n"), the speakers map into
 * out->names, "language" into out->lang. Errors name `file` and the JSON path
 * ("segments[3].startTime"), or the line and column of a syntax error. Returns 0, or -1 when
 * the text is not JSON or not a transcript. */
int podjson_parse(const char *text, size_t len, const char *file, cue_list *out,
                  diag_list *diags);

#endif
