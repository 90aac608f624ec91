/*
 * What the probability readers share: a growing buffer of rows (probabilities, item ids,
 * covered flags) while the number of rows is unknown, and the checks every row passes.
 */
#ifndef CHORUS_PROBS_ROWS_H
#define CHORUS_PROBS_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus/probs.h"

typedef struct chorus_probs_rows {
    int32_t width; /* probabilities per row; 0 for an items file */
    bool has_ids;
    bool has_covered;
    int64_t n;
    int64_t cap;
    double *data;
    int64_t *ids;
    uint8_t *covered;
    /* Each row's item as written, kept until the end decides: all integers in increasing
     * order are ids, anything else makes every row's item a name. */
    char **items;
    bool items_named;
    int64_t order_error_line; /* first row whose integer id is not above the previous */
} chorus_probs_rows;

/*
 * Adds a row: *row gets room for its probabilities (NULL when width is 0); its id and
 * covered flag go to rows->ids[rows->n - 1] and rows->covered[rows->n - 1]. CHORUS_ENOMEM.
 */
int chorus_probs_rows_add(chorus_probs_rows *rows, double **row);

void chorus_probs_rows_free(chorus_probs_rows *rows);

/*
 * CHORUS_EFORMAT "<path>:<line>: column <first_column + c + 1>: ..." unless the row is a
 * distribution (within 1e-6).
 */
int chorus_probs_check_row(const double *row, int32_t k, int32_t first_column, const char *path,
                           int64_t line);

/*
 * The item of the row just added, as written: an id when it is an integer >= 0, else a
 * name. CHORUS_ENOMEM.
 */
int chorus_probs_rows_set_item(chorus_probs_rows *rows, const char *text, size_t len, int64_t line);

/*
 * After the last row: CHORUS_EFORMAT at the first row whose integer id does not increase,
 * unless the items are names.
 */
int chorus_probs_rows_check_items(const chorus_probs_rows *rows, const char *path);

/* The id of the row just added must be above the previous one (ids >= 0 are parsed). */
int chorus_probs_check_id_order(const chorus_probs_rows *rows, const char *path, int64_t line);

/* Moves the rows into a new chorus_probs with the class names (NULL: "0", "1", ...). */
int chorus_probs_rows_finish(chorus_probs **out, chorus_probs_rows *rows, char **names);

/* Sets the ids and covered flags of rows (an items file, width 0) on probs. */
int chorus_probs_rows_attach(chorus_probs *probs, const chorus_probs_rows *rows);

#endif
