/* check_internal.h: what the checker's stages share (see check.h for the public API).
 *
 * The checker is split by stage, dependencies going one way: check.c (entry points and
 * orchestration) calls check_zip.c (the ZIP container), check_opf.c (container.xml, the
 * package document, properties), check_content.c (content documents, stylesheets and their
 * references) and check_nav.c (navigation document and NCX); all of them use check_common.c
 * (findings, URLs inside the container, hostile-safe XML helpers). Not installed, not for use
 * outside src/check*.c. */
#ifndef SHEAF_CHECK_INTERNAL_H
#define SHEAF_CHECK_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <zip.h>

#include "checker/check.h"
#include "base/diag.h"
#include "base/strmap.h"
#include "base/util.h"

#define NS_OPF "http://www.idpf.org/2007/opf"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_EPUB "http://www.idpf.org/2007/ops"
#define NS_SVG "http://www.w3.org/2000/svg"
#define NS_MATHML "http://www.w3.org/1998/Math/MathML"
#define NS_XLINK "http://www.w3.org/1999/xlink"
#define NS_NCX "http://www.daisy.org/z3986/2005/ncx/"
#define NS_OCF "urn:oasis:names:tc:opendocument:xmlns:container"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_SMIL "http://www.w3.org/ns/SMIL"

#define MT_XHTML "application/xhtml+xml"
#define MT_SVG "image/svg+xml"
#define MT_NCX "application/x-dtbncx+xml"
#define MT_CSS "text/css"
#define MT_SMIL "application/smil+xml"

#define XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_COMPACT)

/* Manifest item properties sheaf knows about. */
enum {
    PROP_NAV = 1 << 0,
    PROP_SVG = 1 << 1,
    PROP_SCRIPTED = 1 << 2,
    PROP_MATHML = 1 << 3,
    PROP_REMOTE = 1 << 4,
    PROP_COVER = 1 << 5,
    PROP_SWITCH = 1 << 6,
    PROP_REMOTE_SEEN = 1 << 7, /* needs: a remote reference that is not allowed (RSC-006) */
};

/* How a reference is used decides which rules apply to it. */
enum ref_kind {
    REF_LINK,       /* hyperlink: a, area, svg a */
    REF_RESOURCE,   /* an embedded resource of no finer kind */
    REF_IMAGE,      /* img src and srcset, picture source, input image, svg image, poster, altimg */
    REF_MEDIA,      /* audio and video src, and their source elements: may be remote */
    REF_TRACK,      /* track src (timed text: exempt from fallbacks) */
    REF_SCRIPT,     /* script src */
    REF_IFRAME,     /* iframe src */
    REF_EMBED,      /* embed src */
    REF_OBJECT,     /* object data */
    REF_HEADLINK,   /* link href other than a stylesheet (exempt; data: and remote allowed) */
    REF_CITE,       /* blockquote, q, ins, del cite */
    REF_SVG_USE,    /* svg use href: must name an element */
    REF_STYLESHEET, /* link rel=stylesheet, CSS @import, xml-stylesheet */
    REF_CSS,        /* CSS url() outside @font-face */
    REF_FONT,       /* CSS url() in @font-face src, svg font-face-uri: may be remote */
    REF_TOC,        /* link in the toc nav */
    REF_NCX,        /* navPoint content src */
    REF_MO_TEXT,    /* media overlay text src */
    REF_MO_TEXTREF, /* media overlay epub:textref */
    REF_MO_AUDIO,   /* media overlay audio src */
};

/* What else the rules need to know of a reference. */
enum {
    REF_F_PICTURE_IMG = 1 << 0,    /* the img of a picture */
    REF_F_PICTURE_SOURCE = 1 << 1, /* a source of a picture */
    REF_F_TYPED = 1 << 2,          /* its element gives the media type (type attribute) */
    REF_F_FALLBACK = 1 << 3,       /* its element holds an intrinsic fallback (object content) */
};

