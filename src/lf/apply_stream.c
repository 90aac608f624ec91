/*
 * Applying a labeling-function set to a data file as it is read: batch after batch of
 * records (data/data_stream.h) go through one apply plan into one vote matrix, so memory
 * holds the LF set, the votes and one batch, whatever the size of the file. The same loop
 * applies one byte range of a file (chorus_data_range), and chorus_lf_apply_merge joins the
 * ranges' matrices into the one the whole file gives.
 */
#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/hash.h"
#include "data/data_stream.h"
#include "lf/apply_internal.h"

/* Input bytes per batch: large enough to keep every thread busy, small next to the file. */
#define STREAM_BATCH_BYTES ((size_t)16 << 20)

/* Shown of an id in a message (ids can be long). */
#define ID_SHOWN 60

/* ---- the fields an apply reads ---------------------------------------------------- */

typedef struct name_list {
    const char **names;
    int32_t n, cap;
} name_list;

static int add_name(name_list *list, const char *name)
{
    if (!name) return CHORUS_OK;
    for (int32_t i = 0; i < list->n; i++)
        if (strcmp(list->names[i], name) == 0) return CHORUS_OK;
    if (list->n == list->cap) {
        int32_t cap = list->cap ? 2 * list->cap : 16;
        const char **grown = realloc(list->names, (size_t)cap * sizeof *grown);
        if (!grown) return chorus_error_nomem();
        list->names = grown;
        list->cap = cap;
    }
    list->names[list->n++] = name;
    return CHORUS_OK;
}

static int add_heuristic_fields(name_list *list, const heuristic_node *node)
{
    int rc = add_name(list, node->field);
    for (int32_t c = 0; !rc && c < node->n_children; c++)
        rc = add_heuristic_fields(list, node->children[c]);
    return rc;
}

/* Every field the set reads by name, so that each JSONL batch has them at fixed indices. */
static int needed_fields(name_list *list, const chorus_lf_set *set)
{
    int rc = add_name(list, set->id_field);
    for (int32_t j = 0; !rc && j < set->n_lfs; j++) {
        const lf_def *lf = &set->lfs[j];
        if (lf->kind == LF_HEURISTIC) {
            rc = add_heuristic_fields(list, lf->u.heuristic);
        } else if (lf->kind == LF_LLM) {
            for (int32_t f = 0; !rc && f < lf->u.llm.spec->n_fields; f++)
                rc = add_name(list, lf->u.llm.spec->fields[f]);
        } else if (lf->kind != LF_PLUGIN) {
            rc = add_name(list, lf_def_field(set, lf));
        }
    }
    return rc;
}

static int has_llm(const chorus_lf_set *set)
{
    for (int32_t j = 0; j < set->n_lfs; j++)
        if (set->lfs[j].kind == LF_LLM) return 1;
    return 0;
}

/* ---- ids unique over the whole matrix ---------------------------------------------- */

/* Items by the hash of their name (open addressing, at most half full). */
typedef struct id_table {
    int64_t *slots; /* item index, -1 free */
    size_t mask;
    int64_t n;
} id_table;

static size_t id_slot(const id_table *t, const chorus_votes *votes, const char *id, int64_t *found)
{
    size_t s = (size_t)chorus_fnv1a(id, strlen(id)) & t->mask;
    *found = -1;
    for (; t->slots[s] >= 0; s = (s + 1) & t->mask)
        if (strcmp(chorus_votes_item_name(votes, t->slots[s]), id) == 0) {
            *found = t->slots[s];
            break;
        }
    return s;
}

/* Adds item `item` (named); *first is the earlier item of the same name, or -1. */
static int id_table_add(id_table *t, const chorus_votes *votes, int64_t item, int64_t *first)
{
    if (!t->slots || (size_t)(t->n + 1) * 2 > t->mask + 1) {
        size_t n_slots = t->slots ? 2 * (t->mask + 1) : 1024;
        int64_t *old = t->slots;
        size_t old_n = t->slots ? t->mask + 1 : 0;
        if (!(t->slots = malloc(n_slots * sizeof *t->slots))) {
            t->slots = old;
            return chorus_error_nomem();
        }
        for (size_t s = 0; s < n_slots; s++)
            t->slots[s] = -1;
        t->mask = n_slots - 1;
        int64_t unused;
        for (size_t s = 0; s < old_n; s++)
            if (old[s] >= 0)
                t->slots[id_slot(t, votes, chorus_votes_item_name(votes, old[s]), &unused)] =
                    old[s];
        free(old);
    }
    size_t s = id_slot(t, votes, chorus_votes_item_name(votes, item), first);
    if (*first < 0) {
        t->slots[s] = item;
        t->n++;
    }
    return CHORUS_OK;
}

/* ---- one stream ------------------------------------------------------------------- */

