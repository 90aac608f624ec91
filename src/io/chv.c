/*
 * Reading the native .chv vote-matrix file (written by chv_write.c, layout in chv_format.h): a
 * little-endian header, the names, then the three CSR arrays exactly as struct chorus_votes holds
 * them (since 2.0 in their narrow widths), each 64-byte aligned, so a mapped file is used in
 * place without a copy. Version 1.x files (int32 arrays) are read too. docs/chv-format.md
 * is the reference for the layout.
 *
 * Reading trusts nothing: the header is checked field by field against the real file size
 * before anything is allocated or mapped, the checksum before the contents are looked at,
 * and the contents (names, CSR arrays) before the matrix is handed out.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "chorus/error.h"
#include "chorus/io.h"
#include "core/error_internal.h"
#include "io/chv_checksum.h"
#include "io/chv_format.h"
#include "io/chv_items.h"
#include "io/chv_read.h"
#include "votes/votes_internal.h"

/* The signature, given the first `avail` bytes of a file of `actual` bytes. */
static int check_magic(const char *path, const unsigned char *b, uint64_t avail, uint64_t actual)
{
    static const char expected[] = "expected the .chv signature 89 43 48 56 0D 0A 1A 0A";
    if (actual == 0)
        return chorus_error_set(CHORUS_EFORMAT, "%s: the file is empty at byte offset 0; %s", path,
                                expected);
    size_t n = avail < sizeof chv_magic ? (size_t)avail : sizeof chv_magic;
    if (memcmp(b, chv_magic, n) == 0) return CHORUS_OK; /* a short prefix: caught as truncated */
    if (n >= 4 && memcmp(b, chv_magic, 4) == 0)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: damaged signature at byte offset 0; %s (was the file "
                                "copied in text mode, turning CR LF into LF?)",
                                path, expected);
    return chorus_error_set(
        CHORUS_EFORMAT, "%s: not a .chv file: bad signature at byte offset 0; %s", path, expected);
}

static int bad_field(const char *path, const char *field, int offset, uint64_t value,
                     const char *expected)
{
    return chorus_error_set(CHORUS_EFORMAT,
                            "%s: header field %s at byte offset %d is %" PRIu64 "; expected %s",
                            path, field, offset, value, expected);
}

/*
 * Reserved bytes must be zero in the versions this reader knows (1.0, 2.0, 2.1); a later
 * minor version may use them (1.1 used 128..143 for the item names).
 */
static int check_reserved(const char *path, const unsigned char *b, const chv_header *h)
{
    if (h->major == 1 ? h->minor > 0 : h->minor > CHV_VERSION_MINOR) return CHORUS_OK;
    /* 1.0 reserves bytes 28..31 and 128..191; 2.0 bytes 30..31 and 144..191; 2.1 the same
     * without the table's fields when the table is there. */
    const int first = h->major >= 2 ? OFF_RESERVED0_2 : OFF_RESERVED0;
    const int second = h->major == 1           ? OFF_RESERVED1
                       : chv_has_block_sums(h) ? OFF_RESERVED1_2_1
                                               : OFF_RESERVED1_2;
    for (int i = first; i < CHV_HEADER_SIZE; i++) {
        if (i == OFF_N_ITEMS) i = second;
        if (b[i] != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: reserved header byte at byte offset %d is 0x%02x; "
                                    "expected 0 in a version %u.%u file",
                                    path, i, b[i], h->major, h->minor);
    }
    return CHORUS_OK;
}

/* Since 2.0 the entries of lf_index and label are 1, 2 or 4 bytes wide. */
static int check_widths(const char *path, const chv_header *h)
{
    if (h->lf_width != 1 && h->lf_width != 2 && h->lf_width != 4)
        return bad_field(path, "lf_index_width", OFF_LF_WIDTH, h->lf_width, "1, 2 or 4");
    if (h->label_width != 1 && h->label_width != 2 && h->label_width != 4)
        return bad_field(path, "label_width", OFF_LABEL_WIDTH, h->label_width, "1, 2 or 4");
    return CHORUS_OK;
}

