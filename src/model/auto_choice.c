/* What the default model (auto) fits. */
#include "model/auto_choice.h"

#include <math.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "model/model_internal.h"

int64_t *chorus_lf_class_counts(const chorus_votes *votes, const fit_shard *shard)
{
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    const int64_t local_nnz = chorus_votes_nnz(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    int64_t *counts = calloc((size_t)(m > 0 ? m : 1) * k, sizeof *counts);
    for (int64_t v = 0; counts && v < local_nnz; v++)
        counts[(size_t)chorus_view_lf(&w, v) * k + chorus_view_label(&w, v)]++;
    if (fit_shard_sum_i64(shard, counts, (size_t)m * k, counts ? CHORUS_OK : CHORUS_ENOMEM)) {
        free(counts);
        return NULL;
    }
    return counts;
}

chorus_model_type chorus_auto_choice(const int64_t *counts, int32_t m, int32_t k)
{
    if (!counts) return CHORUS_MODEL_DS;
    int64_t nnz = 0, one_class_votes = 0, sparse_votes = 0;
    int64_t *class_votes = calloc((size_t)k, sizeof *class_votes);
    if (!class_votes) return CHORUS_MODEL_DS;
    for (int32_t j = 0; j < m; j++)
        for (int32_t o = 0; o < k; o++)
            class_votes[o] += counts[(size_t)j * k + o];
    for (int32_t o = 0; o < k; o++)
        nnz += class_votes[o];
    for (int32_t j = 0; j < m; j++) {
        int32_t outputs = 0, only = 0;
        int64_t cast = 0;
        for (int32_t o = 0; o < k; o++) {
            if (counts[(size_t)j * k + o] > 0) {
                outputs++;
                only = o;
            }
            cast += counts[(size_t)j * k + o];
        }
        /* share^cast: how likely a voter whose answers follow the class shares gives only
         * class `only` in `cast` answers. */
        const double share = (double)class_votes[only] / (double)nnz;
        if (outputs == 1 && share < 1 &&
            (double)cast * log(share) < log(CHORUS_AUTO_ONE_CLASS_CHANCE))
            one_class_votes += cast;
        if ((double)cast < CHORUS_AUTO_VOTES_PER_CLASS * k) sparse_votes += cast;
    }
    free(class_votes);
    /* A one-class LF says something only by firing or not, so once such LFs cast a real
     * share of the votes the model must read abstains. In crowd sets a worker who gave one
     * class is a worker with few answers, which the class shares explain by chance (with a
     * 20:1 imbalance, five answers of the common class come up 77% of the time), so such
     * workers do not count. */
    if ((double)one_class_votes < CHORUS_AUTO_ONE_CLASS_SHARE * (double)nnz)
        return CHORUS_MODEL_DS_NOABSTAIN;
    /* ds gives each LF a firing rate per class, k of them; an LF with fewer than
     * CHORUS_AUTO_VOTES_PER_CLASS votes per class has too few votes for that, and with most
     * of the votes from such LFs (a few hundred keyword rules over two thousand items, about
     * one vote an item, cast about ten each) class-acc's two rates per one-class LF, its rate on
     * its class and one shared by the others, are what the votes support. With two classes the two
     * models are the same for one-class LFs. */
    if (k > 2 && (double)sparse_votes >= CHORUS_AUTO_SPARSE_SHARE * (double)nnz)
        return CHORUS_MODEL_CLASS_ACC;
    return CHORUS_MODEL_DS;
}

chorus_model_type chorus_model_auto_choice(const chorus_votes *votes)
{
    int64_t *counts = chorus_lf_class_counts(votes, NULL);
    const chorus_model_type type =
        chorus_auto_choice(counts, chorus_votes_n_lfs(votes), chorus_votes_n_classes(votes));
    free(counts);
    return type;
}
