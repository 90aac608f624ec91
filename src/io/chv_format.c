/* The .chv header's encoding (chv_format.h). */
#include <string.h>

#include "io/chv_format.h"

#include <inttypes.h>

#include "core/error_internal.h"

/* PNG-style: a high byte catches 7-bit channels, CR LF and ^Z catch text-mode mangling. */
const unsigned char chv_magic[8] = {0x89, 'C', 'H', 'V', '\r', '\n', 0x1a, '\n'};
const char *const chv_section_name[N_SECTIONS] = {"names", "row_ptr", "lf_index", "label"};

uint32_t chv_get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t chv_get_u64(const unsigned char *p)
{
    return (uint64_t)chv_get_u32(p) | (uint64_t)chv_get_u32(p + 4) << 32;
}

void chv_put_u32(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(x >> (8 * i));
}

void chv_put_u64(unsigned char *p, uint64_t x)
{
    chv_put_u32(p, (uint32_t)x);
    chv_put_u32(p + 4, (uint32_t)(x >> 32));
}

uint64_t chv_align_up(uint64_t x)
{
    return (x + CHV_ALIGN - 1) / CHV_ALIGN * CHV_ALIGN;
}

void chv_decode_header(chv_header *h, const unsigned char *b)
{
    h->major = (uint16_t)(b[OFF_VERSION_MAJOR] | b[OFF_VERSION_MAJOR + 1] << 8);
    h->minor = (uint16_t)(b[OFF_VERSION_MINOR] | b[OFF_VERSION_MINOR + 1] << 8);
    h->header_size = chv_get_u32(b + OFF_HEADER_SIZE);
    h->flags = chv_get_u32(b + OFF_FLAGS);
    h->n_lfs = chv_get_u32(b + OFF_N_LFS);
    h->n_classes = chv_get_u32(b + OFF_N_CLASSES);
    h->n_items = chv_get_u64(b + OFF_N_ITEMS);
    h->nnz = chv_get_u64(b + OFF_NNZ);
    h->file_size = chv_get_u64(b + OFF_FILE_SIZE);
    h->checksum = chv_get_u64(b + OFF_CHECKSUM);
    for (int s = 0; s < N_SECTIONS; s++) {
        h->offset[s] = chv_get_u64(b + OFF_SECTIONS + 16 * s);
        h->size[s] = chv_get_u64(b + OFF_SECTIONS + 16 * s + 8);
    }
    h->item_names_offset = chv_get_u64(b + OFF_ITEM_NAMES);
    h->item_names_size = chv_get_u64(b + OFF_ITEM_NAMES + 8);
    h->lf_width = h->major >= 2 ? b[OFF_LF_WIDTH] : 4;
    h->label_width = h->major >= 2 ? b[OFF_LABEL_WIDTH] : 4;
    /* Bytes 144..160 are the table's only where the flag says so (2.1 on). */
    if (chv_has_block_sums(h)) {
        h->block_sums_offset = chv_get_u64(b + OFF_BLOCK_SUMS);
        h->block_sums_size = chv_get_u64(b + OFF_BLOCK_SUMS + 8);
        h->block_log2 = b[OFF_BLOCK_LOG2];
    } else {
        h->block_sums_offset = h->block_sums_size = 0;
        h->block_log2 = 0;
    }
}

void chv_encode_header(unsigned char *b, const chv_header *h)
{
    memset(b, 0, CHV_HEADER_SIZE);
    memcpy(b, chv_magic, sizeof chv_magic);
    b[OFF_VERSION_MAJOR] = (unsigned char)h->major;
    b[OFF_VERSION_MAJOR + 1] = (unsigned char)(h->major >> 8);
    b[OFF_VERSION_MINOR] = (unsigned char)h->minor;
    b[OFF_VERSION_MINOR + 1] = (unsigned char)(h->minor >> 8);
    chv_put_u32(b + OFF_HEADER_SIZE, h->header_size);
    chv_put_u32(b + OFF_FLAGS, h->flags);
    chv_put_u32(b + OFF_N_LFS, h->n_lfs);
    chv_put_u32(b + OFF_N_CLASSES, h->n_classes);
    chv_put_u64(b + OFF_N_ITEMS, h->n_items);
    chv_put_u64(b + OFF_NNZ, h->nnz);
    chv_put_u64(b + OFF_FILE_SIZE, h->file_size);
    chv_put_u64(b + OFF_CHECKSUM, h->checksum);
    for (int s = 0; s < N_SECTIONS; s++) {
        chv_put_u64(b + OFF_SECTIONS + 16 * s, h->offset[s]);
        chv_put_u64(b + OFF_SECTIONS + 16 * s + 8, h->size[s]);
    }
    chv_put_u64(b + OFF_ITEM_NAMES, h->item_names_offset);
    chv_put_u64(b + OFF_ITEM_NAMES + 8, h->item_names_size);
    if (h->major >= 2) {
        b[OFF_LF_WIDTH] = h->lf_width;
        b[OFF_LABEL_WIDTH] = h->label_width;
    }
    if (chv_has_block_sums(h)) {
        chv_put_u64(b + OFF_BLOCK_SUMS, h->block_sums_offset);
        chv_put_u64(b + OFF_BLOCK_SUMS + 8, h->block_sums_size);
        b[OFF_BLOCK_LOG2] = h->block_log2;
    }
}

int chv_check_within_file(const chv_header *h, const char *path, const char *what, uint64_t off,
                          uint64_t size)
{
    if (off > h->file_size || size > h->file_size - off)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %s at byte offset %" PRIu64 " of %" PRIu64
                                " bytes runs past the end of the file; expected it to end by "
                                "byte offset %" PRIu64,
                                path, what, off, size, h->file_size);
    return CHORUS_OK;
}
