/*
 * Labeling-function sets: a YAML file naming the task's classes, the fields of the data
 * and the labeling functions (keyword, regex, heuristic, lookup, column, plugin, llm; see
 * docs/labeling-functions.md), applied to a dataset to give a vote matrix.
 */
#ifndef CHORUS_LF_H
#define CHORUS_LF_H

#include "data.h"
#include "data_range.h"
#include "votes.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_lf_set chorus_lf_set;

/*
 * The signature of a plugin labeling function: returns a class index (0..K-1) or
 * CHORUS_ABSTAIN. It is called from several threads at once; ctx is what the plugin's
 * optional init function returned (or NULL).
 */
typedef int (*chorus_plugin_fn)(const chorus_record *record, void *ctx);

/*
 * Loads and checks a labeling-function set before any data is read: YAML syntax, unknown
 * kinds or keys, unknown classes, duplicate LF names, regexes that do not compile (with
 * PCRE2's message and offset), missing list files and plugins. Errors are CHORUS_EFORMAT
 * (or CHORUS_EIO for files it refers to) with "<path>:<line>: labeling function '<name>':
 * ...". Relative paths inside the spec are relative to the spec's folder. The lock file
 * beside the spec (spam.yaml -> spam.lock.yaml: paraphrases and chosen examples of llm LFs,
 * docs/llm.md) is read too when it exists; its faults name it and its line.
 */
int chorus_lf_set_load(chorus_lf_set **out, const char *path);

/* The same, with the llm LFs' lock file at lock_path (NULL: beside the spec), read when it
 * exists and written there by an apply. */
int chorus_lf_set_load_with_lock(chorus_lf_set **out, const char *path, const char *lock_path);

void chorus_lf_set_free(chorus_lf_set *set);

const char *chorus_lf_set_task(const chorus_lf_set *set);
int32_t chorus_lf_set_n_lfs(const chorus_lf_set *set);
const char *chorus_lf_set_lf_name(const chorus_lf_set *set, int32_t lf);
/* The kind of an LF as written in the spec ("keyword", "regex", ...). */
const char *chorus_lf_set_lf_kind(const chorus_lf_set *set, int32_t lf);
/* The dependency group an LF was declared in (`group:` in the spec), or NULL. */
const char *chorus_lf_set_lf_group(const chorus_lf_set *set, int32_t lf);
int32_t chorus_lf_set_n_classes(const chorus_lf_set *set);
const char *chorus_lf_set_class_name(const chorus_lf_set *set, int32_t class_index);
/* The fields named in the spec's data section (NULL when not given). */
const char *chorus_lf_set_id_field(const chorus_lf_set *set);
const char *chorus_lf_set_gold_field(const chorus_lf_set *set);
/* The default field of the LFs (data.text), and the field LF `lf` reads (its own `field:`,
 * else data.text; NULL for LFs that read no single field or when neither is given). */
const char *chorus_lf_set_text_field(const chorus_lf_set *set);
const char *chorus_lf_set_lf_field(const chorus_lf_set *set, int32_t lf);

/*
 * Gold labels from the dataset's gold field (spec: data.gold), mapped to classes by name
 * or index; -1 where the value is missing or empty. CHORUS_EINVAL if the spec names no
 * gold field or the dataset lacks it; CHORUS_EFORMAT for a value that is no class.
 */
int chorus_lf_set_gold(int32_t **out, const chorus_lf_set *set, const chorus_dataset *ds);

typedef struct chorus_apply_options {
    unsigned version;
    int n_threads; /* 0 = the OpenMP default; the votes do not depend on it */
    /* NULL, or called as records are applied (common.h), from one of the OpenMP threads at
     * a time; with streamed data the total is estimated from the bytes read. */
    chorus_progress_fn progress;
    void *progress_ctx;
} chorus_apply_options;

#define CHORUS_APPLY_OPTIONS_VERSION 1
#define CHORUS_APPLY_OPTIONS_INIT                                                                  \
    {                                                                                              \
        CHORUS_APPLY_OPTIONS_VERSION, 0, NULL, NULL                                                \
    }

/* How many failed LLM requests an apply report lists (it counts them all). */
#define CHORUS_LLM_FAILURES_LISTED 10

/* An LLM request that failed after its retries: its LF abstained on that record. */
typedef struct chorus_llm_failure {
    int32_t lf;      /* the LF */
    int64_t line;    /* the record's line in the data */
    char error[256]; /* why (HTTP status, transport error, bad JSON); never the API key */
} chorus_llm_failure;

/*
 * What an apply did, per LF: time spent, votes cast, regex matches aborted by limits; and
 * for the llm LFs of the set (summed over them; all zero without any) what they cost.
 */