/* Each section: aligned, after the previous one, of the size the counts imply, in the file. */
static int check_sections(const char *path, const chv_header *h)
{
    uint64_t expected_size[N_SECTIONS] = {h->size[SEC_NAMES], (h->n_items + 1) * 8,
                                          h->nnz * h->lf_width, h->nnz * h->label_width};
    /*
     * Every name takes at least 5 bytes (length and one byte), so the counts, which size
     * allocations before the names are parsed, are bounded by the file's real size.
     */
    uint64_t min_names = 5 * ((uint64_t)h->n_lfs + h->n_classes);
    if (h->size[SEC_NAMES] < min_names)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: names section size %" PRIu64 " (header byte offset %d) is "
                                "too small for %" PRIu32 " + %" PRIu32 " names; expected at least "
                                "%" PRIu64,
                                path, h->size[SEC_NAMES], OFF_SECTIONS + 8, h->n_lfs, h->n_classes,
                                min_names);
    uint64_t end = h->header_size;
    for (int s = 0; s < N_SECTIONS; s++) {
        int field = OFF_SECTIONS + 16 * s;
        uint64_t off = h->offset[s], size = h->size[s];
        if (off % CHV_ALIGN != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s section offset %" PRIu64 " (header byte offset %d) "
                                    "is not aligned; expected a multiple of %d",
                                    path, chv_section_name[s], off, field, CHV_ALIGN);
        if (off < end)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s section offset %" PRIu64 " (header byte offset %d) "
                                    "overlaps what comes before it; expected at least %" PRIu64,
                                    path, chv_section_name[s], off, field, end);
        if (size != expected_size[s])
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s section size %" PRIu64 " (header byte offset %d) "
                                    "does not match the counts; expected %" PRIu64,
                                    path, chv_section_name[s], size, field + 8, expected_size[s]);
        char what[40];
        snprintf(what, sizeof what, "%s section", chv_section_name[s]);
        int rc = chv_check_within_file(h, path, what, off, size);
        if (rc) return rc;
        end = off + size;
    }
    return CHORUS_OK;
}

/*
 * Everything the header claims, checked against the file's real size before any of it is
 * used to allocate, map or index. `b` holds the first min(actual, 192) bytes.
 */
