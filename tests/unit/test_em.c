/* The EM label models: one step by hand, properties of the fit, determinism, options. */
#include <math.h>

#include "model/em_family.h"
#include "model/em_internal.h"
#include "model/model_internal.h"
#include "test_util.h"
#include "votes/votes_internal.h"

/*
 * 3 items, 2 LFs, 2 classes: item 0 gets (lf0=1, lf1=1), item 1 (lf0=0), item 2 (lf1=0).
 * Majority vote starts EM at q = [0,1], [1,0], [1,0].
 */
static chorus_votes *tiny(void)
{
    int32_t dense[] = {1, 1, 0, -1, -1, 0};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 3, 2, 2, dense));
    return v;
}

START_TEST(test_one_em_step_by_hand)
{
    /* Statistics of the majority-vote posteriors: class totals [2, 1]; lf0 voted 0 on a
     * class-0 item and 1 on the class-1 item; lf1 the same. Layout [j][o][y]. */
    double votes[2 * 2 * 2] = {1, 0, 0, 1, 1, 0, 0, 1};
    double totals[2] = {2, 1};
    em_stats stats = {votes, totals, 0};
    /* Each LF voted 0 once, 1 once and abstained once: its shape is [1/3, 1/3, 1/3]. */
    int64_t counts[4] = {1, 1, 1, 1};
    const int64_t lf_votes[2] = {2, 2};
    double shape[6];
    chorus_em_output_shape(counts, 3, 2, 2, shape);
    for (int i = 0; i < 6; i++)
        ck_assert_double_eq_tol(shape[i], 1.0 / 3, 1e-15);
    /* ds with smoothing 3 adds one pseudo-count per output:
     *   y=0: votes 0,1,abstain = (1+1, 0+1, (2-1)+1) / 5 = [0.4, 0.2, 0.4]
     *   y=1:                     (0+1, 1+1, (1-1)+1) / 4 = [0.25, 0.5, 0.25] */
    double theta[2 * 2 * 3];
    chorus_em_family(CHORUS_MODEL_DS)->mstep(2, 2, &stats, shape, lf_votes, 3.0, theta);
    const double expected[6] = {0.4, 0.2, 0.4, 0.25, 0.5, 0.25};
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 6; i++)
            ck_assert_double_eq_tol(theta[j * 6 + i], expected[i], 1e-12);
    /* Class prior with one pseudo-count per class: (2+1)/5, (1+1)/5. E-step for item 0:
     *   P(y=1 | 1, 1) = 0.4 * 0.5 * 0.5 / (0.4 * 0.5 * 0.5 + 0.6 * 0.2 * 0.2) = 0.1 / 0.124 */
    double prior[2] = {0.6, 0.4};
    em_layout layout;
    ck_assert_ok(chorus_em_layout_init(&layout, 2, 2, 0, NULL));
    em_params p;
    ck_assert_ok(chorus_em_params_alloc(&p, &layout, 2, 2));
    chorus_em_params_set(&p, theta, prior, true, NULL);
    int32_t lf[2] = {0, 1}, label[2] = {1, 1};
    double q[2];
    double loglik = chorus_em_item_posterior(&p, lf, label, 2, -1, q);
    ck_assert_double_eq_tol(q[1], 0.1 / 0.124, 1e-12);
    ck_assert_double_eq_tol(loglik, log(0.124), 1e-12);
    /* Item 1 (lf0 = 0, lf1 abstains): 0.6 * 0.4 * 0.4 vs 0.4 * 0.25 * 0.25. */
    int32_t lf1[1] = {0}, label1[1] = {0};
    chorus_em_item_posterior(&p, lf1, label1, 1, -1, q);
    ck_assert_double_eq_tol(q[0], 0.096 / (0.096 + 0.025), 1e-12);
    /* A clamped gold class fixes the posterior. */
    chorus_em_item_posterior(&p, lf1, label1, 1, 1, q);
    ck_assert_double_eq(q[1], 1.0);
    chorus_em_params_free(&p);
    chorus_em_layout_free(&layout);
}
END_TEST

