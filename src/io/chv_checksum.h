/*
 * The checksums of a .chv file (docs/chv-format.md): the header's XXH3-64 of the whole
 * file, and since version 2.1 the block checksum table, the XXH3-64 of each block of the
 * bytes before the table, so a process that reads only its part of the file (chv_range.c)
 * can verify what it read without reading the rest.
 */
#ifndef CHORUS_CHV_CHECKSUM_H
#define CHORUS_CHV_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <xxhash.h>

#include "io/chv_format.h"

/* CHORUS_EFORMAT: the header's checksum is not the file's. */
int chv_checksum_mismatch(const char *path, uint64_t stored, uint64_t actual);

/* The writer's block size, 1 MiB: a process reads at most two blocks it does not need. */
#define CHV_BLOCK_LOG2 20
/* The block sizes a reader accepts: 4 KiB .. 1 GiB. */
#define CHV_BLOCK_LOG2_MIN 12
#define CHV_BLOCK_LOG2_MAX 30

/* Blocks of a table that starts at `covered` (the bytes before it), of 2^log2 bytes. */
static inline uint64_t chv_block_count(uint64_t covered, int log2)
{
    return (covered + ((uint64_t)1 << log2) - 1) >> log2;
}

/*
 * With the table flagged: a known block size, aligned after the last section, sized one
 * u64 per block of the bytes before it, within the file. CHORUS_EFORMAT naming the header
 * field otherwise. `end` is where the last section before the table ends.
 */
int chv_check_block_sums_layout(const char *path, const chv_header *h, uint64_t end);

/*
 * Hashes the bytes of a file in order, block by block (bytes past the table's offset are
 * ignored). The header must be fed with its checksum field read as zero.
 */
typedef struct chv_block_hasher {
    XXH3_state_t *state;
    uint64_t block_size, covered, pos, n_blocks;
    uint64_t *sums; /* n_blocks, filled as each block ends */
} chv_block_hasher;

int chv_block_hasher_init(chv_block_hasher *b, const chv_header *h);
void chv_block_hasher_update(chv_block_hasher *b, const void *data, size_t n);
void chv_block_hasher_free(chv_block_hasher *b);

/*
 * Compares the hashes of a whole pass (b, fed every byte up to the table) with the table
 * as stored (little-endian u64s). CHORUS_EFORMAT naming the first block that differs.
 */
int chv_block_sums_compare(const char *path, const chv_header *h, const chv_block_hasher *b,
                           const unsigned char *table);

/*
 * Verifies a file held whole in memory (mapped): the checksum, then every block of the
 * block checksum table if it has one. CHORUS_EFORMAT naming what does not match.
 */
int chv_verify_image(const char *path, const chv_header *h, const unsigned char *image);

/* The table, read from the file into *out (freed by the caller). */
int chv_block_sums_read(uint64_t **out, int fd, const char *path, const chv_header *h);

/*
 * Verifies the blocks that hold bytes [from, to) of the file against the table, reading
 * each whole block. Blocks below *next were verified before and are skipped; *next moves
 * past the last block verified, so spans given in increasing order read each block once.
 */
int chv_block_sums_verify(int fd, const char *path, const chv_header *h, const uint64_t *table,
                          uint64_t from, uint64_t to, uint64_t *next);

#endif
