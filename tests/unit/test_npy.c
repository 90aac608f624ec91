/* NumPy .npy: vote matrices and probabilities, NumPy-written fixtures and hostile input. */
#include <glob.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npy_format.h"
#include "test_util.h"

#define ck_assert_last_error_has(needle)                                                           \
    ck_assert_msg(strstr(chorus_error_last(), (needle)) != NULL,                                   \
                  "error message \"%s\" does not mention \"%s\"", chorus_error_last(), (needle))

/* The matrix every fixture in tests/data/npy/votes_*.npy holds. */
static const int32_t FIXTURE[4][3] = {{0, -1, 1}, {-1, -1, -1}, {2, 1, -1}, {1, 0, 2}};

static uint64_t rng_state;

static uint32_t rng_next(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

/* Writes a .npy file with `dict` as its header, padded the way NumPy pads, then `data`. */
static void craft(const char *path, int major, const char *dict, const void *data, size_t len)
{
    size_t prefix = major == 1 ? 10 : 12;
    size_t dict_len = strlen(dict);
    size_t hlen = dict_len + 1;
    hlen += 64 - (prefix + hlen) % 64;
    size_t total = prefix + hlen + len;
    unsigned char *buf = malloc(total);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < prefix - 8; i++)
        buf[8 + i] = (unsigned char)(hlen >> (8 * i));
    memcpy(buf + prefix, dict, dict_len);
    memset(buf + prefix + dict_len, ' ', hlen - dict_len - 1);
    buf[prefix + hlen - 1] = '\n';
    if (len) memcpy(buf + prefix + hlen, data, len);
    test_write_file(path, buf, total);
    free(buf);
}

/* Little- or big-endian two's complement of `itemsize` bytes. */
static void encode(unsigned char *out, const int64_t *values, size_t n, int itemsize, bool big)
{
    for (size_t e = 0; e < n; e++) {
        uint64_t u = (uint64_t)values[e];
        for (int b = 0; b < itemsize; b++)
            out[e * (size_t)itemsize + (size_t)(big ? itemsize - 1 - b : b)] =
                (unsigned char)(u >> (8 * b));
    }
}

static void assert_fixture(const chorus_votes *v)
{
    ck_assert_int_eq(chorus_votes_n_items(v), 4);
    ck_assert_int_eq(chorus_votes_n_lfs(v), 3);
    ck_assert_int_eq(chorus_votes_n_classes(v), 3);
    ck_assert_int_eq(chorus_votes_nnz(v), 7);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            ck_assert_int_eq(chorus_votes_get(v, i, j), FIXTURE[i][j]);
    ck_assert_str_eq(chorus_votes_lf_name(v, 2), "lf2");
}

static void assert_votes_equal(const chorus_votes *a, const chorus_votes *b)
{
    ck_assert_int_eq(chorus_votes_n_items(a), chorus_votes_n_items(b));
    ck_assert_int_eq(chorus_votes_n_lfs(a), chorus_votes_n_lfs(b));
    ck_assert_int_eq(chorus_votes_n_classes(a), chorus_votes_n_classes(b));
    int64_t n = chorus_votes_n_items(a), nnz = chorus_votes_nnz(a);
    ck_assert_int_eq(nnz, chorus_votes_nnz(b));
    ck_assert_mem_eq(chorus_votes_row_ptr(a), chorus_votes_row_ptr(b), (size_t)(n + 1) * 8);
    if (nnz) {
        ck_assert_mem_eq(chorus_votes_lf_index(a), chorus_votes_lf_index(b), (size_t)nnz * 4);
        ck_assert_mem_eq(chorus_votes_labels(a), chorus_votes_labels(b), (size_t)nnz * 4);
    }
}

/* Reads `path` as votes expecting failure with `code` and `needle`, and no matrix. */
static void assert_read_fails(const char *path, int code, const char *needle)
{
    chorus_votes *v = (chorus_votes *)1;
    ck_assert_error(chorus_votes_read_npy(&v, path, NULL), code, needle);
    ck_assert_ptr_null(v);
    ck_assert_msg(strncmp(chorus_error_last(), path, strlen(path)) == 0,
                  "error message \"%s\" does not start with the path", chorus_error_last());
}

