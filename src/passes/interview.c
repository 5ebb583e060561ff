/* interview.c: speaker turns, questions, timestamps, stage directions and break markers. */
#include "passes/interview.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strmap.h"
#include "model/mdtree.h"
#include "model/turn.h"

/*** Small text helpers ***/

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static size_t skip_spaces(const char *s, size_t i)
{
    while (s[i] && is_space(s[i]))
        i++;
    return i;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of a timestamp at s, H:MM, HH:MM, H:MM:SS, HH:MM:SS with optional .fraction, that is
 * not followed by another digit or ':'; 0 when s does not start with one. */
static size_t timestamp_len(const char *s)
{
    size_t i = 0, groups = 0;
    if (s[i] == '\\') /* "[\\00:18:51.08]" in some transcripts */
        i++;
    size_t d = 0;
    while (is_digit(s[i + d]) && d < 3)
        d++;
    if (d == 0 || d > 2)
        return 0;
    i += d;
    while (s[i] == ':' && is_digit(s[i + 1]) && is_digit(s[i + 2]) && groups < 2) {
        i += 3;
        groups++;
    }
    if (groups == 0)
        return 0;
    if (s[i] == '.' && is_digit(s[i + 1])) {
        i++;
        while (is_digit(s[i]))
            i++;
    }
    if (is_digit(s[i]) || s[i] == ':')
        return 0;
    return i;
}

/* 1 when the whole of s (length n) is one timestamp. */
static int is_timestamp_n(const char *s, size_t n)
{
    char buf[40];
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return timestamp_len(buf) == n;
}

/* Length of a timestamp at s, bracketed "[01:12]" or bare "0:00:36.2"; 0 when none. */
static size_t timestamp_at(const char *s, int bare_ok)
{
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close && is_timestamp_n(s + 1, (size_t)(close - s - 1)))
            return (size_t)(close - s) + 1;
        return 0;
    }
    if (s[0] == '(') {
        const char *close = strchr(s, ')');
        if (close && is_timestamp_n(s + 1, (size_t)(close - s - 1)))
            return (size_t)(close - s) + 1;
        return 0;
    }
    return bare_ok ? timestamp_len(s) : 0;
}

static int word_in(const char *w, size_t n, const char *const *list)
{
    /* w has no NUL in its n bytes: a match of n bytes means list[i] is at least that long.
     * The lists are in lowercase: the first letter rules out most words at once. */
    if (n == 0)
        return 0;
    char first = w[0] >= 'A' && w[0] <= 'Z' ? (char)(w[0] + 32) : w[0];
    for (size_t i = 0; list[i]; i++)
        if (list[i][0] == first && strncasecmp(w, list[i], n) == 0 && list[i][n] == '\0')
            return 1;
    return 0;
}

/* Words that open a stage direction in brackets or parentheses. */
static const char *const annotation_words[] = {
    "laughs",     "laughter",  "laughing",       "laugh",       "laugher",  "chuckles",
    "chuckling",  "chuckle",   "giggles",        "sighs",       "sigh",     "crosstalk",
    "cross-talk", "inaudible", "unintelligible", "indistinct",  "applause", "pause",
    "pauses",     "silence",   "coughs",         "music",       "whispers", "whispering",
    "singing",    "sings",     "clapping",       "cheering",    "cheers",   "groans",
    "beep",       "beeps",     "static",         "overlapping", "off-mic",  "sic",
    "jingle",     "break",     "intermission",   NULL};

/* Words that make a stand-alone bracketed note, or a label, a break in the programme. */
static const char *const break_words[] = {
    "break", "intermission", "interlude", "music",    "jingle",     "outro", "intro",
    "ad",    "ads",          "sponsor",   "sponsors", "commercial", NULL};

/* Labels that open a paragraph but are never speakers (unless declared). */
static const char *const stop_labels[] = {"note",
                                          "notes",
                                          "nb",
                                          "n.b",
                                          "update",
                                          "updated",
                                          "edit",
                                          "edited",
                                          "example",
                                          "examples",
                                          "source",
                                          "sources",
                                          "reference",
                                          "references",
                                          "warning",
                                          "caution",
                                          "tip",
                                          "tips",
                                          "important",
                                          "summary",
                                          "disclaimer",
                                          "correction",
                                          "corrections",
                                          "editor's note",
                                          "editor\xe2\x80\x99s note",
                                          "ps",
                                          "p.s",
                                          "transcript",
                                          "credits",
                                          "related",
                                          "see also",
                                          "bonus",
                                          "disclosure",
                                          "full disclosure",
                                          "spoiler",
                                          "takeaway",
                                          "takeaways",
                                          "key takeaways",
                                          "background",
                                          "context",
                                          "links",
                                          "resources",
                                          "date",
                                          "time",
                                          "location",
                                          "title",
                                          "subject",
                                          "re",
                                          "fyi",
                                          "via",
                                          "photo",
                                          "image",
                                          "caption",
                                          "quote",
                                          "translation",
                                          "answer",
                                          "question",
                                          "hint",
                                          "todo",
                                          "fix",
                                          "fixed",
                                          "result",
                                          "results",
                                          "conclusion",
                                          "overview",
                                          "problem",
                                          "solution",
                                          "step",
                                          "warning",
                                          "definition",
                                          "chapter",
                                          "part",
                                          "section",
                                          "episode",
                                          "slides",
                                          "slide",
                                          "video",
                                          "audio",
                                          "agenda",
                                          "recording",
                                          "show notes",
                                          "figure",
                                          "table",
                                          "appendix",
                                          "tl;dr",
                                          "tldr",
                                          "btw",
                                          NULL};

static const char *const name_particles[] = {"de",  "van", "von", "der", "den", "da",  "di",
                                             "du",  "la",  "le",  "al",  "bin", "ibn", "y",
                                             "del", "dos", "das", "ten", "ter", NULL};

/* 1 when s looks like a person's name or handle: 1 to max_words words, each starting with an
 * uppercase letter (or a non-ASCII letter, or a particle such as "van"), made of letters,
 * digits, '.', '\'', '-' and the typographic apostrophe, 48 bytes at most. */
static int name_shaped(const char *s, int max_words)
{
    size_t n = strlen(s);
    if (n == 0 || n > 48)
        return 0;
    int words = 0, last_particle = 0;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && s[i] != ' ')
            i++;
        size_t wl = i - start;
        const unsigned char *w = (const unsigned char *)s + start;
        words++;
        if (words > max_words)
            return 0;
        last_particle = 0;
        if (w[0] >= 'A' && w[0] <= 'Z') {
            /* fine */
        } else if (w[0] >= 0x80 && !(w[0] == 0xe2 && wl > 1 && w[1] == 0x80)) {
            /* a non-ASCII letter, not general punctuation */
        } else if (word_in((const char *)w, wl, name_particles) && words > 1) {
            last_particle = 1;
        } else {
            return 0;
        }
        for (size_t k = 0; k < wl; k++) {
            unsigned char c = w[k];
            if (isalnum(c) || c == '.' || c == '\'' || c == '-' || c >= 0x80)
                continue;
            return 0;
        }
        if (wl >= 3 && w[0] == 0xe2 && w[1] == 0x80) /* curly quote or dash */
            return 0;
        while (i < n && s[i] == ' ')
            i++;
    }
    return words > 0 && !last_particle;
}

