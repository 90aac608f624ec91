/*
 * Fitting the EM label models: MAP expectation-maximisation from majority-vote posteriors,
 * with optional perturbed restarts, gold labels clamped in the E-step, and a learned,
 * fixed or gold-estimated class prior.
 *
 * Each iteration is one pass over the vote matrix that computes every item's posterior
 * and adds it to the sufficient statistics at once, so posteriors are never stored. Items
 * are cut into chunks whose boundaries depend only on the matrix size; each chunk sums its
 * own statistics and the chunks are added in order, which makes every result bit-identical
 * whatever the number of threads.
 */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/random.h"
#include "model/em_family.h"
#include "model/em_groups_model.h"
#include "model/em_init.h"
#include "model/em_internal.h"
#include "model/fit_shard.h"
#include "model/model_internal.h"

/* Chunks of at least this many items; fewer, larger chunks when statistics are big. */
#define CHUNK_MIN_ITEMS 16384
#define MAX_CHUNKS 256
/* Cap on the partial statistics held at once (doubles). */
#define MAX_PARTIAL_DOUBLES ((size_t)1 << 25)

/*
 * Item indices in a run are the whole matrix's. On a shard the vote arrays are indexed from
 * the shard's first item (the row pointers are offset by it), so the kernel, and the
 * restarts' per-item random streams, see the same indices as a single process.
 */
typedef struct em_run {
    const chorus_votes *votes;
    const fit_shard *shard; /* NULL: every item is here */
    int64_t n;              /* items of the whole matrix */
    int32_t m, k;
    chorus_vote_view vote; /* the votes as stored, for the majority-vote start */
    /* The votes as sources (groups rewritten into int32 arrays; see em_groups.h), stored
     * src_width and out_width bytes per entry. */
    const int64_t *src_ptr;
    const void *src;
    const void *out;
    int src_width, out_width;
    const em_layout *layout;
    const em_groups *groups; /* NULL without groups */
    const int32_t *gold;     /* NULL or n entries */
    int64_t n_chunks, chunk_items;
    /* The chunks computed here: all of them, or a shard's. */
    int64_t first_chunk, end_chunk;
    size_t stat_size;        /* doubles per chunk: the sources' statistics + k + 3 */
    const int64_t *lf_votes; /* m: the votes each LF cast on the whole matrix */
    double *partials;
    int n_threads;
} em_run;

/*
 * One chunk of a pass: posteriors of items [begin, end) added into `stats`: the model's
 * under p, or with `init` a start's (em_init.h; seed is the start's). Inline with k
 * and the entries' widths parameters, so the dispatch below compiles unrolled copies with
 * plain narrow loads for the common small k and storage widths.
 */
static inline __attribute__((always_inline)) void
pass_chunk_k(const em_run *r, const em_params *p, const em_init *init, uint64_t seed, int64_t begin,
             int64_t end, double *q, double *stats, const int32_t k, const int src_width,
             const int out_width)
{
    const int64_t *offset = r->layout->offset;
    double *votes = stats, *class_total = stats + offset[r->layout->n_sources];
    double *loglik = class_total + k; /* [0] sum of the items' top scores, [1..2] product */
    log_product z_product = {1, 0};
    memset(stats, 0, r->stat_size * sizeof *stats);
    for (int64_t i = begin; i < end; i++) {
        const int64_t sb = r->src_ptr[i], se = r->src_ptr[i + 1];
        int32_t gold = r->gold ? r->gold[i] : -1;
        if (!init) {
            double z;
            loglik[0] += chorus_em_item_posterior_k(p, r->src, src_width, r->out, out_width, sb, se,
                                                    gold, q, &z, k);
            log_product_mul(&z_product, z);
        } else if (gold >= 0) {
            for (int32_t y = 0; y < k; y++)
                q[y] = y == gold;
        } else {
            init->item_posterior(&r->vote, r->vote.row_ptr[i], r->vote.row_ptr[i + 1], k, seed, i,
                                 q);
        }
        for (int32_t y = 0; y < k; y++)
            class_total[y] += q[y];
        for (int64_t v = sb; v < se; v++) {
            double *cell = votes + offset[chorus_narrow_at(r->src, src_width, v)] +
                           (size_t)chorus_narrow_at(r->out, out_width, v) * k;
            for (int32_t y = 0; y < k; y++)
                cell[y] += q[y];
        }
    }
    loglik[1] = z_product.mantissa;
    loglik[2] = (double)z_product.exponent;
}

