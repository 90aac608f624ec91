/* Review files (reading, writing, merging, resolving answers) and active-learning selection. */
#include <math.h>
#include <string.h>

#include "test_util.h"

static chorus_review *read_text(const char *name, const char *text)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_review *review = NULL;
    ck_assert_ok(chorus_review_read(&review, path));
    return review;
}

/* Two classes named HAM and SPAM, 4 items, one LF. */
static chorus_votes *named_votes(int with_item_names)
{
    const int32_t dense[] = {0, 1, -1, 1};
    chorus_votes *votes;
    ck_assert_ok(chorus_votes_from_dense(&votes, 4, 1, 2, dense));
    ck_assert_ok(chorus_votes_set_class_name(votes, 0, "HAM"));
    ck_assert_ok(chorus_votes_set_class_name(votes, 1, "SPAM"));
    static const char *const ids[] = {"a", "b", "c", "d"};
    for (int i = 0; with_item_names && i < 4; i++)
        ck_assert_ok(chorus_votes_set_item_name(votes, i, ids[i]));
    return votes;
}

START_TEST(test_reads_csv)
{
    /* A byte-order mark, extra columns, a quoted field over two lines, a blank answer. */
    chorus_review *r = read_text("r.csv", "\xEF\xBB\xBFitem,text,answer\n"
                                          "3,\"two\nlines, quoted\",SPAM\n"
                                          "1,plain,\n"
                                          "0,\"say \"\"hi\"\"\",  \n"
                                          "2,x,0\n");
    ck_assert_int_eq(chorus_review_n_rows(r), 4);
    ck_assert_int_eq(chorus_review_n_answered(r), 2);
    ck_assert_str_eq(chorus_review_item(r, 0), "3");
    ck_assert_str_eq(chorus_review_answer(r, 0), "SPAM");
    ck_assert_int_eq(chorus_review_line(r, 0), 2);
    ck_assert_ptr_null(chorus_review_answer(r, 1));
    ck_assert_int_eq(chorus_review_line(r, 1), 4);  /* the quoted field took lines 2 and 3 */
    ck_assert_ptr_null(chorus_review_answer(r, 2)); /* blanks only: not reviewed */
    ck_assert_str_eq(chorus_review_answer(r, 3), "0");
    ck_assert_str_eq(chorus_review_path(r, 3), test_path("r.csv"));
    chorus_review_free(r);
}
END_TEST

START_TEST(test_reads_jsonl)
{
    chorus_review *r = read_text("r.jsonl", "{\"item\": 2, \"answer\": \"SPAM\"}\n"
                                            "\n"
                                            "{\"item\": \"b\", \"answer\": null, \"x\": [1]}\n"
                                            "{\"item\": \"c\"}\n"
                                            "{\"item\": 0, \"answer\": 1}\n");
    ck_assert_int_eq(chorus_review_n_rows(r), 4);
    ck_assert_int_eq(chorus_review_n_answered(r), 2);
    ck_assert_str_eq(chorus_review_item(r, 0), "2");
    ck_assert_int_eq(chorus_review_line(r, 1), 3);
    ck_assert_ptr_null(chorus_review_answer(r, 1));
    ck_assert_ptr_null(chorus_review_answer(r, 2));
    ck_assert_str_eq(chorus_review_answer(r, 3), "1");
    chorus_review_free(r);
}
END_TEST

static void expect_read_error(const char *name, const char *text, int code, const char *message)
{
    const char *path = test_path(name);
    test_write_file(path, text, (size_t)-1);
    chorus_review *r = (chorus_review *)1;
    ck_assert_int_eq(chorus_review_read(&r, path), code);
    ck_assert_ptr_null(r);
    char want[512];
    snprintf(want, sizeof want, "%s%s", path, message);
    ck_assert_msg(strstr(chorus_error_last(), want), "'%s' lacks '%s'", chorus_error_last(), want);
}

