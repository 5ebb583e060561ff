/* frontmatter.c: the YAML front matter block at the top of a Markdown file.
 *
 * yamldoc parses it into a small tree (bounded in size and depth, without aliases) that is
 * then read key by key into a meta. */
#include "readers/frontmatter.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "base/util.h"
#include "base/yamldoc.h"

/*** splitting ***/

/* When the line at text+p is `tok` followed only by spaces/tabs, set *next to the offset after
 * its line end (or len) and return 1. */
static int delimiter_line(const char *text, size_t len, size_t p, const char *tok, size_t *next)
{
    size_t n = strlen(tok);
    if (len - p < n || memcmp(text + p, tok, n) != 0)
        return 0;
    p += n;
    while (p < len && (text[p] == ' ' || text[p] == '\t'))
        p++;
    if (p < len && text[p] == '\r' && p + 1 < len && text[p + 1] == '\n')
        p++;
    if (p < len && text[p] != '\n')
        return 0;
    *next = p < len ? p + 1 : p;
    return 1;
}

static int blank_line(const char *text, size_t len, size_t p)
{
    while (p < len && (text[p] == ' ' || text[p] == '\t' || text[p] == '\r'))
        p++;
    return p == len || text[p] == '\n';
}

int frontmatter_split(const char *text, size_t len, const char **yaml, size_t *yaml_len,
                      size_t *body_off, int *body_line)
{
    size_t p = 0, start;
    int line = 2;

    if (!text || !delimiter_line(text, len, 0, "---", &p) || p == len)
        return 0;
    /* pandoc: "---" then a blank line is a thematic break. */
    if (blank_line(text, len, p))
        return 0;
    start = p;
    while (p < len) {
        size_t next;
        if (delimiter_line(text, len, p, "---", &next) ||
            delimiter_line(text, len, p, "...", &next)) {
            *yaml = text + start;
            *yaml_len = p - start;
            *body_off = next;
            *body_line = line + 1;
            return 1;
        }
        const char *nl = memchr(text + p, '\n', len - p);
        if (!nl)
            break;
        p = (size_t)(nl - text) + 1;
        line++;
    }
    return 0;
}

/*** messages ***/

typedef struct fm_parser {
    arena *arena;
    const char *file;
    diag_list *diags;
    const char *what; /* what messages say they are about: "front matter" when NULL */
} fm_parser;

