/* html.c: the web page reader: bytes -> UTF-8 -> HTML5 tree -> article -> cmark tree. */
#include "readers/html.h"

#include <nettle/sha1.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/html5.h"
#include "base/lang.h"
#include "base/text.h"
#include "base/url.h"
#include "readers/captions.h"
#include "readers/charset.h"
#include "readers/htmlconv.h"
#include "readers/htmlcues.h"
#include "readers/readability.h"

/* Characters outside links below which a page holds no article (a list of links, or a page
 * whose text a script would write). */
#define HTML_MIN_TEXT 20

int html_sniff(const char *raw, size_t len)
{
    const unsigned char *s = (const unsigned char *)raw;
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                           s[i] == '\f'))
            i++;
        if (i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
            const unsigned char *e = mem_find(s + i + 4, len - i - 4, "-->", 3);
            if (!e)
                return 0;
            i = (size_t)(e - s) + 3;
            continue;
        }
        break;
    }
    static const char *const starts[] = {"<!doctype html", "<html", "<?xml", NULL};
    for (int k = 0; starts[k]; k++) {
        size_t n = strlen(starts[k]), j = 0;
        while (j < n && i + j < len && (s[i + j] | (s[i + j] >= 'A' ? 0x20 : 0)) == starts[k][j])
            j++;
        if (j == n) {
            if (k < 2)
                return 1;
            /* an XML declaration: XHTML when an <html element follows soon */
            return mem_find(s + i, len - i < 4096 ? len - i : 4096, "<html", 5) != NULL;
        }
    }
    return 0;
}

/* A warning when the guard against hostile markup had to drop something. */
static void guard_warn(article *a, const html5_report *rep)
{
    const char *file = article_file(a);
    if (rep->attrs_dropped)
        diag_add(&a->diags, DIAG_WARNING, NULL, file, rep->first_attrs_line,
                 "an element has more than %d attributes (or a repeated <html>/<body> "
                 "has some); %zu attributes were ignored",
                 HTML5_MAX_ATTRS, rep->attrs_dropped);
    if (rep->tags_dropped)
        diag_add(&a->diags, DIAG_WARNING, NULL, file, rep->first_deep_line,
                 "elements nested more than %d deep (or more than %d bold, italic or font "
                 "elements open at once); %zu tags were ignored and their text kept",
                 HTML5_MAX_DEPTH, HTML5_MAX_FORMATTING, rep->tags_dropped);
}

static void encoding_note(article *a, const charset_result *cr)
{
    const char *file = article_file(a);
    if (cr->source == CHARSET_UTF8_OVERRIDES)
        diag_add(&a->diags, DIAG_INFO, NULL, file, 0,
                 "declares the encoding %s, but its bytes are UTF-8: read as UTF-8",
                 cr->declared);
    if (cr->replaced)
        diag_add(&a->diags, DIAG_WARNING, NULL, file, 0,
                 "%zu bytes have no character in the page's encoding (%s) and became U+FFFD; "
                 "is the declared encoding right?",
                 cr->replaced, cr->encoding);
}

/* For a page that states no language: the one its letters are written in, when nearly all are
 * of a script one language (or one family the tag names) has: Arabic, Hebrew, Greek, Thai,
 * Hangul, kana (Japanese), Han alone (Chinese). NULL otherwise: Latin and Cyrillic letters
 * do not say which language. Caller frees. */
