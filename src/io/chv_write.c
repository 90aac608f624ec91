/* Writing the native .chv vote-matrix file (layout: chv_format.h, docs/chv-format.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "chorus/error.h"
#include "chorus/io.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/chv_checksum.h"
#include "io/chv_format.h"
#include "votes/votes_internal.h"

/*
 * Output of the writer. The file is produced twice by the same code: once into the hashes
 * only, to learn the checksum and the block checksums, then into the file with them in place. That
 * costs one more pass over memory but no seek, so the output may be a pipe or a device.
 */
typedef struct chv_sink {
    FILE *fp;                 /* NULL in the hashing pass */
    XXH3_state_t *hash;       /* NULL in the writing pass */
    chv_block_hasher *blocks; /* the block checksums, learned in the hashing pass */
    const char *path;
    uint64_t pos;
} chv_sink;

static int sink_put(chv_sink *s, const void *data, size_t n)
{
    if (n == 0) return CHORUS_OK;
    if (s->hash) XXH3_64bits_update(s->hash, data, n);
    if (s->hash) chv_block_hasher_update(s->blocks, data, n);
    if (s->fp && fwrite(data, 1, n, s->fp) != n)
        return chorus_error_set(CHORUS_EWRITE, "%s: write failed at byte offset %" PRIu64 ": %s",
                                s->path, s->pos, strerror(errno));
    s->pos += n;
    return CHORUS_OK;
}

/* Zero padding up to `offset` (less than one alignment unit). */
static int sink_pad_to(chv_sink *s, uint64_t offset)
{
    static const unsigned char zeros[CHV_ALIGN];
    return sink_put(s, zeros, (size_t)(offset - s->pos));
}

/* count entries of `array` (src_width bytes each) as dst_width-byte entries. */
static int sink_put_entries(chv_sink *s, const void *array, int src_width, int dst_width,
                            int64_t count)
{
    if (src_width == dst_width) return sink_put(s, array, (size_t)count * (size_t)dst_width);
    /* A matrix that borrows int32 arrays is narrowed on the way out, a block at a time. */
    enum { BLOCK = 4096 };
    unsigned char block[BLOCK * 4];
    const unsigned char *src = array;
    int rc = CHORUS_OK;
    for (int64_t p = 0; p < count && !rc; p += BLOCK) {
        const int64_t n = count - p < BLOCK ? count - p : BLOCK;
        chorus_votes_convert(block, dst_width, src + (size_t)p * (size_t)src_width, src_width, n);
        rc = sink_put(s, block, (size_t)n * (size_t)dst_width);
    }
    return rc;
}

static int emit_file(chv_sink *s, const chorus_votes *v, const chv_header *h)
{
    unsigned char header[CHV_HEADER_SIZE];
    chv_encode_header(header, h);
    int rc = sink_put(s, header, sizeof header);
    if (!rc) rc = sink_pad_to(s, h->offset[SEC_NAMES]);
    for (int64_t i = 0; !rc && i < (int64_t)v->n_lfs + v->n_classes; i++) {
        const char *name = i < v->n_lfs ? v->lf_names[i] : v->class_names[i - v->n_lfs];
        unsigned char len[4];
        chv_put_u32(len, (uint32_t)strlen(name));
        rc = sink_put(s, len, sizeof len);
        if (!rc) rc = sink_put(s, name, strlen(name));
    }
    const int64_t nnz = (int64_t)h->nnz;
    if (!rc) rc = sink_pad_to(s, h->offset[SEC_ROW_PTR]);
    if (!rc) rc = sink_put(s, v->row_ptr, (size_t)h->size[SEC_ROW_PTR]);
    if (!rc) rc = sink_pad_to(s, h->offset[SEC_LF_INDEX]);
    if (!rc) rc = sink_put_entries(s, v->lf_index, v->lf_width, h->lf_width, nnz);
    if (!rc) rc = sink_pad_to(s, h->offset[SEC_LABEL]);
    if (!rc) rc = sink_put_entries(s, v->label, v->label_width, h->label_width, nnz);
    if (!rc && (h->flags & CHV_FLAG_ITEM_NAMES)) rc = sink_pad_to(s, h->item_names_offset);
    for (int64_t i = 0; !rc && (h->flags & CHV_FLAG_ITEM_NAMES) && i < v->n_items; i++) {
        /* An unnamed item has length 0. */
        const char *name = v->item_names[i] ? v->item_names[i] : "";
        unsigned char len[4];
        chv_put_u32(len, (uint32_t)strlen(name));
        rc = sink_put(s, len, sizeof len);
        if (!rc) rc = sink_put(s, name, strlen(name));
    }
    /* The table comes last: every block before it is complete when it is written. */
    if (!rc) rc = sink_pad_to(s, h->block_sums_offset);
    for (uint64_t b = 0; !rc && b < s->blocks->n_blocks; b++) {
        unsigned char sum[8];
        chv_put_u64(sum, s->blocks->sums[b]);
        rc = sink_put(s, sum, sizeof sum);
    }
    return rc;
}

