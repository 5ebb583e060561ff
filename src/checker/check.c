/* check.c: the structural EPUB checker (see check.h).
 *
 * Order of work: raw bytes (first local header, central directory records) -> libzip with
 * ZIP_CHECKCONS (entry table, caps, hostile entries) -> container.xml -> package document ->
 * content documents, stylesheets and the NCX, on worker threads (phase 1: each entry is
 * inflated from the raw bytes with libdeflate and scanned with SAX callbacks, no tree: ids,
 * references, needed properties; the nav document is also walked as a tree) -> their
 * references resolved against the virtual container, again on worker threads once every
 * document's ids are known (phase 2) -> findings gathered in manifest order -> properties and
 * unlisted files.
 *
 * Threads (pool_for, at most 16): every job (one manifest item) records its findings and
 * references in its own item_job (the thread-local check_tl_job routes check_finding() and
 * check_ref_add() there), and only writes its own item's fields; the jobs are gathered in
 * manifest order, so the report does not depend on the number of threads. libzip is not
 * thread-safe: when an entry cannot be read from the raw bytes (ZIP64, records that disagree
 * with libzip), phase 1 runs on one thread.
 *
 * Every XML parse goes through check_xml_parse, check_content_scan or the NCX reader: from
 * memory, XML_PARSE_NONET, never NOENT/DTDLOAD/DTDATTR/DTDVALID/HUGE, libxml2's default depth and
 * entity-amplification limits, errors collected per parser context (structured handler on the
 * context's own SAX table) instead of printed. The deny-all external entity loader is process
 * wide in libxml2 2.9.14: it is set before the workers start and restored after they are
 * joined; the generic error handler is per thread: each worker silences its own. */
#include "checker/check_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/image.h"
#include "base/pool.h"

/*** Entry points ***/

/* Content documents, stylesheets and the NCX are read and scanned on worker threads, each
 * into its own job (phase 1); then each job's references are checked, again in parallel, once
 * every document's ids are known (phase 2). The jobs are gathered in manifest order, so the
 * report is the same whatever the number of threads. */
/* What one pool worker keeps across the jobs of a phase. */
typedef struct scan_worker {
    struct libdeflate_decompressor *dc; /* phase 1, made on first use */
    check_scratch scratch;              /* phase 1 */
    int quiet;                          /* this thread's generic error handler is silenced */
} scan_worker;

typedef struct scan_pool {
    check_ctx *c; /* only read by the workers, but for their own items' fields */
    item_job *jobs;
    int phase;
    scan_worker *w; /* one per pool worker */
} scan_pool;

/* An image item: its bytes against its media type (OPF-029) and its name (PKG-022), and decoded
 * as far as its header and size say (MED-004, PKG-021). Runs on a worker thread. */
static void check_image(check_ctx *c, item_job *job, const unsigned char *data, size_t len)
{
    mitem *it = &c->items[job->item];
    const char *opf = c->opf_path;
    image_format declared = image_format_of_media_type(it->media_type);
    image_format found = image_sniff(data, len);
    image_format by_name = image_format_of_name(it->path);
    image_info info;
    if (declared == IMAGE_UNKNOWN)
        return;
    if (found != IMAGE_UNKNOWN && found != declared) {
        check_job_finding(job, DIAG_ERROR, "OPF-029", opf, it->line,
                          "the file \"%s\" is a %s image, not %s as the manifest says; give its "
                          "media type as %s",
                          it->path, image_format_name(found), it->media_type,
                          image_format_media_type(found));
        return;
    }
    if (by_name != IMAGE_UNKNOWN && found != IMAGE_UNKNOWN && by_name != found)
        check_job_finding(job, DIAG_WARNING, "PKG-022", it->path, 0,
                          "the image is a %s file but its name ends like a %s file; rename it",
                          image_format_name(found), image_format_name(by_name));
    image_status st = image_probe(data, len, declared, &info);
    if (st == IMAGE_BAD_HEADER)
        check_job_finding(job, DIAG_ERROR, "MED-004", it->path, 0,
                          "the %s image header cannot be read: %s", image_format_name(declared),
                          info.why);
    if (st == IMAGE_BAD_HEADER || st == IMAGE_CORRUPT)
        check_job_finding(job, DIAG_ERROR, "PKG-021", it->path, 0,
                          "corrupted image: %s; replace the file with one that opens", info.why);
}

