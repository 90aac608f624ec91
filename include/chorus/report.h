/*
 * A report of a fitted label model as one self-contained HTML file: the labeling-function
 * summary, how the LFs overlap and conflict, learned against empirical accuracy, the class
 * balance, calibration and the confusion matrix (with gold), dependency groups, the fit's
 * check in words, with review answers a learning curve, and for groups of prompt
 * variants how much their answers depend on the wording. CSS and SVG are inline; the
 * page needs no network and reads fully without JavaScript (a few lines of it only sort
 * the LF table by a clicked header).
 */
#ifndef CHORUS_REPORT_H
#define CHORUS_REPORT_H

#include "model.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_report_options {
    unsigned version;
    /* Shown as the page's title and heading; NULL: "chorus report". */
    const char *title;
    /* Gold labels, one per item of the votes (-1 unknown), by the model's classes; NULL for
     * none. Add empirical accuracy, calibration and the confusion matrix. */
    const int32_t *gold;
    int64_t n_gold;
    /* Review answers, one per item (-1 not answered), by the model's classes; NULL for
     * none. Add the learning curve: held-out accuracy as answers accumulate. */
    const int32_t *review_answers;
    int64_t n_review_answers;
    /* The overlap and conflict heatmaps show at most this many LFs, those with the most
     * votes (1..CHORUS_REPORT_MAX_HEATMAP_LFS). */
    int32_t max_heatmap_lfs;
    /* Equal-width confidence bins of the reliability diagram (1..1000). */
    int32_t n_bins;
    /* Seed of the learning curve's shuffle of the answers and of its folds. */
    uint64_t seed;
    /* Since version 2: groups of prompt variants, one group id per LF of the model (in its
     * LF order; -1 none), e.g. a spec's variants: and paraphrases: (`chorus report --groups`);
     * the prompt-sensitivity section compares the LFs of each group. NULL: the model's
     * dependency groups. */
    const int32_t *lf_group;
} chorus_report_options;

#define CHORUS_REPORT_MAX_HEATMAP_LFS 200
#define CHORUS_REPORT_OPTIONS_VERSION 2
#define CHORUS_REPORT_OPTIONS_INIT                                                                 \
    {                                                                                              \
        CHORUS_REPORT_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, 40, 10, 0, NULL                     \
    }

/*
 * Writes the report of `model` on `votes` (the votes it was fitted on, or any with its
 * labeling functions: they are matched as chorus_model_predict matches them) to `path`,
 * atomically: the file appears whole or not at all. opts may be NULL for the defaults.
 * Errors: CHORUS_EINVAL (options out of range, gold or answers that do not have one entry
 * per item or name no class, votes without the model's LFs), CHORUS_EWRITE, CHORUS_ENOMEM,
 * and the errors of the learning curve's fits.
 */
int chorus_report_write(const char *path, const chorus_votes *votes, const chorus_model *model,
                        const chorus_report_options *opts);

#ifdef __cplusplus
}
#endif
#endif
