/*
 * The layout of a .chv file shared by its reader (chv.c) and writer (chv_write.c): the
 * header's fields and byte offsets, the sections, and the header's encoding.
 * docs/chv-format.md is the reference.
 */
#ifndef CHORUS_CHV_FORMAT_H
#define CHORUS_CHV_FORMAT_H

#include <stdint.h>

/* PNG-style: a high byte catches 7-bit channels, CR LF and ^Z catch text-mode mangling. */
extern const unsigned char chv_magic[8];

/* Version 2.0 stores lf_index and label in the narrowest types that hold them (widths at
 * OFF_LF_WIDTH and OFF_LABEL_WIDTH); 1.x stored both as int32 and is still read. 2.1 adds
 * the block checksum table, so a process that reads only part of the file can verify it. */
#define CHV_VERSION_MAJOR 2
#define CHV_VERSION_MINOR 1
#define CHV_HEADER_SIZE 192
#define CHV_ALIGN 64
#define CHV_FLAG_CLASS_NAMES 0x1u
#define CHV_FLAG_LF_NAMES 0x2u
/* Since 1.1: the item names section is present (its offset and size at OFF_ITEM_NAMES). */
#define CHV_FLAG_ITEM_NAMES 0x4u
/* Since 2.1: the block checksum table is present (OFF_BLOCK_SUMS, OFF_BLOCK_LOG2). */
#define CHV_FLAG_BLOCK_SUMS 0x8u
/* The flags a version 1.0 file may have, a version 2.0 file and a version 2.1 file. */
#define CHV_KNOWN_FLAGS (CHV_FLAG_CLASS_NAMES | CHV_FLAG_LF_NAMES)
#define CHV_KNOWN_FLAGS_2 (CHV_KNOWN_FLAGS | CHV_FLAG_ITEM_NAMES)
#define CHV_KNOWN_FLAGS_2_1 (CHV_KNOWN_FLAGS_2 | CHV_FLAG_BLOCK_SUMS)
#define CHV_MAX_NAME 4096

/* Byte offsets of the header fields. */
enum {
    OFF_VERSION_MAJOR = 8,
    OFF_VERSION_MINOR = 10,
    OFF_HEADER_SIZE = 12,
    OFF_FLAGS = 16,
    OFF_N_LFS = 20,
    OFF_N_CLASSES = 24,
    OFF_RESERVED0 = 28,
    OFF_LF_WIDTH = 28,    /* since 2.0: u8, bytes per lf_index entry (1, 2 or 4) */
    OFF_LABEL_WIDTH = 29, /* since 2.0: u8, bytes per label entry (1, 2 or 4) */
    OFF_RESERVED0_2 = 30, /* 2.0: bytes 30..31 reserved */
    OFF_N_ITEMS = 32,
    OFF_NNZ = 40,
    OFF_FILE_SIZE = 48,
    OFF_CHECKSUM = 56,
    OFF_SECTIONS = 64, /* one (u64 offset, u64 size) pair per section */
    OFF_RESERVED1 = 128,
    OFF_ITEM_NAMES = 128,   /* since 1.1: (u64 offset, u64 size) of the item names, or zeros */
    OFF_RESERVED1_2 = 144,  /* 2.0: bytes 144..191 reserved */
    OFF_BLOCK_SUMS = 144,   /* since 2.1: (u64 offset, u64 size) of the block checksum table */
    OFF_BLOCK_LOG2 = 160,   /* since 2.1: u8, log2 of the block size */
    OFF_RESERVED1_2_1 = 161 /* 2.1: bytes 161..191 reserved */
};

enum { SEC_NAMES, SEC_ROW_PTR, SEC_LF_INDEX, SEC_LABEL, N_SECTIONS };
extern const char *const chv_section_name[N_SECTIONS];

typedef struct chv_header {
    uint16_t major, minor;
    uint32_t header_size, flags, n_lfs, n_classes;
    uint64_t n_items, nnz, file_size, checksum;
    uint64_t offset[N_SECTIONS], size[N_SECTIONS];
    uint64_t item_names_offset, item_names_size; /* both 0 without item names */
    uint8_t lf_width, label_width;               /* 4 and 4 in a 1.x file */
    uint64_t block_sums_offset, block_sums_size; /* both 0 without the table */
    uint8_t block_log2;                          /* 0 without the table */
} chv_header;

/* Whether the file has the item names section (flagged, since 1.1). */
static inline int chv_has_item_names(const chv_header *h)
{
    return (h->major > 1 || h->minor >= 1) && (h->flags & CHV_FLAG_ITEM_NAMES);
}

/* Whether the file has the block checksum table (flagged, since 2.1). */
static inline int chv_has_block_sums(const chv_header *h)
{
    return (h->major > 2 || (h->major == 2 && h->minor >= 1)) && (h->flags & CHV_FLAG_BLOCK_SUMS);
}

/* The arrays are used as stored, so only a little-endian host can read or write them. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#define CHV_HOST_LITTLE_ENDIAN 0
#else
#define CHV_HOST_LITTLE_ENDIAN 1
#endif

/* Little-endian integers at p. */
uint32_t chv_get_u32(const unsigned char *p);
uint64_t chv_get_u64(const unsigned char *p);
void chv_put_u32(unsigned char *p, uint32_t x);
void chv_put_u64(unsigned char *p, uint64_t x);

/* x rounded up to the sections' alignment. */
uint64_t chv_align_up(uint64_t x);

/*
 * CHORUS_OK if `size` bytes at byte offset `off` lie inside the file the header describes,
 * else CHORUS_EFORMAT naming the file and the section (`what`, e.g. "labels section").
 */
int chv_check_within_file(const chv_header *h, const char *path, const char *what, uint64_t off,
                          uint64_t size);

/* The header's fields from its CHV_HEADER_SIZE bytes, and back (magic included). */
void chv_decode_header(chv_header *h, const unsigned char *b);
void chv_encode_header(unsigned char *b, const chv_header *h);

#endif
