/* yamldoc.c: libyaml's event parser feeding a small tree with line numbers, bounded in size and
 * depth and without aliases; and the value helpers the YAML readers share. */
#include "base/yamldoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/text.h"

/*** Parsing ***/

static int scalar_is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* A scalar node for ev, without the characters XML does not allow (counted in doc->dropped). */
static yamldoc_node *scalar_node_new(yamldoc *doc, yaml_event_t *ev, int line)
{
    yamldoc_node *node = arena_alloc(doc->arena, sizeof *node);
    node->kind = YAMLDOC_SCALAR;
    node->is_null = scalar_is_null(ev);
    size_t n = ev->data.scalar.length;
    size_t k = text_strip_xml_forbidden((char *)ev->data.scalar.value, &n);
    if (k && !doc->dropped)
        doc->dropped_line = line;
    doc->dropped += k;
    node->value = arena_strndup(doc->arena, (const char *)ev->data.scalar.value, n);
    return node;
}

static void append_child(yamldoc_node *parent, yamldoc_node *kid)
{
    if (parent->last)
        parent->last->next = kid;
    else
        parent->first = kid;
    parent->last = kid;
    parent->len++;
}

/* Feed libyaml's events into doc->root; 0, or -1 with doc->error set. */
static int build(yamldoc *doc, yaml_parser_t *parser, const yamldoc_options *opts)
{
    yamldoc_error *err = &doc->error;
    yamldoc_node **stack = arena_alloc(doc->arena, (size_t)(opts->max_depth + 1) * sizeof *stack);
    int depth = 0, done = 0, documents = 0;

    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(parser, &ev)) {
            err->kind = YAMLDOC_ERR_SYNTAX;
            err->line = opts->first_line + (int)parser->problem_mark.line;
            err->problem = parser->problem;
            err->context = parser->context;
            return -1;
        }
        int line = opts->first_line + (int)ev.start_mark.line;
        yamldoc_node *node = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (!opts->first_doc_only && ++documents > 1) {
                err->kind = YAMLDOC_ERR_DOCUMENTS;
                err->line = line;
                yaml_event_delete(&ev);
                return -1;
            }
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (opts->first_doc_only)
                done = 1;
            break;
        case YAML_ALIAS_EVENT:
            err->kind = YAMLDOC_ERR_ALIAS;
            err->line = line;
            err->anchor = arena_strdup(doc->arena, (const char *)ev.data.alias.anchor);
            yaml_event_delete(&ev);
            return -1;
        case YAML_SCALAR_EVENT:
            node = scalar_node_new(doc, &ev, line);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == opts->max_depth) {
                err->kind = YAMLDOC_ERR_DEPTH;
                err->line = line;
                yaml_event_delete(&ev);
                return -1;
            }
            node = arena_alloc(doc->arena, sizeof *node);
            node->kind = ev.type == YAML_SEQUENCE_START_EVENT ? YAMLDOC_SEQUENCE : YAMLDOC_MAPPING;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0)
                depth--;
            break;
        default:
            break;
        }
        if (node) {
            node->line = line;
            if (depth > 0)
                append_child(stack[depth - 1], node);
            else if (!doc->root)
                doc->root = node;
            if (node->kind != YAMLDOC_SCALAR)
                stack[depth++] = node;
        }
        yaml_event_delete(&ev);
    }
    return 0;
}

int yamldoc_parse(const char *text, size_t len, const yamldoc_options *opts, yamldoc **out)
{
    int ret = -1, started = 0;
    yaml_parser_t parser;
    yamldoc *doc = xcalloc(1, sizeof *doc);

    doc->arena = arena_new();
    *out = doc;
    if (opts->max_size && len > opts->max_size) {
        doc->error.kind = YAMLDOC_ERR_SIZE;
        doc->error.line = opts->first_line;
        goto out;
    }
    if (!yaml_parser_initialize(&parser)) {
        doc->error.kind = YAMLDOC_ERR_NOMEM;
        doc->error.line = opts->first_line;
        goto out;
    }
    started = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""),
                                 text ? len : 0);
    if (opts->utf8)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    if (build(doc, &parser, opts) < 0)
        goto out;
    ret = 0;
out:
    if (ret)
        doc->root = NULL;
    if (started)
        yaml_parser_delete(&parser);
    return ret;
}

void yamldoc_free(yamldoc *doc)
{
    if (!doc)
        return;
    arena_free(doc->arena);
    free(doc);
}

/*** Values ***/

int yamldoc_is_null(const yamldoc_node *n)
{
    return !n || (n->kind == YAMLDOC_SCALAR && n->is_null);
}

const char *yamldoc_text(const yamldoc_node *n)
{
    if (!n || n->kind != YAMLDOC_SCALAR || n->is_null)
        return NULL;
    return n->value;
}

void yamldoc_warn_dropped(const yamldoc *doc, const char *file, const char *what,
                          diag_list *diags)
{
    if (doc->dropped)
        diag_add(diags, DIAG_WARNING, NULL, file, doc->dropped_line,
                 "dropped %zu control character%s that XML does not allow from %s (the first "
                 "on this line); remove %s",
                 doc->dropped, doc->dropped == 1 ? "" : "s", what,
                 doc->dropped == 1 ? "it" : "them");
}

