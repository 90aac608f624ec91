/*
 * Sampling, the confidence for endpoints without log-probabilities: an llm LF with
 * samples: n asks each prompt n times, as n requests that differ by their "seed" (0 ..
 * n-1), and votes the class most of the answers give. Separate requests rather than the
 * OpenAI "n" parameter: they work on every endpoint (llama.cpp and others ignore "n"),
 * each answer is cached on its own, and raising n later pays for the new samples only.
 */
#include <jansson.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "lf/llm_confidence.h"

int lf_llm_sample_body(char **out, const char *body, int32_t sample)
{
    *out = NULL;
    json_error_t err;
    json_t *root = json_loads(body, 0, &err);
    if (root && json_object_set_new(root, "seed", json_integer(sample)) == 0)
        *out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return *out ? CHORUS_OK : chorus_error_nomem();
}

int32_t lf_llm_samples_vote(const lf_llm *llm, const int32_t *votes, int32_t n,
                            chorus_apply_report *rep)
{
    int32_t best = CHORUS_ABSTAIN, best_count = 0;
    /* n is small (at most 100): counting each class again is cheaper than a table. */
    for (int32_t i = 0; i < n; i++) {
        if (votes[i] == CHORUS_ABSTAIN || votes[i] == best) continue;
        int32_t count = 0;
        for (int32_t t = i; t < n; t++)
            count += votes[t] == votes[i];
        if (count > best_count) {
            best = votes[i];
            best_count = count;
        }
    }
    if (best == CHORUS_ABSTAIN || !(llm->min_confidence > 0)) return best;
    if ((double)best_count / (double)n >= llm->min_confidence) return best;
    rep->llm_low_confidence++;
    return CHORUS_ABSTAIN;
}