static void assert_crafted_fails(const char *dict, const char *needle)
{
    const char *path = test_path("crafted.npy");
    unsigned char data[64] = {0};
    craft(path, 1, dict, data, sizeof data);
    assert_read_fails(path, CHORUS_EFORMAT, needle);
}

START_TEST(test_reads_numpy_integer_files)
{
    static const char *const names[] = {
        "votes_int8.npy",     "votes_int16.npy",   "votes_int32.npy",  "votes_int64.npy",
        "votes_int32_be.npy", "votes_int8_v2.npy", "votes_int8_v3.npy"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        chorus_votes *v;
        char rel[64];
        snprintf(rel, sizeof rel, "npy/%s", names[k]);
        ck_assert_ok(chorus_votes_read_npy(&v, test_data(rel), NULL));
        assert_fixture(v);
        chorus_votes_free(v);
    }
    /* Through the dispatcher, picked by the file name. */
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read(&v, test_data("npy/votes_int16.npy"), NULL));
    assert_fixture(v);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_rejects_numpy_files_of_other_kinds)
{
    assert_read_fails(test_data("npy/votes_uint8.npy"), CHORUS_EFORMAT,
                      "array has dtype '|u1'; expected signed integers");
    /* Probabilities are floats too, but not whole numbers: the first, 0.25, is refused. */
    assert_read_fails(test_data("npy/probs_f8.npy"), CHORUS_EFORMAT,
                      "row 0, column 0 (flat index 0, byte offset 128): 0.25 is not an integer");
    assert_read_fails(test_data("npy/votes_1d.npy"), CHORUS_EFORMAT,
                      "array has shape (3,) (1-D); expected a 2-D array");
    assert_read_fails(test_data("npy/votes_3d.npy"), CHORUS_EFORMAT,
                      "array has shape (2, 2, 2) (3-D); expected a 2-D array");
    assert_read_fails(test_data("npy/votes_fortran.npy"), CHORUS_EFORMAT,
                      "array of shape (4, 3) is in Fortran order; expected C order");
}
END_TEST

START_TEST(test_writes_what_numpy_writes)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 4, 3, 3, &FIXTURE[0][0]));
    const char *path = test_path("written.npy");
    ck_assert_ok(chorus_votes_write_npy(v, path));
    size_t len, want_len;
    char *got = test_read_file(path, &len);
    char *want = test_read_file(test_data("npy/votes_int8.npy"), &want_len);
    ck_assert_uint_eq(len, want_len);
    ck_assert_mem_eq(got, want, len);
    free(got);
    free(want);
    /* No temporary file is left beside the target. */
    glob_t g;
    char pattern[600];
    snprintf(pattern, sizeof pattern, "%s/*.tmp.*", test_tmpdir());
    ck_assert_int_eq(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    chorus_votes_free(v);

    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 3, 2));
    const double values[] = {0.25, 0.75, 0.5, 0.5, 1.0, 0.0};
    memcpy(chorus_probs_data(p), values, sizeof values);
    path = test_path("probs.npy");
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_NPY));
    got = test_read_file(path, &len);
    want = test_read_file(test_data("npy/probs_f8.npy"), &want_len);
    ck_assert_uint_eq(len, want_len);
    ck_assert_mem_eq(got, want, len);
    free(got);
    free(want);
    chorus_probs_free(p);
}
END_TEST

/* Writer picks the narrowest dtype; every width reads back to the same matrix. */
START_TEST(test_round_trip_every_width)
{
    static const struct {
        int32_t n_classes;
        const char *descr;
    } cases[] = {{2, "'|i1'"}, {128, "'|i1'"}, {129, "'<i2'"}, {CHORUS_MAX_CLASSES, "'<i2'"}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        rng_state = c + 1;
        int64_t n = 300;
        int32_t m = 7, k = cases[c].n_classes;
        int32_t *dense = malloc((size_t)(n * m) * sizeof *dense);
        for (int64_t e = 0; e < n * m; e++) {
            uint32_t r = rng_next();
            dense[e] = r % 3 == 0 ? (int32_t)(r / 3 % (uint32_t)k) : CHORUS_ABSTAIN;
        }
        dense[5] = k - 1; /* so the inferred class count is k */
        chorus_votes *v, *back;
        ck_assert_ok(chorus_votes_from_dense(&v, n, m, k, dense));
        const char *path = test_path("round.npy");
        ck_assert_ok(chorus_votes_write_npy(v, path));
        char *text = test_read_file(path, NULL);
        ck_assert_ptr_nonnull(strstr(text + 10, cases[c].descr));
        free(text);
        ck_assert_ok(chorus_votes_read_npy(&back, path, NULL));
        assert_votes_equal(v, back);
        chorus_votes_free(v);
        chorus_votes_free(back);
        free(dense);
    }
}
END_TEST

