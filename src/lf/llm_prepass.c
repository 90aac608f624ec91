/*
 * The pass that runs before the parallel apply when a set has llm LFs: for every llm LF and
 * record (and sample, with samples: n), render the request body, look its answer up in the
 * cache, send the misses (each distinct prompt once, in one batch per LF of the spec and its
 * variants), store every answer in the cache as it arrives, and turn the answers into one
 * vote per record that the apply loop reads. A dry run (chorus_lf_set_llm_plan) does the
 * same up to the sending.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "lf/llm_batch.h"
#include "lf/llm_cache_list.h"
#include "lf/llm_confidence.h"
#include "lf/llm_cost.h"
#include "llm/llm_cache.h"
#include "llm/llm_claims.h"
#include "llm/llm_client.h"

typedef struct put_ctx {
    chorus_llm_cache *cache;
    const batch *b;
    const size_t *index; /* request of this send -> request of the batch */
    int rc;
    const lf_llm *spec; /* how to read the answer, for its confidence */
    bool constrained;
} put_ctx;

/* Each answer goes to the cache as soon as it arrives, so a killed run keeps it. */
static void on_done(size_t sub, const chorus_llm_result *result, void *p)
{
    put_ctx *ctx = p;
    if (!result->ok || !result->content || ctx->rc) return;
    const char *kept = NULL;
    ctx->rc =
        chorus_llm_cache_put_scored(ctx->cache, ctx->b->keys[ctx->index[sub]], result->content,
                                    result->prompt_tokens + result->completion_tokens,
                                    lf_llm_confidence(ctx->spec, ctx->constrained, result), &kept);
}

/* Where one pass puts what it finds. */
typedef struct pass {
    const chorus_lf_set *set;
    const chorus_dataset *ds;
    bool dry;
    int32_t n_show;
    int32_t **votes;          /* per LF, apply only */
    chorus_apply_report *rep; /* apply only */
    chorus_llm_plan *plan;    /* dry run only */
    lf_llm_cache_list caches;
    /* Endpoints (URLs) known this run to take a JSON schema, and known to refuse one. */
    char **took, **refused;
    int32_t n_took, n_refused;
} pass;

static bool url_listed(char *const *urls, int32_t n, const char *url)
{
    for (int32_t i = 0; i < n; i++)
        if (strcmp(urls[i], url) == 0) return true;
    return false;
}

static int url_add(char ***urls, int32_t *n, const char *url)
{
    if (url_listed(*urls, *n, url)) return CHORUS_OK;
    char **grown = realloc(*urls, ((size_t)*n + 1) * sizeof *grown);
    if (!grown) return chorus_error_nomem();
    *urls = grown;
    if (!(grown[*n] = strdup(url))) return chorus_error_nomem();
    (*n)++;
    return CHORUS_OK;
}

/* What a constrained answer (or its failure) says of the endpoint: 1 it refuses the JSON
 * schema, 0 it takes it, -1 nothing (a failure for another reason). */
static int refusal(const lf_llm *spec, const chorus_llm_result *res)
{
    if (!res->ok) return res->format_refused ? 1 : -1;
    bool well_formed;
    lf_llm_read_answer(spec, true, res->content, &well_formed);
    return well_formed ? 0 : 1;
}

static void list_failure(chorus_apply_report *rep, int32_t lf, int64_t line, const char *error)
{
    rep->llm_failures++;
    if (rep->llm_n_failures_listed >= CHORUS_LLM_FAILURES_LISTED) return;
    chorus_llm_failure *f = &rep->llm_failures_listed[rep->llm_n_failures_listed++];
    f->lf = lf;
    f->line = line;
    snprintf(f->error, sizeof f->error, "%s", error);
}

/* Fills results[i] from the cache's answer for request i (from_cache[i] = 1). */
static int take_cached(chorus_llm_result *result, const char *answer)
{
    char *copy = strdup(answer);
    if (!copy) return chorus_error_nomem();
    free(result->content);
    result->content = copy;
    result->ok = 1;
    result->error[0] = '\0';
    return CHORUS_OK;
}