typedef struct stream_apply {
    const chorus_lf_set *set;
    const chorus_data_range *range; /* NULL: the whole file */
    data_stream *stream;
    chorus_votes *votes;
    apply_plan plan;
    int planned;
    id_table ids;
    int64_t *item_lines; /* with data.id: each item's line, for the duplicate message */
    int64_t rows;        /* rows of the file before the current batch (from the range's first) */
    int named_by_row;    /* items named by their row numbers (rows were skipped) */
} stream_apply;

/* With data.id: names the batch's items by it, refusing an id an earlier batch gave. */
static int name_by_id(stream_apply *a, const chorus_dataset *batch, int64_t base)
{
    const chorus_lf_set *set = a->set;
    const int64_t n = chorus_dataset_n_records(batch);
    const int32_t field = chorus_dataset_find_field(batch, set->id_field);
    int64_t *lines = realloc(a->item_lines, (size_t)(base + n) * sizeof *lines);
    if (!lines) return chorus_error_nomem();
    a->item_lines = lines;
    for (int64_t r = 0; r < n; r++) {
        const char *id = chorus_dataset_value(batch, r, field, NULL);
        int64_t first = -1;
        int rc = chorus_votes_set_item_name(a->votes, base + r, id);
        if (!rc) rc = id_table_add(&a->ids, a->votes, base + r, &first);
        if (rc) return rc;
        lines[base + r] = chorus_dataset_source_line(batch, r);
        if (first >= 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": id '%.*s%s' (field '%s') is already the id "
                                    "of line %" PRId64 "; ids must be unique",
                                    chorus_dataset_path(batch), lines[base + r], ID_SHOWN, id,
                                    strlen(id) > ID_SHOWN ? "..." : "", set->id_field,
                                    lines[first]);
    }
    return CHORUS_OK;
}

/* Without data.id: once a row is skipped, every item is named by its row number (the rows
 * before were not skipped, so theirs follow from the first row). */
static int name_by_row(stream_apply *a, const chorus_dataset *batch, int64_t base)
{
    char row[32];
    int rc = CHORUS_OK;
    if (!a->named_by_row && chorus_dataset_n_skipped(batch) == 0) return CHORUS_OK;
    const int64_t first_row = a->range ? a->range->first_row : 0;
    for (int64_t i = 0; !a->named_by_row && !rc && i < base; i++) {
        snprintf(row, sizeof row, "%" PRId64, first_row + i);
        rc = chorus_votes_set_item_name(a->votes, i, row);
    }
    a->named_by_row = 1;
    for (int64_t r = 0; !rc && r < chorus_dataset_n_records(batch); r++) {
        snprintf(row, sizeof row, "%" PRId64, a->rows + chorus_dataset_source_row(batch, r));
        rc = chorus_votes_set_item_name(a->votes, base + r, row);
    }
    return rc;
}

static int apply_batch(stream_apply *a, const chorus_dataset *batch,
                       const chorus_apply_options *opts, double *seconds, int64_t *limits,
                       apply_progress *progress, chorus_apply_report *llm)
{
    const chorus_lf_set *set = a->set;
    int rc = lf_check_item_ids(set, batch);
    if (rc) return rc;
    if (!a->planned) {
        if ((rc = lf_plan_make(&a->plan, set, batch))) return rc;
        a->planned = 1;
    }
    a->plan.ds = batch;
    if (has_llm(set)) {
        /* Sets with llm LFs are read in one batch: its requests are made once, together. */
        if ((rc = lf_llm_prepare(&a->plan.llm_votes, llm, set, batch))) return rc;
    }
    const int64_t base = chorus_votes_n_items(a->votes);
    /* The progress total is unknown before the end: estimated from the bytes read. */
    const int64_t span = data_stream_file_size(a->stream) - (a->range ? a->range->begin : 0);
    const int64_t read = data_stream_offset(a->stream) - (a->range ? a->range->begin : 0);
    const double items = (double)(base + chorus_dataset_n_records(batch));
    progress->total = read > 0 ? (int64_t)(items * (double)span / (double)read) : 0;
    rc = lf_apply_records(a->votes, &a->plan, opts->n_threads, seconds, limits, progress);
    if (!rc) rc = set->id_field ? name_by_id(a, batch, base) : name_by_row(a, batch, base);
    a->rows += chorus_dataset_n_records(batch) + chorus_dataset_n_skipped(batch);
    return rc;
}

/* After the whole file: the checks a JSONL file allows only once every record was seen. */
static int check_whole_file(stream_apply *a, const char *path)
{
    const chorus_dataset *fields = data_stream_fields(a->stream);
    int rc = CHORUS_OK;
    if (chorus_votes_n_items(a->votes) == 0)
        return chorus_error_set(
            CHORUS_EFORMAT, "%s: no records; expected %s%s", path,
            data_stream_is_jsonl(a->stream) ? "one JSON object per line"
                                            : "one or more rows after the header",
            data_stream_n_skipped(a->stream) ? " (every one was bad and skipped)" : "");
    /* Every batch had the fields the LFs read; the file must have had them too. */
    if (data_stream_is_jsonl(a->stream)) rc = lf_check_file_fields(a->set, fields);
    return rc;
}