/* Crafted files of every accepted dtype, large enough to cross the reader's chunks. */
START_TEST(test_reads_every_dtype)
{
    static const struct {
        const char *descr;
        int itemsize;
        bool big;
    } dtypes[] = {{"|i1", 1, false}, {"<i1", 1, false}, {">i1", 1, true}, {"<i2", 2, false},
                  {">i2", 2, true},  {"<i4", 4, false}, {">i4", 4, true}, {"<i8", 8, false},
                  {">i8", 8, true},  {"i8", 8, false}};
    const int64_t n = 5003, m = 13;
    int64_t *values = malloc((size_t)(n * m) * sizeof *values);
    int32_t *dense = malloc((size_t)(n * m) * sizeof *dense);
    unsigned char *data = malloc((size_t)(n * m) * 8);
    rng_state = 42;
    for (int64_t e = 0; e < n * m; e++) {
        dense[e] = (int32_t)(rng_next() % 6) - 1;
        values[e] = dense[e];
    }
    chorus_votes *want;
    ck_assert_ok(chorus_votes_from_dense(&want, n, (int32_t)m, 5, dense));
    for (size_t d = 0; d < sizeof dtypes / sizeof *dtypes; d++) {
        encode(data, values, (size_t)(n * m), dtypes[d].itemsize, dtypes[d].big);
        char dict[128];
        snprintf(dict, sizeof dict,
                 "{'descr': '%s', 'fortran_order': False, 'shape': (5003, 13), }", dtypes[d].descr);
        const char *path = test_path("dtype.npy");
        craft(path, 1, dict, data, (size_t)(n * m * dtypes[d].itemsize));
        chorus_votes *v;
        ck_assert_ok(chorus_votes_read_npy(&v, path, NULL));
        assert_votes_equal(want, v);
        chorus_votes_free(v);
    }
    chorus_votes_free(want);
    free(values);
    free(dense);
    free(data);
}
END_TEST

START_TEST(test_header_variants)
{
    /* Key order, quotes, spacing and a trailing comma in the shape are NumPy's to choose. */
    static const char *const dicts[] = {
        "{\"shape\": (4, 3,), \"fortran_order\": False, \"descr\": \"<i2\"}",
        "{ 'descr' : '<i2' ,\n'fortran_order':False,'shape':(4L, 3L)}",
    };
    int64_t values[12];
    for (int e = 0; e < 12; e++)
        values[e] = FIXTURE[e / 3][e % 3];
    unsigned char data[24];
    encode(data, values, 12, 2, false);
    for (size_t k = 0; k < sizeof dicts / sizeof *dicts; k++) {
        const char *path = test_path("variant.npy");
        craft(path, k == 0 ? 1 : 2, dicts[k], data, sizeof data);
        chorus_votes *v;
        ck_assert_ok(chorus_votes_read_npy(&v, path, NULL));
        assert_fixture(v);
        chorus_votes_free(v);
    }
}
END_TEST

