/* interview.c: speaker turns, questions, timestamps, stage directions and break markers. */
#include "passes/interview.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "passes/mdtree.h"

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
    /* w has no NUL in its n bytes: a match of n bytes means list[i] is at least that long */
    for (size_t i = 0; list[i]; i++)
        if (strncasecmp(w, list[i], n) == 0 && list[i][n] == '\0')
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
    "disclaimer", "correction", "example", "reference", "source",  "caveat", NULL};

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

static cmark_node *span_new(arena *a, const char *cls, const char *s, size_t n)
{
    cmark_node *span = sem_node_new(a, SEM_SPAN, cls, NULL);
    cmark_node_append_child(span, mdtree_text_new(s, n));
    return span;
}

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
                t, span_new(a, k == MARK_TIMESTAMP ? "timestamp" : "annotation", s + i, len));
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

/*** Labels at the start of a paragraph ***/

typedef enum label_kind { LABEL_NONE, LABEL_NAME, LABEL_Q, LABEL_A } label_kind;

typedef enum label_form {
    FORM_BOLD_COLON, /* **Name:** or **Name**: */
    FORM_BOLD_BARE,  /* **Name** next to a timestamp, or alone */
    FORM_PLAIN       /* Name: */
} label_form;

typedef struct speaker_label {
    cmark_node *para;
    label_kind kind;
    label_form form;
    char *label;     /* as written, trimmed; owned */
    char *timestamp; /* next to the label, as written; owned; NULL when none */
    int n_full;      /* leading inline children consumed by the label */
    size_t cut;      /* bytes consumed in the next child (a text node) */
    int line_alone;  /* nothing follows the label on its line */
    int only_time;   /* nothing but timestamps / "to" / dashes follow the label */
} speaker_label;

typedef struct label_cursor {
    cmark_node *n;
    size_t off;
    int n_full;
} label_cursor;

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
 * returns a new string (the timestamp as written) or NULL. */
