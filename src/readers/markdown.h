/* markdown.h: the Markdown reader (also plain text pasted from a web page).
 *
 * UTF-8 hygiene (base/text.c), front matter (readers/frontmatter.c), pasted-text normalising
 * (readers/pastedtext.c), TeX math kept (readers/math.c), cmark's parse, and footnotes
 * (readers/notes.c), which belong to Markdown's syntax. The passes (passes/) run after. */
#ifndef SHEAF_MARKDOWN_H
#define SHEAF_MARKDOWN_H

#include "model/article.h"
#include "model/options.h"

/* Longest line accepted: a long paragraph is a few KB; a line this long is data, not prose. */
#define MARKDOWN_MAX_LINE ((size_t)1 << 20)

/* Read `raw` (len bytes, the input's whole content; borrowed) as Markdown into `a`, whose path,
 * key and dir are set. Fills a->meta (front matter), a->text, the line index, a->digest and
 * a->doc. Returns 0, or -1 (with an error in a->diags). */
int markdown_read(article *a, const char *raw, size_t len, const build_options *o);

#endif
