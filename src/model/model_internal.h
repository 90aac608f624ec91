/* The fitted label model's parameters, shared by the estimators and model.json I/O. */
#ifndef CHORUS_MODEL_INTERNAL_H
#define CHORUS_MODEL_INTERNAL_H

#include <omp.h>
#include <stdbool.h>
#include <stdint.h>

#include "chorus/model.h"
#include "votes/votes_internal.h"

struct chorus_model {
    chorus_model_type type;           /* what was fitted */
    chorus_model_type requested_type; /* what was asked for (auto resolves to a type) */
    int32_t n_classes;
    int32_t n_lfs;
    char **class_names;  /* n_classes */
    char **lf_names;     /* n_lfs */
    bool lf_names_given; /* false when fitted on unnamed votes (e.g. .npy) */
    double *prior;       /* n_classes */
    /* n_lfs x n_classes x (n_classes + 1): P(output o | y), last column the abstain;
     * NULL for majority vote. */
    double *theta;
    bool abstain_informative;
    chorus_fit_options settings; /* pointers (gold, class_balance, progress) cleared */
    double smoothing;            /* the values in force after defaults were applied */
    double prior_smoothing;
    int64_t fit_n_items;
    int64_t fit_nnz;
    int64_t n_gold_clamped;
    int64_t n_review_answers; /* of those, answers from review files (0: none given) */
    double *trace;            /* log-posterior per iteration of the winning start */
    int32_t n_trace;
    int32_t best_start;
    bool converged;
    bool classes_permuted;
    struct em_groups *groups;        /* correlated LFs modelled jointly; NULL for none */
    double *group_theta;             /* their P(tuple | y) tables (em_groups_model.h) */
    chorus_dependency *dependencies; /* found by structure learning */
    /* n_lfs: the LF each one copies (lf_copies.h), -1 for none; NULL when none is a copy */
    int32_t *copy_of;
    /* Where the model would overrule the unanimous vote of an item's LFs, predict hands back
     * that vote instead (the default for models in which abstains are evidence). */
    bool keep_unanimous;
    bool checked;           /* check is set */
    chorus_fit_check check; /* the gold-free check of the fit */
    double *lf_agreement;   /* n_lfs, from the check; NULL without */
    /* n_classes: the check's one-LF classes (one_lf_classes.h); NULL when there are none */
    bool *one_lf_class;
    /* n_classes: the classes the uncovered-split check left unsettled (uncovered_split.h);
     * NULL when there are none */
    bool *uncovered_unsettled;
    chorus_candidate *candidates; /* dev-set selection (select.h); NULL without */
    int32_t n_candidates;
    int32_t chosen_candidate;
    char selection_metric[16];
    int64_t selection_dev_items;
    int32_t n_dependencies;
};

/* Names with their indices, sorted by name for lookups (model_align.c). */
typedef struct chorus_named {
    const char *name;
    int32_t index;
} chorus_named;

/* The n names get(owner, i), sorted; NULL when out of memory (free it). */
chorus_named *chorus_named_sort(const char *(*get)(const void *, int32_t), const void *owner,
                                int32_t n);

/* The index of `name` in a table from chorus_named_sort(), or -1 (also for NULL). */
int32_t chorus_named_lookup(const chorus_named *sorted, int32_t n, const char *name);

/* Allocates a model with the votes' shape and names, the prior set to uniform. */
int chorus_model_alloc(chorus_model **out, chorus_model_type type, const chorus_votes *votes);

/* Allocates a model of the given shape with default names and a uniform prior. */
int chorus_model_alloc_shape(chorus_model **out, chorus_model_type type, int32_t n_lfs,
                             int32_t n_classes);

/* Allocates model->theta (all zeros). */
int chorus_model_alloc_theta(chorus_model *model);

/* The shares of the votes label[begin..end) (end > begin; `width` bytes per label, as the
 * matrix stores them) in q: counts over their total, so they sum to 1. Majority vote's
 * probabilities, and what an EM model hands back where it defers to the votes. */
static inline void chorus_vote_shares(const void *label, int width, int64_t begin, int64_t end,
                                      int32_t k, double *q)
{
    for (int32_t c = 0; c < k; c++)
        q[c] = 0;
    for (int64_t v = begin; v < end; v++)
        q[chorus_narrow_at(label, width, v)] += 1;
    const double total = (double)(end - begin);
    for (int32_t c = 0; c < k; c++)
        q[c] /= total;
}

/* Majority vote: probabilities are the shares of the item's votes, uncovered items the prior. */
void chorus_mv_predict(const chorus_model *model, const chorus_votes *votes, double *probs);