START_TEST(test_bad_files)
{
    expect_read_error("e1.csv", "", CHORUS_EFORMAT, ": the file is empty");
    expect_read_error("e2.csv", "item,label\n1,SPAM\n", CHORUS_EFORMAT, ":1: no 'answer' column");
    expect_read_error("e3.csv", "item,answer,item\n", CHORUS_EFORMAT,
                      ":1: the column 'item' is there twice");
    expect_read_error("e4.csv", "item,answer\n1,SPAM\n2\n", CHORUS_EFORMAT,
                      ":3: 1 fields, but the header has 2");
    expect_read_error("e5.csv", "item,answer\n1,SPAM,x\n", CHORUS_EFORMAT, ":2: more than 2");
    expect_read_error("e6.csv", "item,answer\n,SPAM\n", CHORUS_EFORMAT, ":2: the item is empty");
    expect_read_error("e7.csv", "item,answer\n\"1,SPAM\n", CHORUS_EFORMAT,
                      ":2: a quote is never closed");
    expect_read_error("e8.jsonl", "{\"item\": 1}\n{\"item\": 1.5}\n", CHORUS_EFORMAT,
                      ":2: 'item' is a fraction");
    expect_read_error("e9.jsonl", "{\"item\": 1, \"answer\": [1]}\n", CHORUS_EFORMAT,
                      ":1: 'answer' is an array");
    expect_read_error("e10.jsonl", "{\"item\": 1\n", CHORUS_EFORMAT, ":1: column");
    expect_read_error("e11.jsonl", "[1]\n", CHORUS_EFORMAT, ":1: an array, not an object");
    expect_read_error("e12.txt", "item,answer\n", CHORUS_EINVAL, ": a review file is .csv");
}
END_TEST

START_TEST(test_resolves_names_and_indices)
{
    chorus_votes *votes = named_votes(0);
    chorus_review *r = read_text("ok.csv", "item,answer\n3,SPAM\n0,0\n1,\n3,1\n");
    int32_t *gold = NULL;
    ck_assert_ok(chorus_review_resolve(&gold, r, votes, NULL));
    /* Item 3 twice with the same class (by name, then by index) is no conflict. */
    const int32_t want[] = {0, -1, -1, 1};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(gold[i], want[i]);
    chorus_free(gold);
    unsigned char *listed = NULL;
    ck_assert_ok(chorus_review_listed(&listed, r, votes));
    ck_assert_int_eq(listed[0] + listed[1] * 2 + listed[2] * 4 + listed[3] * 8, 1 + 2 + 8);
    chorus_free(listed);
    chorus_review_free(r);
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_resolves_item_names)
{
    chorus_votes *votes = named_votes(1);
    chorus_review *r = read_text("names.jsonl", "{\"item\": \"d\", \"answer\": \"HAM\"}\n");
    int32_t *gold = NULL;
    ck_assert_ok(chorus_review_resolve(&gold, r, votes, NULL));
    ck_assert_int_eq(gold[3], 0);
    ck_assert_int_eq(gold[0], -1);
    chorus_free(gold);
    chorus_review_free(r);
    /* Named items are found by name only: row number 3 is not an id here. */
    r = read_text("names2.csv", "item,answer\n3,HAM\n");
    ck_assert_error(chorus_review_resolve(&gold, r, votes, NULL), CHORUS_EFORMAT,
                    ":2: item '3' is not in the data");
    chorus_review_free(r);
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_resolve_errors)
{
    chorus_votes *votes = named_votes(0);
    int32_t *gold = (int32_t *)1;
    chorus_review *r = read_text("bad1.csv", "item,answer\n0,HAM\n4,HAM\n");
    ck_assert_error(chorus_review_resolve(&gold, r, votes, NULL), CHORUS_EFORMAT,
                    "bad1.csv:3: item '4' is not in the data (its items are the row numbers 0..3)");
    ck_assert_ptr_null(gold);
    chorus_review_free(r);
    r = read_text("bad2.csv", "item,answer\n0,EGGS\n");
    ck_assert_error(chorus_review_resolve(&gold, r, votes, NULL), CHORUS_EFORMAT,
                    "bad2.csv:2: item '0': answer 'EGGS'");
    chorus_review_free(r);
    r = read_text("bad3.csv", "item,answer\n0,-1\n");
    ck_assert_error(chorus_review_resolve(&gold, r, votes, NULL), CHORUS_EFORMAT, "-1 is no class");
    chorus_review_free(r);
    /* The same item answered differently in two files: both are named. */
    chorus_review *a = read_text("first.csv", "item,answer\n1,\n2,HAM\n");
    chorus_review *b = read_text("second.jsonl", "{\"item\": 2, \"answer\": \"SPAM\"}\n");
    ck_assert_ok(chorus_review_merge(a, b));
    ck_assert_int_eq(chorus_review_n_rows(a), 3);
    ck_assert_str_eq(chorus_review_path(a, 2), test_path("second.jsonl"));
    char want[1024];
    snprintf(want, sizeof want, "%s:1: item '2' is answered 'SPAM' here but 'HAM' at %s:3",
             test_path("second.jsonl"), test_path("first.csv"));
    ck_assert_error(chorus_review_resolve(&gold, a, votes, NULL), CHORUS_EFORMAT, want);
    /* Against known labels (--gold). */
    const int32_t known[] = {-1, -1, 1, -1};
    ck_assert_ok(chorus_review_resolve(&gold, b, votes, known)); /* agrees */
    chorus_free(gold);
    const int32_t known_ham[] = {-1, -1, 0, -1};
    ck_assert_error(chorus_review_resolve(&gold, b, votes, known_ham), CHORUS_EFORMAT,
                    "item '2' is answered 'SPAM' but its gold label is 'HAM'");
    chorus_review_free(a);
    chorus_review_free(b);
    chorus_votes_free(votes);
}
END_TEST