/* What one round of pay() works with: requests claimed, sent, and put back in place. */
typedef struct round {
    unsigned char *pending, *mine;
    size_t *index;
    const char **bodies;
    chorus_llm_result *results;
} round;

static void round_free(round *r, size_t chunk)
{
    for (size_t s = 0; r->results && s < chunk; s++)
        chorus_llm_result_clear(&r->results[s]);
    free(r->pending);
    free(r->mine);
    free(r->index);
    free(r->bodies);
    free(r->results);
}

/* Moves the answer of round request s into results[i], the cache's answer if it differs. */
static int settle(pass *ps, chorus_llm_cache *cache, const batch *b, chorus_llm_result *results,
                  round *r, size_t s)
{
    size_t i = r->index[s];
    results[i] = r->results[s];
    memset(&r->results[s], 0, sizeof r->results[s]);
    ps->rep->llm_calls++;
    ps->rep->llm_retries += results[i].attempts > 1 ? results[i].attempts - 1 : 0;
    ps->rep->llm_prompt_tokens += results[i].prompt_tokens;
    ps->rep->llm_completion_tokens += results[i].completion_tokens;
    const char *kept = results[i].ok ? chorus_llm_cache_get(cache, b->keys[i]) : NULL;
    return kept && strcmp(kept, results[i].content) != 0 ? take_cached(&results[i], kept)
                                                         : CHORUS_OK;
}

/*
 * Sends the batch in rounds of a few requests per connection slot. Each round, under the
 * cache's lock: takes the answers other processes sharing the cache stored meanwhile, and
 * claims the next requests nobody else has claimed; then sends those. When the others hold
 * every request left, waits for their answers. So a prompt is paid for once however many
 * processes share the cache, and every process votes from that one answer.
 */
static int pay(pass *ps, const lf_llm *spec, const lf_def *first, batch *b, chorus_llm_cache *cache,
               chorus_llm_result *results, unsigned char *from_cache, bool constrained)
{
    const char *key = NULL;
    if (spec->api_key_env) {
        key = getenv(spec->api_key_env);
        if (!key || !*key)
            return chorus_error_set(CHORUS_EINVAL,
                                    "%s:%" PRId64 ": labeling function '%s': the environment "
                                    "variable %s (api_key_env) is not set; expected it to hold "
                                    "the API key",
                                    ps->set->path, first->line, first->name, spec->api_key_env);
    }
    chorus_llm_client_state state = {0, 0};
    chorus_llm_client_options opts = CHORUS_LLM_CLIENT_OPTIONS_INIT;
    opts.url = spec->url;
    opts.api_key = key;
    opts.max_concurrency = spec->max_concurrency;
    opts.timeout = spec->timeout;
    opts.max_retries = spec->retries;
    opts.requests_per_minute = spec->requests_per_minute;
    opts.max_connection_failures = spec->max_connection_failures;
    opts.state = &state;
    const size_t chunk = 4 * (size_t)spec->max_concurrency;
    /* Long enough for a round's worst case; a dead claimer's claims lapse sooner (its pid). */
    const double ttl = 4.0 * (spec->timeout + 60.0) * (spec->retries + 1);
    round r = {malloc(b->n), malloc(b->n), malloc(chunk * sizeof *r.index),
               malloc(chunk * sizeof *r.bodies), calloc(chunk, sizeof *r.results)};
    int rc =
        r.pending && r.mine && r.index && r.bodies && r.results ? CHORUS_OK : chorus_error_nomem();
    size_t left = b->n;
    if (!rc) memset(r.pending, 1, b->n);
    while (!rc && left > 0) {
        if ((rc = chorus_llm_cache_lock(cache))) break;
        for (size_t i = 0; i < b->n && !rc; i++) {
            const char *answer = r.pending[i] ? chorus_llm_cache_get(cache, b->keys[i]) : NULL;
            if (!answer) continue;
            rc = take_cached(&results[i], answer);
            from_cache[i] = 1;
            r.pending[i] = 0;
            left--;
        }
        size_t n_mine = 0, n_others = 0;
        memset(r.mine, 0, b->n);
        if (!rc && left > 0)
            rc = chorus_llm_claims_take(cache, (const char(*)[65])b->keys, r.pending, b->n, chunk,
                                        ttl, r.mine, &n_mine, &n_others);
        chorus_llm_cache_unlock(cache);
        if (rc || left == 0) break;
        if (n_mine == 0) {
            usleep(50 * 1000); /* the rest is being paid for by others */
            continue;
        }
        size_t k = 0;
        for (size_t i = 0; i < b->n; i++)
            if (r.mine[i]) {
                r.index[k] = i;
                r.bodies[k++] = b->bodies[i];
            }
        put_ctx ctx = {cache, b, r.index, CHORUS_OK, spec, constrained};
        rc = chorus_llm_send(&opts, r.bodies, k, r.results, on_done, &ctx);
        if (rc == CHORUS_EREMOTE)
            chorus_error_wrap("%s:%" PRId64 ": labeling function '%s': ", ps->set->path,
                              first->line, first->name);
        if (!rc) rc = ctx.rc;
        int lock_rc = chorus_llm_cache_lock(cache);
        if (!lock_rc) lock_rc = chorus_llm_claims_release(cache);
        for (size_t s = 0; s < k; s++) {
            int settle_rc = settle(ps, cache, b, results, &r, s);
            if (!rc) rc = settle_rc;
            r.pending[r.index[s]] = 0;
        }
        chorus_llm_cache_unlock(cache);
        if (!rc) rc = lock_rc;
        left -= k;
    }
    int sync = chorus_llm_cache_sync(cache);
    if (!rc) rc = sync;
    round_free(&r, chunk);
    return rc;
}

