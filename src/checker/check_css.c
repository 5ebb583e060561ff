/* check_css.c: stylesheets, <style> elements and style attributes, read with the tokenizer of
 * CSS Syntax Module Level 3 (section 4) and a rule parser after its section 5, on worker threads.
 *
 * What it reports: parse errors (CSS-008: a declaration without ':', an at-rule inside a style
 * rule, a block or string left open at the end, a bad string or url token), the properties EPUB
 * forbids (CSS-001: direction, unicode-bidi), an empty url() (CSS-002), an empty @font-face
 * (CSS-019, warning), the encoding (CSS-003 for UTF-16, a warning; CSS-004 for anything but
 * UTF-8 and UTF-16). What it records: every url() with how it is used (@import, a font in
 * @font-face, anything else; @namespace names are not resources), and the class selectors
 * (media overlays' active classes must be defined somewhere). Never recursive on the input: block
 * nesting is followed with an explicit stack, so a hostile sheet cannot exhaust the C stack. */
#include "checker/check_internal.h"

#include "base/text.h"

/*** Tokenizer ***/

enum css_tt {
    T_EOF,
    T_WS,
    T_IDENT,
    T_FUNC,
    T_AT,
    T_HASH,
    T_STR,
    T_BADSTR,
    T_URL,
    T_BADURL,
    T_DELIM,
    T_NUM, /* number, percentage and dimension: the parser never tells them apart */
    T_CDO,
    T_CDC,
    T_COLON,
    T_SEMI,
    T_COMMA,
    T_LBRACK,
    T_RBRACK,
    T_LPAREN,
    T_RPAREN,
    T_LBRACE,
    T_RBRACE,
};

typedef struct css_lexer {
    const unsigned char *p, *end;
    int line;
    int type;       /* the current token */
    int tok_line;   /* where it starts */
    int delim;      /* its byte, for T_DELIM */
    strbuf val;     /* its value, escapes resolved (ident, function, at-keyword, hash, string, url) */
    int pushed;     /* the current token is handed out again by the next css_next */
    int eof_in_comment;
} css_lexer;

static int is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_newline(int c)
{
    return c == '\n' || c == '\r' || c == '\f';
}

static int is_ws(int c)
{
    return c == ' ' || c == '\t' || is_newline(c);
}

/* The byte k positions ahead, or -1 at the end. */
static int at(const css_lexer *L, size_t k)
{
    return L->p + k < L->end ? L->p[k] : -1;
}

static void advance(css_lexer *L, size_t k)
{
    for (size_t i = 0; i < k && L->p < L->end; i++, L->p++)
        if (*L->p == '\n' || (*L->p == '\r' && at(L, 1) != '\n') || *L->p == '\f')
            L->line++;
}

static int valid_escape(int c1, int c2)
{
    return c1 == '\\' && c2 >= 0 && !is_newline(c2);
}

static int starts_ident(int c1, int c2, int c3)
{
    if (c1 == '-')
        return is_name_start(c2) || c2 == '-' || valid_escape(c2, c3);
    if (is_name_start(c1))
        return 1;
    return valid_escape(c1, c2);
}

static int starts_number(int c1, int c2, int c3)
{
    if (c1 == '+' || c1 == '-')
        return (c2 >= '0' && c2 <= '9') || (c2 == '.' && c3 >= '0' && c3 <= '9');
    if (c1 == '.')
        return c2 >= '0' && c2 <= '9';
    return c1 >= '0' && c1 <= '9';
}


static void put_utf8(strbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    strbuf_add(b, u, n);
}

/* After a backslash known to start a valid escape: the escaped code point into L->val. */
static void consume_escape(css_lexer *L)
{
    advance(L, 1); /* the backslash */
    int c = at(L, 0);
    if (c < 0) {
        put_utf8(&L->val, 0xfffd);
        return;
    }
    if (text_hex_value(c) >= 0) {
        uint32_t cp = 0;
        int k = 0;
        while (k < 6 && text_hex_value(at(L, 0)) >= 0) {
            cp = cp * 16 + (uint32_t)text_hex_value(at(L, 0));
            advance(L, 1);
            k++;
        }
        if (at(L, 0) == '\r' && at(L, 1) == '\n')
            advance(L, 2);
        else if (at(L, 0) >= 0 && is_ws(at(L, 0)))
            advance(L, 1);
        put_utf8(&L->val, cp);
        return;
    }
    strbuf_addc(&L->val, (char)c);
    advance(L, 1);
}