/* The layout of a matrix: the header as written, checksum still zero. */
static void plan_layout(chv_header *h, const chorus_votes *v)
{
    memset(h, 0, sizeof *h);
    h->major = CHV_VERSION_MAJOR;
    h->minor = CHV_VERSION_MINOR;
    /* The narrowest widths the sizes allow, whatever the matrix holds: the same matrix is
     * always the same bytes. */
    h->lf_width = (uint8_t)chorus_votes_lf_width(v->n_lfs);
    h->label_width = (uint8_t)chorus_votes_label_width(v->n_classes);
    h->header_size = CHV_HEADER_SIZE;
    h->flags =
        (v->has_class_names ? CHV_FLAG_CLASS_NAMES : 0) | (v->has_lf_names ? CHV_FLAG_LF_NAMES : 0);
    h->n_lfs = (uint32_t)v->n_lfs;
    h->n_classes = (uint32_t)v->n_classes;
    h->n_items = (uint64_t)v->n_items;
    h->nnz = (uint64_t)v->row_ptr[v->n_items];
    uint64_t names_size = 0;
    for (int32_t j = 0; j < v->n_lfs; j++)
        names_size += 4 + strlen(v->lf_names[j]);
    for (int32_t k = 0; k < v->n_classes; k++)
        names_size += 4 + strlen(v->class_names[k]);
    uint64_t sizes[N_SECTIONS] = {names_size, (h->n_items + 1) * 8, h->nnz * h->lf_width,
                                  h->nnz * h->label_width};
    uint64_t end = CHV_HEADER_SIZE;
    for (int s = 0; s < N_SECTIONS; s++) {
        h->offset[s] = chv_align_up(end);
        h->size[s] = sizes[s];
        end = h->offset[s] + sizes[s];
    }
    if (v->item_names) {
        uint64_t size = 0;
        for (int64_t i = 0; i < v->n_items; i++)
            size += 4 + (v->item_names[i] ? strlen(v->item_names[i]) : 0);
        h->flags |= CHV_FLAG_ITEM_NAMES;
        h->item_names_offset = chv_align_up(end);
        h->item_names_size = size;
        end = h->item_names_offset + size;
    }
    h->flags |= CHV_FLAG_BLOCK_SUMS;
    h->block_log2 = CHV_BLOCK_LOG2;
    h->block_sums_offset = chv_align_up(end);
    h->block_sums_size = 8 * chv_block_count(h->block_sums_offset, CHV_BLOCK_LOG2);
    h->file_size = h->block_sums_offset + h->block_sums_size;
}

int chorus_votes_write_chv(const chorus_votes *votes, const char *path)
{
    if (!votes) return chorus_error_set(CHORUS_EINVAL, "%s: vote matrix is NULL", path);
    if (!CHV_HOST_LITTLE_ENDIAN)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: .chv files need a little-endian host", path);
    chv_header h = {0};
    plan_layout(&h, votes);
    chorus_atomic_file file = {0};
    chv_block_hasher blocks;
    int rc = chv_block_hasher_init(&blocks, &h);
    if (rc) return rc;
    XXH3_state_t *hash = XXH3_createState();
    if (!hash) {
        rc = chorus_error_nomem();
        goto done;
    }
    XXH3_64bits_reset(hash);
    chv_sink s = {NULL, hash, &blocks, path, 0};
    if ((rc = emit_file(&s, votes, &h))) goto done;
    h.checksum = XXH3_64bits_digest(hash);

    if ((rc = chorus_atomic_open(&file, path))) goto done;
    s = (chv_sink){file.fp, NULL, &blocks, path, 0};
    rc = emit_file(&s, votes, &h);
    if (rc)
        chorus_atomic_abort(&file);
    else
        rc = chorus_atomic_commit(&file);

done:
    if (hash) XXH3_freeState(hash);
    chv_block_hasher_free(&blocks);
    return rc;
}