/*
 * Pays for requests [from, to) of the batch. When probing whether the endpoint takes a JSON
 * schema, the first request goes alone, so that a refusal costs one request, not a batch.
 */
static int pay_range(pass *ps, const lf_llm *spec, const lf_def *first, batch *b, size_t from,
                     size_t to, chorus_llm_cache *cache, chorus_llm_result *results,
                     unsigned char *from_cache, bool probing, bool *refused, bool constrained)
{
    batch part = *b;
    part.bodies += from;
    part.keys += from;
    part.n = to - from;
    int rc = pay(ps, spec, first, &part, cache, results + from, from_cache + from, constrained);
    for (size_t i = from; probing && !rc && i < to; i++) {
        int says = refusal(spec, &results[i]);
        if (says == 1) *refused = true;
        if (says == 0) rc = url_add(&ps->took, &ps->n_took, spec->url);
    }
    return rc;
}

/*
 * One spec and its variants (the LFs j with set->lfs[j].u.llm.spec == spec), asking for
 * constrained answers or free text. With probing (constrain: auto, the endpoint not yet
 * known), sets *refused and stops as soon as an answer shows the endpoint refuses the schema.
 */
static int run_mode(pass *ps, const lf_llm *spec, int32_t first_lf, bool constrained, bool probing,
                    bool *refused)
{
    const chorus_lf_set *set = ps->set;
    const lf_def *first = &set->lfs[first_lf];
    const int64_t n = chorus_dataset_n_records(ps->ds);
    int32_t *field = NULL;
    int64_t *req = NULL;     /* per (variant, record, sample): request index, -1 when answered */
    int32_t *sampled = NULL; /* with samples: per (variant, record, sample) the answer's vote */
    chorus_llm_result *results = NULL;
    unsigned char *from_cache = NULL; /* per request: answered by another process meanwhile */
    chorus_llm_cache *cache = NULL;
    batch b = {0};
    int rc = lf_llm_bind(&field, set, first->name, spec, ps->ds);
    if (rc) return rc;
    int32_t n_lfs = 0;
    for (int32_t j = first_lf; j < set->n_lfs; j++)
        n_lfs += set->lfs[j].kind == LF_LLM && set->lfs[j].u.llm.spec == spec;
    const size_t S = (size_t)spec->samples, cells = (size_t)n_lfs * (size_t)n * S;
    if ((rc = lf_llm_cache_for(&cache, &ps->caches, spec->cache_path, ps->dry))) goto done;
    if ((rc = lf_llm_batch_init(&b, cells))) goto done;
    if (!(req = malloc((cells + 1) * sizeof *req)) ||
        (S > 1 && !(sampled = malloc((cells + 1) * sizeof *sampled)))) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = first_lf, v = 0; j < set->n_lfs && !rc; j++) {
        const lf_def *lf = &set->lfs[j];
        if (lf->kind != LF_LLM || lf->u.llm.spec != spec) continue;
        chorus_llm_plan_lf *show = ps->dry ? &ps->plan->lfs[ps->plan->n_lfs++] : NULL;
        if (show && lf_llm_plan_pending(ps->plan, show, lf, j, n)) {
            v++;
            continue;
        }
        if (show) {
            show->lf = j;
            show->n_records = n;
            int64_t k = n < ps->n_show ? n : ps->n_show;
            show->prompts = calloc((size_t)k + 1, sizeof *show->prompts);
            show->lines = calloc((size_t)k + 1, sizeof *show->lines);
            if (!show->prompts || !show->lines) rc = chorus_error_nomem();
        }
        if (!ps->dry && !ps->votes[j] &&
            !(ps->votes[j] = malloc(((size_t)n + 1) * sizeof **ps->votes)))
            rc = chorus_error_nomem();
        const size_t before = b.n;
        for (int64_t r = 0; r < n && !rc; r++) {
            char *body = NULL, key[65];
            if ((rc = lf_llm_render_body(&body, spec, constrained, lf->u.llm.variant, ps->ds, field,
                                         r)))
                break;
            if (show && r < ps->n_show) {
                show->lines[show->n_shown] = chorus_dataset_source_line(ps->ds, r);
                rc = lf_llm_render_text(&show->prompts[show->n_shown], spec, constrained,
                                        lf->u.llm.variant, ps->ds, field, r);
                show->n_shown++;
            }
            for (size_t smp = 0; smp < S && !rc; smp++) {
                char *asked = body; /* taken over with one sample, a copy with a seed with more */
                if (S == 1)
                    body = NULL;
                else if ((rc = lf_llm_sample_body(&asked, body, (int32_t)smp)))
                    break;
                chorus_llm_cache_key(key, spec->url, spec->model, asked);
                const char *answer = cache ? chorus_llm_cache_get(cache, key) : NULL;
                const size_t c = ((size_t)v * (size_t)n + (size_t)r) * S + smp;
                int64_t *slot = &req[c];
                if (answer) {
                    free(asked);
                    *slot = -1;
                    if (show) {
                        show->n_cached++;
                        continue;
                    }
                    bool well_formed;
                    ps->rep->llm_cache_hits++;
                    *(sampled ? &sampled[c] : &ps->votes[j][r]) =
                        lf_llm_vote(spec, constrained, answer,
                                    chorus_llm_cache_confidence(cache, key), &well_formed, ps->rep);
                    /* Paid for in an earlier run, it tells as much as a fresh one. */
                    if (probing && !well_formed) {
                        *refused = true;
                        free(body);
                        goto done;
                    }
                    if (probing) {
                        if ((rc = url_add(&ps->took, &ps->n_took, spec->url))) break;
                        probing = false;
                    }
                } else {
                    *slot = lf_llm_batch_add(&b, key, asked);
                }
            }
            free(body);
        }
        if (show) {
            show->n_calls = (int64_t)(b.n - before);
            ps->plan->n_calls += show->n_calls;
            lf_llm_plan_cost(ps->plan, show, set, spec, constrained, &b, before);
        }
        v++;
    }
    if (rc || ps->dry) goto done;
    if (b.n == 0) goto vote;
    if (!(results = calloc(b.n, sizeof *results)) || !(from_cache = calloc(b.n, 1))) {
        rc = chorus_error_nomem();
        goto done;
    }
    if (!cache && (rc = lf_llm_cache_for(&cache, &ps->caches, spec->cache_path, false))) goto done;
    size_t head = probing ? 1 : b.n;
    rc = pay_range(ps, spec, first, &b, 0, head, cache, results, from_cache, probing, refused,
                   constrained);
    if (!rc && !*refused && head < b.n) {
        probing = probing && !url_listed(ps->took, ps->n_took, spec->url);
        rc = pay_range(ps, spec, first, &b, head, b.n, cache, results, from_cache, probing, refused,
                       constrained);
    }
    if (rc || *refused) goto done;
    for (int32_t j = first_lf, v = 0; j < set->n_lfs; j++) {
        if (set->lfs[j].kind != LF_LLM || set->lfs[j].u.llm.spec != spec) continue;
        for (size_t c = (size_t)v * (size_t)n * S; c < ((size_t)v + 1) * (size_t)n * S; c++) {
            const int64_t i = req[c], r = (int64_t)(c / S) - v * n;
            if (i < 0) continue;
            const chorus_llm_result *res = &results[i];
            bool well_formed;
            *(sampled ? &sampled[c] : &ps->votes[j][r]) =
                res->ok ? lf_llm_vote(spec, constrained, res->content,
                                      chorus_llm_cache_confidence(cache, b.keys[i]), &well_formed,
                                      ps->rep)
                        : CHORUS_ABSTAIN;
            ps->rep->llm_cache_hits += from_cache[i]; /* another process paid for it */
            if (!res->ok)
                list_failure(ps->rep, j, chorus_dataset_source_line(ps->ds, r), res->error);
        }
        v++;
    }
