/* options.h: the settings of one build that every stage reads (readers, passes, writers).
 * Filled by the command line (cli/cli_build.c); nothing below the pipeline changes them. */
#ifndef SHEAF_OPTIONS_H
#define SHEAF_OPTIONS_H

#include <stddef.h>

#include "base/util.h"
#include "model/meta.h"

/* Everything the command line can set for a build. Strings are borrowed from argv. */
typedef struct build_options {
    meta overrides;          /* book-level metadata from the command line (owned) */
    int toc_depth;           /* default 2 */
    strlist css_files;       /* --css, added after the built-in style */
    const char *style;       /* "default" or "plain" */
    const char *template_dir;
    strlist resource_paths;  /* --resource-path */
    const char *cover;       /* --cover */
    int cover_svg_only;      /* no JPEG copy of a generated cover (set by the fuzz harness:
                                librsvg is not what it tests, and it costs 0.2 s a book) */
    int speakers_off;        /* --speakers=off */
    int timestamps_drop;     /* --timestamps=drop */
    int infer_sections_off;  /* --infer-sections=off */
    const char *input_format; /* --from: "markdown", "html", "vtt", "srt" or "json"; NULL: by
                                 content and name (readers/reader.h) */
    int extract_off;         /* --extract=off: a web page's whole <body>, not its article */
    speaker_list speaker_names; /* --speaker LABEL=Name (owned): names for the labels of
                                   caption files */
    int keep_going;
    int verbose;
    long long epoch;         /* SOURCE_DATE_EPOCH, or the current time */
    file_id output_id;       /* the output file when it exists: never read as an input */
    const char *output;      /* the output's name as given, for messages about writing it */
    int threads;             /* worker threads (0: one per core) */
    /* Web addresses (readers/fetch.c). */
    long timeout;            /* --timeout: seconds per resource (default 30) */
    const char *cache_dir;   /* --cache DIR, or NULL */
    int offline;             /* --offline: only the cache */
    int refresh;             /* --refresh: revalidate what the cache holds */
    int max_images;          /* --max-images: images fetched per web article (default 100) */
    int connections;         /* --connections: transfers at once (default 16; 6 per host) */
    const char *user_agent;  /* "sheaf/VERSION", set by the command line */
    /* Called as articles are read and rendered (done of total), from the building thread. */
    void (*progress)(void *ud, size_t done, size_t total, const char *current);
    void *progress_ud;
    /* Called while web pages and images are fetched, from the building thread. */
    void (*fetch_progress)(void *ud, size_t pages_done, size_t pages_total, size_t images_done,
                           size_t images_total, size_t bytes);
} build_options;

/* Defaults: toc depth 2, the default style, the current time as epoch, 30 s timeout, 100
 * images per web article, 16 connections. */
void build_options_init(build_options *o);
/* Frees what the options own (overrides, lists); the struct itself is the caller's. */
void build_options_free(build_options *o);

#endif