static void consume_name(css_lexer *L)
{
    for (;;) {
        int c = at(L, 0);
        if (c >= 0 && is_name_char(c)) {
            const unsigned char *s = L->p;
            while (L->p < L->end && is_name_char(*L->p))
                L->p++;
            strbuf_add(&L->val, (const char *)s, (size_t)(L->p - s));
        } else if (valid_escape(c, at(L, 1))) {
            consume_escape(L);
        } else {
            return;
        }
    }
}

static void consume_string(css_lexer *L, int quote)
{
    advance(L, 1);
    for (;;) {
        int c = at(L, 0);
        if (c < 0) {
            L->type = T_STR; /* parse error, the string is kept (the parser reports it) */
            L->delim = -1;
            return;
        }
        if (c == quote) {
            advance(L, 1);
            L->type = T_STR;
            return;
        }
        if (is_newline(c)) {
            L->type = T_BADSTR;
            return;
        }
        if (c == '\\') {
            int n = at(L, 1);
            if (n < 0) {
                advance(L, 1);
            } else if (is_newline(n)) {
                advance(L, n == '\r' && at(L, 2) == '\n' ? 3 : 2);
            } else {
                consume_escape(L);
            }
            continue;
        }
        strbuf_addc(&L->val, (char)c);
        advance(L, 1);
    }
}

static void consume_bad_url_rest(css_lexer *L)
{
    for (;;) {
        int c = at(L, 0);
        if (c < 0)
            return;
        if (c == ')') {
            advance(L, 1);
            return;
        }
        if (valid_escape(c, at(L, 1))) {
            consume_escape(L);
            continue;
        }
        advance(L, 1);
    }
}

/* After "url(" and the white space following it, an unquoted URL. */
static void consume_url(css_lexer *L)
{
    L->type = T_URL;
    for (;;) {
        int c = at(L, 0);
        if (c < 0)
            return; /* parse error; the url is kept */
        if (c == ')') {
            advance(L, 1);
            return;
        }
        if (is_ws(c)) {
            while (at(L, 0) >= 0 && is_ws(at(L, 0)))
                advance(L, 1);
            if (at(L, 0) == ')' || at(L, 0) < 0) {
                advance(L, 1);
                return;
            }
            L->type = T_BADURL;
            consume_bad_url_rest(L);
            return;
        }
        if (c == '"' || c == '\'' || c == '(' || c < 0x09 || c == 0x0b || (c >= 0x0e && c < 0x20) ||
            c == 0x7f) {
            L->type = T_BADURL;
            consume_bad_url_rest(L);
            return;
        }
        if (c == '\\') {
            if (valid_escape(c, at(L, 1))) {
                consume_escape(L);
                continue;
            }
            L->type = T_BADURL;
            consume_bad_url_rest(L);
            return;
        }
        strbuf_addc(&L->val, (char)c);
        advance(L, 1);
    }
}

static void consume_ident_like(css_lexer *L)
{
    consume_name(L);
    if (at(L, 0) != '(') {
        L->type = T_IDENT;
        return;
    }
    advance(L, 1);
    if (L->val.len == 3 && strncasecmp(L->val.data, "url", 3) == 0) {
        while (is_ws(at(L, 0)) && at(L, 1) >= 0 && is_ws(at(L, 1)))
            advance(L, 1);
        int c = at(L, 0), d = c >= 0 && is_ws(c) ? at(L, 1) : c;
        if (d == '"' || d == '\'') {
            L->type = T_FUNC;
            return;
        }
        while (at(L, 0) >= 0 && is_ws(at(L, 0)))
            advance(L, 1);
        L->val.len = 0;
        L->val.data[0] = '\0';
        consume_url(L);
        return;
    }
    L->type = T_FUNC;
}