/* The copies for the storage widths: 1-byte LFs and labels (up to 256 LFs), 2-byte LFs (up
 * to 65536), int32 (groups' sources, borrowed arrays); other mixes take the generic loads. */
static inline __attribute__((always_inline)) void
pass_chunk_widths(const em_run *r, const em_params *p, const em_init *init, uint64_t seed,
                  int64_t begin, int64_t end, double *q, double *stats, const int32_t k)
{
    if (r->src_width == 1 && r->out_width == 1)
        pass_chunk_k(r, p, init, seed, begin, end, q, stats, k, 1, 1);
    else if (r->src_width == 2 && r->out_width == 1)
        pass_chunk_k(r, p, init, seed, begin, end, q, stats, k, 2, 1);
    else if (r->src_width == 4 && r->out_width == 4)
        pass_chunk_k(r, p, init, seed, begin, end, q, stats, k, 4, 4);
    else
        pass_chunk_k(r, p, init, seed, begin, end, q, stats, k, r->src_width, r->out_width);
}

static void pass_chunk(const em_run *r, const em_params *p, const em_init *init, uint64_t seed,
                       int64_t begin, int64_t end, double *q, double *stats)
{
    switch (r->k) {
    case 2:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, 2);
        break;
    case 3:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, 3);
        break;
    case 4:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, 4);
        break;
    case 5:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, 5);
        break;
    case 6:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, 6);
        break;
    default:
        pass_chunk_widths(r, p, init, seed, begin, end, q, stats, r->k);
        break;
    }
}

/*
 * A full pass (init: a start's pass, NULL: the model's posteriors); the chunks' statistics are
 * added in chunk order into `out`. On a shard each process computes its own chunks and gathers the
 * others' first, so every process adds the same partials in the same order.
 */
static int run_pass(const em_run *r, const em_params *p, const em_init *init, uint64_t seed,
                    em_stats *out)
{
    int failed = 0;
#pragma omp parallel num_threads(r->n_threads)
    {
        double *q = malloc((size_t)r->k * sizeof *q);
        if (!q) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = r->first_chunk; c < r->end_chunk; c++) {
            if (!q) continue;
            int64_t begin = c * r->chunk_items;
            int64_t end = begin + r->chunk_items < r->n ? begin + r->chunk_items : r->n;
            pass_chunk(r, p, init, seed, begin, end, q, r->partials + (size_t)c * r->stat_size);
        }
        free(q);
    }
    /* A process that failed still takes part in the gather, so no other waits for it. */
    int rc = fit_shard_gather_chunks(r->shard, r->partials, r->n_chunks, r->stat_size,
                                     failed ? chorus_error_nomem() : CHORUS_OK);
    if (rc) return rc;
    size_t votes_size = (size_t)r->layout->offset[r->layout->n_sources];
    memset(out->votes, 0, votes_size * sizeof *out->votes);
    memset(out->class_total, 0, (size_t)r->k * sizeof *out->class_total);
    out->loglik = 0;
    for (int64_t c = 0; c < r->n_chunks; c++) {
        const double *s = r->partials + (size_t)c * r->stat_size;
        for (size_t x = 0; x < votes_size; x++)
            out->votes[x] += s[x];
        for (int32_t y = 0; y < r->k; y++)
            out->class_total[y] += s[votes_size + y];
        const double *ll = s + votes_size + r->k;
        log_product z = {ll[1], (int64_t)ll[2]};
        out->loglik += ll[0] + log_product_value(&z);
    }
    return CHORUS_OK;
}

static void update_prior(const chorus_fit_options *opts, double prior_smoothing,
                         const em_stats *stats, int32_t k, double *prior)
{
    if (opts->class_prior != CHORUS_PRIOR_LEARNED) return; /* set once before EM */
    double total = 0;
    for (int32_t y = 0; y < k; y++)
        total += stats->class_total[y];
    for (int32_t y = 0; y < k; y++)
        prior[y] = (stats->class_total[y] + prior_smoothing) / (total + k * prior_smoothing);
}

