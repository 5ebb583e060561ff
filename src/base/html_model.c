/* html_model.c: the table of html_model.h. */
#include "base/html_model.h"

#include <string.h>

#define FP (HC_FLOW | HC_PHRASING)
#define FS (HC_FLOW | HC_SECTIONING)
#define FH (HC_FLOW | HC_HEADING)

/* THE table, sorted by name (looked up by binary search). */
const html_element html_elements[] = {
    {"a", FP | HC_A, HM_TRANSPARENT, HI_HREF, HC_INTERACTIVE | HC_A},
    {"abbr", FP, HM_PHRASING, 0, 0},
    {"address", HC_FLOW | HC_ADDRESS, HM_FLOW, 0,
     HC_HEADING | HC_SECTIONING | HC_HEADER_FOOTER | HC_ADDRESS},
    {"area", FP, HM_EMPTY, 0, 0},
    {"article", FS, HM_FLOW, 0, HC_MAIN},
    {"aside", FS, HM_FLOW, 0, HC_MAIN},
    {"audio", FP | HC_MEDIA, HM_MEDIA, HI_CONTROLS, HC_MEDIA},
    {"b", FP, HM_PHRASING, 0, 0},
    {"base", HC_METADATA, HM_EMPTY, 0, 0},
    {"bdi", FP, HM_PHRASING, 0, 0},
    {"bdo", FP, HM_PHRASING, 0, 0},
    {"blockquote", HC_FLOW, HM_FLOW, 0, 0},
    {"body", 0, HM_FLOW, 0, 0},
    {"br", FP, HM_EMPTY, 0, 0},
    {"button", FP, HM_PHRASING, HI_ALWAYS, HC_INTERACTIVE},
    {"canvas", FP, HM_TRANSPARENT, 0, HC_INTERACTIVE},
    {"caption", 0, HM_FLOW, 0, HC_TABLE},
    {"cite", FP, HM_PHRASING, 0, 0},
    {"code", FP, HM_PHRASING, 0, 0},
    {"col", 0, HM_EMPTY, 0, 0},
    {"colgroup", 0, HM_COLGROUP, 0, 0},
    {"data", FP, HM_PHRASING, 0, 0},
    {"datalist", FP, HM_DATALIST, 0, 0},
    {"dd", 0, HM_FLOW, 0, 0},
    {"del", FP, HM_TRANSPARENT, 0, 0},
    {"details", HC_FLOW, HM_DETAILS, HI_ALWAYS, 0},
    {"dfn", FP | HC_DFN, HM_PHRASING, 0, HC_DFN},
    {"dialog", HC_FLOW, HM_FLOW, 0, 0},
    {"div", HC_FLOW, HM_FLOW, 0, 0},
    {"dl", HC_FLOW, HM_DL, 0, 0},
    {"dt", 0, HM_FLOW, 0, HC_HEADER_FOOTER | HC_SECTIONING | HC_HEADING},
    {"em", FP, HM_PHRASING, 0, 0},
    {"embed", FP, HM_EMPTY, HI_ALWAYS, 0},
    {"fieldset", HC_FLOW, HM_FIELDSET, 0, 0},
    {"figcaption", 0, HM_FLOW, 0, 0},
    {"figure", HC_FLOW, HM_FIGURE, 0, 0},
    {"footer", HC_FLOW | HC_HEADER_FOOTER, HM_FLOW, 0, HC_HEADER_FOOTER | HC_MAIN},
    {"form", HC_FLOW | HC_FORM, HM_FLOW, 0, HC_FORM},
    {"h1", FH, HM_PHRASING, 0, 0},
    {"h2", FH, HM_PHRASING, 0, 0},
    {"h3", FH, HM_PHRASING, 0, 0},
    {"h4", FH, HM_PHRASING, 0, 0},
    {"h5", FH, HM_PHRASING, 0, 0},
    {"h6", FH, HM_PHRASING, 0, 0},
    {"head", 0, HM_HEAD, 0, 0},
    {"header", HC_FLOW | HC_HEADER_FOOTER, HM_FLOW, 0, HC_HEADER_FOOTER | HC_MAIN},
    {"hgroup", FH, HM_HGROUP, 0, 0},
    {"hr", HC_FLOW, HM_EMPTY, 0, 0},
    {"html", 0, HM_HTML, 0, 0},
    {"i", FP, HM_PHRASING, 0, 0},
    {"iframe", FP, HM_EMPTY, HI_ALWAYS, 0},
    {"img", FP, HM_EMPTY, HI_USEMAP, 0},
    {"input", FP, HM_EMPTY, HI_NOT_HIDDEN, 0},
    {"ins", FP, HM_TRANSPARENT, 0, 0},
    {"kbd", FP, HM_PHRASING, 0, 0},
    {"label", FP | HC_LABEL, HM_PHRASING, HI_ALWAYS, HC_LABEL},
    {"legend", 0, HM_PHRASING_H, 0, 0},
    {"li", 0, HM_FLOW, 0, 0},
    {"link", HC_METADATA | HC_BODY_OK, HM_EMPTY, 0, 0},
    {"main", HC_FLOW | HC_MAIN, HM_FLOW, 0, 0},
    {"map", FP, HM_TRANSPARENT, 0, 0},
    {"mark", FP, HM_PHRASING, 0, 0},
    {"menu", HC_FLOW, HM_LIST, 0, 0},
    {"meta", HC_METADATA | HC_BODY_OK, HM_EMPTY, 0, 0},
    {"meter", FP | HC_METER, HM_PHRASING, 0, HC_METER},
    {"nav", FS, HM_FLOW, 0, HC_MAIN},
    {"noscript", FP | HC_METADATA, HM_TRANSPARENT, 0, 0},
    {"object", FP, HM_OBJECT, HI_USEMAP, 0},
    {"ol", HC_FLOW, HM_LIST, 0, 0},
    {"optgroup", 0, HM_OPTGROUP, 0, 0},
    {"option", 0, HM_TEXT, 0, 0},
    {"output", FP, HM_PHRASING, 0, 0},
    {"p", HC_FLOW, HM_PHRASING, 0, 0},
    {"param", 0, HM_EMPTY, 0, 0},
    {"picture", FP, HM_PICTURE, 0, 0},
    {"pre", HC_FLOW, HM_PHRASING, 0, 0},
    {"progress", FP | HC_PROGRESS, HM_PHRASING, 0, HC_PROGRESS},
    {"q", FP, HM_PHRASING, 0, 0},
    {"rb", 0, HM_PHRASING, 0, 0},
    {"rp", 0, HM_TEXT, 0, 0},
    {"rt", 0, HM_PHRASING, 0, 0},
    {"rtc", 0, HM_PHRASING, 0, 0},
    {"ruby", FP, HM_RUBY, 0, 0},
    {"s", FP, HM_PHRASING, 0, 0},
    {"samp", FP, HM_PHRASING, 0, 0},
    {"script", HC_METADATA | HC_SCRIPT | FP, HM_TEXT, 0, 0},
    {"search", HC_FLOW, HM_FLOW, 0, 0},
    {"section", FS, HM_FLOW, 0, HC_MAIN},
    {"select", FP, HM_SELECT, HI_ALWAYS, 0},
    {"slot", FP, HM_TRANSPARENT, 0, 0},
    {"small", FP, HM_PHRASING, 0, 0},
    {"source", 0, HM_EMPTY, 0, 0},
    {"span", FP, HM_PHRASING, 0, 0},
    {"strong", FP, HM_PHRASING, 0, 0},
    {"style", HC_METADATA | HC_BODY_OK, HM_TEXT, 0, 0},
    {"sub", FP, HM_PHRASING, 0, 0},
    {"summary", 0, HM_PHRASING_H, 0, 0},
    {"sup", FP, HM_PHRASING, 0, 0},
    {"table", HC_FLOW | HC_TABLE, HM_TABLE, 0, 0},
    {"tbody", 0, HM_TSECTION, 0, 0},
    {"td", 0, HM_FLOW, 0, 0},
    {"template", HC_METADATA | HC_SCRIPT | FP, HM_ANY, 0, 0},
    {"textarea", FP, HM_TEXT, HI_ALWAYS, 0},
    {"tfoot", 0, HM_TSECTION, 0, 0},
    {"th", 0, HM_FLOW, 0, HC_HEADER_FOOTER | HC_SECTIONING | HC_HEADING},
    {"thead", 0, HM_TSECTION, 0, 0},
    {"time", FP, HM_PHRASING, 0, 0},
    {"title", HC_METADATA, HM_TEXT, 0, 0},
    {"tr", 0, HM_TR, 0, 0},
    {"track", 0, HM_EMPTY, 0, 0},
    {"u", FP, HM_PHRASING, 0, 0},
    {"ul", HC_FLOW, HM_LIST, 0, 0},
    {"var", FP, HM_PHRASING, 0, 0},
    {"video", FP | HC_MEDIA, HM_MEDIA, HI_CONTROLS, HC_MEDIA},
    {"wbr", FP, HM_EMPTY, 0, 0},
};

const size_t html_elements_count = sizeof html_elements / sizeof *html_elements;

const html_element *html_element_find(const char *name)
{
    size_t lo = 0, hi = html_elements_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, html_elements[mid].name);
        if (c == 0)
            return &html_elements[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