START_TEST(test_mstep_noabstain_and_class_acc_by_hand)
{
    double votes[8] = {1, 0, 0, 1, 1, 0, 0, 1};
    double totals[2] = {2, 1};
    em_stats stats = {votes, totals, 0};
    int64_t counts[4] = {1, 1, 1, 1};
    const int64_t lf_votes[2] = {2, 2};
    double shape[6], theta[12];
    chorus_em_output_shape(counts, 3, 2, 2, shape);
    /* ds-noabstain, smoothing 2: the prior over cast votes is [1/2, 1/2], one pseudo-count
     * each: y=0: (1+1, 0+1)/3; y=1: (0+1, 1+1)/3. */
    chorus_em_family(CHORUS_MODEL_DS_NOABSTAIN)->mstep(2, 2, &stats, shape, lf_votes, 2.0, theta);
    ck_assert_double_eq_tol(theta[0], 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(theta[1], 1.0 / 3, 1e-12);
    ck_assert_double_eq(theta[2], 0);
    ck_assert_double_eq_tol(theta[4], 2.0 / 3, 1e-12);
    /* class-acc, smoothing 3 (Beta means 1/3): a_0 = (1+1)/(2+3), a_1 = (1+1)/(1+3),
     * b_0 = P(vote 0 | y=1) = (0+1)/(1+3), b_1 = P(vote 1 | y=0) = (0+1)/(2+3). */
    chorus_em_family(CHORUS_MODEL_CLASS_ACC)->mstep(2, 2, &stats, shape, lf_votes, 3.0, theta);
    ck_assert_double_eq_tol(theta[0], 0.4, 1e-12);
    ck_assert_double_eq_tol(theta[1], 0.2, 1e-12);
    ck_assert_double_eq_tol(theta[2], 0.4, 1e-12);
    ck_assert_double_eq_tol(theta[3], 0.25, 1e-12);
    ck_assert_double_eq_tol(theta[4], 0.5, 1e-12);
    ck_assert_double_eq_tol(theta[5], 0.25, 1e-12);
    /* onecoin, smoothing 2 (Beta mean 1/2): 2 right of 2 cast per LF: (2+1)/(2+2). */
    chorus_em_family(CHORUS_MODEL_ONECOIN)->mstep(2, 2, &stats, shape, lf_votes, 2.0, theta);
    ck_assert_double_eq_tol(theta[0], 0.75, 1e-12);
    ck_assert_double_eq_tol(theta[1], 0.25, 1e-12);
    ck_assert_double_eq_tol(theta[4], 0.75, 1e-12);
    /* pooled, smoothing 2: both LFs have 2 votes, fewer than the 10 K (K - 1) = 20 that
     * give an LF a table of its own, so they share one, from both LFs' counts, y=0: (2, 0),
     * y=1: (0, 2), with the prior at the shared cast shape [1/2, 1/2], one pseudo-count
     * each: (2+1, 0+1)/4; the second LF gets the same table. */
    chorus_em_family(CHORUS_MODEL_POOLED)->mstep(2, 2, &stats, shape, lf_votes, 2.0, theta);
    const double pooled[6] = {0.75, 0.25, 0, 0.25, 0.75, 0};
    for (int x = 0; x < 12; x++)
        ck_assert_double_eq_tol(theta[x], pooled[x % 6], 1e-12);
    /* Its prior is counted once, for the one table: 2 * 1/2 * (log .75 + log .25) per row. */
    ck_assert_double_eq_tol(
        chorus_em_family(CHORUS_MODEL_POOLED)->log_prior(2, 2, theta, shape, lf_votes, 2.0),
        2 * (log(0.75) + log(0.25)), 1e-12);
    /* With 20 votes LF 0 keeps a table of its own, fitted as ds-noabstain fits it; LF 1
     * shares the table alone. Counts: LF 0 y=0 (3, 0), y=1 (0, 1); LF 1 y=0 (1, 1),
     * y=1 (0, 1). LF 0: (3+1, 0+1)/5 and (0+1, 1+1)/3; LF 1: (1+1, 1+1)/4, (0+1, 1+1)/3. */
    double uneven[8] = {3, 0, 0, 1, 1, 0, 1, 1};
    em_stats uneven_stats = {uneven, totals, 0};
    const int64_t one_rich[2] = {20, 2};
    chorus_em_family(CHORUS_MODEL_POOLED)->mstep(2, 2, &uneven_stats, shape, one_rich, 2.0, theta);
    const double mixed[12] = {0.8, 0.2, 0, 1.0 / 3, 2.0 / 3, 0, 0.5, 0.5, 0, 1.0 / 3, 2.0 / 3, 0};
    for (int x = 0; x < 12; x++)
        ck_assert_double_eq_tol(theta[x], mixed[x], 1e-12);
    /* The own table's prior as ds-noabstain's, the shared one's once. */
    ck_assert_double_eq_tol(
        chorus_em_family(CHORUS_MODEL_POOLED)->log_prior(2, 2, theta, shape, one_rich, 2.0),
        log(0.8) + log(0.2) + 2 * (log(1.0 / 3) + log(2.0 / 3)) + 2 * log(0.5), 1e-12);
}
END_TEST

static chorus_votes *synthetic(int64_t n, int32_t k, double balance, int32_t **gold)
{
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = n;
    o.n_lfs = 20;
    o.n_classes = k;
    o.accuracy_min = 0.55;
    o.accuracy_max = 0.9;
    o.first_class_share = balance;
    o.seed = 2024;
    chorus_votes *v;
    ck_assert_ok(chorus_synth(&v, gold, &o));
    return v;
}

START_TEST(test_every_model_beats_majority_vote_on_independent_lfs)
{
    /* Synthetic LFs are independent given the class, as the models assume; with accuracies
     * from 0.55 to 0.9, learning them must label better than counting votes. */
    int32_t *gold;
    chorus_votes *v = synthetic(20000, 3, 0, &gold);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_MV;
    chorus_model *m;
    chorus_probs *p;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    ck_assert_ok(chorus_model_predict(&p, m, v));
    double mv = test_accuracy(p, gold);
    chorus_probs_free(p);
    chorus_model_free(m);
    const chorus_model_type types[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN,
                                       CHORUS_MODEL_CLASS_ACC, CHORUS_MODEL_ONECOIN};
    for (int t = 0; t < 4; t++) {
        opts.type = types[t];
        ck_assert_ok(chorus_model_fit(&m, v, &opts));
        ck_assert_ok(chorus_model_predict(&p, m, v));
        double acc = test_accuracy(p, gold);
        ck_assert_msg(acc > mv + 0.005, "%s: accuracy %.4f, majority vote %.4f",
                      chorus_model_type_name(types[t]), acc, mv);
        /* MAP-EM never lowers the log-posterior. */
        int32_t n_trace;
        const double *trace = chorus_model_trace(m, &n_trace);
        ck_assert_int_gt(n_trace, 1);
        for (int32_t i = 1; i < n_trace; i++)
            ck_assert_msg(trace[i] >= trace[i - 1] - 1e-9 * fabs(trace[i - 1]),
                          "%s: log-posterior fell at iteration %d",
                          chorus_model_type_name(types[t]), i);
        chorus_probs_free(p);
        chorus_model_free(m);
    }
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_learned_accuracies_match_the_truth)
{
    int32_t *gold;
    chorus_votes *v = synthetic(50000, 2, 0, &gold);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_ONECOIN;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    for (int32_t j = 0; j < chorus_votes_n_lfs(v); j++) {
        int64_t right = 0, cast = 0;
        for (int64_t i = 0; i < chorus_votes_n_items(v); i++) {
            int32_t x = chorus_votes_get(v, i, j);
            cast += x >= 0;
            right += x == gold[i];
        }
        double truth = (double)right / (double)cast;
        ck_assert_msg(fabs(chorus_model_lf_accuracy(m, j) - truth) < 0.02,
                      "LF %d: learned %.3f, empirical %.3f", j, chorus_model_lf_accuracy(m, j),
                      truth);
    }
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_learned_prior_follows_imbalance)
{
    /* 80% of items in class 0: the learned prior must find it (a uniform prior is what
     * costs other label models 20 points on such data). */
    int32_t *gold;
    chorus_votes *v = synthetic(30000, 2, 0.8, &gold);
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, NULL));
    ck_assert_double_eq_tol(chorus_model_prior(m)[0], 0.8, 0.02);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_bit_identical_for_any_thread_count)
{
    int32_t *gold;
    chorus_votes *v = synthetic(100000, 3, 0, &gold);
    chorus_probs *reference = NULL;
    chorus_model *reference_model = NULL;
    for (int threads = 1; threads <= 4; threads++) {
        chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
        opts.type = CHORUS_MODEL_DS;
        opts.n_threads = threads;
        opts.restarts = 1;
        opts.seed = 5;
        chorus_model *m;
        chorus_probs *p;
        ck_assert_ok(chorus_model_fit(&m, v, &opts));
        ck_assert_ok(chorus_model_predict(&p, m, v));
        if (!reference) {
            reference = p;
            reference_model = m;
            continue;
        }
        size_t theta_bytes = (size_t)20 * 3 * 4 * sizeof(double);
        ck_assert_int_eq(memcmp(chorus_model_confusion(m, 0),
                                chorus_model_confusion(reference_model, 0), theta_bytes),
                         0);
        ck_assert_int_eq(memcmp(chorus_probs_const_data(p), chorus_probs_const_data(reference),
                                (size_t)100000 * 3 * sizeof(double)),
                         0);
        chorus_probs_free(p);
        chorus_model_free(m);
    }
    chorus_probs_free(reference);
    chorus_model_free(reference_model);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

/* The stored widths are not part of the arithmetic: a fit and predict on a matrix that
 * borrows int32 arrays and on its narrow copy (1-byte LF indices and labels) agree bit
 * for bit, with and without abstains as evidence and with groups (int32 sources). */
START_TEST(test_bit_identical_for_any_storage_width)
{
    int32_t *gold;
    chorus_votes *narrow = synthetic(20000, 3, 0, &gold);
    const int64_t n = chorus_votes_n_items(narrow);
    const int32_t m = chorus_votes_n_lfs(narrow), k = chorus_votes_n_classes(narrow);
    ck_assert_int_eq(narrow->lf_width, 1);
    ck_assert_int_eq(narrow->label_width, 1);
    const int32_t *lf = chorus_votes_lf_index(narrow), *label = chorus_votes_labels(narrow);
    chorus_votes *wide;
    ck_assert_ok(chorus_votes_from_csr(&wide, n, m, k, chorus_votes_row_ptr(narrow), lf, label,
                                       CHORUS_BORROW));
    ck_assert_int_eq(wide->lf_width, 4);
    int32_t lf_group[20];
    for (int32_t j = 0; j < m; j++)
        lf_group[j] = j < 2 ? 0 : -1; /* LFs 0 and 1 modelled jointly */
    static const chorus_model_type types[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN};
    for (int t = 0; t < 2; t++) {
        for (int grouped = 0; grouped <= 1; grouped++) {
            chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
            opts.type = types[t];
            opts.n_threads = 2;
            opts.lf_group = grouped ? lf_group : NULL;
            chorus_model *a, *b;
            chorus_probs *pa, *pb;
            ck_assert_ok(chorus_model_fit(&a, narrow, &opts));
            ck_assert_ok(chorus_model_fit(&b, wide, &opts));
            ck_assert_ok(chorus_model_predict(&pa, a, narrow));
            ck_assert_ok(chorus_model_predict(&pb, b, wide));
            size_t theta_bytes = (size_t)k * (k + 1) * sizeof(double);
            for (int32_t j = 0; j < m; j++)
                ck_assert_int_eq(
                    memcmp(chorus_model_confusion(a, j), chorus_model_confusion(b, j), theta_bytes),
                    0);
            ck_assert_int_eq(memcmp(chorus_probs_const_data(pa), chorus_probs_const_data(pb),
                                    (size_t)n * k * sizeof(double)),
                             0);
            chorus_probs_free(pa);
            chorus_probs_free(pb);
            chorus_model_free(a);
            chorus_model_free(b);
        }
    }
    chorus_votes_free(wide);
    chorus_free(gold);
    chorus_votes_free(narrow);
}
END_TEST

START_TEST(test_no_probability_is_zero)
{
    /* Every probability a model uses is positive: all of them where abstains are evidence,
     * those of the votes cast where they are ignored (their abstain column is unused). */
    chorus_votes *v = tiny();
    const chorus_model_type types[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN,
                                       CHORUS_MODEL_CLASS_ACC, CHORUS_MODEL_ONECOIN};
    for (int t = 0; t < 4; t++) {
        chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
        opts.type = types[t];
        opts.smoothing = 1e-6;
        chorus_model *m;
        ck_assert_ok(chorus_model_fit(&m, v, &opts));
        int used = chorus_model_abstain_informative(m) ? 3 : 2;
        for (int32_t j = 0; j < 2; j++)
            for (int y = 0; y < 2; y++)
                for (int o = 0; o < used; o++)
                    ck_assert_double_gt(chorus_model_confusion(m, j)[y * 3 + o], 0);
        chorus_model_free(m);
    }
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_fully_clamped_gold_gives_the_supervised_estimate)
{
    /* With every item's class known, EM has nothing to infer: one M-step on the gold
     * labels, which for item classes [1, 0, 0] is the hand computation of the first test. */
    chorus_votes *v = tiny();
    int32_t gold[3] = {1, 0, 0};
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_DS;
    opts.smoothing = 3;
    opts.gold = gold;
    opts.n_gold = 3;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    const double expected[6] = {0.4, 0.2, 0.4, 0.25, 0.5, 0.25};
    for (int c = 0; c < 6; c++)
        ck_assert_double_eq_tol(chorus_model_confusion(m, 0)[c], expected[c], 1e-12);
    ck_assert_double_eq_tol(chorus_model_prior(m)[0], 0.6, 1e-12);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_fixed_and_gold_class_prior)
{
    chorus_votes *v = tiny();
    double balance[2] = {0.7, 0.3};
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.class_prior = CHORUS_PRIOR_FIXED;
    opts.class_balance = balance;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    ck_assert_double_eq(chorus_model_prior(m)[0], 0.7);
    chorus_model_free(m);
    int32_t gold[3] = {1, -1, -1};
    opts.class_prior = CHORUS_PRIOR_FROM_GOLD;
    opts.gold = gold;
    opts.n_gold = 3;
    opts.prior_smoothing = 1;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    /* One gold label of class 1 plus one pseudo-count each: 1/3, 2/3. */
    ck_assert_double_eq_tol(chorus_model_prior(m)[1], 2.0 / 3, 1e-12);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_guard_relabels_swapped_classes)
{
    chorus_votes *v = tiny();
    chorus_model *m;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_DS;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    double before[6], prior0 = chorus_model_prior(m)[0];
    memcpy(before, chorus_model_confusion(m, 0), sizeof before);
    /* Latent class 0 holds the votes for class 1 and the other way round. */
    double agreement[4] = {1, 9, 8, 2};
    ck_assert_ok(chorus_em_align_with_votes(m, agreement));
    ck_assert_int_eq(chorus_model_classes_permuted(m), 1);
    ck_assert_double_eq(chorus_model_prior(m)[1], prior0);
    for (int o = 0; o < 3; o++)
        ck_assert_double_eq(chorus_model_confusion(m, 0)[3 + o], before[o]);
    chorus_model_free(m);
    /* Agreement on the diagonal leaves the classes alone. */
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    double diagonal[4] = {9, 1, 2, 8};
    ck_assert_ok(chorus_em_align_with_votes(m, diagonal));
    ck_assert_int_eq(chorus_model_classes_permuted(m), 0);
    chorus_model_free(m);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_em_model_json_round_trip_predicts_identically)
{
    int32_t *gold;
    chorus_votes *v = synthetic(5000, 3, 0, &gold);
    chorus_model *m, *back;
    chorus_probs *p1, *p2;
    ck_assert_ok(chorus_model_fit(&m, v, NULL));
    const char *path = test_path("em_model.json");
    ck_assert_ok(chorus_model_save(m, path));
    ck_assert_ok(chorus_model_load(&back, path));
    ck_assert_int_eq(chorus_model_get_type(back), chorus_model_get_type(m));
    ck_assert_ok(chorus_model_predict(&p1, m, v));
    ck_assert_ok(chorus_model_predict(&p2, back, v));
    ck_assert_int_eq(memcmp(chorus_probs_const_data(p1), chorus_probs_const_data(p2),
                            (size_t)5000 * 3 * sizeof(double)),
                     0);
    char *text = test_read_file(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\"log_posterior_trace\""));
    ck_assert_ptr_nonnull(strstr(text, "\"requested_model\": \"auto\""));
    ck_assert_ptr_nonnull(strstr(text, "\"confusion\""));
    free(text);
    chorus_probs_free(p1);
    chorus_probs_free(p2);
    chorus_model_free(back);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_auto_choice)
{
    /* Unipolar LFs (each votes one class, 12 times) -> ds; workers voting several classes ->
     * ds-noabstain. Class shares 2:1, so twelve answers of one class by chance have
     * probability (2/3)^12 = 0.008, below the 1% that makes them rules. */
    enum { N = 36 };
    int32_t unipolar[N * 3], multipolar[N * 3];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 3; j++)
            unipolar[i * 3 + j] = -1;
        unipolar[i * 3 + i / 12] = i / 12 == 1 ? 0 : 1;
        for (int j = 0; j < 3; j++)
            multipolar[i * 3 + j] = (i + j) % 3 == 0 ? 0 : 1;
    }
    chorus_votes *a, *b;
    ck_assert_ok(chorus_votes_from_dense(&a, N, 3, 2, unipolar));
    ck_assert_ok(chorus_votes_from_dense(&b, N, 3, 2, multipolar));
    ck_assert_int_eq(chorus_model_auto_choice(a), CHORUS_MODEL_DS);
    ck_assert_int_eq(chorus_model_auto_choice(b), CHORUS_MODEL_DS_NOABSTAIN);
    chorus_votes_free(a);
    chorus_votes_free(b);
}
END_TEST

