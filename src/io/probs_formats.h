/* The text formats of probabilities, behind chorus_probs_write() and chorus_probs_read(). */
#ifndef CHORUS_PROBS_FORMATS_H
#define CHORUS_PROBS_FORMATS_H

#include <stdio.h>

#include "chorus/probs.h"

/* Writes the rows to an open file (the caller renames it into place). */
int chorus_probs_write_csv(const chorus_probs *probs, FILE *fp);
int chorus_probs_write_jsonl(const chorus_probs *probs, FILE *fp);

int chorus_probs_read_csv(chorus_probs **out, const char *path);
int chorus_probs_read_jsonl(chorus_probs **out, const char *path);

/* The .npy and its items file together (see chorus_probs_write()). */
int chorus_probs_write_npy_with_items(const chorus_probs *probs, const char *path);
int chorus_probs_read_npy_with_items(chorus_probs **out, const char *path);

#endif
