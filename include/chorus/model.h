/*
 * Label models: fitted from a vote matrix without gold labels, they turn votes into
 * probabilistic labels. A model is saved as human-readable JSON (model.json) and applied
 * to new vote matrices with the same labeling functions.
 */
#ifndef CHORUS_MODEL_H
#define CHORUS_MODEL_H

#include "comm.h"
#include "probs.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_model chorus_model;

typedef enum chorus_model_type {
    CHORUS_MODEL_MV = 0,           /* majority vote: P(y=k) = share of the item's votes for k */
    CHORUS_MODEL_DS = 1,           /* Dawid-Skene, full K x (K+1) confusion, abstain observed */
    CHORUS_MODEL_DS_NOABSTAIN = 2, /* Dawid-Skene on the votes cast; abstains carry no signal */
    CHORUS_MODEL_CLASS_ACC = 3,    /* per LF: an accuracy per true class, a false-vote rate per
                                      output class; abstain observed */
    CHORUS_MODEL_ONECOIN = 4,      /* per LF: one accuracy, errors uniform; abstains ignored */
    CHORUS_MODEL_AUTO = 5,         /* ds or ds-noabstain, chosen from the votes (the default) */
    CHORUS_MODEL_POOLED = 6        /* ds-noabstain, but LFs with too few votes for a table of
                                      their own share one; abstains ignored */
} chorus_model_type;

/* How the class prior pi is obtained. */
typedef enum chorus_class_prior {
    CHORUS_PRIOR_LEARNED = 0,  /* estimated by EM (MAP with a Dirichlet prior), the default */
    CHORUS_PRIOR_FIXED = 1,    /* given in class_balance */
    CHORUS_PRIOR_FROM_GOLD = 2 /* the class shares among the gold labels (needs gold) */
} chorus_class_prior;

/* Where a fit is, said after every EM iteration (chorus_fit_options.progress). */
typedef struct chorus_fit_progress {
    int start;            /* 0: the start from majority vote; 1..restarts: perturbed starts */
    int n_starts;         /* restarts + 1 */
    int iteration;        /* 1..max_iter, within this start */
    int max_iter;         /* the most iterations a start runs */
    double log_posterior; /* the EM objective (log-likelihood + log-prior) after it */
    /* Its relative change since the previous iteration (HUGE_VAL after the first); the
     * start stops once it is at most tol. */
    double change;
    int converged; /* 1 on a start's last iteration when the change reached tol */
} chorus_fit_progress;

/* A fit's progress callback: called from the thread that called the fit, between two EM
 * passes, so a slow callback slows the fit; it must not call into the same fit. */
typedef void (*chorus_fit_progress_fn)(const chorus_fit_progress *progress, void *ctx);

typedef struct chorus_fit_options {
    unsigned version;
    chorus_model_type type;
    /* OpenMP threads; 0 = the OpenMP default. Results do not depend on it. */
    int n_threads;
    uint64_t seed;
    /* Strength (pseudo-count) of the Dirichlet prior on each LF's rows: every class's row is
     * shrunk toward the LF's overall output distribution, i.e. toward "no class signal".
     * Negative = the default. */
    double smoothing;
    /* Pseudo-count per class of the Dirichlet prior on the class prior. Negative = default. */
    double prior_smoothing;
    int max_iter; /* EM iterations per start (default 500) */
    double tol;   /* stop when the relative change of the log-posterior is below (1e-7) */
    int restarts; /* extra starts from perturbed posteriors; the best log-posterior wins */
    chorus_class_prior class_prior;
    const double *class_balance; /* n_classes entries summing to 1, for CHORUS_PRIOR_FIXED */
    /* Gold labels (n_items entries, -1 = unknown) clamped in the E-step; NULL for none. */
    const int32_t *gold;
    int64_t n_gold;
    /* Dependency groups: per LF a group id (0, 1, ...) or -1; the LFs of a group are
     * modelled jointly given the class. NULL: every LF independent. */
    const int32_t *lf_group;
    /* Find dependent LFs from the votes, then fit again with them grouped (added to any
     * declared groups). */
    int learn_structure;
    /* Version 3. Called after every EM iteration of the fits that make the model (each
     * start, a refit with learned groups, each candidate of chorus_model_select), not of
     * the checks that refit parts of it afterwards; NULL for none. progress_ctx is passed
     * through. The model does not depend on it. */
    chorus_fit_progress_fn progress;
    void *progress_ctx;
    /* Version 4. Fit LFs that vote exactly as another on every item as separate sources
     * (by default each such set is one source, its first LF: chorus_model_lf_copy_of). */
    int keep_copies;
} chorus_fit_options;

