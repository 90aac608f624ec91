/* How chorus inspect shows an item: on a terminal, or as one JSON object per line. */
#ifndef CHORUS_CLI_INSPECT_PRINT_H
#define CHORUS_CLI_INSPECT_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "chorus/chorus.h"

/* Characters of a text field shown on a terminal before it is cut with an ellipsis. */
#define INSPECT_TEXT_CHARS 100

/* What there is to show about the items; the arrays are per item (row of the votes). */
typedef struct inspect_view {
    const chorus_votes *votes;
    const chorus_dataset *data;
    const char *data_path;
    int32_t id_field;      /* the data's id field (spec data.id), or -1 */
    const int32_t *fields; /* the text fields to show */
    int32_t n_fields;
    const int32_t *gold;         /* or NULL */
    const int32_t *model_labels; /* or NULL */
    const double *confidence;    /* the model's probability of its label, or NULL */
    /* With a spec that has llm LFs: per item NULL, or its n_llm cached answers. */
    const chorus_llm_cached *const *llm;
    int32_t n_llm;
    const chorus_lf_set *spec;
} inspect_view;

/* An item on a terminal: its id, gold and model label, text fields cut to
 * INSPECT_TEXT_CHARS with line breaks as spaces, the LFs' votes, and the llm LFs' cached
 * answers with their confidence. Returns 0. */
int inspect_print_item(FILE *out, const inspect_view *v, int64_t item);

/* An item as a line of JSON with its fields in full. Returns 0, -1 when memory runs out,
 * or -2 when a value is not UTF-8 (the message printed, naming the data file and line). */
int inspect_print_item_json(FILE *out, const inspect_view *v, int64_t item);

#endif