const char *yamldoc_kind_name(const yamldoc_node *n)
{
    return n->kind == YAMLDOC_SEQUENCE  ? "a list"
           : n->kind == YAMLDOC_MAPPING ? "a mapping"
                                        : "a text";
}

const yamldoc_node *yamldoc_map_get(const yamldoc_node *map, const char *name)
{
    for (const yamldoc_node *k = map->first; k && k->next; k = k->next->next)
        if (k->kind == YAMLDOC_SCALAR && str_casecmp_ascii(k->value, name) == 0)
            return k->next;
    return NULL;
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* HH:MM[:SS[.frac]] followed by nothing, or [ ]Z / [ ]+HH[:MM] / [ ]-HHMM. */
static int valid_time(const char *t)
{
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || num(t, 2) > 24 || num(t + 3, 2) > 59)
        return 0;
    t += 5;
    if (t[0] == ':') {
        if (!digits(t + 1, 2) || num(t + 1, 2) > 60)
            return 0;
        t += 3;
        if (t[0] == '.' || t[0] == ',') {
            if (!digits(t + 1, 1))
                return 0;
            t++;
            while (*t >= '0' && *t <= '9')
                t++;
        }
    }
    if (t[0] == ' ')
        t++;
    if (t[0] == 'Z' || t[0] == 'z')
        return t[1] == '\0';
    if (t[0] == '+' || t[0] == '-') {
        if (!digits(t + 1, 2) || num(t + 1, 2) > 23)
            return 0;
        t += 3;
        if (t[0] == ':')
            t++;
        if (t[0] == '\0')
            return 1;
        return digits(t, 2) && num(t, 2) <= 59 && t[2] == '\0';
    }
    return t[0] == '\0';
}

int yamldoc_date(const char *s, int flags, char out[11])
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if (n < 4 || !digits(s, 4))
        return -1;
    if (n == 4)
        goto ok;
    if (s[4] != '-' || n < 7 || !digits(s + 5, 2) || num(s + 5, 2) < 1 || num(s + 5, 2) > 12)
        return -1;
    if (n == 7)
        goto ok;
    int year = num(s, 4), month = num(s + 5, 2);
    if (s[7] != '-' || n < 10 || !digits(s + 8, 2))
        return -1;
    int day = num(s + 8, 2);
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day < 1 || day > 31)
        return -1;
    if ((flags & YAMLDOC_DATE_CALENDAR) &&
        (day > days[month - 1] || (month == 2 && day == 29 && !leap)))
        return -1;
    if (n > 10) {
        if (!(flags & YAMLDOC_DATE_TIME))
            return -1;
        if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
            return -1;
        if (!valid_time(s + 11))
            return -1;
    }
    n = 10;
ok:
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/*** dates in the shapes Jekyll and Hugo accept ***/

static int ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A time "H:MM[:SS[.frac]]" of n bytes. */
static int time_token(const char *t, size_t n)
{
    size_t i = 0, k = 0;
    while (i < n && ascii_digit(t[i]))
        i++;
    if (i < 1 || i > 2 || i >= n || t[i] != ':')
        return 0;
    int h = atoi(t);
    for (k = ++i; i < n && ascii_digit(t[i]); i++)
        ;
    if (i - k != 2 || h > 24 || atoi(t + k) > 59)
        return 0;
    if (i < n && t[i] == ':') {
        for (k = ++i; i < n && ascii_digit(t[i]); i++)
            ;
        if (i - k != 2 || atoi(t + k) > 60)
            return 0;
        if (i < n && (t[i] == '.' || t[i] == ',')) {
            for (k = ++i; i < n && ascii_digit(t[i]); i++)
                ;
            if (i == k)
                return 0;
        }
    }
    return i == n;
}

/* A zone: Z, +HH, +HH:MM, -HHMM, or a name in 1 to 5 capital letters (UTC, GMT, MST, CEST). */
static int zone_token(const char *t, size_t n)
{
    if (n >= 1 && n <= 5) {
        size_t i = 0;
        while (i < n && t[i] >= 'A' && t[i] <= 'Z')
            i++;
        if (i == n)
            return 1;
    }
    if (n < 3 || (t[0] != '+' && t[0] != '-'))
        return 0;
    if (!ascii_digit(t[1]) || !ascii_digit(t[2]) || atoi(t + 1) / (n > 3 && t[3] != ':' ? 100 : 1) > 23)
        return 0;
    if (n == 3)
        return 1;
    size_t m = t[3] == ':' ? 4 : 3;
    return n == m + 2 && ascii_digit(t[m]) && ascii_digit(t[m + 1]) && atoi(t + m) % 100 <= 59;
}

/* A time with its zone glued on: "09:00:00Z", "09:00:00+02:00", "09:00-0700". */
static int time_zone_token(const char *t, size_t n)
{
    if (time_token(t, n))
        return 1;
    for (size_t i = 1; i < n; i++)
        if (t[i] == 'Z' || t[i] == 'z' || t[i] == '+' || t[i] == '-')
            return time_token(t, i) && (n - i == 1 ? (t[i] == 'Z' || t[i] == 'z')
                                                   : zone_token(t + i, n - i));
    return 0;
}