static void consume_number(css_lexer *L)
{
    if (at(L, 0) == '+' || at(L, 0) == '-')
        advance(L, 1);
    while (at(L, 0) >= '0' && at(L, 0) <= '9')
        advance(L, 1);
    if (at(L, 0) == '.' && at(L, 1) >= '0' && at(L, 1) <= '9') {
        advance(L, 2);
        while (at(L, 0) >= '0' && at(L, 0) <= '9')
            advance(L, 1);
    }
    int e = at(L, 0);
    if ((e == 'e' || e == 'E') &&
        ((at(L, 1) >= '0' && at(L, 1) <= '9') ||
         ((at(L, 1) == '+' || at(L, 1) == '-') && at(L, 2) >= '0' && at(L, 2) <= '9'))) {
        advance(L, 2);
        while (at(L, 0) >= '0' && at(L, 0) <= '9')
            advance(L, 1);
    }
    L->type = T_NUM;
    if (starts_ident(at(L, 0), at(L, 1), at(L, 2)))
        consume_name(L);
    else if (at(L, 0) == '%')
        advance(L, 1);
}

/* The next token (section 4.3.1), comments skipped. */
static int css_next(css_lexer *L)
{
    if (L->pushed) {
        L->pushed = 0;
        return L->type;
    }
    for (;;) {
        if (at(L, 0) == '/' && at(L, 1) == '*') {
            advance(L, 2);
            while (L->p < L->end && !(at(L, 0) == '*' && at(L, 1) == '/'))
                advance(L, 1);
            if (L->p >= L->end)
                L->eof_in_comment = 1;
            else
                advance(L, 2);
            continue;
        }
        break;
    }
    L->val.len = 0;
    if (!L->val.data)
        strbuf_adds(&L->val, "");
    L->val.data[0] = '\0';
    L->tok_line = L->line;
    int c = at(L, 0);
    L->delim = c;
    if (c < 0)
        return L->type = T_EOF;
    if (is_ws(c)) {
        while (at(L, 0) >= 0 && is_ws(at(L, 0)))
            advance(L, 1);
        return L->type = T_WS;
    }
    switch (c) {
    case '"':
    case '\'':
        consume_string(L, c);
        return L->type;
    case '#':
        if ((at(L, 1) >= 0 && is_name_char(at(L, 1))) || valid_escape(at(L, 1), at(L, 2))) {
            advance(L, 1);
            consume_name(L);
            return L->type = T_HASH;
        }
        break;
    case '(':
        advance(L, 1);
        return L->type = T_LPAREN;
    case ')':
        advance(L, 1);
        return L->type = T_RPAREN;
    case '[':
        advance(L, 1);
        return L->type = T_LBRACK;
    case ']':
        advance(L, 1);
        return L->type = T_RBRACK;
    case '{':
        advance(L, 1);
        return L->type = T_LBRACE;
    case '}':
        advance(L, 1);
        return L->type = T_RBRACE;
    case ',':
        advance(L, 1);
        return L->type = T_COMMA;
    case ':':
        advance(L, 1);
        return L->type = T_COLON;
    case ';':
        advance(L, 1);
        return L->type = T_SEMI;
    case '+':
    case '.':
        if (starts_number(c, at(L, 1), at(L, 2))) {
            consume_number(L);
            return L->type;
        }
        break;
    case '-':
        if (starts_number(c, at(L, 1), at(L, 2))) {
            consume_number(L);
            return L->type;
        }
        if (at(L, 1) == '-' && at(L, 2) == '>') {
            advance(L, 3);
            return L->type = T_CDC;
        }
        if (starts_ident(c, at(L, 1), at(L, 2))) {
            consume_ident_like(L);
            return L->type;
        }
        break;
    case '<':
        if (at(L, 1) == '!' && at(L, 2) == '-' && at(L, 3) == '-') {
            advance(L, 4);
            return L->type = T_CDO;
        }
        break;
    case '@':
        if (starts_ident(at(L, 1), at(L, 2), at(L, 3))) {
            advance(L, 1);
            consume_name(L);
            return L->type = T_AT;
        }
        break;
    case '\\':
        if (valid_escape(c, at(L, 1))) {
            consume_ident_like(L);
            return L->type;
        }
        break;
    default:
        if (c >= '0' && c <= '9') {
            consume_number(L);
            return L->type;
        }
        if (is_name_start(c)) {
            consume_ident_like(L);
            return L->type;
        }
    }
    advance(L, 1);
    return L->type = T_DELIM;
}

/* Hand the current token out again. */
static void css_push(css_lexer *L)
{
    L->pushed = 1;
}

/*** Parser ***/

/* What a block holds. */
enum { CTX_RULES, CTX_STYLE, CTX_FONT_FACE, CTX_PAGE, CTX_OTHER };

typedef struct css_parse {
    css_lexer L;
    item_job *job;
    const char *path;
    size_t item;
    int errors; /* CSS-008 findings so far: a broken sheet reports its first few only */
} css_parse;