/* Last words that make a label an editorial remark: "Important Note", "Quick Update". */
static const char *const stop_last_words[] = {
    "note",       "notes",      "update",  "edit",      "warning", "tip",    "summary",
    "disclaimer", "correction", "example", "reference", "source",  "caveat", "song",
    "track",      "clip",       "montage", "soundbite", NULL};

static int stop_label(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '.')
        n--;
    if (word_in(s, n, stop_labels))
        return 1;
    const char *last = s + n;
    while (last > s && last[-1] != ' ')
        last--;
    if (last > s && word_in(last, (size_t)(s + n - last), stop_last_words))
        return 1;
    /* "Step 1", "Update 2", "Note 3" */
    size_t w = 0;
    while (w < n && s[w] != ' ')
        w++;
    if (w < n && word_in(s, w, stop_labels)) {
        size_t k = w + 1;
        while (k < n && is_digit(s[k]))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static int break_label(const char *s)
{
    size_t n = strlen(s);
    if (word_in(s, n, break_words))
        return 1;
    /* "Ad break", "Sponsor break", "Music break", "Intro music" */
    const char *sp = strchr(s, ' ');
    if (sp && !strchr(sp + 1, ' ')) {
        return word_in(s, (size_t)(sp - s), break_words) &&
               word_in(sp + 1, strlen(sp + 1), break_words);
    }
    return 0;
}

/*** Tree helpers ***/

/* The literal of a STRONG/EMPH node with exactly one text child, else NULL. */
static const char *single_text(cmark_node *n)
{
    cmark_node *c = cmark_node_first_child(n);
    if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
        return NULL;
    return cmark_node_get_literal(c);
}

static int is_text(cmark_node *n)
{
    return n && cmark_node_get_type(n) == CMARK_NODE_TEXT;
}

static int is_line_break(cmark_node *n)
{
    cmark_node_type t = n ? cmark_node_get_type(n) : CMARK_NODE_NONE;
    return t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK;
}

/*** Stage directions and timestamps inside text ***/

typedef enum mark_kind { MARK_NONE, MARK_TIMESTAMP, MARK_ANNOTATION } mark_kind;

/* Classify a bracketed or parenthesised run at s (s[0] is '[' or '('); *len receives its
 * length including the brackets. Outside transcripts only known stage directions count: an
 * editor's "[the company]" in an essay stays text. */
static mark_kind mark_at(const char *s, size_t *len, int transcript)
{
    char close = s[0] == '[' ? ']' : ')';
    size_t i = 1;
    while (s[i] && s[i] != close && s[i] != '[' && s[i] != '(' && s[i] != '\n' && i < 72)
        i++;
    if (s[i] != close)
        return MARK_NONE;
    *len = i + 1;
    const char *c = s + 1;
    size_t n = i - 1;
    if (n == 0)
        return MARK_NONE;
    if (is_timestamp_n(c, n))
        return MARK_TIMESTAMP;
    size_t w = 0;
    while (w < n && c[w] != ' ')
        w++;
    if (word_in(c, w, annotation_words))
        return MARK_ANNOTATION;
    if (close == ')' || !transcript)
        return MARK_NONE;
    /* in a transcript, [whispering], [fail sound], [music fades]: a short lowercase stage
     * direction. Not a task-list box ([x]), not a footnote ([^1]) or a numbered reference ([1]). */
    if (!(c[0] >= 'a' && c[0] <= 'z') || n < 3)
        return MARK_NONE;
    for (size_t k = 0; k < n; k++) {
        unsigned char ch = (unsigned char)c[k];
        if (!(isalnum(ch) || ch == ' ' || ch == '\'' || ch == '-' || ch == ':' || ch == '.' ||
              ch == ',' || ch >= 0x80))
            return MARK_NONE;
    }
    return MARK_ANNOTATION;
}

/* Replace stage directions and timestamps inside one text node by spans (or drop timestamps). */
static void mark_text_node(cmark_node *t, arena *a, interview_timestamps ts_mode, int transcript)
{
    const char *lit = cmark_node_get_literal(t);
    if (!lit || !strpbrk(lit, "[("))
        return;
    char *s = xstrdup(lit);
    size_t done = 0, i = 0, changed = 0;
    while (s[i]) {
        size_t len = 0;
        mark_kind k = (s[i] == '[' || s[i] == '(') ? mark_at(s + i, &len, transcript) : MARK_NONE;
        if (k == MARK_NONE) {
            i++;
            continue;
        }
        size_t end = i + len;
        size_t before_end = i;
        if (k == MARK_TIMESTAMP && ts_mode == INTERVIEW_TIMESTAMPS_DROP) {
            /* drop one space with it so no double space remains */
            if (s[end] == ' ')
                end++;
            else if (before_end > done && s[before_end - 1] == ' ')
                before_end--;
        }
        if (before_end > done)
            cmark_node_insert_before(t, mdtree_text_new(s + done, before_end - done));
        if (!(k == MARK_TIMESTAMP && ts_mode == INTERVIEW_TIMESTAMPS_DROP))
            cmark_node_insert_before(
                t, turn_span_new(a, k == MARK_TIMESTAMP ? "timestamp" : "annotation", s + i, len));
        done = i = end;
        changed++;
    }
    if (changed) {
        if (s[done])
            cmark_node_insert_before(t, mdtree_text_new(s + done, strlen(s + done)));
        cmark_node_free(t);
    }
    free(s);
}

static void mark_all(cmark_node *doc, arena *a, interview_timestamps ts_mode, int transcript)
{
    cmark_node **texts = NULL;
    size_t n = 0, cap = 0;
    int in_sem = 0; /* inside spans a pass made (labels, earlier marks): left alone */
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(cur);
        if (t == CMARK_NODE_CUSTOM_INLINE && sem_get(cur)) {
            in_sem += ev == CMARK_EVENT_ENTER ? 1 : ev == CMARK_EVENT_EXIT ? -1 : 0;
            continue;
        }
        if (ev != CMARK_EVENT_ENTER || t != CMARK_NODE_TEXT || in_sem)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            texts = xrealloc(texts, cap * sizeof *texts);
        }
        texts[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++)
        mark_text_node(texts[i], a, ts_mode, transcript);
    free(texts);
}

/*** Shapes of speakers' names ***/

/* Labels for a role rather than a person: "Interviewer", "Audience member", "Speaker 1",
 * "Unknown Speaker". The first word decides, and gives the role when it has one. */