static double prior_log_density(const chorus_fit_options *opts, double prior_smoothing,
                                const double *prior, int32_t k)
{
    if (opts->class_prior != CHORUS_PRIOR_LEARNED) return 0;
    double lp = 0;
    for (int32_t y = 0; y < k; y++)
        lp += prior_smoothing * log(prior[y]);
    return lp;
}

typedef struct em_start {
    double *agreement; /* K x K: posterior mass of latent class c on votes for o */
    double *theta;
    double *group_theta; /* the groups' P(tuple | y) tables */
    double *prior;
    double *trace;
    int32_t n_trace;
    double objective;
    bool converged;
} em_start;

static void mstep(const em_run *r, const em_family *family, const em_stats *stats,
                  const double *shape, double smoothing, em_start *out)
{
    family->mstep(r->m, r->k, stats, shape, r->lf_votes, smoothing, out->theta);
    if (r->groups)
        em_groups_mstep(r->groups, r->layout, family->abstain_informative, stats, smoothing,
                        out->group_theta);
}

static void set_params(const em_run *r, bool informative, const em_start *s, em_params *params)
{
    chorus_em_params_set(params, s->theta, s->prior, informative,
                         r->groups ? r->groups->lf_group : NULL);
    if (r->groups) em_groups_set_params(r->groups, informative, s->group_theta, params);
}

/* One EM run from majority vote (start 0) or a perturbed majority vote. */
static int run_start(const em_run *r, const chorus_fit_options *opts, const double *shape,
                     double smoothing, double prior_smoothing, int start, em_params *params,
                     em_stats *stats, em_start *out)
{
    const em_family *family = chorus_em_family(opts->type);
    const bool informative = family->abstain_informative;
    chorus_model_given_prior(opts, prior_smoothing, r->k, out->prior);
    int rc = run_pass(r, params, chorus_em_init_for(start),
                      chorus_mix64(opts->seed ^ (uint64_t)start), stats);
    if (rc) return rc;
    mstep(r, family, stats, shape, smoothing, out);
    update_prior(opts, prior_smoothing, stats, r->k, out->prior);
    out->n_trace = 0;
    out->converged = false;
    double previous = -DBL_MAX;
    for (int iter = 0; iter < opts->max_iter; iter++) {
        set_params(r, informative, out, params);
        if ((rc = run_pass(r, params, NULL, 0, stats))) return rc;
        double objective =
            stats->loglik +
            family->log_prior(r->m, r->k, out->theta, shape, r->lf_votes, smoothing) +
            prior_log_density(opts, prior_smoothing, out->prior, r->k);
        if (r->groups)
            objective += em_groups_log_prior(r->groups, informative, out->group_theta, smoothing);
        out->trace[out->n_trace++] = objective;
        out->objective = objective;
        mstep(r, family, stats, shape, smoothing, out);
        update_prior(opts, prior_smoothing, stats, r->k, out->prior);
        const bool converged = fabs(objective - previous) <= opts->tol * fabs(objective);
        if (opts->progress) {
            const chorus_fit_progress progress = {
                start,
                opts->restarts + 1,
                iter + 1,
                opts->max_iter,
                objective,
                iter == 0 ? HUGE_VAL : fabs(objective - previous) / fmax(fabs(objective), DBL_MIN),
                converged};
            opts->progress(&progress, opts->progress_ctx);
        }
        if (converged) {
            out->converged = true;
            break;
        }
        previous = objective;
    }
    const int32_t k = r->k;
    memset(out->agreement, 0, (size_t)k * k * sizeof *out->agreement);
    for (int32_t j = 0; j < r->m; j++)
        for (int32_t o = 0; o < k; o++)
            for (int32_t c = 0; c < k; c++)
                out->agreement[(size_t)c * k + o] += stats->votes[((size_t)j * k + o) * k + c];
    return CHORUS_OK;
}

