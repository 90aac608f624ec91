#ifndef CHORUS_PROBS_INTERNAL_H
#define CHORUS_PROBS_INTERNAL_H

#include "chorus/probs.h"

struct chorus_probs {
    int64_t n_items;
    int32_t n_classes;
    double *data;
    char **class_names;
};

#endif