static const struct generic_role {
    const char *word;
    speaker_role role;
} generic_roles[] = {{"interviewer", SPEAKER_ROLE_HOST},     {"host", SPEAKER_ROLE_HOST},
                     {"co-host", SPEAKER_ROLE_HOST},         {"cohost", SPEAKER_ROLE_HOST},
                     {"moderator", SPEAKER_ROLE_HOST},       {"interviewee", SPEAKER_ROLE_GUEST},
                     {"guest", SPEAKER_ROLE_GUEST},          {"audience", SPEAKER_ROLE_UNKNOWN},
                     {"speaker", SPEAKER_ROLE_UNKNOWN},      {"unknown", SPEAKER_ROLE_UNKNOWN},
                     {"unidentified", SPEAKER_ROLE_UNKNOWN}, {"participant", SPEAKER_ROLE_UNKNOWN},
                     {"panelist", SPEAKER_ROLE_UNKNOWN},     {"panellist", SPEAKER_ROLE_UNKNOWN},
                     {"presenter", SPEAKER_ROLE_UNKNOWN},    {"narrator", SPEAKER_ROLE_UNKNOWN},
                     {"announcer", SPEAKER_ROLE_UNKNOWN},    {"caller", SPEAKER_ROLE_UNKNOWN},
                     {"voice", SPEAKER_ROLE_UNKNOWN},        {"reporter", SPEAKER_ROLE_UNKNOWN},
                     {"student", SPEAKER_ROLE_UNKNOWN},      {"teacher", SPEAKER_ROLE_UNKNOWN},
                     {"man", SPEAKER_ROLE_UNKNOWN},          {"woman", SPEAKER_ROLE_UNKNOWN},
                     {"male", SPEAKER_ROLE_UNKNOWN},         {"female", SPEAKER_ROLE_UNKNOWN},
                     {"crowd", SPEAKER_ROLE_UNKNOWN},        {"translator", SPEAKER_ROLE_UNKNOWN},
                     {"interpreter", SPEAKER_ROLE_UNKNOWN},  {"operator", SPEAKER_ROLE_UNKNOWN},
                     {"chair", SPEAKER_ROLE_UNKNOWN},        {"chairman", SPEAKER_ROLE_UNKNOWN},
                     {"chairwoman", SPEAKER_ROLE_UNKNOWN},   {"witness", SPEAKER_ROLE_UNKNOWN},
                     {"respondent", SPEAKER_ROLE_UNKNOWN},   {"questioner", SPEAKER_ROLE_UNKNOWN},
                     {"member", SPEAKER_ROLE_UNKNOWN},       {NULL, SPEAKER_ROLE_UNKNOWN}};

static const struct generic_role *generic_find(const char *w, size_t n)
{
    char first = w[0] >= 'A' && w[0] <= 'Z' ? (char)(w[0] + 32) : w[0];
    for (size_t i = 0; n && generic_roles[i].word; i++)
        if (generic_roles[i].word[0] == first && strncasecmp(w, generic_roles[i].word, n) == 0 &&
            generic_roles[i].word[n] == '\0')
            return &generic_roles[i];
    return NULL;
}

/* 1 when s is a generic label (see generic_roles), up to four words: the role word, then
 * lowercase words, other role words, a number or a single capital ("Participant A"). */
static int generic_shaped(const char *s, speaker_role *role)
{
    size_t i = 0, words = 0;
    const struct generic_role *first = NULL;
    while (s[i]) {
        size_t st = i;
        while (s[i] && s[i] != ' ')
            i++;
        size_t n = i - st;
        const char *w = s + st;
        words++;
        if (words > 4 || n == 0)
            return 0;
        const struct generic_role *g = generic_find(w, n);
        if (words == 1) {
            if (!g)
                return 0;
            first = g;
        } else if (!g) {
            int lower = 1, digits = 1;
            for (size_t k = 0; k < n; k++) {
                lower &= w[k] >= 'a' && w[k] <= 'z';
                digits &= is_digit(w[k]) || (k == 0 && w[k] == '#');
            }
            int capital = n == 1 && w[0] >= 'A' && w[0] <= 'Z';
            if (!(lower && n <= 12) && !(digits && n <= 4) && !capital)
                return 0;
        }
        while (s[i] == ' ')
            i++;
    }
    if (first && role)
        *role = first->role;
    return first != NULL;
}

/* Lowercase words that start a paragraph with a colon far more often than a handle does. */
static const char *const handle_stop_words[] = {
    "so",     "well",    "yes",     "no",     "ok",      "okay",        "usage",   "error",
    "errors", "output",  "input",   "and",    "but",     "then",        "now",     "here",
    "there",  "this",    "that",    "what",   "why",     "how",         "who",     "when",
    "where",  "because", "also",    "i.e",    "e.g",     "etc",         "fixme",   "info",
    "debug",  "see",     "cc",      "from",   "to",      "type",        "name",    "value",
    "key",    "returns", "return",  "param",  "params",  "args",        "options", "syntax",
    "format", "status",  "version", "author", "license", "description", "tags",    "category",
    "link",   "url",     "http",    "https",  "mailto",  "file",        "default", "data",
    NULL};

/* 1 when s is a handle: one lowercase word of letters, digits, '_', '.' or '-' (an '@' first
 * allowed), 2 to 32 bytes: "nick", "@jdoe", "sam_k". */
static int handle_shaped(const char *s)
{
    size_t i = s[0] == '@' ? 1 : 0, n = strlen(s);
    if (n - i < 2 || n > 32 || !(s[i] >= 'a' && s[i] <= 'z') || s[n - 1] == '.')
        return 0;
    for (size_t k = i; k < n; k++)
        if (!(isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '.' || s[k] == '-'))
            return 0;
    return !word_in(s + i, n - i, handle_stop_words);
}

/* All-caps words that open a sentence with a full stop: "YEAH. I think so." */
static const char *const caps_stop_words[] = {
    "yes",     "no",     "ok",    "okay", "yeah",  "yep",  "nope",    "well",       "right",
    "sure",    "thanks", "thank", "good", "great", "wow",  "oh",      "ah",         "um",
    "uh",      "hmm",    "the",   "and",  "but",   "so",   "exactly", "absolutely", "true",
    "correct", "fine",   "amen",  "stop", "wait",  "look", "listen",  "please",     "hello",
    "hi",      "bye",    "end",   "note", "nasa",  "usa",  "faq",     NULL};

/* For a label only ever written "MR. LAST." / "THE CHAIRMAN.": two words or more, or one word
 * of three letters or more that is no common exclamation. */
static int caps_name_ok(const char *s)
{
    const char *sp = strchr(s, ' ');
    if (sp)
        return 1;
    size_t n = strlen(s);
    return n >= 3 && !word_in(s, n, caps_stop_words);
}

