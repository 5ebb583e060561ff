/* book.h: the build pipeline's entry point.
 *
 * Data flow (one module per stage; the article model is model/article.h):
 *   plan (readers/plan.c: command-line inputs, reading list, folder)
 *   -> reader_read (readers/: bytes -> the reader of the input's format -> article model)
 *   -> passes_run (passes/: title, inferred sections, speaker turns, chapters, ids)
 *   -> render_chapter (writers/render.c: cmark tree -> XHTML libxml2 tree -> bytes; sanitize.c for raw
 *      HTML, media.c for images)
 *   -> package_* (writers/package.c: title page, nav, NCX, package document, container)
 *   -> zipwrite_build_fd (writers/zipwrite.c: the EPUB, into a temporary file next to the output)
 *   -> check_epub_memory (checker/check.c, over the file mapped in memory), then the temporary file is
 *      renamed to the output (file_temp_commit), in cli_build.c. */
#ifndef SHEAF_BOOK_H
#define SHEAF_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "model/article.h"
#include "model/options.h"
#include "readers/plan.h"

/* Figures of one build, for --verbose and the summary line. */
/* Where each article's documents in the finished book came from (file and lines), so that a
 * finding of the build's own check can name the input. */
typedef struct book_sources book_sources;

/* The input file and line that line `line` of container entry `entry` ("EPUB/text/x.xhtml")
 * came from: 1 with *file (owned by s) and *src_line (0 when only the file is known), 0 when
 * the entry is not an article's document. */
int book_sources_find(const book_sources *s, const char *entry, int line, const char **file,
                      int *src_line);
/* Accepts NULL. */
void book_sources_free(book_sources *s);

typedef struct build_stats {
    double t_read, t_parse, t_render, t_package; /* seconds per stage */
    size_t articles, chapters, images;
    size_t input_bytes;
    strlist left_out; /* with --keep-going: the inputs left out of the book (owned; the caller
                       * clears it with strlist_clear) */
    book_sources *sources; /* owned; the caller frees it with book_sources_free */
} build_stats;

/* Build the book described by `p` with options `o`. On success returns 0 and the EPUB's size in
 * *epub_len; the EPUB itself is written to the file open for reading and writing on `fd` when
 * fd >= 0 (the caller keeps the descriptor; epub is not used and may be NULL), else returned
 * in *epub (the caller frees it). Diagnostics (warnings; errors on failure) are appended to diags. Returns -1
 * when the book cannot be built. */
int book_build(const plan *p, const build_options *o, int fd, unsigned char **epub,
               size_t *epub_len, build_stats *stats, diag_list *diags);

#endif
