/* math.c: TeX formulas kept intact through cmark (see math.h). */
#include "readers/math.h"

#include <stdlib.h>
#include <string.h>

#include "model/sem.h"
#include "model/mdtree.h"

#include "base/text.h"

/* Control characters text_clean removes from every input, so they can only come from here:
 * the first byte of a code span that holds inline or display math. */
#define MATH_INLINE '\x02'
#define MATH_DISPLAY '\x03'
/* The info string of a fenced code block that holds display math. */
#define MATH_FENCE_INFO "sheaf-math"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The longest run of backticks in s[0..n). */
static size_t backtick_run_max(const char *s, size_t n)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* A byte text_clean also removes: put at the start of each line a formula runs on to, where
 * it keeps the line from reading as the start of a block ("- d &= e" as a list item) and tells
 * math_nodes where the line breaks were (cmark turns them into spaces in a code span). */
#define MATH_BREAK '\x04'

/* Append the formula s[0..n) (delimiters included) as a code span marked `mark`. */
static void span_add(strbuf *out, const char *s, size_t n, char mark)
{
    size_t ticks = backtick_run_max(s, n) + 1;
    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(out, '`');
    strbuf_addc(out, mark);
    for (size_t i = 0; i < n; i++) {
        strbuf_addc(out, s[i]);
        if (s[i] == '\n')
            strbuf_addc(out, MATH_BREAK);
    }
    /* a space before the closing run, so that a formula ending in '`' cannot join it (cmark
     * strips a space from both ends only when both are there, and the start is the mark) */
    strbuf_addc(out, ' ');
    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(out, '`');
}

/* One paragraph's scan state: for each kind of closer, whether a search already failed (it
 * would fail again from any later place: searches run to the paragraph's end), so that every
 * byte is looked at a bounded number of times. */
enum { CLOSE_DOLLAR, CLOSE_DOLLARS, CLOSE_PAREN, CLOSE_BRACKET, CLOSE_KINDS };
#define TICK_MEMO 32

typedef struct para_scan {
    const char *t;
    size_t end;                   /* the paragraph's end */
    int failed[CLOSE_KINDS];
    int tick_failed[TICK_MEMO + 1]; /* no closing backtick run of that length */
} para_scan;

/* The end (just past the closer) of the formula whose body starts at `body`, or 0. */
static size_t closer_find(para_scan *ps, size_t body, int kind)
{
    const char *t = ps->t;
    if (ps->failed[kind])
        return 0;
    for (size_t k = body; k < ps->end; k++) {
        char c = t[k];
        if (c == '\\') {
            if (k + 1 < ps->end && ((kind == CLOSE_PAREN && t[k + 1] == ')') ||
                                    (kind == CLOSE_BRACKET && t[k + 1] == ']')))
                return k + 2;
            k++; /* \$, \\ and TeX's own commands */
        } else if (c == '$' && kind == CLOSE_DOLLARS) {
            if (k + 1 < ps->end && t[k + 1] == '$' && k > body)
                return k + 2;
        } else if (c == '$' && kind == CLOSE_DOLLAR) {
            /* "$5 and $10": a '$' after a space or before a digit closes nothing */
            if (!is_space(t[k - 1]) && !(k + 1 < ps->end && is_digit(t[k + 1])))
                return k + 1;
        }
    }
    ps->failed[kind] = 1;
    return 0;
}

/* Does s[0..n) read as TeX rather than words? Transcripts escape their brackets ("\[01:12\]",
 * "\[laughter\]"): those are not formulas. */
static int looks_like_tex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n &&
            ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z')))
            return 1; /* a command: \frac, \alpha */
        if (c && strchr("^_={}+*<>", c))
            return 1;
    }
    return 0;
}

/* Copy the paragraph text[from, ps->end) into out with its formulas marked; *copied is how far
 * text has been copied. Returns the number of formulas. */