/* Six one-class LFs over k classes (LF j votes class j % k), each on `per_lf` items of its
 * own: LF j fires on items j * per_lf .. (j + 1) * per_lf - 1. */
static chorus_votes *keyword_votes(int32_t k, int per_lf)
{
    const int m = 6, n = m * per_lf;
    int32_t *dense = malloc((size_t)n * m * sizeof *dense);
    ck_assert_ptr_nonnull(dense);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            dense[i * m + j] = i / per_lf == j ? j % k : -1;
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, n, m, k, dense));
    free(dense);
    return v;
}

START_TEST(test_auto_choice_sparse_rules)
{
    /* Equal class shares, so any run of one class is a rule ((1/3)^10 < 1%). With 10 votes
     * an LF, fewer than 10 per class for k = 3: class-acc; with 30, ds. With two classes
     * class-acc and ds are the same model for one-class LFs, and auto says ds. */
    chorus_votes *sparse = keyword_votes(3, 10), *dense = keyword_votes(3, 30);
    chorus_votes *two = keyword_votes(2, 10);
    ck_assert_int_eq(chorus_model_auto_choice(sparse), CHORUS_MODEL_CLASS_ACC);
    ck_assert_int_eq(chorus_model_auto_choice(dense), CHORUS_MODEL_DS);
    ck_assert_int_eq(chorus_model_auto_choice(two), CHORUS_MODEL_DS);
    /* The fit follows the choice and says it was asked for auto. */
    chorus_fit_options o = CHORUS_FIT_OPTIONS_INIT;
    chorus_model *m;
    ck_assert_ok(chorus_model_fit(&m, sparse, &o));
    ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_CLASS_ACC);
    chorus_model_free(m);
    chorus_votes_free(sparse);
    chorus_votes_free(dense);
    chorus_votes_free(two);
}
END_TEST