START_TEST(test_classes_and_values)
{
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    chorus_votes *v;
    opts.n_classes = 7;
    ck_assert_ok(chorus_votes_read_npy(&v, test_data("npy/votes_int8.npy"), &opts));
    ck_assert_int_eq(chorus_votes_n_classes(v), 7);
    chorus_votes_free(v);

    /* Row 2, column 0 holds 2: the 7th data byte after NumPy's 128-byte header. */
    opts.n_classes = 2;
    const char *path = test_data("npy/votes_int8.npy");
    ck_assert_error(chorus_votes_read_npy(&v, path, &opts), CHORUS_EFORMAT,
                    "row 2, column 0 (byte offset 134): vote 2 is neither -1 (abstain) nor a "
                    "class in 0..1");
    /* With 0 as the abstain, the classes are the values after it: 2 is class 1, and -1
     * still abstains; the 0s at (0, 0) and (3, 1) become abstains. */
    opts.n_classes = 0;
    opts.abstain_value = 0;
    ck_assert_ok(chorus_votes_read_npy(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 5);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 0, 2), 0);
    ck_assert_int_eq(chorus_votes_get(v, 2, 0), 1);
    ck_assert_int_eq(chorus_votes_get(v, 3, 1), CHORUS_ABSTAIN);
    chorus_votes_free(v);
    opts.n_classes = 2;
    opts.abstain_value = 1;
    ck_assert_error(chorus_votes_read_npy(&v, path, &opts), CHORUS_EFORMAT,
                    "row 0, column 0 (byte offset 128): vote 0 is neither -1 or 1 (abstain) nor "
                    "a class value in 2..3");
    opts.abstain_value = 0;
    ck_assert_ptr_null(v);
    opts.n_classes = 1;
    ck_assert_error(chorus_votes_read_npy(&v, path, &opts), CHORUS_EINVAL, "n_classes");

    const char *dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }";
    int64_t values[] = {0, 1, -1, -2};
    unsigned char data[16];
    encode(data, values, 4, 4, false);
    path = test_path("minus2.npy");
    craft(path, 1, dict, data, sizeof data);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "row 1, column 1 (byte offset 140): vote -2 is neither -1");
    int64_t big[] = {0, 1, CHORUS_MAX_CLASSES, 0};
    encode(data, big, 4, 4, false);
    craft(path, 1, dict, data, sizeof data);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "vote 1000 is neither -1 (abstain) nor a class in 0..999");
    /* 0, 1 and 900 seen: 901 classes inferred, 898 of them never voted, is refused. */
    int64_t stray[] = {0, 1, 900, -1};
    encode(data, stray, 4, 4, false);
    craft(path, 1, dict, data, sizeof data);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "the largest vote, 900, implies 901 classes, but only 3 of them receive "
                      "a vote");

    /* All abstains: still two classes. */
    int64_t none[] = {-1, -1, -1, -1};
    encode(data, none, 4, 4, false);
    craft(path, 1, dict, data, sizeof data);
    ck_assert_ok(chorus_votes_read_npy(&v, path, NULL));
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    ck_assert_int_eq(chorus_votes_nnz(v), 0);
    chorus_votes_free(v);
}
END_TEST

/* Writes the 2 x 2 float32 array `values` (little-endian) to `path`. */
static void craft_f4(const char *path, const float *values)
{
    unsigned char data[16];
    for (int e = 0; e < 4; e++) {
        uint32_t u;
        memcpy(&u, &values[e], 4);
        for (int b = 0; b < 4; b++)
            data[e * 4 + b] = (unsigned char)(u >> (8 * b));
    }
    craft(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", data,
          sizeof data);
}

/* Float arrays of whole numbers (np.full(shape, -1.0) filled in) read like integer ones. */
START_TEST(test_float_votes)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read_npy(&v, test_data("npy/votes_float64.npy"), NULL));
    assert_fixture(v);
    chorus_votes_free(v);

    const char *path = test_path("f4.npy");
    craft_f4(path, (const float[]){-1.0f, 1.0f, 0.0f, -0.0f});
    ck_assert_ok(chorus_votes_read_npy(&v, path, NULL));
    ck_assert_int_eq(chorus_votes_nnz(v), 3);
    ck_assert_int_eq(chorus_votes_get(v, 0, 0), CHORUS_ABSTAIN);
    ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
    ck_assert_int_eq(chorus_votes_get(v, 1, 1), 0); /* -0.0 is 0 */
    chorus_votes_free(v);

    /* Element 3 (row 1, column 1) sits 3 x 4 bytes after the header, padded to 128 bytes. */
    craft_f4(path, (const float[]){0.0f, 1.0f, -1.0f, NAN});
    assert_read_fails(path, CHORUS_EFORMAT,
                      "row 1, column 1 (flat index 3, byte offset 140): nan is not an integer");
    craft_f4(path, (const float[]){0.0f, 2.5f, -1.0f, 0.0f});
    assert_read_fails(path, CHORUS_EFORMAT,
                      "row 0, column 1 (flat index 1, byte offset 132): 2.5 is not an integer");
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), "L.astype(int)"));
    craft_f4(path, (const float[]){0.0f, INFINITY, -1.0f, 0.0f});
    assert_read_fails(path, CHORUS_EFORMAT,
                      "flat index 1, byte offset 132): inf is not an integer");
    craft_f4(path, (const float[]){0.0f, 1.0f, -2.0f, 0.0f});
    assert_read_fails(path, CHORUS_EFORMAT,
                      "row 1, column 0 (byte offset 136): vote -2 is neither");
}
END_TEST