typedef struct chorus_apply_report {
    int32_t n_lfs;
    double *seconds;       /* per LF, CPU seconds summed over threads */
    int64_t *n_votes;      /* per LF */
    int64_t *n_limit_hits; /* per LF: regex matches stopped by the match or depth limit */
    double total_seconds;  /* wall clock */
    /* Added for llm LFs; older callers that do not read them are unaffected. */
    int64_t llm_calls;         /* requests sent: distinct prompts not in the cache */
    int64_t llm_cache_hits;    /* LF x record answers read from the cache */
    int64_t llm_retries;       /* attempts after the first, over all requests */
    int64_t llm_failures;      /* LF x record pairs whose request failed (abstained) */
    int64_t llm_unparsed;      /* answers no verbalizer word matched (abstained) */
    int64_t llm_prompt_tokens; /* as the endpoint reported them, for requests sent */
    int64_t llm_completion_tokens;
    int32_t llm_n_failures_listed; /* the first CHORUS_LLM_FAILURES_LISTED failures */
    chorus_llm_failure llm_failures_listed[CHORUS_LLM_FAILURES_LISTED];
    /* chorus_lf_apply_range of a JSONL file: the fields its records had a value for, in
     * order of first appearance, for chorus_lf_apply_check_fields (NULL and 0 otherwise). */
    char **fields_seen;
    int32_t n_fields_seen;
    /* LF x record answers abstained on for a confidence below the LF's min_confidence, and
     * kept without one (min_confidence set, but no log-probabilities came with them). */
    int64_t llm_low_confidence;
    int64_t llm_no_confidence;
} chorus_apply_report;

/*
 * Applies every LF to every record: a vote matrix with one row per record, one column
 * per LF (named as in the spec) and the spec's classes. Fields are resolved against the
 * dataset first: an LF reading a field the data lacks is CHORUS_EFORMAT naming the LF, its
 * spec line and the data file's fields. Binding records the dataset's field positions in the
 * set, so one set must not be applied to two datasets at the same time from two threads
 * (applying it to them one after the other is fine). report may be NULL; otherwise free it with
 * chorus_apply_report_free. An llm LF with `paraphrases:` or `examples: {from: ...}` not yet
 * in the lock file gets them at its first apply (one request for the paraphrases, the
 * examples chosen from ds), and the lock file is written then.
 *
 * Items are named after the spec's data.id field (chorus_votes_item_name), checked before
 * any LF runs: a record without an id, with an empty one or one given to an earlier record
 * too is CHORUS_EFORMAT naming the data file, the line and the id. Without data.id, items
 * are identified by their row number in the file from 0, counting bad rows skipped with
 * skip_bad_rows (chorus_dataset_source_row), so skipping a row does not shift the ids
 * after it: when rows were skipped those numbers become the item names, otherwise the
 * items stay unnamed (item i is row i).
 */
int chorus_lf_apply(chorus_votes **out, chorus_apply_report **report, const chorus_lf_set *set,
                    const chorus_dataset *ds, const chorus_apply_options *opts);

void chorus_apply_report_free(chorus_apply_report *report);

/*
 * Applies the set to a data file as it reads it: the same vote matrix, item names, errors
 * and warnings as chorus_dataset_read followed by chorus_lf_apply, but only one batch of
 * records (about 16 MiB of input) is in memory at a time, so memory is the LF set, the vote
 * matrix and that batch, whatever the size of the file. Sets with llm LFs read the file in
 * one batch (their requests are made together, deduplicated over the whole file). What is
 * checked only once the whole file is read (a JSONL file whose records never have a field
 * an LF reads, a file without records) fails at the end, before anything is returned.
 * data_opts may be NULL (CHORUS_DATA_OPTIONS_INIT). Errors: those of chorus_dataset_read and
 * chorus_lf_apply.
 */
int chorus_lf_apply_file(chorus_votes **out, chorus_apply_report **report, const chorus_lf_set *set,
                         const char *path, const chorus_data_options *data_opts,
                         const chorus_apply_options *opts);

/*
 * Applies the set to the records of one byte range of a data file (chorus/data_range.h):
 * a matrix with one item per record of the range, for chorus_lf_apply_merge. Item names are
 * already those of the whole file: the spec's data.id values, or (without data.id, when the
 * range skipped rows with skip_bad_rows) the records' row numbers in the whole file, counted
 * from range->first_row; otherwise items are unnamed. An empty range gives an empty matrix.
 *
 * Differences from chorus_lf_apply_file, because a range sees only part of the file: it
 * warns of no LF coverage (the merge does), an id repeated in another range is found by the
 * merge, and with JSONL a field an LF reads that no record of the range has is not an error
 * (other ranges may have it; the LF abstains there: chorus_lf_apply_check_fields then checks
 * the whole file from the reports' fields_seen). A record of the range that runs past
 * range->end is CHORUS_EFORMAT: the ranges were not cut on record boundaries.
 *
 * For several processes (e.g. MPI): each splits with the data_range.h steps, applies its
 * range, sends its matrix (chorus_votes_write / read, .chv) to one process, which merges.
 */
int chorus_lf_apply_range(chorus_votes **out, chorus_apply_report **report,
                          const chorus_lf_set *set, const char *path,
                          const chorus_data_options *data_opts, const chorus_data_range *range,
                          const chorus_apply_options *opts);

