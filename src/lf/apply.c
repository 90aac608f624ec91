/*
 * Applying a labeling-function set to a dataset. Records are cut into fixed-size chunks
 * processed in parallel; inside a chunk the work is LF by LF (all keyword LFs of a field
 * in one automaton pass per record), which keeps each matcher hot and makes per-LF timing
 * cheap. Each chunk writes its own rows and the rows are joined in chunk order, so the
 * vote matrix does not depend on the number of threads.
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "lf/apply_internal.h"
#include "votes/votes_internal.h"

#define CHUNK_RECORDS 1024

/* One chunk's rows, as CSR pieces. */
typedef struct chunk_rows {
    int64_t *row_len;
    int32_t *lf;
    int32_t *label;
    int64_t n_votes;
} chunk_rows;

/* One vote found while working through a chunk, before the chunk is sorted into rows. */
typedef struct chunk_vote {
    int32_t record; /* offset in the chunk */
    int32_t lf;
    int32_t label;
} chunk_vote;

/* Per-thread state and the first error a thread met. */
typedef struct worker {
    chunk_vote *found; /* votes of the current chunk, in the order they were found */
    size_t n_found, cap_found;
    int32_t *fired;
    void *keyword_scratch;
    chorus_regex_scratch *regex;
    double *seconds;
    int64_t *limit_hits;
} worker;

typedef struct apply_failure {
    int code;
    int64_t record; /* lowest failing record, so the message does not depend on threads */
    char message[512];
} apply_failure;

void lf_field_list(const chorus_dataset *ds, char *fields, size_t cap)
{
    size_t used = 0;
    fields[0] = '\0';
    for (int32_t f = 0; f < chorus_dataset_n_fields(ds) && used + 8 < cap; f++) {
        int n = snprintf(fields + used, cap - used, "%s%s", f ? ", " : "",
                         chorus_dataset_field_name(ds, f));
        if (n < 0) break;
        used += (size_t)n;
    }
}

static int missing_field_error(const chorus_lf_set *set, const lf_def *lf, const char *field,
                               const chorus_dataset *ds)
{
    char fields[256];
    lf_field_list(ds, fields, sizeof fields);
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s:%" PRId64 ": labeling function '%s': the data has no field '%s' "
                            "(fields: %s)",
                            set->path, lf->line, lf->name, field, fields);
}

void lf_plan_free(apply_plan *plan)
{
    for (int32_t g = 0; g < plan->n_groups; g++) {
        chorus_keyword_index_free(plan->groups[g].index);
        free(plan->groups[g].lfs);
    }
    free(plan->groups);
    free(plan->field);
    for (int32_t j = 0; plan->llm_votes && j < plan->set->n_lfs; j++)
        free(plan->llm_votes[j]);
    free(plan->llm_votes);
}

