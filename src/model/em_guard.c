/*
 * The permutation guard. EM's likelihood is the same for any relabelling of the latent
 * classes, so a fit can come out with its classes swapped (an LF set whose accuracies all
 * look below chance is the symptom). Majority vote fixes what each class means: the
 * model's classes are renamed to agree best with it on the items where it has a winner.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/em_internal.h"
#include "model/model_internal.h"

/* Exhaustive search over permutations up to this many classes, greedy beyond. */
#define EXHAUSTIVE_MAX_CLASSES 8

/* The majority-vote class of an item, or -1 without a single winner. */
static int32_t majority_class(const int32_t *label, int64_t count, int32_t k, int32_t *tally)
{
    if (count == 0) return -1;
    memset(tally, 0, (size_t)k * sizeof *tally);
    for (int64_t v = 0; v < count; v++) tally[label[v]]++;
    int32_t best = 0, ties = 0;
    for (int32_t y = 1; y < k; y++) {
        if (tally[y] > tally[best]) {
            best = y;
            ties = 0;
        } else if (tally[y] == tally[best]) {
            ties++;
        }
    }
    return ties ? -1 : best;
}

static int64_t score(const int64_t *agree, const int32_t *perm, int32_t k)
{
    int64_t s = 0;
    for (int32_t c = 0; c < k; c++) s += agree[(size_t)c * k + perm[c]];
    return s;
}

/* Best permutation by exhaustive search (Heap's algorithm, iterative). */
static void best_exhaustive(const int64_t *agree, int32_t k, int32_t *best)
{
    int32_t perm[EXHAUSTIVE_MAX_CLASSES], stack[EXHAUSTIVE_MAX_CLASSES] = {0};
    for (int32_t c = 0; c < k; c++) perm[c] = best[c] = c;
    int64_t best_score = score(agree, perm, k);
    int32_t i = 1;
    while (i < k) {
        if (stack[i] < i) {
            int32_t a = i % 2 == 0 ? 0 : stack[i], t = perm[a];
            perm[a] = perm[i];
            perm[i] = t;
            int64_t s = score(agree, perm, k);
            /* Strictly better only, so the identity wins ties. */
            if (s > best_score) {
                best_score = s;
                memcpy(best, perm, (size_t)k * sizeof *perm);
            }
            stack[i]++;
            i = 1;
        } else {
            stack[i] = 0;
            i++;
        }
    }
}

/* Greedy matching: repeatedly pair the model class and majority class that agree most. */
static int best_greedy(const int64_t *agree, int32_t k, int32_t *best)
{
    char *used_model = calloc((size_t)k, 1), *used_mv = calloc((size_t)k, 1);
    if (!used_model || !used_mv) {
        free(used_model);
        free(used_mv);
        return chorus_error_nomem();
    }
    for (int32_t step = 0; step < k; step++) {
        int32_t bc = -1, bm = -1;
        for (int32_t c = 0; c < k; c++) {
            if (used_model[c]) continue;
            for (int32_t v = 0; v < k; v++) {
                if (used_mv[v]) continue;
                /* Prefer the diagonal among equals so nothing moves without evidence. */
                if (bc < 0 || agree[(size_t)c * k + v] > agree[(size_t)bc * k + bm] ||
                    (agree[(size_t)c * k + v] == agree[(size_t)bc * k + bm] && c == v)) {
                    bc = c;
                    bm = v;
                }
            }
        }
        best[bc] = bm;
        used_model[bc] = used_mv[bm] = 1;
    }
    free(used_model);
    free(used_mv);
    int64_t identity = 0;
    for (int32_t c = 0; c < k; c++) identity += agree[(size_t)c * k + c];
    int32_t *id = malloc((size_t)k * sizeof *id);
    if (!id) return chorus_error_nomem();
    for (int32_t c = 0; c < k; c++) id[c] = c;
    if (score(agree, best, k) <= identity) memcpy(best, id, (size_t)k * sizeof *id);
    free(id);
    return CHORUS_OK;
}

/* Renames model class c to perm[c] in the prior and in every LF's rows. */
static int apply_permutation(chorus_model *model, const int32_t *perm)
{
    const int32_t k = model->n_classes, o_count = k + 1;
    double *prior = malloc((size_t)k * sizeof *prior);
    double *rows = malloc((size_t)k * o_count * sizeof *rows);
    if (!prior || !rows) {
        free(prior);
        free(rows);
        return chorus_error_nomem();
    }
    for (int32_t c = 0; c < k; c++) prior[perm[c]] = model->prior[c];
    memcpy(model->prior, prior, (size_t)k * sizeof *prior);
    for (int32_t j = 0; j < model->n_lfs; j++) {
        double *theta = model->theta + (size_t)j * k * o_count;
        for (int32_t c = 0; c < k; c++)
            memcpy(rows + (size_t)perm[c] * o_count, theta + (size_t)c * o_count,
                   (size_t)o_count * sizeof *rows);
        memcpy(theta, rows, (size_t)k * o_count * sizeof *rows);
    }
    free(prior);
    free(rows);
    return CHORUS_OK;
}

int chorus_em_align_with_majority(chorus_model *model, const chorus_votes *votes, int n_threads)
{
    const int32_t k = model->n_classes;
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes), *label = chorus_votes_labels(votes);
    em_params params;
    int rc = chorus_em_params_alloc(&params, model->n_lfs, k);
    if (rc) return rc;
    chorus_em_params_set(&params, model->theta, model->prior, model->abstain_informative);
    int64_t *agree = calloc((size_t)k * k, sizeof *agree);
    int32_t *perm = malloc((size_t)k * sizeof *perm);
    if (!agree || !perm) {
        rc = chorus_error_nomem();
        goto done;
    }
    int failed = 0;
    /* Integer counts: the sum is exact, so the order of the threads does not matter. */
#pragma omp parallel num_threads(n_threads)
    {
        double *q = malloc((size_t)k * sizeof *q);
        int32_t *tally = malloc((size_t)k * sizeof *tally);
        int64_t *mine = calloc((size_t)k * k, sizeof *mine);
        if (!q || !tally || !mine) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            if (!mine) continue;
            const int64_t b = row_ptr[i], count = row_ptr[i + 1] - b;
            int32_t mv = majority_class(label + b, count, k, tally);
            if (mv < 0) continue;
            chorus_em_item_posterior(&params, lf + b, label + b, count, -1, q);
            int32_t c = 0;
            for (int32_t y = 1; y < k; y++)
                if (q[y] > q[c]) c = y;
            mine[(size_t)c * k + mv]++;
        }
        if (mine) {
#pragma omp critical
            for (size_t x = 0; x < (size_t)k * k; x++) agree[x] += mine[x];
        }
        free(q);
        free(tally);
        free(mine);
    }
    if (failed) {
        rc = chorus_error_nomem();
        goto done;
    }
    if (k <= EXHAUSTIVE_MAX_CLASSES)
        best_exhaustive(agree, k, perm);
    else if ((rc = best_greedy(agree, k, perm)))
        goto done;
    bool identity = true;
    for (int32_t c = 0; c < k; c++) identity &= perm[c] == c;
    if (!identity) {
        if ((rc = apply_permutation(model, perm))) goto done;
        model->classes_permuted = true;
        chorus_log(CHORUS_LOG_WARN,
                   "the fitted classes disagreed with majority vote; relabelled them to agree");
    }
done:
    free(agree);
    free(perm);
    chorus_em_params_free(&params);
    return rc;
}