static char *cursor_timestamp(label_cursor *c, int bare_ok)
{
    const char *s = cursor_text(c);
    if (s) {
        size_t n = timestamp_at(s, bare_ok);
        if (n && (s[n] == '\0' || is_space(s[n]))) {
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

/* 1 when every inline from the cursor on is a timestamp, "to", a dash or white space. */
static int rest_only_time(label_cursor c)
{
    cmark_node *n = c.n;
    size_t off = c.off;
    for (; n; n = cmark_node_next(n), off = 0) {
        if (is_line_break(n))
            continue;
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

/* Parse the label at the start of paragraph p, if any. Returns 1 and fills *l. */
static int label_parse(cmark_node *p, speaker_label *l)
{
    memset(l, 0, sizeof *l);
    label_cursor c = {cmark_node_first_child(p), 0, 0};
    char *ts = cursor_timestamp(&c, 1);
    char *label = NULL;
    const char *s;
    cmark_node_type t = c.n ? cmark_node_get_type(c.n) : CMARK_NODE_NONE;
    int colon = 0;
    if (t == CMARK_NODE_STRONG && c.off == 0) {
        const char *b = single_text(c.n);
        if (!b)
            goto fail;
        size_t n = strlen(b);
        while (n > 0 && is_space(b[n - 1]))
            n--;
        if (n > 0 && b[n - 1] == ':') {
            colon = 1;
            n--;
        }
        label = trimmed_dup(b, n);
        cursor_next(&c);
        if (!colon && (s = cursor_text(&c)) && s[0] == ':') {
            colon = 1;
            c.off++;
        }
        l->form = colon ? FORM_BOLD_COLON : FORM_BOLD_BARE;
    } else if ((s = cursor_text(&c))) {
        if ((s[0] == 'Q' || s[0] == 'A') && (s[1] == ':' || s[1] == '.') &&
            (s[2] == '\0' || is_space(s[2]))) {
            label = xstrndup(s, 1);
            c.off += 2;
            colon = 1;
        } else {
            size_t k = 0;
            while (s[k] && s[k] != ':' && s[k] != '\n' && k < 49)
                k++;
            if (s[k] != ':' || k == 0 || (s[k + 1] && !is_space(s[k + 1])))
                goto fail;
            label = trimmed_dup(s, k);
            c.off += k + 1;
            colon = 1;
        }
        l->form = FORM_PLAIN;
    } else {
        goto fail;
    }
    if (!*label)
        goto fail;
    cursor_skip_spaces(&c);
    if (!ts)
        ts = cursor_timestamp(&c, 1);
    if (l->form == FORM_BOLD_BARE && !ts && !(c.n == NULL || is_line_break(c.n)))
        goto fail;
    l->only_time = rest_only_time(c);
    if (c.n == NULL || is_line_break(c.n)) {
        l->line_alone = 1;
        if (c.n)
            cursor_next(&c);
    }
    if (strcmp(label, "Q") == 0)
        l->kind = LABEL_Q;
    else if (strcmp(label, "A") == 0)
        l->kind = LABEL_A;
    else
        l->kind = LABEL_NAME;
    l->para = p;
    l->label = label;
    l->timestamp = ts;
    l->n_full = c.n_full;
    l->cut = c.off;
    return 1;
fail:
    free(label);
    free(ts);
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

/*** The pass ***/

typedef struct label_count {
    const char *label; /* borrowed from a speaker_label */
    int bold, plain;
    int editorial; /* a stop or break label (stop_label, break_label): never a speaker's name */
} label_count;

static label_count *count_find(label_count *c, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (str_casecmp_ascii(c[i].label, label) == 0)
            return &c[i];
    return NULL;
}

typedef enum label_verdict { VERDICT_NONE, VERDICT_TURN, VERDICT_BREAK } label_verdict;

typedef struct label_context {
    const speaker_list *declared;
    label_count *counts;
    size_t n_counts;
    int bold_transcript; /* >= 2 distinct name-shaped bold labels recur */
    int plain_dialogue;  /* >= 2 distinct name-shaped plain labels recur */
    int has_q, has_a;
    int speakers_on;
} label_context;

static int undeclared_name_ok(const char *label, int max_words)
{
    return name_shaped(label, max_words) && !stop_label(label) && !break_label(label);
}

/* undeclared_name_ok for a counted label, with the word-list lookups done once per label. */
static int counted_name_ok(const label_count *c, const char *label, int max_words)
{
    if (!c)
        return undeclared_name_ok(label, max_words);
    return !c->editorial && name_shaped(label, max_words);
}

static label_verdict label_judge(const label_context *ctx, const speaker_label *l)
{
    const speaker *d = ctx->declared ? speaker_list_find(ctx->declared, l->label) : NULL;
    /* **Break:** [01:12], **Outro:** [55:19] */
    if (!d && l->only_time && break_label(l->label))
        return VERDICT_BREAK;
    if (!ctx->speakers_on)
        return VERDICT_NONE;
    if (l->kind == LABEL_Q || l->kind == LABEL_A)
        return ctx->has_q && ctx->has_a ? VERDICT_TURN : VERDICT_NONE;
    if (d)
        return VERDICT_TURN;
    const label_count *c = count_find(ctx->counts, ctx->n_counts, l->label);
    int total = c ? c->bold + c->plain : 1;
    /* **Zelda track:** [04:22] to [04:42]: a one-off label in a transcript that marks a
     * stretch of the recording, not speech */
    if (l->form != FORM_PLAIN && l->only_time && l->timestamp && total == 1 && ctx->bold_transcript)
        return VERDICT_BREAK;
    switch (l->form) {
    case FORM_BOLD_COLON:
    case FORM_BOLD_BARE:
        if (!counted_name_ok(c, l->label, 5))
            return VERDICT_NONE;
        return total >= 2 || ctx->bold_transcript ? VERDICT_TURN : VERDICT_NONE;
    case FORM_PLAIN:
        if (!counted_name_ok(c, l->label, 4))
            return VERDICT_NONE;
        return total >= 2 && (ctx->plain_dialogue || (c && c->bold > 0)) ? VERDICT_TURN
                                                                         : VERDICT_NONE;
    }
    return VERDICT_NONE;
}

static const char *turn_class(const speaker_label *l, const speaker *d)
{
    if (l->kind == LABEL_Q)
        return "turn question";
    if (l->kind == LABEL_A)
        return "turn answer";
    if (d && d->role == SPEAKER_ROLE_HOST)
        return "turn host";
    if (d && d->role == SPEAKER_ROLE_GUEST)
        return "turn guest";
    return "turn";
}

/* Prepend [timestamp " "] speaker ": " to paragraph p. */
static void label_prepend(cmark_node *p, arena *a, const char *name, const char *timestamp,
                          interview_timestamps ts_mode)
{
    cmark_node *first = cmark_node_first_child(p);
    cmark_node *seq[4];
    int n = 0;
    if (timestamp && ts_mode == INTERVIEW_TIMESTAMPS_KEEP) {
        seq[n++] = span_new(a, "timestamp", timestamp, strlen(timestamp));
        seq[n++] = mdtree_text_new(" ", 1);
    }
    seq[n++] = span_new(a, "speaker", name, strlen(name));
    seq[n++] = span_new(a, "speaker-sep", ": ", 2);
    for (int i = 0; i < n; i++) {
        if (first)
            cmark_node_insert_before(first, seq[i]);
        else
            cmark_node_append_child(p, seq[i]);
    }
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

static void cast_add(speaker_list *l, const char *label, const char *name, speaker_role role)
{
    if (!speaker_list_find(l, label))
        speaker_list_add(l, label, name, role);
}

/* 1 when a bold run that follows a line break inside a paragraph is a turn label. */
static int lazy_label(cmark_node *strong, const speaker_list *declared)
{
    const char *b = single_text(strong);
    size_t n = b ? strlen(b) : 0;
    if (n < 2 || b[n - 1] != ':')
        return 0;
    char *label = trimmed_dup(b, n - 1);
    int r = strcmp(label, "Q") == 0 || strcmp(label, "A") == 0 ||
            (declared && speaker_list_find(declared, label)) || break_label(label) ||
            undeclared_name_ok(label, 5);
    free(label);
    return r;
}

/* A "**Name:** text" line right after another paragraph's last line, with no blank line
 * between, is a new turn: split the paragraph there. */
static void split_lazy_labels(cmark_node *doc, const speaker_list *declared)
{
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
        if (cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH)
            continue;
        for (cmark_node *c = cmark_node_first_child(b); c; c = cmark_node_next(c)) {
            cmark_node *n = cmark_node_next(c);
            if (cmark_node_get_type(c) != CMARK_NODE_SOFTBREAK || !n ||
                cmark_node_get_type(n) != CMARK_NODE_STRONG || !lazy_label(n, declared))
                continue;
            mdtree_split_at(c, b);
            break; /* the new paragraph is visited next and split further if need be */
        }
    }
}

int interview_apply(cmark_node *doc, arena *a, const speaker_list *declared,
                    interview_speakers speakers_mode, interview_timestamps timestamps_mode,
                    speaker_list *cast, diag_list *diags, const char *file)
{
    int turns = 0; /* turns made */
    speaker_label *labels = NULL;
    size_t n_labels = 0, cap_labels = 0;
    label_context ctx = {0};
    speaker_list detected = {0};
    cmark_node *pending_para;

    cmark_consolidate_text_nodes(doc);
    split_lazy_labels(doc, declared);

    /* 1. Labels at the start of every top-level paragraph. */
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
        if (cmark_node_get_type(b) != CMARK_NODE_PARAGRAPH)
            continue;
        speaker_label l;
        if (!label_parse(b, &l))
            continue;
        if (n_labels == cap_labels) {
            cap_labels = cap_labels ? 2 * cap_labels : 32;
            labels = xrealloc(labels, cap_labels * sizeof *labels);
        }
        labels[n_labels++] = l;
    }

    /* 2. How often each label occurs, and in which shapes. */
    ctx.declared = declared;
    ctx.speakers_on = speakers_mode != INTERVIEW_SPEAKERS_OFF;
    ctx.counts = xcalloc(n_labels + 1, sizeof *ctx.counts);
    for (size_t i = 0; i < n_labels; i++) {
        speaker_label *l = &labels[i];
        if (l->kind == LABEL_Q)
            ctx.has_q = 1;
        if (l->kind == LABEL_A)
            ctx.has_a = 1;
        label_count *c = count_find(ctx.counts, ctx.n_counts, l->label);
        if (!c) {
            c = &ctx.counts[ctx.n_counts++];
            c->label = l->label;
            c->editorial = stop_label(l->label) || break_label(l->label);
        }
        if (l->form == FORM_PLAIN)
            c->plain++;
        else
            c->bold++;
    }
    for (size_t i = 0; i < ctx.n_counts; i++) {
        const label_count *c = &ctx.counts[i];
        if (!counted_name_ok(c, c->label, 5))
            continue;
        if (c->bold >= 2)
            ctx.bold_transcript++;
        if (c->plain >= 2 && name_shaped(c->label, 4))
            ctx.plain_dialogue++;
    }
    ctx.bold_transcript = ctx.bold_transcript >= 2;
    ctx.plain_dialogue = ctx.plain_dialogue >= 2;

    /* 3. Group blocks into turns. */
    cmark_node *turn = NULL;
    const char *pending_name = NULL; /* a label alone, waiting for its first paragraph */
    const char *pending_ts = NULL;
    size_t li = 0;
    cmark_node *next;
    for (cmark_node *b = cmark_node_first_child(doc); b; b = next) {
        next = cmark_node_next(b);
        cmark_node_type t = cmark_node_get_type(b);
        speaker_label *l = NULL;
        if (li < n_labels && labels[li].para == b)
            l = &labels[li++];
        label_verdict v = l ? label_judge(&ctx, l) : VERDICT_NONE;
        int brk = v == VERDICT_NONE && t == CMARK_NODE_PARAGRAPH && break_paragraph(b);
        int ends_turn =
            t == CMARK_NODE_HEADING || t == CMARK_NODE_THEMATIC_BREAK || v != VERDICT_NONE || brk ||
            (t == CMARK_NODE_CUSTOM_BLOCK && sem_get(b) && sem_get(b)->kind == SEM_BREAK);
        if (ends_turn && pending_name && turn) {
            pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
            label_prepend(pending_para, a, pending_name, pending_ts, timestamps_mode);
            cmark_node_append_child(turn, pending_para);
            pending_name = NULL;
        }
        if (ends_turn)
            turn = NULL;
        if (v == VERDICT_BREAK || brk) {
            cmark_node_insert_before(b, sem_node_new(a, SEM_BREAK, "scene-break", NULL));
            cmark_node_free(b);
            continue;
        }
        if (v == VERDICT_TURN) {
            const speaker *d = declared ? speaker_list_find(declared, l->label) : NULL;
            const char *name = d && d->name ? d->name : l->label;
            if (l->kind == LABEL_NAME && !d)
                cast_add(&detected, l->label, l->label, SPEAKER_ROLE_UNKNOWN);
            turn = sem_node_new(a, SEM_DIV, turn_class(l, d), NULL);
            cmark_node_insert_before(b, turn);
            turns++;
            if (label_strip(l)) {
                cmark_node_free(b);
                pending_name = arena_strdup(a, name);
                pending_ts = l->timestamp ? arena_strdup(a, l->timestamp) : NULL;
            } else {
                label_prepend(b, a, name, l->timestamp, timestamps_mode);
                cmark_node_append_child(turn, b);
            }
            continue;
        }
        if (!turn)
            continue;
        if (pending_name) {
            if (t == CMARK_NODE_PARAGRAPH) {
                label_prepend(b, a, pending_name, pending_ts, timestamps_mode);
            } else {
                pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
                label_prepend(pending_para, a, pending_name, pending_ts, timestamps_mode);
                cmark_node_append_child(turn, pending_para);
            }
            pending_name = NULL;
        }
        cmark_node_append_child(turn, b);
    }
    if (pending_name && turn) {
        pending_para = cmark_node_new(CMARK_NODE_PARAGRAPH);
        label_prepend(pending_para, a, pending_name, pending_ts, timestamps_mode);
        cmark_node_append_child(turn, pending_para);
    }

    /* 4. Stage directions and timestamps everywhere. */
    mark_all(doc, a, timestamps_mode, turns > 0 || ctx.bold_transcript);

    /* 5. Who took part. */
    if (declared) {
        for (size_t i = 0; i < declared->len; i++) {
            const speaker *d = &declared->items[i];
            int seen = 0;
            for (size_t k = 0; k < n_labels && !seen; k++)
                seen = speaker_list_find(declared, labels[k].label) == d;
            if (!seen && turns > 0)
                diag_add(diags, DIAG_WARNING, NULL, file, 0,
                         "front matter declares speaker '%s' but no turn is labelled '%s'; "
                         "check the spelling of the label in `speakers:`",
                         d->name ? d->name : d->label, d->label);
            if (cast)
                cast_add(cast, d->label, d->name ? d->name : d->label, d->role);
        }
    }
    if (cast)
        for (size_t i = 0; i < detected.len; i++)
            cast_add(cast, detected.items[i].label, detected.items[i].name, detected.items[i].role);

    speaker_list_clear(&detected);
    for (size_t i = 0; i < n_labels; i++) {
        free(labels[i].label);
        free(labels[i].timestamp);
    }
    free(labels);
    free(ctx.counts);
    return 0;
}