#define CHORUS_FIT_OPTIONS_VERSION 4
#define CHORUS_FIT_OPTIONS_INIT                                                                    \
    {                                                                                              \
        CHORUS_FIT_OPTIONS_VERSION, CHORUS_MODEL_AUTO, 0, 0, -1.0, -1.0, 500, 1e-7, 0,             \
            CHORUS_PRIOR_LEARNED, NULL, NULL, 0, NULL, 0, NULL, NULL, 0                            \
    }

/*
 * What CHORUS_MODEL_AUTO fits on these votes. When LFs that only ever vote one class
 * (keyword, regex and heuristic LFs) cast at least a fifth of the votes, whether an LF
 * fires is evidence and the choice is ds; otherwise (annotators, crowd workers, models
 * voting several classes) who answers what is not evidence and the choice is
 * ds-noabstain. See README.md.
 */
chorus_model_type chorus_model_auto_choice(const chorus_votes *votes);

/* Parses a model name (mv, ds, ds-noabstain, class-acc, onecoin, auto); CHORUS_EINVAL
 * otherwise. */
int chorus_model_type_parse(chorus_model_type *out, const char *name);
const char *chorus_model_type_name(chorus_model_type type);

/*
 * Checks options before any work: returns CHORUS_OK, or CHORUS_EINVAL with a message
 * saying what is wrong. chorus_model_fit() calls it too.
 */
int chorus_fit_options_check(const chorus_fit_options *opts);

/*
 * Fits a model to the votes. opts may be NULL for the defaults. CHORUS_EINVAL for a vote
 * matrix without items (except for majority vote, which has nothing to learn).
 */
int chorus_model_fit(chorus_model **out, const chorus_votes *votes, const chorus_fit_options *opts);

/*
 * A fit split across the processes of a job (e.g. MPI ranks; comm.h). Each process holds
 * only its shard of the items, the ones chorus_fit_shard_range() gives it, and every
 * process gets the same model: bit for bit the one chorus_model_fit() fits on the whole
 * matrix, for any number of processes and threads. EM's statistics are computed in whole
 * chunks of the one-process fit and added in chunk order everywhere.
 */

/*
 * The items [*begin, *end) that process `rank` of `size` holds, for a matrix of n_items
 * items, n_lfs LFs and n_classes classes. A process may get none (more processes than
 * chunks). CHORUS_EINVAL for sizes out of range.
 */
int chorus_fit_shard_range(int64_t *begin, int64_t *end, int64_t n_items, int32_t n_lfs,
                           int32_t n_classes, int rank, int size);

/*
 * Collective: every process of comm calls it, with its shard (items [first_item,
 * first_item + chorus_votes_n_items(shard)) of n_items) and the same options. Gold
 * labels, dependency groups and structure learning are CHORUS_EINVAL here (they need the
 * whole matrix in one place). Otherwise as chorus_model_fit().
 */
int chorus_model_fit_sharded(chorus_model **out, const chorus_votes *shard, int64_t first_item,
                             int64_t n_items, const chorus_comm *comm,
                             const chorus_fit_options *opts);

/*
 * Probabilistic labels for every item of `votes`. The votes must have the model's
 * labeling functions: matched by name when both have names (in any order), else the same
 * number in the same order; and no class beyond the model's. Items without any vote get the class
 * prior, and the probabilities' covered flags (chorus_probs_covered()) say which items those are.
 */
int chorus_model_predict(chorus_probs **out, const chorus_model *model, const chorus_votes *votes);

/*
 * The votes re-arranged to the model's layout: when both name their labeling functions,
 * the LFs are matched by name (any order), and when both name their classes, so are the
 * classes. *out is a new matrix (chorus_votes_free it), or NULL when `votes` already match
 * and can be used as they are. Errors: CHORUS_EINVAL naming the LFs (or classes) one side
 * has and the other lacks, or the LF counts when there are no names; CHORUS_ENOMEM.
 * chorus_model_predict() calls it itself.
 */
int chorus_model_align_votes(chorus_votes **out, const chorus_model *model,
                             const chorus_votes *votes);