static size_t words_of(const char *s)
{
    size_t w = 0;
    for (size_t i = 0; s[i]; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            w++;
    return w;
}

/*** Labels: where a speaker's turn starts ***/

typedef enum label_kind { LABEL_NONE, LABEL_NAME, LABEL_Q, LABEL_A } label_kind;

typedef enum label_form {
    FORM_BOLD_COLON, /* **Name:** or **Name**: (or emphasis instead of bold) */
    FORM_BOLD_BARE,  /* **Name** next to a timestamp, or alone on its line */
    FORM_PLAIN,      /* Name: / Name (00:03:12): / Name [4:30]: / Name  0:34 / Q: */
    FORM_CAPS_DOT    /* MR. LAST. text */
} label_form;

/* Longest text before a plain label's colon, and longest label kept. */
#define LABEL_MAX 96

typedef struct label_cursor {
    cmark_node *n;
    size_t off;
    int n_full;
} label_cursor;

typedef struct speaker_label {
    cmark_node *para; /* the paragraph the label opens (for a line label, once split off);
                         NULL for a line label that stays where it is */
    cmark_node *brk;  /* a line label (on a later line of a paragraph): the break before it */
    int line;         /* it was a line label */
    int after_alone;  /* the line or paragraph before it is only a speaker's label: then it is
                         speech, if anything but a strong label */
    label_kind kind;
    label_form form;
    char *label;       /* as written, trimmed (the long form of "First Last (FL)"); owned */
    char *alias;       /* the short form such a label defines ("FL"); owned; NULL when none */
    char *timestamp;   /* next to the label, as written; owned; NULL when none */
    char *aside;       /* a stage direction between the name and the colon: "(laughs)"; owned */
    int n_full;        /* leading inlines consumed by the label */
    size_t cut;        /* bytes consumed in the next inline (a text node) */
    int line_alone;    /* nothing follows the label on its line */
    label_cursor rest; /* right after the label and its timestamp */
    int only_time;     /* nothing but timestamps, "to" and dashes follow it (to the end of the
                          paragraph; for a line label not split off, to the end of its line) */
    size_t stat;       /* its entry in the scan's stats */
    int verdict;       /* label_verdict, once the scan has judged it */
} speaker_label;

static void label_release(speaker_label *l)
{
    free(l->label);
    free(l->alias);
    free(l->timestamp);
    free(l->aside);
    l->label = l->alias = l->timestamp = l->aside = NULL;
}

static const char *cursor_text(label_cursor *c)
{
    return is_text(c->n) ? cmark_node_get_literal(c->n) + c->off : NULL;
}

static void cursor_next(label_cursor *c)
{
    c->n = cmark_node_next(c->n);
    c->off = 0;
    c->n_full++;
}

static void cursor_skip_spaces(label_cursor *c)
{
    const char *s;
    while ((s = cursor_text(c))) {
        size_t k = skip_spaces(s, 0);
        if (s[k]) {
            c->off += k;
            return;
        }
        cursor_next(c);
    }
}

/* Try to take a timestamp at the cursor (bracketed, bare when bare_ok, or an emphasised one);
 * returns a new string (the timestamp as written) or NULL. A bracketed one may be glued to the
 * speech ("[2:47]All the things"); a bare one must end at a space. */
static char *cursor_timestamp(label_cursor *c, int bare_ok)
{
    const char *s = cursor_text(c);
    if (s) {
        size_t n = timestamp_at(s, bare_ok);
        if (n && (s[n] == '\0' || is_space(s[n]) || s[0] == '[' || s[0] == '(')) {
            char *ts = xstrndup(s, n);
            c->off += n;
            cursor_skip_spaces(c);
            return ts;
        }
        return NULL;
    }
    cmark_node_type t = c->n ? cmark_node_get_type(c->n) : CMARK_NODE_NONE;
    if (t == CMARK_NODE_EMPH || t == CMARK_NODE_STRONG) {
        const char *e = single_text(c->n);
        if (e && (timestamp_at(e, 1) == strlen(e)) && *e) {
            char *ts = xstrdup(e);
            cursor_next(c);
            cursor_skip_spaces(c);
            return ts;
        }
    }
    return NULL;
}

static char *trimmed_dup(const char *s, size_t n)
{
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* 1 when every inline from the cursor on is a timestamp, "to", a dash or white space; with
 * `line_only`, up to the end of the line. */
static int rest_only_time(label_cursor c, int line_only)
{
    cmark_node *n = c.n;
    size_t off = c.off;
    for (; n; n = cmark_node_next(n), off = 0) {
        if (is_line_break(n)) {
            if (line_only)
                return 1;
            continue;
        }
        if (!is_text(n))
            return 0;
        const char *s = cmark_node_get_literal(n) + off;
        size_t i = 0;
        while (s[i]) {
            i = skip_spaces(s, i);
            if (!s[i])
                break;
            size_t k = timestamp_at(s + i, 1);
            if (k) {
                i += k;
            } else if (strncmp(s + i, "to", 2) == 0 && (!s[i + 2] || is_space(s[i + 2]))) {
                i += 2;
            } else if (s[i] == '-') {
                i++;
            } else if (strncmp(s + i, "\xe2\x80\x93", 3) == 0) {
                i += 3;
            } else {
                return 0;
            }
        }
    }
    return 1;
}

/* Length of a label's colon at s: ':' before a space or the end, or the fullwidth colon
 * U+FF1A (CJK transcripts, no space after it); 0 when none. */
static size_t colon_len(const char *s)
{
    if (s[0] == ':')
        return s[1] == '\0' || is_space(s[1]) ? 1 : 0;
    if ((unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbc && (unsigned char)s[2] == 0x9a)
        return 3;
    return 0;
}

/* The first label colon in the first LABEL_MAX bytes of s: its offset in *k and length in
 * *cl. A colon inside "00:03:12" is no label colon. */
static int plain_colon(const char *s, size_t *k, size_t *cl)
{
    if (!s[0])
        return 0;
    for (size_t i = 1; s[i] && i < LABEL_MAX; i++) {
        size_t c = colon_len(s + i);
        if (c) {
            *k = i;
            *cl = c;
            return 1;
        }
    }
    return 0;
}

/* 1 when the n bytes at s are one timestamp, bare or in brackets or parentheses. */
static int timestamp_token(const char *s, size_t n)
{
    if (n >= 3 && ((s[0] == '[' && s[n - 1] == ']') || (s[0] == '(' && s[n - 1] == ')')))
        return is_timestamp_n(s + 1, n - 2);
    return is_timestamp_n(s, n);
}

/* Split the text before a label's colon (n bytes at s) into the name and what may follow it
 * in brackets: a timestamp ("(00:03:12)", "[4:30]") taken into *ts when that is still NULL, a
 * stage direction ("(laughs)") kept in l->aside, or a short form: "First Last (FL)" and
 * "handle (First Last)" name the one with more words and record the other in l->alias. Sets
 * l->label; returns 0 (nothing set) when no name is left. */
static int name_split(const char *s, size_t n, speaker_label *l, char **ts)
{
    for (int round = 0; round < 3; round++) {
        while (n > 0 && is_space(s[n - 1]))
            n--;
        if (n < 3 || (s[n - 1] != ')' && s[n - 1] != ']'))
            break;
        char open = s[n - 1] == ')' ? '(' : '[';
        size_t o = n - 1;
        while (o > 0 && s[o - 1] != open && s[o - 1] != '(' && s[o - 1] != '[' && s[o - 1] != ')' &&
               s[o - 1] != ']')
            o--;
        if (o < 2 || s[o - 1] != open)
            break;
        o--; /* s[o] is the opening bracket */
        const char *in = s + o + 1;
        size_t inl = n - 2 - o;
        if (inl == 0)
            break;
        if (is_timestamp_n(in, inl)) {
            if (*ts)
                break;
            *ts = xstrndup(s + o, n - o);
            n = o;
            continue;
        }
        size_t w = 0;
        while (w < inl && in[w] != ' ')
            w++;
        if (open == '(' && word_in(in, w, annotation_words)) {
            if (l->aside)
                break;
            l->aside = xstrndup(s + o, n - o);
            n = o;
            continue;
        }
        if (l->alias || inl > 48 || memchr(in, ':', inl))
            break;
        /* a short form and a long one */
        char *outer = trimmed_dup(s, o), *inner = trimmed_dup(in, inl);
        size_t wo = words_of(outer), wi = words_of(inner);
        int outer_lower = outer[0] >= 'a' && outer[0] <= 'z';
        int inner_lower = inner[0] >= 'a' && inner[0] <= 'z';
        int outer_long = wo > wi || (wo == wi && !(outer_lower && !inner_lower));
        if (!*outer || !*inner) {
            free(outer);
            free(inner);
            break;
        }
        l->label = outer_long ? outer : inner;
        l->alias = outer_long ? inner : outer;
        return 1;
    }
    char *label = trimmed_dup(s, n);
    if (!*label || strlen(label) > LABEL_MAX) {
        free(label);
        free(l->aside);
        l->aside = NULL;
        return 0;
    }
    l->label = label;
    return 1;
}

/* A label ending its line with a bare or bracketed time: "First Last  0:34" (Otter),
 * "Name (00:03:12)", "Name [4:30]". The cursor's text node must end the line. */
static int line_ends_in_time(label_cursor *c, const char *s, speaker_label *l, char **ts)
{
    cmark_node *next = cmark_node_next(c->n);
    if (next && !is_line_break(next))
        return 0;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        n--;
    size_t st = n;
    while (st > 0 && !is_space(s[st - 1]))
        st--;
    if (st == 0 || n - st > 24 || !timestamp_token(s + st, n - st))
        return 0;
    size_t p = st;
    while (p > 0 && is_space(s[p - 1]))
        p--;
    if (p == 0 || p > LABEL_MAX)
        return 0;
    char *inner_ts = NULL;
    if (!name_split(s, p, l, &inner_ts))
        return 0;
    if (inner_ts || *ts || strchr(l->label, ':') || l->alias) {
        free(inner_ts);
        label_release(l);
        return 0;
    }
    *ts = xstrndup(s + st, n - st);
    c->off += n;
    return 1;
}

/* Length of an all-caps label ended by a full stop ("MR. LAST. Thank you": 8), without the
 * stop; 0 when s does not start with one. The label is the longest run of all-caps words
 * whose last word ends with '.', at most six words and two letters or more. */
static size_t caps_dot_len(const char *s)
{
    size_t i = 0, end = 0, letters = 0, run_letters = 0;
    for (int words = 0; words < 6 && s[i] && i < LABEL_MAX; words++) {
        size_t st = i;
        int caps = 0;
        while (s[i] && !is_space(s[i])) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 'A' && c <= 'Z') {
                caps++;
                i++;
            } else if (c == '.' || c == '\'' || c == '-') {
                i++;
            } else if (c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
                       (unsigned char)s[i + 2] == 0x99) {
                i += 3; /* ’ */
            } else {
                caps = -1;
                break;
            }
        }
        if (caps <= 0)
            break;
        run_letters += (size_t)caps;
        if (s[i - 1] == '.' && i - 1 > st) {
            end = i - 1;
            letters = run_letters;
        }
        i = skip_spaces(s, i);
    }
    return letters >= 2 ? end : 0;
}

static label_kind kind_of(const char *label)
{
    if (strcmp(label, "Q") == 0 || str_casecmp_ascii(label, "question") == 0)
        return LABEL_Q;
    if (strcmp(label, "A") == 0 || str_casecmp_ascii(label, "answer") == 0)
        return LABEL_A;
    return LABEL_NAME;
}

/* "Q. text" / "A. text", unless "A. B. Last: text" names someone. */
static int qa_dot(const char *s, size_t colon_at)
{
    if (!((s[0] == 'Q' || s[0] == 'A') && s[1] == '.' && (!s[2] || is_space(s[2]))))
        return 0;
    if (!colon_at)
        return 1;
    char *prefix = trimmed_dup(s, colon_at);
    int named = name_shaped(prefix, 5);
    free(prefix);
    return !named;
}

/* Parse a label at the start of a line whose first inline is `first`. Returns 1 and fills *l
 * (l->para and l->brk left for the caller), or 0 with *l cleared. */
static int label_parse(cmark_node *first, speaker_label *l)
{
    memset(l, 0, sizeof *l);
    label_cursor c = {first, 0, 0};
    char *ts = cursor_timestamp(&c, 1);
    const char *s;
    cmark_node_type t = c.n ? cmark_node_get_type(c.n) : CMARK_NODE_NONE;
    if ((t == CMARK_NODE_STRONG || t == CMARK_NODE_EMPH) && c.off == 0) {
        const char *b = single_text(c.n);
        if (!b)
            goto fail;
        size_t n = strlen(b);
        while (n > 0 && is_space(b[n - 1]))
            n--;
        int colon = 0;
        if (n > 0 && b[n - 1] == ':') {
            colon = 1;
            n--;
        } else if (n >= 3 && colon_len(b + n - 3) == 3) {
            colon = 1;
            n -= 3;
        }
        if (n > LABEL_MAX || !name_split(b, n, l, &ts))
            goto fail;
        cursor_next(&c);
        size_t k;
        if (!colon && (s = cursor_text(&c)) && (k = colon_len(s))) {
            colon = 1;
            c.off += k;
        }
        l->form = colon ? FORM_BOLD_COLON : FORM_BOLD_BARE;
    } else if ((s = cursor_text(&c))) {
        size_t k = 0, cl = 0;
        int colon = plain_colon(s, &k, &cl);
        l->form = FORM_PLAIN;
        if ((s[0] == 'Q' || s[0] == 'A') && s[1] == ':' && (!s[2] || is_space(s[2]))) {
            l->label = xstrndup(s, 1);
            c.off += 2;
        } else if (qa_dot(s, colon ? k : 0)) {
            l->label = xstrndup(s, 1);
            c.off += 2;
        } else if (colon) {
            if (!name_split(s, k, l, &ts))
                goto fail;
            c.off += k + cl;
        } else if (line_ends_in_time(&c, s, l, &ts)) {
            /* c.off is past the time */
        } else if ((k = caps_dot_len(s))) {
            l->label = xstrndup(s, k);
            c.off += k + 1;
            l->form = FORM_CAPS_DOT;
        } else {
            goto fail;
        }
    } else {
        goto fail;
    }
    cursor_skip_spaces(&c);
    if (!ts)
        ts = cursor_timestamp(&c, 1);
    if (l->form == FORM_BOLD_BARE && !ts && !(c.n == NULL || is_line_break(c.n)))
        goto fail;
    l->rest = c;
    if (c.n == NULL || is_line_break(c.n)) {
        l->line_alone = 1;
        if (c.n)
            cursor_next(&c);
    }
    l->kind = kind_of(l->label);
    l->timestamp = ts;
    l->n_full = c.n_full;
    l->cut = c.off;
    return 1;
fail:
    free(ts);
    label_release(l);
    memset(l, 0, sizeof *l);
    return 0;
}

/* Remove the label's inlines from its paragraph; returns 1 when nothing is left. */
static int label_strip(const speaker_label *l)
{
    for (int i = 0; i < l->n_full; i++) {
        cmark_node *f = cmark_node_first_child(l->para);
        if (f)
            cmark_node_free(f);
    }
    cmark_node *f = cmark_node_first_child(l->para);
    if (is_text(f)) {
        const char *s = cmark_node_get_literal(f);
        size_t k = skip_spaces(s, l->cut < strlen(s) ? l->cut : strlen(s));
        if (s[k] == '\0') {
            cmark_node_free(f);
        } else if (k > 0) {
            char *rest = xstrdup(s + k);
            cmark_node_set_literal(f, rest);
            free(rest);
        }
    }
    return cmark_node_first_child(l->para) == NULL;
}

/*** The scan: every label of an article, counted and judged ***/

typedef enum label_shape { SHAPE_NONE, SHAPE_PERSON, SHAPE_GENERIC, SHAPE_HANDLE } label_shape;

/* One distinct label (labels that differ only in ASCII case, and a short form with the long
 * form it was introduced with, are one). */
typedef struct label_stat {
    const char *name;        /* what the turns show: the label (long form); borrowed */
    const speaker *declared; /* the front matter's speaker it names, or NULL */
    label_kind kind;
    label_shape shape;
    speaker_role role; /* from a generic label ("Interviewer": host) */
    int count;         /* occurrences */
    int strong;        /* occurrences in bold or with a timestamp */
    int bold, caps_dot;
    int all_caps;  /* written in capitals: "MR. LAST", "INTERVIEWER" */
    int editorial; /* a stop or break label: never a speaker's name */
    int turn;      /* the label names a speaker in this article */
    int in_cast;
} label_stat;

typedef enum label_verdict { VERDICT_NONE, VERDICT_TURN, VERDICT_BREAK } label_verdict;

struct interview_scan {
    const speaker_list *declared;
    speaker_index *cast_ix;
    speaker_label *labels; /* in document order */
    size_t n_labels;
    label_stat *stats;
    size_t n_stats;
    int speakers_on;
    int transcript;           /* the article has turns: speakers recur, or are declared */
    cmark_node **label_paras; /* sorted: paragraphs opening with a turn or break label */
    size_t n_label_paras;
};

static char *fold_ascii(const char *s)
{
    char *f = xstrdup(s);
    for (char *p = f; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return f;
}

static int all_caps(const char *s)
{
    int caps = 0;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            return 0;
        caps += *s >= 'A' && *s <= 'Z';
    }
    return caps >= 2;
}

static void stat_shape(label_stat *st)
{
    if (st->kind == LABEL_Q || st->kind == LABEL_A)
        return;
    st->all_caps = all_caps(st->name);
    st->editorial = stop_label(st->name) || break_label(st->name);
    if (generic_shaped(st->name, &st->role))
        st->shape = SHAPE_GENERIC;
    else if (st->caps_dot == st->count)
        st->shape = caps_name_ok(st->name) && name_shaped(st->name, 6) ? SHAPE_PERSON : SHAPE_NONE;
    else if (name_shaped(st->name, st->bold ? 5 : 4))
        st->shape = SHAPE_PERSON;
    else if (handle_shaped(st->name))
        st->shape = SHAPE_HANDLE;
}

/* Whether the article is a transcript, then which labels name speakers. */
static void scan_judge(interview_scan *s)
{
    int anchors = 0, strong_solo = 0, any_declared = 0, has_q = 0, has_a = 0, caps_anchors = 0;
    int strong_total = 0;
    for (size_t i = 0; i < s->n_stats; i++) {
        label_stat *st = &s->stats[i];
        stat_shape(st);
        int qa = st->kind == LABEL_Q || st->kind == LABEL_A;
        has_q |= st->kind == LABEL_Q;
        has_a |= st->kind == LABEL_A;
        any_declared |= st->declared != NULL;
        int person = !st->editorial && (st->shape == SHAPE_PERSON || st->shape == SHAPE_GENERIC);
        if ((person || qa || st->declared || (!st->editorial && st->shape == SHAPE_HANDLE)) &&
            st->count >= 2) {
            anchors++;
            caps_anchors += st->all_caps;
        }
        if (person && st->strong >= 3)
            strong_solo = 1;
        if (person)
            strong_total += st->strong;
    }
    /* two speakers recur; or one does and labels in bold or with a time, the strongest signs,
     * open three turns or more (a list of chapters with times recurs nowhere) */
    s->transcript = any_declared || anchors >= 2 || strong_solo || (has_q && has_a) ||
                    (anchors >= 1 && strong_total >= 3);
    for (size_t i = 0; i < s->n_stats; i++) {
        label_stat *st = &s->stats[i];
        if (st->declared)
            st->turn = 1;
        else if (st->kind == LABEL_Q)
            st->turn = has_a || (s->transcript && st->count >= 2);
        else if (st->kind == LABEL_A)
            st->turn = has_q || (s->transcript && st->count >= 2);
        else if (st->editorial || st->shape == SHAPE_NONE || !s->transcript)
            st->turn = 0;
        else if (st->caps_dot == st->count && caps_anchors < 2)
            st->turn = 0; /* "BRB." twice is no oral history: its labels are all in capitals */
        else if (st->count >= 2)
            st->turn = 1;
        else /* a one-off speaker: a role, or a name that cannot be a word of prose */
            st->turn =
                st->shape == SHAPE_GENERIC ||
                (st->shape == SHAPE_PERSON && (st->bold || st->strong || words_of(st->name) >= 2));
    }
}

/* What one label does, given whether only times follow it. */
static label_verdict label_judge(const interview_scan *s, const speaker_label *l, int only_time)
{
    const label_stat *st = &s->stats[l->stat];
    /* **Break:** [01:12], **Outro:** [55:19] */
    if (!st->declared && l->kind == LABEL_NAME && only_time && break_label(l->label))
        return VERDICT_BREAK;
    if (!s->speakers_on)
        return VERDICT_NONE;
    if (st->declared)
        return VERDICT_TURN;
    /* **Zelda track:** [04:22] to [04:42]: a one-off label in a transcript that marks a
     * stretch of the recording, not speech */
    if (l->form == FORM_BOLD_COLON && only_time && l->timestamp && st->count == 1 &&
        s->transcript && st->kind == LABEL_NAME)
        return VERDICT_BREAK;
    if (!st->turn)
        return VERDICT_NONE;
    /* "Name (00:03:12):" then "BRB." or "Okay: so..." on the next line: that is the speech */
    if (l->after_alone && !l->timestamp && (l->form == FORM_PLAIN || l->form == FORM_CAPS_DOT) &&
        st->kind == LABEL_NAME)
        return VERDICT_NONE;
    return VERDICT_TURN;
}

static void scan_push(interview_scan *s, size_t *cap, const speaker_label *l)
{
    if (s->n_labels == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        s->labels = xrealloc(s->labels, *cap * sizeof *s->labels);
    }
    s->labels[s->n_labels++] = *l;
}

static int ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (cmark_node *const *)a, y = (uintptr_t) * (cmark_node *const *)b;
    return x < y ? -1 : x > y;
}

