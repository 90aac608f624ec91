/* Helpers shared by the Check suites. */
#ifndef CHORUS_TEST_UTIL_H
#define CHORUS_TEST_UTIL_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

#include "chorus/chorus.h"

/* A fresh temporary directory for this test process (removed at exit). */
const char *test_tmpdir(void);

/* A path inside test_tmpdir(); the returned buffer is static per call slot (8 slots). */
const char *test_path(const char *name);

/* Writes `len` bytes (or strlen if len == (size_t)-1) to path; fails the test on error. */
void test_write_file(const char *path, const void *data, size_t len);

/* Reads a whole file; returns malloc'ed bytes (NUL-terminated) and sets *len. */
char *test_read_file(const char *path, size_t *len);

/* 1 if path exists. */
int test_file_exists(const char *path);

/* Path of a file in datasets/ or tests/data/. */
const char *test_dataset(const char *rel);
const char *test_data(const char *rel);

/* Share of items whose hash tie-break hard label equals gold (all gold known). */
double test_accuracy(const chorus_probs *probs, const int32_t *gold);

/* Writes the model.json document `root` (a jansson json_t *) to a file, loads it, and
 * expects CHORUS_EFORMAT with a message naming `field` and the file, and no model. */
void test_expect_model_load_error(void *root, const char *field);

/* Runs a suite and returns the process exit code (0 if every test passed). */
int test_run_suite(Suite *suite);

/* Asserts that `rc` is `code` and that the error message contains `needle`. */
#define ck_assert_error(rc, code, needle)                                                          \
    do {                                                                                           \
        int rc_ = (rc);                                                                            \
        ck_assert_msg(rc_ == (code), "expected status %d, got %d (%s)", (code), rc_,               \
                      chorus_error_last());                                                        \
        ck_assert_msg(strstr(chorus_error_last(), (needle)) != NULL,                               \
                      "error message \"%s\" does not mention \"%s\"", chorus_error_last(),         \
                      (needle));                                                                   \
    } while (0)

#define ck_assert_ok(rc)                                                                           \
    do {                                                                                           \
        int rc_ = (rc);                                                                            \
        ck_assert_msg(rc_ == CHORUS_OK, "expected success, got %d: %s", rc_, chorus_error_last()); \
    } while (0)

/*
 * Rewrites the block checksum table of a .chv file image as docs/chv-format.md defines it
 * (the XXH3-64 of each block of the bytes before the table, the checksum field read as
 * zero), so a patched file's lie is left to the structural checks. A header whose table
 * fields do not fit the image is left alone.
 */
void test_chv_fix_block_sums(char *buf, size_t len);

#endif