static void scan_job(check_ctx *c, item_job *job, struct libdeflate_decompressor *dc,
                     check_scratch *scratch)
{
    mitem *it = &c->items[job->item];
    const unsigned char *data = NULL;
    unsigned char *owned = NULL;
    size_t len = 0;
    char why[256] = "";
    int res = check_zip_entry_fetch(c, job->entry, dc, &data, &owned, &len, why, sizeof why);
    if (res != FETCH_OK) {
        check_zip_fetch_report(c, job, job->entry, res, len, why);
        job->entry_failed = 1;
        return;
    }
    if (job->kind == JOB_IMAGE) {
        check_image(c, job, data, len);
    } else if (job->kind == JOB_NCX) {
        check_nav_ncx(c, data, len);
    } else if (check_is_content_type(it->media_type)) {
        check_content_scan(c, job, data, len, scratch);
        if ((long)job->item == c->nav_item && it->scanned)
            check_nav_doc(c, data, len);
    } else if (strcmp(it->media_type, MT_SMIL) == 0) {
        check_content_scan(c, job, data, len, scratch);
    } else {
        check_css_scan(job, it->path, job->item, (const char *)data, len, 1, CSS_SHEET);
        it->scanned = 1;
    }
    check_ref_list_trim(&job->refs);
    free(owned);
}

/* pool_for callback: job i of the current phase. */
static void scan_one(void *ud, size_t i, int worker)
{
    scan_pool *sp = ud;
    scan_worker *w = &sp->w[worker];
    item_job *job = &sp->jobs[i];
    if (!job->admitted || job->entry_failed)
        return;
    /* libxml2's generic error handler is per thread: silence this one too. The calling thread's
     * own handler is restored by check_epub_memory_threads; the pool's threads end with it. */
    if (!w->quiet) {
        xmlSetGenericErrorFunc(NULL, check_xml_silent);
        w->quiet = 1;
    }
    check_tl_job = job;
    if (sp->phase == 1) {
        if (!w->dc)
            w->dc = libdeflate_alloc_decompressor();
        scan_job(sp->c, job, w->dc, &w->scratch);
    } else {
        check_content_refs(sp->c, &job->refs, &job->toc_seq, &job->ncx_seq);
    }
    check_tl_job = NULL;
}

/* Run one phase over the n jobs on `threads` threads (the caller is one of them). */
static void scan_run(scan_pool *sp, size_t n, int phase, int threads)
{
    int workers = pool_threads(n, threads);
    sp->phase = phase;
    sp->w = xcalloc((size_t)workers, sizeof *sp->w);
    pool_for(n, threads, scan_one, sp);
    for (int k = 0; k < workers; k++) {
        if (sp->w[k].dc)
            libdeflate_free_decompressor(sp->w[k].dc);
        check_scratch_release(&sp->w[k].scratch);
    }
    free(sp->w);
    sp->w = NULL;
}

/* Free what a job holds (not the job itself). */
static void job_release(item_job *j)
{
    for (size_t k = 0; k < j->n_f; k++)
        free(j->f[k].msg);
    free(j->f);
    check_ref_list_release(&j->refs);
    free(j->reach);
    strbuf_release(&j->classes);
    strbuf_release(&j->toc_seq);
    strbuf_release(&j->ncx_seq);
}