static void round_trip(const char *name)
{
    static const char *const columns[] = {"text", "score"};
    const unsigned char numeric[] = {0, 1};
    chorus_review *r = NULL;
    ck_assert_ok(chorus_review_new(&r, 2, columns, numeric));
    const char *v1[] = {"a, \"quoted\" text", "0.25"};
    const char *v2[] = {"", "1e-3"};
    ck_assert_ok(chorus_review_add(r, "7", NULL, v1));
    ck_assert_ok(chorus_review_add(r, "t-9", "SPAM", v2));
    const char *path = test_path(name);
    ck_assert_ok(chorus_review_write(r, path));
    chorus_review *back = NULL;
    ck_assert_ok(chorus_review_read(&back, path));
    ck_assert_int_eq(chorus_review_n_rows(back), 2);
    ck_assert_str_eq(chorus_review_item(back, 0), "7");
    ck_assert_ptr_null(chorus_review_answer(back, 0));
    ck_assert_str_eq(chorus_review_item(back, 1), "t-9");
    ck_assert_str_eq(chorus_review_answer(back, 1), "SPAM");
    chorus_review_free(back);
    chorus_review_free(r);
}

START_TEST(test_write_round_trip)
{
    round_trip("rt.csv");
    round_trip("rt.jsonl");
    char *text = test_read_file(test_path("rt.csv"), NULL);
    ck_assert_str_eq(text, "item,text,score,answer\n7,\"a, \"\"quoted\"\" text\",0.25,\n"
                           "t-9,,1e-3,SPAM\n");
    free(text);
    text = test_read_file(test_path("rt.jsonl"), NULL);
    ck_assert_str_eq(text,
                     "{\"item\":7,\"text\":\"a, \\\"quoted\\\" text\",\"score\":0.25,"
                     "\"answer\":null}\n"
                     "{\"item\":\"t-9\",\"text\":\"\",\"score\":0.001,\"answer\":\"SPAM\"}\n");
    free(text);
    static const char *const bad[] = {"answer"};
    chorus_review *r = (chorus_review *)1;
    ck_assert_int_eq(chorus_review_new(&r, 1, bad, NULL), CHORUS_EINVAL);
    ck_assert_ptr_null(r);
}
END_TEST

/*
 * Six items, two classes, three LFs, probabilities chosen by hand:
 *   item  votes      p(0)  model  majority
 *   0     0 0 0      0.90  0      0
 *   1     0 1 .      0.55  0      0 or 1 (tie)
 *   2     . . .      0.45  1      none (uncovered)
 *   3     1 1 0      0.30  1      1
 *   4     1 . .      0.60  0      1
 *   5     0 1 1      0.80  0      1
 */
static void strategy_fixture(chorus_votes **votes, chorus_probs **probs)
{
    const int32_t dense[] = {0, 0, 0, 0, 1, -1, -1, -1, -1, 1, 1, 0, 1, -1, -1, 0, 1, 1};
    const double p0[] = {0.9, 0.55, 0.45, 0.3, 0.6, 0.8};
    ck_assert_ok(chorus_votes_from_dense(votes, 6, 3, 2, dense));
    ck_assert_ok(chorus_probs_new(probs, 6, 2));
    double *p = chorus_probs_data(*probs);
    for (int i = 0; i < 6; i++) {
        p[2 * i] = p0[i];
        p[2 * i + 1] = 1 - p0[i];
    }
}

