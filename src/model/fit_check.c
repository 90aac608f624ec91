/*
 * The safety net: after an EM fit, compare the model's labels on its own training votes
 * with what the votes say, without any gold label. A label model that overrules the
 * unanimous vote of its sources on many items is leaning on something other than the
 * votes (abstains over-counted, a drifted class prior); on real LF sets that is where it
 * loses to majority vote, so past a limit the default hands back majority vote.
 *
 * Every count is an integer, summed per thread and then added: the result is the same for
 * any number of threads. Each thread computes the posteriors of its items a chunk at a time
 * into a buffer of its own, so the check holds CHECK_CHUNK x K doubles per thread, never
 * n_items x K.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/fit_shard.h"
#include "model/model_internal.h"
#include "votes/votes_internal.h"

/* Items whose posteriors a thread holds at once. */
#define CHECK_CHUNK 4096

/* The single most-voted class of votes [b, e) leaving out position `skip` (-1: none), or
 * -1 when there is none or several. */
static int32_t clear_majority(const chorus_vote_view *w, int64_t b, int64_t e, int64_t skip,
                              int32_t k, int32_t *counts)
{
    memset(counts, 0, (size_t)k * sizeof *counts);
    for (int64_t v = b; v < e; v++)
        if (v != skip) counts[chorus_view_label(w, v)]++;
    int32_t top = 0;
    for (int32_t c = 1; c < k; c++)
        if (counts[c] > counts[top]) top = c;
    if (counts[top] == 0) return -1;
    for (int32_t c = 0; c < k; c++)
        if (c != top && counts[c] == counts[top]) return -1;
    return top;
}

/* The counts of every process added up, packed into one exchange, after agreeing on this
 * process's status `local` (a process that failed still takes part: fit_shard_agree). */
static int sum_counts(const fit_shard *shard, int local, int64_t *totals, int64_t *agree, int32_t m,
                      int64_t *shares, int32_t k)
{
    if (!shard) return local;
    const size_t n_agree = (size_t)m * 2, n = 5 + n_agree + (size_t)k;
    int64_t *all = local ? NULL : malloc(n * sizeof *all);
    if (!local && !all) local = chorus_error_nomem();
    if (all) {
        memcpy(all, totals, 5 * sizeof *all);
        memcpy(all + 5, agree, n_agree * sizeof *all);
        memcpy(all + 5 + n_agree, shares, (size_t)k * sizeof *all);
    }
    int rc = fit_shard_sum_i64(shard, all, n, local);
    if (!rc) {
        memcpy(totals, all, 5 * sizeof *all);
        memcpy(agree, all + 5, n_agree * sizeof *all);
        memcpy(shares, all + 5 + n_agree, (size_t)k * sizeof *all);
    }
    free(all);
    return rc;
}

int chorus_model_run_check(chorus_model *model, const chorus_votes *votes)
{
    return chorus_model_run_check_shard(model, votes, NULL);
}

