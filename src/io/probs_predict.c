/*
 * chorus_model_predict_write(): predict a chunk of items, turn it into rows (ids, covered
 * flags, names, review answers, uncovered rows dropped), hand it to the writer, next.
 * Each item's row depends on its own votes alone, so the chunks give the bytes of a
 * whole-matrix predict. The chunks come from a chorus_predictor, which callers that write
 * the rows themselves (the command line under MPI) use too.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/predict.h"
#include "core/error_internal.h"
#include "model/lf_copies.h"
#include "model/model_internal.h"

/* Items predicted and written at once: PREDICT_CHUNK x K doubles held. */
#define PREDICT_CHUNK 65536

struct chorus_predictor {
    const chorus_model *model;
    const chorus_votes *votes; /* the caller's, or `aligned` */
    chorus_votes *aligned;     /* the votes in the model's layout, when they were not */
    em_predictor *em;          /* NULL for majority vote */
    chorus_predict_write_options opts;
    int64_t first_item, n_covered;
    int named;
    int n_threads;
};

void chorus_predictor_free(chorus_predictor *p)
{
    if (!p) return;
    chorus_em_predictor_free(p->em);
    chorus_votes_free(p->aligned);
    free(p);
}

int chorus_predictor_new(chorus_predictor **out, const chorus_model *model,
                         const chorus_votes *votes, int64_t first_item,
                         const chorus_predict_write_options *opts)
{
    const chorus_predict_write_options defaults = CHORUS_PREDICT_WRITE_OPTIONS_INIT;
    *out = NULL;
    if (first_item < 0)
        return chorus_error_set(CHORUS_EINVAL, "the first item's id is %" PRId64 "; expected >= 0",
                                first_item);
    if (opts && (opts->version < 1 || opts->version > CHORUS_PREDICT_WRITE_OPTIONS_VERSION))
        return chorus_error_set(CHORUS_EINVAL,
                                "predict write options version %d is not supported (1..%d are)",
                                opts->version, CHORUS_PREDICT_WRITE_OPTIONS_VERSION);
    chorus_predictor *p = calloc(1, sizeof *p);
    if (!p) return chorus_error_nomem();
    p->model = model;
    p->votes = votes;
    p->opts = defaults;
    /* A version 1 caller's struct ends before the progress fields. */
    if (opts)
        memcpy(&p->opts, opts,
               opts->version >= 2 ? sizeof *opts
                                  : offsetof(chorus_predict_write_options, progress));
    p->opts.version = CHORUS_PREDICT_WRITE_OPTIONS_VERSION;
    p->first_item = first_item;
    p->n_threads = chorus_model_threads(model);
    int rc = chorus_model_align_votes(&p->aligned, model, votes);
    if (p->aligned) p->votes = p->aligned;
    if (!rc) rc = chorus_model_check_compatible(model, p->votes);
    /* The copies' votes were not fitted; they are not predicted from either. */
    chorus_votes *kept = NULL;
    if (!rc) rc = chorus_model_votes_without_copies(&kept, model, p->votes);
    if (kept) {
        chorus_votes_free(p->aligned);
        p->aligned = kept;
        p->votes = kept;
    }
    if (!rc && model->type != CHORUS_MODEL_MV)
        rc = chorus_em_predictor_new(&p->em, model, p->votes);
    if (rc) {
        chorus_predictor_free(p);
        return rc;
    }
    const int64_t n = chorus_votes_n_items(p->votes), *row_ptr = chorus_votes_row_ptr(p->votes);
    for (int64_t i = 0; i < n; i++) {
        p->n_covered += row_ptr[i + 1] > row_ptr[i];
        p->named = p->named || chorus_votes_item_name(p->votes, i) != NULL;
    }
    *out = p;
    return CHORUS_OK;
}

void chorus_predictor_layout(const chorus_predictor *p, chorus_probs_layout *layout)
{
    /* Dropping gives every row an id; names are rows' own: both put an items file beside
     * a .npy, as chorus_probs_write() of the whole matrix would. */
    const int drop = p->opts.drop_uncovered;
    *layout = (chorus_probs_layout){drop ? p->n_covered : chorus_votes_n_items(p->votes),
                                    p->model->n_classes, (const char *const *)p->model->class_names,
                                    1, drop || p->named};
}

/* The rows of items [begin, end) as chorus_model_predict() gives them, then the options. */
int chorus_predictor_rows(chorus_probs **out, const chorus_predictor *r, int64_t begin, int64_t end)
{
    *out = NULL;
    const chorus_model *model = r->model;
    const int32_t k = model->n_classes;
    if (begin < 0 || end < begin || end > chorus_votes_n_items(r->votes))
        return chorus_error_set(CHORUS_EINVAL,
                                "items %" PRId64 "..%" PRId64 " are not a range of the %" PRId64
                                " items of the votes",
                                begin, end, chorus_votes_n_items(r->votes));
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
        ids[i] = r->first_item + begin + i;
        covered[i] = row_ptr[begin + i + 1] > row_ptr[begin + i];
        const int32_t answer = r->opts.answers ? r->opts.answers[begin + i] : -1;
        if (answer < -1 || answer >= k) {
            rc = chorus_error_set(CHORUS_EINVAL,
                                  "the answer of item %" PRId64 " is %" PRId32
                                  ", not a class of 0..%" PRId32,
                                  r->first_item + begin + i, answer, k - 1);
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
    if (!rc && r->opts.drop_uncovered) rc = chorus_probs_drop_uncovered(rows);
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
    chorus_predictor *predictor = NULL;
    chorus_probs_writer *writer = NULL;
    chorus_probs_layout layout;
    int rc = chorus_predictor_new(&predictor, model, votes, 0, opts);
    if (rc) return rc;
    chorus_predictor_layout(predictor, &layout);
    if ((rc = chorus_probs_writer_open(&writer, path, format, &layout))) goto done;
    const int64_t n = chorus_votes_n_items(votes);
    for (int64_t begin = 0; !rc && begin < n; begin += PREDICT_CHUNK) {
        chorus_probs *rows = NULL;
        rc = chorus_predictor_rows(&rows, predictor, begin,
                                   n - begin < PREDICT_CHUNK ? n : begin + PREDICT_CHUNK);
        if (!rc) rc = chorus_probs_writer_add(writer, rows);
        chorus_probs_free(rows);
        if (!rc && predictor->opts.progress) {
            const int64_t done = n - begin < PREDICT_CHUNK ? n : begin + PREDICT_CHUNK;
            predictor->opts.progress(done, n, predictor->opts.progress_ctx);
        }
    }
    if (!rc) {
        rc = chorus_probs_writer_commit(writer);
        writer = NULL;
    }
done:
    chorus_probs_writer_abort(writer);
    chorus_predictor_free(predictor);
    return rc;
}