static void free_start(em_start *s)
{
    free(s->group_theta);
    free(s->agreement);
    free(s->theta);
    free(s->prior);
    free(s->trace);
    memset(s, 0, sizeof *s);
}

static int alloc_start(em_start *s, size_t theta_size, size_t group_size, int32_t k, int max_iter)
{
    memset(s, 0, sizeof *s);
    s->theta = malloc(theta_size * sizeof *s->theta);
    s->group_theta = malloc((group_size ? group_size : 1) * sizeof *s->group_theta);
    s->prior = malloc((size_t)k * sizeof *s->prior);
    s->trace = malloc((size_t)(max_iter > 0 ? max_iter : 1) * sizeof *s->trace);
    s->agreement = malloc((size_t)k * k * sizeof *s->agreement);
    if (!s->theta || !s->group_theta || !s->prior || !s->trace || !s->agreement) {
        free_start(s);
        return chorus_error_nomem();
    }
    return CHORUS_OK;
}

void chorus_em_plan_chunks(int64_t n, size_t stat_size, int64_t *n_chunks, int64_t *chunk_items)
{
    int64_t chunks = (n + CHUNK_MIN_ITEMS - 1) / CHUNK_MIN_ITEMS;
    if (chunks > MAX_CHUNKS) chunks = MAX_CHUNKS;
    while (chunks > 1 && (size_t)chunks * stat_size > MAX_PARTIAL_DOUBLES)
        chunks /= 2;
    if (chunks < 1) chunks = 1;
    *n_chunks = chunks;
    *chunk_items = n > 0 ? (n + chunks - 1) / chunks : 1;
}

size_t chorus_em_stat_size(int64_t source_stats, int32_t k)
{
    return (size_t)source_stats + (size_t)k + 3;
}

static void plan_chunks(em_run *r)
{
    chorus_em_plan_chunks(r->n, r->stat_size, &r->n_chunks, &r->chunk_items);
    r->first_chunk = 0;
    r->end_chunk = r->n_chunks;
    if (r->shard)
        fit_shard_chunks(r->n_chunks, r->shard->comm->rank, r->shard->comm->size, &r->first_chunk,
                         &r->end_chunk);
}

