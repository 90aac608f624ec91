/*
 * Probabilistic labels: an n_items x n_classes row-major matrix of probabilities, each row
 * summing to 1, plus the class names, and for each row optionally the item it belongs to
 * and whether any labeling function voted on that item (it is "covered"). What
 * chorus_model_predict() produces and what downstream trainers read.
 *
 * An uncovered item's row is the model's class prior: a guess, not a label. The covered
 * flags let writers say so and chorus_probs_drop_uncovered() leave such rows out; the item
 * ids keep the remaining rows tied to their items (and to gold labels) after that.
 */
#ifndef CHORUS_PROBS_H
#define CHORUS_PROBS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chorus_probs chorus_probs;

/* Classes within this distance of a row's top probability are tied for it (Snorkel's
 * tolerance): the hard labels' tie rule (chorus_tie_break) and every check that asks which
 * class a row names. */
#define CHORUS_TIE_TOLERANCE 1e-5

/*
 * The file formats (README.md, "Files"). Each row is one item: its id ("item", the row of
 * the votes it came from), whether it is covered, then its probabilities.
 *
 * CSV    header "item,covered,<class names...>", rows "7,1,0.25,0.75" (covered 1 or 0;
 *        the covered column is left out when the probabilities do not know it). Read
 *        also: the older header of class names only, rows of probabilities only.
 * JSONL  {"item": 7, "covered": true, "label": 1, "class": "SPAM", "probs": [0.25, 0.75]}
 *        per line; "label" / "class" is the hash tie-break hard label; "covered" is left
 *        out when unknown. Read also: lines without "item" or "covered".
 * NPY    a pure float64 n x K C-order array. When the rows are not simply items 0..n-1
 *        (chorus_probs_drop_uncovered() was applied, or ids were set), their ids go to a
 *        CSV beside it, "item,covered" (see chorus_probs_items_path()).
 */
typedef enum chorus_probs_format {
    CHORUS_PROBS_AUTO = 0, /* from the file name: .jsonl, .npy, else CSV */
    CHORUS_PROBS_CSV = 1,
    CHORUS_PROBS_JSONL = 2,
    CHORUS_PROBS_NPY = 3
} chorus_probs_format;

/* Allocates an n_items x n_classes matrix of zeros. */
int chorus_probs_new(chorus_probs **out, int64_t n_items, int32_t n_classes);
void chorus_probs_free(chorus_probs *probs);

int64_t chorus_probs_n_items(const chorus_probs *probs);
int32_t chorus_probs_n_classes(const chorus_probs *probs);
/* Row-major data: item i, class k is at [i * n_classes + k]. */
double *chorus_probs_data(chorus_probs *probs);
const double *chorus_probs_const_data(const chorus_probs *probs);

/* Class names default to "0", "1", ...; setting copies the name. */
const char *chorus_probs_class_name(const chorus_probs *probs, int32_t class_index);
int chorus_probs_set_class_name(chorus_probs *probs, int32_t class_index, const char *name);

/*
 * Item ids: the item (row of the vote matrix) each row belongs to. NULL from
 * chorus_probs_item_ids() when no ids were given: then row i is item i, which
 * chorus_probs_item_id() returns. A file that names its rows' items, even 0..n-1, gives
 * ids, and chorus_eval() then matches rows to gold labels by id.
 */
int64_t chorus_probs_item_id(const chorus_probs *probs, int64_t row);
const int64_t *chorus_probs_item_ids(const chorus_probs *probs);
/*
 * Copies n_items ids, which must be >= 0 and strictly increasing (rows in item order);
 * NULL goes back to row i = item i. CHORUS_EINVAL naming the first bad row, CHORUS_ENOMEM.
 */
int chorus_probs_set_item_ids(chorus_probs *probs, const int64_t *ids);

/*
 * Item names: what the writers put in the "item" column (CSV) or field (JSONL, a string)
 * instead of the id, e.g. the task ids of a crowd file; chorus_model_predict() copies them
 * from the votes' item names. NULL from chorus_probs_item_name() when the row has none.
 * The readers read an "item" column that is not all integers as names (and then no ids).
 * The .npy format keeps them in its items file (written whenever there are names).
 */
const char *chorus_probs_item_name(const chorus_probs *probs, int64_t row);
int chorus_probs_set_item_name(chorus_probs *probs, int64_t row, const char *name);
int chorus_probs_has_item_names(const chorus_probs *probs);

/*
 * Coverage: per row 1 if at least one labeling function voted on the item, else 0. Set by
 * chorus_model_predict() from the votes and read back from files that carry it; NULL when
 * unknown (chorus_probs_new(), files without it).
 */
