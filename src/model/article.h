/* article.h: the article model, what every reader produces and every later stage consumes.
 *
 * A reader (readers/) turns one input into an article: its metadata (`meta`), its body as a
 * cmark tree (`doc`; semantic nodes from model/sem.h for what CommonMark has no node for), and
 * for text inputs the source text with its line index (for messages and chapter sizes). The
 * passes (passes/) add structure to the tree: notes, speaker turns, inferred sections, the
 * title, chapter cuts and heading ids. The writers (writers/) render each chapter to XHTML and
 * package the book. No stage needs the pipeline's header (book.h) to know what an article is. */
#ifndef SHEAF_ARTICLE_H
#define SHEAF_ARTICLE_H

#include <cmark-gfm.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/strmap.h"
#include "base/util.h"
#include "model/meta.h"
#include "model/sem.h"

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
    void *doc;           /* xmlDocPtr kept until links to other articles are resolved and web
                          * images fetched (render_links_finish), or NULL */
    strlist pending;     /* for each placeholder link in doc: "INDEX\tFRAGMENT" of its target */
    strlist pending_images; /* for each placeholder image in doc: the web address to fetch */
    int has_svg, has_mathml; /* manifest properties the content needs */
    /* Where the document's lines came from, for messages about the finished book: pairs
     * (line in the XHTML, line in the article's file), by XHTML line; n_lines pairs. */
    int *line_map;
    size_t n_line_map;
} chapter;

typedef struct article {
    size_t index;        /* position in the book, from 0 */
    char *path;          /* as given, "-" for standard input */
    char *key;           /* normalised path, to resolve links between inputs */
    char *dir;           /* folder of the file, for relative images and links; NULL for an
                          * article fetched from the web (it has no folder here) */
    char *base_url;      /* for an article fetched from the web: its final address, which its
                          * relative links and images resolve against (then no file on this
                          * computer is ever read for it); NULL for local inputs */
    size_t web_images;   /* images from the web asked for so far (capped by --max-images) */
    meta meta;           /* front matter merged with list-entry overrides */
    int part;            /* part index, or -1 */
    char *text;          /* clean body text (Markdown), or NULL for inputs that have none */
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
    strmap *id_renames;  /* an id of raw HTML that has the shape of sheaf's own ("fn-1") -> the
                          * name it takes instead ("user-fn-1", a string of id_renamed); NULL
                          * when there is none */
    strlist id_renamed;
    size_t words;        /* for reading time */
    int raw_html;        /* the body may hold raw HTML nodes */
    int markup;          /* read from markup that states its structure (a web page): no
                            sections are inferred from its paragraphs */
    int captions;        /* read from a caption file (readers/captions.c): the reader made its
                            turns and paragraphs, so the passes look for no title, sections or
                            labels in it */
    unsigned char digest[20]; /* SHA-1 of the input, for the book's derived identifier */
    int failed;          /* could not be read or parsed: left out of the book */
    diag_list diags;     /* this article's messages, merged in order */
} article;

/* A new empty article at position `index`; free with article_free (accepts NULL). */
article *article_new(size_t index);
void article_free(article *a);

/* The name messages use for the article's file: its path, or "<stdin>". */
const char *article_file(const article *a);

/* Index the start of each line of a->text (a->line_starts, a->n_lines). */
void article_lines_index(article *a);

/* Free what rendering no longer needs once every chapter is rendered: the cmark tree, the
 * notes, the text. Headings keep their text and ids, chapters their output. */
void article_release_tree(article *a);

/* 1 when id has the shape of the ids sheaf gives notes and references ("fn-3", "fnref-3",
 * "fnref-3-2", "ref-3"): no heading and no id from raw HTML may have it. */
int article_id_reserved(const char *id);

/* The plain text of a node's inline content (text and code), a new string the caller frees. */
char *node_plain_text(cmark_node *node);

/* Largest source size of one content document before it is split further. */
#define ARTICLE_CHAPTER_LIMIT (200 * 1024)

#endif