/* Saves / loads model.json (written to a temporary file, then renamed). */
int chorus_model_save(const chorus_model *model, const char *path);
int chorus_model_load(chorus_model **out, const char *path);

void chorus_model_free(chorus_model *model);

/* How many of the clamped gold labels were answers from review files: recorded in
 * model.json ("fit": "review_answers") when above 0. CHORUS_EINVAL for a negative count. */
int chorus_model_set_review_answers(chorus_model *model, int64_t n);
int64_t chorus_model_review_answers(const chorus_model *model);

chorus_model_type chorus_model_get_type(const chorus_model *model);
int32_t chorus_model_n_classes(const chorus_model *model);
int32_t chorus_model_n_lfs(const chorus_model *model);
/* The items the model was fitted on, over every process of a sharded fit: the training
 * items, or the dev items for a model fitted on the dev labels (chorus_model_select); the
 * check's counts (chorus_model_check) are of those items. */
int64_t chorus_model_fit_n_items(const chorus_model *model);
const char *chorus_model_class_name(const chorus_model *model, int32_t class_index);
const char *chorus_model_lf_name(const chorus_model *model, int32_t lf);
/* The class prior (n_classes entries). */
const double *chorus_model_prior(const chorus_model *model);

/*
 * The learned conditional distribution of LF `lf`'s output given the true class: a
 * row-major n_classes x (n_classes + 1) table, entry [y][o] = P(output o | y), the last
 * column the abstain. For models in which abstains carry no signal, rows are over the
 * votes cast (the abstain column is 0) and abstains are ignored. NULL for majority vote.
 */
const double *chorus_model_confusion(const chorus_model *model, int32_t lf);

/* A pair of LFs found dependent by structure learning. */
typedef struct chorus_dependency {
    int32_t lf_a, lf_b;
    double strength;  /* log of observed over expected same-class votes */
    int64_t observed; /* items on which both voted the same class */
    double expected;  /* the same, expected if they were independent given the class */
} chorus_dependency;

/* The dependencies structure learning found (NULL and 0 without --learn-structure). */
const chorus_dependency *chorus_model_dependencies(const chorus_model *model, int32_t *n);

/* Dependency groups modelled jointly (declared or learned), and an LF's group (0-based)
 * or -1 when it is modelled on its own. */
int32_t chorus_model_n_groups(const chorus_model *model);
int32_t chorus_model_lf_group(const chorus_model *model, int32_t lf);

/*
 * The LF that `lf` copies, or -1: with at least CHORUS_COPIES_MIN_VOTES (50) votes, it
 * voted exactly as that LF on every item the model was fitted on, so the two are one
 * source. The fit and the model's predictions leave the copy's votes out (where the copy
 * votes and its original does not, that vote is not used), so its table is that of an LF
 * that never votes; a default that fell back to majority vote counts every vote, as
 * majority vote does. Never set for majority vote, declared groups or keep_copies.
 */
int32_t chorus_model_lf_copy_of(const chorus_model *model, int32_t lf);

/* How many LFs copy another (chorus_model_lf_copy_of() >= 0). */
int32_t chorus_model_n_copies(const chorus_model *model);

/* P(the LF's vote is right | it votes), under the model (for a copy, its original's); NaN
 * for majority vote and for LFs modelled in a group (their group's table describes them
 * jointly). */
double chorus_model_lf_accuracy(const chorus_model *model, int32_t lf);

/* 1 if the model treats abstains as evidence (ds, class-acc). */
int chorus_model_abstain_informative(const chorus_model *model);

/* Log-posterior after each EM iteration of the winning start (*n entries; NULL for mv). */
const double *chorus_model_trace(const chorus_model *model, int32_t *n);

/* 1 if the winning start's log-posterior stopped changing by more than the tolerance before
 * the iteration limit (0 for a fit cut off by max_iter, and for mv). */
int chorus_model_converged(const chorus_model *model);

/* The models the held-out-vote choice compares: ds-noabstain, pooled and onecoin. */
#define CHORUS_HELDOUT_VOTES_MODELS 3

/*
 * A gold-free check of a fitted model against the votes it was fitted on, run after every
 * EM fit (README, "Safety net"). Its counts compare the model's labels with the votes:
 * an item is overruled when the class the votes name is not among the model's top classes
 * (within 1e-5).
 */