interview_scan *interview_scan_new(cmark_node *doc, const speaker_list *declared,
                                   interview_speakers speakers_mode)
{
    interview_scan *s = xcalloc(1, sizeof *s);
    size_t cap = 0, cap_stats = 0;
    strmap *aliases = strmap_new(), *keys = strmap_new();
    s->declared = declared;
    s->cast_ix = speaker_index_new(declared);
    s->speakers_on = speakers_mode != INTERVIEW_SPEAKERS_OFF;
    cmark_consolidate_text_nodes(doc);

    /* 1. Labels at the start of every top-level paragraph and of every line in one. */
    int prev_alone = 0; /* the line before is only a label */
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
        if (cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH) {
            prev_alone = 0;
            continue;
        }
        speaker_label l;
        int alone = 0;
        if (label_parse(cmark_node_first_child(b), &l)) {
            l.para = b;
            l.after_alone = prev_alone;
            l.only_time = rest_only_time(l.rest, 0);
            alone = l.line_alone;
            scan_push(s, &cap, &l);
        }
        for (cmark_node *c = cmark_node_first_child(b); c; c = cmark_node_next(c)) {
            cmark_node *n = cmark_node_next(c);
            if (!n || !is_line_break(c))
                continue;
            if (!label_parse(n, &l)) {
                alone = 0;
                continue;
            }
            l.para = b;
            l.brk = c;
            l.line = 1;
            l.after_alone = alone;
            l.only_time = rest_only_time(l.rest, 1);
            alone = l.line_alone;
            scan_push(s, &cap, &l);
        }
        prev_alone = alone;
    }

    /* 2. Short forms: "First Last (FL)" makes "FL" stand for First Last. */
    for (size_t i = 0; i < s->n_labels; i++) {
        if (!s->labels[i].alias)
            continue;
        char *f = fold_ascii(s->labels[i].alias);
        strmap_add(aliases, f, s->labels[i].label);
        free(f);
    }

    /* 3. One entry per distinct label: how often, in which shapes. */
    for (size_t i = 0; i < s->n_labels; i++) {
        speaker_label *l = &s->labels[i];
        const char *name = l->label;
        char *f = fold_ascii(name);
        const char *long_form = strmap_get(aliases, f);
        if (long_form) {
            free(f);
            name = long_form;
            f = fold_ascii(name);
        }
        uintptr_t idx = (uintptr_t)strmap_get(keys, f);
        if (!idx) {
            if (s->n_stats == cap_stats) {
                cap_stats = cap_stats ? 2 * cap_stats : 32;
                s->stats = xrealloc(s->stats, cap_stats * sizeof *s->stats);
            }
            label_stat *st = &s->stats[s->n_stats++];
            memset(st, 0, sizeof *st);
            st->name = name;
            st->declared = speaker_index_find(s->cast_ix, name);
            if (!st->declared && l->alias)
                st->declared = speaker_index_find(s->cast_ix, l->alias);
            st->kind = long_form || st->declared ? LABEL_NAME : l->kind;
            idx = s->n_stats;
            strmap_put(keys, f, (void *)idx);
        }
        free(f);
        l->stat = idx - 1;
        label_stat *st = &s->stats[l->stat];
        st->count++;
        st->strong += l->form == FORM_BOLD_COLON || l->form == FORM_BOLD_BARE || l->timestamp;
        st->bold += l->form == FORM_BOLD_COLON || l->form == FORM_BOLD_BARE;
        st->caps_dot += l->form == FORM_CAPS_DOT;
    }

    /* 4. Verdicts, in order: a label right after a speaker's label alone is speech. */
    scan_judge(s);
    size_t cap_paras = 0;
    for (size_t i = 0; i < s->n_labels; i++) {
        speaker_label *l = &s->labels[i];
        if (l->after_alone) /* set only when labels[i - 1] is the line before */
            l->after_alone = s->labels[i - 1].verdict == VERDICT_TURN;
        l->verdict = label_judge(s, l, l->only_time);
        if (l->brk || l->verdict == VERDICT_NONE)
            continue;
        if (s->n_label_paras == cap_paras) {
            cap_paras = cap_paras ? 2 * cap_paras : 32;
            s->label_paras = xrealloc(s->label_paras, cap_paras * sizeof(cmark_node *));
        }
        s->label_paras[s->n_label_paras++] = l->para;
    }
    if (s->n_label_paras)
        qsort(s->label_paras, s->n_label_paras, sizeof(cmark_node *), ptr_cmp);
    strmap_free(aliases);
    strmap_free(keys);
    return s;
}

