/* vtt.c: the WebVTT reader: header, blocks, cue timings, voices and markup -> cues. */
#include "readers/vtt.h"

#include <stdlib.h>
#include <string.h>

#include "base/lang.h"

static int starts_word(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && memcmp(s, w, k) == 0 && (n == k || s[k] == ' ' || s[k] == '\t');
}

static int has_arrow(const char *s, size_t n)
{
    return cue_line_timing_like(s, n);
}

/* Does the cue's text end before the next line? At an empty line; at a line of spaces only when
 * what follows is an empty line, the end, or a (numbered) timing line: roll-up captions write a
 * line holding one space inside their cues. */
static int payload_ends(cue_lines *it)
{
    const char *s;
    size_t n;
    cue_lines_peek(it, &s, &n); /* the line's end, found once for both */
    cue_lines peek = *it;
    if (!cue_lines_next(&peek, &s, &n) || n == 0)
        return 1;
    if (has_arrow(s, n))
        return 1;
    if (!cue_line_blank(s, n))
        return 0;
    if (!cue_lines_next(&peek, &s, &n) || cue_line_blank(s, n) || has_arrow(s, n))
        return 1;
    return cue_lines_next(&peek, &s, &n) && has_arrow(s, n);
}

/* Header lines after "WEBVTT": "Language: en" (also "lang:"). */
static void header_line(const char *s, size_t n, cue_list *out)
{
    size_t k = 0;
    while (k < n && s[k] != ':')
        k++;
    if (k == n || out->lang)
        return;
    if (!((k == 8 && strncmp(s, "Language", 8) == 0) || (k == 8 && strncmp(s, "language", 8) == 0) ||
          (k == 4 && strncmp(s, "lang", 4) == 0)))
        return;
    size_t v = k + 1;
    while (v < n && (s[v] == ' ' || s[v] == '\t'))
        v++;
    size_t e = n;
    while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    char *tag = xstrndup(s + v, e - v);
    if (lang_tag_valid(tag))
        out->lang = tag;
    else
        free(tag);
}

/* The payload of one cue (its lines joined) into cues, one per voice. */
static void payload_take(cue_list *out, const char *p, size_t n, long long start, long long end,
                         int line, strbuf *b)
{
    size_t pos = 0;
    const char *voice = NULL;
    int em = 0, strong = 0;
    for (;;) {
        const char *next_voice = NULL;
        b->len = 0;
        int hit = cue_markup_reduce(out, p, n, &pos, CUE_MARKUP_VTT, b, &next_voice, &em, &strong);
        if (cue_text_visible(b->data, b->len))
            cue_list_add(out, start, end, voice, b->data, b->len, line);
        if (!hit)
            break;
        voice = next_voice;
        out->has_voices = 1;
    }
}

int vtt_parse(const char *text, size_t len, const char *file, cue_list *out, diag_list *diags)
{
    int ret = -1, warned_stray = 0;
    cue_lines it;
    const char *s;
    size_t n;
    strbuf b = STRBUF_INIT;

    cue_lines_init(&it, text, len);
    if (!cue_lines_next(&it, &s, &n) || !starts_word(s, n, "WEBVTT")) {
        diag_add(diags, DIAG_ERROR, NULL, file, 1,
                 "a WebVTT file starts with the line 'WEBVTT'; this one does not (is it another "
                 "format? --from names the format of standard input)");
        goto out;
    }
    /* The header runs to the first blank line (or, in sloppy files, the first timing line). */
    while (cue_lines_peek(&it, &s, &n) && !cue_line_blank(s, n) && !has_arrow(s, n)) {
        cue_lines_next(&it, &s, &n);
        header_line(s, n, out);
    }
    for (;;) {
        while (cue_lines_peek(&it, &s, &n) && cue_line_blank(s, n))
            cue_lines_next(&it, &s, &n);
        if (!cue_lines_next(&it, &s, &n))
            break;
        int block_line = it.line;
        if (!has_arrow(s, n) &&
            (starts_word(s, n, "NOTE") || starts_word(s, n, "STYLE") || starts_word(s, n, "REGION"))) {
            while (cue_lines_peek(&it, &s, &n) && !cue_line_blank(s, n))
                cue_lines_next(&it, &s, &n);
            continue;
        }
        const char *timing = NULL;
        size_t timing_n = 0;
        if (has_arrow(s, n)) {
            timing = s;
            timing_n = n;
        } else {
            /* a cue identifier, then the timing line */
            const char *t;
            size_t tn;
            if (cue_lines_peek(&it, &t, &tn) && has_arrow(t, tn)) {
                cue_lines_next(&it, &timing, &timing_n);
                block_line = it.line;
            }
        }
        long long start = -1, end = -1;
        if (timing && !cue_timing_parse(timing, timing_n, &start, &end)) {
            diag_add(diags, DIAG_ERROR, NULL, file, block_line,
                     "'%.*s' is not a cue timing; a WebVTT cue starts with a line such as "
                     "'00:01:02.500 --> 00:01:05.000'",
                     (int)(timing_n > 80 ? 80 : timing_n), timing);
            goto out;
        }
        if (timing && end < start) {
            diag_add(diags, DIAG_WARNING, NULL, file, block_line,
                     "this cue ends before it starts; its start time is used");
            end = start;
        }
        /* The cue's lines are one stretch of the text: read in place. */
        const char *from = NULL;
        size_t span = 0;
        if (!timing) {
            /* Text outside any cue: a blank line inside a cue's text, most often. It stays,
             * as part of the cue before it. */
            if (out->len == 0) {
                diag_add(diags, DIAG_ERROR, NULL, file, block_line,
                         "text before the first cue; a WebVTT cue starts with a timing line "
                         "such as '00:00:01.000 --> 00:00:04.000'");
                goto out;
            }
            if (!warned_stray++)
                diag_add(diags, DIAG_WARNING, NULL, file, block_line,
                         "text with no timing line before it was read as part of the cue "
                         "before it");
            start = out->items[out->len - 1].start;
            end = out->items[out->len - 1].end;
            from = s;
            span = n;
        }
        while (!payload_ends(&it)) {
            cue_lines_next(&it, &s, &n);
            if (!from)
                from = s;
            span = (size_t)(s + n - from);
            if (span > CUE_MAX_TEXT) {
                diag_add(diags, DIAG_ERROR, NULL, file, block_line,
                         "this cue's text is over %zu KB; a caption is a line or two, so this "
                         "is not a caption file sheaf can read",
                         CUE_MAX_TEXT / 1024);
                goto out;
            }
        }
        payload_take(out, from ? from : "", span, start, end, block_line, &b);
    }
    if (out->len == 0) {
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "this WebVTT file has no cue with text; there is nothing to make a book of");
        goto out;
    }
    ret = 0;
out:
    strbuf_release(&b);
    return ret;
}
