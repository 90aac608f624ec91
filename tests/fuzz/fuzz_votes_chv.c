/*
 * The .chv reader. The block checksums (where the header's table fields fit the file) and
 * the checksum field are recomputed over the mutated bytes before the read, so
 * verification stays on and the fuzzer reaches the sections instead of stopping at a
 * mismatch every time. The file is read twice, mapped and into memory: both readers must
 * agree, and what they accept must survive a write and a second read, and read as two
 * ranges of items (as two processes of a distributed job would) with the same votes.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "fuzz_util.h"

/* Where docs/chv-format.md puts the checksum: XXH3-64 of the file, this field as zero. */
enum { CHECKSUM_OFFSET = 56, CHECKSUM_SIZE = 8 };

/* Where it puts the block checksum table (since 2.1): offset, size, log2 of the block. */
enum { FLAGS_OFFSET = 16, BLOCK_SUMS_FLAG = 0x8, TABLE_OFFSET = 144, TABLE_LOG2 = 160 };

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return x;
}

static void put_block_sums(uint8_t *image, size_t size)
{
    if (size < 192 || !(image[FLAGS_OFFSET] & BLOCK_SUMS_FLAG)) return;
    const uint64_t off = get_u64(image + TABLE_OFFSET), bytes = get_u64(image + TABLE_OFFSET + 8);
    if (off > size || bytes > size - off || image[TABLE_LOG2] > 30 || off < 64) return;
    const uint64_t block = (uint64_t)1 << image[TABLE_LOG2];
    uint8_t saved[CHECKSUM_SIZE];
    memcpy(saved, image + CHECKSUM_OFFSET, CHECKSUM_SIZE);
    memset(image + CHECKSUM_OFFSET, 0, CHECKSUM_SIZE);
    for (uint64_t b = 0; b * block < off && 8 * b + 8 <= bytes; b++) {
        const uint64_t n = off - b * block < block ? off - b * block : block;
        const uint64_t sum = XXH3_64bits(image + b * block, (size_t)n);
        /* Entries lie at or after off, outside the blocks they cover. */
        for (int i = 0; i < 8; i++)
            image[off + 8 * b + (uint64_t)i] = (uint8_t)(sum >> (8 * i));
    }
    memcpy(image + CHECKSUM_OFFSET, saved, CHECKSUM_SIZE);
}

/* Read as two ranges, the file must give the whole read's shape. */
static void check_ranges(const chorus_votes *whole, const char *path)
{
    const int64_t n = chorus_votes_n_items(whole), half = n / 2;
    chorus_votes *first = NULL, *second = NULL;
    int rc_first = chorus_votes_read_chv_range(&first, path, 0, half);
    int rc_second = chorus_votes_read_chv_range(&second, path, half, n);
    FUZZ_CHECK(rc_first == CHORUS_OK && rc_second == CHORUS_OK,
               "the range reader refuses a file the whole-file reader accepts");
    FUZZ_CHECK(chorus_votes_n_items(first) == half && chorus_votes_n_items(second) == n - half,
               "the ranges do not hold their items");
    FUZZ_CHECK(chorus_votes_nnz(first) + chorus_votes_nnz(second) == chorus_votes_nnz(whole),
               "the ranges do not hold the file's votes");
    chorus_votes_free(first);
    chorus_votes_free(second);
}

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
    put_block_sums(image, size);
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
        check_ranges(mapped, fuzz_path("votes.chv"));
    }
    chorus_votes_free(mapped);
    chorus_votes_free(copied);
    return 0;
}