static int check_header(chv_header *h, const char *path, const unsigned char *b, uint64_t actual)
{
    uint64_t avail = actual < CHV_HEADER_SIZE ? actual : CHV_HEADER_SIZE;
    int rc = check_magic(path, b, avail, actual);
    if (rc) return rc;
    if (actual < CHV_HEADER_SIZE)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: the file ends at byte offset %" PRIu64 ", inside the "
                                "header; expected at least %d bytes (truncated?)",
                                path, actual, CHV_HEADER_SIZE);
    chv_decode_header(h, b);
    if (h->major > CHV_VERSION_MAJOR)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: format version %u.%u at byte offset %d was written by a "
                                "newer chorus; expected version 1.x to %d.x (upgrade chorus)",
                                path, h->major, h->minor, OFF_VERSION_MAJOR, CHV_VERSION_MAJOR);
    if (h->major < 1)
        return bad_field(path, "version_major", OFF_VERSION_MAJOR, h->major, "1 or 2");
    if (h->header_size < CHV_HEADER_SIZE)
        return bad_field(path, "header_size", OFF_HEADER_SIZE, h->header_size, "at least 192");
    if (h->file_size != actual)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: header field file_size at byte offset %d is %" PRIu64
                                " but the file has %" PRIu64 " bytes; expected them equal "
                                "(truncated or appended to?)",
                                path, OFF_FILE_SIZE, h->file_size, actual);
    if (h->major == 1 && h->minor == 0 && (h->flags & ~CHV_KNOWN_FLAGS))
        return bad_field(path, "flags", OFF_FLAGS, h->flags,
                         "only bits 0 and 1 in a version 1.0 file");
    if (h->major == 2 && h->minor == 0 && (h->flags & ~CHV_KNOWN_FLAGS_2))
        return bad_field(path, "flags", OFF_FLAGS, h->flags,
                         "only bits 0 to 2 in a version 2.0 file");
    if (h->major == 2 && h->minor == 1 && (h->flags & ~CHV_KNOWN_FLAGS_2_1))
        return bad_field(path, "flags", OFF_FLAGS, h->flags,
                         "only bits 0 to 3 in a version 2.1 file");
    rc = check_reserved(path, b, h);
    if (!rc) rc = check_widths(path, h);
    if (rc) return rc;
    if (h->n_lfs < 1 || h->n_lfs > CHORUS_MAX_LFS)
        return bad_field(path, "n_lfs", OFF_N_LFS, h->n_lfs, "1..16777216");
    if (h->n_classes < 2 || h->n_classes > CHORUS_MAX_CLASSES)
        return bad_field(path, "n_classes", OFF_N_CLASSES, h->n_classes, "2..65535");
    /* Bounds that keep (n_items + 1) * 8 and nnz * 4 from overflowing an int64_t. */
    if (h->n_items > (uint64_t)INT64_MAX / 8 - 1)
        return bad_field(path, "n_items", OFF_N_ITEMS, h->n_items, "less than 2^60");
    if (h->nnz > (uint64_t)INT64_MAX / 4)
        return bad_field(path, "nnz", OFF_NNZ, h->nnz, "less than 2^61");
    if ((rc = check_sections(path, h))) return rc;
    if ((rc = chv_check_item_names_section(path, h))) return rc;
    const uint64_t end = chv_has_item_names(h) ? h->item_names_offset + h->item_names_size
                                               : h->offset[SEC_LABEL] + h->size[SEC_LABEL];
    return chv_check_block_sums_layout(path, h, end);
}

/* Re-raises a validator's CHORUS_EINVAL as CHORUS_EFORMAT naming the file and offset. */
static int as_format_error(int rc, const char *path, uint64_t offset, const char *expected)
{
    if (rc != CHORUS_EINVAL) return rc;
    char what[1024];
    snprintf(what, sizeof what, "%s", chorus_error_last());
    return chorus_error_set(CHORUS_EFORMAT, "%s: %s at byte offset %" PRIu64 "; expected %s", path,
                            what, offset, expected);
}

/* Where the entry chorus_votes_check_csr() rejected lies in the file (same checks, in order). */
static uint64_t csr_error_offset(const chv_header *h, int32_t n_classes, const chorus_vote_view *w)
{
    const int64_t *rp = w->row_ptr;
    int64_t n = (int64_t)h->n_items, n_lfs = h->n_lfs;
    for (int64_t i = 0; i < n; i++)
        if (rp[i + 1] < rp[i] || rp[i + 1] - rp[i] > n_lfs)
            return h->offset[SEC_ROW_PTR] + 8 * (uint64_t)(i + 1);
    for (int64_t i = 0; i < n; i++) {
        for (int64_t p = rp[i]; p < rp[i + 1]; p++) {
            const int32_t lf = chorus_view_lf(w, p), label = chorus_view_label(w, p);
            if (lf < 0 || lf >= n_lfs || (p > rp[i] && lf <= chorus_view_lf(w, p - 1)))
                return h->offset[SEC_LF_INDEX] + (uint64_t)w->lf_width * (uint64_t)p;
            if (label < 0 || label >= n_classes)
                return h->offset[SEC_LABEL] + (uint64_t)w->label_width * (uint64_t)p;
        }
    }
    return h->offset[SEC_ROW_PTR];
}

