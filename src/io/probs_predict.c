/*
 * chorus_model_predict_write(): predict a chunk of items, turn it into rows (ids, covered
 * flags, names, review answers, uncovered rows dropped), hand it to the writer, next.
 * Each item's row depends on its own votes alone, so the chunks give the bytes of a
 * whole-matrix predict.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "chorus/predict.h"
#include "core/error_internal.h"
#include "model/model_internal.h"

/* Items predicted and written at once: PREDICT_CHUNK x K doubles held. */
#define PREDICT_CHUNK 65536

typedef struct predict_run {
    const chorus_model *model;
    const chorus_votes *votes;
    em_predictor *em; /* NULL for majority vote */
    const chorus_predict_write_options *opts;
    int n_threads;
} predict_run;

/* The rows of items [begin, end) as chorus_model_predict() gives them, then the options. */
static int chunk_rows(chorus_probs **out, const predict_run *r, int64_t begin, int64_t end)
{
    const chorus_model *model = r->model;
    const int32_t k = model->n_classes;
    const int64_t n = end - begin, *row_ptr = chorus_votes_row_ptr(r->votes);
    chorus_probs *rows = NULL;
    int64_t *ids = malloc((size_t)(n ? n : 1) * sizeof *ids);
    uint8_t *covered = malloc((size_t)(n ? n : 1));
    int rc = ids && covered ? chorus_probs_new(&rows, n, k) : chorus_error_nomem();
    for (int32_t c = 0; !rc && c < k; c++)
        rc = chorus_probs_set_class_name(rows, c, chorus_model_class_name(model, c));
    if (rc) goto done;
    double *data = chorus_probs_data(rows);
    if (r->em)
        chorus_em_predictor_run(r->em, begin, end, r->n_threads, data);
    else
        chorus_mv_predict_range(model, r->votes, begin, end, r->n_threads, data);
    for (int64_t i = 0; i < n; i++) {
        ids[i] = begin + i;
        covered[i] = row_ptr[begin + i + 1] > row_ptr[begin + i];
        const int32_t answer = r->opts->answers ? r->opts->answers[begin + i] : -1;
        if (answer < -1 || answer >= k) {
            rc = chorus_error_set(CHORUS_EINVAL,
                                  "the answer of item %" PRId64 " is %" PRId32
                                  ", not a class of 0..%" PRId32,
                                  begin + i, answer, k - 1);
            goto done;
        }
        for (int32_t c = 0; answer >= 0 && c < k; c++)
            data[i * k + c] = c == answer ? 1.0 : 0.0;
    }
    rc = chorus_probs_set_item_ids(rows, ids);
    if (!rc) rc = chorus_probs_set_covered(rows, covered);
    for (int64_t i = 0; !rc && chorus_votes_has_item_names(r->votes) && i < n; i++)
        if (chorus_votes_item_name(r->votes, begin + i))
            rc = chorus_probs_set_item_name(rows, i, chorus_votes_item_name(r->votes, begin + i));
    if (!rc && r->opts->drop_uncovered) rc = chorus_probs_drop_uncovered(rows);
done:
    free(ids);
    free(covered);
    if (rc) {
        chorus_probs_free(rows);
        return rc;
    }
    *out = rows;
    return CHORUS_OK;
}

int chorus_model_predict_write(const chorus_model *model, const chorus_votes *votes,
                               const char *path, chorus_probs_format format,
                               const chorus_predict_write_options *opts)
{
    const chorus_predict_write_options defaults = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    chorus_votes *aligned = NULL;
    chorus_probs_writer *writer = NULL;
    predict_run run = {model, votes, NULL, opts ? opts : &defaults, chorus_model_threads(model)};
    int rc = chorus_model_align_votes(&aligned, model, votes);
    if (aligned) run.votes = aligned;
    if (!rc) rc = chorus_model_check_compatible(model, run.votes);
    if (!rc && model->type != CHORUS_MODEL_MV)
        rc = chorus_em_predictor_new(&run.em, model, run.votes);
    if (rc) goto done;
    const int64_t n = chorus_votes_n_items(run.votes), *row_ptr = chorus_votes_row_ptr(run.votes);
    int64_t n_covered = 0;
    int named = 0;
    for (int64_t i = 0; i < n; i++) {
        n_covered += row_ptr[i + 1] > row_ptr[i];
        named = named || chorus_votes_item_name(run.votes, i) != NULL;
    }
    /* Dropping gives every row an id; names are rows' own: both put an items file beside
     * a .npy, as chorus_probs_write() of the whole matrix would. */
    const chorus_probs_layout layout = {run.opts->drop_uncovered ? n_covered : n, model->n_classes,
                                        (const char *const *)model->class_names, 1,
                                        run.opts->drop_uncovered || named};
    if ((rc = chorus_probs_writer_open(&writer, path, format, &layout))) goto done;
    for (int64_t begin = 0; !rc && begin < n; begin += PREDICT_CHUNK) {
        chorus_probs *rows = NULL;
        rc = chunk_rows(&rows, &run, begin, n - begin < PREDICT_CHUNK ? n : begin + PREDICT_CHUNK);
        if (!rc) rc = chorus_probs_writer_add(writer, rows);
        chorus_probs_free(rows);
    }
    if (!rc) {
        rc = chorus_probs_writer_commit(writer);
        writer = NULL;
    }
done:
    chorus_probs_writer_abort(writer);
    chorus_em_predictor_free(run.em);
    chorus_votes_free(aligned);
    return rc;
}