static int64_t select_items(chorus_review_strategy s, int64_t n, const unsigned char *exclude,
                            uint64_t seed, int64_t *out, double *scores_out)
{
    chorus_votes *votes;
    chorus_probs *probs;
    strategy_fixture(&votes, &probs);
    chorus_review_select_options opts = CHORUS_REVIEW_SELECT_OPTIONS_INIT;
    opts.strategy = s;
    opts.n = n;
    opts.exclude = exclude;
    opts.seed = seed;
    int64_t *items, m;
    double *scores;
    ck_assert_ok(chorus_review_select(&items, &scores, &m, probs, votes, &opts));
    for (int64_t i = 0; i < m; i++) {
        out[i] = items[i];
        if (scores_out) scores_out[i] = scores[i];
    }
    chorus_free(items);
    chorus_free(scores);
    chorus_probs_free(probs);
    chorus_votes_free(votes);
    return m;
}

START_TEST(test_entropy_and_margin)
{
    /* Covered items by closeness to 0.5: 1 (0.55), 4 (0.6), 3 (0.7), 5 (0.8), 0 (0.9). */
    int64_t got[6];
    double scores[6];
    const int64_t want[] = {1, 4, 3, 5, 0};
    ck_assert_int_eq(select_items(CHORUS_REVIEW_ENTROPY, 10, NULL, 0, got, scores), 5);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(got[i], want[i]);
    ck_assert_double_eq_tol(scores[0], -(0.55 * log(0.55) + 0.45 * log(0.45)), 1e-12);
    ck_assert_int_eq(select_items(CHORUS_REVIEW_MARGIN, 10, NULL, 0, got, scores), 5);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(got[i], want[i]);
    ck_assert_double_eq_tol(scores[0], 0.1, 1e-12);
    ck_assert_double_eq_tol(scores[4], 0.8, 1e-12);
    /* n caps the list; excluded items are skipped. */
    const unsigned char exclude[] = {0, 1, 0, 0, 0, 0};
    ck_assert_int_eq(select_items(CHORUS_REVIEW_ENTROPY, 2, exclude, 0, got, NULL), 2);
    ck_assert_int_eq(got[0], 4);
    ck_assert_int_eq(got[1], 3);
}
END_TEST

START_TEST(test_disagreement_uncovered_model_vs_mv)
{
    int64_t got[6], again[6];
    double scores[6];
    /* 1: 1 of 2 votes against the majority; 3 and 5: 1 of 3 (a tie, ordered by the seed). */
    ck_assert_int_eq(select_items(CHORUS_REVIEW_DISAGREEMENT, 10, NULL, 7, got, scores), 3);
    ck_assert_int_eq(got[0], 1);
    ck_assert_double_eq_tol(scores[0], 0.5, 1e-12);
    ck_assert_int_eq(got[1] + got[2], 8);
    ck_assert_double_eq_tol(scores[1], 1.0 / 3, 1e-12);
    select_items(CHORUS_REVIEW_DISAGREEMENT, 10, NULL, 7, again, NULL);
    ck_assert_int_eq(again[1], got[1]);
    ck_assert_int_eq(select_items(CHORUS_REVIEW_UNCOVERED, 10, NULL, 0, got, NULL), 1);
    ck_assert_int_eq(got[0], 2);
    /* 5: 0.8 - 0.2; 4: 0.6 - 0.4; item 1's label is one of its tied majority classes. */
    ck_assert_int_eq(select_items(CHORUS_REVIEW_MODEL_VS_MV, 10, NULL, 0, got, scores), 2);
    ck_assert_int_eq(got[0], 5);
    ck_assert_int_eq(got[1], 4);
    ck_assert_double_eq_tol(scores[0], 0.6, 1e-12);
    ck_assert_double_eq_tol(scores[1], 0.2, 1e-12);
}
END_TEST

