/*
 * The JSONL reader's record state (data_jsonl.c), shared with its fast parser of plain
 * objects (data_jsonl_fast.c).
 */
#ifndef CHORUS_DATA_JSONL_INTERNAL_H
#define CHORUS_DATA_JSONL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "data/dataset_internal.h"

/* One value of a record; field -1 marks the end of a record. */
typedef dataset_cell jsonl_cell;

typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

/* A value stored by the fast parser, its field still to be looked up. */
typedef struct fast_leaf {
    size_t name_off, name_len; /* in jsonl_state.leaf_names */
    int64_t offset;            /* in the arena */
} fast_leaf;

typedef struct jsonl_state {
    chorus_dataset *ds;
    jsonl_cell *cells;
    size_t n_cells, cells_cap;
    strbuf name; /* the dotted name of the value being stored */
    strbuf text; /* a string's decoded text before it goes to the arena */

    /* The fast parser's record until it is known to be valid. */
    fast_leaf *leaves;
    size_t n_leaves, leaves_cap;
    strbuf leaf_names;
    uint64_t *seen; /* hashes of the record's dotted names (0 = free), to spot repeats */
    size_t seen_mask, n_seen;

    /* Streaming: the first n_given fields of each batch are registered before it is read;
     * given_seen[f] becomes 1 once one of them has a value. */
    int32_t n_given;
    unsigned char *given_seen;
} jsonl_state;

/* Appends s[0..n) to b (allocated even for n == 0). CHORUS_ENOMEM. */
int jsonl_put(strbuf *b, const char *s, size_t n);

/* Notes a value of the record being read (field -1 ends the record). CHORUS_ENOMEM. */
int jsonl_put_cell(jsonl_state *st, int32_t field, int64_t offset);

/* A JSON real as jansson's reader spells it, always with a '.' or an exponent. */
void jsonl_real_text(double x, char *buf, size_t size);

/* The fast parser's answer for a line it leaves to jansson. */
#define DECLINE 1

/*
 * Reads the line as one record if it is a plain object: CHORUS_OK once stored, DECLINE
 * (with nothing stored) for jansson to read it, or a negative code.
 */
int jsonl_fast_record(jsonl_state *st, const char *line);

#endif
