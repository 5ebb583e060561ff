/* markdown.c: the Markdown reader: clean text, front matter, cmark's tree, footnotes. */
#include "readers/markdown.h"

#include <ctype.h>
#include <nettle/sha1.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/util.h"
#include "model/gfm.h"
#include "readers/math.h"
#include "readers/notes.h"
#include "readers/pastedtext.h"
#include "readers/frontmatter.h"

static int frontmatter_unclosed(const char *text)
{
    const char *p = text;
    if (strncmp(p, "---", 3) != 0)
        return 0;
    p += 3;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\n')
        return 0;
    p++;
    if (!isalpha((unsigned char)*p))
        return 0;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == '-')
        p++;
    return *p == ':' && (p[1] == ' ' || p[1] == '\n');
}
static int long_line_check(const char *text, size_t len, const char *file, diag_list *diags)
{
    const char *start = text, *end = text + len;
    int line = 1;
    while (start <= end) {
        const char *nl = memchr(start, '\n', (size_t)(end - start));
        const char *stop = nl ? nl : end;
        if ((size_t)(stop - start) > MARKDOWN_MAX_LINE) {
            diag_add(diags, DIAG_ERROR, NULL, file, line,
                     "this line is %zu KB long, more than the %zu KB sheaf takes in one line; "
                     "is this really a Markdown article? If it is, break the text into "
                     "paragraphs with blank lines",
                     (size_t)(stop - start) / 1024, MARKDOWN_MAX_LINE / 1024);
            return -1;
        }
        if (!nl)
            break;
        start = nl + 1;
        line++;
    }
    return 0;
}

/* Parse the clean body: pasted-text normalising, cmark-gfm (tables, strikethrough, task lists,
 * autolinks), pasted lists, footnotes. */
static int markdown_parse(article *a)
{
    int ret = -1;
    const char *file = article_file(a);
    char *text = a->text;
    size_t len = a->text_len;
    size_t nlen = 0;
    char *normalized = pasted_normalize(a->text, a->text_len, &nlen);
    char *with_math = NULL;

    if (normalized) {
        text = normalized;
        len = nlen;
    }
    size_t mlen = 0;
    with_math = math_protect(text, len, &mlen);
    if (with_math) {
        text = with_math;
        len = mlen;
    }
    a->raw_html = memchr(text, '<', len) != NULL; /* raw HTML in Markdown starts with '<' */
    int wide = 0;
    a->doc = gfm_parse(text, len, CMARK_OPT_SMART, &wide);
    if (wide)
        diag_add(&a->diags, DIAG_WARNING, NULL, file, a->body_line + wide - 1,
                 "this line has more than %d '|', more columns than a table can have; its "
                 "'|' were kept as text (a table row needs fewer cells)",
                 GFM_MAX_CELLS);
    if (normalized)
        pasted_split_lists(a->doc, text, len);
    if (notes_collect(a->doc, a->arena, file, &a->notes, &a->n_notes, &a->diags) != 0)
        goto out;
    if (with_math) {
        math_nodes(a->doc, a->arena);
        for (size_t i = 0; i < a->n_notes; i++)
            math_nodes(a->notes[i].body, a->arena);
    }
    ret = 0;
out:
    free(with_math);
    free(normalized);
    return ret;
}

int markdown_read(article *a, const char *raw, size_t raw_len, const build_options *o)
{
    int ret = -1;
    char *clean = NULL;
    size_t clean_len = 0;
    const char *file = article_file(a);

    (void)o;
    clean = text_clean(raw, raw_len, file, &clean_len, &a->diags);
    if (long_line_check(clean, clean_len, file, &a->diags) != 0)
        goto out;

    const char *yaml = NULL;
    size_t yaml_len = 0, body_off = 0;
    int body_line = 1;
    if (frontmatter_split(clean, clean_len, &yaml, &yaml_len, &body_off, &body_line)) {
        if (frontmatter_parse(yaml, yaml_len, file, 2, &a->meta, &a->diags) != 0)
            goto out;
    } else if (frontmatter_unclosed(clean)) {
        diag_add(&a->diags, DIAG_WARNING, NULL, file, 1,
                 "'---' opens front matter that no '---' line closes; it was read as text "
                 "(add a line '---' after the last key)");
    }
    a->text = xstrndup(clean + body_off, clean_len - body_off);
    a->text_len = clean_len - body_off;
    {
        struct sha1_ctx sha;
        sha1_init(&sha);
        sha1_update(&sha, clean_len, (const uint8_t *)clean);
        sha1_digest(&sha, sizeof a->digest, a->digest);
    }
    a->body_line = body_line;
    {
        const char *s = a->text;
        while (*s == ' ' || *s == '\n' || *s == '\t')
            s++;
        if (!*s) {
            diag_add(&a->diags, DIAG_ERROR, NULL, file, 0,
                     "has no text after its front matter; write the article or leave it out");
            goto out;
        }
    }
    article_lines_index(a);
    if (markdown_parse(a) != 0)
        goto out;
    ret = 0;
out:
    free(clean);
    return ret;
}