const uint8_t *chorus_probs_covered(const chorus_probs *probs);
/* Copies n_items flags, each 0 or 1 (CHORUS_EINVAL naming the first other); NULL clears. */
int chorus_probs_set_covered(chorus_probs *probs, const uint8_t *covered);
/* Rows whose item is covered, or -1 when coverage is unknown. */
int64_t chorus_probs_n_covered(const chorus_probs *probs);

/*
 * Removes the rows of uncovered items, in place, keeping the others in order with their
 * item ids (which the probabilities then always have) and names. CHORUS_EINVAL if coverage is
 * unknown.
 */
int chorus_probs_drop_uncovered(chorus_probs *probs);

int chorus_probs_format_parse(chorus_probs_format *out, const char *name);
chorus_probs_format chorus_probs_format_from_path(const char *path);

/*
 * Writes probabilities (shortest decimal that reads back to the same double) in one of the
 * formats above. Written to a temporary file, then renamed. For .npy with item ids the
 * items file is written too, and without ids a stale one is removed, so it never describes
 * another matrix; if either write fails, neither new file is left.
 */
int chorus_probs_write(const chorus_probs *probs, const char *path, chorus_probs_format format);

/*
 * Writing probabilities a run of rows at a time, for matrices too big to hold: the same
 * bytes as chorus_probs_write() of all the rows at once, and the same all-or-nothing
 * files (temporaries renamed into place by commit; abort, or a failed call, leaves none).
 *
 *   chorus_probs_layout layout = {n_rows, k, names, 1, 0};
 *   chorus_probs_writer_open(&w, "probs.npy", CHORUS_PROBS_AUTO, &layout);
 *   for each chunk: chorus_probs_writer_add(w, chunk);   // rows with their item ids
 *   chorus_probs_writer_commit(w);
 */
typedef struct chorus_probs_writer chorus_probs_writer;

typedef struct chorus_probs_layout {
    int64_t n_rows;                 /* rows that will be added (a .npy header says so) */
    int32_t n_classes;              /* 2..65535 */
    const char *const *class_names; /* n_classes names */
    int covered;    /* 1: every added chunk has covered flags, written as a column */
    int items_file; /* .npy: 1 writes the items file beside it, 0 removes a stale one */
} chorus_probs_layout;

/* Opens the temporaries and writes the headers. CHORUS_EINVAL (a class named "item" or
 * "covered" in CSV, counts out of range), CHORUS_EWRITE, CHORUS_ENOMEM; *out NULL then. */
int chorus_probs_writer_open(chorus_probs_writer **out, const char *path,
                             chorus_probs_format format, const chorus_probs_layout *layout);
/*
 * Appends the rows of `rows`, whose item ids (or names) say which items they are. They must
 * have the layout's classes and covered flags when it has them; CHORUS_EINVAL otherwise, or
 * past n_rows; CHORUS_EWRITE. After a failure only chorus_probs_writer_abort() is left.
 */
int chorus_probs_writer_add(chorus_probs_writer *writer, const chorus_probs *rows);
/* Renames the files into place and frees the writer (also on failure, when nothing is left
 * in place). CHORUS_EINVAL when fewer than n_rows rows were added; CHORUS_EWRITE. */
int chorus_probs_writer_commit(chorus_probs_writer *writer);
/* Removes the temporaries and frees the writer; NULL is fine. */
void chorus_probs_writer_abort(chorus_probs_writer *writer);

/*
 * Reads probabilities written by chorus_probs_write() (or any tool writing the same
 * format), the older CSV and JSONL layouts included; for .npy, the items file beside it
 * if there is one. Rows must be non-negative and sum to 1 within 1e-6; ids >= 0 and
 * strictly increasing; covered 1/0 (CSV) or true/false (JSONL). Errors: CHORUS_EIO,
 * CHORUS_EFORMAT with file and line, CHORUS_ENOMEM.
 */
int chorus_probs_read(chorus_probs **out, const char *path, chorus_probs_format format);

/*
 * The items file of a .npy: the path without its ".npy" (if any) plus ".items.csv", e.g.
 * probs.npy -> probs.items.csv. *out is a new string (chorus_free it); CHORUS_ENOMEM.
 */
int chorus_probs_items_path(char **out, const char *npy_path);

/*
 * Writes the rows' "item,covered" (or "item" when coverage is unknown) as CSV, one line
 * per row; reads such a file into probs, which must have as many rows. Errors as for
 * chorus_probs_read().
 */
int chorus_probs_write_items(const chorus_probs *probs, const char *path);
int chorus_probs_read_items(chorus_probs *probs, const char *path);

#ifdef __cplusplus
}
#endif
#endif