static size_t paragraph_scan(para_scan *ps, size_t from, strbuf *out, size_t *copied)
{
    const char *t = ps->t;
    size_t found = 0, i = from;
    while (i < ps->end) {
        char ch = t[i];
        size_t end = 0;
        int display = 0;
        if (ch == '`') {
            /* a code span: skip to its closing run, or the run is text */
            size_t run = 0, j, close = 0;
            while (i + run < ps->end && t[i + run] == '`')
                run++;
            if (run <= TICK_MEMO && ps->tick_failed[run]) {
                i += run;
                continue;
            }
            for (j = i + run; j < ps->end;) {
                if (t[j] != '`') {
                    j++;
                    continue;
                }
                size_t r2 = 0;
                while (j + r2 < ps->end && t[j + r2] == '`')
                    r2++;
                if (r2 == run) {
                    close = j + r2;
                    break;
                }
                j += r2;
            }
            if (!close && run <= TICK_MEMO)
                ps->tick_failed[run] = 1;
            i = close ? close : i + run;
            continue;
        }
        if (ch == '\\' && i + 1 < ps->end && (t[i + 1] == '(' || t[i + 1] == '[')) {
            display = t[i + 1] == '[';
            end = closer_find(ps, i + 2, display ? CLOSE_BRACKET : CLOSE_PAREN);
            if (end && !looks_like_tex(t + i + 2, end - i - 4)) {
                i = end; /* escaped brackets around words or a time: text (and not searched
                          * again, so that the scan stays linear) */
                continue;
            }
        } else if (ch == '\\') {
            i += 2; /* an escape: \$ is a dollar sign */
            continue;
        } else if (ch == '$' && i + 1 < ps->end && t[i + 1] == '$') {
            display = 1;
            end = closer_find(ps, i + 2, CLOSE_DOLLARS);
            if (!end) {
                i += 2; /* neither '$' of an unclosed "$$" opens anything */
                continue;
            }
        } else if (ch == '$') {
            if (i + 1 < ps->end && !is_space(t[i + 1]))
                end = closer_find(ps, i + 1, CLOSE_DOLLAR);
        }
        if (!end) {
            i++;
            continue;
        }
        strbuf_add(out, t + *copied, i - *copied);
        span_add(out, t + i, end - i, display ? MATH_DISPLAY : MATH_INLINE);
        *copied = end;
        found++;
        i = end;
    }
    return found;
}

/* A line that is only `delim` (after at most three spaces, before spaces and tabs). */
static int lone_delimiter(const char *line, size_t n, const char *delim)
{
    size_t i = 0, d = strlen(delim);
    while (i < n && i < 3 && line[i] == ' ')
        i++;
    if (n - i < d || memcmp(line + i, delim, d) != 0)
        return 0;
    for (size_t k = i + d; k < n; k++)
        if (line[k] != ' ' && line[k] != '\t')
            return 0;
    return 1;
}


static int line_blank(const char *line, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t')
            return 0;
    return 1;
}

/* The display delimiter a line stands alone for ("$$" or "\["), or NULL. */
static const char *display_opener(const char *line, size_t n)
{
    return lone_delimiter(line, n, "$$") ? "$$" : lone_delimiter(line, n, "\\[") ? "\\[" : NULL;
}

