/*
 * The distinct values of one column of a triples file, in order of first appearance, with
 * a hash index to find them again. Whether every value is an integer is tracked as they
 * come, so the reader can decide at the end whether the column holds indices (integers
 * keep their meaning: item 7 is row 7) or names (numbered by first appearance).
 */
#ifndef CHORUS_NAME_TABLE_H
#define CHORUS_NAME_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct chorus_name_table {
    char **names;        /* n entries, each NUL-terminated */
    int64_t *first_line; /* the line each value first appeared on */
    int64_t *integer;    /* its value while all_integers holds */
    int64_t n;
    int64_t cap;
    int64_t *slots; /* n_slots entries: index + 1, or 0 for empty */
    size_t n_slots;
    bool all_integers;
    int64_t min_integer; /* smallest integer a value may be to count as one */
} chorus_name_table;

/* An empty table; values below min_integer make the column one of names. */
void chorus_name_table_init(chorus_name_table *t, int64_t min_integer);

/*
 * The index of text[0..len), added (with `line`) if new. CHORUS_OK and *index set, or
 * CHORUS_ENOMEM.
 */
int chorus_name_table_add(chorus_name_table *t, const char *text, size_t len, int64_t line,
                          int64_t *index);

/* The index of a NUL-terminated name, or -1. */
int64_t chorus_name_table_find(const chorus_name_table *t, const char *name);

/* The value with the largest integer (all_integers must hold), or -1 when empty. */
int64_t chorus_name_table_argmax(const chorus_name_table *t);

void chorus_name_table_free(chorus_name_table *t);

#endif
