/* gencues: a synthetic interview of a given length, as a caption file or as Markdown.
 *
 * usage: gencues vtt|srt|json|md MINUTES [SEED]
 *
 * Writes to standard output a conversation between three speakers (two named, one generic
 * label), the same words in every format for the same MINUTES and SEED: sentences of 6 to 20
 * words, turns of 1 to 12 sentences, cards of at most two 42-character lines lasting 2.5 to 4
 * seconds. WebVTT names the speaker with a voice span when it changes, SubRip with "Name:" at
 * the start of the turn's first card, JSON on every segment, Markdown as "**Name:** text"
 * paragraphs. Used by tests/bench/captions.sh (cues per second against Markdown of the same
 * words) and by the bounded-size tests of tests/captions.bats. The words are made up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng_state = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static const char *const words[] = {
    "clay",    "kiln",   "glaze",    "river",  "water",   "slowly",  "because", "which",
    "we",      "they",   "the",      "a",      "of",      "and",     "in",      "was",
    "fired",   "shelf",  "morning",  "ash",    "wood",    "wheel",   "hands",   "learned",
    "nobody",  "every",  "summer",   "winter", "village", "market",  "crack",   "bowl",
    "teapot",  "handle", "thrown",   "dried",  "slip",    "iron",    "copper",  "blue",
    "kept",    "gave",   "built",    "wanted", "waited",  "thought", "really",  "perhaps",
    "grandmother", "studio", "students", "weekend", "question", "answer", "flame", "smoke"};
#define N_WORDS (sizeof words / sizeof words[0])

static const char *const speakers[] = {"Mara Lindqvist", "Tomás Reyes", "SPEAKER_2"};

typedef struct out_state {
    const char *fmt;
    double t;      /* seconds */
    long card;     /* SubRip card number */
    int first_seg; /* JSON: no comma yet */
} out_state;

static void time_print(double t, int comma)
{
    long ms = (long)(t * 1000.0 + 0.5);
    printf("%02ld:%02ld:%02ld%c%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
           comma ? ',' : '.', ms % 1000);
}

/* One card of one or two lines. */
static void card_emit(out_state *o, const char *speaker, int first_of_turn, const char *l1,
                      const char *l2)
{
    double d = 2.5 + rnd(1500) / 1000.0;
    if (strcmp(o->fmt, "vtt") == 0) {
        time_print(o->t, 0);
        fputs(" --> ", stdout);
        time_print(o->t + d, 0);
        printf("\n%s%s%s%s%s%s\n\n", first_of_turn ? "<v " : "", first_of_turn ? speaker : "",
               first_of_turn ? ">" : "", l1, l2 ? "\n" : "", l2 ? l2 : "");
    } else if (strcmp(o->fmt, "srt") == 0) {
        printf("%ld\n", ++o->card);
        time_print(o->t, 1);
        fputs(" --> ", stdout);
        time_print(o->t + d, 1);
        printf("\n%s%s%s\n", first_of_turn ? speaker : "", first_of_turn ? ": " : "", l1);
        if (l2)
            printf("%s\n", l2);
        putchar('\n');
    } else if (strcmp(o->fmt, "json") == 0) {
        printf("%s\n  {\"speaker\": \"%s\", \"startTime\": %.3f, \"endTime\": %.3f, "
               "\"body\": \"%s%s%s\"}",
               o->first_seg ? "" : ",", speaker, o->t, o->t + d, l1, l2 ? " " : "",
               l2 ? l2 : "");
        o->first_seg = 0;
    }
    o->t += d + 0.1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "vtt") && strcmp(argv[1], "srt") && strcmp(argv[1], "json") &&
                     strcmp(argv[1], "md"))) {
        fputs("usage: gencues vtt|srt|json|md MINUTES [SEED]\n", stderr);
        return 2;
    }
    double minutes = atof(argv[2]);
    if (argc > 3)
        rng_state ^= strtoull(argv[3], NULL, 10) * 2654435761ULL;
    out_state o = {argv[1], 0.5, 0, 1};
    int md = strcmp(o.fmt, "md") == 0;
    if (strcmp(o.fmt, "vtt") == 0)
        puts("WEBVTT\n");
    else if (strcmp(o.fmt, "json") == 0)
        fputs("{\"version\": \"1.0.0\", \"segments\": [", stdout);
    else if (md)
        puts("# A synthetic interview\n");
    int who = 0;
    char turn[8192], line1[64], line2[64];
    while (o.t < minutes * 60.0) {
        who = (who + 1 + rnd(2)) % 3;
        size_t tl = 0;
        int sentences = 1 + (int)rnd(12);
        for (int s = 0; s < sentences && tl < sizeof turn - 400; s++) {
            int n = 6 + (int)rnd(15);
            for (int w = 0; w < n; w++) {
                const char *word = words[rnd(N_WORDS)];
                tl += (size_t)snprintf(turn + tl, sizeof turn - tl, "%s%c%s", tl ? " " : "",
                                       w == 0 ? word[0] - 32 : word[0], word + 1);
            }
            tl += (size_t)snprintf(turn + tl, sizeof turn - tl, "%s", rnd(5) ? "." : "?");
        }
        if (md) {
            printf("**%s:** %s\n\n", speakers[who], turn);
            o.t += 3.0 * (double)tl / 84.0;
            continue;
        }
        /* cut into lines of at most 42 bytes, two a card */
        const char *p = turn;
        int first = 1;
        while (*p) {
            char *lines[2] = {line1, line2};
            int nl = 0;
            for (; nl < 2 && *p; nl++) {
                size_t n = strlen(p), cut = n;
                if (n > 42) {
                    cut = 42;
                    while (cut > 0 && p[cut] != ' ')
                        cut--;
                    if (cut == 0)
                        cut = 42;
                }
                memcpy(lines[nl], p, cut);
                lines[nl][cut] = '\0';
                p += cut;
                while (*p == ' ')
                    p++;
            }
            card_emit(&o, speakers[who], first, line1, nl > 1 ? line2 : NULL);
            first = 0;
        }
    }
    if (strcmp(o.fmt, "json") == 0)
        puts("\n]}");
    return 0;
}