static void fm_error(fm_parser *fp, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fm_error(fm_parser *fp, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    diag_add(fp->diags, DIAG_ERROR, NULL, fp->file, line, "%s: %s",
             fp->what ? fp->what : "front matter", msg);
    free(msg);
}

/* Word what yamldoc_parse refused, for front matter; `len` is the YAML's size. */
static void fm_parse_error(fm_parser *fp, const yamldoc_error *e, size_t len)
{
    switch (e->kind) {
    case YAMLDOC_ERR_NOMEM:
        fm_error(fp, e->line, "cannot start the YAML parser (out of memory)");
        break;
    case YAMLDOC_ERR_SIZE:
        fm_error(fp, e->line, "is larger than 1 MiB (%zu bytes); move long text into the body",
                 len);
        break;
    case YAMLDOC_ERR_SYNTAX:
        fm_error(fp, e->line,
                 "not valid YAML (%s%s%s); check the indentation, and put values that "
                 "contain \": \" or start with a special character in quotes",
                 e->problem ? e->problem : "malformed YAML", e->context ? " " : "",
                 e->context ? e->context : "");
        break;
    case YAMLDOC_ERR_DOCUMENTS:
        fm_error(fp, e->line, "holds more than one YAML document; keep only one");
        break;
    case YAMLDOC_ERR_ALIAS:
        fm_error(fp, e->line, "YAML aliases (*%s) are not supported; write the value out",
                 e->anchor);
        break;
    case YAMLDOC_ERR_DEPTH:
        fm_error(fp, e->line, "nests deeper than %d levels; flatten it", FRONTMATTER_MAX_DEPTH);
        break;
    case YAMLDOC_OK:
        break;
    }
}

/*** reading the tree into a meta ***/

/* The scalar's text with surrounding whitespace removed, in the arena; NULL when null/empty. */
static char *scalar_text(fm_parser *fp, const yamldoc_node *n)
{
    const char *v = yamldoc_text(n);
    if (!v)
        return NULL;
    char *s = str_trim(arena_strdup(fp->arena, v));
    return *s ? s : NULL;
}

/* The string value of `key`; 0 with *out NULL when not given, -1 (with an error) when the value
 * is not a scalar. */
static int want_string(fm_parser *fp, const char *key, const yamldoc_node *v, char **out)
{
    *out = NULL;
    if (v->kind != YAMLDOC_SCALAR) {
        fm_error(fp, v->line, "'%s' must be a text, got %s", key, yamldoc_kind_name(v));
        return -1;
    }
    *out = scalar_text(fp, v);
    return 0;
}

/* Names (authors, editors): a text, or a list of texts or of mappings with `name`. */
static int read_names(fm_parser *fp, const char *key, const yamldoc_node *v, strlist *out)
{
    char *s = NULL;
    if (v->kind == YAMLDOC_MAPPING) {
        fm_error(fp, v->line, "'%s' must be a name or a list of names, got a mapping", key);
        return -1;
    }
    if (v->kind == YAMLDOC_SCALAR) {
        if ((s = scalar_text(fp, v)))
            strlist_add(out, s);
        return 0;
    }
    int ret = 0, nth = 0;
    for (const yamldoc_node *item = v->first; item; item = item->next) {
        const yamldoc_node *name = item;
        nth++;
        if (item->kind == YAMLDOC_MAPPING)
            name = yamldoc_map_get(item, "name");
        if (!name || name->kind != YAMLDOC_SCALAR) {
            /* numbered: entries written on one line ([a, [b], [c]]) each get their own message */
            fm_error(fp, item->line,
                     "entry %d of '%s' must be a name (or a mapping with 'name: ...'), got %s",
                     nth, key, name ? yamldoc_kind_name(name) : "a mapping without 'name'");
            ret = -1;
            continue;
        }
        if ((s = scalar_text(fp, name)))
            strlist_add(out, s);
    }
    return ret;
}

/* Tags: a list of texts, or one text of comma-separated tags. */
static int read_tags(fm_parser *fp, const char *key, const yamldoc_node *v, strlist *out)
{
    if (v->kind == YAMLDOC_MAPPING) {
        fm_error(fp, v->line, "'%s' must be a list of tags, got a mapping", key);
        return -1;
    }
    if (v->kind == YAMLDOC_SCALAR) {
        char *s = scalar_text(fp, v);
        while (s && *s) {
            char *comma = strchr(s, ',');
            if (comma)
                *comma = '\0';
            str_trim(s);
            if (*s)
                strlist_add(out, s);
            s = comma ? comma + 1 : NULL;
        }
        return 0;
    }
    int ret = 0, nth = 0;
    for (const yamldoc_node *item = v->first; item; item = item->next) {
        nth++;
        if (item->kind != YAMLDOC_SCALAR) {
            fm_error(fp, item->line, "entry %d of '%s' must be a tag, got %s", nth, key,
                     yamldoc_kind_name(item));
            ret = -1;
            continue;
        }
        char *s = scalar_text(fp, item);
        if (s)
            strlist_add(out, s);
    }
    return ret;
}

static speaker_role parse_role(fm_parser *fp, const char *label, const yamldoc_node *v, int *err)
{
    char *s = NULL;
    if (want_string(fp, "role", v, &s) < 0) {
        *err = -1;
        return SPEAKER_ROLE_UNKNOWN;
    }
    if (!s)
        return SPEAKER_ROLE_UNKNOWN;
    if (str_casecmp_ascii(s, "host") == 0 || str_casecmp_ascii(s, "interviewer") == 0)
        return SPEAKER_ROLE_HOST;
    if (str_casecmp_ascii(s, "guest") == 0 || str_casecmp_ascii(s, "interviewee") == 0)
        return SPEAKER_ROLE_GUEST;
    diag_add(fp->diags, DIAG_WARNING, NULL, fp->file, v->line,
             "%s: speaker '%s' has role \"%s\", which sheaf does not know (host, "
             "interviewer, guest or interviewee); the role is ignored",
             fp->what ? fp->what : "front matter", label, s);
    return SPEAKER_ROLE_UNKNOWN;
}

/* One speaker described by a mapping {name, label, role}; `label` when the mapping is the value
 * of a label key. */
static int read_speaker_mapping(fm_parser *fp, const char *label, const yamldoc_node *m,
                                speaker_list *out)
{
    int ret = 0;
    char *name = NULL, *lab = NULL;
    const yamldoc_node *v;
    speaker_role role = SPEAKER_ROLE_UNKNOWN;

    if ((v = yamldoc_map_get(m, "name")) && want_string(fp, "name", v, &name) < 0)
        ret = -1;
    if (!label && (v = yamldoc_map_get(m, "label")) && want_string(fp, "label", v, &lab) < 0)
        ret = -1;
    if (label)
        lab = (char *)label;
    if (!lab && !name) {
        fm_error(fp, m->line, "each speaker needs a 'name' (or a 'label')");
        return -1;
    }
    if ((v = yamldoc_map_get(m, "role")))
        role = parse_role(fp, lab ? lab : name, v, &ret);
    if (ret == 0)
        speaker_list_add(out, lab, name, role);
    return ret;
}

static int read_speakers(fm_parser *fp, const yamldoc_node *v, speaker_list *out)
{
    int ret = 0;
    if (v->kind == YAMLDOC_SCALAR) {
        if (v->is_null)
            return 0;
        fm_error(fp, v->line,
                 "'speakers' must be a mapping (label: full name) or a list of names, got a "
                 "text");
        return -1;
    }
    if (v->kind == YAMLDOC_SEQUENCE) {
        int nth = 0;
        for (const yamldoc_node *item = v->first; item; item = item->next) {
            nth++;
            if (item->kind == YAMLDOC_SCALAR) {
                char *s = scalar_text(fp, item);
                if (s)
                    speaker_list_add(out, s, s, SPEAKER_ROLE_UNKNOWN);
            } else if (item->kind == YAMLDOC_MAPPING) {
                if (read_speaker_mapping(fp, NULL, item, out) < 0)
                    ret = -1;
            } else {
                fm_error(fp, item->line,
                         "entry %d of 'speakers' must be a name or a mapping with 'name', "
                         "'label' and 'role', got a list",
                         nth);
                ret = -1;
            }
        }
        return ret;
    }
    for (const yamldoc_node *k = v->first; k && k->next; k = k->next->next) {
        const yamldoc_node *val = k->next;
        char *label = k->kind == YAMLDOC_SCALAR ? scalar_text(fp, k) : NULL;
        if (!label) {
            fm_error(fp, k->line, "each speaker in 'speakers' needs a label before the ':'");
            ret = -1;
            continue;
        }
        if (val->kind == YAMLDOC_SCALAR) {
            speaker_list_add(out, label, scalar_text(fp, val), SPEAKER_ROLE_UNKNOWN);
        } else if (val->kind == YAMLDOC_MAPPING) {
            if (read_speaker_mapping(fp, label, val, out) < 0)
                ret = -1;
        } else {
            fm_error(fp, val->line,
                     "speaker '%s' must be a full name or a mapping with 'name' and 'role', got "
                     "a list",
                     label);
            ret = -1;
        }
    }
    return ret;
}

int frontmatter_speakers(const yamldoc_node *v, const char *file, speaker_list *out,
                         diag_list *diags)
{
    fm_parser fp = {arena_new(), file, diags, "speakers"};
    int ret = read_speakers(&fp, v, out);
    arena_free(fp.arena);
    return ret;
}

/* Keys sheaf reads, with their synonyms. */
typedef enum fm_field {
    F_TITLE, F_SUBTITLE, F_AUTHORS, F_EDITORS, F_DATE, F_LANG, F_DIR, F_DESCRIPTION,
    F_PUBLISHER, F_SOURCE, F_IDENTIFIER, F_RIGHTS, F_TAGS, F_COVER, F_SPEAKERS, F_UNKNOWN
} fm_field;

static const struct {
    const char *key;
    fm_field field;
} fm_keys[] = {
    {"title", F_TITLE},         {"subtitle", F_SUBTITLE},       {"author", F_AUTHORS},
    {"authors", F_AUTHORS},     {"editor", F_EDITORS},          {"editors", F_EDITORS},
    {"date", F_DATE},           {"lang", F_LANG},               {"language", F_LANG},
    {"dir", F_DIR},             {"description", F_DESCRIPTION}, {"summary", F_DESCRIPTION},
    {"excerpt", F_DESCRIPTION},
    {"publisher", F_PUBLISHER}, {"source", F_SOURCE},           {"url", F_SOURCE},
    {"identifier", F_IDENTIFIER}, {"rights", F_RIGHTS},         {"tags", F_TAGS},
    {"keywords", F_TAGS},       {"cover", F_COVER},             {"speakers", F_SPEAKERS},
};

#define FM_NKEYS (sizeof fm_keys / sizeof fm_keys[0])

/* Shorten a value for a message. */
static const char *shown(fm_parser *fp, const char *s)
{
    size_t n = strlen(s);
    if (n <= 60)
        return s;
    size_t cut = 57;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* do not cut a UTF-8 sequence */
    char *t = arena_alloc(fp->arena, cut + 4);
    memcpy(t, s, cut);
    memcpy(t + cut, "...", 4);
    return t;
}

static int read_field(fm_parser *fp, fm_field f, const char *key, const yamldoc_node *k,
                      const yamldoc_node *v, meta *out)
{
    char *s = NULL;
    char **target = NULL;

    switch (f) {
    case F_AUTHORS:
        return read_names(fp, key, v, &out->authors);
    case F_EDITORS:
        return read_names(fp, key, v, &out->editors);
    case F_TAGS:
        return read_tags(fp, key, v, &out->tags);
    case F_SPEAKERS:
        return read_speakers(fp, v, &out->speakers);
    case F_TITLE: target = &out->title; break;
    case F_SUBTITLE: target = &out->subtitle; break;
    case F_DESCRIPTION: target = &out->description; break;
    case F_PUBLISHER: target = &out->publisher; break;
    case F_SOURCE: target = &out->source; break;
    case F_IDENTIFIER: target = &out->identifier; break;
    case F_RIGHTS: target = &out->rights; break;
    case F_COVER: target = &out->cover; break;
    default: break;
    }
    if (want_string(fp, key, v, &s) < 0)
        return -1;
    if (!s)
        return 0;
    if (target) {
        meta_set(target, s);
        if (f == F_TITLE)
            out->line_title = k->line;
        return 0;
    }
    if (f == F_DATE) {
        /* A date never costs an article: one that cannot be used is left out, with a warning. */
        char date[11];
        switch (yamldoc_date_loose(s, date)) {
        case YAMLDOC_DATE_OK:
            meta_set(&out->date, date);
            break;
        case YAMLDOC_DATE_NO_SUCH_DAY:
            diag_add(fp->diags, DIAG_WARNING, NULL, fp->file, v->line,
                     "front matter: '%s' \"%s\" is a day that does not exist; the article is "
                     "built without a date",
                     key, shown(fp, s));
            break;
        case YAMLDOC_DATE_TOO_EARLY:
            diag_add(fp->diags, DIAG_WARNING, NULL, fp->file, v->line,
                     "front matter: '%s' \"%s\" is before the year 1000, which a book's date "
                     "cannot hold; the article is built without a date",
                     key, shown(fp, s));
            break;
        case YAMLDOC_DATE_UNREADABLE:
            diag_add(fp->diags, DIAG_WARNING, NULL, fp->file, v->line,
                     "front matter: '%s' \"%s\" is not a date sheaf can read (YYYY-MM-DD, with "
                     "a time if you like, or 'Jan 2, 2006'); the article is built without a date",
                     key, shown(fp, s));
            break;
        }
    } else if (f == F_LANG) {
        if (!lang_tag_valid(s)) {
            char *fixed = arena_strdup(fp->arena, s);
            for (char *p = fixed; *p; p++)
                if (*p == '_')
                    *p = '-';
            if (strchr(s, '_') && lang_tag_valid(fixed))
                fm_error(fp, v->line,
                         "'%s' must be a BCP 47 language tag, got \"%s\"; write \"%s\"", key,
                         shown(fp, s), fixed);
            else
                fm_error(fp, v->line,
                         "'%s' must be a BCP 47 language tag such as en, de or pt-BR, got "
                         "\"%s\"",
                         key, shown(fp, s));
            return -1;
        }
        meta_set(&out->lang, s);
    } else if (f == F_DIR) {
        if (str_casecmp_ascii(s, "ltr") != 0 && str_casecmp_ascii(s, "rtl") != 0) {
            fm_error(fp, v->line, "'%s' must be ltr or rtl, got \"%s\"", key, shown(fp, s));
            return -1;
        }
        meta_set(&out->dir, str_casecmp_ascii(s, "rtl") == 0 ? "rtl" : "ltr");
    }
    return 0;
}

int frontmatter_parse(const char *yaml, size_t len, const char *file, int first_line, meta *out,
                      diag_list *diags)
{
    fm_parser fp = {arena_new(), file, diags, NULL};
    const yamldoc_options opts = {.first_line = first_line,
                                  .max_size = FRONTMATTER_MAX_SIZE,
                                  .max_depth = FRONTMATTER_MAX_DEPTH,
                                  .first_doc_only = 0,
                                  .utf8 = 1};
    yamldoc *doc = NULL;
    const yamldoc_node *root;
    int ret = -1;
    int seen_line[FM_NKEYS] = {0};

    if (yamldoc_parse(yaml, len, &opts, &doc) < 0) {
        fm_parse_error(&fp, &doc->error, len);
        goto out;
    }
    yamldoc_warn_dropped(doc, file, "the front matter", diags);
    root = doc->root;
    if (yamldoc_is_null(root)) {
        ret = 0; /* empty front matter */
        goto out;
    }
    if (root->kind != YAMLDOC_MAPPING) {
        fm_error(&fp, root->line, "must be 'key: value' lines (such as 'title: ...'), got %s",
                 yamldoc_kind_name(root));
        goto out;
    }
    ret = 0;
    for (const yamldoc_node *k = root->first; k && k->next; k = k->next->next) {
        const yamldoc_node *v = k->next;
        if (k->kind != YAMLDOC_SCALAR)
            continue;
        size_t i = 0;
        while (i < FM_NKEYS && str_casecmp_ascii(k->value, fm_keys[i].key) != 0)
            i++;
        if (i == FM_NKEYS)
            continue; /* Hugo's, Jekyll's and pandoc's other keys */
        if (seen_line[i]) {
            fm_error(&fp, k->line, "'%s' is given twice (also on line %d); keep one",
                     k->value, seen_line[i]);
            ret = -1;
            continue;
        }
        seen_line[i] = k->line;
        if (read_field(&fp, fm_keys[i].field, k->value, k, v, out) < 0)
            ret = -1;
    }
out:
    yamldoc_free(doc);
    arena_free(fp.arena);
    return ret;
}