vote:
    for (int32_t j = first_lf, v = 0; sampled && j < set->n_lfs; j++) {
        if (set->lfs[j].kind != LF_LLM || set->lfs[j].u.llm.spec != spec) continue;
        for (int64_t r = 0; r < n; r++)
            ps->votes[j][r] = lf_llm_samples_vote(
                spec, &sampled[((size_t)v * (size_t)n + (size_t)r) * S], (int32_t)S, ps->rep);
        v++;
    }
done:
    for (size_t i = 0; results && i < b.n; i++)
        chorus_llm_result_clear(&results[i]);
    free(results);
    free(sampled);
    free(from_cache);
    lf_llm_batch_free(&b);
    free(req);
    free(field);
    return rc;
}

/*
 * One spec: constrained answers unless constrain: none or the endpoint refused them earlier
 * in the run. With auto, a refusal (HTTP 400 naming response_format or json_schema, or an
 * answer that is not JSON) is warned about once, remembered for the endpoint, and the spec is
 * asked again for free text; what was counted of the refused answers is taken back, except
 * the requests paid for.
 */
static int run_spec(pass *ps, const lf_llm *spec, int32_t first_lf)
{
    const bool constrained = spec->constrain == LLM_CONSTRAIN_JSON_SCHEMA ||
                             (spec->constrain == LLM_CONSTRAIN_AUTO &&
                              !url_listed(ps->refused, ps->n_refused, spec->url));
    const bool probing = constrained && spec->constrain == LLM_CONSTRAIN_AUTO && !ps->dry &&
                         !url_listed(ps->took, ps->n_took, spec->url);
    chorus_apply_report before = ps->rep ? *ps->rep : (chorus_apply_report){0};
    bool refused = false;
    int rc = run_mode(ps, spec, first_lf, constrained, probing, &refused);
    if (rc || !refused) return rc;
    const lf_def *first = &ps->set->lfs[first_lf];
    chorus_log(CHORUS_LOG_WARN,
               "%s:%" PRId64 ": labeling function '%s': %s does not take constrained answers "
               "(response_format with a JSON schema); asking it for free text read by the "
               "verbalizer for the rest of the run (constrain: none does so from the start)",
               ps->set->path, first->line, first->name, spec->url);
    if ((rc = url_add(&ps->refused, &ps->n_refused, spec->url))) return rc;
    before.llm_calls = ps->rep->llm_calls;
    before.llm_retries = ps->rep->llm_retries;
    before.llm_prompt_tokens = ps->rep->llm_prompt_tokens;
    before.llm_completion_tokens = ps->rep->llm_completion_tokens;
    *ps->rep = before;
    refused = false;
    return run_mode(ps, spec, first_lf, false, false, &refused);
}

