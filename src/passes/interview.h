/* interview.h: speaker turns, questions, timestamps, stage directions and break markers.
 *
 * A pass over cmark's tree of one article (run after notes_collect, before rendering). It
 * recognises the shapes transcripts and Q&A articles are written in, at the start of a
 * paragraph or of any line inside one:
 *
 *   **Full Name:** text    **Full Name**: text    *Full Name:* text    Name: text
 *   Q: / A:   **Q:** / **A:**   Q. / A.   Question: / Answer:
 *   First Last (00:03:12):   First Last [00:03:12]:   Speaker 1 (00:00):   (Rev and the like)
 *   First Last  0:34   Unknown Speaker  2:44   **First** [0:00]   (Otter and the like)
 *   Name: 00:00:07    0:00:36.2 **Name** text    **Name** *00:12:31*    [00:12:31] Name: text
 *   First Last (FL): text, then FL: text    handle (First Last):    First Last (handle):
 *   MR. LAST. text    INTERVIEWER: text    nick: text    王小明：text
 *   any of these alone on its line, followed by that speaker's lines and paragraphs
 *
 * Whether a label names a speaker is decided per label: it is declared in the front matter
 * (by its label, full name, or a first name, surname or initials of exactly one declared
 * speaker), or the article is a transcript (two labels recur; or one does and three labels or
 * more are in bold or carry a timestamp; or Q and A both occur) and the label recurs, or is a
 * role ("Audience member", "Moderator"), or a name no word of prose looks like (two words, in
 * bold, or with a timestamp). Editorial labels (Note:, Update:, Slides:, Chapter 2) never are,
 * "MR. LAST." counts only among other labels in capitals, and a line right after a speaker's
 * label alone is that speaker's speech unless it is a label in bold or with a timestamp.
 *
 * The tree is rewritten with semantic nodes (sem.h):
 *
 *   SEM_DIV  "turn" [+ " host" | " guest" | " question" | " answer"]   one speaker turn: the
 *            labelled paragraph and every following block up to the next label, heading,
 *            thematic break or scene break (paragraphs, lists, quotes, code);
 *   SEM_SPAN "speaker"      the label, holding the speaker's full name (declared name when the
 *            front matter names the label, the long form for a short one), first inline of
 *            the turn's first paragraph, followed by a SEM_SPAN "speaker-sep" holding ": ",
 *            then the label's timestamp if any (so names form one left edge);
 *   SEM_SPAN "timestamp"    [01:12], [00:12:31], 0:00:36.2 (or removed with TIMESTAMPS_DROP);
 *   SEM_SPAN "annotation"   [laughter], [laughs], [crosstalk], [inaudible 00:12:03], (laughs);
 *   SEM_BREAK "scene-break" **Break:** [01:12], a label followed only by timestamps
 *            (**Outro:** [55:19]), a paragraph that is only [music] / [break] / [jingle];
 *            a marker with a time keeps its words and times after it, in a SEM_DIV
 *            "break-time" ("Break [01:12]"), unless timestamps are dropped.
 *
 * Headings are never touched: a question given as a heading stays a heading.
 *
 * Turns and labels have the shape model/turn.h gives them, the same as the caption reader's. */
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
 * the cast from front matter (may be NULL or empty): labels naming a declared speaker are
 * always recognised and show the full name; roles give the turn's class. Semantic nodes are
 * allocated in `a`. `cast` (may be NULL) receives, appended, everyone who took part: every
 * declared speaker first (declaration order), then detected speakers not declared, in order of
 * first turn, with their roles where known (Q/A labels are not people and are not added).
 * Warnings go to `diags` naming `file` (may be NULL). Linear in the size of the article.
 * Returns 0 (the pass cannot fail; doubts are warnings). */
int interview_apply(cmark_node *doc, arena *a, const speaker_list *declared,
                    interview_speakers speakers_mode, interview_timestamps timestamps_mode,
                    speaker_list *cast, diag_list *diags, const char *file);

/* The labels of `doc` found and judged as interview_apply would, without changing the tree
 * (text nodes are consolidated). For passes that run before interview_apply and must leave
 * labels alone: a label is never a title or an inferred section heading. `declared` must
 * outlive the scan. Free with interview_scan_free (accepts NULL). */
typedef struct interview_scan interview_scan;
interview_scan *interview_scan_new(cmark_node *doc, const speaker_list *declared,
                                   interview_speakers speakers_mode);
void interview_scan_free(interview_scan *s);
/* 1 when top-level paragraph `para` opens with a label that starts a turn or is a break
 * marker. */
int interview_scan_is_label(const interview_scan *s, cmark_node *para);
/* The same question asked through an mdtree_filter {interview_labels_test, &labels}, which
 * scans `doc` on the first question only: an article whose title and sections are settled
 * without asking pays nothing. Set doc, declared and mode, scan NULL; call
 * interview_labels_release once done (the tree must not have lost paragraphs the scan saw as
 * labels before then). */
typedef struct interview_labels {
    cmark_node *doc;
    const speaker_list *declared;
    interview_speakers mode;
    interview_scan *scan; /* made on the first question */
} interview_labels;
int interview_labels_test(void *labels, cmark_node *para);
void interview_labels_release(interview_labels *l);

#endif
