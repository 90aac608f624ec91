#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/probs.h"
#include "core/error_internal.h"
#include "probs/probs_internal.h"

int chorus_probs_new(chorus_probs **out, int64_t n_items, int32_t n_classes)
{
    *out = NULL;
    if (n_items < 0 || n_classes < 2 || n_classes > 65535)
        return chorus_error_set(CHORUS_EINVAL,
                                "probabilities need n_items >= 0 and 2..65535 classes, got %" PRId64
                                " x %" PRId32,
                                n_items, n_classes);
    if ((uint64_t)n_items > SIZE_MAX / sizeof(double) / (uint64_t)n_classes)
        return chorus_error_nomem();
    chorus_probs *p = calloc(1, sizeof *p);
    if (!p) return chorus_error_nomem();
    p->n_items = n_items;
    p->n_classes = n_classes;
    size_t cells = (size_t)n_items * (size_t)n_classes;
    p->data = calloc(cells ? cells : 1, sizeof *p->data);
    p->class_names = calloc((size_t)n_classes, sizeof *p->class_names);
    if (!p->data || !p->class_names) {
        chorus_probs_free(p);
        return chorus_error_nomem();
    }
    for (int32_t k = 0; k < n_classes; k++) {
        char buf[16];
        snprintf(buf, sizeof buf, "%" PRId32, k);
        p->class_names[k] = strdup(buf);
        if (!p->class_names[k]) {
            chorus_probs_free(p);
            return chorus_error_nomem();
        }
    }
    *out = p;
    return CHORUS_OK;
}

void chorus_probs_free(chorus_probs *probs)
{
    if (!probs) return;
    if (probs->class_names)
        for (int32_t k = 0; k < probs->n_classes; k++)
            free(probs->class_names[k]);
    free(probs->class_names);
    free(probs->data);
    free(probs);
}

int64_t chorus_probs_n_items(const chorus_probs *probs)
{
    return probs->n_items;
}

int32_t chorus_probs_n_classes(const chorus_probs *probs)
{
    return probs->n_classes;
}

double *chorus_probs_data(chorus_probs *probs)
{
    return probs->data;
}

const double *chorus_probs_const_data(const chorus_probs *probs)
{
    return probs->data;
}

const char *chorus_probs_class_name(const chorus_probs *probs, int32_t class_index)
{
    return class_index >= 0 && class_index < probs->n_classes ? probs->class_names[class_index]
                                                              : NULL;
}

int chorus_probs_set_class_name(chorus_probs *probs, int32_t class_index, const char *name)
{
    if (class_index < 0 || class_index >= probs->n_classes)
        return chorus_error_set(CHORUS_EINVAL, "class index %" PRId32 " is outside 0..%" PRId32,
                                class_index, probs->n_classes - 1);
    if (!name || !*name) return chorus_error_set(CHORUS_EINVAL, "class name is empty");
    char *copy = strdup(name);
    if (!copy) return chorus_error_nomem();
    free(probs->class_names[class_index]);
    probs->class_names[class_index] = copy;
    return CHORUS_OK;
}
