/*
 * Numbers as chorus reads them in its text formats (votes, gold, probabilities, specs),
 * for front ends that accept numbers in options with the same syntax and limits; and the
 * "did you mean" lookup its readers use for misspelt names, for front ends to use too.
 */
#ifndef CHORUS_PARSE_H
#define CHORUS_PARSE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Parses a decimal integer in [min, max] from s[0..len) (not NUL-terminated), allowing
 * blanks (spaces, tabs) around it and a leading sign. Returns 0 and sets *out, or -1 for
 * anything else (*out untouched). No message is left for chorus_error_last(): the caller
 * knows what it was reading and says so.
 */
int chorus_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/* Parses a finite double from s[0..len), allowing blanks around it; 0, or -1 as above. */
int chorus_parse_double(const char *s, size_t len, double *out);

/*
 * The name in `candidates` (NULL-terminated) closest to `name` by edit distance
 * (Levenshtein: one insertion, deletion or substitution per step), when it is at most
 * `max_distance` steps away, else NULL; the first of equally close names wins. Names over
 * 40 characters are never close. For "unknown key 'lable' (did you mean 'label'?)".
 */
const char *chorus_closest_name(const char *name, const char *const *candidates,
                                size_t max_distance);

#ifdef __cplusplus
}
#endif
#endif
