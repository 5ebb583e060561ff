/* meta.h: metadata of a book or of one article (front matter, list entries, command line).
 *
 * Every string is owned by the meta and freed by meta_free. NULL / empty list means "not
 * given", so that layers can be merged: command line over list entry over front matter. */
#ifndef SHEAF_META_H
#define SHEAF_META_H

#include "base/util.h"

typedef enum speaker_role {
    SPEAKER_ROLE_UNKNOWN = 0,
    SPEAKER_ROLE_HOST,  /* host or interviewer */
    SPEAKER_ROLE_GUEST  /* guest or interviewee */
} speaker_role;

typedef struct speaker {
    char *label; /* as written in turns, e.g. "KB" or "Kevin Ball" */
    char *name;  /* full name; equals label when none is declared */
    speaker_role role;
} speaker;

typedef struct speaker_list {
    speaker *items;
    size_t len, cap;
} speaker_list;

typedef struct meta {
    char *title;
    char *subtitle;
    strlist authors;
    strlist editors;
    char *lang;        /* a BCP 47 tag */
    char *dir;         /* "ltr", "rtl" or NULL */
    char *date;        /* ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD */
    char *publisher;
    char *description;
    char *identifier;
    char *rights;
    char *source;      /* the article's URL */
    char *cover;       /* a file path */
    strlist tags;
    speaker_list speakers; /* declared cast (front matter `speakers:`) */
    int line_title;    /* line of `title:` in its file, 0 when unknown (for messages) */
} meta;

void meta_init(meta *m);
void meta_free(meta *m);
/* Replace each field of dst that `over` sets (non-NULL / non-empty) by a copy of it. */
void meta_merge(meta *dst, const meta *over);
/* Set a string field, freeing the old value; value is copied (NULL clears). */
void meta_set(char **field, const char *value);

void speaker_list_add(speaker_list *l, const char *label, const char *name, speaker_role role);
/* The speaker whose label or name equals `label` (ASCII case-insensitive), or NULL. Looks at
 * every speaker: for one label at a time; a pass resolving many labels uses a speaker_index. */
const speaker *speaker_list_find(const speaker_list *l, const char *label);
void speaker_list_clear(speaker_list *l);
void speaker_list_copy(speaker_list *dst, const speaker_list *src);

/* An index over a cast for resolving turn labels, each in constant time. It points into the
 * list, which must outlive it and not change meanwhile. */
typedef struct speaker_index speaker_index;

/* Index `l` (may be NULL or empty). Free with speaker_index_free (accepts NULL). */
speaker_index *speaker_index_new(const speaker_list *l);
void speaker_index_free(speaker_index *ix);
/* The speaker a turn label names, ASCII case-insensitively: one whose label equals it, else one
 * whose full name equals it, else the one speaker whose full name has it as its first name, its
 * surname (last word, or from a particle on: "van Last") or its initials ("FL", "F.L.", "F. L.";
 * capitals only). NULL when nothing matches or a short form fits two speakers. */
const speaker *speaker_index_find(const speaker_index *ix, const char *label);

#endif
