/*
 * The NumPy .npy container: the "\x93NUMPY" magic, a version, a header that is a Python
 * dict literal ({'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }) and then the
 * raw array. Shared by the vote-matrix and probability readers and writers.
 */
#ifndef CHORUS_NPY_FORMAT_H
#define CHORUS_NPY_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chorus/probs.h"

/* NumPy's own limit on dimensions. */
#define CHORUS_NPY_MAX_DIMS 32
/* Far above any header of a plain array (NumPy itself refuses more than 10000 bytes by
 * default); keeps a hostile header length from making us allocate gigabytes. */
#define CHORUS_NPY_MAX_HEADER_BYTES (1 << 20)

typedef struct chorus_npy_header {
    int major, minor; /* format version */
    char descr[64];   /* the dtype string as written, e.g. "<i4" */
    /* For simple dtypes ([<>|=] kind itemsize, e.g. "<f8"); 0 for anything else. */
    char byte_order; /* '<', '>' or '|' ('=' is stored as the host order) */
    char kind;       /* 'i', 'u', 'f', 'b', ... */
    int itemsize;    /* bytes per element */
    bool fortran_order;
    int ndim;
    int64_t shape[CHORUS_NPY_MAX_DIMS];
    int64_t n_elements;  /* product of the shape (checked not to overflow) */
    int64_t data_offset; /* byte offset of the first element */
} chorus_npy_header;

/* An open .npy file, positioned at its data after chorus_npy_open(). */
typedef struct chorus_npy_reader {
    FILE *fp;
    const char *path;
    chorus_npy_header hdr;
    int64_t file_size; /* -1 when not a regular file (a pipe) */
    int64_t offset;    /* byte offset of the next byte to read */
    int64_t data_end;  /* byte offset where the data ends, set by chorus_npy_expect_data() */
} chorus_npy_reader;

/*
 * Opens `path` and reads and parses its header. Errors: CHORUS_EIO (cannot open or read),
 * CHORUS_EFORMAT (bad magic, unsupported version, malformed header) naming the file and
 * the byte offset, CHORUS_ENOMEM. On error the reader is closed.
 */
int chorus_npy_open(chorus_npy_reader *reader, const char *path);

/*
 * Checks, once the caller accepted the dtype, that the file holds exactly the data its
 * header promises: CHORUS_EFORMAT with the expected and actual size otherwise.
 */
int chorus_npy_expect_data(chorus_npy_reader *reader);

/* Reads exactly `len` data bytes; CHORUS_EFORMAT if the file ends first, CHORUS_EIO. */
int chorus_npy_read(chorus_npy_reader *reader, void *buf, size_t len);

/* After the last element: CHORUS_EFORMAT if bytes follow the data (pipes only). */
int chorus_npy_finish(chorus_npy_reader *reader);

void chorus_npy_close(chorus_npy_reader *reader);

/* Parses the header dict text[0..len), which starts at byte `base_offset` of the file. */
int chorus_npy_parse_header(chorus_npy_header *hdr, const char *text, size_t len, const char *path,
                            int64_t base_offset);

/* The shape as NumPy prints it, "(3, 4)" or "(3,)", for messages (cut to fit `cap`). */
void chorus_npy_shape_string(const chorus_npy_header *hdr, char *buf, size_t cap);

/*
 * Writes the header NumPy would write for a C-order array of this dtype and shape,
 * byte for byte: format 1.0 unless the header is too long for it. CHORUS_EIO on failure.
 */
int chorus_npy_write_header(FILE *fp, const char *path, const char *descr, int ndim,
                            const int64_t *shape);

/* Elements of `itemsize` bytes in either byte order, independent of the host's. Inline
 * because the readers call them once per array element. */
static inline uint64_t chorus_npy_load_bits(const unsigned char *p, int itemsize, bool big_endian)
{
    uint64_t u = 0;
    for (int i = 0; i < itemsize; i++)
        u = u << 8 | p[big_endian ? i : itemsize - 1 - i];
    return u;
}

/* A two's complement integer of 1, 2, 4 or 8 bytes. */
static inline int64_t chorus_npy_load_int(const unsigned char *p, int itemsize, bool big_endian)
{
    uint64_t u = chorus_npy_load_bits(p, itemsize, big_endian);
    int bits = 8 * itemsize;
    if (bits < 64 && (u >> (bits - 1) & 1)) u |= ~UINT64_C(0) << bits; /* sign-extend */
    int64_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* An IEEE float32 (itemsize 4) or float64 (8). */
static inline double chorus_npy_load_float(const unsigned char *p, int itemsize, bool big_endian)
{
    uint64_t u = chorus_npy_load_bits(p, itemsize, big_endian);
    if (itemsize == 4) {
        uint32_t u32 = (uint32_t)u;
        float f;
        memcpy(&f, &u32, sizeof f);
        return f;
    }
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline void chorus_npy_store_int_le(unsigned char *p, int itemsize, int64_t value)
{
    uint64_t u;
    memcpy(&u, &value, sizeof u);
    for (int i = 0; i < itemsize; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

static inline void chorus_npy_store_f64_le(unsigned char *p, double value)
{
    uint64_t u;
    memcpy(&u, &value, sizeof u);
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(u >> (8 * i));
}

/* The rows of probs as float64 little-endian, after a header of the whole array written
 * by the caller; first_row (the rows written before) is for the message. CHORUS_EWRITE. */
int chorus_probs_write_npy_rows(const chorus_probs *probs, FILE *fp, const char *path,
                                int64_t first_row);

/*
 * Reads '<f8' or '<f4' (either byte order) n x K arrays, 2 <= K <= 65535. Every entry must
 * be finite and non-negative and every row sum to 1 within 1e-6 (float32 input gets the
 * slack of its rounding). Errors: CHORUS_EIO, CHORUS_EFORMAT, CHORUS_ENOMEM.
 */
int chorus_probs_read_npy(chorus_probs **out, const char *path);

#endif
