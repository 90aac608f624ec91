/* Hard labels shared by chorus_probs_to_labels() and chorus_eval(). */
#ifndef CHORUS_EVAL_INTERNAL_H
#define CHORUS_EVAL_INTERNAL_H

#include <stdint.h>

#include "chorus/eval.h"

/*
 * Hard labels of every item under `tie_break`; if `tied` is not NULL, tied[i] is set to 1
 * where several classes share the top probability, else 0. Errors: CHORUS_EINVAL naming the
 * first item with a non-finite probability, CHORUS_EINTERNAL if SHA-1 fails.
 */
int chorus_eval_hard_labels(int32_t *out, uint8_t *tied, const chorus_probs *probs,
                            chorus_tie_break tie_break);

#endif
