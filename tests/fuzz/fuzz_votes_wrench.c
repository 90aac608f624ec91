/* WRENCH's dataset JSON: the vote reader and the gold labels of the same file. What the
 * vote reader accepts must survive a write and a second read (item names included), and
 * the gold labels must be one per item, each -1 or a class. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("votes.json", data, size);
    chorus_votes *votes = NULL;
    int32_t *gold = NULL;
    int64_t n = 0;
    if (chorus_votes_read(&votes, path, NULL) == CHORUS_OK) {
        fuzz_votes_round_trip(votes, CHORUS_FORMAT_CHV, 1);
        if (chorus_gold_read(&gold, &n, fuzz_path("votes.json"), 3) == CHORUS_OK) {
            FUZZ_CHECK(n == chorus_votes_n_items(votes), "one gold label per item");
            for (int64_t i = 0; i < n; i++)
                FUZZ_CHECK(gold[i] >= -1 && gold[i] < 3, "a label outside -1..2 with 3 classes");
        }
        chorus_votes_free(votes);
    }
    chorus_free(gold);
    return 0;
}
