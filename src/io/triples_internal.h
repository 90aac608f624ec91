/* What the triples reader shares between reading the rows and building the matrix. */
#ifndef CHORUS_TRIPLES_INTERNAL_H
#define CHORUS_TRIPLES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus/io.h"
#include "io/csv_fields.h"
#include "io/name_table.h"

/* One vote: column values (indices into the name tables, then into the matrix). */
typedef struct chorus_triple {
    int64_t item;
    int64_t lf;
    int64_t label;
    int64_t line;
} chorus_triple;

/* A labeling function that holds the k-th answers (k >= 2) of another, with --duplicates all. */
typedef struct chorus_triples_repeat {
    int32_t lf;
    int32_t k;
} chorus_triples_repeat;

typedef struct chorus_triples_state {
    const char *path;
    chorus_duplicates duplicates;
    int32_t abstain;              /* the label value that means abstain besides -1 */
    chorus_name_table columns[3]; /* item, lf, label */
    int64_t *index[3];            /* a column value's index in the matrix */
    bool named[3];                /* the column holds names, not integers */
    bool labels_declared;         /* a row declared a class without a vote (",,spam") */
    chorus_triple *triples;
    size_t n;
    size_t cap;
    int64_t n_rows; /* data rows, declarations included */
    int32_t n_lfs;  /* labeling functions of the file, before repeats */
    chorus_triples_repeat *repeats;
    int32_t n_repeats;
} chorus_triples_state;

/* 1 if the fields are a triples header: item|task, lf|worker|source, label|vote. */
int chorus_triples_is_header(const chorus_csv_fields *header);

/*
 * Maps the triples to matrix indices, sorts them by item and LF and applies the duplicates
 * policy (logging what it did). CHORUS_EFORMAT for a duplicate with `error`, CHORUS_ENOMEM.
 */
int chorus_triples_resolve_duplicates(chorus_triples_state *st);

/* The matrix of the resolved triples, n_lfs + n_repeats LFs. */
int chorus_triples_build(chorus_votes **out, const chorus_triples_state *st, int64_t n_items,
                         int32_t n_classes);

/* Names the repeat LFs "<name>#<k>" after the LF whose answers they hold. */
int chorus_triples_name_repeats(const chorus_triples_state *st, chorus_votes *votes);

#endif