/* Resolves every LF's field and builds one keyword automaton per field. */
int lf_plan_make(apply_plan *plan, const chorus_lf_set *set, const chorus_dataset *ds)
{
    memset(plan, 0, sizeof *plan);
    plan->set = set;
    plan->ds = ds;
    const int32_t m = set->n_lfs;
    plan->field = malloc((size_t)m * sizeof *plan->field);
    plan->groups = calloc((size_t)m, sizeof *plan->groups);
    const lf_keyword **members = malloc((size_t)m * sizeof *members);
    int rc = CHORUS_OK;
    if (!plan->field || !plan->groups || !members) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = 0; j < m && !rc; j++) {
        const lf_def *lf = &set->lfs[j];
        plan->field[j] = -1;
        if (lf->kind == LF_HEURISTIC) {
            rc = heuristic_bind(lf->u.heuristic, ds, set->path, lf->name);
            continue;
        }
        if (lf->kind == LF_PLUGIN || lf->kind == LF_LLM) continue;
        const char *name = lf_def_field(set, lf);
        plan->field[j] = name ? chorus_dataset_find_field(ds, name) : -1;
        if (plan->field[j] < 0) rc = missing_field_error(set, lf, name ? name : "(none)", ds);
    }
    for (int32_t j = 0; j < m && !rc; j++) {
        if (set->lfs[j].kind != LF_KEYWORD) continue;
        int32_t g = 0;
        while (g < plan->n_groups && plan->groups[g].field != plan->field[j])
            g++;
        if (g == plan->n_groups) {
            plan->groups[g].field = plan->field[j];
            plan->groups[g].lfs = malloc((size_t)m * sizeof *plan->groups[g].lfs);
            plan->n_groups++;
            if (!plan->groups[g].lfs) rc = chorus_error_nomem();
        }
        if (!rc) plan->groups[g].lfs[plan->groups[g].n++] = j;
    }
    for (int32_t g = 0; g < plan->n_groups && !rc; g++) {
        keyword_group *group = &plan->groups[g];
        for (int32_t i = 0; i < group->n; i++)
            members[i] = &set->lfs[group->lfs[i]].u.keyword;
        rc = chorus_keyword_index_build(&group->index, members, group->n);
        if (!rc) {
            size_t s = chorus_keyword_index_scratch_size(group->index);
            if (s > plan->keyword_scratch) plan->keyword_scratch = s;
        }
    }
done:
    free(members);
    if (rc) lf_plan_free(plan);
    return rc;
}

static int worker_init(worker *w, const apply_plan *plan)
{
    const int32_t m = plan->set->n_lfs;
    memset(w, 0, sizeof *w);
    w->cap_found = 4 * CHUNK_RECORDS;
    w->found = malloc(w->cap_found * sizeof *w->found);
    w->fired = malloc(((size_t)m + 1) * sizeof *w->fired);
    /* Zeroed once: the keyword matcher leaves it zeroed after each text. */
    w->keyword_scratch = calloc(1, plan->keyword_scratch + 1);
    w->seconds = calloc((size_t)m, sizeof *w->seconds);
    w->limit_hits = calloc((size_t)m, sizeof *w->limit_hits);
    if (!w->found || !w->fired || !w->keyword_scratch || !w->seconds || !w->limit_hits)
        return chorus_error_nomem();
    return chorus_regex_scratch_new(&w->regex);
}

static void worker_free(worker *w)
{
    free(w->found);
    free(w->fired);
    free(w->keyword_scratch);
    free(w->seconds);
    free(w->limit_hits);
    chorus_regex_scratch_free(w->regex);
}

static void fail(apply_failure *failure, int64_t record, int code, const char *message)
{
#pragma omp critical(chorus_apply_failure)
    if (!failure->code || record < failure->record) {
        failure->code = code;
        failure->record = record;
        snprintf(failure->message, sizeof failure->message, "%s", message);
    }
}

/* The vote of one non-keyword LF on one record. */
static int32_t vote_of(const apply_plan *plan, int32_t j, int64_t r, worker *w,
                       apply_failure *failure)
{
    const lf_def *lf = &plan->set->lfs[j];
    const chorus_dataset *ds = plan->ds;
    size_t len = 0;
    const char *value =
        plan->field[j] >= 0 ? chorus_dataset_value(ds, r, plan->field[j], &len) : NULL;
    switch (lf->kind) {
    case LF_REGEX: {
        if (!value) return CHORUS_ABSTAIN;
        int hit = chorus_regex_match(lf->u.regex.re, value, len, w->regex);
        if (hit < 0) w->limit_hits[j]++;
        return hit > 0 ? lf->vote : CHORUS_ABSTAIN;
    }
    case LF_HEURISTIC:
        return heuristic_eval(lf->u.heuristic, ds, r) ? lf->vote : CHORUS_ABSTAIN;
    case LF_LOOKUP:
        return value && chorus_string_set_contains(lf->u.lookup.set, value, len) ? lf->vote
                                                                                 : CHORUS_ABSTAIN;
    case LF_COLUMN:
        return value ? lf_column_vote(&lf->u.column, plan->set, value, len) : CHORUS_ABSTAIN;
    case LF_PLUGIN: {
        chorus_record record = {ds, r};
        int vote = lf->u.plugin.fn(&record, lf->u.plugin.ctx);
        if (vote != CHORUS_ABSTAIN && (vote < 0 || vote >= plan->set->n_classes)) {
            char message[400];
            snprintf(message, sizeof message,
                     "labeling function '%s' (plugin %s) returned %d on the record at line "
                     "%" PRId64 "; expected -1 (abstain) or a class in 0..%" PRId32,
                     lf->name, lf->u.plugin.symbol, vote, chorus_dataset_source_line(ds, r),
                     plan->set->n_classes - 1);
            fail(failure, r, CHORUS_EINVAL, message);
            return CHORUS_ABSTAIN;
        }
        return vote;
    }
    case LF_LLM:
        return plan->llm_votes[j][r];
    default:
        return CHORUS_ABSTAIN;
    }
}