/* The month a word names (1 to 12: "Jan", "january", "Sept."), or 0. */
static int month_word(const char *t, size_t n)
{
    static const char *const names[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
    if (n && t[n - 1] == '.')
        n--;
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t len = strlen(names[m]);
        if (n > len)
            continue;
        size_t i = 0;
        while (i < n && (t[i] | 0x20) == names[m][i])
            i++;
        if (i == n && (n == len || n == 3 || (m == 8 && n == 4)))
            return m + 1;
    }
    return 0;
}

/* A weekday word ("Mon", "Monday", "Tue."). */
static int weekday_word(const char *t, size_t n)
{
    static const char *const names[] = {"monday", "tuesday", "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
    if (n && t[n - 1] == '.')
        n--;
    if (n < 3)
        return 0;
    for (int d = 0; d < 7; d++) {
        size_t len = strlen(names[d]), i = 0;
        if (n > len)
            continue;
        while (i < n && (t[i] | 0x20) == names[d][i])
            i++;
        if (i == n && (n == len || n == 3))
            return 1;
    }
    return 0;
}

static yamldoc_date_result date_out(int year, int month, int day, char out[11])
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1000)
        return YAMLDOC_DATE_TOO_EARLY;
    if (year > 9999 || month < 0 || month > 12 || day < 0 || day > 31 || (day && !month))
        return YAMLDOC_DATE_UNREADABLE;
    if (day) {
        int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap))
            return YAMLDOC_DATE_NO_SUCH_DAY;
        snprintf(out, 11, "%04d-%02d-%02d", year, month, day);
    } else if (month) {
        snprintf(out, 11, "%04d-%02d", year, month);
    } else {
        snprintf(out, 11, "%04d", year);
    }
    return YAMLDOC_DATE_OK;
}

yamldoc_date_result yamldoc_date_loose(const char *s, char out[11])
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n > 80)
        return YAMLDOC_DATE_UNREADABLE;
    /* numeric: YYYY[-M[-D]], then a time and a zone */
    if (n >= 4 && digits(s, 4) && (n == 4 || s[4] == '-' || s[4] == '/')) {
        int year = num(s, 4), month = 0, day = 0;
        size_t i = 4;
        if (i < n) {
            char sep = s[i++];
            size_t k = i;
            while (i < n && ascii_digit(s[i]))
                i++;
            if (i - k < 1 || i - k > 2)
                return YAMLDOC_DATE_UNREADABLE;
            month = atoi(s + k);
            if (month < 1 || month > 12)
                return YAMLDOC_DATE_UNREADABLE;
            if (i < n && s[i] == sep) {
                k = ++i;
                while (i < n && ascii_digit(s[i]))
                    i++;
                if (i - k < 1 || i - k > 2)
                    return YAMLDOC_DATE_UNREADABLE;
                day = atoi(s + k);
                if (day < 1)
                    return YAMLDOC_DATE_UNREADABLE;
            }
        }
        /* the rest: [T or spaces] time [spaces] [zone [spaces zone]] */
        if (i < n) {
            if (!day)
                return YAMLDOC_DATE_UNREADABLE;
            if (s[i] == 'T' || s[i] == 't')
                i++;
            else if (s[i] != ' ')
                return YAMLDOC_DATE_UNREADABLE;
            int tokens = 0;
            while (i < n) {
                while (i < n && s[i] == ' ')
                    i++;
                size_t k = i;
                while (i < n && s[i] != ' ')
                    i++;
                if (k == i)
                    break;
                int ok = tokens == 0 ? time_zone_token(s + k, i - k) : zone_token(s + k, i - k);
                if (!ok || ++tokens > 3)
                    return YAMLDOC_DATE_UNREADABLE;
            }
            if (tokens == 0)
                return YAMLDOC_DATE_UNREADABLE;
        }
        return date_out(year, month, day, out);
    }
    /* words: a month name, a day, a four-digit year, perhaps a weekday, a time, a zone */
    int year = -1, month = 0, day = 0, other = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t k = i;
        while (i < n && s[i] != ' ' && s[i] != ',')
            i++;
        size_t len = i - k;
        const char *t = s + k;
        if (len == 0)
            break;
        int m;
        size_t d = 0;
        while (d < len && ascii_digit(t[d]))
            d++;
        if ((m = month_word(t, len)) && !month) {
            month = m;
        } else if (weekday_word(t, len)) {
            other++;
        } else if (d == 4 && len == 4 && year < 0) {
            year = num(t, 4);
        } else if (d >= 1 && d <= 2 && !day &&
                   (d == len || (len == d + 2 && (strchr("snrt", t[d] | 0x20))))) {
            day = atoi(t);
        } else if (time_zone_token(t, len) || zone_token(t, len)) {
            other++;
        } else {
            return YAMLDOC_DATE_UNREADABLE;
        }
    }
    if (year < 0 || !month || !day)
        return YAMLDOC_DATE_UNREADABLE;
    return date_out(year, month, day, out);
}