static int check_csr(const char *path, const chv_header *h, int32_t n_classes,
                     const chorus_vote_view *w)
{
    const int64_t *rp = w->row_ptr;
    /* check_csr() reads lf_index and label up to row_ptr[n_items]: pin it to nnz first. */
    int64_t n = (int64_t)h->n_items;
    if (rp[0] != 0 || rp[n] != (int64_t)h->nnz) {
        bool first = rp[0] != 0;
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: row_ptr[%" PRId64 "] at byte offset %" PRIu64 " is %" PRId64
                                "; expected %" PRIu64 " (%s)",
                                path, first ? 0 : n,
                                h->offset[SEC_ROW_PTR] + (first ? 0 : 8 * (uint64_t)n),
                                first ? rp[0] : rp[n], first ? 0 : h->nnz,
                                first ? "rows start at 0" : "nnz, the number of votes");
    }
    int rc = chorus_votes_check_view(n, (int32_t)h->n_lfs, n_classes, w);
    if (rc != CHORUS_EINVAL) return rc;
    return as_format_error(rc, path, csr_error_offset(h, n_classes, w),
                           "row_ptr never decreasing, LF indices strictly increasing within a "
                           "row and every index and label in range");
}

/* Parses the names section (LF names, then class names) and gives them to the matrix. */
static int apply_names(chorus_votes *v, const char *path, const chv_header *h,
                       const unsigned char *names)
{
    uint64_t size = h->size[SEC_NAMES], base = h->offset[SEC_NAMES], pos = 0;
    uint64_t count = (uint64_t)h->n_lfs + h->n_classes;
    char name[CHV_MAX_NAME + 1];
    for (uint64_t i = 0; i < count; i++) {
        bool is_lf = i < h->n_lfs;
        const char *what = is_lf ? "labeling function" : "class";
        int32_t index = (int32_t)(is_lf ? i : i - h->n_lfs);
        if (size - pos < 4)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: the names section ends at byte offset %" PRIu64
                                    "; expected the 4-byte length of %s name %" PRId32,
                                    path, base + size, what, index);
        uint32_t len = chv_get_u32(names + pos);
        if (len == 0 || len > CHV_MAX_NAME)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s name %" PRId32 " has length %" PRIu32
                                    " at byte offset %" PRIu64 "; expected 1..%d",
                                    path, what, index, len, base + pos, CHV_MAX_NAME);
        pos += 4;
        if (size - pos < len)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s name %" PRId32 " at byte offset %" PRIu64
                                    " runs past the end of the names section; expected it to "
                                    "end by byte offset %" PRIu64,
                                    path, what, index, base + pos, base + size);
        const unsigned char *nul = memchr(names + pos, 0, len);
        if (nul)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: %s name %" PRId32 " has a NUL byte at byte offset %" PRIu64
                                    "; expected none",
                                    path, what, index, base + (uint64_t)(nul - names));
        memcpy(name, names + pos, len);
        name[len] = '\0';
        int rc = chorus_name_check(name, what);
        if (rc) return as_format_error(rc, path, base + pos, "a valid name");
        /* Names not flagged as given are the defaults: checked, but left unset. */
        if (is_lf && (h->flags & CHV_FLAG_LF_NAMES)) rc = chorus_votes_set_lf_name(v, index, name);
        if (!is_lf && (h->flags & CHV_FLAG_CLASS_NAMES) && index < v->n_classes)
            rc = chorus_votes_set_class_name(v, index, name);
        if (rc) return rc;
        pos += len;
    }
    if (pos != size)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: %" PRIu64 " stray bytes at byte offset %" PRIu64
                                "; expected the names section to end after the last class name",
                                path, size - pos, base + pos);
    int rc = chorus_votes_check_unique_lf_names(v);
    if (!rc) rc = chorus_votes_check_unique_class_names(v);
    return as_format_error(rc, path, base, "unique labeling-function and class names");
}