int interview_scan_is_label(const interview_scan *s, cmark_node *para)
{
    return s && s->n_label_paras &&
           bsearch(&para, s->label_paras, s->n_label_paras, sizeof(cmark_node *), ptr_cmp);
}

int interview_labels_test(void *labels, cmark_node *para)
{
    interview_labels *l = labels;
    if (!l->scan)
        l->scan = interview_scan_new(l->doc, l->declared, l->mode);
    return interview_scan_is_label(l->scan, para);
}

void interview_labels_release(interview_labels *l)
{
    interview_scan_free(l->scan);
    l->scan = NULL;
}

void interview_scan_free(interview_scan *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_labels; i++)
        label_release(&s->labels[i]);
    free(s->labels);
    free(s->stats);
    free(s->label_paras);
    speaker_index_free(s->cast_ix);
    free(s);
}

/*** Building turns ***/

static const char *stat_class(const label_stat *st)
{
    if (st->kind == LABEL_Q)
        return "turn question";
    if (st->kind == LABEL_A)
        return "turn answer";
    return turn_class(st->declared ? st->declared->role : st->role);
}

/* The turn's label before paragraph p, its timestamp left out when timestamps are dropped. */
static void label_prepend(cmark_node *p, arena *a, const char *name, const char *timestamp,
                          const char *aside, interview_timestamps ts_mode)
{
    turn_label_prepend(p, a, name, ts_mode == INTERVIEW_TIMESTAMPS_KEEP ? timestamp : NULL,
                       aside);
}