static int push_vote(worker *w, int64_t record, int32_t lf, int32_t label)
{
    if (w->n_found == w->cap_found) {
        chunk_vote *grown = realloc(w->found, 2 * w->cap_found * sizeof *grown);
        if (!grown) return CHORUS_ENOMEM;
        w->found = grown;
        w->cap_found *= 2;
    }
    w->found[w->n_found++] = (chunk_vote){(int32_t)record, lf, label};
    return CHORUS_OK;
}

/*
 * Votes of records [begin, end), sorted into rows. The work is proportional to the text
 * scanned and the votes found, not to records x LFs, so thousands of rarely firing
 * keyword LFs cost little more than ten.
 */
static int apply_chunk(const apply_plan *plan, int64_t begin, int64_t end, worker *w,
                       chunk_rows *rows, apply_failure *failure)
{
    const int32_t m = plan->set->n_lfs;
    const int64_t n = end - begin;
    w->n_found = 0;
    for (int32_t g = 0; g < plan->n_groups; g++) {
        const keyword_group *group = &plan->groups[g];
        double t0 = omp_get_wtime();
        for (int64_t r = begin; r < end; r++) {
            size_t len = 0;
            const char *text = chorus_dataset_value(plan->ds, r, group->field, &len);
            if (!text) continue;
            int32_t count =
                chorus_keyword_index_match(group->index, text, len, w->keyword_scratch, w->fired);
            for (int32_t i = 0; i < count; i++) {
                int32_t j = group->lfs[w->fired[i]];
                if (push_vote(w, r - begin, j, plan->set->lfs[j].vote)) return CHORUS_ENOMEM;
            }
        }
        /* One pass served every LF of the group: share its time evenly. */
        double share = (omp_get_wtime() - t0) / group->n;
        for (int32_t i = 0; i < group->n; i++)
            w->seconds[group->lfs[i]] += share;
    }
    for (int32_t j = 0; j < m; j++) {
        if (plan->set->lfs[j].kind == LF_KEYWORD) continue;
        double t0 = omp_get_wtime();
        for (int64_t r = begin; r < end; r++) {
            int32_t v = vote_of(plan, j, r, w, failure);
            if (v != CHORUS_ABSTAIN && push_vote(w, r - begin, j, v)) return CHORUS_ENOMEM;
        }
        w->seconds[j] += omp_get_wtime() - t0;
    }
    /* Counting sort by record, then each (short) row by LF. */
    const size_t votes = w->n_found;
    rows->row_len = calloc((size_t)n, sizeof *rows->row_len);
    rows->lf = malloc((votes ? votes : 1) * sizeof *rows->lf);
    rows->label = malloc((votes ? votes : 1) * sizeof *rows->label);
    int64_t *next = malloc(((size_t)n + 1) * sizeof *next);
    if (!rows->row_len || !rows->lf || !rows->label || !next) {
        free(next);
        return CHORUS_ENOMEM;
    }
    for (size_t v = 0; v < votes; v++)
        rows->row_len[w->found[v].record]++;
    next[0] = 0;
    for (int64_t i = 0; i < n; i++)
        next[i + 1] = next[i] + rows->row_len[i];
    for (size_t v = 0; v < votes; v++) {
        int64_t at = next[w->found[v].record]++;
        rows->lf[at] = w->found[v].lf;
        rows->label[at] = w->found[v].label;
    }
    int64_t start = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t stop = start + rows->row_len[i];
        for (int64_t a = start + 1; a < stop; a++) {
            int32_t lf = rows->lf[a], label = rows->label[a];
            int64_t b = a;
            for (; b > start && rows->lf[b - 1] > lf; b--) {
                rows->lf[b] = rows->lf[b - 1];
                rows->label[b] = rows->label[b - 1];
            }
            rows->lf[b] = lf;
            rows->label[b] = label;
        }
        start = stop;
    }
    free(next);
    rows->n_votes = (int64_t)votes;
    return CHORUS_OK;
}

