/* The .npy vote reader (every integer dtype, both byte orders, format versions 1-3); what
 * it accepts must survive a write and a second read. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("votes.npy", data, size);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_NPY;
    chorus_votes *votes = NULL;
    if (chorus_votes_read_npy(&votes, path, &opts) == CHORUS_OK) {
        fuzz_votes_round_trip(votes, CHORUS_FORMAT_NPY, 0);
        chorus_votes_free(votes);
    }
    return 0;
}