#define CSS_MAX_ERRORS 10

static void css_error(css_parse *P, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void css_error(css_parse *P, int line, const char *fmt, ...)
{
    if (P->errors++ >= CSS_MAX_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    check_job_finding(P->job, DIAG_ERROR, "CSS-008", P->path, line, "CSS syntax error: %s",
                      msg);
    free(msg);
}

static const char *closer_name(int t)
{
    return t == T_RBRACE ? "}" : t == T_RBRACK ? "]" : ")";
}

/* A url reference found in a value. */
static void css_url(css_parse *P, int kind, const char *url, size_t n, int line)
{
    const char *s = url;
    size_t k = n;
    while (k && check_is_space((unsigned char)*s)) {
        s++;
        k--;
    }
    while (k && check_is_space((unsigned char)s[k - 1]))
        k--;
    if (k == 0) {
        check_job_finding(P->job, DIAG_ERROR, "CSS-002", P->path, line,
                          "empty url() in a stylesheet: it names no resource; remove it or give "
                          "the file's path");
        return;
    }
    if (P->job->refs.n < CHECK_MAX_RECORDS)
        check_ref_list_add(&P->job->refs, P->item, line, kind, url, n);
}

/* Consume the rest of a simple block or function whose opener was just read (the closer is
 * `closer`), nested ones included, recording url()s of kind `kind` (-1: none). Returns 0, or -1
 * at the end of the input (reported). */
static int consume_block(css_parse *P, int closer, int kind, int open_line)
{
    css_lexer *L = &P->L;
    char *stack = NULL;
    size_t depth = 0, cap = 0;
    int ret = 0, want = closer, url_fn = 0;
    for (;;) {
        int t = css_next(L);
        if (t == T_EOF) {
            css_error(P, L->line, "a '%s' opened on line %d is never closed ('%s' missing)",
                      closer == T_RBRACE ? "{" : closer == T_RBRACK ? "[" : "(", open_line,
                      closer_name(closer));
            ret = -1;
            break;
        }
        if (t == T_BADSTR)
            css_error(P, L->tok_line, "a string is broken by a line end");
        else if (t == T_BADURL)
            css_error(P, L->tok_line, "a url() holds a quote, parenthesis or space");
        else if (t == T_URL && kind >= 0)
            css_url(P, kind, L->val.data, L->val.len, L->tok_line);
        else if (t == T_STR && url_fn && kind >= 0)
            css_url(P, kind, L->val.data, L->val.len, L->tok_line);
        url_fn = 0;
        if (t == want) {
            if (depth == 0)
                break;
            want = stack[--depth];
            continue;
        }
        if (t == T_LBRACE || t == T_LBRACK || t == T_LPAREN || t == T_FUNC) {
            if (t == T_FUNC)
                url_fn = L->val.len == 3 && strncasecmp(L->val.data, "url", 3) == 0;
            if (depth == cap) {
                cap = cap ? cap * 2 : 16;
                stack = xrealloc(stack, cap);
            }
            stack[depth++] = (char)want;
            want = t == T_LBRACE ? T_RBRACE : t == T_LBRACK ? T_RBRACK : T_RPAREN;
        }
    }
    free(stack);
    return ret;
}

/* Component values up to (not including) a ';' or '}' at this level, or the end; blocks inside
 * are consumed whole. url()s are recorded with `kind`; returns the number of non-space tokens. */
static size_t consume_value(css_parse *P, int kind, int *stopped_at)
{
    css_lexer *L = &P->L;
    size_t n = 0;
    for (;;) {
        int t = css_next(L);
        if (t == T_EOF || t == T_SEMI || t == T_RBRACE) {
            *stopped_at = t;
            return n;
        }
        if (t != T_WS)
            n++;
        if (t == T_BADSTR)
            css_error(P, L->tok_line, "a string is broken by a line end");
        else if (t == T_BADURL)
            css_error(P, L->tok_line, "a url() holds a quote, parenthesis or space");
        else if (t == T_URL && kind >= 0)
            css_url(P, kind, L->val.data, L->val.len, L->tok_line);
        if (t == T_FUNC && L->val.len == 3 && strncasecmp(L->val.data, "url", 3) == 0) {
            /* url("..."): the string, then the rest of the function */
            int line = L->tok_line;
            int s = css_next(L);
            while (s == T_WS)
                s = css_next(L);
            if ((s == T_STR) && kind >= 0)
                css_url(P, kind, L->val.data, L->val.len, L->tok_line);
            if (s == T_RPAREN)
                continue;
            if (s == T_EOF) {
                css_error(P, L->line, "a url( opened on line %d is never closed", line);
                *stopped_at = T_EOF;
                return n;
            }
            css_push(L);
            if (consume_block(P, T_RPAREN, kind, line) < 0) {
                *stopped_at = T_EOF;
                return n;
            }
            continue;
        }
        if (t == T_LBRACE || t == T_LBRACK || t == T_LPAREN || t == T_FUNC) {
            int closer = t == T_LBRACE ? T_RBRACE : t == T_LBRACK ? T_RBRACK : T_RPAREN;
            if (consume_block(P, closer, kind, L->tok_line) < 0) {
                *stopped_at = T_EOF;
                return n;
            }
        }
    }
}

static void parse_rules(css_parse *P, int top, int depth);
static void parse_at_rule(css_parse *P, int depth);

/* Declarations (section 5.4.5) up to the '}' closing the block, or the end of the input when
 * `attr` (a style attribute). */
static void parse_declarations(css_parse *P, int ctx, int attr, int open_line, int depth)
{
    css_lexer *L = &P->L;
    int n_decl = 0;
    for (;;) {
        int t = css_next(L);
        if (t == T_WS || t == T_SEMI)
            continue;
        if (t == T_EOF) {
            if (!attr)
                css_error(P, L->line, "the block opened on line %d is never closed ('}' missing)",
                          open_line);
            break;
        }
        if (t == T_RBRACE) {
            if (!attr)
                break;
            css_error(P, L->tok_line, "unexpected '}'");
            continue;
        }
        if (t == T_AT) {
            /* @page holds margin rules; a style rule holds no at-rule (CSS 2.1) */
            if (ctx != CTX_PAGE && ctx != CTX_OTHER)
                css_error(P, L->tok_line, "the at-rule @%s is not allowed inside a %s",
                          L->val.data, ctx == CTX_FONT_FACE ? "@font-face rule" : "style rule");
            parse_at_rule(P, depth + 1);
            if (L->type == T_EOF)
                break;
            continue;
        }
        if (t == T_IDENT) {
            int line = L->tok_line;
            char *name = xstrndup(L->val.data, L->val.len);
            int s = css_next(L);
            while (s == T_WS)
                s = css_next(L);
            if (s != T_COLON) {
                css_error(P, line, "\"%s\" is not followed by ':'; a declaration is written "
                                   "property: value",
                          name);
                css_push(L);
            } else {
                n_decl++;
                if (strcasecmp(name, "direction") == 0 || strcasecmp(name, "unicode-bidi") == 0)
                    check_job_finding(P->job, DIAG_ERROR, "CSS-001", P->path, line,
                                      "the \"%s\" property must not be used in EPUB style sheets; "
                                      "set the direction with the dir attribute in the XHTML",
                                      name);
            }
            int kind = ctx == CTX_FONT_FACE && strcasecmp(name, "src") == 0 ? REF_FONT : REF_CSS;
            free(name);
            int stop;
            consume_value(P, kind, &stop);
            if (stop == T_EOF) {
                if (!attr)
                    css_error(P, L->line,
                              "the block opened on line %d is never closed ('}' missing)",
                              open_line);
                break;
            }
            if (stop == T_RBRACE) {
                if (!attr)
                    break;
                css_error(P, L->tok_line, "unexpected '}'");
            }
            continue;
        }
        css_error(P, L->tok_line, "a declaration must start with a property name");
        if (t == T_LBRACE || t == T_LBRACK || t == T_LPAREN || t == T_FUNC) {
            int closer = t == T_LBRACE ? T_RBRACE : t == T_LBRACK ? T_RBRACK : T_RPAREN;
            if (consume_block(P, closer, REF_CSS, L->tok_line) < 0)
                break;
        }
        int stop;
        consume_value(P, REF_CSS, &stop);
        if (stop == T_EOF || (stop == T_RBRACE && !attr))
            break;
    }
    if (ctx == CTX_FONT_FACE && n_decl == 0)
        check_job_finding(P->job, DIAG_WARNING, "CSS-019", P->path, open_line,
                          "this @font-face rule has no declarations; remove it");
    (void)depth;
}

/* A qualified rule whose first token is the current one: the selector (class names are
 * recorded), then its declarations. */
static void parse_qualified(css_parse *P, int depth)
{
    css_lexer *L = &P->L;
    int line = L->tok_line, prev_dot = 0;
    css_push(L);
    for (;;) {
        int t = css_next(L);
        if (t == T_EOF) {
            css_error(P, line, "the rule starting on line %d has no {...} block", line);
            return;
        }
        if (t == T_LBRACE) {
            parse_declarations(P, CTX_STYLE, 0, L->tok_line, depth);
            return;
        }
        if (t == T_IDENT && prev_dot && P->job->n_classes < CHECK_MAX_RECORDS) {
            strbuf_add(&P->job->classes, L->val.data, L->val.len);
            strbuf_addc(&P->job->classes, '\n');
            P->job->n_classes++;
        }
        prev_dot = t == T_DELIM && L->delim == '.';
        if (t == T_BADSTR)
            css_error(P, L->tok_line, "a string is broken by a line end");
        if (t == T_LBRACK || t == T_LPAREN || t == T_FUNC) {
            int closer = t == T_LBRACK ? T_RBRACK : T_RPAREN;
            if (consume_block(P, closer, REF_CSS, L->tok_line) < 0)
                return;
        }
    }
}

static int at_rule_holds_rules(const char *name)
{
    static const char *const names[] = {"media",     "supports", "document", "-moz-document",
                                        "layer",     "container", "scope",   "starting-style"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* An at-rule whose at-keyword is the current token. */
static void parse_at_rule(css_parse *P, int depth)
{
    css_lexer *L = &P->L;
    char *name = xstrndup(L->val.data, L->val.len);
    int line = L->tok_line;
    int is_import = strcasecmp(name, "import") == 0;
    int is_namespace = strcasecmp(name, "namespace") == 0;
    int kind = is_import ? REF_STYLESHEET : is_namespace ? -1 : REF_CSS;
    int url_fn = 0;
    /* the prelude */
    for (;;) {
        int t = css_next(L);
        if (t == T_EOF) {
            css_error(P, line, "the @%s rule on line %d is not ended by ';' or a block", name,
                      line);
            break;
        }
        if (t == T_SEMI)
            break;
        if (t == T_RBRACE && depth > 0) {
            css_error(P, line, "the @%s rule on line %d is not ended by ';'", name, line);
            css_push(L);
            break;
        }
        if (t == T_URL && kind >= 0)
            css_url(P, kind, L->val.data, L->val.len, L->tok_line);
        else if (t == T_STR && (is_import || url_fn) && kind >= 0) {
            css_url(P, kind, L->val.data, L->val.len, L->tok_line);
            is_import = 0; /* only the first string names the sheet */
        } else if (t == T_BADSTR)
            css_error(P, L->tok_line, "a string is broken by a line end");
        else if (t == T_BADURL)
            css_error(P, L->tok_line, "a url() holds a quote, parenthesis or space");
        if (t == T_URL)
            is_import = 0;
        url_fn = 0;
        if (t == T_FUNC && L->val.len == 3 && strncasecmp(L->val.data, "url", 3) == 0) {
            url_fn = 1;
            int s = css_next(L);
            while (s == T_WS)
                s = css_next(L);
            if (s == T_STR && kind >= 0)
                css_url(P, kind, L->val.data, L->val.len, L->tok_line);
            is_import = 0;
            url_fn = 0;
            if (s != T_RPAREN) {
                css_push(L);
                if (consume_block(P, T_RPAREN, -1, L->tok_line) < 0)
                    break;
            }
            continue;
        }
        if (t == T_LBRACE) {
            int open = L->tok_line;
            if (at_rule_holds_rules(name)) {
                if (depth < 32)
                    parse_rules(P, 0, depth + 1);
                else if (consume_block(P, T_RBRACE, REF_CSS, open) < 0)
                    break;
            } else if (strcasecmp(name, "font-face") == 0) {
                parse_declarations(P, CTX_FONT_FACE, 0, open, depth);
            } else if (strcasecmp(name, "page") == 0) {
                parse_declarations(P, CTX_PAGE, 0, open, depth);
            } else if (consume_block(P, T_RBRACE, REF_CSS, open) < 0) {
                break;
            }
            break;
        }
        if (t == T_LBRACK || t == T_LPAREN || t == T_FUNC) {
            int closer = t == T_LBRACK ? T_RBRACK : T_RPAREN;
            if (consume_block(P, closer, kind, L->tok_line) < 0)
                break;
        }
    }
    free(name);
}

/* A list of rules (section 5.4.1): the top level of a sheet, or the block of @media and the
 * like (up to its '}'). */
static void parse_rules(css_parse *P, int top, int depth)
{
    css_lexer *L = &P->L;
    int open_line = L->tok_line;
    for (;;) {
        int t = css_next(L);
        if (t == T_WS)
            continue;
        if (t == T_EOF) {
            if (!top)
                css_error(P, L->line, "the block opened on line %d is never closed ('}' missing)",
                          open_line);
            return;
        }
        if ((t == T_CDO || t == T_CDC) && top)
            continue;
        if (t == T_RBRACE && !top)
            return;
        if (t == T_AT) {
            parse_at_rule(P, depth);
            continue;
        }
        if (t == T_RBRACE) {
            css_error(P, L->tok_line, "unexpected '}'");
            continue;
        }
        parse_qualified(P, depth);
    }
}

/*** Encodings ***/

/* UTF-16 text (after its BOM) as UTF-8, for the tokenizer; the caller frees it. */
static char *utf16_to_utf8(const unsigned char *s, size_t n, int big_endian, size_t *out_len)
{
    strbuf b = STRBUF_INIT;
    for (size_t i = 0; i + 1 < n; i += 2) {
        uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
            uint32_t lo = big_endian ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
                                     : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                i += 2;
            }
        }
        if (u == 0)
            u = 0xfffd;
        put_utf8(&b, u);
    }
    if (!b.data)
        strbuf_adds(&b, "");
    return strbuf_detach(&b, out_len);
}

/*** Entry point ***/

void check_css_scan(item_job *job, const char *path, size_t item, const char *css, size_t len,
                    int line0, int kind)
{
    css_parse P;
    char *owned = NULL;
    const unsigned char *u = (const unsigned char *)css;
    memset(&P, 0, sizeof P);
    P.job = job;
    P.path = path;
    P.item = item;
    if (kind == CSS_SHEET) {
        /* the encoding: a BOM, else @charset (which must then be the very first bytes) */
        if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe))) {
            check_job_finding(job, DIAG_WARNING, "CSS-003", path, 0,
                              "the stylesheet is encoded in UTF-16; UTF-8 is recommended");
            owned = utf16_to_utf8(u + 2, len - 2, u[0] == 0xfe, &len);
            css = owned;
        } else {
            if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
                css += 3;
                len -= 3;
            }
            if (len > 10 && memcmp(css, "@charset \"", 10) == 0) {
                const char *q = memchr(css + 10, '"', len - 10 < 64 ? len - 10 : 64);
                if (q) {
                    char *enc = check_shown(css + 10, (size_t)(q - css - 10));
                    if (str_casecmp_ascii(enc, "utf-8") == 0 || str_casecmp_ascii(enc, "utf8") == 0)
                        ;
                    else if (strncasecmp(enc, "utf-16", 6) == 0)
                        check_job_finding(job, DIAG_WARNING, "CSS-003", path, 1,
                                          "the stylesheet declares @charset \"%s\"; UTF-8 is "
                                          "recommended",
                                          enc);
                    else
                        check_job_finding(job, DIAG_ERROR, "CSS-004", path, 1,
                                          "the stylesheet is encoded in \"%s\"; EPUB style sheets "
                                          "must be UTF-8 (or UTF-16): convert it and remove the "
                                          "@charset rule",
                                          enc);
                    free(enc);
                }
            }
        }
    }
    P.L.p = (const unsigned char *)css;
    P.L.end = P.L.p + len;
    P.L.line = line0 > 0 ? line0 : 1;
    if (kind == CSS_STYLE_ATTR)
        parse_declarations(&P, CTX_STYLE, 1, P.L.line, 0);
    else
        parse_rules(&P, 1, 0);
    if (P.L.eof_in_comment)
        css_error(&P, P.L.line, "a comment is never closed ('*/' missing)");
    if (P.errors > CSS_MAX_ERRORS)
        check_job_finding(job, DIAG_ERROR, "CSS-008", path, 0,
                          "%d more CSS syntax errors in this style sheet", P.errors - CSS_MAX_ERRORS);
    strbuf_release(&P.L.val);
    free(owned);
}