START_TEST(test_empty_matrix)
{
    chorus_votes *v, *back;
    ck_assert_ok(chorus_votes_new(&v, 5, 2));
    const char *path = test_path("empty.npy");
    ck_assert_ok(chorus_votes_write_npy(v, path));
    char *text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(text + 10, "'shape': (0, 5), }"));
    free(text);
    ck_assert_ok(chorus_votes_read_npy(&back, path, NULL));
    assert_votes_equal(v, back);
    chorus_votes_free(v);
    chorus_votes_free(back);
    assert_crafted_fails("{'descr': '|i1', 'fortran_order': False, 'shape': (3, 0), }",
                         "shape (3, 0); expected 1..16777216 columns");
}
END_TEST

START_TEST(test_bad_prefix)
{
    const char *path = test_path("prefix.npy");
    test_write_file(path, "item,lf,label\n0,0,1\n", (size_t)-1);
    assert_read_fails(path, CHORUS_EFORMAT, "not a .npy file: bad magic at byte offset 0");
    test_write_file(path, "\x93NUMPX\x01\x00\x10\x00", 10);
    assert_read_fails(path, CHORUS_EFORMAT, "bad magic");
    test_write_file(path, "", 0);
    assert_read_fails(path, CHORUS_EFORMAT, "truncated: the file has 0 bytes");
    test_write_file(path, "\x93NUM", 4);
    assert_read_fails(path, CHORUS_EFORMAT, "truncated: the file has 4 bytes");
    test_write_file(path, "\x93NUMPY\x04\x00\x10\x00{}", 12);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "unsupported .npy format version 4.0 at byte offset 6; expected 1.0, 2.0 "
                      "or 3.0");
    test_write_file(path, "\x93NUMPY\x01\x01\x10\x00{}", 12);
    assert_read_fails(path, CHORUS_EFORMAT, "version 1.1");
    test_write_file(path, "\x93NUMPY\x01\x00\xff\xff{'descr'", 17);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "header length at byte offset 8 says 65535 bytes, running past the end "
                      "of the file (17 bytes)");
    test_write_file(path, "\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14);
    assert_read_fails(path, CHORUS_EFORMAT, "says 4294967295 bytes, running past the end");
    test_write_file(path, "\x93NUMPY\x02\x00\x00", 9);
    assert_read_fails(path, CHORUS_EFORMAT, "truncated: the file has 9 bytes");
    test_write_file(path, "\x93NUMPY\x03\x00\x00\x00", 10);
    assert_read_fails(path, CHORUS_EFORMAT, "truncated: the file ends at byte offset 10");

    /* A header length beyond the limit, in a file long enough to hold it. */
    size_t big = 12 + (2u << 20);
    char *buf = malloc(big);
    memset(buf, ' ', big);
    memcpy(buf, "\x93NUMPY\x02\x00\x00\x00\x20\x00", 12);
    test_write_file(path, buf, big);
    free(buf);
    assert_read_fails(path, CHORUS_EFORMAT, "says 2097152 bytes, more than the 1048576 allowed");

    assert_read_fails(test_path("missing.npy"), CHORUS_EIO,
                      "cannot open: No such file or directory");
    assert_read_fails(test_tmpdir(), CHORUS_EIO, "is a directory");
}
END_TEST

