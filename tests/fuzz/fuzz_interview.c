/* fuzz_interview: libFuzzer harness over the interview pass alone. Any bytes, parsed as
 * Markdown, go through the label scan and interview_apply (timestamps kept or dropped, a cast
 * declared or not, chosen by the first byte); the resulting tree must render as CommonMark
 * without tripping a sanitizer, and every turn must open with its speaker's label. Run by
 * tests/fuzz/run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "passes/interview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when every top-level turn's first paragraph starts with a SEM_SPAN "speaker". */
static int turns_labelled(cmark_node *doc)
{
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
        sem_node *s = sem_get(b);
        if (!s || s->kind != SEM_DIV || !s->cls || strncmp(s->cls, "turn", 4) != 0)
            continue;
        cmark_node *p = cmark_node_first_child(b);
        sem_node *first = p ? sem_get(cmark_node_first_child(p)) : NULL;
        if (!first || first->kind != SEM_SPAN || strcmp(first->cls, "speaker") != 0)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned mode = data[0];
    cmark_node *doc = cmark_parse_document((const char *)data + 1, size - 1, CMARK_OPT_SMART);
    arena *a = arena_new();
    diag_list diags = DIAG_LIST_INIT;
    speaker_list declared = {0}, cast = {0};
    if (mode & 1) {
        speaker_list_add(&declared, "KB", "Kevin Ball", SPEAKER_ROLE_HOST);
        speaker_list_add(&declared, "Ada Moreno", "Ada Moreno", SPEAKER_ROLE_GUEST);
    }
    interview_speakers sp = mode & 2 ? INTERVIEW_SPEAKERS_OFF : INTERVIEW_SPEAKERS_AUTO;
    interview_labels labels = {doc, &declared, sp, NULL};
    for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b))
        (void)interview_labels_test(&labels, b);
    interview_labels_release(&labels);
    interview_apply(doc, a, &declared, sp,
                    mode & 4 ? INTERVIEW_TIMESTAMPS_DROP : INTERVIEW_TIMESTAMPS_KEEP, &cast, &diags,
                    "fuzz.md");
    if (!turns_labelled(doc))
        abort();
    char *md = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
    free(md);
    cmark_node_free(doc);
    arena_free(a);
    diag_list_clear(&diags);
    speaker_list_clear(&declared);
    speaker_list_clear(&cast);
    return 0;
}
