/*
 * The probabilities writer: headers at open, rows as they come, renamed into place at
 * commit. chorus_probs_write() is this writer with every row in one run, so a matrix
 * written a chunk at a time reads byte for byte like one written whole.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus/probs.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/npy_format.h"
#include "io/probs_formats.h"

struct chorus_probs_writer {
    chorus_probs_format format;
    chorus_probs_layout layout;
    int64_t n_written;
    chorus_atomic_file file;
    chorus_atomic_file items; /* the .npy's items file, when the layout has one */
    char *items_path;         /* the .npy's items file path, NULL for CSV and JSONL */
};

void chorus_probs_writer_abort(chorus_probs_writer *w)
{
    if (!w) return;
    chorus_atomic_abort(&w->file);
    chorus_atomic_abort(&w->items);
    free(w->items_path);
    free(w);
}

int chorus_probs_writer_open(chorus_probs_writer **out, const char *path,
                             chorus_probs_format format, const chorus_probs_layout *layout)
{
    *out = NULL;
    if (format == CHORUS_PROBS_AUTO) format = chorus_probs_format_from_path(path);
    if (layout->n_rows < 0 || layout->n_classes < 1 || layout->n_classes > 65535)
        return chorus_error_set(CHORUS_EINVAL,
                                "%s: %" PRId64 " rows x %" PRId32 " classes is not a matrix of "
                                "probabilities",
                                path, layout->n_rows, layout->n_classes);
    if (format == CHORUS_PROBS_CSV) {
        int rc = chorus_probs_check_csv_names(layout->n_classes, layout->class_names);
        if (rc) return rc;
    }
    chorus_probs_writer *w = calloc(1, sizeof *w);
    if (!w) return chorus_error_nomem();
    w->format = format;
    w->layout = *layout;
    w->layout.class_names = NULL; /* only the header uses them */
    int rc = CHORUS_OK;
    if (format == CHORUS_PROBS_NPY) {
        rc = chorus_probs_items_path(&w->items_path, path);
        if (!rc && layout->items_file && !(rc = chorus_atomic_open(&w->items, w->items_path)))
            fputs(layout->covered ? "item,covered\n" : "item\n", w->items.fp);
    }
    if (!rc) rc = chorus_atomic_open(&w->file, path);
    if (!rc && format == CHORUS_PROBS_NPY) {
        int64_t shape[2] = {layout->n_rows, layout->n_classes};
        rc = chorus_npy_write_header(w->file.fp, path, "<f8", 2, shape);
    } else if (!rc && format == CHORUS_PROBS_CSV) {
        chorus_probs_write_csv_header(w->file.fp, layout->n_classes, layout->class_names,
                                      layout->covered);
    }
    if (rc) {
        chorus_probs_writer_abort(w);
        return rc;
    }
    *out = w;
    return CHORUS_OK;
}

int chorus_probs_writer_add(chorus_probs_writer *w, const chorus_probs *rows)
{
    const int64_t n = chorus_probs_n_items(rows);
    if (chorus_probs_n_classes(rows) != w->layout.n_classes ||
        (chorus_probs_covered(rows) != NULL) != (w->layout.covered != 0) ||
        n > w->layout.n_rows - w->n_written)
        return chorus_error_set(CHORUS_EINVAL,
                                "%s: %" PRId64 " rows of %" PRId32 " classes%s do not fit the "
                                "%" PRId64 " rows of %" PRId32 " classes left to write",
                                w->file.path, n, chorus_probs_n_classes(rows),
                                chorus_probs_covered(rows) ? " with covered flags" : "",
                                w->layout.n_rows - w->n_written, w->layout.n_classes);
    int rc = CHORUS_OK;
    switch (w->format) {
    case CHORUS_PROBS_NPY:
        rc = chorus_probs_write_npy_rows(rows, w->file.fp, w->file.path, w->n_written);
        if (!rc && w->items.fp) chorus_probs_write_items_rows(rows, w->items.fp);
        break;
    case CHORUS_PROBS_JSONL:
        rc = chorus_probs_write_jsonl(rows, w->file.fp);
        break;
    default:
        chorus_probs_write_csv_rows(rows, w->file.fp);
    }
    if (!rc) w->n_written += n;
    return rc;
}

int chorus_probs_writer_commit(chorus_probs_writer *w)
{
    int rc = CHORUS_OK;
    if (w->n_written != w->layout.n_rows) {
        rc = chorus_error_set(CHORUS_EINVAL,
                              "%s: %" PRId64 " rows written of the %" PRId64 " announced",
                              w->file.path, w->n_written, w->layout.n_rows);
        chorus_probs_writer_abort(w);
        return rc;
    }
    /* The items file goes first and is taken back if the matrix cannot follow, so neither
     * ever describes another matrix. */
    const int had_items = w->items.fp != NULL;
    if (had_items) rc = chorus_atomic_commit(&w->items);
    if (!rc && (rc = chorus_atomic_commit(&w->file)) && had_items) unlink(w->items_path);
    if (!rc && w->items_path && !had_items && unlink(w->items_path) != 0 && errno != ENOENT)
        rc = chorus_error_set(CHORUS_EWRITE, "%s: cannot remove the stale items file: %s",
                              w->items_path, strerror(errno));
    chorus_probs_writer_abort(w);
    return rc;
}
