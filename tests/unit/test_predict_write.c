/*
 * chorus_model_predict_write() streams a chunk of items at a time; its files must be the
 * bytes of the in-memory route, chorus_model_predict() then chorus_probs_write(), for a
 * matrix of several chunks (65536 items each), in every format, with and without dropping
 * uncovered rows and review answers.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#define N_ITEMS 200003 /* three full chunks and a partial one */

static chorus_votes *synth_votes(void)
{
    chorus_synth_options so = CHORUS_SYNTH_OPTIONS_INIT;
    so.n_items = N_ITEMS;
    so.n_lfs = 6;
    so.n_classes = 3;
    so.coverage_min = 0.05; /* about a quarter of the items get no vote */
    so.coverage_max = 0.3;
    so.accuracy_min = 0.6;
    so.accuracy_max = 0.9;
    so.seed = 7;
    chorus_votes *v;
    int32_t *gold;
    ck_assert_ok(chorus_synth(&v, &gold, &so));
    chorus_free(gold);
    return v;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = test_read_file(a, &na), *y = test_read_file(b, &nb);
    ck_assert_msg(na == nb && memcmp(x, y, na) == 0, "%s and %s differ (%zu vs %zu bytes)", a, b,
                  na, nb);
    free(x);
    free(y);
}

/* Both routes to files named *_mem.EXT and *_stream.EXT, compared byte for byte. */
static void compare_routes(const chorus_model *m, const chorus_votes *v, const char *ext, int drop,
                           const int32_t *answers)
{
    char mem[256], stream[256], mem_items[256], stream_items[256];
    snprintf(mem, sizeof mem, "%s", test_path("mem"));
    snprintf(stream, sizeof stream, "%s", test_path("stream"));
    strcat(mem, ext);
    strcat(stream, ext);
    chorus_probs *p;
    ck_assert_ok(chorus_model_predict(&p, m, v));
    if (answers) {
        double *d = chorus_probs_data(p);
        for (int64_t i = 0; i < N_ITEMS; i++)
            for (int32_t c = 0; answers[i] >= 0 && c < 3; c++)
                d[i * 3 + c] = c == answers[i] ? 1.0 : 0.0;
    }
    if (drop) ck_assert_ok(chorus_probs_drop_uncovered(p));
    ck_assert_ok(chorus_probs_write(p, mem, CHORUS_PROBS_AUTO));
    chorus_predict_write_options opts = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    opts.drop_uncovered = drop;
    opts.answers = answers;
    ck_assert_ok(chorus_model_predict_write(m, v, stream, CHORUS_PROBS_AUTO, &opts));
    assert_same_file(mem, stream);
    snprintf(mem_items, sizeof mem_items, "%s", test_path("mem.items.csv"));
    snprintf(stream_items, sizeof stream_items, "%s", test_path("stream.items.csv"));
    ck_assert_int_eq(test_file_exists(mem_items), test_file_exists(stream_items));
    if (test_file_exists(mem_items)) assert_same_file(mem_items, stream_items);
    chorus_probs_free(p);
}

static void compare_all(chorus_model_type type)
{
    chorus_votes *v = synth_votes();
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = type;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    /* Every 1000th item answered, cycling through the classes. */
    int32_t *answers = malloc(N_ITEMS * sizeof *answers);
    for (int64_t i = 0; i < N_ITEMS; i++)
        answers[i] = i % 1000 == 0 ? (int32_t)(i / 1000 % 3) : -1;
    static const char *const exts[] = {".csv", ".jsonl", ".npy"};
    for (int e = 0; e < 3; e++)
        for (int drop = 0; drop < 2; drop++)
            compare_routes(m, v, exts[e], drop, NULL);
    compare_routes(m, v, ".npy", 0, answers);
    compare_routes(m, v, ".csv", 1, answers);
    free(answers);
    chorus_model_free(m);
    chorus_votes_free(v);
}

START_TEST(test_stream_matches_memory_em)
{
    compare_all(CHORUS_MODEL_DS);
}
END_TEST

START_TEST(test_stream_matches_memory_mv)
{
    compare_all(CHORUS_MODEL_MV);
}
END_TEST

START_TEST(test_stream_bad_answer_leaves_no_file)
{
    chorus_votes *v = synth_votes();
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    int32_t *answers = malloc(N_ITEMS * sizeof *answers);
    for (int64_t i = 0; i < N_ITEMS; i++)
        answers[i] = -1;
    answers[150000] = 3; /* past the 3 classes, in the third chunk */
    chorus_predict_write_options po = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    po.answers = answers;
    const char *path = test_path("bad.npy");
    ck_assert_error(chorus_model_predict_write(m, v, path, CHORUS_PROBS_AUTO, &po), CHORUS_EINVAL,
                    "item 150000");
    ck_assert(!test_file_exists(path));
    free(answers);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("predict_write");
    TCase *tc = tcase_create("stream");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_stream_matches_memory_em);
    tcase_add_test(tc, test_stream_matches_memory_mv);
    tcase_add_test(tc, test_stream_bad_answer_leaves_no_file);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
