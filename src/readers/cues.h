/* cues.h: the cue model shared by the caption readers.
 *
 * A caption file is a list of cues: a start and end time, a few lines of text, and sometimes the
 * speaker. Each caption reader (vtt.c, srt.c, podjson.c) fills a cue_list from its format;
 * captions.c turns the list into prose (turns and paragraphs of the article model). The helpers
 * here are what the formats share: times, cue markup reduced to text, speaker labels written at
 * the start of a cue ("Name:", "[SPEAKER_02]:", ">> Name:").
 *
 * A cue's text is UTF-8 whose lines are joined by '\n', with a few control bytes (which clean
 * text never holds: text_clean drops them) marking what the markup said:
 *   CUE_EM_OPEN / CUE_EM_CLOSE          emphasis (<i>)
 *   CUE_STRONG_OPEN / CUE_STRONG_CLOSE  strong emphasis (<b>)
 *   CUE_VOICE_CHANGE                    someone else speaks from here, not named ("- " dialogue
 *                                       dashes, ">>" in broadcast captions)
 * Markers are balanced within each cue. */
#ifndef SHEAF_CUES_H
#define SHEAF_CUES_H

#include <stddef.h>

#include "base/diag.h"
#include "base/strmap.h"
#include "base/util.h"
#include "model/meta.h"

#define CUE_EM_OPEN '\x01'
#define CUE_EM_CLOSE '\x02'
#define CUE_STRONG_OPEN '\x03'
#define CUE_STRONG_CLOSE '\x04'
#define CUE_VOICE_CHANGE '\x05'

/* Longest cue text accepted: a caption is a line or two, a JSON segment at most a long turn. */
#define CUE_MAX_TEXT ((size_t)1 << 20)

typedef struct cue {
    long long start, end; /* milliseconds; -1 when the file gives none */
    const char *speaker;  /* the speaker label the cue states (interned: one pointer per label),
                             or NULL when it states none (the previous speaker goes on) */
    const char *text;     /* in the list's arena, NUL-terminated */
    size_t len;
    int line;             /* the cue's line in its file (its timing line); 0 when unknown */
} cue;

typedef struct cue_list {
    cue *items;
    size_t len, cap;
    arena *arena;        /* cue texts and labels */
    strmap *labels;      /* label -> its interned copy */
    int has_voices;      /* the format named speakers (WebVTT voices, JSON fields) */
    char *lang;          /* the language the file declares (a BCP 47 tag), or NULL */
    speaker_list names;  /* names the file itself gives its labels (a JSON speakers map) */
} cue_list;

void cue_list_init(cue_list *l);
/* Frees everything the list holds; accepts a list that was only initialised. */
void cue_list_free(cue_list *l);

/* Append a cue with a copy (in the list's arena) of text[0..len), its white space tidied (lines
 * trimmed, runs of spaces made one, empty lines and empty emphasis dropped), and the speaker
 * label `speaker` (interned with cue_label_intern, or NULL for none). Returns the new cue, owned
 * by the list. */
cue *cue_list_add(cue_list *l, long long start, long long end, const char *speaker,
                  const char *text, size_t len, int line);

/* The interned copy of label s[0..n) (trimmed of spaces), NULL when it is empty. */
const char *cue_label_intern(cue_list *l, const char *s, size_t n);

/* Parse a caption time at s (n bytes): "hh:mm:ss.ttt", "mm:ss.ttt", or bare seconds "7.380"
 * (',' may stand for '.'; the fraction may have 1 to 9 digits or be missing; minutes and
 * seconds after a colon below 60). Returns the bytes read (the time must end there or before a
 * character that is not a digit, '.', ',' or ':'), or 0 when s does not start with a time. */
size_t cue_time_parse(const char *s, size_t n, long long *ms);

/* Parse a timing line "start --> end", optionally followed by white space and cue settings or
 * coordinates (" align:start", " X1:40"): returns 1 and sets *start and *end, or 0. */
int cue_timing_parse(const char *s, size_t n, long long *start, long long *end);

/* 1 when s[0..n) holds something besides spaces, line ends and markers. */
int cue_text_visible(const char *s, size_t n);

/* 1 when a line looks meant as a timing line (it holds "-->", or starts with a digit and holds
 * "->"), so that one that cannot be read is an error rather than text. */
int cue_line_timing_like(const char *s, size_t n);

/* Reading a text line by line, with line numbers. */
typedef struct cue_lines {
    const char *text;
    size_t len, pos;
    int line;               /* number of the line last returned */
    size_t seen_pos, seen_n; /* the length of the line at seen_pos, once looked for */
} cue_lines;

/* Start reading text[0..len) (first line: 1). */
void cue_lines_init(cue_lines *it, const char *text, size_t len);
/* The next line (without its '\n') in *s and *n; returns 0 at the end of the text. */
int cue_lines_next(cue_lines *it, const char **s, size_t *n);
/* The next line without taking it; returns 0 at the end. */
int cue_lines_peek(cue_lines *it, const char **s, size_t *n);
/* 1 when s[0..n) holds nothing but spaces and tabs. */
int cue_line_blank(const char *s, size_t n);

/* Format ms as "mm:ss", or "h:mm:ss" when `hours` (the transcript runs past an hour) into buf
 * (at least 24 bytes). */
void cue_time_format(long long ms, int hours, char *buf);

/* Flags for cue_markup_reduce. */
enum {
    CUE_MARKUP_VTT = 1,    /* WebVTT tags and character references */
    CUE_MARKUP_SRT = 2     /* SubRip's HTML-like tags (<i>, <b>, <font>) and {\an8} codes */
};

/* Reduce cue markup in s[*pos..n) to text with markers, appended to b: <i>/<em> become emphasis,
 * <b>/<strong> strong emphasis, other tags (<u>, <c.class>, <lang>, <ruby>, <font>, inner
 * timestamps) keep only their text (<rt> ruby annotations are left out), character references
 * are decoded (VTT). Stops after a voice tag <v Name> (VTT) and returns 1, with *voice set to
 * the voice's label (interned) and *pos after the tag, so that a cue holding several voices can
 * be cut; returns 0 at the end of s. Open emphasis is closed at the end of s, and before a voice
 * tag. */
int cue_markup_reduce(cue_list *l, const char *s, size_t n, size_t *pos, int flags, strbuf *b,
                      const char **voice, int *em_open, int *strong_open);

/* Settle what a reader left in its cues' text, once the whole file is read: leading dialogue
 * dashes ("- ", "-Name") and ">>" (broadcast captions) become CUE_VOICE_CHANGE markers; and, in
 * a file whose format named no speaker (l->has_voices is 0: SubRip, WebVTT without voices, JSON
 * without speaker fields), speaker labels written at the start of a cue's first line ("Name:", "王小明：",
 * "[SPEAKER_02]:", "Unknown:", ">> NAME:") become the cues' speakers and leave their text. A
 * label is taken when it is a generic diarisation label (SPEAKER_1, spk_0, Speaker 2, Unknown),
 * is written in brackets, recurs at least three times, or when the file has at least two
 * distinct recurring labels (a labelled transcript) and it is shaped like a name (at most four
 * words, the first capitalised); editorial words (Note:, Music:, Translation:...) never are. In
 * a file with voices, a cue without one that opens with the name of a voice of the file
 * ("Bo: ...") is that voice's, unless it goes on a sentence (lowercase after the label, no
 * sentence end before it). A "Name:" shape later in a cue stays speech. Linear in the size of the list. */
void cue_list_settle(cue_list *l);

#endif
