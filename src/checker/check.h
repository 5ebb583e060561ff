/* check.h: a structural EPUB checker, safe on hostile files.
 *
 * The checker reads an EPUB from memory through a virtual container (nothing is extracted,
 * nothing outside the archive is read, no network): the ZIP container (mimetype, names,
 * duplicates, encryption, compression methods, bombs), the package document (metadata,
 * manifest, spine), the navigation document and NCX, and every XHTML/SVG content document and
 * stylesheet (well-formedness, ids, references, fragments, remote resources, properties).
 *
 * Findings use epubcheck's message IDs where epubcheck has one for the same finding (a few
 * come from epubcheck 5.x: OPF-092, PKG-025, RSC-026, RSC-029, RSC-030, OPF-060 after case
 * folding). Findings epubcheck has no ID for use sheaf's own, listed below. */
#ifndef SHEAF_CHECK_H
#define SHEAF_CHECK_H

#include <stddef.h>

#include "base/diag.h"

/* sheaf's own finding IDs (no epubcheck equivalent). */
#define CHECK_ID_BOMB "SHF-001"         /* compression ratio beyond what deflate can produce */
#define CHECK_ID_TOO_LARGE "SHF-002"    /* entry or archive beyond the checker's size caps */
#define CHECK_ID_SIZE_LIE "SHF-003"     /* entry holds more or fewer bytes than it declares */
#define CHECK_ID_SYMLINK "SHF-004"      /* symbolic link entry */
#define CHECK_ID_METHOD "SHF-005"       /* compression method other than stored or deflate */
#define CHECK_ID_ENCRYPTED "SHF-006"    /* ZIP-encrypted entry (forbidden by OCF) */
#define CHECK_ID_UNSAFE_NAME "SHF-007"  /* absolute entry name or one with ".." segments */
#define CHECK_ID_NCX_NAV "SHF-008"      /* NCX navMap disagrees with the nav toc */
#define CHECK_ID_NAME_UTF8 "SHF-009"    /* entry name is not UTF-8 */
#define CHECK_ID_INCONSISTENT "SHF-010" /* ZIP directory inconsistent (overlaps, duplicates) */
#define CHECK_ID_LIMIT "SHF-011"        /* too many findings; the rest were not recorded */
#define CHECK_ID_TOO_MANY_NAMES "SHF-012" /* more attributes on one element, or distinct names in
                                           * one document, than libxml2 parses in linear time */

/* Caps that keep memory bounded on hostile input. */
#define CHECK_ENTRY_CAP ((size_t)64 << 20)  /* bytes read from one entry */
#define CHECK_TREE_CAP ((size_t)8 << 20)    /* documents parsed into a tree (OPF, nav, NCX) */
#define CHECK_TOTAL_CAP ((size_t)512 << 20) /* bytes decompressed from all entries */
#define CHECK_FILE_CAP ((size_t)1 << 30)    /* size of an EPUB file read from disk */
#define CHECK_RATIO_MAX 1100                /* deflate cannot exceed ~1032:1 */
#define CHECK_MAX_FINDINGS 5000             /* findings recorded per book */
#define CHECK_MAX_RECORDS 1000000           /* ids, and references, kept per book */
#define CHECK_MAX_ATTRS 256                 /* attributes of one element (libxml2 is quadratic) */
#define CHECK_MAX_NAMES 20000               /* distinct element and attribute names in a document */

/* Check an EPUB held in memory; `name` is used in messages. Findings are appended to
 * `findings` (severity, epubcheck-style id such as "PKG-006", file = entry path inside the
 * container, line where known, message). Returns 0 when the data could be examined (whatever
 * was found), -1 when it is not a readable EPUB at all (a FATAL finding is added). Never
 * crashes, hangs or uses unbounded memory on hostile input. `data` is only read during the
 * call. */
int check_epub_memory(const unsigned char *data, size_t len, const char *name, diag_list *findings);

/* The same, on `threads` threads (0: one per online core). Content documents, stylesheets and
 * the NCX are read, parsed and their references checked in parallel; the findings are the
 * same, in the same order, whatever the number of threads. */
int check_epub_memory_threads(const unsigned char *data, size_t len, const char *name,
                              diag_list *findings, int threads);

/* The same for a file on disk (read whole into memory, at most CHECK_FILE_CAP bytes). Returns
 * -1 with a FATAL finding (file NULL) when it cannot be read. */
int check_epub_file(const char *path, diag_list *findings);
/* The same for the bytes read from an open descriptor to its end (standard input, a pipe),
 * at most CHECK_FILE_CAP; `name` is used in messages. */
int check_epub_fd(int fd, const char *name, diag_list *findings);

#endif
