/* The checksums of a .chv file: of the whole file, and of its blocks (chv_checksum.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "core/error_internal.h"
#include "io/chv_checksum.h"
#include "io/chv_read.h"

int chv_checksum_mismatch(const char *path, uint64_t stored, uint64_t actual)
{
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: checksum mismatch: header field checksum at byte offset %d is "
                            "0x%016" PRIx64 "; expected 0x%016" PRIx64 ", the XXH3-64 of the "
                            "contents (the file is corrupt)",
                            path, OFF_CHECKSUM, stored, actual);
}

int chv_check_block_sums_layout(const char *path, const chv_header *h, uint64_t end)
{
    if (!chv_has_block_sums(h)) return CHORUS_OK;
    if (h->block_log2 < CHV_BLOCK_LOG2_MIN || h->block_log2 > CHV_BLOCK_LOG2_MAX)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: header field block_size_log2 at byte offset %d is %u; "
                                "expected %d..%d",
                                path, OFF_BLOCK_LOG2, h->block_log2, CHV_BLOCK_LOG2_MIN,
                                CHV_BLOCK_LOG2_MAX);
    const uint64_t off = h->block_sums_offset, size = h->block_sums_size;
    if (off % CHV_ALIGN != 0 || off < end)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: block checksum table offset %" PRIu64 " (header byte offset "
                                "%d); expected a multiple of %d at or after byte offset %" PRIu64
                                ", where the sections before it end",
                                path, off, OFF_BLOCK_SUMS, CHV_ALIGN, end);
    const uint64_t expected = 8 * chv_block_count(off, h->block_log2);
    if (size != expected)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: block checksum table size %" PRIu64 " (header byte offset "
                                "%d); expected %" PRIu64 " (8 bytes for each block of the %" PRIu64
                                " bytes before it)",
                                path, size, OFF_BLOCK_SUMS + 8, expected, off);
    return chv_check_within_file(h, path, "block checksum table", off, size);
}

int chv_block_hasher_init(chv_block_hasher *b, const chv_header *h)
{
    memset(b, 0, sizeof *b);
    b->block_size = (uint64_t)1 << h->block_log2;
    b->covered = h->block_sums_offset;
    b->n_blocks = chv_block_count(b->covered, h->block_log2);
    /* The table's size was checked against the file's, so this is bounded by it. */
    b->sums = calloc(b->n_blocks ? (size_t)b->n_blocks : 1, sizeof *b->sums);
    b->state = XXH3_createState();
    if (!b->sums || !b->state) {
        chv_block_hasher_free(b);
        return chorus_error_nomem();
    }
    XXH3_64bits_reset(b->state);
    return CHORUS_OK;
}

void chv_block_hasher_update(chv_block_hasher *b, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n > 0 && b->pos < b->covered) {
        const uint64_t block = b->pos / b->block_size;
        uint64_t block_end = (block + 1) * b->block_size;
        if (block_end > b->covered) block_end = b->covered;
        const size_t take = block_end - b->pos < n ? (size_t)(block_end - b->pos) : n;
        XXH3_64bits_update(b->state, p, take);
        p += take;
        n -= take;
        b->pos += take;
        if (b->pos == block_end) {
            b->sums[block] = XXH3_64bits_digest(b->state);
            XXH3_64bits_reset(b->state);
        }
    }
}

void chv_block_hasher_free(chv_block_hasher *b)
{
    if (b->state) XXH3_freeState(b->state);
    free(b->sums);
    b->state = NULL;
    b->sums = NULL;
}

static int block_mismatch(const char *path, const chv_header *h, uint64_t block, uint64_t stored,
                          uint64_t actual)
{
    const uint64_t size = (uint64_t)1 << h->block_log2, first = block * size;
    const uint64_t last = first + size < h->block_sums_offset ? first + size : h->block_sums_offset;
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: checksum mismatch in bytes %" PRIu64 "..%" PRIu64
                            " (block %" PRIu64 "): the block checksum table at byte offset "
                            "%" PRIu64 " says 0x%016" PRIx64 "; the bytes hash to 0x%016" PRIx64
                            " (the file is corrupt)",
                            path, first, last - 1, block, h->block_sums_offset + 8 * block, stored,
                            actual);
}