/* Add a job's findings to the book, in order, within the book's caps. */
static void job_gather(check_ctx *c, item_job *job, size_t *n_refs, strbuf *toc_seq,
                       strbuf *ncx_seq)
{
    mitem *it = &c->items[job->item];
    for (size_t k = 0; k < job->n_f; k++)
        check_finding(c, job->f[k].sev, job->f[k].id, job->f[k].file, job->f[k].line, "%s",
                      job->f[k].msg);
    if (!job->admitted)
        return;
    if (job->entry_failed) {
        c->ent[job->entry].skip = 1; /* report a broken entry once */
        c->total_read -= (size_t)c->ent[job->entry].size;
    }
    c->n_ids += job->n_ids;
    *n_refs += job->refs.n;
    if (c->records_capped && !c->records_reported &&
        (c->n_ids >= CHECK_MAX_RECORDS || *n_refs >= CHECK_MAX_RECORDS)) {
        c->records_reported = 1;
        check_finding(c, DIAG_ERROR, CHECK_ID_TOO_LARGE, it->path, 0,
                      "the book has more than %d ids or references; fragment identifiers were not "
                      "checked",
                      CHECK_MAX_RECORDS);
    }
    for (size_t k = 0; k < job->n_reach; k++) {
        if (job->reach[k].how == REACH_ENTRY_REPORTED) {
            if (job->reach[k].item < c->n_ent)
                c->ent[job->reach[k].item].reported = 1;
            continue;
        }
        mitem *to = &c->items[job->reach[k].item];
        if (job->reach[k].how == REACH_LINK)
            to->reached = 1;
        else if (job->reach[k].how == REACH_REMOTE_OK)
            to->remote_ok = 1;
        else if (job->reach[k].how == REACH_REMOTE_REPORTED)
            to->remote_reported = 1;
        else
            check_mo_text_target(c, job->item, job->reach[k].item);
    }
    if (job->classes.data) {
        for (char *p = job->classes.data, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
            *nl = '\0';
            strmap_add(c->css_classes, p, NULL);
        }
    }
    if (job->toc_seq.data)
        strbuf_add(toc_seq, job->toc_seq.data, job->toc_seq.len);
    if (job->ncx_seq.data)
        strbuf_add(ncx_seq, job->ncx_seq.data, job->ncx_seq.len);
}

static void scan_items(check_ctx *c)
{
    item_job *jobs = xcalloc(c->n_items + 1, sizeof *jobs);
    size_t n = 0, n_ids = 0, n_refs = 0;
    int all_raw = 1;
    strbuf toc_seq = STRBUF_INIT, ncx_seq = STRBUF_INIT;
    /* admission in manifest order: the caps decide the same whatever the threads */
    for (size_t i = 0; i <= c->n_items; i++) {
        int ncx = i == c->n_items;
        size_t item = ncx ? (size_t)c->ncx_item : i;
        if (ncx && c->ncx_item < 0)
            continue;
        mitem *it = &c->items[item];
        if (it->entry < 0 || !it->path || c->ent[it->entry].encrypted)
            continue;
        int image = !ncx && image_format_of_media_type(it->media_type) != IMAGE_UNKNOWN;
        if (!ncx && !image && !check_is_content_type(it->media_type) &&
            strcmp(it->media_type, MT_CSS) != 0 && strcmp(it->media_type, MT_SMIL) != 0)
            continue;
        /* an image beyond the caps is left unchecked, not reported: books of photographs
         * are large */
        const zentry *e = &c->ent[it->entry];
        if (image && (e->skip || e->size > CHECK_ENTRY_CAP ||
                      c->total_read + e->size > CHECK_TOTAL_CAP))
            continue;
        item_job *job = &jobs[n++];
        job->item = item;
        job->entry = it->entry;
        job->kind = ncx ? JOB_NCX : image ? JOB_IMAGE : JOB_CONTENT;
        job->admitted = check_zip_entry_admit(c, it->entry, CHECK_ENTRY_CAP, job);
        if (job->admitted && !check_zip_entry_offset(c, it->entry))
            all_raw = 0; /* read through libzip, which is not thread-safe */
    }
    int threads = pool_threads(n, c->threads);
    if (threads > 16)
        threads = 16;
    scan_pool sp;
    sp.c = c;
    sp.jobs = jobs;
    scan_run(&sp, n, 1, all_raw ? threads : 1);
    for (size_t k = 0; k < n; k++) {
        n_ids += jobs[k].n_ids;
        n_refs += jobs[k].refs.n;
    }
    /* past the caps, fragments are not checked (decided before phase 2, for every job) */
    if (n_ids >= CHECK_MAX_RECORDS || n_refs >= CHECK_MAX_RECORDS)
        c->records_capped = 1;
    scan_run(&sp, n, 2, threads);
    n_refs = 0;
    for (size_t k = 0; k < n; k++) {
        job_gather(c, &jobs[k], &n_refs, &toc_seq, &ncx_seq);
        job_release(&jobs[k]);
    }
    check_nav_vs_ncx(c, &toc_seq, &ncx_seq);
    check_opf_after_scan(c);
    strbuf_release(&toc_seq);
    strbuf_release(&ncx_seq);
    free(jobs);
}

