/*
 * What the fuzz targets share: a private scratch folder for the files the readers take by
 * path, a check that aborts (so libFuzzer reports the input), and comparisons of what a
 * reader returned with what it returned after a write and a second read.
 */
#ifndef CHORUS_FUZZ_UTIL_H
#define CHORUS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/chorus.h"

/* The fuzzer's entry point, called once per input (libFuzzer declares no header for it). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The path of `name` inside this process' scratch folder (created on first use, removed
 * at exit with everything in it). The string stays valid until the next call.
 */
const char *fuzz_path(const char *name);

/* Writes data[0..size) to fuzz_path(name) and returns that path; aborts if it cannot. */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

/*
 * The LF spec `text`, written to fuzz_path(name) and loaded the first time it is asked for,
 * then the same set for the rest of the run (one fixed spec per target); aborts when it
 * does not load.
 */
chorus_lf_set *fuzz_fixed_spec(const char *name, const char *text);

/* Removes fuzz_path(name) if it exists. */
void fuzz_remove(const char *name);

/* Aborts with "fuzz check failed: <what>" and the library's last error when !ok. */
#define FUZZ_CHECK(ok, what)                                                                       \
    do {                                                                                           \
        if (!(ok)) fuzz_fail(__FILE__, __LINE__, what);                                            \
    } while (0)

void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* Aborts unless the two matrices have the same shape and votes (and names, if names). */
void fuzz_check_votes_equal(const chorus_votes *a, const chorus_votes *b, int names);

/*
 * Writes `votes` in `format`, reads the file back (telling the reader the sizes, which
 * triples and .npy cannot carry) and aborts unless it is the same matrix, names included
 * when `names`.
 */
void fuzz_votes_round_trip(const chorus_votes *votes, chorus_votes_format format, int names);

/* Aborts unless the two probability matrices agree exactly: values, classes, ids, coverage. */
void fuzz_check_probs_equal(const chorus_probs *a, const chorus_probs *b);

#endif