typedef struct chorus_fit_check {
    int64_t n_covered;             /* items with at least one vote */
    int64_t n_unanimous;           /* covered items on which every vote names the same class */
    int64_t n_unanimous_overruled; /* ... on which the model labels another class */
    int64_t n_clear_majority;      /* covered items with one most-voted class */
    int64_t n_majority_overruled;  /* ... on which the model labels another class */
    /* Total variation distance between the learned class prior and the class shares of the
     * majority-vote labels of the covered items (each item with a clear majority). */
    double prior_distance;
    /* LFs whose learned accuracy is more than CHORUS_CHECK_LF_GAP from their agreement with
     * the other LFs' majority where they overlap. */
    int32_t n_lfs_disagreeing;
    /* 1: the model's labels are likely worse than majority vote: it overrules more than
     * CHORUS_CHECK_UNANIMOUS_MAX of the unanimous items (and there are at least
     * CHORUS_CHECK_MIN_ITEMS of them). */
    int worse_than_majority;
    /* 1: the default model (auto) hands back majority vote for that reason: predict gives
     * every item with votes its vote shares, each vote weighed 1 + s / (votes + 1) by its
     * LF's specificity s in [0, 1] (from the LF's firing rate in the model), so that ties
     * lean to the LFs that fire least often and no class with fewer votes ever wins; items
     * without a vote keep the model's estimate. */
    int fell_back;
    /* The held-out-LF check (default model, abstains as evidence; see README "Label
     * model"): each of heldout_lfs LFs left out in turn, the model refitted on the others,
     * and the share of the left-out LFs' heldout_votes votes that the refitted model's
     * labels name (ties split), against the share the fallback's labels name. */
    int heldout_ran;
    int32_t heldout_lfs;
    int64_t heldout_votes;
    double heldout_model_agreement;
    double heldout_majority_agreement;
    /* 1: the fallback agrees with the left-out LFs more than CHORUS_CHECK_HELDOUT_MARGIN
     * above the model (and there are at least CHORUS_CHECK_MIN_ITEMS held-out votes). */
    int heldout_prefers_majority;
    /* The same two shares on the held-out votes of the items whose other LFs' votes tie
     * (two or more classes share the most votes): the refitted model's labels against the
     * fallback's tie rule (the votes of the LFs that fire least often decide). */
    int64_t heldout_tie_votes;
    double heldout_tie_model_agreement;
    double heldout_tie_specific_agreement;
    /* 1: on those ties the rule agrees with the left-out LFs more than
     * CHORUS_CHECK_HELDOUT_MARGIN above the model (with at least CHORUS_CHECK_MIN_ITEMS
     * such votes), so a default model that is kept hands its tied items to the rule. */
    int ties_to_specific;
    /* The votes on which the LFs' agreement with the others is measured (those of items
     * with a clear majority among the other votes), and how many of them belong to the
     * n_lfs_disagreeing LFs. */
    int64_t agreement_votes;
    int64_t disagreeing_lf_votes;
    /* 1: the default fitted ds-noabstain first, and more than
     * CHORUS_CHECK_DISAGREEING_VOTES_MAX of that fit's agreement votes were its disagreeing
     * LFs' (refit_disagreeing_share, the share): too few answers per LF for a confusion
     * table of its own, as with sparse crowd workers. So the default was fitted again as
     * pooled (the LFs with too few votes share one table); the rest of this check is the
     * pooled fit's. */
    int refitted_pooled;
    double refit_disagreeing_share;
    /* Classes that at most one LF ever votes for (0 unless two or more, and only for the
     * default model with a learned class prior). For such a class the votes cannot tell
     * how common it is from how often its LF fires, so the model's split of an item
     * without votes among them rests on its priors, not on the votes: predict gives each
     * of them the same share of what the model puts on them together
     * (chorus_model_one_lf_class says which). */
    int32_t n_one_lf_classes;
    /* The held-out-vote choice (default model, LFs that vote several classes, no groups or
     * gold; see README "Label model"): the votes of the sampled items dealt into folds,
     * ds-noabstain, pooled and onecoin each fitted without a fold and scored by how often
     * their label of an item is its hidden vote (ties split), over heldout_votes_scored
     * votes whose items keep another vote. heldout_votes_agreement is in
     * that order; heldout_votes_first is the model the default fitted first. When another
     * one agrees more by more than CHORUS_CHECK_HELDOUT_MARGIN and CHORUS_HELDOUT_VOTES_Z
     * standard errors of the paired difference, the default is that model, fitted on every
     * vote, and heldout_votes_switched is 1 (the rest of this check is that fit's). */
    int heldout_votes_ran;
    int64_t heldout_votes_scored;
    double heldout_votes_agreement[CHORUS_HELDOUT_VOTES_MODELS];
    chorus_model_type heldout_votes_first;
    int heldout_votes_switched;
    /* Classes the uncovered-split check left unsettled (0, or at least two; only for the
     * default model with abstains as evidence, a learned class prior, items without votes
     * and no groups or gold; see README "Uncovered items"): the class the items without
     * votes get, and each other class that wins them in a refit made like the fit but with
     * the class prior moved towards it, at a log-posterior at most
     * CHORUS_UNCOVERED_SPLIT_MARGIN below the best fit in which it does not. The votes do
     * not say which of them those items belong to, so predict gives each of them, there,
     * the same share of what the model puts on them together, as for the one-LF classes
     * (chorus_model_uncovered_unsettled_class says which). */
    int32_t n_uncovered_unsettled;
} chorus_fit_check;

