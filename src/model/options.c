/* options.c: defaults of a build's settings. */
#include "model/options.h"

#include <string.h>
#include <time.h>

void build_options_init(build_options *o)
{
    memset(o, 0, sizeof *o);
    meta_init(&o->overrides);
    o->toc_depth = 2;
    o->style = "default";
    o->epoch = (long long)time(NULL);
    o->timeout = 30;
    o->max_images = 100;
    o->connections = 16;
}

void build_options_free(build_options *o)
{
    meta_free(&o->overrides);
    strlist_clear(&o->css_files);
    strlist_clear(&o->resource_paths);
    speaker_list_clear(&o->speaker_names);
}