/* A paragraph holding only a bracketed break word: [music], [break], [intro music]. */
static int break_paragraph(cmark_node *p)
{
    cmark_node *t = cmark_node_first_child(p);
    if (!is_text(t) || cmark_node_next(t))
        return 0;
    const char *s = cmark_node_get_literal(t);
    size_t i = skip_spaces(s, 0), n = strlen(s);
    while (n > i && is_space(s[n - 1]))
        n--;
    if (n - i < 3 || s[i] != '[' || s[n - 1] != ']')
        return 0;
    char *inner = xstrndup(s + i + 1, n - i - 2);
    int r = break_label(inner);
    free(inner);
    return r;
}

/* A break marker's words and times, "Break [09:54]", kept under the scene break: the label and
 * its timestamp prepended to what is left of paragraph p, all moved into a SEM_DIV
 * "break-time" inserted after `hr`. */
static void break_keep_time(cmark_node *hr, cmark_node *p, arena *a, const speaker_label *l)
{
    cmark_node *div = sem_node_new(a, SEM_DIV, "break-time", NULL);
    cmark_node *first = cmark_node_first_child(p);
    cmark_node *seq[4];
    int n = 0;
    seq[n++] = mdtree_text_new(l->label, strlen(l->label));
    seq[n++] = mdtree_text_new(" ", 1);
    seq[n++] = turn_span_new(a, "timestamp", l->timestamp, strlen(l->timestamp));
    if (first)
        seq[n++] = mdtree_text_new(" ", 1);
    for (int i = 0; i < n; i++) {
        if (first)
            cmark_node_insert_before(first, seq[i]);
        else
            cmark_node_append_child(p, seq[i]);
    }
    cmark_node_insert_after(hr, div);
    cmark_node_append_child(div, p);
}