#define CHORUS_CHECK_UNANIMOUS_MAX 0.2
#define CHORUS_CHECK_UNANIMOUS_WARN 0.05
#define CHORUS_CHECK_PRIOR_WARN 0.25
#define CHORUS_CHECK_LF_GAP 0.3
#define CHORUS_CHECK_DISAGREEING_VOTES_MAX 0.1
#define CHORUS_CHECK_MIN_ITEMS 20
#define CHORUS_CHECK_HELDOUT_MARGIN 0.01
#define CHORUS_HELDOUT_VOTES_Z 2.0
/* The log-posterior the votes may lose, against the fit, for another class to win the
 * items without votes and still count as supported by them: half the 95% point of
 * chi-square with one degree of freedom (a likelihood-ratio interval on one number, the
 * class prior along the path that hands those items to the other class). */
#define CHORUS_UNCOVERED_SPLIT_MARGIN 1.92

/* The model whose agreement is check.heldout_votes_agreement[index] (index in 0 ..
 * CHORUS_HELDOUT_VOTES_MODELS - 1; else CHORUS_MODEL_AUTO). */
chorus_model_type chorus_heldout_votes_model(int32_t index);

/* 1 if class `class_index` is one of the check's n_one_lf_classes, else 0. */
int chorus_model_one_lf_class(const chorus_model *model, int32_t class_index);

/* 1 if class `class_index` is one of the check's n_uncovered_unsettled, else 0. */
int chorus_model_uncovered_unsettled_class(const chorus_model *model, int32_t class_index);

/* 1 if predict hands back an item's unanimous vote where the model would overrule it (the
 * default model when abstains are evidence; see README "Label model"). */
int chorus_model_keeps_unanimous(const chorus_model *model);

/* The check of the fit, or NULL (majority vote asked for, or a model.json without one). */
const chorus_fit_check *chorus_model_check(const chorus_model *model);

/*
 * The share of the items where LF `lf` and another LF voted and the other LFs had one
 * most-voted class, on which that class is the LF's vote; NaN without such items or check.
 */
double chorus_model_lf_agreement(const chorus_model *model, int32_t lf);

/* One model tried by chorus_model_select (select.h) and its dev score. */
typedef struct chorus_candidate {
    chorus_model_type type;
    double smoothing;               /* -1 for majority vote */
    chorus_class_prior class_prior; /* learned, or fixed (uniform unless the user gave one) */
    int keep_unanimous;             /* predict keeps unanimous votes (the default's rule) */
    int is_default;                 /* the default model (auto) with the given settings */
    double dev_score;               /* the metric on the dev set, in [0, 1] */
    /* Fitted on the dev labels (clamped) rather than on the training votes; its dev_score
     * is cross-validated on the dev set. */
    int fit_on_dev;
} chorus_candidate;

/* The candidates a dev-set selection tried (*n of them; NULL and 0 without a dev set),
 * *chosen the index of the one this model is, and the metric's name and dev size. */
const chorus_candidate *chorus_model_candidates(const chorus_model *model, int32_t *n,
                                                int32_t *chosen);
const char *chorus_model_selection_metric(const chorus_model *model);
int64_t chorus_model_selection_dev_items(const chorus_model *model);

/* 1 if the fit relabelled the classes to agree with majority vote (see README). */
int chorus_model_classes_permuted(const chorus_model *model);

#ifdef __cplusplus
}
#endif
#endif
