/* podjson.c: Podcasting 2.0 JSON transcripts (and the speakers-map variant) -> cues. */
#include "readers/podjson.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "base/text.h"

/* Nesting deeper than a transcript ever has: refused before it costs memory. */
#define PODJSON_MAX_DEPTH 16

/* The first of `keys` (NULL-terminated) that obj has; its name in *which. */
static json_object *field(json_object *obj, const char *const *keys, const char **which)
{
    for (size_t i = 0; keys[i]; i++) {
        json_object *v;
        if (json_object_object_get_ex(obj, keys[i], &v)) {
            *which = keys[i];
            return v;
        }
    }
    *which = keys[0];
    return NULL;
}

static const char *const text_keys[] = {"body", "text", NULL};
static const char *const speaker_keys[] = {"speaker", "speakerLabel", "speaker_label",
                                           "speakerName", "speaker_name", NULL};
static const char *const start_keys[] = {"startTime", "start", "start_time", NULL};
static const char *const end_keys[] = {"endTime", "end", "end_time", NULL};

static const char *type_name(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return "true or false";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "a list";
    case json_type_string: return "a text";
    }
    return "something else";
}

/* A string value cleaned for XML: characters XML forbids dropped, CR made a line end. */
static char *string_clean(json_object *v, size_t *n)
{
    *n = (size_t)json_object_get_string_len(v);
    char *s = xstrndup(json_object_get_string(v), *n);
    for (size_t i = 0; i < *n; i++)
        if (s[i] == '\r')
            s[i] = '\n';
    text_strip_xml_forbidden(s, n);
    return s;
}

/* A time in seconds (a number, or a text holding seconds or hh:mm:ss.ttt) in *ms, -1 when
 * absent or null. Returns 0, or -1 with an error naming the path. */
static int time_take(json_object *seg, const char *const *keys, size_t index, long long *ms,
                     const char *file, diag_list *diags)
{
    const char *key;
    json_object *v = field(seg, keys, &key);
    *ms = -1;
    if (!v || json_object_get_type(v) == json_type_null)
        return 0;
    if (json_object_get_type(v) == json_type_double || json_object_get_type(v) == json_type_int) {
        double d = json_object_get_double(v);
        if (isfinite(d) && d >= 0 && d < 1e9) {
            *ms = llround(d * 1000.0);
            return 0;
        }
    } else if (json_object_get_type(v) == json_type_string) {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        if (n > 0 && cue_time_parse(s, n, ms) == n)
            return 0;
    }
    if (json_object_get_type(v) == json_type_string)
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "segments[%zu].%s must be a time in seconds (such as 12.5), got \"%.40s\"",
                 index, key, json_object_get_string(v));
    else if (json_object_get_type(v) == json_type_double ||
             json_object_get_type(v) == json_type_int)
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "segments[%zu].%s must be a time in seconds from 0 to 999999999 (such as 12.5), "
                 "got %.40s",
                 index, key, json_object_get_string(v));
    else
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "segments[%zu].%s must be a time in seconds (such as 12.5), got %s", index, key,
                 type_name(v));
    return -1;
}

/* "speakers": {"spk_0": "Ana"} or {"spk_0": {"name": "Ana"}}, or [{"label": .., "name": ..}]. */
static void speakers_take(json_object *v, cue_list *out)
{
    if (json_object_get_type(v) == json_type_object) {
        json_object_object_foreach(v, label, val)
        {
            json_object *name = val;
            if (json_object_get_type(val) == json_type_object)
                json_object_object_get_ex(val, "name", &name);
            if (json_object_get_type(name) != json_type_string)
                continue;
            size_t n;
            char *s = string_clean(name, &n);
            char *l = xstrdup(label);
            size_t ln = strlen(l);
            text_strip_xml_forbidden(l, &ln);
            speaker_list_add(&out->names, l, s, SPEAKER_ROLE_UNKNOWN);
            free(l);
            free(s);
        }
    } else if (json_object_get_type(v) == json_type_array) {
        static const char *const label_keys[] = {"label", "id", "speakerLabel", "speaker", NULL};
        static const char *const name_keys[] = {"name", "displayName", NULL};
        size_t n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
            json_object *item = json_object_array_get_idx(v, i);
            const char *k;
            if (json_object_get_type(item) != json_type_object)
                continue;
            json_object *label = field(item, label_keys, &k), *name = field(item, name_keys, &k);
            if (json_object_get_type(name) != json_type_string ||
                (json_object_get_type(label) != json_type_string &&
                 json_object_get_type(label) != json_type_int))
                continue;
            size_t ln, nn;
            char *l = string_clean(label, &ln), *s = string_clean(name, &nn);
            speaker_list_add(&out->names, l, s, SPEAKER_ROLE_UNKNOWN);
            free(l);
            free(s);
        }
    }
}

