/*
 * Numbers as chorus reads them in its text formats (votes, gold, probabilities, specs),
 * for front ends that accept numbers in options with the same syntax and limits.
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

#ifdef __cplusplus
}
#endif
#endif
