/* The probability reader for CSV (predict's output); what it accepts must survive a write
 * and a second read unchanged: values, class names, item ids and covered flags. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("probs.csv", data, size);
    chorus_probs *probs = NULL, *again = NULL;
    if (chorus_probs_read(&probs, path, CHORUS_PROBS_CSV) == CHORUS_OK) {
        FUZZ_CHECK(chorus_probs_write(probs, fuzz_path("out.csv"), CHORUS_PROBS_CSV) == CHORUS_OK,
                   "round trip: write");
        FUZZ_CHECK(chorus_probs_read(&again, fuzz_path("out.csv"), CHORUS_PROBS_CSV) == CHORUS_OK,
                   "round trip: read what was written");
        fuzz_check_probs_equal(probs, again);
    }
    chorus_probs_free(probs);
    chorus_probs_free(again);
    return 0;
}