/* The line and column of byte offset `off` in text. */
static void position_of(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

int podjson_parse(const char *text, size_t len, const char *file, cue_list *out,
                  diag_list *diags)
{
    int ret = -1;
    json_tokener *tok = NULL;
    json_object *root = NULL, *segments = NULL;
    const char *key;

    if (len > PODJSON_MAX_BYTES) {
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "this JSON transcript is %zu MB, more than the %zu MB sheaf reads (a hundred "
                 "hours of word-level segments); split it into episodes",
                 len >> 20, PODJSON_MAX_BYTES >> 20);
        goto out;
    }
    tok = json_tokener_new_ex(PODJSON_MAX_DEPTH);
    root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (err == json_tokener_success) {
        while (end < len && (text[end] == ' ' || text[end] == '\n' || text[end] == '\t'))
            end++;
        if (end < len) {
            int line, col;
            position_of(text, end, &line, &col);
            diag_add(diags, DIAG_ERROR, NULL, file, line,
                     "column %d: more text after the end of the JSON; a transcript is one JSON "
                     "object",
                     col);
            goto out;
        }
    } else {
        int line, col;
        position_of(text, end, &line, &col);
        if (err == json_tokener_continue)
            diag_add(diags, DIAG_ERROR, NULL, file, line,
                     "the JSON ends in the middle (a missing '}' or ']'?); is the file "
                     "complete?");
        else if (err == json_tokener_error_depth)
            diag_add(diags, DIAG_ERROR, NULL, file, line,
                     "column %d: the JSON nests deeper than %d levels, which no transcript "
                     "does",
                     col, PODJSON_MAX_DEPTH);
        else
            diag_add(diags, DIAG_ERROR, NULL, file, line, "column %d: not valid JSON: %s", col,
                     json_tokener_error_desc(err));
        goto out;
    }
    if (json_object_get_type(root) == json_type_array) {
        segments = root;
    } else if (json_object_get_type(root) == json_type_object) {
        json_object *v;
        if (json_object_object_get_ex(root, "speakers", &v))
            speakers_take(v, out);
        if ((json_object_object_get_ex(root, "language", &v) ||
             json_object_object_get_ex(root, "lang", &v)) &&
            json_object_get_type(v) == json_type_string && lang_tag_valid(json_object_get_string(v)))
            out->lang = xstrdup(json_object_get_string(v));
        if (!json_object_object_get_ex(root, "segments", &segments)) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "this JSON has no 'segments' list, so it is not a transcript; a Podcasting "
                     "2.0 transcript is {\"version\": \"1.0.0\", \"segments\": [{\"speaker\": ..., "
                     "\"startTime\": ..., \"endTime\": ..., \"body\": ...}]}");
            goto out;
        }
        if (json_object_get_type(segments) != json_type_array) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments must be a list of segments, got %s", type_name(segments));
            goto out;
        }
    } else {
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "this JSON is %s, not a transcript; a Podcasting 2.0 transcript is an object "
                 "with a 'segments' list",
                 type_name(root));
        goto out;
    }
    size_t n = json_object_array_length(segments);
    for (size_t i = 0; i < n; i++) {
        json_object *seg = json_object_array_get_idx(segments, i);
        if (json_object_get_type(seg) != json_type_object) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments[%zu] must be an object with 'body' (or 'text') and times, got %s",
                     i, type_name(seg));
            goto out;
        }
        json_object *body = field(seg, text_keys, &key);
        if (!body) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments[%zu] has no 'body' (or 'text'); each segment holds its words in "
                     "'body'",
                     i);
            goto out;
        }
        if (json_object_get_type(body) == json_type_null)
            continue;
        if (json_object_get_type(body) != json_type_string) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments[%zu].%s must be a text, got %s", i, key, type_name(body));
            goto out;
        }
        long long start, stop;
        if (time_take(seg, start_keys, i, &start, file, diags) != 0 ||
            time_take(seg, end_keys, i, &stop, file, diags) != 0)
            goto out;
        if (stop >= 0 && start >= 0 && stop < start)
            stop = start;
        json_object *sp = field(seg, speaker_keys, &key);
        char *label = NULL;
        size_t label_n = 0;
        if (sp && json_object_get_type(sp) == json_type_string) {
            label = string_clean(sp, &label_n);
        } else if (sp && json_object_get_type(sp) == json_type_int) {
            label = xasprintf("Speaker %lld", (long long)json_object_get_int64(sp));
            label_n = strlen(label);
        } else if (sp && json_object_get_type(sp) != json_type_null) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments[%zu].%s must be a name or a label, got %s", i, key,
                     type_name(sp));
            goto out;
        }
        if (sp)
            out->has_voices = 1;
        size_t tn;
        char *t = string_clean(body, &tn);
        if (tn > CUE_MAX_TEXT) {
            diag_add(diags, DIAG_ERROR, NULL, file, 0,
                     "segments[%zu].%s is over %zu KB, more than a segment holds", i, key,
                     CUE_MAX_TEXT / 1024);
            free(t);
            free(label);
            goto out;
        }
        if (tn > 0)
            cue_list_add(out, start, stop, label ? cue_label_intern(out, label, label_n) : NULL,
                         t, tn, 0);
        free(t);
        free(label);
    }
    if (out->len == 0) {
        diag_add(diags, DIAG_ERROR, NULL, file, 0,
                 "this transcript has no segment with text; there is nothing to make a book of");
        goto out;
    }
    ret = 0;
out:
    if (root)
        json_object_put(root);
    if (tok)
        json_tokener_free(tok);
    return ret;
}