START_TEST(test_malformed_dicts)
{
    static const struct {
        const char *dict, *needle;
    } cases[] = {
        {"", "expected '{' at the start of the header dict, found the end of the header"},
        {"garbage", "byte offset 10: expected '{' at the start of the header dict, found 'g'"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4), ",
         "expected a quoted string, found the end of the header"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4)",
         "expected ',' or '}' after a value"},
        {"{'descr': '<i1", "byte offset 20: unterminated string"},
        {"{'descr': '<i1', 'shape': (3, 4), }", "the header dict has no 'fortran_order' key"},
        {"{'fortran_order': False, 'shape': (3, 4), }", "no 'descr' key"},
        {"{'descr': '<i1', 'fortran_order': False, }", "no 'shape' key"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4), 'extra': 1}",
         "unexpected key 'extra'; expected 'descr', 'fortran_order' and 'shape'"},
        {"{'descr': '<i1', 'descr': '<i1', 'fortran_order': False, 'shape': (3, 4)}",
         "key 'descr' appears twice"},
        {"{'descr': '<i1', 'fortran_order': 0, 'shape': (3, 4)}",
         "'fortran_order' must be True or False, found '0'"},
        {"{'descr': '<i1', 'fortran_order': Falsey, 'shape': (3, 4)}", "True or False"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (-3, 4)}",
         "negative dimension -3 in 'shape'"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 99999999999999999999)}",
         "dimension in 'shape' is larger than 9223372036854775807"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
         "shape (4294967296, 4294967296) has more elements than fit in 64 bits"},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (1152921504606846976, 4)}",
         "needs more bytes than fit in 64 bits"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3)}", "not a tuple"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': [3, 4]}",
         "'shape' must be a tuple of integers, found '['"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, x)}",
         "expected an integer in 'shape', found 'x'"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3 4)}",
         "expected ',' or ')' in 'shape'"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
         "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1)}",
         "more than 32 dimensions"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4)} x",
         "unexpected 'x' after the header dict"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4)}\x01",
         "unexpected byte 0x01 after the header dict"},
        {"{'descr': '\\x3ci1', 'fortran_order': False, 'shape': (3, 4)}",
         "escape sequences in strings are not supported"},
        {"{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (3, 4)}",
         "array has dtype '[('a', '<i4'), ('b', '<f8')]'; expected signed integers"},
        {"{'descr': [('a', '<i4'", "unterminated list in 'descr'"},
        {"{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (3, 4)}", "dtype '<M8[ns]'"},
        {"{'descr': '|b1', 'fortran_order': False, 'shape': (3, 4)}", "dtype '|b1'"},
        {"{'descr': '|O', 'fortran_order': False, 'shape': (3, 4)}", "dtype '|O'"},
        {"{'descr': '<i3', 'fortran_order': False, 'shape': (3, 4)}", "dtype '<i3'"},
        {"{'descr': 3, 'fortran_order': False, 'shape': (3, 4)}", "expected a quoted string"},
        {"{'descr': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'}",
         "string longer than 63 bytes"},
        {"{'descr': '<i1', 'fortran_order': False, 'shape': (3, 4),, }",
         "expected a quoted string, found ','"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        assert_crafted_fails(cases[k].dict, cases[k].needle);

    /* A NUL inside the header is reported, not taken as its end. */
    const char *path = test_path("nul.npy");
    static const char nul_header[] = "\x93NUMPY\x01\x00\x07\x00{\0}   \n";
    test_write_file(path, nul_header, sizeof nul_header - 1);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "byte offset 11: expected a quoted string, found byte "
                      "0x00");
}
END_TEST

START_TEST(test_data_size_must_match)
{
    const char *path = test_path("size.npy");
    const char *dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (3, 4), }";
    unsigned char data[30] = {0};
    craft(path, 1, dict, data, 5);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "truncated: shape (3, 4) of dtype '<i2' needs 24 bytes of data after the "
                      "128-byte header, a file of 152 bytes, but the file has 133 bytes");
    craft(path, 1, dict, data, 30);
    assert_read_fails(path, CHORUS_EFORMAT,
                      "6 unexpected bytes after the array data at byte offset 152");
}
END_TEST

/* Every prefix of a valid file fails cleanly (ASan / LSan check the error paths). */
START_TEST(test_every_truncation)
{
    static const char *const names[] = {"npy/votes_int16.npy", "npy/votes_int8_v3.npy"};
    for (size_t f = 0; f < sizeof names / sizeof *names; f++) {
        size_t len;
        char *full = test_read_file(test_data(names[f]), &len);
        const char *path = test_path("cut.npy");
        for (size_t cut = 0; cut < len; cut++) {
            test_write_file(path, full, cut);
            assert_read_fails(path, CHORUS_EFORMAT, "truncated");
        }
        test_write_file(path, full, len);
        chorus_votes *v;
        ck_assert_ok(chorus_votes_read_npy(&v, path, NULL));
        assert_fixture(v);
        chorus_votes_free(v);
        free(full);
    }
}
END_TEST

