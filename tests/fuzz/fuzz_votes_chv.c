/*
 * The .chv reader. The checksum field is recomputed over the mutated bytes before the
 * read, so verification stays on and the fuzzer reaches the sections instead of stopping
 * at a mismatch every time. The file is read twice, mapped and into memory: both readers
 * must agree, and what they accept must survive a write and a second read.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "fuzz_util.h"

/* Where docs/chv-format.md puts the checksum: XXH3-64 of the file, this field as zero. */
enum { CHECKSUM_OFFSET = 56, CHECKSUM_SIZE = 8 };

static void put_checksum(uint8_t *image, size_t size)
{
    if (size < CHECKSUM_OFFSET + CHECKSUM_SIZE) return;
    memset(image + CHECKSUM_OFFSET, 0, CHECKSUM_SIZE);
    uint64_t sum = XXH3_64bits(image, size);
    for (int i = 0; i < CHECKSUM_SIZE; i++)
        image[CHECKSUM_OFFSET + i] = (uint8_t)(sum >> (8 * i));
}

static int read_chv(chorus_votes **out, const char *path, int use_mmap)
{
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = CHORUS_FORMAT_CHV;
    opts.verify_checksum = 1;
    opts.use_mmap = use_mmap;
    return chorus_votes_read_chv(out, path, &opts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *image = malloc(size ? size : 1);
    if (!image) return 0;
    memcpy(image, data, size);
    put_checksum(image, size);
    const char *path = fuzz_write_file("votes.chv", image, size);
    free(image);

    chorus_votes *mapped = NULL, *copied = NULL;
    int rc_mapped = read_chv(&mapped, path, 1);
    int rc_copied = read_chv(&copied, fuzz_path("votes.chv"), 0);
    FUZZ_CHECK(rc_mapped == rc_copied, "mapped and copied reads disagree on the status");
    if (rc_mapped == CHORUS_OK) {
        fuzz_check_votes_equal(mapped, copied, 1);
        fuzz_votes_round_trip(mapped, CHORUS_FORMAT_CHV, 1);
    }
    chorus_votes_free(mapped);
    chorus_votes_free(copied);
    return 0;
}
