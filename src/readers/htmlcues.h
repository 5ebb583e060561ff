/* htmlcues.h: Podcasting 2.0 HTML transcripts as cues.
 *
 * The podcast namespace's HTML transcript form names each speaker in a <cite>, the time in a
 * <time> and the speech in <p> elements:
 *
 *   <cite>Kevin:</cite> <time>0:00</time> <p>Welcome to the show.</p>
 *
 * as a whole page or as a fragment with no <html>, the <cite> and <time> also written inside
 * their paragraph (<p><cite>Kevin:</cite> <time>0:00</time> Welcome...</p>). The HTML reader
 * (readers/html.c) parses the page (base/html5.c); when its body is such a transcript, this
 * module turns it into cues (readers/cues.h) that readers/captions.c makes into turns, instead
 * of Reader View's extraction, which knows nothing of speakers. */
#ifndef SHEAF_HTMLCUES_H
#define SHEAF_HTMLCUES_H

#include <libxml/tree.h>

#include "readers/cues.h"

/* 1 when the parsed page `doc` is a transcript in that form: at least two <cite> elements that
 * mark a speaker (a block of its own followed by a <time> or a <p>, or the first thing in a
 * paragraph; with a short text; not in a figure, quotation or aside), more paragraphs after the first of them than before it, and
 * no more than eight paragraphs a speaker on average. */
int htmlcues_detect(xmlDocPtr doc);

/* The transcript of `doc` as cues appended to `out` (initialised by the caller): one cue per
 * paragraph of speech, with the speaker of the last <cite> before it (its trailing ':' taken
 * off) and the start of the last <time> before it (its datetime attribute, else its text:
 * "0:00", "00:01:02.5", "12.5"), used once; <i>/<em> become emphasis, <b>/<strong> strong
 * emphasis, <br> a line end. Returns the number of cues added. */
size_t htmlcues_read(xmlDocPtr doc, cue_list *out);

#endif
