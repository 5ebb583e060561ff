/* srt.c: the SubRip reader: numbered cards -> cues. */
#include "readers/srt.h"

#include <stdlib.h>
#include <string.h>

/* A card number: digits alone on their line (spaces around allowed); its value in *num. */
static int card_number(const char *s, size_t n, long *num)
{
    size_t i = 0, d = 0;
    long v = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (d++ < 12)
            v = v * 10 + (s[i] - '0');
        i++;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    *num = v;
    return d > 0 && i == n;
}

/* A card starts at the next line: a timing line, or a number followed by one. */
static int card_starts(cue_lines *it)
{
    const char *s0;
    size_t n0;
    cue_lines_peek(it, &s0, &n0); /* the line's end, found once for all */
    cue_lines peek = *it;
    const char *s;
    size_t n;
    long num;
    if (!cue_lines_next(&peek, &s, &n))
        return 0;
    if (cue_line_timing_like(s, n))
        return 1;
    return card_number(s, n, &num) && cue_lines_next(&peek, &s, &n) &&
           cue_line_timing_like(s, n);
}

/* Does the card's text end before the next line? At an empty line or the next card; at a line of
 * spaces only when an empty line, the end or the next card follows it. */
static int card_ends(cue_lines *it)
{
    const char *s;
    size_t n;
    if (!cue_lines_peek(it, &s, &n) || n == 0)
        return 1;
    /* a card's timing line and number start with a digit (or spaces): other lines are text */
    if (s[0] != ' ' && s[0] != '\t' && !(s[0] >= '0' && s[0] <= '9'))
        return 0;
    cue_lines peek = *it;
    if (card_starts(&peek))
        return 1;
    if (!cue_line_blank(s, n))
        return 0;
    cue_lines_next(&peek, &s, &n);
    return !cue_lines_peek(&peek, &s, &n) || cue_line_blank(s, n) || card_starts(&peek);
}

int srt_parse(const char *text, size_t len, const char *file, cue_list *out, diag_list *diags)
{
    int ret = -1, warned_stray = 0;
    long last_num = 0;
    cue_lines it;
    const char *s;
    size_t n;
    strbuf b = STRBUF_INIT;

    cue_lines_init(&it, text, len);
    for (;;) {
        while (cue_lines_peek(&it, &s, &n) && cue_line_blank(s, n))
            cue_lines_next(&it, &s, &n);
        if (!cue_lines_next(&it, &s, &n))
            break;
        int first_line = it.line;
        const char *timing = NULL;
        size_t timing_n = 0;
        long num;
        if (cue_line_timing_like(s, n)) {
            timing = s;
            timing_n = n;
        } else if (card_number(s, n, &num)) {
            const char *t;
            size_t tn;
            if (cue_lines_peek(&it, &t, &tn) && cue_line_timing_like(t, tn)) {
                cue_lines_next(&it, &timing, &timing_n);
                last_num = num;
            } else if (num == last_num + 1 || out->len == 0) {
                diag_add(diags, DIAG_ERROR, NULL, file, first_line + 1,
                         "card %ld has no timing line; after its number a SubRip card needs a "
                         "line such as '00:00:01,000 --> 00:00:04,000'",
                         num);
                goto out;
            }
        }
        long long start = -1, end = -1;
        int timing_line = timing ? it.line : first_line;
        if (timing && !cue_timing_parse(timing, timing_n, &start, &end)) {
            diag_add(diags, DIAG_ERROR, NULL, file, timing_line,
                     "'%.*s' is not a card timing; a SubRip card's times are written "
                     "'00:01:02,500 --> 00:01:05,000'",
                     (int)(timing_n > 80 ? 80 : timing_n), timing);
            goto out;
        }
        if (timing && end < start) {
            diag_add(diags, DIAG_WARNING, NULL, file, timing_line,
                     "this card ends before it starts; its start time is used");
            end = start;
        }
        /* The card's lines are one stretch of the text: read in place. */
        const char *from = NULL;
        size_t span = 0;
        if (!timing) {
            /* A blank line inside a card's text, most often: the text stays, as part of the
             * card before it. */
            if (out->len == 0) {
                diag_add(diags, DIAG_ERROR, NULL, file, first_line,
                         "a SubRip file starts with a card: a number, then a timing line such as "
                         "'00:00:01,000 --> 00:00:04,000'; this one starts with text");
                goto out;
            }
            if (!warned_stray++)
                diag_add(diags, DIAG_WARNING, NULL, file, first_line,
                         "text with no card number and timing before it was read as part of "
                         "the card before it");
            start = out->items[out->len - 1].start;
            end = out->items[out->len - 1].end;
            from = s;
            span = n;
        }
        while (!card_ends(&it)) {
            cue_lines_next(&it, &s, &n);
            if (!from)
                from = s;
            span = (size_t)(s + n - from);
            if (span > CUE_MAX_TEXT) {
                diag_add(diags, DIAG_ERROR, NULL, file, timing_line,
                         "this card's text is over %zu KB; a caption is a line or two, so this "
                         "is not a caption file sheaf can read",
                         CUE_MAX_TEXT / 1024);
                goto out;
            }
        }
        size_t pos = 0;
        int em = 0, strong = 0;
        b.len = 0;
        cue_markup_reduce(out, from ? from : "", span, &pos, CUE_MARKUP_SRT, &b, NULL, &em,
                          &strong);
        if (cue_text_visible(b.data, b.len))
            cue_list_add(out, start, end, NULL, b.data, b.len, timing_line);
    }
    if (out->len == 0) {
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "this SubRip file has no card with text; there is nothing to make a book of");
        goto out;
    }
    ret = 0;
out:
    strbuf_release(&b);
    return ret;
}
