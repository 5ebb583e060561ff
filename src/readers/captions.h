/* captions.h: caption files (WebVTT, SubRip, Podcasting 2.0 JSON) -> readable interviews.
 *
 * The format's reader (vtt.c, srt.c, podjson.c) turns the file into cues (cues.h); this module
 * joins the cues into prose and fills the article model with turns of the shape model/turn.h
 * gives them, the same the interview pass makes for Markdown transcripts, so that the renderer
 * and the styles treat both alike:
 *
 *   - consecutive cues of one speaker are one turn: SEM_DIV "turn" (" host"/" guest" by the
 *     role a mapping gives), its first paragraph opening with the quiet timestamp of the turn's
 *     start ("[04:12]", "[1:02:03]" in a transcript that runs past an hour; left out with
 *     --timestamps=drop) and the speaker's name (SEM_SPAN "speaker" + "speaker-sep");
 *   - the cues' text is joined with the right spacing: no word glued to the next, no double
 *     spaces, no space between lines of Chinese or Japanese (which write none between words),
 *     punctuation-only segments attached to their word, hyphenated line ends joined, subtitle
 *     ellipses ("I think..." / "...that") and dashes ("We waited --" / "-- and") carried over
 *     written once, dialogue dashes dropped; duplicate cues (same times and text) and the
 *     repeated line of roll-up captions appear once;
 *   - a turn is cut into paragraphs at a sentence end (". ", "? ", "。", "！"...) once it runs
 *     past CAPTIONS_PARA_SOFT bytes, and at a sentence end followed by a pause of
 *     CAPTIONS_PAUSE_MS or more between cues; never inside a sentence (a transcript with almost
 *     no sentence punctuation is cut at cue boundaries instead);
 *   - a file with no speakers becomes plain paragraphs, grouped by pauses and by the dialogue
 *     dashes that mark a change of voice, each opening with its quiet timestamp; no speaker is
 *     invented;
 *   - generic labels (SPEAKER_1, spk_0) are kept unless a name is given for them: by the file
 *     (a JSON speakers map), by the reading-list entry or sidecar (`speakers:`), or by the
 *     command line (--speaker LABEL=Name), each over the one before;
 *   - the cast, in order of first appearance, goes to a->cast (the article's opening lists it).
 *
 * The article is marked a->captions: the passes then infer no title, sections or labels in it
 * (it has its turns already); its title comes from the file name unless given. */
#ifndef SHEAF_CAPTIONS_H
#define SHEAF_CAPTIONS_H

#include <stddef.h>

#include "model/article.h"
#include "model/options.h"
#include "readers/cues.h"

/* A paragraph is cut at the first sentence end after this many bytes. */
#define CAPTIONS_PARA_SOFT 640
/* A pause between cues this long (ms) ends a paragraph when a sentence ends there. */
#define CAPTIONS_PAUSE_MS 3000

typedef enum captions_format {
    CAPTIONS_VTT,
    CAPTIONS_SRT,
    CAPTIONS_JSON
} captions_format;

/* The format's name for messages: "WebVTT", "SubRip", "JSON transcript". */
const char *captions_format_name(captions_format f);

/* Read caption file `raw` (len bytes, the input's whole content; borrowed) in format f into `a`
 * (whose path, key and dir are set): cleans the text (base/text.c), parses it, and builds the
 * body with captions_build. `names` (may be NULL) names labels (entry, sidecar and command line,
 * merged by the caller, later entries winning). Fills a->doc, a->text (the prose, for word
 * counts), a->digest, a->cast, a->meta.lang (when the file declares one and none is set), and
 * sets a->captions. Returns 0, or -1 with an error in a->diags naming the file and the line (or
 * JSON path). */
int captions_read(article *a, const char *raw, size_t len, captions_format f,
                  const speaker_list *names, const build_options *o);

/* Build a->doc (a new document; a->doc must be NULL), a->text and a->cast from `cues` (settled
 * with cue_list_settle). Names for labels: cues->names, then `names` (may be NULL). Returns 0,
 * or -1 (with an error in a->diags) when no cue has text. */
int captions_build(article *a, const cue_list *cues, const speaker_list *names,
                   const build_options *o);

#endif
