/* What the vote readers share: their options with defaults filled in, and vote values. */
#ifndef CHORUS_READ_OPTIONS_H
#define CHORUS_READ_OPTIONS_H

#include <stdint.h>

#include "chorus/io.h"

/*
 * Copies the caller's options into *out, taking the defaults for NULL and for the fields
 * a struct of an older version does not have, and checks them: CHORUS_EINVAL saying what
 * is wrong.
 */
int chorus_read_options_resolve(chorus_read_options *out, const chorus_read_options *opts);

/*
 * The vote a value read from a file stands for: CHORUS_ABSTAIN for `abstain` and for -1
 * (which is never a class), class value - abstain - 1 for the values after `abstain`.
 * Returns 0, or -1 when the value is none of these or the class is above max_class.
 */
static inline int chorus_vote_from_value(int64_t value, int32_t abstain, int32_t max_class,
                                         int32_t *vote)
{
    if (value == abstain || value == CHORUS_ABSTAIN) {
        *vote = CHORUS_ABSTAIN;
        return 0;
    }
    /* Compared on the small side: value - abstain overflows for a value near INT64_MAX. */
    if (value <= abstain || value > (int64_t)max_class + abstain + 1) return -1;
    *vote = (int32_t)(value - abstain - 1);
    return 0;
}

/*
 * "-1 (abstain) or a class in 0..K-1", or for another abstain value "-1 or 0 (abstain) or a
 * class value in 1..K": what a vote may be, for messages.
 */
void chorus_vote_expected(char *buf, size_t cap, int32_t abstain, int32_t max_class);

#endif
