/* Column labeling functions: votes already present in the data, mapped to classes. */
#include <string.h>

#include "lf/lf_internal.h"
#include "lf/spec_internal.h"

int32_t lf_column_vote(const lf_column *column, const chorus_lf_set *set, const char *value,
                       size_t len)
{
    if (!value) return CHORUS_ABSTAIN;
    if (column->by_class_name) {
        int32_t k = lf_set_class_index_n(set, value, len);
        return k >= 0 ? k : CHORUS_ABSTAIN;
    }
    /* Maps are a handful of entries (a model's labels, an annotator's answers): a scan is
     * as fast as hashing and needs no index. */
    for (int32_t i = 0; i < column->n; i++)
        if (strlen(column->values[i]) == len && memcmp(column->values[i], value, len) == 0)
            return column->classes[i];
    return CHORUS_ABSTAIN;
}
