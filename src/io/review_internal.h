/* The review container shared by its reader, writer and resolution (review.h). */
#ifndef CHORUS_REVIEW_INTERNAL_H
#define CHORUS_REVIEW_INTERNAL_H

#include <stdint.h>

#include "chorus/review.h"

typedef struct review_row {
    char *item;
    char *answer;  /* NULL: not reviewed */
    char **values; /* n_columns entries (NULL = empty), or NULL for rows read from a file */
    int32_t file;  /* index into chorus_review.paths, -1 for rows added in memory */
    int64_t line;
} review_row;

struct chorus_review {
    int32_t n_columns;
    char **columns;
    unsigned char *numeric;
    review_row *rows;
    int64_t n_rows, cap;
    int64_t n_answered;
    char **paths;
    int32_t n_paths;
};

/* Adds a path to the review's list; its index, or -1 when out of memory (message set). */
int32_t review_add_path(chorus_review *review, const char *path);

/* Appends a row taking ownership of item, answer and values (freed on failure too). An
 * answer that is empty or only blanks is stored as NULL. CHORUS_ENOMEM. */
int review_push(chorus_review *review, char *item, char *answer, char **values, int32_t file,
                int64_t line);

/* "PATH:LINE" of a row into buf, or "row N" for rows added in memory. */
void review_where(char *buf, size_t size, const chorus_review *review, int64_t row);

/* 1 when the path ends in .jsonl, 0 for .csv, -1 (CHORUS_EINVAL set) otherwise. */
int review_is_jsonl(const char *path);

#endif
