/* Options of the synthetic generator: older versions accepted, every field checked. */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "core/error_internal.h"
#include "synth/synth_internal.h"

/* A version 1 struct ends where the version 2 fields begin, a version 2 one where the
 * version 3 fields do, and so on. */
#define SYNTH_OPTIONS_V1_SIZE offsetof(chorus_synth_options, one_class_share)
#define SYNTH_OPTIONS_V2_SIZE offsetof(chorus_synth_options, progress)
#define SYNTH_OPTIONS_V3_SIZE offsetof(chorus_synth_options, narrow_precise)
#define SYNTH_OPTIONS_V4_SIZE offsetof(chorus_synth_options, salience)

static int check_range(const char *what, double lo, double hi)
{
    if (!(0 <= lo && lo <= hi && hi <= 1))
        return chorus_error_set(
            CHORUS_EINVAL, "%s range must satisfy 0 <= min <= max <= 1, got %g..%g", what, lo, hi);
    return CHORUS_OK;
}

static int check_share(const char *what, double x)
{
    if (!(x >= 0 && x <= 1))
        return chorus_error_set(CHORUS_EINVAL, "%s must be in [0, 1], got %g", what, x);
    return CHORUS_OK;
}

/* `room`: how many LFs the groups may take; `of_what` says which LFs those are. */
static int check_groups(const char *what, int32_t groups, int32_t size, int64_t room,
                        const char *of_what)
{
    if (groups < 0 || size < 0 || (groups > 0 && size < 2) || (int64_t)groups * size > room)
        return chorus_error_set(CHORUS_EINVAL,
                                "%s groups: %" PRId32 " groups of %" PRId32
                                " LFs need sizes >= 2 and at most %" PRId64 " LFs in all%s",
                                what, groups, size, room, of_what);
    return CHORUS_OK;
}

static int check_balance(const chorus_synth_options *o)
{
    int given = (o->first_class_share != 0) + (o->imbalance != 0) + (o->class_balance != NULL);
    if (given > 1)
        return chorus_error_set(CHORUS_EINVAL, "give at most one of the share of the first "
                                               "class, the imbalance and the class balance");
    if (!(o->first_class_share >= 0 && o->first_class_share < 1))
        return chorus_error_set(CHORUS_EINVAL,
                                "share of the first class must be in [0, 1) (0 = balanced), got %g",
                                o->first_class_share);
    if (!(o->imbalance == 0 || (o->imbalance >= 1 && o->imbalance <= 1e6)))
        return chorus_error_set(CHORUS_EINVAL,
                                "imbalance (largest class / smallest class) must be in 1..1e6 "
                                "(0 = not used), got %g",
                                o->imbalance);
    if (!o->class_balance) return CHORUS_OK;
    double sum = 0;
    for (int32_t k = 0; k < o->n_classes; k++) {
        double x = o->class_balance[k];
        if (!(x > 0 && x <= 1))
            return chorus_error_set(
                CHORUS_EINVAL,
                "class balance: the share of class %" PRId32 " must be in (0, 1], got %g", k, x);
        sum += x;
    }
    if (fabs(sum - 1) > 1e-6)
        return chorus_error_set(CHORUS_EINVAL,
                                "class balance: the %" PRId32 " shares must sum to 1, got %.9g",
                                o->n_classes, sum);
    return CHORUS_OK;
}

int synth_options_resolve(chorus_synth_options *out, const chorus_synth_options *in)
{
    const chorus_synth_options defaults = CHORUS_SYNTH_OPTIONS_INIT;
    if (in->version >= 1 && in->version <= 4) {
        /* The caller's struct is only as long as its version's: read no further. */
        const size_t size[] = {SYNTH_OPTIONS_V1_SIZE, SYNTH_OPTIONS_V2_SIZE, SYNTH_OPTIONS_V3_SIZE,
                               SYNTH_OPTIONS_V4_SIZE};
        *out = defaults;
        memcpy(out, in, size[in->version - 1]);
        out->version = CHORUS_SYNTH_OPTIONS_VERSION;
    } else if (in->version == CHORUS_SYNTH_OPTIONS_VERSION) {
        *out = *in;
    } else {
        return chorus_error_set(CHORUS_EINVAL,
                                "synth options version %u is not supported (1 to %d are)",
                                in->version, CHORUS_SYNTH_OPTIONS_VERSION);
    }
    return chorus_synth_options_check(out);
}

int chorus_synth_options_check(const chorus_synth_options *o)
{
    /* Resolving an older struct checks the current version it becomes. */
    if (o->version != CHORUS_SYNTH_OPTIONS_VERSION) {
        chorus_synth_options resolved;
        return synth_options_resolve(&resolved, o);
    }
    int rc;
    if (o->n_items < 1 || o->n_items > ((int64_t)1 << 36))
        return chorus_error_set(CHORUS_EINVAL, "number of items must be 1..2^36, got %" PRId64,
                                o->n_items);
    if (o->n_lfs < 1 || o->n_lfs > 100000)
        return chorus_error_set(CHORUS_EINVAL, "number of LFs must be 1..100000, got %" PRId32,
                                o->n_lfs);
    if (o->n_classes < 2 || o->n_classes > 1000)
        return chorus_error_set(CHORUS_EINVAL, "number of classes must be 2..1000, got %" PRId32,
                                o->n_classes);
    if ((rc = check_range("accuracy", o->accuracy_min, o->accuracy_max)) ||
        (rc = check_range("coverage", o->coverage_min, o->coverage_max)))
        return rc;
    if ((rc = check_groups("copy", o->copy_groups, o->copy_group_size, o->n_lfs, "")) ||
        (rc = check_groups("correlated", o->correlated_groups, o->correlated_group_size,
                           (int64_t)o->n_lfs - (int64_t)o->copy_groups * o->copy_group_size,
                           ", the LFs not in copy groups")))
        return rc;
    if ((rc = check_share("correlation", o->correlation)) ||
        (rc = check_share("share of one-class LFs", o->one_class_share)) ||
        (rc = check_share("share of adversarial LFs", o->adversarial_share)))
        return rc;
    /* Mirroring below chance needs accuracies above chance: a = 1/K would mirror onto
     * chance itself, so such an LF would not be adversarial. */
    if (o->adversarial_share > 0 && !(o->accuracy_min > 1.0 / o->n_classes))
        return chorus_error_set(CHORUS_EINVAL,
                                "adversarial LFs mirror the accuracy range below chance, which "
                                "needs accuracies above 1/K = %g; got a minimum of %g",
                                1.0 / o->n_classes, o->accuracy_min);
    if (o->narrow_precise != 0 && o->narrow_precise != 1)
        return chorus_error_set(CHORUS_EINVAL, "narrow_precise must be 0 or 1, got %d",
                                o->narrow_precise);
    /* At 1 every LF would fire on the same items, whatever its own draw. */
    if (!(o->salience >= 0 && o->salience < 1))
        return chorus_error_set(CHORUS_EINVAL, "salience must be in [0, 1), got %g", o->salience);
    return check_balance(o);
}