/* Reads exactly n bytes at offset, or fails naming where the file ended. */
static int read_at(int fd, const char *path, void *dst, size_t n, uint64_t offset)
{
    unsigned char *d = dst;
    while (n > 0) {
        size_t chunk = n < ((size_t)1 << 30) ? n : (size_t)1 << 30;
        ssize_t got = pread(fd, d, chunk, (off_t)offset);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0)
            return chorus_error_set(CHORUS_EIO, "%s: read failed at byte offset %" PRIu64 ": %s",
                                    path, offset, strerror(errno));
        if (got == 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: the file ends at byte offset %" PRIu64 "; expected %zu "
                                    "more bytes (did it shrink while being read?)",
                                    path, offset, n);
        d += got;
        n -= (size_t)got;
        offset += (uint64_t)got;
    }
    return CHORUS_OK;
}

/* Sequential reader for the non-mapped path: every byte read is also hashed. */
typedef struct chv_reader {
    int fd;
    const char *path;
    uint64_t pos;
    XXH3_state_t *hash;       /* NULL when the checksum is not verified */
    chv_block_hasher *blocks; /* NULL then too, or without the block checksum table */
} chv_reader;

/* The next n bytes into dst; with dst NULL they are only hashed (padding, unknown bytes). */
static int reader_take(chv_reader *r, void *dst, uint64_t n)
{
    unsigned char scratch[8192];
    unsigned char *d = dst;
    while (n > 0) {
        size_t chunk = d ? (n < ((uint64_t)1 << 30) ? (size_t)n : (size_t)1 << 30)
                         : (n < sizeof scratch ? (size_t)n : sizeof scratch);
        unsigned char *buf = d ? d : &scratch[0];
        int rc = read_at(r->fd, r->path, buf, chunk, r->pos);
        if (rc) return rc;
        if (r->hash) XXH3_64bits_update(r->hash, buf, chunk);
        if (r->blocks) chv_block_hasher_update(r->blocks, buf, chunk);
        if (d) d += chunk;
        r->pos += chunk;
        n -= chunk;
    }
    return CHORUS_OK;
}

/* A mapped file: the matrix's storage, unmapped when the matrix is freed. */
typedef struct chv_mapping {
    void *addr;
    size_t len;
} chv_mapping;

static void release_mapping(void *storage)
{
    chv_mapping *m = storage;
    if (!m) return;
    munmap(m->addr, m->len);
    free(m);
}

/* Where the file's sections are, in a mapping or in heap buffers. */
typedef struct chv_sections {
    const unsigned char *names;
    const unsigned char *item_names; /* NULL without the section */
    int64_t *row_ptr;
    void *lf_index; /* h->lf_width bytes per entry */
    void *label;    /* h->label_width bytes per entry */
} chv_sections;

/*
 * Maps the file and points the sections into it. *out stays NULL, without an error, if the
 * file system cannot map: the caller then reads the file instead.
 */
static int map_sections(chv_mapping **out, chv_sections *sec, int fd, const char *path,
                        const chv_header *h, int verify)
{
    *out = NULL;
    chv_mapping *map = malloc(sizeof *map);
    if (!map) return chorus_error_nomem();
    map->len = (size_t)h->file_size;
    map->addr = mmap(NULL, map->len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map->addr == MAP_FAILED) {
        chorus_log(CHORUS_LOG_DEBUG, "%s: mmap failed (%s); reading the file instead", path,
                   strerror(errno));
        free(map);
        return CHORUS_OK;
    }
    const unsigned char *base = map->addr;
    if (verify) {
        int rc = chv_verify_image(path, h, base);
        if (rc) {
            release_mapping(map);
            return rc;
        }
    }
    /* Offsets are multiples of 64 and the mapping is page-aligned: the casts are aligned. */
    sec->names = base + h->offset[SEC_NAMES];
    sec->row_ptr = (int64_t *)(void *)(base + h->offset[SEC_ROW_PTR]);
    sec->lf_index = (void *)(base + h->offset[SEC_LF_INDEX]);
    sec->label = (void *)(base + h->offset[SEC_LABEL]);
    if (chv_has_item_names(h)) sec->item_names = base + h->item_names_offset;
    *out = map;
    return CHORUS_OK;
}

