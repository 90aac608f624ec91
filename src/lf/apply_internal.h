/*
 * The apply engine shared by chorus_lf_apply (a dataset in memory, apply.c) and the streaming
 * applies of a file or a byte range of it (apply_stream.c): a plan made once, then applied
 * to one batch of records after another, each appending its items to one vote matrix.
 */
#ifndef CHORUS_LF_APPLY_INTERNAL_H
#define CHORUS_LF_APPLY_INTERNAL_H

#include "lf/lf_internal.h"

/* The keyword LFs that read one field share one automaton. */
typedef struct keyword_group {
    int32_t field;
    int32_t n;
    int32_t *lfs; /* indices into set->lfs */
    chorus_keyword_index *index;
} keyword_group;

typedef struct apply_plan {
    const chorus_lf_set *set;
    const chorus_dataset *ds;
    int32_t *field; /* per LF: the field it reads, -1 for heuristic and plugin */
    keyword_group *groups;
    int32_t n_groups;
    size_t keyword_scratch; /* bytes, the largest of the groups' */
    int32_t **llm_votes;    /* per LF: the llm LFs' votes per record, found before the apply */
} apply_plan;

/*
 * Resolves every LF's field against ds and builds one keyword automaton per field. The plan
 * serves any dataset whose fields have the same indices (the batches of one stream): set
 * plan->ds to it. CHORUS_EFORMAT for a field ds lacks (naming the LF and ds's fields).
 */
int lf_plan_make(apply_plan *plan, const chorus_lf_set *set, const chorus_dataset *ds);

/*
 * What a JSONL file allows to check only once every record was read, given a dataset of
 * the fields its records had (apply_stream.c, and joined over ranges in apply_merge.c):
 * the data.id field and every field an LF reads are among them. CHORUS_EFORMAT naming the
 * LF and its spec line otherwise.
 */
int lf_check_file_fields(const chorus_lf_set *set, const chorus_dataset *fields);
void lf_plan_free(apply_plan *plan);

/* Progress over several calls of lf_apply_records: done so far, of about total. */
typedef struct apply_progress {
    chorus_progress_fn fn;
    void *ctx;
    int64_t done;
    int64_t total;
} apply_progress;

/*
 * Applies the plan to every record of plan->ds, appending one item per record to votes in
 * record order, whatever the number of threads (<= 0: the OpenMP default). Adds each LF's
 * CPU seconds and regex limit hits to seconds[] and limits[]. progress may be NULL.
 */
int lf_apply_records(chorus_votes *votes, const apply_plan *plan, int n_threads, double *seconds,
                     int64_t *limits, apply_progress *progress);

/* An empty vote matrix with the set's LF and class names. */
int lf_new_votes(chorus_votes **out, const chorus_lf_set *set);

/* The report of an apply: per-LF votes counted from votes, the rest as given. */
int lf_make_report(chorus_apply_report **out, const chorus_lf_set *set, const chorus_votes *votes,
                   const double *seconds, const int64_t *limits, double wall,
                   const chorus_apply_report *llm);

#endif