int chorus_model_run_check_shard(chorus_model *model, const chorus_votes *votes,
                                 const fit_shard *shard)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int32_t k = model->n_classes, m = model->n_lfs;
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    em_predictor *predictor = NULL;
    int64_t *agree = calloc((size_t)m * 2, sizeof *agree); /* [j][0] agree, [j][1] overlaps */
    int64_t *shares = calloc((size_t)k, sizeof *shares);
    double *lf_agreement = malloc((size_t)(m > 0 ? m : 1) * sizeof *lf_agreement);
    int64_t totals[5] = {0}; /* covered, unanimous, overruled, clear, majority overruled */
    int rc = CHORUS_OK, failed = 0;
    if (!agree || !shares || !lf_agreement) rc = chorus_error_nomem();
    if (!rc) rc = chorus_em_predictor_new(&predictor, model, votes);
    const int n_threads = chorus_model_threads(model);
    if (!rc) {
#pragma omp parallel num_threads(n_threads)
        {
            int32_t *counts = malloc((size_t)k * sizeof *counts);
            int64_t *my_agree = calloc((size_t)m * 2, sizeof *my_agree);
            int64_t *my_shares = calloc((size_t)k, sizeof *my_shares);
            double *probs = malloc((size_t)CHECK_CHUNK * k * sizeof *probs);
            int64_t my[5] = {0};
            const int64_t thread = omp_get_thread_num(), n_team = omp_get_num_threads();
            const int64_t first = n * thread / n_team, last = n * (thread + 1) / n_team;
            if (!counts || !my_agree || !my_shares || !probs) {
#pragma omp atomic write
                failed = 1;
            }
            for (int64_t i = first; i < last && counts && my_agree && my_shares && probs; i++) {
                const int64_t chunk_start = first + (i - first) / CHECK_CHUNK * CHECK_CHUNK;
                if (i == chunk_start)
                    chorus_em_predictor_run(
                        predictor, i, last - i < CHECK_CHUNK ? last : i + CHECK_CHUNK, 1, probs);
                const int64_t b = row_ptr[i], e = row_ptr[i + 1];
                if (b == e) continue;
                my[0]++;
                const double *p = probs + (size_t)(i - chunk_start) * k;
                double top = p[0];
                for (int32_t c = 1; c < k; c++)
                    if (p[c] > top) top = p[c];
                int32_t majority = clear_majority(&w, b, e, -1, k, counts);
                if (majority >= 0) {
                    const bool overruled = p[majority] < top - CHORUS_TIE_TOLERANCE;
                    my[3]++;
                    my[4] += overruled;
                    my_shares[majority]++;
                    if (counts[majority] == e - b) {
                        my[1]++;
                        my[2] += overruled;
                    }
                }
                for (int64_t v = b; v < e && e - b > 1; v++) {
                    int32_t others = clear_majority(&w, b, e, v, k, counts);
                    if (others < 0) continue;
                    const int32_t j = chorus_view_lf(&w, v);
                    my_agree[(size_t)j * 2 + 1]++;
                    my_agree[(size_t)j * 2] += others == chorus_view_label(&w, v);
                }
            }
#pragma omp critical
            {
                for (int t = 0; t < 5; t++)
                    totals[t] += my[t];
                for (int32_t x = 0; my_agree && x < 2 * m; x++)
                    agree[x] += my_agree[x];
                for (int32_t c = 0; my_shares && c < k; c++)
                    shares[c] += my_shares[c];
            }
            free(counts);
            free(my_agree);
            free(my_shares);
            free(probs);
        }
    }
    if (!rc && failed) rc = chorus_error_nomem();
    /* Also after a failure of this process: the others wait for its counts. */
    if ((rc = sum_counts(shard, rc, totals, agree, m, shares, k))) goto done;
    chorus_fit_check *check = &model->check;
    memset(check, 0, sizeof *check);
    check->n_covered = totals[0];
    check->n_unanimous = totals[1];
    check->n_unanimous_overruled = totals[2];
    check->n_clear_majority = totals[3];
    check->n_majority_overruled = totals[4];
    double distance = 0;
    for (int32_t c = 0; c < k; c++) {
        double share = totals[3] ? (double)shares[c] / (double)totals[3] : 1.0 / k;
        distance += fabs(model->prior[c] - share);
    }
    check->prior_distance = distance / 2;
    for (int32_t j = 0; j < m; j++) {
        const int64_t overlaps = agree[(size_t)j * 2 + 1];
        lf_agreement[j] = overlaps ? (double)agree[(size_t)j * 2] / (double)overlaps : NAN;
        double accuracy = chorus_model_lf_accuracy(model, j);
        if (isnan(lf_agreement[j]) || isnan(accuracy)) continue;
        check->agreement_votes += overlaps;
        if (fabs(accuracy - lf_agreement[j]) > CHORUS_CHECK_LF_GAP) {
            check->n_lfs_disagreeing++;
            check->disagreeing_lf_votes += overlaps;
        }
    }
    check->worse_than_majority = check->n_unanimous >= CHORUS_CHECK_MIN_ITEMS &&
                                 (double)check->n_unanimous_overruled >
                                     CHORUS_CHECK_UNANIMOUS_MAX * (double)check->n_unanimous;
    free(model->lf_agreement);
    model->lf_agreement = lf_agreement;
    lf_agreement = NULL;
    model->checked = true;

done:
    chorus_em_predictor_free(predictor);
    free(agree);
    free(shares);
    free(lf_agreement);
    return rc;
}

void chorus_model_fall_back_to_majority(chorus_model *model)
{
    /* The items with votes get majority vote; the model keeps its parameters for the items
     * without any vote, where majority vote has nothing to say and the model's estimate
     * (class prior and what the LFs' silence says) is all the evidence there is. */
    model->check.fell_back = 1;
    model->keep_unanimous = false;
}

const chorus_fit_check *chorus_model_check(const chorus_model *model)
{
    return model->checked ? &model->check : NULL;
}

double chorus_model_lf_agreement(const chorus_model *model, int32_t lf)
{
    if (!model->lf_agreement || lf < 0 || lf >= model->n_lfs) return NAN;
    return model->lf_agreement[lf];
}
