/*
 * The table of EM label-model families. Every prior is centred on the LF's overall output
 * distribution (its "shape"): with no evidence an LF fires the same way whatever the
 * class, i.e. carries no signal. That keeps unipolar LFs (one class or abstain, most
 * weak-supervision LFs) from being pulled toward outputs they never produce, which is what
 * makes symmetric smoothing collapse.
 */
#include <stddef.h>

#include "model/em_family.h"

static const em_family *const families[] = {
    &chorus_em_family_ds,      &chorus_em_family_ds_noabstain, &chorus_em_family_class_acc,
    &chorus_em_family_onecoin, &chorus_em_family_pooled,
};

const em_family *chorus_em_family(chorus_model_type type)
{
    for (size_t f = 0; f < sizeof families / sizeof *families; f++)
        if (families[f]->type == type) return families[f];
    return NULL;
}

bool chorus_em_abstain_informative(chorus_model_type type)
{
    const em_family *family = chorus_em_family(type);
    return family && family->abstain_informative;
}
