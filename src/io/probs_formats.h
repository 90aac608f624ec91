/* The text formats of probabilities, behind chorus_probs_write() and chorus_probs_read(). */
#ifndef CHORUS_PROBS_FORMATS_H
#define CHORUS_PROBS_FORMATS_H

#include <stdio.h>

#include "chorus/probs.h"

/* CHORUS_EINVAL when a class is named like a leading column of the CSV (item, covered). */
int chorus_probs_check_csv_names(int32_t k, const char *const *names);
/* The CSV header, "item[,covered],<class names>". */
void chorus_probs_write_csv_header(FILE *fp, int32_t k, const char *const *names, int covered);

/* Writes the rows to an open file (the caller renames it into place); the JSONL lines
 * name their items by id or name, so any run of rows can be written on its own. */
void chorus_probs_write_csv_rows(const chorus_probs *probs, FILE *fp);
int chorus_probs_write_jsonl(const chorus_probs *probs, FILE *fp);
/* The "item[,covered]" lines of the rows for a .npy's items file (after its header). */
void chorus_probs_write_items_rows(const chorus_probs *probs, FILE *fp);

int chorus_probs_read_csv(chorus_probs **out, const char *path);
int chorus_probs_read_jsonl(chorus_probs **out, const char *path);

/* The .npy and its items file together (see chorus_probs_read()). */
int chorus_probs_read_npy_with_items(chorus_probs **out, const char *path);

#endif
