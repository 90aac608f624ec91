/*
 * What the synthetic generator decides before it draws any item: the options as the
 * current version, the class shares and every LF's parameters. chorus_synth and
 * chorus_synth_lf_truth build the same plan from the same options.
 */
#ifndef CHORUS_SYNTH_INTERNAL_H
#define CHORUS_SYNTH_INTERNAL_H

#include "chorus/synth.h"

/*
 * Streams of the counter-based generator. Version 1 used stream 0 for the LF parameters and
 * 1 + i for item i; they are kept so its options draw the same matrices. Everything added
 * since draws from streams far above any item's.
 */
#define SYNTH_STREAM_LF_PARAMS 0
#define SYNTH_STREAM_ITEMS 1
#define SYNTH_STREAM_KINDS (UINT64_C(1) << 62)
#define SYNTH_STREAM_ADVERSARIAL (SYNTH_STREAM_KINDS + 1)
#define SYNTH_STREAM_CLASS_ACCURACY (SYNTH_STREAM_KINDS + 2)
/* Item i's normals for the salience: SYNTH_STREAM_SALIENCE + i. */
#define SYNTH_STREAM_SALIENCE (SYNTH_STREAM_KINDS + (UINT64_C(1) << 40))
/* Item i's coins for the correlated followers: SYNTH_STREAM_FOLLOW + i. */
#define SYNTH_STREAM_FOLLOW (UINT64_C(1) << 63)

typedef struct synth_lf {
    int32_t polarity; /* -1: multi-class */
    int32_t leader;   /* -1: votes on its own */
    double rho;       /* probability of copying the leader; 1 for exact copies */
    int leads;        /* some later LF follows this one */
    int adversarial;
    int clamped;
    /* Multi-class: P(votes) and P(vote = truth | votes), or per true class when
     * class_accuracy is not NULL. */
    double coverage;
    double accuracy;
    const double *class_accuracy;
    /* One-class: P(votes | truth = polarity) and P(votes | truth != polarity). */
    double fire_on, fire_off;
} synth_lf;

typedef struct synth_plan {
    chorus_synth_options opts; /* resolved to the current version */
    double *shares;            /* n_classes class shares */
    double *cumulative;        /* their running sums, or NULL to draw as version 1 did */
    synth_lf *lfs;             /* n_lfs */
    double *class_accuracy;    /* n_lfs * n_classes, or NULL */
} synth_plan;

/* Checks the options and fills the plan; on failure the plan needs no freeing. */
int synth_plan_init(synth_plan *plan, const chorus_synth_options *opts);
void synth_plan_free(synth_plan *plan);

/* The options of any accepted version as the current version, then checked. */
int synth_options_resolve(chorus_synth_options *out, const chorus_synth_options *in);

#endif
