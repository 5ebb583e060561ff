/* yamldoc.c: libyaml's event parser feeding a small tree with line numbers, bounded in size and
 * depth and without aliases; and the value helpers the YAML readers share. */
#include "base/yamldoc.h"

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
