/* notes.h: footnotes and numbered references, read by the Markdown reader from cmark's tree
 * (cmark has no footnote syntax).
 *
 * Footnotes use the syntax of pandoc and GitHub:
 *
 *   Text with a note.[^1] And another.[^long-label]
 *
 *   [^1]: The note.
 *   [^long-label]: A note with two paragraphs.
 *
 *       Its second paragraph, indented by four spaces.
 *
 * Bracketed numbers (`Dia[1]`) in an article that ends with a numbered list of references
 * (an ordered list as its last block) become links to those references. */
#ifndef SHEAF_NOTES_H
#define SHEAF_NOTES_H

#include <cmark-gfm.h>
#include <stddef.h>

#include "base/diag.h"
#include "model/sem.h"
#include "base/util.h"

/* Collect the footnotes of one article. Definition paragraphs (top level, or directly inside a
 * block quote or custom block) are removed from the tree; each referenced one becomes a note,
 * numbered 1.. in order of first reference; its body is a detached SEM_DIV "footnote-body"
 * holding the note's blocks (continuation paragraphs indented by four spaces, which cmark reads
 * as an indented code block, are parsed as Markdown and added). A definition that cmark took as
 * a link reference definition (`[^1]: https://...` alone) still works: its note is a link to the
 * URL. References become SEM_NOTEREF inline nodes with `number` set; the first reference to a
 * note has id "fnref-N" (the back-link target), later ones "fnref-N-2", "fnref-N-3"...
 * A reference without definition stays as text, with a warning (file, line); a definition
 * never referenced is dropped with a warning; a label defined twice keeps the first one, with a
 * warning. Bracketed numbers [k] in text, when the article's last block is an ordered list with
 * an item numbered k, become links to "#ref-k", and a SEM_ANCHOR with id "ref-k" is put at the
 * start of that item.
 *
 * On return *notes is an array of *n_notes notes sorted by number (NULL when none): the caller
 * frees the array with free() and owns each body (cmark_node_free). Labels live in `a`.
 * Returns 0 (the pass cannot fail; problems are warnings). */
int notes_collect(cmark_node *doc, arena *a, const char *file, note **notes, size_t *n_notes,
                  diag_list *diags);

#endif
