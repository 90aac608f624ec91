/*
 * The permutation guard. EM's likelihood is the same for any relabelling of the latent
 * classes, so a fit can come out with its classes swapped (an LF set whose accuracies all
 * look below chance is the symptom). The votes fix what each class means: latent class c
 * is renamed to the class o whose votes it holds most of, jointly over all classes, which
 * is what majority vote would call them. It needs no extra pass over the data: the last
 * E-step's statistics hold the posterior mass of every latent class on every vote.
 */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "model/em_internal.h"
#include "model/model_internal.h"

/* Exhaustive search over permutations up to this many classes, greedy beyond. */
#define EXHAUSTIVE_MAX_CLASSES 8

static double score(const double *agree, const int32_t *perm, int32_t k)
{
    double s = 0;
    for (int32_t c = 0; c < k; c++)
        s += agree[(size_t)c * k + perm[c]];
    return s;
}

/* Best permutation by exhaustive search (Heap's algorithm, iterative). */
static void best_exhaustive(const double *agree, int32_t k, int32_t *best)
{
    int32_t perm[EXHAUSTIVE_MAX_CLASSES], stack[EXHAUSTIVE_MAX_CLASSES] = {0};
    for (int32_t c = 0; c < k; c++)
        perm[c] = best[c] = c;
    double best_score = score(agree, perm, k);
    int32_t i = 1;
    while (i < k) {
        if (stack[i] < i) {
            int32_t a = i % 2 == 0 ? 0 : stack[i], t = perm[a];
            perm[a] = perm[i];
            perm[i] = t;
            double s = score(agree, perm, k);
            /* Clearly better only, so the identity wins ties and rounding noise. */
            if (s > best_score * (1 + 1e-9)) {
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

/* Greedy matching: repeatedly pair the latent class and vote class that agree most. */
static int best_greedy(const double *agree, int32_t k, int32_t *best)
{
    char *used_c = calloc((size_t)k, 1), *used_o = calloc((size_t)k, 1);
    if (!used_c || !used_o) {
        free(used_c);
        free(used_o);
        return chorus_error_nomem();
    }
    for (int32_t step = 0; step < k; step++) {
        int32_t bc = -1, bo = -1;
        for (int32_t c = 0; c < k; c++) {
            if (used_c[c]) continue;
            for (int32_t o = 0; o < k; o++) {
                if (used_o[o]) continue;
                double a = agree[(size_t)c * k + o];
                /* Prefer the diagonal among equals so nothing moves without evidence. */
                if (bc < 0 || a > agree[(size_t)bc * k + bo] ||
                    (a == agree[(size_t)bc * k + bo] && c == o)) {
                    bc = c;
                    bo = o;
                }
            }
        }
        best[bc] = bo;
        used_c[bc] = used_o[bo] = 1;
    }
    free(used_c);
    free(used_o);
    double identity = 0;
    for (int32_t c = 0; c < k; c++)
        identity += agree[(size_t)c * k + c];
    if (score(agree, best, k) <= identity * (1 + 1e-9))
        for (int32_t c = 0; c < k; c++)
            best[c] = c;
    return CHORUS_OK;
}

/* Renames latent class c to perm[c] in the prior and in every LF's rows. */
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
    for (int32_t c = 0; c < k; c++)
        prior[perm[c]] = model->prior[c];
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

int chorus_em_align_with_votes(chorus_model *model, const double *agreement)
{
    const int32_t k = model->n_classes;
    int32_t *perm = malloc((size_t)k * sizeof *perm);
    if (!perm) return chorus_error_nomem();
    int rc = CHORUS_OK;
    if (k <= EXHAUSTIVE_MAX_CLASSES)
        best_exhaustive(agreement, k, perm);
    else
        rc = best_greedy(agreement, k, perm);
    bool identity = true;
    for (int32_t c = 0; !rc && c < k; c++)
        identity &= perm[c] == c;
    if (!rc && !identity) {
        rc = apply_permutation(model, perm);
        if (!rc) {
            model->classes_permuted = true;
            chorus_log(CHORUS_LOG_WARN, "the fitted classes disagreed with the votes about what "
                                        "each class is; relabelled them to agree");
        }
    }
    free(perm);
    return rc;
}