static void ctx_free(check_ctx *c)
{
    for (size_t i = 0; i < c->n_ent; i++)
        free(c->ent[i].name);
    free(c->ent);
    strmap_free(c->ent_by_name);
    for (size_t i = 0; i < c->n_items; i++) {
        mitem *it = &c->items[i];
        free(it->id);
        free(it->href);
        free(it->media_type);
        free(it->fallback);
        free(it->media_overlay);
        free(it->path);
        strmap_free(it->ids);
    }
    free(c->items);
    strmap_free(c->item_by_id);
    strmap_free(c->item_by_path);
    strmap_free(c->remote_items);
    strmap_free(c->css_classes);
    strmap_free(c->prefixes);
    free(c->mo_active_class);
    free(c->mo_playback_class);
    free(c->mo_users);
    free(c->opf_path);
    free(c->uid);
    if (c->za)
        zip_discard(c->za);
}

int check_epub_memory_threads(const unsigned char *data, size_t len, const char *name,
                              diag_list *findings, int threads)
{
    int ret = -1;
    check_ctx c;
    raw_name *raw = NULL;
    zip_source_t *src = NULL;
    zip_error_t zerr;
    memset(&c, 0, sizeof c);
    c.book = name ? name : "EPUB";
    c.out = findings;
    c.data = data;
    c.len = len;
    c.nav_item = -1;
    c.threads = threads;
    c.ncx_item = -1;
    c.item_by_id = strmap_new();
    c.item_by_path = strmap_new();
    c.remote_items = strmap_new();
    c.css_classes = strmap_new();
    c.prefixes = strmap_new();
    zip_error_init(&zerr);

    xmlInitParser();
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    xmlGenericErrorFunc old_generic = xmlGenericError;
    void *old_generic_ctx = xmlGenericErrorContext;
    xmlSetExternalEntityLoader(check_xml_deny_loader);
    xmlSetGenericErrorFunc(NULL, check_xml_silent);

    if (len == 0) {
        check_finding(&c, DIAG_FATAL, "PKG-003", NULL, 0,
                      "%s is empty (0 bytes); it is not an EPUB file", c.book);
        goto out;
    }
    src = zip_source_buffer_create(data, len, 0, &zerr);
    if (!src) {
        check_finding(&c, DIAG_FATAL, "PKG-008", NULL, 0, "cannot read %s: %s", c.book,
                      zip_error_strerror(&zerr));
        goto out;
    }
    c.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    size_t n_raw = check_zip_raw_names(data, len, &raw);
    if (!c.za) {
        int ze = zip_error_code_zip(&zerr);
        zip_source_free(src);
        if (ze == ZIP_ER_NOZIP) {
            if (len < 4 || memcmp(data, "PK\x03\x04", 4) != 0)
                check_finding(&c, DIAG_FATAL, "PKG-004", NULL, 0,
                              "%s does not start with a ZIP local file header: it is not a ZIP "
                              "archive (an EPUB is one)",
                              c.book);
            check_finding(
                &c, DIAG_FATAL, "PKG-008", NULL, 0,
                "%s is not a ZIP archive or is truncated (the end of central directory was "
                "not found)",
                c.book);
        } else if (ze == ZIP_ER_INCONS || ze == ZIP_ER_EXISTS) {
            check_zip_duplicate_names(&c, raw, n_raw);
            check_finding(&c, DIAG_FATAL, CHECK_ID_INCONSISTENT, NULL, 0,
                          "%s has an inconsistent ZIP directory (%s): duplicate, overlapping or "
                          "mismatched entries; rebuild the archive",
                          c.book, zip_error_strerror(&zerr));
        } else if (check_zip_bad_zip64(raw, n_raw)) {
            const raw_name *r = check_zip_bad_zip64(raw, n_raw);
            char *nm = check_shown((const char *)r->p, r->len);
            check_finding(&c, DIAG_FATAL, "PKG-008", nm, 0,
                          "the entry declares a size or offset of 4294967295 bytes, the ZIP64 "
                          "marker, but has no ZIP64 extra field giving the real value: the "
                          "archive is corrupt or crafted; rebuild it");
            free(nm);
        } else {
            check_finding(&c, DIAG_FATAL, "PKG-008", NULL, 0,
                          "unable to read %s as a ZIP archive: %s", c.book,
                          zip_error_strerror(&zerr));
        }
        goto out;
    }
    size_t before_header = c.n_findings;
    check_zip_first_header(&c);
    /* when the raw check found the first entry wrong, it has already said so */
    int header_reported = c.n_findings != before_header;
    check_zip_entries_load(&c, raw, n_raw);
    check_zip_duplicate_names(&c, raw, n_raw);
    if (n_raw == c.n_ent)
        c.raw = raw;
    if (!header_reported && (c.n_ent == 0 || check_zip_entry_find(&c, "mimetype") < 0))
        check_finding(&c, DIAG_ERROR, "PKG-006", "mimetype", 0,
                      "the mimetype entry is missing; it must be the first file in the archive");
    ret = 0;
    if (check_opf_container(&c) < 0)
        goto out;
    if (check_opf_package(&c) < 0)
        goto out;
    check_opf_ocf_files(&c);
    if (c.ncx_item < 0) {
        for (size_t i = 0; i < c.n_items; i++)
            if (strcmp(c.items[i].media_type, MT_NCX) == 0 && c.items[i].path) {
                c.ncx_item = (long)i;
                break;
            }
    }
    scan_items(&c);
    check_opf_properties(&c);
    check_opf_unlisted(&c);
out:
    if (ret < 0 && diag_list_count_at_least(findings, DIAG_FATAL) == 0)
        check_finding(&c, DIAG_FATAL, "PKG-008", NULL, 0, "unable to read %s", c.book);
    xmlSetExternalEntityLoader(old_loader);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
    free(raw);
    ctx_free(&c);
    zip_error_fini(&zerr);
    return ret;
}

