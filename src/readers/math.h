/* math.h: TeX math in Markdown ($...$, $$...$$, \(...\), \[...\]), kept intact.
 *
 * CommonMark knows no math: `$a_1 * b_2$` loses its underscores and stars to emphasis, and
 * `\(` and `\[` lose their backslashes as escapes. sheaf keeps each formula as its TeX source,
 * delimiters included, in an element of its own (no sound C route to MathML exists in Debian):
 *
 *   inline   SEM_SPAN "math" holding one text node: the source, e.g. "$a_1 * b_2$"
 *   display  SEM_DIV "math-display" holding a paragraph with one text node: the source, line
 *            breaks kept, e.g. "$$\n\sum_i x_i\n$$"
 *
 * Order of use, in the Markdown reader:
 *   text = math_protect(text)       before cmark: each formula becomes a code span (or, for a
 *                                    display block whose delimiters stand on lines of their
 *                                    own, a fenced code block) marked as math
 *   doc  = gfm_parse(text) ... notes_collect(doc) ...   (no pass looks inside code)
 *   math_nodes(doc, arena)          the marked code becomes the nodes above */
#ifndef SHEAF_MATH_H
#define SHEAF_MATH_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "base/util.h"

/* Find the formulas of Markdown `text` (len bytes; control characters already removed, see
 * base/text.h) and mark them for cmark. Delimiters, as pandoc's tex_math_dollars and
 * tex_math_single_backslash read them: `$` opens when a non-space follows it and closes when a
 * non-space precedes it and no digit follows it (so "$5 and $10" is no formula); `$$` and
 * `\[`...`\]` are display math, `\(`...`\)` inline, when what they hold has a sign of TeX in it
 * (a command like \frac, or one of ^ _ = { } + * < >: transcripts write "\[01:12\]" and "\[laughter\]" for brackets);
 * `\$` is a dollar sign; a formula never
 * crosses a blank line; nothing inside code spans, fenced or indented code is touched. The
 * number of lines never changes. Returns a new NUL-terminated string the caller frees (its
 * length in *outlen), or NULL when the text holds no formula (then use it as it is). Linear in
 * len. */
char *math_protect(const char *text, size_t len, size_t *outlen);

/* Turn the code that math_protect marked into the math nodes described above (their sem_nodes
 * in `a`). Returns the number of formulas. */
size_t math_nodes(cmark_node *doc, arena *a);

#endif