char *math_protect(const char *text, size_t len, size_t *outlen)
{
    /* Nothing to do without a '$' or a backslash before '(' or '['. */
    int maybe = memchr(text, '$', len) != NULL;
    for (const char *p = text; !maybe && (p = memchr(p, '\\', len - (size_t)(p - text)));) {
        if (p + 1 < text + len && (p[1] == '(' || p[1] == '['))
            maybe = 1;
        p++;
    }
    if (!maybe)
        return NULL;

    strbuf out = STRBUF_INIT;
    size_t copied = 0, pos = 0, found = 0;
    char fence_c = 0, c;
    size_t fence_n = 0, k;
    int prev_blank = 1, in_indented = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        size_t next = pos + n + (nl ? 1 : 0);
        int blank = line_blank(line, n);
        if ((k = text_fence_len(line, n, &c)) != 0) {
            if (!fence_c) {
                fence_c = c;
                fence_n = k;
            } else if (c == fence_c && k >= fence_n) {
                fence_c = 0;
            }
            prev_blank = 0;
            pos = next;
            continue;
        }
        int indented = (n >= 4 && memcmp(line, "    ", 4) == 0) || (n > 0 && line[0] == '\t');
        in_indented = !blank && indented && (prev_blank || in_indented);
        if (fence_c || in_indented || blank) {
            prev_blank = blank;
            pos = next;
            continue;
        }
        prev_blank = 0;
        /* A display block whose delimiters stand alone on their lines: a fenced code block,
         * the delimiter lines becoming its fences (the lines stay where they were). */
        const char *open_d = display_opener(line, n);
        if (open_d) {
            const char *close_d = open_d[0] == '$' ? "$$" : "\\]";
            size_t q = next, close_line = 0, close_next = 0;
            while (q < len) {
                const char *l2 = text + q;
                const char *nl2 = memchr(l2, '\n', len - q);
                size_t n2 = nl2 ? (size_t)(nl2 - l2) : len - q;
                if (line_blank(l2, n2))
                    break;
                if (lone_delimiter(l2, n2, close_d)) {
                    close_line = q;
                    close_next = q + n2 + (nl2 ? 1 : 0);
                    break;
                }
                q += n2 + (nl2 ? 1 : 0);
            }
            if (close_next) {
                size_t ticks = backtick_run_max(text + next, close_line - next) + 1;
                if (ticks < 3)
                    ticks = 3;
                strbuf_add(&out, text + copied, pos - copied);
                for (size_t i = 0; i < ticks; i++)
                    strbuf_addc(&out, '`');
                /* a word, not the delimiter: cmark reads "\[" in an info string as "[" */
                strbuf_adds(&out, MATH_FENCE_INFO " ");
                strbuf_adds(&out, open_d[0] == '$' ? "dollars" : "brackets");
                strbuf_addc(&out, '\n');
                strbuf_add(&out, text + next, close_line - next);
                for (size_t i = 0; i < ticks; i++)
                    strbuf_addc(&out, '`');
                if (text[close_next - 1] == '\n')
                    strbuf_addc(&out, '\n');
                copied = close_next;
                pos = close_next;
                found++;
                continue;
            }
        }
        /* A paragraph: its lines up to a blank line, a fence or a display block. */
        para_scan ps;
        memset(&ps, 0, sizeof ps);
        ps.t = text;
        size_t q = next;
        ps.end = pos + n;
        while (q < len) {
            const char *l2 = text + q;
            const char *nl2 = memchr(l2, '\n', len - q);
            size_t n2 = nl2 ? (size_t)(nl2 - l2) : len - q;
            char c2;
            if (line_blank(l2, n2) || text_fence_len(l2, n2, &c2) || display_opener(l2, n2))
                break;
            ps.end = q + n2;
            q += n2 + (nl2 ? 1 : 0);
        }
        found += paragraph_scan(&ps, pos, &out, &copied);
        pos = q;
    }
    if (!found) {
        strbuf_release(&out);
        return NULL;
    }
    strbuf_add(&out, text + copied, len - copied);
    return strbuf_detach(&out, outlen);
}

/* The source of a formula from its code literal: the mark and the space before the closing
 * run removed, line breaks put back. A new string the caller frees. */
