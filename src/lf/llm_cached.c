/*
 * What the answer cache holds for given records of the llm LFs of a set, for chorus
 * inspect: the requests an apply would send for each record are rendered as it renders
 * them (constrained answers first, then the free text an endpoint that refused them got)
 * and looked up by their cache key; nothing is sent and nothing is written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/lf.h"
#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "lf/llm_cache_list.h"
#include "lf/llm_confidence.h"
#include "llm/llm_cache.h"

/* The first cached answer among the record's requests in one mode; counts the cached. */
static int look_up(chorus_llm_cached *c, const lf_llm *spec, bool constrained, int32_t variant,
                   const chorus_dataset *ds, const int32_t *field, int64_t record,
                   const chorus_llm_cache *cache)
{
    char *body = NULL;
    int rc = lf_llm_render_body(&body, spec, constrained, variant, ds, field, record);
    for (int32_t s = 0; !rc && s < spec->samples; s++) {
        char *asked = body, key[65];
        if (spec->samples > 1 && (rc = lf_llm_sample_body(&asked, body, s))) break;
        chorus_llm_cache_key(key, spec->url, spec->model, asked);
        if (asked != body) free(asked);
        const char *answer = chorus_llm_cache_get(cache, key);
        if (!answer) continue;
        c->n_cached++;
        if (c->answer) continue;
        if (!(c->answer = strdup(answer))) rc = chorus_error_nomem();
        c->confidence = chorus_llm_cache_confidence(cache, key);
    }
    free(body);
    return rc;
}

static int lf_answers(chorus_llm_cached *row, int32_t stride, const chorus_lf_set *set, int32_t j,
                      const chorus_dataset *ds, const int64_t *records, int64_t n_records,
                      lf_llm_cache_list *caches)
{
    const lf_def *lf = &set->lfs[j];
    const lf_llm *spec = lf->u.llm.spec;
    for (int64_t r = 0; r < n_records; r++) {
        chorus_llm_cached *c = &row[r * stride];
        c->lf = j;
        c->n_samples = spec->samples;
        c->confidence = NAN;
    }
    /* A paraphrase not written yet has no prompt, so nothing of it can be cached. */
    if (lf->u.llm.variant > 0 && spec->n_paraphrases && !spec->paraphrases) return CHORUS_OK;
    /* Opened once for all the LFs that share it; none (nothing cached) without its file. */
    chorus_llm_cache *cache = NULL;
    int rc = lf_llm_cache_for(&cache, caches, spec->cache_path, true);
    if (rc || !cache) return rc;
    int32_t *field = NULL;
    rc = lf_llm_bind(&field, set, lf->name, spec, ds);
    for (int64_t r = 0; !rc && r < n_records; r++) {
        chorus_llm_cached *c = &row[r * stride];
        if (records[r] < 0 || records[r] >= chorus_dataset_n_records(ds)) {
            rc = chorus_error_set(CHORUS_EINVAL, "record %lld is not one of the data's %lld",
                                  (long long)records[r], (long long)chorus_dataset_n_records(ds));
            break;
        }
        if (spec->constrain != LLM_CONSTRAIN_NONE)
            rc = look_up(c, spec, true, lf->u.llm.variant, ds, field, records[r], cache);
        if (!rc && !c->n_cached && spec->constrain != LLM_CONSTRAIN_JSON_SCHEMA)
            rc = look_up(c, spec, false, lf->u.llm.variant, ds, field, records[r], cache);
    }
    free(field);
    return rc;
}

int chorus_lf_llm_cached(chorus_llm_cached **out, int32_t *n_llm, const chorus_lf_set *set,
                         const chorus_dataset *ds, const int64_t *records, int64_t n_records)
{
    *out = NULL;
    *n_llm = 0;
    if (!set || !ds || (n_records > 0 && !records) || n_records < 0)
        return chorus_error_set(CHORUS_EINVAL, "llm answers: a set, data and records are needed");
    int32_t m = 0;
    for (int32_t j = 0; j < set->n_lfs; j++)
        m += set->lfs[j].kind == LF_LLM;
    if (!m) return CHORUS_OK;
    /* Pinned examples and paraphrases (the lock file, else the cache) make the prompts. */
    int64_t paraphrase_calls = 0;
    int rc = lf_llm_examples_ensure(set, ds, true);
    if (!rc) rc = lf_llm_paraphrases_ensure(set, ds, true, &paraphrase_calls);
    if (rc) return rc;
    chorus_llm_cached *all = calloc((size_t)(n_records ? n_records : 1) * (size_t)m, sizeof *all);
    if (!all) return chorus_error_nomem();
    lf_llm_cache_list caches = {0};
    for (int32_t j = 0, at = 0; j < set->n_lfs && !rc; j++)
        if (set->lfs[j].kind == LF_LLM)
            rc = lf_answers(all + at++, m, set, j, ds, records, n_records, &caches);
    lf_llm_cache_list_free(&caches);
    if (rc) {
        chorus_llm_cached_free(all, n_records * m);
        return rc;
    }
    *out = all;
    *n_llm = m;
    return CHORUS_OK;
}

void chorus_llm_cached_free(chorus_llm_cached *answers, int64_t n)
{
    for (int64_t i = 0; answers && i < n; i++)
        free(answers[i].answer);
    free(answers);
}
