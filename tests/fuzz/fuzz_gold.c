/* The gold-label reader; what it accepts must survive a write and a second read. */
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("gold.csv", data, size);
    int32_t *gold = NULL, *again = NULL;
    int64_t n = 0, n_again = 0;
    if (chorus_gold_read(&gold, &n, path, 0) == CHORUS_OK) {
        const char *out = fuzz_path("gold_out.csv");
        FUZZ_CHECK(chorus_gold_write(gold, n, out) == CHORUS_OK, "round trip: write");
        FUZZ_CHECK(chorus_gold_read(&again, &n_again, fuzz_path("gold_out.csv"), 0) == CHORUS_OK,
                   "round trip: read what was written");
        FUZZ_CHECK(n_again == n, "round trip: number of labels");
        FUZZ_CHECK(!n || !memcmp(gold, again, (size_t)n * sizeof *gold), "round trip: labels");
    }
    chorus_free(gold);
    chorus_free(again);
    /* With a class count the reader also rejects labels at or above it. */
    gold = NULL;
    if (chorus_gold_read(&gold, &n, fuzz_path("gold.csv"), 3) == CHORUS_OK)
        for (int64_t i = 0; i < n; i++)
            FUZZ_CHECK(gold[i] >= -1 && gold[i] < 3, "a label outside -1..2 with 3 classes");
    chorus_free(gold);
    return 0;
}