/* Runs every distinct llm spec of the set once, in the order of its first LF. */
static int run_all(pass *ps)
{
    const chorus_lf_set *set = ps->set;
    int rc = lf_llm_examples_ensure(set, ps->ds, ps->dry);
    if (!rc)
        rc = lf_llm_paraphrases_ensure(set, ps->ds, ps->dry,
                                       ps->plan ? &ps->plan->n_paraphrase_calls : NULL);
    for (int32_t j = 0; j < set->n_lfs && !rc; j++) {
        if (set->lfs[j].kind != LF_LLM) continue;
        int32_t i = 0;
        while (i < j &&
               !(set->lfs[i].kind == LF_LLM && set->lfs[i].u.llm.spec == set->lfs[j].u.llm.spec))
            i++;
        const int64_t unsure = ps->rep ? ps->rep->llm_no_confidence : 0;
        if (i == j) rc = run_spec(ps, set->lfs[j].u.llm.spec, j);
        if (!rc && ps->rep && ps->rep->llm_no_confidence > unsure)
            lf_llm_warn_no_confidence(set, j, ps->rep->llm_no_confidence - unsure);
    }
    lf_llm_cache_list_free(&ps->caches);
    for (int32_t i = 0; i < ps->n_took; i++)
        free(ps->took[i]);
    for (int32_t i = 0; i < ps->n_refused; i++)
        free(ps->refused[i]);
    free(ps->took);
    free(ps->refused);
    return rc;
}

