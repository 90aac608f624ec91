/* "Did you mean": the nearest of a few known names to a misspelt one. */
#include <string.h>

#include "chorus/parse.h"

/* Longer names are not compared: hints are for keys, options and commands, not text. */
#define MAX_NAME 40

/* Levenshtein distance of two names of at most MAX_NAME characters, one row at a time. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t row[MAX_NAME + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *chorus_closest_name(const char *name, const char *const *candidates,
                                size_t max_distance)
{
    size_t len = strlen(name);
    if (len > MAX_NAME) return NULL;
    const char *closest = NULL;
    size_t best = max_distance + 1;
    for (size_t i = 0; candidates[i]; i++) {
        size_t clen = strlen(candidates[i]);
        /* The lengths alone already need this many insertions or deletions. */
        size_t gap = clen > len ? clen - len : len - clen;
        if (clen > MAX_NAME || gap >= best) continue;
        size_t d = edit_distance(name, len, candidates[i], clen);
        if (d < best) {
            best = d;
            closest = candidates[i];
        }
    }
    return closest;
}
