/* book.h: the book model and the build pipeline's entry point.
 *
 * Data flow (one module per stage):
 *   plan (plan.c: command-line inputs, reading list, folder)
 *   -> article_read / article_parse (article.c: file -> clean text -> front matter -> cmark tree
 *      -> passes: notes.c, interview.c, pasted.c -> title, sections, chapters, ids)
 *   -> render_chapter (render.c: cmark tree -> XHTML libxml2 tree -> bytes; sanitize.c for raw
 *      HTML, media.c for images)
 *   -> package_* (package.c: title page, nav, NCX, package document, container)
 *   -> zipwrite_build_fd (zipwrite.c: the EPUB, into a temporary file next to the output)
 *   -> check_epub_memory (check.c, over the file mapped in memory), then the temporary file is
 *      renamed to the output (file_temp_commit), in cli_build.c. */
#ifndef SHEAF_BOOK_H
#define SHEAF_BOOK_H

#include <cmark.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "meta.h"
#include "plan.h"
#include "sem.h"
#include "strmap.h"

typedef enum {
    BUILD_SPEAKERS_AUTO = 0,
    BUILD_SPEAKERS_OFF
} build_speakers_mode;

/* Everything the command line can set for a build. Strings are borrowed from argv. */
typedef struct build_options {
    meta overrides;          /* book-level metadata from the command line (owned) */
    int toc_depth;           /* default 2 */
    strlist css_files;       /* --css, added after the built-in style */
    const char *style;       /* "default" or "plain" */
    const char *template_dir;
    strlist resource_paths;  /* --resource-path */
    const char *cover;       /* --cover */
    int speakers_off;        /* --speakers=off */
    int timestamps_drop;     /* --timestamps=drop */
    int infer_sections_off;  /* --infer-sections=off */
    int keep_going;
    int verbose;
    long long epoch;         /* SOURCE_DATE_EPOCH, or the current time */
    int threads;             /* worker threads (0: one per core) */
    /* Called as articles are read and rendered (done of total), from the building thread. */
    void (*progress)(void *ud, size_t done, size_t total, const char *current);
    void *progress_ud;
} build_options;

/* Figures of one build, for --verbose and the summary line. */
typedef struct build_stats {
    double t_read, t_parse, t_render, t_package; /* seconds per stage */
    size_t articles, chapters, images;
    size_t input_bytes;
} build_stats;

void build_options_init(build_options *o);
void build_options_free(build_options *o);

/* A heading that becomes a table-of-contents entry and a link target. */
typedef struct heading {
    int level;       /* 1 = the article's top sections */
    char *text;      /* plain text */
    char *id;        /* unique in the article */
    size_t chapter;  /* index into the article's chapters */
    cmark_node *node;
} heading;

/* One XHTML content document: a slice of an article's top-level blocks. */
typedef struct chapter {
    cmark_node *first;   /* first top-level block, NULL when empty */
    cmark_node *end;     /* first block of the next chapter, or NULL */
    int has_opening;     /* the article's opening (title, byline) is rendered here */
    char *href;          /* path relative to the package document, e.g. "text/a001-02.xhtml" */
    char *id;            /* manifest id */
    char *title;         /* for <title> */
    /* Once rendered: the document deflated for the container (zipwrite_deflate), its CRC-32 and
     * its size before deflation. NULL while links to other articles wait in `doc`. */
    unsigned char *deflated;
    size_t deflated_len, xhtml_len;
    uint32_t crc;
    void *doc;           /* xmlDocPtr kept until links to other articles are resolved, or NULL */
    strlist pending;     /* for each placeholder link in doc: "INDEX\tFRAGMENT" of its target */
    int has_svg, has_mathml; /* manifest properties the content needs */
} chapter;

typedef struct article {
    size_t index;        /* position in the book, from 0 */
    char *path;          /* as given, "-" for standard input */
    char *key;           /* normalised path, to resolve links between inputs */
    char *dir;           /* folder of the file, for relative images and links */
    meta meta;           /* front matter merged with list-entry overrides */
    int part;            /* part index, or -1 */
    char *text;          /* clean body Markdown */
    size_t text_len;
    int body_line;       /* file line of the first body line */
    size_t *line_starts; /* byte offset of each body line */
    size_t n_lines;
    cmark_node *doc;
    arena *arena;
    note *notes;
    size_t n_notes;
    speaker_list cast;   /* who took part (declared, then detected) */
    heading *headings;
    size_t n_headings;
    chapter *chapters;
    size_t n_chapters;
    strmap *ids;         /* id -> (chapter index + 1), cast to pointer */
    size_t words;        /* for reading time */
    int raw_html;        /* the Markdown has a '<': its tree may hold raw HTML */
    unsigned char digest[20]; /* SHA-1 of the text, for the book's derived identifier */
    int failed;          /* could not be read or parsed: left out of the book */
    diag_list diags;     /* this article's messages, merged in order */
} article;

/* Build the book described by `p` with options `o`. On success returns 0 and the EPUB's size in
 * *epub_len; the EPUB itself is written to the file open for reading and writing on `fd` when
 * fd >= 0 (the caller keeps the descriptor; epub is not used and may be NULL), else returned
 * in *epub (the caller frees it). Diagnostics (warnings; errors on failure) are appended to diags. Returns -1
 * when the book cannot be built. */
int book_build(const plan *p, const build_options *o, int fd, unsigned char **epub,
               size_t *epub_len, build_stats *stats, diag_list *diags);

#endif
