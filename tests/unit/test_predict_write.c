/*
 * chorus_model_predict_write() streams a chunk of items at a time; its files must be the
 * bytes of the in-memory route, chorus_model_predict() then chorus_probs_write(), for a
 * matrix of several chunks (65536 items each), in every format, with and without dropping
 * uncovered rows and review answers. A chorus_predictor's rows, in runs of any size and
 * from parts of the matrix numbered from their first item, give the same file.
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

/* The `done` values a progress callback saw, and their totals. */
typedef struct progress_calls {
    int64_t done[8], total[8];
    int n;
} progress_calls;

static void record_progress(int64_t done, int64_t total, void *ctx)
{
    progress_calls *c = ctx;
    ck_assert_int_lt(c->n, 8);
    c->done[c->n] = done;
    c->total[c->n++] = total;
}

/* Progress after each chunk written, the file unchanged; version 1 options (no progress
 * fields) are still taken and their progress field is not read; others are refused. */
START_TEST(test_stream_progress_after_each_chunk)
{
    chorus_votes *v = synth_votes();
    chorus_fit_options fo = CHORUS_FIT_OPTIONS_INIT;
    fo.type = CHORUS_MODEL_DS;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &fo));
    char quiet[256], watched[256];
    snprintf(quiet, sizeof quiet, "%s", test_path("quiet.csv"));
    snprintf(watched, sizeof watched, "%s", test_path("watched.csv"));
    ck_assert_ok(chorus_model_predict_write(m, v, quiet, CHORUS_PROBS_AUTO, NULL));
    progress_calls calls = {{0}, {0}, 0};
    chorus_predict_write_options po = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    po.progress = record_progress;
    po.progress_ctx = &calls;
    ck_assert_ok(chorus_model_predict_write(m, v, watched, CHORUS_PROBS_AUTO, &po));
    assert_same_file(quiet, watched);
    const int64_t expected[] = {65536, 131072, 196608, N_ITEMS};
    ck_assert_int_eq(calls.n, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(calls.done[i], expected[i]);
        ck_assert_int_eq(calls.total[i], N_ITEMS);
    }
    calls.n = 0;
    po.version = 1;
    ck_assert_ok(chorus_model_predict_write(m, v, watched, CHORUS_PROBS_AUTO, &po));
    ck_assert_int_eq(calls.n, 0);
    assert_same_file(quiet, watched);
    po.version = CHORUS_PREDICT_WRITE_OPTIONS_VERSION + 1;
    const char *refused = test_path("refused.csv");
    ck_assert_error(chorus_model_predict_write(m, v, refused, CHORUS_PROBS_AUTO, &po),
                    CHORUS_EINVAL, "version 3 is not supported");
    ck_assert(!test_file_exists(refused));
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

/* Items [begin, end) of v as a matrix of their own (item i is v's item begin + i). */
static chorus_votes *part_of(const chorus_votes *v, int64_t begin, int64_t end)
{
    const int64_t *rp = chorus_votes_row_ptr(v);
    int64_t *part_rp = malloc((size_t)(end - begin + 1) * sizeof *part_rp);
    for (int64_t i = begin; i <= end; i++)
        part_rp[i - begin] = rp[i] - rp[begin];
    chorus_votes *part;
    ck_assert_ok(chorus_votes_from_csr(
        &part, end - begin, chorus_votes_n_lfs(v), chorus_votes_n_classes(v), part_rp,
        chorus_votes_lf_index(v) + rp[begin], chorus_votes_labels(v) + rp[begin], CHORUS_COPY));
    free(part_rp);
    return part;
}

/*
 * Three parts of the matrix (split where no chunk boundary falls), each a predictor of its
 * own numbered from its first item, their rows in uneven runs into one writer: the bytes
 * of chorus_model_predict_write() of the whole matrix, dropped rows and items file too.
 */
START_TEST(test_predictor_parts_match_stream)
{
    chorus_votes *v = synth_votes();
    chorus_fit_options fo = CHORUS_FIT_OPTIONS_INIT;
    fo.type = CHORUS_MODEL_DS;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &fo));
    static const int64_t cuts[] = {0, 70001, 70002, N_ITEMS};
    for (int drop = 0; drop < 2; drop++) {
        chorus_predict_write_options po = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
        po.drop_uncovered = drop;
        const char *whole = drop ? test_path("whole_drop.npy") : test_path("whole.csv");
        char path[256];
        snprintf(path, sizeof path, "%s", whole);
        ck_assert_ok(chorus_model_predict_write(m, v, path, CHORUS_PROBS_AUTO, &po));
        chorus_predictor *parts[3];
        chorus_votes *part_votes[3];
        chorus_probs_layout layout = {0};
        int64_t rows_total = 0;
        for (int p = 0; p < 3; p++) {
            part_votes[p] = part_of(v, cuts[p], cuts[p + 1]);
            ck_assert_ok(chorus_predictor_new(&parts[p], m, part_votes[p], cuts[p], &po));
            chorus_predictor_layout(parts[p], &layout);
            rows_total += layout.n_rows;
        }
        layout.n_rows = rows_total;
        layout.items_file = drop; /* no names: an items file only for dropped rows */
        const char *pieces = drop ? test_path("parts_drop.npy") : test_path("parts.csv");
        chorus_probs_writer *w;
        ck_assert_ok(chorus_probs_writer_open(&w, pieces, CHORUS_PROBS_AUTO, &layout));
        for (int p = 0; p < 3; p++) {
            const int64_t n = cuts[p + 1] - cuts[p];
            for (int64_t at = 0, run = 1; at < n; at += run, run = run * 7 + 3) {
                chorus_probs *rows;
                const int64_t stop = n - at < run ? n : at + run;
                ck_assert_ok(chorus_predictor_rows(&rows, parts[p], at, stop));
                if (!drop) ck_assert_int_eq(chorus_probs_item_id(rows, 0), cuts[p] + at);
                ck_assert_ok(chorus_probs_writer_add(w, rows));
                chorus_probs_free(rows);
            }
        }
        ck_assert_ok(chorus_probs_writer_commit(w));
        assert_same_file(path, pieces);
        if (drop)
            assert_same_file(test_path("whole_drop.items.csv"), test_path("parts_drop.items.csv"));
        chorus_probs *rows = NULL;
        ck_assert_error(chorus_predictor_rows(&rows, parts[0], 5, 70002), CHORUS_EINVAL,
                        "not a range");
        ck_assert_ptr_null(rows);
        for (int p = 0; p < 3; p++) {
            chorus_predictor_free(parts[p]);
            chorus_votes_free(part_votes[p]);
        }
    }
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
    tcase_add_test(tc, test_predictor_parts_match_stream);
    tcase_add_test(tc, test_stream_progress_after_each_chunk);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