static void *alloc_section(uint64_t size)
{
    return malloc(size ? (size_t)size : 1);
}

/*
 * Reads the file front to back into heap buffers (which the caller frees, also on error),
 * hashing every byte, padding included, when verifying.
 */
static int read_sections(chv_sections *sec, int fd, const char *path, const chv_header *h,
                         const unsigned char *header, int verify)
{
    /* Sizes are bounded by the real file size by now, so these allocations are honest. */
    unsigned char *names = alloc_section(h->size[SEC_NAMES]);
    sec->names = names;
    sec->row_ptr = alloc_section(h->size[SEC_ROW_PTR]);
    sec->lf_index = alloc_section(h->size[SEC_LF_INDEX]);
    sec->label = alloc_section(h->size[SEC_LABEL]);
    if (!names || !sec->row_ptr || !sec->lf_index || !sec->label) return chorus_error_nomem();

    chv_reader r = {fd, path, CHV_HEADER_SIZE, NULL, NULL};
    chv_block_hasher blocks = {0};
    unsigned char *table = NULL;
    int rc = CHORUS_OK;
    if (verify) {
        if (!(r.hash = XXH3_createState())) return chorus_error_nomem();
        XXH3_64bits_reset(r.hash);
        unsigned char zeroed[CHV_HEADER_SIZE];
        memcpy(zeroed, header, sizeof zeroed);
        memset(zeroed + OFF_CHECKSUM, 0, 8);
        XXH3_64bits_update(r.hash, zeroed, sizeof zeroed);
        if (chv_has_block_sums(h)) {
            if (!(table = alloc_section(h->block_sums_size)) ||
                chv_block_hasher_init(&blocks, h) != CHORUS_OK) {
                rc = chorus_error_nomem();
                goto done;
            }
            r.blocks = &blocks;
            chv_block_hasher_update(&blocks, zeroed, sizeof zeroed);
        }
    }
    void *dst[N_SECTIONS] = {names, sec->row_ptr, sec->lf_index, sec->label};
    for (int s = 0; s < N_SECTIONS && !rc; s++) {
        rc = reader_take(&r, NULL, h->offset[s] - r.pos);
        if (!rc) rc = reader_take(&r, dst[s], h->size[s]);
    }
    if (!rc && chv_has_item_names(h)) {
        unsigned char *items = alloc_section(h->item_names_size);
        sec->item_names = items;
        rc = items ? reader_take(&r, NULL, h->item_names_offset - r.pos) : chorus_error_nomem();
        if (!rc) rc = reader_take(&r, items, h->item_names_size);
    }
    if (!rc && table) {
        rc = reader_take(&r, NULL, h->block_sums_offset - r.pos);
        if (!rc) rc = reader_take(&r, table, h->block_sums_size);
    }
    if (!rc) rc = reader_take(&r, NULL, h->file_size - r.pos);
    if (!rc && r.hash) {
        uint64_t sum = XXH3_64bits_digest(r.hash);
        if (sum != h->checksum) rc = chv_checksum_mismatch(path, h->checksum, sum);
    }
    if (!rc && table) rc = chv_block_sums_compare(path, h, &blocks, table);

done:
    chv_block_hasher_free(&blocks);
    free(table);
    if (r.hash) XXH3_freeState(r.hash);
    return rc;
}