int chv_block_sums_compare(const char *path, const chv_header *h, const chv_block_hasher *b,
                           const unsigned char *table)
{
    for (uint64_t i = 0; i < b->n_blocks; i++) {
        const uint64_t stored = chv_get_u64(table + 8 * i);
        if (stored != b->sums[i]) return block_mismatch(path, h, i, stored, b->sums[i]);
    }
    return CHORUS_OK;
}

int chv_block_sums_read(uint64_t **out, int fd, const char *path, const chv_header *h)
{
    *out = NULL;
    const uint64_t n = h->block_sums_size / 8;
    unsigned char *bytes = malloc(n ? (size_t)h->block_sums_size : 1);
    uint64_t *table = malloc(n ? (size_t)n * sizeof *table : 1);
    int rc = bytes && table ? CHORUS_OK : chorus_error_nomem();
    if (!rc) rc = chv_read_at(fd, path, bytes, (size_t)h->block_sums_size, h->block_sums_offset);
    for (uint64_t i = 0; !rc && i < n; i++)
        table[i] = chv_get_u64(bytes + 8 * i);
    free(bytes);
    if (rc) {
        free(table);
        return rc;
    }
    *out = table;
    return CHORUS_OK;
}

int chv_block_sums_verify(int fd, const char *path, const chv_header *h, const uint64_t *table,
                          uint64_t from, uint64_t to, uint64_t *next)
{
    if (to > h->block_sums_offset) to = h->block_sums_offset;
    if (from >= to) return CHORUS_OK;
    const uint64_t size = (uint64_t)1 << h->block_log2;
    uint64_t block = from / size;
    const uint64_t last = (to - 1) / size;
    if (block < *next) block = *next;
    if (block > last) return CHORUS_OK;
    unsigned char *buf = malloc((size_t)size);
    if (!buf) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (; block <= last && !rc; block++) {
        const uint64_t first = block * size;
        const uint64_t n =
            first + size < h->block_sums_offset ? size : h->block_sums_offset - first;
        if ((rc = chv_read_at(fd, path, buf, (size_t)n, first))) break;
        /* Block 0 holds the header, whose checksum field is read as zero. */
        if (block == 0) memset(buf + OFF_CHECKSUM, 0, 8);
        const uint64_t actual = XXH3_64bits(buf, (size_t)n);
        if (actual != table[block]) rc = block_mismatch(path, h, block, table[block], actual);
    }
    if (!rc) *next = last + 1;
    free(buf);
    return rc;
}

int chv_verify_image(const char *path, const chv_header *h, const unsigned char *image)
{
    chv_block_hasher blocks = {0};
    XXH3_state_t *whole = XXH3_createState();
    int rc = whole ? CHORUS_OK : chorus_error_nomem();
    if (!rc && chv_has_block_sums(h)) rc = chv_block_hasher_init(&blocks, h);
    if (rc) goto done;
    XXH3_64bits_reset(whole);
    unsigned char header[CHV_HEADER_SIZE];
    memcpy(header, image, sizeof header);
    memset(header + OFF_CHECKSUM, 0, 8);
    XXH3_64bits_update(whole, header, sizeof header);
    if (blocks.sums) chv_block_hasher_update(&blocks, header, sizeof header);
    /* One pass over memory for both hashes: each piece is hashed twice while in cache. */
    enum { PIECE = 1 << 16 };
    for (uint64_t pos = CHV_HEADER_SIZE; pos < h->file_size; pos += PIECE) {
        const size_t n = h->file_size - pos < PIECE ? (size_t)(h->file_size - pos) : PIECE;
        XXH3_64bits_update(whole, image + pos, n);
        if (blocks.sums) chv_block_hasher_update(&blocks, image + pos, n);
    }
    const uint64_t sum = XXH3_64bits_digest(whole);
    if (sum != h->checksum)
        rc = chv_checksum_mismatch(path, h->checksum, sum);
    else if (blocks.sums)
        rc = chv_block_sums_compare(path, h, &blocks, image + h->block_sums_offset);
done:
    if (whole) XXH3_freeState(whole);
    chv_block_hasher_free(&blocks);
    return rc;
}