/* Kinds of ids, for the references that may only point at some (RSC-014). */
enum { ID_GENERIC, ID_SVG_SYMBOL, ID_SVG_PAINT, ID_SVG_CLIP };
#define ID_VALUE(ordinal, type) ((void *)(uintptr_t)(((uintptr_t)(ordinal) << 2) | (type)))
#define ID_ORDINAL(v) ((unsigned long)((uintptr_t)(v) >> 2))
#define ID_TYPE(v) ((int)((uintptr_t)(v)&3))

typedef struct zentry {
    char *name; /* as stored (libzip's raw name) */
    zip_uint64_t size, comp_size;
    zip_uint16_t method;
    int skip; /* never read: encrypted, symlink, bomb, odd method, unsafe name */
    int is_dir;
    int listed;   /* a manifest item names it */
    int reported; /* a finding already names it: no OPF-003 on top */
    int encrypted; /* encryption.xml names it: its content is not checked */
} zentry;

typedef struct mitem {
    char *id, *href, *media_type, *fallback, *media_overlay;
    char *path; /* container path; NULL when remote or unresolvable */
    int line;
    long entry; /* index into the entry table, -1 when absent */
    int spine;  /* position in the spine, -1 when not in it */
    unsigned props, needs;
    int scanned; /* content document parsed without a fatal error */
    int fxl;     /* rendered pre-paginated (rendition:layout, globally or on its itemref) */
    int linear;  /* in the spine and not linear="no" */
    int reached; /* a hyperlink from another document or the nav points at it */
    int remote_ok, remote_reported; /* remote item: used as a font or media; RSC-006 given */
    strmap *ids; /* id -> ID_VALUE(ordinal of the element carrying it, ID_ kind) */
} mitem;

typedef struct ref {
    size_t item; /* referring item */
    int line;
    unsigned short kind;
    unsigned char flags; /* REF_F_* */
    unsigned group;      /* audio and video: the element the reference belongs to (0: none) */
    char *url;
    char *type; /* the type attribute of its element, or NULL */
} ref;

/* A growing list of references. */
typedef struct ref_list {
    ref *v;
    size_t n, cap;
} ref_list;

/* A raw ZIP central directory record, from the raw bytes: its name, and where its data lies
 * (for reading entries without libzip, from several threads). */
typedef struct raw_name {
    const unsigned char *p;
    size_t len;
    uint16_t flags, method;
    uint32_t crc, comp_size, size, header; /* header: offset of the local header */
    const unsigned char *extra;            /* the record's extra fields, or NULL */
    uint16_t extra_len;
} raw_name;

typedef struct check_ctx {
    const char *book;
    diag_list *out;
    size_t n_findings;
    int limit_reported;
    const unsigned char *data;
    size_t len;
    zip_t *za;
    zentry *ent;
    size_t n_ent;
    strmap *ent_by_name; /* name -> index + 1 */
    size_t total_read;
    char *opf_path;
    int epub2;
    char *uid; /* value of the unique identifier */
    mitem *items;
    size_t n_items;
    strmap *item_by_id;   /* id -> index + 1 */
    strmap *item_by_path; /* path -> index + 1 */
    strmap *remote_items; /* href of remote manifest items -> index + 1 */
    long nav_item, ncx_item;
    int fxl;                 /* the package's rendition:layout is pre-paginated */
    strmap *css_classes;     /* class selectors of every style sheet */
    strmap *prefixes;        /* vocabulary prefixes the package declares */
    char *mo_active_class;   /* media:active-class, or NULL */
    char *mo_playback_class; /* media:playback-active-class, or NULL */
    long *mo_users;          /* per item: the media overlay whose text first points into it, -1 */
    const raw_name *raw; /* central directory records, in libzip's order; NULL if unusable */
    int threads;         /* for content documents; 0: one per core */
    size_t n_ids;        /* ids recorded over all documents */
    int records_capped;  /* CHECK_MAX_RECORDS reached: fragments are no longer checked */
    int records_reported;
} check_ctx;

#define IDX_PUT(i) ((void *)(uintptr_t)((i) + 1))
#define IDX_GET(p) ((long)(uintptr_t)(p)-1)

/* A finding made while a content document is checked on a worker thread; it is added to the
 * book's list afterwards, in manifest order, so the report does not depend on the threads. */