int chorus_votes_read_chv(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options defaults = CHORUS_READ_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    if (!CHV_HOST_LITTLE_ENDIAN)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: .chv files need a little-endian host", path);
    if (opts->n_classes < 0 || opts->n_classes == 1 || opts->n_classes > CHORUS_MAX_CLASSES)
        return chorus_error_set(CHORUS_EINVAL,
                                "number of classes must be 0 (as the file says) or 2..%d, got "
                                "%" PRId32,
                                CHORUS_MAX_CLASSES, opts->n_classes);

    chorus_votes *votes = NULL;
    chv_mapping *map = NULL;
    chv_sections sec = {0};
    bool on_heap = false; /* the sections are heap buffers rather than views of `map` */
    unsigned char header[CHV_HEADER_SIZE];
    chv_header h = {0};
    struct stat st;
    int rc = CHORUS_OK;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = chorus_error_set(CHORUS_EIO, "%s: cannot stat: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = chorus_error_set(CHORUS_EIO, "%s: %s; expected a regular .chv file", path,
                              S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
        goto done;
    }
    uint64_t actual = (uint64_t)st.st_size;
#if SIZE_MAX < UINT64_MAX
    if (actual > SIZE_MAX) {
        rc = chorus_error_set(CHORUS_ENOMEM, "%s: %" PRIu64 " bytes is too large for this host",
                              path, actual);
        goto done;
    }
#endif
    size_t head = actual < CHV_HEADER_SIZE ? (size_t)actual : CHV_HEADER_SIZE;
    if ((rc = read_at(fd, path, header, head, 0))) goto done;
    if ((rc = check_header(&h, path, header, actual))) goto done;

    if (opts->use_mmap && (rc = map_sections(&map, &sec, fd, path, &h, opts->verify_checksum)))
        goto done;
    if (!map) {
        on_heap = true;
        if ((rc = read_sections(&sec, fd, path, &h, header, opts->verify_checksum))) goto done;
    }

    int32_t n_classes = opts->n_classes > 0 ? opts->n_classes : (int32_t)h.n_classes;
    const chorus_vote_view arrays = {sec.row_ptr, sec.lf_index, sec.label, h.lf_width,
                                     h.label_width};
    rc = check_csr(path, &h, n_classes, &arrays);
    if (rc) goto done;
    /* A mapped file is used as stored; 1.x arrays read into memory are narrowed in place. */
    if (map)
        rc = chorus_votes_wrap_view(&votes, (int64_t)h.n_items, (int32_t)h.n_lfs, n_classes,
                                    &arrays, map, release_mapping);
    else if (h.major == 1)
        rc = chorus_votes_adopt(&votes, (int64_t)h.n_items, (int32_t)h.n_lfs, n_classes,
                                sec.row_ptr, sec.lf_index, sec.label);
    else
        rc = chorus_votes_adopt_view(&votes, (int64_t)h.n_items, (int32_t)h.n_lfs, n_classes,
                                     &arrays);
    if (rc) goto done;
    /* The matrix owns the arrays (or the mapping) now; the names are copied out of `sec`. */
    map = NULL;
    sec.row_ptr = NULL;
    sec.lf_index = sec.label = NULL;
    if ((rc = apply_names(votes, path, &h, sec.names))) goto done;
    if (sec.item_names && (rc = chv_read_item_names(votes, path, &h, sec.item_names))) goto done;
    *out = votes;
    votes = NULL;

done:
    if (on_heap) {
        free((void *)sec.names);
        free((void *)sec.item_names);
        free(sec.row_ptr);
        free(sec.lf_index);
        free(sec.label);
    }
    release_mapping(map);
    chorus_votes_free(votes);
    close(fd);
    return rc;
}

/* The checks and readers above, for the range reader (chv_range.c). */
int chv_check_header(chv_header *h, const char *path, const unsigned char *b, uint64_t actual)
{
    return check_header(h, path, b, actual);
}

int chv_apply_names(chorus_votes *v, const char *path, const chv_header *h,
                    const unsigned char *names)
{
    return apply_names(v, path, h, names);
}

int chv_read_at(int fd, const char *path, void *dst, size_t n, uint64_t offset)
{
    return read_at(fd, path, dst, n, offset);
}