static char *lang_from_script(const char *text, size_t len)
{
    enum { ARAB, HEBR, GREK, THAI, HANG, KANA, HAN, OTHER, N };
    static const char *const tags[] = {"ar", "he", "el", "th", "ko", "ja", "zh"};
    size_t count[N] = {0}, letters = 0;
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    while (p < end) {
        uint32_t c = *p;
        size_t n = 1;
        if (c >= 0xF0 && p + 3 < end) {
            c = ((c & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
            n = 4;
        } else if (c >= 0xE0 && p + 2 < end) {
            c = ((c & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
            n = 3;
        } else if (c >= 0xC0 && p + 1 < end) {
            c = ((c & 31u) << 6) | (p[1] & 63u);
            n = 2;
        }
        p += n;
        int k = -1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c < 0x370) ||
            (c >= 0x400 && c < 0x530))
            k = OTHER;
        else if ((c >= 0x600 && c < 0x700) || (c >= 0x750 && c < 0x780) ||
                 (c >= 0xFB50 && c < 0xFE00) || (c >= 0xFE70 && c < 0xFF00))
            k = ARAB;
        else if (c >= 0x590 && c < 0x600)
            k = HEBR;
        else if (c >= 0x370 && c < 0x400)
            k = GREK;
        else if (c >= 0xE00 && c < 0xE80)
            k = THAI;
        else if ((c >= 0xAC00 && c < 0xD7B0) || (c >= 0x1100 && c < 0x1200))
            k = HANG;
        else if (c >= 0x3040 && c < 0x3100)
            k = KANA;
        else if (c >= 0x4E00 && c < 0xA000)
            k = HAN;
        if (k >= 0) {
            count[k]++;
            letters++;
        }
    }
    if (letters < 20)
        return NULL;
    /* Japanese mixes kana and Han; Chinese has no kana */
    if (count[KANA] * 10 >= letters && (count[KANA] + count[HAN]) * 10 >= letters * 8)
        return xstrdup("ja");
    for (int k = 0; k < OTHER; k++)
        if (k != KANA && count[k] * 10 >= letters * 8)
            return xstrdup(tags[k]);
    return NULL;
}

/* A language tag as pages write it ("en_US", " EN ") made BCP 47, or NULL. Caller frees. */
static char *lang_clean(const char *raw)
{
    if (!raw)
        return NULL;
    char *t = xstrdup(raw);
    str_trim(t);
    for (char *p = t; *p; p++)
        if (*p == '_')
            *p = '-';
    if (!lang_tag_valid(t)) {
        free(t);
        return NULL;
    }
    return t;
}


/* Reader View's attempts: all its rules first, then without one more each time while it finds
 * less than READABILITY_CHAR_THRESHOLD characters; the longest attempt when none finds
 * enough. The first attempt uses `first` (the caller's parse, which it gives up), the others parse
 * the page again (an attempt changes the tree). Returns the article's element, of the
 * document in *doc_out (the caller frees the element, then the document), or NULL. */
static xmlNodePtr extract(const char *text, size_t len, xmlDocPtr first, readability_meta *rm,
                          xmlDocPtr *doc_out, readability_result *out)
{
    static const int flags_seq[] = {READABILITY_ALL,
                                    READABILITY_ALL & ~READABILITY_STRIP_UNLIKELYS,
                                    READABILITY_CLEAN_CONDITIONALLY, 0};
    xmlDocPtr best_doc = NULL;
    xmlNodePtr best = NULL;
    readability_result best_r;
    char *byline = NULL;
    memset(&best_r, 0, sizeof best_r);
    for (size_t k = 0; k < sizeof flags_seq / sizeof flags_seq[0]; k++) {
        readability_result r;
        memset(&r, 0, sizeof r);
        xmlDocPtr doc = k == 0 ? first : html5_parse(text, len, NULL);
        if (!doc)
            break;
        xmlNodePtr art = readability_extract(doc, rm, flags_seq[k], rm->byline || byline, &r);
        if (r.byline && !byline)
            byline = xstrdup(r.byline);
        int enough = art && r.text_length >= READABILITY_CHAR_THRESHOLD;
        if (art && (!best || r.text_length > best_r.text_length || enough)) {
            if (best) {
                xmlFreeNode(best);
                xmlFreeDoc(best_doc);
            }
            readability_result_free(&best_r);
            best = art;
            best_doc = doc;
            best_r = r;
        } else {
            if (art)
                xmlFreeNode(art);
            xmlFreeDoc(doc);
            if (!best)
                best_r.why = r.why;
            readability_result_free(&r);
        }
        if (enough)
            break;
    }
    if (best && !best_r.text_length) {
        xmlFreeNode(best);
        xmlFreeDoc(best_doc);
        best = NULL;
        best_doc = NULL;
        best_r.why = "it has no text";
    }
    /* the byline element found on the way, when the metadata had none */
    if (!rm->byline && byline) {
        rm->byline = xstrdup(byline);
        char *name = readability_byline_name(byline);
        if (name)
            strlist_take(&rm->authors, name);
    }
    free(byline);
    *doc_out = best_doc;
    *out = best_r;
    return best;
}

/* The transcript in `doc` as turns (readers/htmlcues.c -> readers/captions.c). */
static int transcript_read(article *a, xmlDocPtr doc, const html_source *src,
                           const build_options *o)
{
    int ret = -1;
    cue_list cues;
    cue_list_init(&cues);
    if (htmlcues_read(doc, &cues) == 0) {
        diag_add(&a->diags, DIAG_ERROR, NULL, article_file(a), 0,
                 "this transcript has no speech in its paragraphs; there is nothing to make a "
                 "book of");
        goto out;
    }
    cue_list_settle(&cues);
    a->captions = 1;
    if (captions_build(a, &cues, src && src->speaker_names ? src->speaker_names
                                                             : &o->speaker_names,
                       o) != 0)
        goto out;
    a->body_line = 1;
    ret = 0;
out:
    cue_list_free(&cues);
    return ret;
}

/* The image at `url` alone in a paragraph at the top of `doc`: the page's lead image. Its alt
 * text is empty (nothing says what it shows), so an image that cannot be fetched leaves
 * nothing behind. */
static void lead_image_add(cmark_node *doc, const char *url)
{
    cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
    cmark_node *img = cmark_node_new(CMARK_NODE_IMAGE);
    cmark_node_set_url(img, url);
    cmark_node_append_child(para, img);
    cmark_node *first = cmark_node_first_child(doc);
    if (first)
        cmark_node_insert_before(first, para);
    else
        cmark_node_append_child(doc, para);
}

int html_read(article *a, const char *raw, size_t len, const html_source *src,
              const build_options *o)
{
    int ret = -1, transcript = 0;
    const char *file = article_file(a);
    char *utf8 = NULL, *clean = NULL, *base = NULL, *page_url = NULL;
    size_t utf8_len = 0, clean_len = 0;
    xmlDocPtr doc = NULL;
    charset_result cr;
    html5_report rep;
    readability_meta rm;
    readability_result rr;
    htmlconv conv;
    xmlNodePtr root = NULL, art = NULL;

    memset(&conv, 0, sizeof conv);
    memset(&rr, 0, sizeof rr);
    readability_meta_init(&rm);
    utf8 = charset_decode(raw, len, src ? charset_from_media_type(src->media_type) : NULL,
                          &utf8_len, &cr);
    encoding_note(a, &cr);
    clean = text_clean(utf8, utf8_len, file, &clean_len, &a->diags);
    free(utf8);
    utf8 = NULL;
    {
        struct sha1_ctx sha;
        sha1_init(&sha);
        sha1_update(&sha, clean_len, (const uint8_t *)clean);
        sha1_digest(&sha, sizeof a->digest, a->digest);
    }
    doc = html5_parse(clean, clean_len, &rep);
    if (!doc) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0, "too large to read as a web page");
        goto out;
    }
    guard_warn(a, &rep);

    readability_metadata(doc, src ? src->url : NULL, &rm);
    page_url = src && src->url ? xstrdup(src->url) : (rm.url ? xstrdup(rm.url) : NULL);
    base = rm.base ? xstrdup(rm.base) : (page_url ? xstrdup(page_url) : NULL);

    /* A Podcasting 2.0 HTML transcript: its speakers make the turns, not Reader View */
    if (htmlcues_detect(doc)) {
        if (transcript_read(a, doc, src, o) != 0)
            goto out;
        transcript = 1;
    }

    if (transcript) {
        /* the turns are made: only the metadata below is taken from the page */
    } else if (o->extract_off) {
        readability_prepare(doc);
        root = html5_child(xmlDocGetRootElement(doc), "body");
    } else {
        xmlDocPtr first = doc;
        doc = NULL;
        root = art = extract(clean, clean_len, first, &rm, &doc, &rr);
    }
    if (!root && !transcript) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "no article found in this page (%s); if the page is the article, build it "
                 "with --extract=off",
                 rr.why ? rr.why : "it has no text");
        goto out;
    }
    if (transcript)
        goto metadata;

    conv.base_url = base;
    conv.page_url = page_url;
    /* a page from the web names no file on this computer */
    conv.page_dir = src && src->url ? NULL : a->dir;
    conv.arena = a->arena;
    a->doc = htmlconv_run(&conv, root);
    a->raw_html = conv.raw_html;
    a->markup = 1;
    if (conv.unlinked < HTML_MIN_TEXT) {
        diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                 "no article in this page: it has less than %d characters of text outside "
                 "links (a page of links, or one whose text JavaScript writes: save it from "
                 "the browser once it has loaded)",
                 HTML_MIN_TEXT);
        goto out;
    }
    a->text = strbuf_detach(&conv.text, &a->text_len);
    a->body_line = 1;
    /* A page from the web whose article shows no image of its own opens with the page's lead
     * image (og:image, JSON-LD's image), fetched with the article's others. A saved page's
     * lead image is an address on the web the save did not keep: it would only be a link. */
    if (src && src->url && rm.image && conv.images == 0)
        lead_image_add(a->doc, rm.image);