START_TEST(test_auto_choice_sparse_workers)
{
    /* A crowd set of workers with three answers each (worker w answers items w, w+1, w+2),
     * 27 items of class 0 and 3 of class 1, every answer right. 25 workers gave only class 0,
     * which 90% of the answers are: by chance with probability 0.9^3 = 0.73, so they are
     * not rules; worker 27 gave only class 1 (0.1^3 = 0.001: counted), 3 of the 90 votes.
     * Counting every one-class worker would make it 78 of 90 and fit ds. */
    enum { N = 30 };
    int32_t dense[N * N];
    for (int i = 0; i < N * N; i++)
        dense[i] = -1;
    for (int w = 0; w < N; w++)
        for (int a = 0; a < 3; a++) {
            const int item = (w + a) % N;
            dense[item * N + w] = item >= 27;
        }
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, N, N, 2, dense));
    ck_assert_int_eq(chorus_model_auto_choice(v), CHORUS_MODEL_DS_NOABSTAIN);
    chorus_votes_free(v);
}
END_TEST

/* What a progress callback saw: every call, in order. */
typedef struct progress_record {
    chorus_fit_progress calls[1024];
    int n;
} progress_record;

static void record_progress(const chorus_fit_progress *progress, void *ctx)
{
    progress_record *r = ctx;
    ck_assert_int_lt(r->n, 1024);
    r->calls[r->n++] = *progress;
}