int check_epub_memory(const unsigned char *data, size_t len, const char *name, diag_list *findings)
{
    return check_epub_memory_threads(data, len, name, findings, 0);
}

int check_epub_fd(int fd, const char *name, diag_list *findings)
{
    char *data = NULL;
    size_t len = 0;
    int ret = -1;
    file_read_status st = file_read_fd(fd, CHECK_FILE_CAP, &data, &len);
    if (st == FILE_READ_TOO_LARGE)
        diag_add(findings, DIAG_FATAL, CHECK_ID_TOO_LARGE, NULL, 0,
                 "%s is larger than %zu MiB; sheaf does not check files this large", name,
                 (size_t)(CHECK_FILE_CAP >> 20));
    else if (st != FILE_READ_OK)
        diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0, "cannot read %s: %s", name,
                 errno == EBADF ? "it is closed" : strerror(errno));
    else
        ret = check_epub_memory((const unsigned char *)data, len, name, findings);
    free(data);
    return ret;
}

int check_epub_file(const char *path, diag_list *findings)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int ret = -1, fd;
    struct stat st;
    /* read exactly the file's size: the whole book is held once, nothing more */
    /* O_NONBLOCK: a FIFO would wait for a writer here; it is refused just below */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0, "cannot read %s: %s", path,
                 strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0,
                 "%s is %s, not a regular file; give the path of an .epub file (or '-' to read "
                 "standard input)",
                 path, S_ISDIR(st.st_mode) ? "a folder" : "a FIFO, socket or device");
        goto out;
    }
    if ((uintmax_t)st.st_size > CHECK_FILE_CAP) {
        diag_add(findings, DIAG_FATAL, CHECK_ID_TOO_LARGE, NULL, 0,
                 "%s is larger than %zu MiB; sheaf does not check files this large", path,
                 (size_t)(CHECK_FILE_CAP >> 20));
        goto out;
    }
    data = xmalloc((size_t)st.st_size + 1);
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, data + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            diag_add(findings, DIAG_FATAL, "PKG-018", NULL, 0, "cannot read %s: %s", path,
                     n < 0 ? strerror(errno) : "the file shrank while being read");
            goto out;
        }
        len += (size_t)n;
    }
    ret = check_epub_memory(data, len, path, findings);
out:
    if (fd >= 0)
        close(fd);
    free(data);
    return ret;
}