/*
 * The class prior a fit starts from: uniform; the given one (CHORUS_PRIOR_FIXED); or the
 * shares of the gold labels with prior_smoothing pseudo-counts per class (FROM_GOLD).
 * Majority vote keeps it for uncovered items; EM starts from it.
 */
void chorus_model_given_prior(const chorus_fit_options *opts, double prior_smoothing, int32_t k,
                              double *prior);

typedef struct fit_shard fit_shard;

/* chorus_model_fit() on the items of a shard (NULL: on all of `votes`). */
int chorus_model_fit_votes(chorus_model **out, const chorus_votes *votes,
                           const chorus_fit_options *opts, const fit_shard *shard);

/* Fits one of the EM models (everything but majority vote) into `model`; `shard` (NULL: all
 * the items are in `votes`) says which items of the whole matrix `votes` holds. */
int chorus_em_fit(chorus_model *model, const chorus_votes *votes, const chorus_fit_options *opts,
                  const fit_shard *shard);

/* How EM cuts n items into chunks (boundaries fixed by the size alone), for `stat_size`
 * doubles of statistics per chunk; and that size for `source_stats` vote cells, k classes. */
void chorus_em_plan_chunks(int64_t n, size_t stat_size, int64_t *n_chunks, int64_t *chunk_items);
size_t chorus_em_stat_size(int64_t source_stats, int32_t k);

/* Posteriors of an EM model for every item of `votes` (n_items x n_classes). */
int chorus_em_predict(const chorus_model *model, const chorus_votes *votes, double *probs);

/* CHORUS_EINVAL unless the votes (aligned by chorus_model_align_votes) fit the model. */
int chorus_model_check_compatible(const chorus_model *model, const chorus_votes *votes);

/* The threads a model's own loops use: its setting, else OpenMP's default. */
static inline int chorus_model_threads(const chorus_model *model)
{
    return model->settings.n_threads > 0 ? model->settings.n_threads : omp_get_max_threads();
}

/*
 * An EM model ready to predict ranges of the items of `votes` (em_predict.c): the votes
 * rewritten as sources once. Both must outlive it. CHORUS_ENOMEM.
 */
typedef struct em_predictor em_predictor;
int chorus_em_predictor_new(em_predictor **out, const chorus_model *model,
                            const chorus_votes *votes);
/* Posteriors of items [begin, end) into probs, (end - begin) x n_classes, on n_threads. */
void chorus_em_predictor_run(const em_predictor *p, int64_t begin, int64_t end, int n_threads,
                             double *probs);
void chorus_em_predictor_free(em_predictor *p);

/* Majority vote's probabilities of items [begin, end) into probs ((end - begin) x K). */
void chorus_mv_predict_range(const chorus_model *model, const chorus_votes *votes, int64_t begin,
                             int64_t end, int n_threads, double *probs);

/* Runs the gold-free check of a fitted EM model on its training votes (fit_check.c). */
int chorus_model_run_check(chorus_model *model, const chorus_votes *votes);
/* The same on a shard's items, the counts added up over the processes. */
int chorus_model_run_check_shard(chorus_model *model, const chorus_votes *votes,
                                 const fit_shard *shard);

/* The held-out-LF check of the default model (heldout_check.c): at most this many items
 * (every n/MAX-th) and this many left-out LFs (those with the most votes). */
#define CHORUS_HELDOUT_MAX_ITEMS 20000
#define CHORUS_HELDOUT_MAX_LFS 64

/* Runs the held-out-LF check after chorus_model_run_check; sets its fields of the check. */
int chorus_model_run_heldout_check(chorus_model *model, const chorus_votes *votes,
                                   const chorus_fit_options *opts, const fit_shard *shard);

/* Makes a checked model hand back majority vote for every item with votes (predict). */
void chorus_model_fall_back_to_majority(chorus_model *model);

/* auto fits ds once one-class LFs cast this share of the votes, else ds-noabstain. */
#define CHORUS_AUTO_ONE_CLASS_SHARE 0.2

/* ... and class-acc instead of ds (more than two classes) once this share of the votes
 * comes from LFs with fewer than CHORUS_AUTO_VOTES_PER_CLASS votes per class. */
#define CHORUS_AUTO_SPARSE_SHARE 0.5
#define CHORUS_AUTO_VOTES_PER_CLASS 10

/* An LF whose votes are all one class counts as one-class for auto only when a voter whose
 * answers follow the overall class shares would give that many answers of one class with
 * a probability below this: a crowd worker with a few answers of the common class is not
 * a rule. */
#define CHORUS_AUTO_ONE_CLASS_CHANCE 0.01

/* Default smoothing strengths, chosen on the benchmark suite (see README). */
#define CHORUS_DEFAULT_SMOOTHING 1.0
#define CHORUS_DEFAULT_PRIOR_SMOOTHING 1.0

#endif
