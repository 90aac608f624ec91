/* The checks the two dataset targets share. */
#ifndef CHORUS_FUZZ_DATASET_H
#define CHORUS_FUZZ_DATASET_H

#include <string.h>

#include "fuzz_util.h"

/* Reads every byte of every value, so ASan sees any value that is not what it claims. */
static inline void fuzz_touch_dataset(const chorus_dataset *ds)
{
    int32_t m = chorus_dataset_n_fields(ds);
    unsigned sum = 0;
    for (int32_t f = 0; f < m; f++) {
        const char *name = chorus_dataset_field_name(ds, f);
        FUZZ_CHECK(name != NULL, "a field without a name");
        FUZZ_CHECK(chorus_dataset_find_field(ds, name) >= 0, "a field not found by its name");
    }
    for (int64_t r = 0; r < chorus_dataset_n_records(ds); r++)
        for (int32_t f = 0; f < m; f++) {
            size_t len = 0;
            const char *v = chorus_dataset_value(ds, r, f, &len);
            if (!v) continue;
            for (size_t i = 0; i <= len; i++)
                sum += (unsigned char)v[i];
            FUZZ_CHECK(v[len] == '\0', "a value without its terminating NUL");
        }
    (void)sum;
}

static inline void fuzz_dataset_one(const char *path, chorus_data_format format)
{
    chorus_data_options strict = CHORUS_DATA_OPTIONS_INIT, skipping = CHORUS_DATA_OPTIONS_INIT;
    strict.format = skipping.format = format;
    skipping.skip_bad_rows = 1;
    chorus_dataset *a = NULL, *b = NULL;
    int rc_strict = chorus_dataset_read(&a, path, &strict);
    int rc_skipping = chorus_dataset_read(&b, path, &skipping);
    if (rc_strict == CHORUS_OK) {
        fuzz_touch_dataset(a);
        FUZZ_CHECK(rc_skipping == CHORUS_OK, "skipping bad rows fails where strict reading works");
        FUZZ_CHECK(chorus_dataset_n_skipped(b) == 0, "rows skipped of a file without bad rows");
        FUZZ_CHECK(chorus_dataset_n_records(b) == chorus_dataset_n_records(a),
                   "records differ with skipping on");
        FUZZ_CHECK(chorus_dataset_n_fields(b) == chorus_dataset_n_fields(a),
                   "fields differ with skipping on");
    }
    if (rc_skipping == CHORUS_OK) fuzz_touch_dataset(b);
    chorus_dataset_free(a);
    chorus_dataset_free(b);
}

#endif