START_TEST(test_random_is_stratified)
{
    /* Labels: class 0 = items 0, 1, 4, 5; class 1 = items 2, 3. Three of six: 2 + 1. */
    for (uint64_t seed = 0; seed < 20; seed++) {
        int64_t got[6];
        ck_assert_int_eq(select_items(CHORUS_REVIEW_RANDOM, 3, NULL, seed, got, NULL), 3);
        int in_class_1 = 0;
        for (int i = 0; i < 3; i++)
            in_class_1 += got[i] == 2 || got[i] == 3;
        ck_assert_int_eq(in_class_1, 1);
    }
    /* Asking for more than is left gives what is left; with everything reviewed, nothing. */
    int64_t got[6];
    const unsigned char all_but_two[] = {1, 1, 0, 1, 0, 1}, all[] = {1, 1, 1, 1, 1, 1};
    ck_assert_int_eq(select_items(CHORUS_REVIEW_RANDOM, 5, all_but_two, 1, got, NULL), 2);
    ck_assert_int_eq(select_items(CHORUS_REVIEW_RANDOM, 5, all, 1, got, NULL), 0);
}
END_TEST

START_TEST(test_rows_of_selection)
{
    chorus_votes *votes;
    chorus_probs *probs;
    strategy_fixture(&votes, &probs);
    const int64_t items[] = {5};
    const double scores[] = {0.6};
    chorus_review *r = NULL;
    ck_assert_ok(chorus_review_from_selection(&r, items, scores, 1, probs, votes,
                                              CHORUS_REVIEW_MODEL_VS_MV, NULL));
    const char *path = test_path("sel.csv");
    ck_assert_ok(chorus_review_write(r, path));
    char *text = test_read_file(path, NULL);
    ck_assert_str_eq(text, "item,label,confidence,votes,strategy,score,answer\n"
                           "5,0,0.8000,lf0=0;lf1=1;lf2=1,model-vs-mv,0.600000,\n");
    free(text);
    chorus_review_free(r);
    chorus_probs_free(probs);
    chorus_votes_free(votes);
}
END_TEST

START_TEST(test_holdout_and_clamp)
{
    /* Majority vote ignores clamping, so every fold labels items by their votes: MV labels
     * 0, 0, 1, 1 against answers 0, 1, 1, 1 -> 3 of 4 right; class 1: TP 2, FN 1, F1 0.8. */
    const int32_t dense[] = {0, 0, 1, 1};
    chorus_votes *votes;
    ck_assert_ok(chorus_votes_from_dense(&votes, 4, 1, 2, dense));
    const int32_t answers[] = {0, 1, 1, 1};
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    chorus_review_holdout_result r;
    ck_assert_ok(chorus_review_holdout(&r, votes, answers, &opts, 5));
    ck_assert_int_eq(r.n_answers, 4);
    ck_assert_int_eq(r.n_folds, 4);
    ck_assert_int_eq(r.n_correct, 3);
    ck_assert_double_eq_tol(r.accuracy, 0.75, 1e-12);
    ck_assert_int_eq(r.positive_class, 1);
    ck_assert_double_eq_tol(r.positive_f1, 0.8, 1e-12);
    const int32_t one[] = {-1, 1, -1, -1};
    ck_assert_ok(chorus_review_holdout(&r, votes, one, &opts, 5));
    ck_assert_int_eq(r.n_folds, 0);
    chorus_probs *probs;
    chorus_model *model;
    ck_assert_ok(chorus_model_fit(&model, votes, &opts));
    ck_assert_ok(chorus_model_predict(&probs, model, votes));
    ck_assert_ok(chorus_review_clamp_probs(probs, answers, 4));
    ck_assert_double_eq(chorus_probs_const_data(probs)[2 * 1 + 1], 1.0);
    ck_assert_double_eq(chorus_probs_const_data(probs)[2 * 1 + 0], 0.0);
    chorus_probs_free(probs);
    chorus_model_free(model);
    chorus_votes_free(votes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("review");
    TCase *tc = tcase_create("review");
    tcase_add_test(tc, test_reads_csv);
    tcase_add_test(tc, test_reads_jsonl);
    tcase_add_test(tc, test_bad_files);
    tcase_add_test(tc, test_resolves_names_and_indices);
    tcase_add_test(tc, test_resolves_item_names);
    tcase_add_test(tc, test_resolve_errors);
    tcase_add_test(tc, test_write_round_trip);
    tcase_add_test(tc, test_entropy_and_margin);
    tcase_add_test(tc, test_disagreement_uncovered_model_vs_mv);
    tcase_add_test(tc, test_random_is_stratified);
    tcase_add_test(tc, test_rows_of_selection);
    tcase_add_test(tc, test_holdout_and_clamp);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