int lf_llm_prepare(int32_t ***votes, chorus_apply_report *report, const chorus_lf_set *set,
                   const chorus_dataset *ds)
{
    *votes = calloc((size_t)set->n_lfs, sizeof **votes);
    if (!*votes) return chorus_error_nomem();
    pass ps = {set, ds, false, 0, *votes, report, NULL, {0}, NULL, NULL, 0, 0};
    int rc = run_all(&ps);
    if (!rc) rc = lf_llm_examples_mask(set, ds, *votes);
    if (rc) {
        for (int32_t j = 0; j < set->n_lfs; j++)
            free((*votes)[j]);
        free(*votes);
        *votes = NULL;
    }
    return rc;
}

int chorus_lf_set_llm_plan(chorus_llm_plan **out, const chorus_lf_set *set,
                           const chorus_dataset *ds, int32_t n_show)
{
    if (!out || !set || !ds)
        return chorus_error_set(CHORUS_EINVAL, "llm plan: out, set and data are required");
    *out = NULL;
    chorus_llm_plan *plan = calloc(1, sizeof *plan);
    if (!plan || !(plan->lfs = calloc((size_t)set->n_lfs, sizeof *plan->lfs))) {
        free(plan);
        return chorus_error_nomem();
    }
    pass ps = {set, ds, true, n_show < 0 ? 0 : n_show, NULL, NULL, plan, {0}, NULL, NULL, 0, 0};
    int rc = run_all(&ps);
    if (rc) {
        chorus_llm_plan_free(plan);
        return rc;
    }
    *out = plan;
    return CHORUS_OK;
}

void chorus_llm_plan_free(chorus_llm_plan *plan)
{
    if (!plan) return;
    for (int32_t i = 0; plan->lfs && i < plan->n_lfs; i++) {
        for (int32_t s = 0; s < plan->lfs[i].n_shown; s++)
            free(plan->lfs[i].prompts[s]);
        free(plan->lfs[i].prompts);
        free(plan->lfs[i].lines);
    }
    free(plan->lfs);
    free(plan);
}
