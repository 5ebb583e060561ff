/* interview.h: speaker turns, questions, timestamps, stage directions and break markers.
 *
 * A pass over cmark's tree of one article (run after notes_collect, before rendering). It
 * recognises the shapes transcripts and Q&A articles are written in:
 *
 *   **Full Name:** text    **Full Name**: text    Name: text (declared, or recurring)
 *   Q: / A:   **Q:** / **A:**   Q. / A.
 *   0:00:36.2 **Name** text    **Name** *00:12:31*    [00:12:31] Name: text
 *   a label alone on its own line, followed by that speaker's paragraphs
 *
 * and rewrites the tree with semantic nodes (sem.h):
 *
 *   SEM_DIV  "turn" [+ " host" | " guest" | " question" | " answer"]   one speaker turn: the
 *            labelled paragraph and every following block up to the next label, heading,
 *            thematic break or scene break (paragraphs, lists, quotes, code);
 *   SEM_SPAN "speaker"      the label, holding the speaker's full name (declared name when the
 *            front matter maps the label), first inline of the turn's first paragraph,
 *            followed by a SEM_SPAN "speaker-sep" holding ": ";
 *   SEM_SPAN "timestamp"    [01:12], [00:12:31], 0:00:36.2 (or removed with TIMESTAMPS_DROP);
 *   SEM_SPAN "annotation"   [laughter], [laughs], [crosstalk], [inaudible 00:12:03], (laughs);
 *   SEM_BREAK "scene-break" **Break:** [01:12], a label followed only by timestamps
 *            (**Outro:** [55:19]), a paragraph that is only [music] / [break] / [jingle].
 *
 * Headings are never touched: a question given as a heading stays a heading. */
#ifndef SHEAF_INTERVIEW_H
#define SHEAF_INTERVIEW_H

#include <cmark-gfm.h>

#include "base/diag.h"
#include "model/meta.h"
#include "model/sem.h"
#include "base/util.h"

typedef enum interview_speakers {
    INTERVIEW_SPEAKERS_AUTO = 0, /* detect turns (the default) */
    INTERVIEW_SPEAKERS_OFF       /* no turn detection; annotations/timestamps/breaks still done */
} interview_speakers;

typedef enum interview_timestamps {
    INTERVIEW_TIMESTAMPS_KEEP = 0, /* quiet SEM_SPAN "timestamp" (the default) */
    INTERVIEW_TIMESTAMPS_DROP      /* removed from the text */
} interview_timestamps;

/* Run the pass over `doc` (a cmark document; text nodes are consolidated first). `declared` is
 * the cast from front matter (may be NULL or empty): its labels are always recognised and map
 * to full names and roles. Semantic nodes are allocated in `a`. `cast` (may be NULL) receives,
 * appended, everyone who took part: every declared speaker first (declaration order), then
 * detected speakers not declared, in order of first appearance, with their roles where known
 * (Q/A labels are not people and are not added). Warnings go to `diags` naming `file` (may be
 * NULL). Returns 0 (the pass cannot fail; doubts are warnings). */
int interview_apply(cmark_node *doc, arena *a, const speaker_list *declared,
                    interview_speakers speakers_mode, interview_timestamps timestamps_mode,
                    speaker_list *cast, diag_list *diags, const char *file);

#endif
