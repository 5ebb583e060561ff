/* turn.h: the shape of a speaker turn in the article model.
 *
 * Every stage that makes turns makes them alike, so that the renderer and the styles treat
 * them alike: the interview pass (passes/interview.h) finds them in Markdown transcripts, the
 * caption reader (readers/captions.h) builds them from cues.
 *
 *   SEM_DIV  "turn" [+ " host" | " guest"]   the turn: its paragraphs
 *   SEM_SPAN "speaker"      first inline of the turn's first paragraph: the speaker's name
 *   SEM_SPAN "speaker-sep"  ": "
 *   SEM_SPAN "timestamp"    the turn's start time, when kept, then a space */
#ifndef SHEAF_TURN_H
#define SHEAF_TURN_H

#include <cmark-gfm.h>

#include "base/util.h"
#include "model/meta.h"

/* The class of a turn's SEM_DIV for a speaker's role: "turn", "turn host" or "turn guest"
 * (a static string). */
const char *turn_class(speaker_role role);

/* Prepend a turn's label to its first paragraph `p`: SEM_SPAN "speaker" holding `name`,
 * SEM_SPAN "speaker-sep" holding ": ", then when given (not NULL) the `timestamp` as a SEM_SPAN
 * "timestamp" and the `aside` (a stage direction such as "(laughs)", as text), each followed by
 * a space when speech follows. Strings are copied; nodes are allocated in `a` and owned by the
 * tree. */
void turn_label_prepend(cmark_node *p, arena *a, const char *name, const char *timestamp,
                        const char *aside);

/* A new unlinked SEM_SPAN of class `cls` holding the n bytes at s as text (copied; the node is
 * allocated in `a`; the caller links it into the tree). */
cmark_node *turn_span_new(arena *a, const char *cls, const char *s, size_t n);

#endif