static char *formula_source(const char *lit)
{
    strbuf b = STRBUF_INIT;
    size_t n = strlen(lit);
    if (n && (lit[0] == MATH_INLINE || lit[0] == MATH_DISPLAY)) {
        lit++;
        n--;
        if (n && lit[n - 1] == ' ')
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        if ((lit[i] == ' ' || lit[i] == '\n') && i + 1 < n && lit[i + 1] == MATH_BREAK) {
            strbuf_addc(&b, '\n'); /* the space cmark made of the line break */
            i++;
            continue;
        }
        if (lit[i] == MATH_BREAK || lit[i] == MATH_INLINE || lit[i] == MATH_DISPLAY)
            continue;
        strbuf_addc(&b, lit[i]);
    }
    strbuf_adds(&b, "");
    return strbuf_detach(&b, NULL);
}

static cmark_node *display_new(arena *a, const char *source)
{
    cmark_node *div = sem_node_new(a, SEM_DIV, "math-display", NULL);
    cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node_append_child(p, mdtree_text_new(source, strlen(source)));
    cmark_node_append_child(div, p);
    return div;
}

static int is_mark(char c)
{
    return c == MATH_INLINE || c == MATH_DISPLAY || c == MATH_BREAK;
}

/* Where block structure broke a formula's code span apart (a line that starts a block even so),
 * its marks would reach the text, and they are not characters XML allows: remove them. */
static void marks_strip(cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit || !(strchr(lit, MATH_INLINE) || strchr(lit, MATH_DISPLAY) || strchr(lit, MATH_BREAK)))
        return;
    char *clean = xstrdup(lit), *w = clean;
    for (const char *r = lit; *r; r++)
        if (!is_mark(*r))
            *w++ = *r;
    *w = '\0';
    cmark_node_set_literal(n, clean);
    free(clean);
}

size_t math_nodes(cmark_node *doc, arena *a)
{
    cmark_node **marked = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *cur = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type t = cmark_node_get_type(cur);
        const char *lit = t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK
                              ? cmark_node_get_literal(cur)
                              : NULL;
        const char *info = t == CMARK_NODE_CODE_BLOCK ? cmark_node_get_fence_info(cur) : NULL;
        int is_math = (t == CMARK_NODE_CODE && lit &&
                       (lit[0] == MATH_INLINE || lit[0] == MATH_DISPLAY)) ||
                      (info && strncmp(info, MATH_FENCE_INFO " ", strlen(MATH_FENCE_INFO) + 1) == 0);
        if (!is_math) {
            if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK ||
                t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_HTML_BLOCK)
                marks_strip(cur);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            marked = xrealloc(marked, cap * sizeof *marked);
        }
        marked[n++] = cur;
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *cur = marked[i];
        cmark_node *repl;
        if (cmark_node_get_type(cur) == CMARK_NODE_CODE_BLOCK) {
            /* the delimiters the info string names, around the body */
            const char *kind = cmark_node_get_fence_info(cur) + strlen(MATH_FENCE_INFO) + 1;
            const char *body = cmark_node_get_literal(cur);
            int dollars = strcmp(kind, "dollars") == 0;
            char *src = xasprintf("%s\n%s%s", dollars ? "$$" : "\\[", body ? body : "",
                                  dollars ? "$$" : "\\]");
            repl = display_new(a, src);
            free(src);
        } else {
            const char *lit = cmark_node_get_literal(cur);
            char *src = formula_source(lit);
            /* a display formula alone in its paragraph is a display block */
            cmark_node *para = cmark_node_parent(cur);
            if (lit[0] == MATH_DISPLAY && para &&
                cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH &&
                cmark_node_first_child(para) == cur && cmark_node_last_child(para) == cur &&
                cmark_node_parent(para)) {
                cmark_node *block = display_new(a, src);
                cmark_node_insert_before(para, block);
                cmark_node_free(para);
                free(src);
                continue;
            }
            repl = sem_node_new(a, SEM_SPAN, lit[0] == MATH_DISPLAY ? "math display" : "math", NULL);
            cmark_node_append_child(repl, mdtree_text_new(src, strlen(src)));
            free(src);
        }
        cmark_node_insert_before(cur, repl);
        cmark_node_free(cur);
    }
    free(marked);
    return n;
}