int chorus_em_fit(chorus_model *model, const chorus_votes *votes, const chorus_fit_options *opts,
                  const fit_shard *shard)
{
    const int32_t m = model->n_lfs, k = model->n_classes;
    em_run r = {0};
    em_sources sources = {0};
    em_groups *groups = NULL;
    int rc = CHORUS_OK;
    /* A group's tuples are numbered as the votes show them, which a shard cannot. */
    if (shard && (opts->lf_group || opts->gold))
        return chorus_error_set(CHORUS_EINVAL, "a fit split across processes takes neither "
                                               "dependency groups nor gold labels");
    if (opts->lf_group) {
        groups = calloc(1, sizeof *groups);
        if (!groups) return chorus_error_nomem();
        if ((rc = em_groups_init(groups, m, k, opts->lf_group))) {
            free(groups);
            return rc;
        }
    }
    if ((rc = chorus_em_make_sources(&sources, groups, votes, m, k)) && !shard) {
        chorus_em_free_sources(&sources);
        if (groups) em_groups_free(groups);
        free(groups);
        return rc;
    }
    /* On a shard a failure so far goes on to the first exchange below, which every process
     * must reach (fit_shard_agree); groups are refused on a shard, so there are none. */
    const int setup = rc;
    const int64_t first = shard ? shard->first_item : 0;
    r.votes = votes;
    r.shard = shard;
    r.n = shard ? shard->n_items : chorus_votes_n_items(votes);
    r.m = m;
    r.k = k;
    r.vote = chorus_votes_view(votes);
    /* A shard's rows are numbered as in the whole matrix (see fit_shard.h). */
    r.vote.row_ptr -= first;
    r.src_ptr = groups ? sources.row_ptr : r.vote.row_ptr;
    r.src = groups ? (const void *)sources.source : r.vote.lf_index;
    r.out = groups ? (const void *)sources.output : r.vote.label;
    r.src_width = groups ? 4 : r.vote.lf_width;
    r.out_width = groups ? 4 : r.vote.label_width;
    r.layout = &sources.layout;
    r.groups = groups;
    r.gold = opts->gold;
    r.n_threads = opts->n_threads > 0 ? opts->n_threads : omp_get_max_threads();
    /* Sources that could not be made have no layout: nothing is allocated from it. */
    const size_t source_stats = setup ? 0 : (size_t)sources.layout.offset[sources.layout.n_sources];
    r.stat_size = chorus_em_stat_size((int64_t)source_stats, k);
    plan_chunks(&r);

    const size_t theta_size = (size_t)m * k * (k + 1);
    const size_t group_size = groups ? em_groups_theta_size(groups) : 0;
    const double smoothing = opts->smoothing >= 0 ? opts->smoothing : CHORUS_DEFAULT_SMOOTHING;
    const double prior_smoothing =
        opts->prior_smoothing >= 0 ? opts->prior_smoothing : CHORUS_DEFAULT_PRIOR_SMOOTHING;
    model->smoothing = smoothing;
    model->prior_smoothing = prior_smoothing;
    model->abstain_informative = chorus_em_abstain_informative(opts->type);

    em_params params = {0};
    em_stats stats = {0};
    em_start best = {0}, current = {0};
    int64_t *counts = calloc((size_t)m * k, sizeof *counts);
    double *shape = malloc((size_t)m * (k + 1) * sizeof *shape);
    int64_t *lf_votes = calloc((size_t)(m > 0 ? m : 1), sizeof *lf_votes);
    r.partials = malloc((size_t)r.n_chunks * r.stat_size * sizeof *r.partials);
    stats.votes = malloc((source_stats ? source_stats : 1) * sizeof *stats.votes);
    stats.class_total = malloc((size_t)k * sizeof *stats.class_total);
    rc = setup;
    if (!rc &&
        (!counts || !shape || !lf_votes || !r.partials || !stats.votes || !stats.class_total))
        rc = chorus_error_nomem();
    if (!rc) rc = chorus_em_params_alloc(&params, &sources.layout, m, k);
    if (!rc) rc = chorus_model_alloc_theta(model);
    if (!rc) rc = alloc_start(&best, theta_size, group_size, k, opts->max_iter);
    if (!rc) rc = alloc_start(&current, theta_size, group_size, k, opts->max_iter);

    const int64_t nnz = chorus_votes_nnz(votes); /* this shard's votes */
    for (int64_t v = 0; !rc && v < nnz; v++)
        counts[(size_t)chorus_view_lf(&r.vote, v) * k + chorus_view_label(&r.vote, v)]++;
    if ((rc = fit_shard_sum_i64(shard, counts, (size_t)m * k, rc))) goto done;
    chorus_em_output_shape(counts, r.n, m, k, shape);
    for (int32_t j = 0; j < m; j++)
        for (int32_t o = 0; o < k; o++)
            lf_votes[j] += counts[(size_t)j * k + o];
    r.lf_votes = lf_votes;

    best.objective = -DBL_MAX;
    for (int start = 0; start <= opts->restarts; start++) {
        rc = run_start(&r, opts, shape, smoothing, prior_smoothing, start, &params, &stats,
                       &current);
        if (rc) goto done;
        if (start == 0 || current.objective > best.objective) {
            em_start swap = best;
            best = current;
            current = swap;
            model->best_start = start;
        }
    }
    memcpy(model->theta, best.theta, theta_size * sizeof *model->theta);
    memcpy(model->prior, best.prior, (size_t)k * sizeof *model->prior);
    free(model->trace);
    model->trace = best.trace;
    model->n_trace = best.n_trace;
    model->converged = best.converged;
    best.trace = NULL;
    if (groups) {
        model->groups = groups;
        model->group_theta = best.group_theta;
        best.group_theta = NULL;
        groups = NULL;
    }
    rc = chorus_em_align_with_votes(model, best.agreement);

done:
    free_start(&best);
    free_start(&current);
    chorus_em_params_free(&params);
    free(stats.votes);
    free(stats.class_total);
    free(r.partials);
    free(shape);
    free(lf_votes);
    free(counts);
    chorus_em_free_sources(&sources);
    if (groups) em_groups_free(groups);
    free(groups);
    return rc;
}
