/* passes.c: runs the passes over one article's tree in their order. */
#include "passes/passes.h"

#include "passes/figures.h"
#include "passes/interview.h"
#include "model/mdtree.h"
#include "passes/pasted.h"
#include "passes/structure.h"

int passes_run(article *a, const build_options *o)
{
    int ret = -1;
    interview_speakers speakers =
        o->speakers_off ? INTERVIEW_SPEAKERS_OFF : INTERVIEW_SPEAKERS_AUTO;

    /* before anything reads the text: titles, slugs and speakers are made of it */
    mdtree_xml_clean(a->doc, a->body_line, article_file(a), &a->diags);
    for (size_t i = 0; i < a->n_notes; i++)
        mdtree_xml_clean(a->notes[i].body, a->body_line, article_file(a), &a->diags);
    /* Figures first: the label scan below must not see paragraphs that later go away. */
    figures_apply(a->doc, a->arena);
    /* The title and inferred sections leave turn labels alone (the labels are found when first
     * asked about); the interview pass then makes the turns around the sections. A caption
     * file's reader made its turns: the passes look for no labels, titles or sections in it,
     * and the interview pass only marks its stage directions. */
    if (a->captions)
        speakers = INTERVIEW_SPEAKERS_OFF;
    const speaker_list *declared = a->captions ? NULL : &a->meta.speakers;
    interview_labels found = {a->doc, declared, speakers, NULL};
    mdtree_filter labels = {interview_labels_test, &found};
    structure_title_settle(a, o, &labels);
    if (!o->infer_sections_off && !a->markup && !a->captions)
        pasted_infer_sections(a->doc, NULL, &labels);
    interview_labels_release(&found);
    if (interview_apply(a->doc, a->arena, declared, speakers,
                        o->timestamps_drop ? INTERVIEW_TIMESTAMPS_DROP : INTERVIEW_TIMESTAMPS_KEEP,
                        &a->cast, &a->diags, article_file(a)) != 0)
        goto out;
    structure_apply(a);
    ret = 0;
out:
    return ret;
}