/* Random byte changes to a valid file: any outcome but a crash, leak or half-made matrix. */
START_TEST(test_random_corruption)
{
    size_t len;
    char *full = test_read_file(test_data("npy/votes_int32.npy"), &len);
    char *copy = malloc(len);
    const char *path = test_path("mutant.npy");
    rng_state = 7;
    for (int round = 0; round < 1500; round++) {
        memcpy(copy, full, len);
        int changes = 1 + (int)(rng_next() % 4);
        for (int c = 0; c < changes; c++) {
            /* Mostly the header, where the parser lives. */
            size_t at = rng_next() % 4 ? rng_next() % 128 : rng_next() % len;
            static const char syntax[] = "{}(),: '\"\n0-9L";
            uint32_t r = rng_next();
            copy[at] = r % 4 ? (char)rng_next() : syntax[r / 4 % (sizeof syntax - 1)];
        }
        size_t cut = rng_next() % 8 ? len : rng_next() % len;
        test_write_file(path, copy, cut);
        chorus_votes *v = NULL;
        int rc = chorus_votes_read_npy(&v, path, NULL);
        if (rc == CHORUS_OK) {
            ck_assert_ptr_nonnull(v);
            chorus_votes_free(v);
        } else {
            ck_assert_int_eq(rc, CHORUS_EFORMAT);
            ck_assert_ptr_null(v);
            ck_assert_msg(strncmp(chorus_error_last(), path, strlen(path)) == 0, "%s",
                          chorus_error_last());
        }
    }
    free(copy);
    free(full);
}
END_TEST

START_TEST(test_write_failure_leaves_nothing)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 4, 3, 3, &FIXTURE[0][0]));
    ck_assert_error(chorus_votes_write_npy(v, test_path("no/such/dir/x.npy")), CHORUS_EWRITE,
                    "no/such/dir/x.npy");
    chorus_probs *p;
    ck_assert_ok(chorus_probs_new(&p, 1, 2));
    ck_assert_error(chorus_probs_write(p, test_path("no/such/dir/p.npy"), CHORUS_PROBS_NPY),
                    CHORUS_EWRITE, "p.npy");
    chorus_probs_free(p);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_probs_round_trip)
{
    rng_state = 3;
    const int64_t n = 2500;
    const int32_t k = 5;
    chorus_probs *p, *back;
    ck_assert_ok(chorus_probs_new(&p, n, k));
    double *x = chorus_probs_data(p);
    for (int64_t i = 0; i < n; i++) {
        double sum = 0;
        for (int32_t c = 0; c < k; c++)
            sum += x[i * k + c] = 1 + rng_next() % 1000;
        for (int32_t c = 0; c < k; c++)
            x[i * k + c] /= sum;
    }
    const char *path = test_path("probs.npy");
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_NPY));
    ck_assert_ok(chorus_probs_read_npy(&back, path));
    ck_assert_int_eq(chorus_probs_n_items(back), n);
    ck_assert_int_eq(chorus_probs_n_classes(back), k);
    ck_assert_mem_eq(chorus_probs_const_data(back), x, (size_t)(n * k) * sizeof(double));
    chorus_probs_free(back);
    chorus_probs_free(p);

    /* NumPy's float32 and float64 files. */
    static const char *const names[] = {"npy/probs_f8.npy", "npy/probs_f4.npy"};
    for (size_t f = 0; f < 2; f++) {
        ck_assert_ok(chorus_probs_read_npy(&back, test_data(names[f])));
        ck_assert_int_eq(chorus_probs_n_items(back), 3);
        ck_assert_int_eq(chorus_probs_n_classes(back), 2);
        const double want[] = {0.25, 0.75, 0.5, 0.5, 1.0, 0.0};
        ck_assert_mem_eq(chorus_probs_const_data(back), want, sizeof want);
        chorus_probs_free(back);
    }

    /* No items. */
    ck_assert_ok(chorus_probs_new(&p, 0, 3));
    ck_assert_ok(chorus_probs_write(p, path, CHORUS_PROBS_NPY));
    ck_assert_ok(chorus_probs_read_npy(&back, path));
    ck_assert_int_eq(chorus_probs_n_items(back), 0);
    ck_assert_int_eq(chorus_probs_n_classes(back), 3);
    chorus_probs_free(back);
    chorus_probs_free(p);
}
END_TEST