int lf_check_file_fields(const chorus_lf_set *set, const chorus_dataset *fields)
{
    apply_plan check;
    int rc = lf_check_item_ids(set, fields);
    if (!rc) rc = lf_plan_make(&check, set, fields);
    if (!rc) lf_plan_free(&check);
    return rc;
}

/* A range of a JSONL file: the fields its records had, for chorus_lf_apply_check_fields. */
static int keep_fields_seen(chorus_apply_report *report, const data_stream *stream)
{
    const chorus_dataset *fields = data_stream_fields(stream);
    const int32_t n = chorus_dataset_n_fields(fields);
    report->fields_seen = calloc(n ? (size_t)n : 1, sizeof *report->fields_seen);
    if (!report->fields_seen) return chorus_error_nomem();
    for (int32_t f = 0; f < n; f++) {
        if (!(report->fields_seen[f] = strdup(chorus_dataset_field_name(fields, f))))
            return chorus_error_nomem();
        report->n_fields_seen = f + 1;
    }
    return CHORUS_OK;
}

static int stream_apply_run(chorus_votes **out, chorus_apply_report **report,
                            const chorus_lf_set *set, const char *path,
                            const chorus_data_options *data_opts, const chorus_data_range *range,
                            const chorus_apply_options *opts)
{
    chorus_apply_options defaults = CHORUS_APPLY_OPTIONS_INIT;
    if (!out || !set || !path)
        return chorus_error_set(CHORUS_EINVAL, "apply: out, set and the data path are required");
    *out = NULL;
    if (report) *report = NULL;
    if (!opts) opts = &defaults;
    const double t0 = omp_get_wtime();
    const int32_t m = set->n_lfs;
    stream_apply a = {.set = set, .range = range, .rows = range ? range->first_row : 0};
    name_list given = {0};
    chorus_apply_report llm = {0};
    apply_progress progress = {opts->progress, opts->progress_ctx, 0, 0};
    chorus_dataset *batch = NULL;
    double *seconds = calloc((size_t)m, sizeof *seconds);
    int64_t *limits = calloc((size_t)m, sizeof *limits);
    /* A set with llm LFs reads the file in one batch, with the fields as the file has them
     * (so an llm LF's missing field fails before any request is made). */
    int rc = !seconds || !limits ? chorus_error_nomem()
             : has_llm(set)      ? CHORUS_OK
                                 : needed_fields(&given, set);
    if (!rc) rc = data_stream_open(&a.stream, path, data_opts, range, given.names, given.n);
    if (!rc) rc = lf_new_votes(&a.votes, set);
    const size_t batch_bytes = has_llm(set) ? SIZE_MAX : STREAM_BATCH_BYTES;
    while (!rc) {
        if ((rc = data_stream_next(a.stream, &batch, batch_bytes)) || !batch) break;
        rc = apply_batch(&a, batch, opts, seconds, limits, &progress, &llm);
        chorus_dataset_free(batch);
        batch = NULL;
    }
    if (!rc && !range) rc = check_whole_file(&a, path);
    if (!rc) {
        data_stream_log_skips(a.stream);
        /* A range's coverage is not the file's: chorus_lf_apply_merge warns for the whole. */
        if (!range) lf_warn_coverage(set, a.votes);
    }
    if (!rc && report)
        rc = lf_make_report(report, set, a.votes, seconds, limits, omp_get_wtime() - t0, &llm);
    if (!rc && report && range && data_stream_is_jsonl(a.stream))
        rc = keep_fields_seen(*report, a.stream);
    if (rc && report) {
        chorus_apply_report_free(*report);
        *report = NULL;
    }
    if (a.planned) lf_plan_free(&a.plan);
    data_stream_close(a.stream);
    free(given.names);
    free(a.ids.slots);
    free(a.item_lines);
    free(seconds);
    free(limits);
    if (rc) {
        chorus_votes_free(a.votes);
        return rc;
    }
    *out = a.votes;
    return CHORUS_OK;
}

int chorus_lf_apply_file(chorus_votes **out, chorus_apply_report **report, const chorus_lf_set *set,
                         const char *path, const chorus_data_options *data_opts,
                         const chorus_apply_options *opts)
{
    return stream_apply_run(out, report, set, path, data_opts, NULL, opts);
}

int chorus_lf_apply_range(chorus_votes **out, chorus_apply_report **report,
                          const chorus_lf_set *set, const char *path,
                          const chorus_data_options *data_opts, const chorus_data_range *range,
                          const chorus_apply_options *opts)
{
    if (!range) return chorus_error_set(CHORUS_EINVAL, "apply: the range is required");
    return stream_apply_run(out, report, set, path, data_opts, range, opts);
}