int lf_new_votes(chorus_votes **out, const chorus_lf_set *set)
{
    chorus_votes *votes = NULL;
    int rc = chorus_votes_new(&votes, set->n_lfs, set->n_classes);
    for (int32_t j = 0; j < set->n_lfs && !rc; j++)
        rc = chorus_votes_set_lf_name(votes, j, set->lfs[j].name);
    for (int32_t k = 0; k < set->n_classes && !rc; k++)
        rc = chorus_votes_set_class_name(votes, k, set->classes[k]);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}

/* Appends the chunks' rows in order: one item per record. */
static int append_chunks(chorus_votes *votes, int64_t n, const chunk_rows *chunks, int64_t n_chunks)
{
    int64_t item = 0;
    for (int64_t c = 0; c < n_chunks; c++) {
        int64_t rows = c + 1 < n_chunks ? CHUNK_RECORDS : n - c * CHUNK_RECORDS;
        int64_t at = 0;
        for (int64_t i = 0; i < rows; i++, item++) {
            const size_t len = (size_t)chunks[c].row_len[i];
            int rc = chorus_votes_append_item(votes, chunks[c].lf + at, chunks[c].label + at, len);
            if (rc) return rc;
            at += (int64_t)len;
        }
    }
    return CHORUS_OK;
}

int lf_make_report(chorus_apply_report **out, const chorus_lf_set *set, const chorus_votes *votes,
                   const double *seconds, const int64_t *limits, double wall,
                   const chorus_apply_report *llm)
{
    const int32_t m = set->n_lfs;
    chorus_apply_report *r = malloc(sizeof *r);
    if (!r) return chorus_error_nomem();
    /* The LLM counts were gathered before the apply; the rest is filled in here. */
    *r = *llm;
    r->n_lfs = m;
    r->seconds = malloc((size_t)m * sizeof *r->seconds);
    r->n_votes = calloc((size_t)m, sizeof *r->n_votes);
    r->n_limit_hits = malloc((size_t)m * sizeof *r->n_limit_hits);
    if (!r->seconds || !r->n_votes || !r->n_limit_hits) {
        chorus_apply_report_free(r);
        return chorus_error_nomem();
    }
    memcpy(r->seconds, seconds, (size_t)m * sizeof *seconds);
    memcpy(r->n_limit_hits, limits, (size_t)m * sizeof *limits);
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t p = 0; p < chorus_votes_nnz(votes); p++)
        r->n_votes[chorus_view_lf(&w, p)]++;
    r->total_seconds = wall;
    *out = r;
    return CHORUS_OK;
}

void chorus_apply_report_free(chorus_apply_report *report)
{
    if (!report) return;
    free(report->seconds);
    free(report->n_votes);
    free(report->n_limit_hits);
    for (int32_t f = 0; f < report->n_fields_seen; f++)
        free(report->fields_seen[f]);
    free(report->fields_seen);
    free(report);
}