/*
 * Joins the matrices of ranges 0..n_parts-1 of one file (in order; ranges as passed to
 * chorus_lf_apply_range) into the matrix chorus_lf_apply_file gives for the whole file,
 * with its item names, and logs the coverage warnings of the whole. The parts stay the
 * caller's. Errors: CHORUS_EINVAL for parts of another set, CHORUS_EFORMAT for an id given
 * in two parts or when the parts hold no records, CHORUS_ENOMEM.
 */
int chorus_lf_apply_merge(chorus_votes **out, const chorus_lf_set *set, chorus_votes *const *parts,
                          const chorus_data_range *ranges, int32_t n_parts);

/*
 * The check chorus_lf_apply_file makes at the end of a JSONL file, for a file applied in
 * ranges: every field an LF reads, and the spec's data.id, must be one some record of the
 * file had. `fields` are
 * the ranges' fields_seen, joined in range order (repeats are fine). CHORUS_EFORMAT with
 * the message one process gives (naming the LF, its spec line and the file's fields).
 * Call it before chorus_lf_apply_merge, as one process fails before its coverage warning.
 */
int chorus_lf_apply_check_fields(const chorus_lf_set *set, const char *const *fields,
                                 int32_t n_fields);

/* What the answer cache holds for one record's requests of one llm LF. */
typedef struct chorus_llm_cached {
    int32_t lf;        /* the LF (column of the set) */
    int32_t n_samples; /* requests per record: samples: n, else 1 */
    int32_t n_cached;  /* of them, answered in the cache */
    char *answer;      /* the first cached answer as the endpoint gave it; NULL when none */
    double confidence; /* its probability from log-probabilities; NaN when none was kept */
} chorus_llm_cached;

/*
 * The cached answers of every llm LF of the set for records[0..n_records) of ds: *out gets
 * n_records x *n_llm entries (row r, then the llm LFs in set order), as the requests of an
 * apply would find them (constrained answers first, then free text), with the examples and
 * paraphrases the lock file or the cache pins. Nothing is sent or written; *n_llm is 0 for
 * a set without llm LFs. Errors: those of the fields the prompts read (CHORUS_EFORMAT),
 * CHORUS_EINVAL for a record out of range, the cache's (CHORUS_EIO, CHORUS_EFORMAT),
 * CHORUS_ENOMEM. Free with chorus_llm_cached_free(*out, n_records * *n_llm).
 */
int chorus_lf_llm_cached(chorus_llm_cached **out, int32_t *n_llm, const chorus_lf_set *set,
                         const chorus_dataset *ds, const int64_t *records, int64_t n_records);
void chorus_llm_cached_free(chorus_llm_cached *answers, int64_t n);

/* What an apply of the llm LFs would do, without any request (a dry run). */
typedef struct chorus_llm_plan_lf {
    int32_t lf; /* index of the LF in the set */
    int64_t n_records;
    int64_t n_cached; /* records whose answer is already in the cache */
    int64_t n_calls;  /* requests an apply would send for it (distinct prompts not cached) */
    int32_t n_shown;
    char **prompts; /* n_shown rendered message lists: "[system]\n...\n[user]\n...\n" */
    int64_t *lines; /* the data lines of the shown records */
    /* 1 for a paraphrase (paraphrases: N) the endpoint has not written yet: nothing shown,
     * n_calls counts every record. */
    int paraphrase_pending;
    /* An estimate for the n_calls requests (docs/llm.md "Dry run"): */
    int64_t prompt_tokens;     /* each request body's bytes / 4, rounded up */
    int64_t completion_tokens; /* the longest answer the LF reads, bytes / 4, rounded up */
    double cost;               /* by the spec's llm.prices for the LF's model; NAN without */
} chorus_llm_plan_lf;

typedef struct chorus_llm_plan {
    int32_t n_lfs; /* llm LFs of the set (0 when it has none) */
    chorus_llm_plan_lf *lfs;
    int64_t n_calls; /* requests an apply would send, in all */
    /* Of those before them: requests for paraphrases (paraphrases: N) not in the lock file
     * nor the cache, one per LF. */
    int64_t n_paraphrase_calls;
    int64_t prompt_tokens, completion_tokens; /* the LFs' estimates, summed */
    double cost;                              /* summed over the LFs whose model has a price */
    int32_t n_unpriced;                       /* LFs with calls whose model has no price */
} chorus_llm_plan;

/*
 * Renders the prompts of every llm LF for the first n_show records and counts the requests
 * an apply would send, reading the cache (if its file exists) but sending nothing and
 * writing no lock file: paraphrases neither pinned nor cached are paraphrase_pending. It
 * estimates their tokens and, with the spec's llm.prices, their cost. Errors
 * as chorus_lf_apply for fields the data lacks. Free with chorus_llm_plan_free.
 */
int chorus_lf_set_llm_plan(chorus_llm_plan **out, const chorus_lf_set *set,
                           const chorus_dataset *ds, int32_t n_show);

void chorus_llm_plan_free(chorus_llm_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
