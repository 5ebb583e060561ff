/* frontmatter.h: the YAML front matter block at the top of a Markdown file (pandoc, Jekyll,
 * Hugo). */
#ifndef SHEAF_FRONTMATTER_H
#define SHEAF_FRONTMATTER_H

#include <stddef.h>

#include "base/diag.h"
#include "base/yamldoc.h"
#include "model/meta.h"

/* Largest front matter accepted, in bytes. */
#define FRONTMATTER_MAX_SIZE (1024 * 1024)
/* Deepest nesting of mappings and sequences accepted. */
#define FRONTMATTER_MAX_DEPTH 64

/* If `text` starts with a YAML front matter block (first line exactly "---", closed by a line
 * "---" or "..."), set *yaml and *yaml_len to its content, *body_off to the offset of the text after
 * the closing line and *body_line to that line's number (1-based), and return 1; return 0 when
 * there is none (a leading "---" with no closing line is not front matter).
 * Delimiter lines may carry trailing spaces or tabs and end in LF or CRLF. As in pandoc, a
 * "---" followed by a blank line is a thematic break, not front matter. *yaml points into
 * `text` (nothing is allocated). The YAML's first line is line 2 of the file. */
int frontmatter_split(const char *text, size_t len, const char **yaml, size_t *yaml_len,
                      size_t *body_off, int *body_line);

/* Parse front matter YAML (with libyaml) into `out` (initialised by the caller with meta_init;
 * fields found are set, others left as they are). Keys: title, subtitle, author/authors (string
 * or list; also editor/editors; a list item may be a mapping with `name`), date (YYYY, YYYY-MM,
 * YYYY-MM-DD, or a full ISO date-time whose date part is used), lang/language (validated with
 * lang_tag_valid), dir (ltr/rtl), description/summary, publisher, source/url, identifier,
 * rights, tags/keywords (list, or a string of comma-separated tags), cover, speakers (a mapping
 * label -> {name, role} or label -> "Full Name", or a list of names / of {name, label, role};
 * roles host/interviewer -> SPEAKER_ROLE_HOST, guest/interviewee -> SPEAKER_ROLE_GUEST, any other
 * role is a warning). Unknown keys are ignored. An empty or null value (`title:`, `~`) is "not
 * given". `first_line` is the file line of the first YAML line, so that messages name the real
 * line.
 * Errors (malformed YAML with libyaml's line, a value of the wrong type, a malformed date or
 * language tag, a key given twice, YAML deeper than FRONTMATTER_MAX_DEPTH, aliases, YAML over
 * FRONTMATTER_MAX_SIZE, a top level that is not a mapping) add an error diag at "FILE:LINE"
 * saying what to do and return -1; `out` may then hold some fields (meta_free frees them).
 * Returns 0 on success. */
int frontmatter_parse(const char *yaml, size_t len, const char *file, int first_line, meta *out,
                      diag_list *diags);

/* Read a `speakers:` value written as front matter writes it (label: name, label: {name, role},
 * or a list) into `out`, as for a reading-list entry. Errors name `file` and the line and return
 * -1. */
int frontmatter_speakers(const yamldoc_node *v, const char *file, speaker_list *out,
                         diag_list *diags);

#endif
