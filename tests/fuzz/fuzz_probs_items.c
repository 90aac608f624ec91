/*
 * The items file beside a probabilities .npy ("item,covered" per row). The reader fills a
 * matrix of as many rows as the file has lines (at most a few thousand, so the matrix
 * stays small); what it accepts must survive a write and a second read.
 */
#include <string.h>

#include "fuzz_util.h"

enum { MAX_ROWS = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (size && data[size - 1] != '\n') lines++;
    if (lines > MAX_ROWS) return 0;
    /* A header line, if there is one, is not a row; try both counts. */
    for (int64_t rows = lines; rows >= 0 && rows + 1 >= lines; rows--) {
        chorus_probs *probs = NULL, *again = NULL;
        if (chorus_probs_new(&probs, rows, 2) != CHORUS_OK) return 0;
        double *p = chorus_probs_data(probs);
        for (int64_t i = 0; i < rows; i++)
            p[2 * i] = p[2 * i + 1] = 0.5;
        const char *path = fuzz_write_file("probs.items.csv", data, size);
        if (chorus_probs_read_items(probs, path) == CHORUS_OK) {
            FUZZ_CHECK(chorus_probs_write_items(probs, fuzz_path("out.items.csv")) == CHORUS_OK,
                       "round trip: write");
            FUZZ_CHECK(chorus_probs_new(&again, rows, 2) == CHORUS_OK, "allocate");
            memcpy(chorus_probs_data(again), p, (size_t)(2 * rows) * sizeof *p);
            FUZZ_CHECK(chorus_probs_read_items(again, fuzz_path("out.items.csv")) == CHORUS_OK,
                       "round trip: read what was written");
            fuzz_check_probs_equal(probs, again);
        }
        chorus_probs_free(probs);
        chorus_probs_free(again);
    }
    return 0;
}
