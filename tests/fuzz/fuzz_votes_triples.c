/* The triples (item,lf,label) reader; what it accepts must survive a write and a second
 * read. Triples carry no names, so only the votes are compared. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("votes.csv", data, size);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_TRIPLES;
    chorus_votes *votes = NULL;
    if (chorus_votes_read_triples(&votes, path, &opts) == CHORUS_OK) {
        fuzz_votes_round_trip(votes, CHORUS_FORMAT_TRIPLES, 0);
        chorus_votes_free(votes);
    }
    return 0;
}