START_TEST(test_auto_refits_sparse_workers_pooled)
{
    /* A crowd set of 2500 workers with 2 to 6 answers each, about 5 per item: a confusion
     * table per worker is fitted to a handful of answers (ds-noabstain alone is far below
     * majority vote), so the default refits with one table shared by those workers. */
    chorus_synth_options o = CHORUS_SYNTH_OPTIONS_INIT;
    o.n_items = 2000;
    o.n_lfs = 2500;
    o.coverage_min = 0.001;
    o.coverage_max = 0.003;
    o.seed = 81;
    int32_t *gold;
    chorus_votes *v;
    ck_assert_ok(chorus_synth(&v, &gold, &o));
    double acc[3];
    const chorus_model_type types[] = {CHORUS_MODEL_MV, CHORUS_MODEL_DS_NOABSTAIN,
                                       CHORUS_MODEL_AUTO};
    for (int t = 0; t < 3; t++) {
        chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
        opts.type = types[t];
        chorus_model *m;
        chorus_probs *p;
        ck_assert_ok(chorus_model_fit(&m, v, &opts));
        ck_assert_ok(chorus_model_predict(&p, m, v));
        acc[t] = test_accuracy(p, gold);
        if (types[t] == CHORUS_MODEL_AUTO) {
            ck_assert_int_eq(chorus_model_get_type(m), CHORUS_MODEL_POOLED);
            const chorus_fit_check *c = chorus_model_check(m);
            ck_assert_int_eq(c->refitted_pooled, 1);
            ck_assert(c->refit_disagreeing_share > CHORUS_CHECK_DISAGREEING_VOTES_MAX);
            int32_t n_trace;
            const double *trace = chorus_model_trace(m, &n_trace);
            for (int32_t i = 1; i < n_trace; i++)
                ck_assert(trace[i] >= trace[i - 1] - 1e-9 * fabs(trace[i - 1]));
        }
        chorus_probs_free(p);
        chorus_model_free(m);
    }
    ck_assert_msg(acc[1] < acc[0] - 0.05, "ds-noabstain %.4f, majority vote %.4f", acc[1], acc[0]);
    ck_assert_msg(acc[2] >= acc[0] - 0.01, "default %.4f, majority vote %.4f", acc[2], acc[0]);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_progress_reports_every_iteration_and_changes_nothing)
{
    int32_t *gold;
    chorus_votes *v = synthetic(20000, 3, 0, &gold);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = CHORUS_MODEL_DS;
    opts.restarts = 1;
    opts.seed = 5;
    chorus_model *quiet, *m;
    ck_assert_ok(chorus_model_fit(&quiet, v, &opts));
    static progress_record r;
    r.n = 0;
    opts.progress = record_progress;
    opts.progress_ctx = &r;
    ck_assert_ok(chorus_model_fit(&m, v, &opts));
    /* Two starts, each counting its iterations from 1; the first change is infinite, the
     * others relative to the objective, and a start ends when the change reaches tol. */
    double first_of_start[2] = {0, 0};
    int n_of_start[2] = {0, 0};
    for (int i = 0; i < r.n; i++) {
        const chorus_fit_progress *c = &r.calls[i];
        ck_assert_int_eq(c->n_starts, 2);
        ck_assert_int_eq(c->max_iter, 500);
        ck_assert(c->start == 0 || c->start == 1);
        ck_assert_int_eq(c->iteration, ++n_of_start[c->start]);
        if (c->iteration == 1) {
            ck_assert(i == 0 || r.calls[i - 1].start == c->start - 1);
            ck_assert(isinf(c->change));
            first_of_start[c->start] = c->log_posterior;
        } else {
            const double previous = r.calls[i - 1].log_posterior;
            ck_assert_double_eq_tol(
                c->change, fabs(c->log_posterior - previous) / fabs(c->log_posterior), 1e-12);
        }
        const int last = i + 1 == r.n || r.calls[i + 1].start != c->start;
        ck_assert_int_eq(c->converged, last);
        ck_assert_int_eq(c->converged, c->change <= opts.tol);
    }
    ck_assert_int_gt(n_of_start[0], 1);
    ck_assert_int_gt(n_of_start[1], 1);
    /* The winning start's calls are its trace. */
    int32_t n_trace;
    const double *trace = chorus_model_trace(m, &n_trace);
    const int best = m->best_start;
    ck_assert_int_eq(n_trace, n_of_start[best]);
    ck_assert(trace[0] == first_of_start[best]);
    for (int32_t t = 0; t < n_trace; t++)
        ck_assert(trace[t] == r.calls[(best ? n_of_start[0] : 0) + t].log_posterior);
    /* The model does not depend on being watched. */
    ck_assert_int_eq(memcmp(chorus_model_confusion(m, 0), chorus_model_confusion(quiet, 0),
                            (size_t)20 * 3 * 4 * sizeof(double)),
                     0);
    ck_assert(m->settings.progress == NULL);
    chorus_model_free(quiet);
    chorus_model_free(m);
    chorus_free(gold);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_options_are_checked)
{
    chorus_votes *v = tiny();
    chorus_model *m;
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.smoothing = 0;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "smoothing must be > 0");
    opts = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    opts.max_iter = 0;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "max_iter");
    opts = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    opts.class_prior = CHORUS_PRIOR_FIXED;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "needs class_balance");
    double bad_balance[2] = {0.5, 0.6};
    opts.class_balance = bad_balance;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "sums to 1.1");
    opts = (chorus_fit_options)CHORUS_FIT_OPTIONS_INIT;
    int32_t gold[2] = {0, 1};
    opts.gold = gold;
    opts.n_gold = 2;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "2 gold labels for 3 items");
    int32_t bad_gold[3] = {0, 5, 1};
    opts.gold = bad_gold;
    opts.n_gold = 3;
    ck_assert_error(chorus_model_fit(&m, v, &opts), CHORUS_EINVAL, "gold label of item 1 is 5");
    chorus_votes_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("em");
    TCase *math = tcase_create("math");
    tcase_add_test(math, test_one_em_step_by_hand);
    tcase_add_test(math, test_mstep_noabstain_and_class_acc_by_hand);
    tcase_add_test(math, test_guard_relabels_swapped_classes);
    tcase_add_test(math, test_auto_choice);
    tcase_add_test(math, test_auto_choice_sparse_workers);
    tcase_add_test(math, test_auto_choice_sparse_rules);
    tcase_add_test(math, test_auto_refits_sparse_workers_pooled);
    suite_add_tcase(s, math);
    TCase *fit = tcase_create("fit");
    tcase_set_timeout(fit, 120);
    tcase_add_test(fit, test_every_model_beats_majority_vote_on_independent_lfs);
    tcase_add_test(fit, test_learned_accuracies_match_the_truth);
    tcase_add_test(fit, test_learned_prior_follows_imbalance);
    tcase_add_test(fit, test_bit_identical_for_any_thread_count);
    tcase_add_test(fit, test_no_probability_is_zero);
    tcase_add_test(fit, test_fully_clamped_gold_gives_the_supervised_estimate);
    tcase_add_test(fit, test_fixed_and_gold_class_prior);
    tcase_add_test(fit, test_em_model_json_round_trip_predicts_identically);
    tcase_add_test(fit, test_options_are_checked);
    tcase_add_test(fit, test_progress_reports_every_iteration_and_changes_nothing);
    tcase_add_test(fit, test_bit_identical_for_any_storage_width);
    suite_add_tcase(s, fit);
    return test_run_suite(s);
}