int lf_apply_records(chorus_votes *votes, const apply_plan *plan, int n_threads, double *seconds,
                     int64_t *limits, apply_progress *progress)
{
    const int64_t n = chorus_dataset_n_records(plan->ds);
    const int64_t n_chunks = (n + CHUNK_RECORDS - 1) / CHUNK_RECORDS;
    const int32_t m = plan->set->n_lfs;
    chunk_rows *chunks = calloc((size_t)(n_chunks ? n_chunks : 1), sizeof *chunks);
    apply_failure failure = {0, INT64_MAX, ""};
    int rc = CHORUS_OK;
    if (!chunks) return chorus_error_nomem();
    if (n_threads <= 0) n_threads = omp_get_max_threads();
#pragma omp parallel num_threads(n_threads)
    {
        worker w;
        int wrc = worker_init(&w, plan);
        if (wrc) fail(&failure, -1, CHORUS_ENOMEM, "out of memory");
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < n_chunks; c++) {
            if (wrc || failure.code) continue;
            int64_t begin = c * CHUNK_RECORDS;
            int64_t end = begin + CHUNK_RECORDS < n ? begin + CHUNK_RECORDS : n;
            if (apply_chunk(plan, begin, end, &w, &chunks[c], &failure))
                fail(&failure, begin, CHORUS_ENOMEM, "out of memory");
            if (progress && progress->fn) {
#pragma omp critical(chorus_apply_progress)
                {
                    progress->done += end - begin;
                    int64_t total =
                        progress->total > progress->done ? progress->total : progress->done;
                    progress->fn(progress->done, total, progress->ctx);
                }
            }
        }
#pragma omp critical(chorus_apply_sum)
        if (!wrc)
            for (int32_t j = 0; j < m; j++) {
                seconds[j] += w.seconds[j];
                limits[j] += w.limit_hits[j];
            }
        worker_free(&w);
    }
    if (failure.code)
        rc = failure.code == CHORUS_ENOMEM ? chorus_error_nomem()
                                           : chorus_error_set(failure.code, "%s", failure.message);
    else
        rc = append_chunks(votes, n, chunks, n_chunks);
    for (int64_t c = 0; c < n_chunks; c++) {
        free(chunks[c].row_len);
        free(chunks[c].lf);
        free(chunks[c].label);
    }
    free(chunks);
    return rc;
}

int chorus_lf_apply(chorus_votes **out, chorus_apply_report **report, const chorus_lf_set *set,
                    const chorus_dataset *ds, const chorus_apply_options *opts)
{
    *out = NULL;
    if (report) *report = NULL;
    chorus_apply_options defaults = CHORUS_APPLY_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    const double t0 = omp_get_wtime();
    const int32_t m = set->n_lfs;
    apply_plan plan;
    int rc = lf_check_item_ids(set, ds);
    if (!rc) rc = lf_plan_make(&plan, set, ds);
    if (rc) return rc;
    /* The network-bound part first and on its own: the apply loop below only reads votes. */
    chorus_apply_report llm = {0};
    if ((rc = lf_llm_prepare(&plan.llm_votes, &llm, set, ds))) {
        lf_plan_free(&plan);
        return rc;
    }
    double *seconds = calloc((size_t)m, sizeof *seconds);
    int64_t *limits = calloc((size_t)m, sizeof *limits);
    apply_progress progress = {opts->progress, opts->progress_ctx, 0, chorus_dataset_n_records(ds)};
    chorus_votes *votes = NULL;
    if (!seconds || !limits) {
        rc = chorus_error_nomem();
        goto done;
    }
    rc = lf_new_votes(&votes, set);
    if (!rc) rc = lf_apply_records(votes, &plan, opts->n_threads, seconds, limits, &progress);
    if (!rc) rc = lf_name_items(votes, set, ds);
    if (!rc) lf_warn_coverage(set, votes);
    if (!rc && report)
        rc = lf_make_report(report, set, votes, seconds, limits, omp_get_wtime() - t0, &llm);
done:
    free(seconds);
    free(limits);
    lf_plan_free(&plan);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}