/* The speaker list's entries added to `cast` once each (by label, ASCII case-insensitive). */
static void cast_add(speaker_list *cast, strmap *seen, const char *label, const char *name,
                     speaker_role role)
{
    char *f = fold_ascii(label);
    if (strmap_add(seen, f, NULL))
        speaker_list_add(cast, label, name, role);
    free(f);
}

int interview_apply(cmark_node *doc, arena *a, const speaker_list *declared,
                    interview_speakers speakers_mode, interview_timestamps timestamps_mode,
                    speaker_list *cast, diag_list *diags, const char *file)
{
    int turns = 0; /* turns made */
    interview_scan *s = interview_scan_new(doc, declared, speakers_mode);
    speaker_list detected = {0};
    strmap *in_cast = strmap_new();
    cmark_node *pending_para;

    /* 1. Line labels that start a turn or a break get a paragraph of their own: split from the
     * last one back, so that every inline moves once. */
    for (size_t i = s->n_labels; i-- > 0;) {
        speaker_label *l = &s->labels[i];
        if (!l->brk)
            continue;
        if (l->verdict == VERDICT_NONE) {
            l->para = NULL;
            continue;
        }
        l->para = mdtree_split_at(l->brk, l->para);
        l->brk = NULL;
    }

    /* 2. Group blocks into turns. */
    cmark_node *turn = NULL;
    const char *pending_name = NULL; /* a label alone, waiting for its first paragraph */
    const char *pending_ts = NULL, *pending_aside = NULL;
    size_t li = 0;
    cmark_node *next;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = next) {
        next = cmark_node_next(b);
        cmark_node_type t = cmark_node_get_type(b);
        while (li < s->n_labels && !s->labels[li].para)
            li++;
        speaker_label l; /* parsed again: splitting may have shortened its paragraph */
        memset(&l, 0, sizeof l);
        label_verdict v = VERDICT_NONE;
        int parsed = 0;
        if (li < s->n_labels && s->labels[li].para == b) {
            const speaker_label *old = &s->labels[li++];
            if ((parsed = label_parse(cmark_node_first_child(b), &l))) {
                l.para = b;
                l.stat = old->stat;
                l.line = old->line;
                l.after_alone = old->after_alone;
                l.only_time = rest_only_time(l.rest, 0);
                v = label_judge(s, &l, l.only_time);
            }
        }
        int brk = v == VERDICT_NONE && t == CMARK_NODE_PARAGRAPH && break_paragraph(b);
        int ends_turn =
            t == CMARK_NODE_HEADING || t == CMARK_NODE_THEMATIC_BREAK || v != VERDICT_NONE || brk ||
            (t == CMARK_NODE_CUSTOM_BLOCK && sem_get(b) && sem_get(b)->kind == SEM_BREAK);
        if (ends_turn && pending_name && turn) {
            pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
            label_prepend(pending_para, a, pending_name, pending_ts, pending_aside,
                                    timestamps_mode);
            cmark_node_append_child(turn, pending_para);
            pending_name = NULL;
        }
        if (ends_turn)
            turn = NULL;
        if (v == VERDICT_BREAK || brk) {
            cmark_node *hr = sem_node_new(a, SEM_BREAK, "scene-break", NULL);
            cmark_node_insert_before(b, hr);
            if (v == VERDICT_BREAK && l.timestamp && timestamps_mode == INTERVIEW_TIMESTAMPS_KEEP) {
                label_strip(&l);
                break_keep_time(hr, b, a, &l);
            } else {
                cmark_node_free(b);
            }
        } else if (v == VERDICT_TURN) {
            label_stat *st = &s->stats[l.stat];
            const char *name = st->declared ? st->declared->name : st->name;
            if (st->kind == LABEL_NAME && !st->declared && !st->in_cast) {
                speaker_list_add(&detected, name, name, st->role);
                st->in_cast = 1;
            }
            turn = sem_node_new(a, SEM_DIV, stat_class(st), NULL);
            cmark_node_insert_before(b, turn);
            turns++;
            if (label_strip(&l)) {
                cmark_node_free(b);
                pending_name = arena_strdup(a, name);
                pending_ts = l.timestamp ? arena_strdup(a, l.timestamp) : NULL;
                pending_aside = l.aside ? arena_strdup(a, l.aside) : NULL;
            } else {
                label_prepend(b, a, name, l.timestamp, l.aside, timestamps_mode);
                cmark_node_append_child(turn, b);
            }
        } else if (turn) {
            if (pending_name) {
                if (t == CMARK_NODE_PARAGRAPH) {
                    label_prepend(b, a, pending_name, pending_ts, pending_aside,
                                            timestamps_mode);
                } else {
                    pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
                    label_prepend(pending_para, a, pending_name, pending_ts,
                                            pending_aside, timestamps_mode);
                    cmark_node_append_child(turn, pending_para);
                }
                pending_name = NULL;
            }
            cmark_node_append_child(turn, b);
        }
        if (parsed)
            label_release(&l);
    }
    if (pending_name && turn) {
        pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
        label_prepend(pending_para, a, pending_name, pending_ts, pending_aside,
                                timestamps_mode);
        cmark_node_append_child(turn, pending_para);
    }

    /* 3. Stage directions and timestamps everywhere. */
    mark_all(doc, a, timestamps_mode, turns > 0 || s->transcript);

    /* 4. Who took part: the declared cast (a speaker no label names is worth a warning), then
     * the speakers found, in order of their first turn. */
    if (declared && declared->len) {
        char *seen = xcalloc(declared->len, 1);
        for (size_t i = 0; i < s->n_stats; i++)
            if (s->stats[i].declared)
                seen[s->stats[i].declared - declared->items] = 1;
        for (size_t i = 0; i < declared->len; i++) {
            const speaker *d = &declared->items[i];
            if (!seen[i] && turns > 0)
                diag_add(diags, DIAG_WARNING, NULL, file, 0,
                         "front matter declares speaker '%s' but no turn is labelled '%s' (nor "
                         "with a first name, surname or initials of it); check the spelling of "
                         "the label in `speakers:`",
                         d->name, d->label);
            if (cast)
                cast_add(cast, in_cast, d->label, d->name, d->role);
        }
        free(seen);
    }
    if (cast)
        for (size_t i = 0; i < detected.len; i++)
            cast_add(cast, in_cast, detected.items[i].label, detected.items[i].name,
                     detected.items[i].role);

    speaker_list_clear(&detected);
    strmap_free(in_cast);
    interview_scan_free(s);
    return 0;
}