metadata:
    /* metadata, as front matter would give it */
    ;
    meta *m = &a->meta;
    if (rm.title && *rm.title)
        meta_set(&m->title, rm.title);
    for (size_t i = 0; i < rm.authors.len; i++)
        strlist_add(&m->authors, rm.authors.items[i]);
    if (rm.date)
        meta_set(&m->date, rm.date);
    char *lang = lang_clean(rm.lang);
    if (!lang)
        lang = lang_from_script(a->text, a->text_len);
    if (lang)
        meta_set(&m->lang, lang);
    free(lang);
    if (rm.dir)
        meta_set(&m->dir, rm.dir);
    else if (rr.dir)
        meta_set(&m->dir, rr.dir);
    /* (only a description the page gives: Reader View's fallback, the first paragraph, would
     * repeat the article's opening as its deck) */
    if (rm.excerpt && *rm.excerpt)
        meta_set(&m->description, rm.excerpt);
    if (rm.site_name && *rm.site_name)
        meta_set(&m->publisher, rm.site_name);
    if (page_url && url_is_web(page_url))
        meta_set(&m->source, page_url);
    ret = 0;
out:
    if (art)
        xmlFreeNode(art);
    readability_result_free(&rr);
    strbuf_release(&conv.text);
    readability_meta_free(&rm);
    if (doc)
        xmlFreeDoc(doc);
    free(base);
    free(page_url);
    free(clean);
    free(utf8);
    return ret;
}
