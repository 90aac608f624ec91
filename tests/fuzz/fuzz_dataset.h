/* The checks the two dataset targets share. */
#ifndef CHORUS_FUZZ_DATASET_H
#define CHORUS_FUZZ_DATASET_H

#include <string.h>

#include "data/data_stream.h"
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

/*
 * The records of `whole`, read again through the ranges of n-way splits and in small
 * batches, must be the same records with the same values and lines: the ranges start on
 * record boundaries and the streams lose nothing between batches.
 */
static inline void fuzz_ranges_match(const char *path, const chorus_data_options *opts,
                                     const chorus_dataset *whole)
{
    for (int32_t n = 1; n <= 4; n++) {
        chorus_data_range ranges[5];
        int32_t n_ranges = n;
        if (n == 4) { /* the whole file as one stream, in tiny batches */
            ranges[0] = (chorus_data_range){0, -1, 1, 0};
            n_ranges = 1;
        } else if (chorus_data_split(ranges, n, path, opts) != CHORUS_OK) {
            FUZZ_CHECK(0, "a file that reads cannot be split");
        }
        int64_t record = 0;
        for (int32_t r = 0; r < n_ranges; r++) {
            data_stream *s = NULL;
            FUZZ_CHECK(data_stream_open(&s, path, opts, &ranges[r], NULL, 0) == CHORUS_OK,
                       "a range of a file that reads does not open");
            for (;;) {
                chorus_dataset *batch = NULL;
                int rc = data_stream_next(s, &batch, n == 4 ? 1 : 64);
                FUZZ_CHECK(rc == CHORUS_OK, "a range of a file that reads does not read");
                if (!batch) break;
                for (int64_t i = 0; i < chorus_dataset_n_records(batch); i++, record++) {
                    FUZZ_CHECK(record < chorus_dataset_n_records(whole), "records added");
                    FUZZ_CHECK(chorus_dataset_source_line(batch, i) ==
                                   chorus_dataset_source_line(whole, record),
                               "a record's line differs");
                    for (int32_t f = 0; f < chorus_dataset_n_fields(batch); f++) {
                        int32_t g =
                            chorus_dataset_find_field(whole, chorus_dataset_field_name(batch, f));
                        FUZZ_CHECK(g >= 0, "a field the whole file does not have");
                        const char *a = chorus_dataset_value(batch, i, f, NULL);
                        const char *b = chorus_dataset_value(whole, record, g, NULL);
                        FUZZ_CHECK((!a && !b) || (a && b && strcmp(a, b) == 0), "a value differs");
                    }
                }
                chorus_dataset_free(batch);
            }
            data_stream_close(s);
        }
        FUZZ_CHECK(record == chorus_dataset_n_records(whole), "records lost");
    }
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
        fuzz_ranges_match(path, &strict, a);
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