typedef struct pending {
    diag_severity sev;
    const char *id;
    const char *file; /* lives as long as the context (an entry or item path) */
    int line;
    char *msg;
} pending;

/* The work on one manifest item (content document or stylesheet) and what it found. */
typedef struct item_job item_job;
struct item_job {
    size_t item;
    long entry;
    int admitted;     /* the caps allowed reading it */
    int entry_failed; /* the entry could not be read: never read it again */
    pending *f;
    size_t n_f, cap_f;
    ref_list refs;
    size_t n_ids;
    int kind;       /* JOB_CONTENT, JOB_NCX */
    struct reach {
        size_t item;
        int how; /* REACH_* */
    } * reach;   /* the items its references point at, for the checks across documents */
    size_t n_reach, cap_reach;
    strbuf classes; /* class names of the CSS selectors seen, one a line */
    size_t n_classes;
    strbuf toc_seq; /* targets of the toc links (nav document's job) */
    strbuf ncx_seq; /* targets of the navPoints (NCX job) */
};

enum { JOB_CONTENT, JOB_NCX, JOB_IMAGE };

/* How a document reaches another (item_job.reach). */
enum {
    REACH_LINK,            /* a hyperlink from another document */
    REACH_MO,              /* a media overlay's text */
    REACH_REMOTE_OK,       /* a remote item used where remote resources are allowed */
    REACH_REMOTE_REPORTED, /* a remote item already reported where it is used (RSC-006) */
    REACH_ENTRY_REPORTED,  /* `item` is an entry index: reported as undeclared (RSC-008) */
};

/* What reading an entry gave. */
enum fetch_result {
    FETCH_OK,
    FETCH_BROKEN, /* libzip or inflate failed, or a CRC mismatch (PKG-008) */
    FETCH_MORE,   /* more bytes than declared (SHF-003) */
    FETCH_LESS,   /* fewer bytes than declared (SHF-003) */
};

/* What a URL found in a document points at (check_url_classify). */
enum url_class {
    URL_EMPTY,    /* "" */
    URL_FRAGMENT, /* "#x": the same document */
    URL_LOCAL,    /* a container path */
    URL_REMOTE,   /* http(s) or protocol-relative */
    URL_DATA,
    URL_FILE,
    URL_OTHER,   /* mailto:, tel:, ... */
    URL_OUTSIDE, /* climbs above the container root or is absolute */
    URL_INVALID,
};

/* The first error a parser reported. */
typedef struct xml_err {
    char msg[300];
    int line;
    int have;
} xml_err;

/* A finding about an entry: to the job when there is one, else to the book. */
#define ENTRY_FINDING(c, job, sev, id, file, ...)                                                  \
    do {                                                                                           \
        if (job)                                                                                   \
            check_job_finding(job, sev, id, file, 0, __VA_ARGS__);                                 \
        else                                                                                       \
            check_finding(c, sev, id, file, 0, __VA_ARGS__);                                       \
    } while (0)

/* The job the calling thread works on, if any: check_finding() and check_ref_add() then record
 * into it, so that the checks written for the book as a whole can run on worker threads. */
extern _Thread_local item_job *check_tl_job;

static inline int check_is_space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

/*** check_common.c: findings ***/

/* Add a finding to the book (or to check_tl_job when the thread works on a job), within the
 * book's cap on findings. */