static void assert_probs_fail(const char *path, int code, const char *needle)
{
    chorus_probs *p = (chorus_probs *)1;
    ck_assert_error(chorus_probs_read_npy(&p, path), code, needle);
    ck_assert_ptr_null(p);
}

START_TEST(test_probs_bad_input)
{
    assert_probs_fail(test_data("npy/votes_int8.npy"), CHORUS_EFORMAT,
                      "array has dtype '|i1'; expected float64 ('<f8') or float32 ('<f4')");
    const char *path = test_path("bad_probs.npy");
    unsigned char data[64];
    double ones[] = {0.5, 0.5, 1, 0};
    for (int e = 0; e < 4; e++)
        chorus_npy_store_f64_le(data + 8 * e, ones[e]);
    craft(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", data, 32);
    assert_probs_fail(path, CHORUS_EFORMAT, "array has shape (4,) (1-D); expected a 2-D array");
    craft(path, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", data, 32);
    assert_probs_fail(path, CHORUS_EFORMAT, "Fortran order");
    craft(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 1), }", data, 32);
    assert_probs_fail(path, CHORUS_EFORMAT, "shape (4, 1); expected 2..65535 columns");
    craft(path, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", data, 8);
    assert_probs_fail(path, CHORUS_EFORMAT, "dtype '<f2'");
    craft(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data, 31);
    assert_probs_fail(path, CHORUS_EFORMAT, "truncated");

    double bad_sum[] = {0.5, 0.5, 0.5, 0.4};
    for (int e = 0; e < 4; e++)
        chorus_npy_store_f64_le(data + 8 * e, bad_sum[e]);
    craft(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data, 32);
    assert_probs_fail(path, CHORUS_EFORMAT, "row 1 (byte offset 144) sums to 0.9");
    double negative[] = {0.5, 0.5, 1.5, -0.5};
    for (int e = 0; e < 4; e++)
        chorus_npy_store_f64_le(data + 8 * e, negative[e]);
    craft(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data, 32);
    assert_probs_fail(path, CHORUS_EFORMAT,
                      "row 1, column 1 (byte offset 152): -0.5 is not a probability");
    assert_probs_fail(test_path("missing.npy"), CHORUS_EIO, "cannot open: No such file");

    size_t len;
    char *full = test_read_file(test_data("npy/probs_f8.npy"), &len);
    for (size_t cut = 0; cut < len; cut++) {
        test_write_file(path, full, cut);
        assert_probs_fail(path, CHORUS_EFORMAT, "truncated");
    }
    free(full);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npy");
    TCase *tc = tcase_create("votes");
    tcase_add_test(tc, test_reads_numpy_integer_files);
    tcase_add_test(tc, test_rejects_numpy_files_of_other_kinds);
    tcase_add_test(tc, test_writes_what_numpy_writes);
    tcase_add_test(tc, test_round_trip_every_width);
    tcase_add_test(tc, test_reads_every_dtype);
    tcase_add_test(tc, test_header_variants);
    tcase_add_test(tc, test_classes_and_values);
    tcase_add_test(tc, test_empty_matrix);
    tcase_add_test(tc, test_float_votes);
    tcase_add_test(tc, test_write_failure_leaves_nothing);
    suite_add_tcase(s, tc);
    TCase *bad = tcase_create("hostile");
    /* Thousands of small files under the sanitizers outlast Check's 4 s default. */
    tcase_set_timeout(bad, 120);
    tcase_add_test(bad, test_bad_prefix);
    tcase_add_test(bad, test_malformed_dicts);
    tcase_add_test(bad, test_data_size_must_match);
    tcase_add_test(bad, test_every_truncation);
    tcase_add_test(bad, test_random_corruption);
    suite_add_tcase(s, bad);
    TCase *probs = tcase_create("probs");
    tcase_add_test(probs, test_probs_round_trip);
    tcase_add_test(probs, test_probs_bad_input);
    suite_add_tcase(s, probs);
    return test_run_suite(s);
}