void check_finding(check_ctx *c, diag_severity sev, const char *id, const char *file, int line,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Record a finding in job `j`, to be added to the book in manifest order. */
void check_job_finding(item_job *j, diag_severity sev, const char *id, const char *file, int line,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A printable, bounded copy of untrusted bytes for messages. The caller frees it. */
char *check_shown(const char *s, size_t len);

/* check_shown(s, len), made once into *cache on first use (the caller frees *cache). */
const char *check_shown_once(char **cache, const char *s, size_t len)
    __attribute__((returns_nonnull));

/* Does the whitespace-separated list `list` contain `word`? */
int check_list_has(const char *list, const char *word);

/*** check_common.c: references and items ***/

/* Append a reference to url[0..n) (copied) to `l` and return it (valid until the next
 * append); check_ref_list_release frees the list. */
ref *check_ref_list_add(ref_list *l, size_t item, int line, int kind, const char *url, size_t n);
void check_ref_list_release(ref_list *l);

/* Give back the unused part of `l` (lists kept until every document is scanned). */
void check_ref_list_trim(ref_list *l);

/* Record a reference made by item `item` in the calling thread's job (check_tl_job), within
 * CHECK_MAX_RECORDS; an invalid URL is reported instead (RSC-020). */
void check_ref_add(check_ctx *c, size_t item, int line, int kind, const char *url);

/* The remote manifest item `url` names (its fragment ignored), as stored in remote_items
 * (IDX_PUT), or NULL. */
void *check_remote_item(const check_ctx *c, const char *url);

/* The manifest item at container path `path`, or -1. */
long check_item_by_path(const check_ctx *c, const char *path);

/* Does the fallback chain of manifest item i reach an item whose media type `want` accepts
 * (item i itself included when from_self)? Bounded by the number of items: a chain that loops
 * is reported elsewhere. */
int check_fallback_reaches(const check_ctx *c, long i, int (*want)(const char *mt), int from_self);

/* Is `mt` the media type of a content document (XHTML or SVG)? */
static inline int check_is_content_type(const char *mt)
{
    return mt && (strcmp(mt, MT_XHTML) == 0 || strcmp(mt, MT_SVG) == 0);
}

/*** check_common.c: URLs inside the container ***/

/* The NFC form of the UTF-8 string s (a copy of s when it is ASCII or not UTF-8): container
 * paths are compared after Unicode normalisation. The caller frees it. */
char *check_nfc(const char *s);

/* Percent-decode s[0..n) into a new string (the caller frees it); NULL when malformed. */
char *check_url_decode(const char *s, size_t n);

/* Resolve `rel` against the folder of `base`: a new path in NFC (the caller frees it), or NULL
 * when it climbs above the root. */
char *check_url_resolve(const char *base, const char *rel);

/* The container path a URL parser makes of `url` (query and fragment dropped, %-escapes
 * decoded) against `base`: ".." above the root stays at the root and a path-absolute URL starts
 * from it, as EPUB 3.3 resolves URLs against the container's root URL. A new string the caller
 * frees, or NULL when it is malformed. */
char *check_url_resolve_clamped(const char *base, const char *url);

/* Classify `url` found in the document at `base` (enum url_class); sets *path and *frag (new
 * strings the caller frees) for URL_LOCAL and URL_FRAGMENT. */
int check_url_classify(const char *base, const char *url, char **path, char **frag);
/* Why the n-byte URL is not a valid URL (white space, a second '#', a bad %-escape, a non-ASCII
 * host, characters URLs never hold), or NULL when it is fine. A static string. */
const char *check_url_invalid(const char *url, size_t n);
/* Does the n-byte url name a scheme of its own (http:, https:, mailto:, ...), neither data: nor
 * file:, with no backslash? A hyperlink to such a URL never gives a finding, so it is not
 * recorded (most links of an article point to the web). */
int check_url_foreign(const char *url, size_t n);

/*** check_common.c: XML (hostile input) ***/

/* Keep the first error of a parser in `e`. */
void check_xml_err_keep(xml_err *e, const xmlError *err);

/* Structured error handler for an xmlTextReader: `arg` is an xml_err. */
void check_xml_reader_error(void *arg, xmlErrorPtr err);

/* Generic error handler that prints nothing. */
void check_xml_silent(void *ctx, const char *msg, ...);

/* External entity loader that loads nothing. */
xmlParserInputPtr check_xml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt);

/* Report DOCTYPE external identifiers (allowed only as EPUB 3.3 lists them, each for its media
 * type `media_type`; NULL for package and container documents) and external entities of `doc`,
 * to `job` when not NULL, else to the book; check_xml_doctype_book always to the book. */
void check_xml_doctype(xmlDocPtr doc, const char *path, const char *media_type, item_job *job,
                       check_ctx *c);
void check_xml_doctype_book(check_ctx *c, xmlDocPtr doc, const char *path,
                            const char *media_type);

/* The number of bytes entity `name` of doc expands to, nested references followed (memoised in
 * `memo`, a map the caller makes and frees), saturating. */
size_t check_xml_entity_size(xmlDocPtr doc, const char *name, strmap *memo);

/* Parse a small XML document into a tree (the caller frees it with xmlFreeDoc), or NULL with
 * an RSC-016 finding. */
xmlDocPtr check_xml_parse(check_ctx *c, const char *path, const unsigned char *buf, size_t len);

/* Tree helpers: element test, attribute value (the caller frees it), bounded text content (the
 * caller frees it), first child element, next sibling element. */
int check_xml_is(const xmlNode *n, const char *ns, const char *name);
char *check_xml_attr(const xmlNode *n, const char *name, const char *ns);
char *check_xml_text(const xmlNode *n);
/* An attribute of type ID or IDREF(S) without namespace, its leading and trailing white space
 * removed (as an XML processor normalises ID values), or NULL. The caller frees it. */
char *check_xml_id_attr(const xmlNode *n, const char *name);
const xmlNode *check_xml_first_child(const xmlNode *n);
const xmlNode *check_xml_next(const xmlNode *n);

/*** check_zip.c: the ZIP container ***/

/* The mimetype entry, from the raw bytes of the first local header. */
void check_zip_first_header(check_ctx *c);

/* The central directory records from the raw bytes: their number (0 when not found or ZIP64);
 * *names is malloc'd, the caller frees it. */
size_t check_zip_raw_names(const unsigned char *d, size_t len, raw_name **names);

/* A record declaring 4294967295 bytes (the ZIP64 marker) without a ZIP64 extra field to hold
 * the real size, or NULL. */
const raw_name *check_zip_bad_zip64(const raw_name *names, size_t n);

/* Names equal byte for byte or after case folding (OPF-060). */
void check_zip_duplicate_names(check_ctx *c, const raw_name *names, size_t n);

/* Build the entry table from libzip (names, sizes, hostile entries). */
void check_zip_entries_load(check_ctx *c, const raw_name *raw, size_t n_raw);

/* The entry named `path`, or -1. */
long check_zip_entry_find(const check_ctx *c, const char *path);

/* Where entry i's data starts in the archive when it can be read from the raw bytes; else 0. */
size_t check_zip_entry_offset(const check_ctx *c, long i);

/* May entry i be read, given the caps? 0 after a finding (to `job` when not NULL), else counts
 * it towards the total and returns 1. */
int check_zip_entry_admit(check_ctx *c, long i, size_t cap, item_job *job);

/* Read entry i whole (enum fetch_result); thread-safe when it can be read from the raw bytes.
 * On FETCH_OK *owned is a new NUL-terminated buffer the caller frees. */
int check_zip_entry_fetch(const check_ctx *c, long i, struct libdeflate_decompressor *dc,
                          const unsigned char **data, unsigned char **owned, size_t *len, char *why,
                          size_t whylen);

/* Report what check_zip_entry_fetch gave for entry i (nothing on FETCH_OK). */
void check_zip_fetch_report(check_ctx *c, item_job *job, long i, int res, size_t got,
                            const char *why);

/* Read entry i whole, at most `cap` bytes: a malloc'd NUL-terminated buffer (the caller frees
 * it), or NULL with a finding. */
unsigned char *check_zip_entry_read(check_ctx *c, long i, size_t cap, size_t *len_out);

/*** check_opf.c: container.xml and the package document ***/

/* container.xml: finds the package document. -1 when the book cannot be checked further. */
int check_opf_container(check_ctx *c);

/* The package document: metadata, manifest, spine. -1 when it cannot be checked further. */
int check_opf_package(check_ctx *c);

/* Manifest properties against what the scanned documents need (OPF-014, OPF-015, OPF-018). */
void check_opf_properties(check_ctx *c);

/* META-INF/encryption.xml and signatures.xml: content models, duplicate ids (RSC-005),
 * obfuscated resources that are not fonts (PKG-026); encrypted entries are not read. */
void check_opf_ocf_files(check_ctx *c);

/* Files in the container that no manifest item lists (OPF-003). */
void check_opf_unlisted(check_ctx *c);

/* Media overlay `mo` has a text element pointing into item `target` (MED-010, MED-011, MED-012). */
void check_mo_text_target(check_ctx *c, size_t mo, size_t target);

/* What needs every document scanned: non-linear items no link reaches (OPF-096), content
 * documents their media overlay never points into (MED-013), active classes no style sheet
 * defines (CSS-030). */
void check_opf_after_scan(check_ctx *c);

/*** check_content.c: content documents and stylesheets (worker threads) ***/

/* What a worker thread keeps from one document to the next: the pre-scan's table of name
 * hashes (emptied by bumping `gen`, not by clearing). */
typedef struct check_scratch {
    uint64_t *names; /* CHECK_NAME_SLOTS entries: generation << 32 | hash, 0 when unused */
    uint32_t gen;
} check_scratch;

#define CHECK_NAME_SLOTS 65536 /* a power of two, above 2 * CHECK_MAX_NAMES */

/* Free what a scratch holds (not the scratch itself). */
void check_scratch_release(check_scratch *s);

/* Scan a content document with SAX: well-formedness, ids, references, needed properties. */
void check_content_scan(const check_ctx *c, item_job *job, const unsigned char *buf, size_t len,
                        check_scratch *scratch);


/* Resolve the references of `l` in order; toc and NCX targets are listed in toc_seq/ncx_seq. */
void check_content_refs(check_ctx *c, const ref_list *l, strbuf *toc_seq, strbuf *ncx_seq);

/*** check_css.c: style sheets (worker threads) ***/

/* What CSS text is: a style sheet file, a <style> element, a style attribute. */
enum { CSS_SHEET, CSS_STYLE_ELEMENT, CSS_STYLE_ATTR };

/* Tokenise and parse CSS text of kind `kind` found in item `item` (at `path`) from line `line0`:
 * findings and references (url(), @import) go to `job`, class selectors to job->classes. */
void check_css_scan(item_job *job, const char *path, size_t item, const char *css, size_t len,
                    int line0, int kind);

/*** check_html.c: the HTML content model (XHTML documents, while they are scanned) ***/

/* What the content model needs to know of an element's attributes. */
typedef struct html_attrs {
    int has_href, has_controls, has_usemap, type_hidden, has_src;
} html_attrs;

/* An open element. */
typedef struct html_frame {
    short el, forbid_by; /* table index of the element, and of the one that set `forbid` */
    unsigned char model, stage, skip, has_text, text_reported, dl_in_div, has_src;
    unsigned char inherit; /* the model a transparent child of it is checked against */
    unsigned count;
    unsigned forbid; /* categories its descendants must not have */
    int line;
} html_frame;

#define HTML_CACHE 64

typedef struct html_state {
    html_frame *f;
    size_t n, cap;
    int n_errors;
    const char *cache_key[HTML_CACHE]; /* element names (the parser's dictionary) looked up */
    const struct html_element *cache_el[HTML_CACHE];
} html_state;

void check_html_init(html_state *h);
void check_html_release(html_state *h);
/* An element starts (`xhtml`: in the XHTML namespace; others are not checked, nor their
 * content); findings (RSC-005) go to `job` at `path`:`line`. */
void check_html_start(html_state *h, item_job *job, const char *path, int line, const char *name,
                      int xhtml, const html_attrs *a);
/* Text inside the current element. */
void check_html_text(html_state *h, item_job *job, const char *path, int line, const char *text,
                     size_t len);
/* The current element ends (its required children are checked). */
void check_html_end(html_state *h, item_job *job, const char *path, int line);

/* Core media types (EPUB 3.3 3.2) by kind. */
int check_mt_core_image(const char *mt);
int check_mt_core_audio(const char *mt);
int check_mt_core_font(const char *mt);

/*** check_nav.c: navigation document and NCX ***/

/* The navigation document, walked as a tree (its links become references). */
void check_nav_doc(check_ctx *c, const unsigned char *buf, size_t len);

/* The NCX, read with an xmlTextReader. */
void check_nav_ncx(check_ctx *c, const unsigned char *buf, size_t len);

/* The NCX navMap against the nav toc (SHF-008). */
void check_nav_vs_ncx(check_ctx *c, const strbuf *toc_seq, const strbuf *ncx_seq);

#endif
