/*
 * Reading a range of the items of a .chv file: what one process of a distributed job holds.
 * Only the header, the LF and class names, the range's slice of each CSR array and the item
 * names up to the range's end are read; the rest of the file is never touched.
 *
 * The checks are those of the whole-file reader (chv.c) restricted to the range: the header
 * in full, the row pointers of the range (and that the first is 0 and the last nnz when the
 * range holds the first or last item), the votes of the range. The whole-file checksum
 * would need the whole file; instead, in a 2.1 file, every block of the block checksum
 * table that holds a byte the range reads is verified (older files are not verified).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "io/chv_checksum.h"
#include "io/chv_format.h"
#include "io/chv_items.h"
#include "io/chv_read.h"
#include "io/name_table.h"
#include "votes/votes_internal.h"

/* Opens the file and checks its header; *fd is -1 on error. */
static int open_checked(int *fd, chv_header *h, const char *path)
{
    *fd = -1;
    if (!CHV_HOST_LITTLE_ENDIAN)
        return chorus_error_set(CHORUS_EINTERNAL, "%s: .chv files need a little-endian host", path);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    unsigned char header[CHV_HEADER_SIZE];
    int rc = CHORUS_OK;
    if (fstat(f, &st) != 0) {
        rc = chorus_error_set(CHORUS_EIO, "%s: cannot stat: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = chorus_error_set(CHORUS_EIO, "%s: %s; expected a regular .chv file", path,
                              S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
    } else {
        uint64_t actual = (uint64_t)st.st_size;
        size_t head = actual < CHV_HEADER_SIZE ? (size_t)actual : CHV_HEADER_SIZE;
        rc = chv_read_at(f, path, header, head, 0);
        if (!rc) rc = chv_check_header(h, path, header, actual);
    }
    if (rc) {
        close(f);
        return rc;
    }
    *fd = f;
    return CHORUS_OK;
}

int chorus_chv_shape(int64_t *n_items, int32_t *n_lfs, int32_t *n_classes, const char *path)
{
    chv_header h = {0};
    int fd;
    int rc = open_checked(&fd, &h, path);
    if (rc) return rc;
    close(fd);
    *n_items = (int64_t)h.n_items;
    *n_lfs = (int32_t)h.n_lfs;
    *n_classes = (int32_t)h.n_classes;
    return CHORUS_OK;
}

/* The range's row pointers rp[begin..end]: in 0..nnz, 0 first and nnz last. */
static int check_row_range(const char *path, const chv_header *h, int64_t begin, int64_t end,
                           const int64_t *rp)
{
    const int64_t n = end - begin, nnz = (int64_t)h->nnz;
    for (int64_t i = 0; i <= n; i++) {
        const int64_t item = begin + i;
        const uint64_t at = h->offset[SEC_ROW_PTR] + 8 * (uint64_t)item;
        if (item == 0 && rp[i] != 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: row_ptr[0] at byte offset %" PRIu64 " is %" PRId64
                                    "; expected 0 (rows start at 0)",
                                    path, at, rp[i]);
        if (item == (int64_t)h->n_items && rp[i] != nnz)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: row_ptr[%" PRId64 "] at byte offset %" PRIu64
                                    " is %" PRId64 "; expected %" PRId64
                                    " (nnz, the number of votes)",
                                    path, item, at, rp[i], nnz);
        if (rp[i] < 0 || rp[i] > nnz || (i > 0 && rp[i] < rp[i - 1]))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: row_ptr[%" PRId64 "] at byte offset %" PRIu64
                                    " is %" PRId64 "; expected a count of votes in %" PRId64
                                    "..%" PRId64 ", never decreasing",
                                    path, item, at, rp[i], i > 0 ? rp[i - 1] : 0, nnz);
    }
    return CHORUS_OK;
}

/*
 * The range's votes: chorus_votes_check_csr()'s checks, told with the file's item numbers
 * and the byte offset of the entry.
 */
static int check_votes(const char *path, const chv_header *h, int64_t begin, int64_t n,
                       int64_t vote0, const int64_t *rp, const void *lf_entries,
                       const void *label_entries)
{
    const int32_t m = (int32_t)h->n_lfs, k = (int32_t)h->n_classes;
    for (int64_t i = 0; i < n; i++) {
        if (rp[i + 1] - rp[i] > m)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: item %" PRId64 " has %" PRId64 " votes at byte offset "
                                    "%" PRIu64 "; expected at most one per labeling function "
                                    "(%" PRId32 ")",
                                    path, begin + i, rp[i + 1] - rp[i],
                                    h->offset[SEC_ROW_PTR] + 8 * (uint64_t)(begin + i + 1), m);
        for (int64_t p = rp[i]; p < rp[i + 1]; p++) {
            const uint64_t v = (uint64_t)(vote0 + p);
            const int32_t lf = chorus_narrow_at(lf_entries, h->lf_width, p),
                          label = chorus_narrow_at(label_entries, h->label_width, p);
            const int32_t previous =
                p > rp[i] ? chorus_narrow_at(lf_entries, h->lf_width, p - 1) : -1;
            if (lf < 0 || lf >= m || lf <= previous)
                return chorus_error_set(CHORUS_EFORMAT,
                                        "%s: item %" PRId64 ": labeling function index %" PRId32
                                        " at byte offset %" PRIu64 "; expected 0..%" PRId32
                                        ", strictly increasing within an item",
                                        path, begin + i, lf,
                                        h->offset[SEC_LF_INDEX] + h->lf_width * v, m - 1);
            if (label < 0 || label >= k)
                return chorus_error_set(
                    CHORUS_EFORMAT,
                    "%s: item %" PRId64 ", labeling function %" PRId32 ": label %" PRId32
                    " at byte offset %" PRIu64 "; expected a class in 0..%" PRId32,
                    path, begin + i, lf, label, h->offset[SEC_LABEL] + h->label_width * v, k - 1);
        }
    }
    return CHORUS_OK;
}

/* Reads 4-byte name lengths of the item names section through a window of the file. */
typedef struct name_scan {
    int fd;
    const char *path;
    uint64_t base, size; /* the section */
    unsigned char buf[1 << 16];
    uint64_t buf_pos, buf_len; /* the window: section bytes [buf_pos, buf_pos + buf_len) */
} name_scan;

/* Refills the window from section position pos, if it does not hold [pos, pos + n). */
static int scan_window(name_scan *s, uint64_t pos, uint64_t n)
{
    if (pos >= s->buf_pos && pos + n <= s->buf_pos + s->buf_len) return CHORUS_OK;
    uint64_t left = s->size - pos;
    s->buf_pos = pos;
    s->buf_len = left < sizeof s->buf ? left : sizeof s->buf;
    return chv_read_at(s->fd, s->path, s->buf, (size_t)s->buf_len, s->base + pos);
}

/*
 * The name at section position *pos, which moves past it: its length, and with `bytes`
 * its bytes too (in the window, valid until the next call).
 */
static int scan_name(name_scan *s, int64_t item, uint64_t *pos, const unsigned char **bytes,
                     uint32_t *length)
{
    if (s->size - *pos < 4)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: the item names section ends at byte offset %" PRIu64
                                "; expected the 4-byte length of item name %" PRId64,
                                s->path, s->base + s->size, item);
    int rc = scan_window(s, *pos, 4);
    if (rc) return rc;
    uint32_t len = chv_get_u32(s->buf + (*pos - s->buf_pos));
    if (len > CHV_MAX_NAME)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item name %" PRId64 " has length %" PRIu32
                                " at byte offset %" PRIu64 "; expected 0..%d",
                                s->path, item, len, s->base + *pos, CHV_MAX_NAME);
    if (s->size - *pos - 4 < len)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item name %" PRId64 " at byte offset %" PRIu64
                                " runs past the end of the item names section; expected it to "
                                "end by byte offset %" PRIu64,
                                s->path, item, s->base + *pos + 4, s->base + s->size);
    /* The window (64 KiB) holds any name with its length. */
    if (bytes && (rc = scan_window(s, *pos, 4 + (uint64_t)len))) return rc;
    if (bytes) *bytes = s->buf + (*pos + 4 - s->buf_pos);
    if (length) *length = len;
    *pos += 4 + (uint64_t)len;
    return CHORUS_OK;
}

/*
 * Where the names of items [begin, end) lie in the item names section: [*first, *last).
 * The lengths of the names before them are scanned to find it.
 */
static int find_range_names(uint64_t *first, uint64_t *last, int fd, const char *path,
                            const chv_header *h, int64_t begin, int64_t end)
{
    name_scan *scan = malloc(sizeof *scan);
    if (!scan) return chorus_error_nomem();
    *scan = (name_scan){
        .fd = fd, .path = path, .base = h->item_names_offset, .size = h->item_names_size};
    *first = 0;
    int rc = CHORUS_OK;
    for (int64_t i = 0; i < begin && !rc; i++)
        rc = scan_name(scan, i, first, NULL, NULL);
    *last = *first;
    for (int64_t i = begin; i < end && !rc; i++)
        rc = scan_name(scan, i, last, NULL, NULL);
    if (!rc && end == (int64_t)h->n_items && *last != h->item_names_size)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: %" PRIu64 " stray bytes at byte offset %" PRIu64
                              "; expected the item names section to end after the last name",
                              path, h->item_names_size - *last, h->item_names_offset + *last);
    free(scan);
    return rc;
}

/* The names of items [begin, end), at [first, last) of the item names section. */
static int read_range_names(chorus_votes *v, int fd, const char *path, const chv_header *h,
                            uint64_t first, uint64_t last)
{
    unsigned char *names = malloc(last > first ? (size_t)(last - first) : 1);
    if (!names) return chorus_error_nomem();
    int rc = chv_read_at(fd, path, names, (size_t)(last - first), h->item_names_offset + first);
    if (!rc) {
        /* The range's part of the section, parsed as a section of its own. */
        chv_header part = *h;
        part.item_names_offset = h->item_names_offset + first;
        part.item_names_size = last - first;
        rc = chv_read_item_names(v, path, &part, names);
    }
    free(names);
    return rc;
}

/*
 * Item names are unique in the whole file, so the range's names (unique among themselves,
 * as chv_read_item_names checked) must not be the name of any item before the range. The
 * names before it are scanned once more and looked up in a table of the range's: every
 * pair of equal names is found by the range of the later one, and a process holds a table
 * of its own names only.
 */
static int check_names_before(const chorus_votes *v, int fd, const char *path, const chv_header *h,
                              int64_t begin)
{
    chorus_name_table table;
    chorus_name_table_init(&table, INT64_MIN);
    name_scan *scan = malloc(sizeof *scan);
    int rc = scan ? CHORUS_OK : chorus_error_nomem();
    for (int64_t i = 0; !rc && i < v->n_items; i++) {
        const char *name = v->item_names[i];
        int64_t index;
        if (name) rc = chorus_name_table_add(&table, name, strlen(name), begin + i, &index);
    }
    if (!rc)
        *scan = (name_scan){
            .fd = fd, .path = path, .base = h->item_names_offset, .size = h->item_names_size};
    char name[CHV_MAX_NAME + 1];
    uint64_t pos = 0;
    for (int64_t j = 0; !rc && j < begin; j++) {
        const uint64_t at = pos;
        const unsigned char *bytes = NULL;
        uint32_t len = 0;
        if ((rc = scan_name(scan, j, &pos, &bytes, &len)) || len == 0) continue;
        memcpy(name, bytes, len);
        name[len] = '\0';
        const int64_t found = chorus_name_table_find(&table, name);
        if (found >= 0)
            rc =
                chorus_error_set(CHORUS_EFORMAT,
                                 "%s: item name \"%.60s\" appears twice in the item names "
                                 "section, for items %" PRId64 " (byte offset %" PRIu64
                                 ") and %" PRId64 "; expected unique names",
                                 path, name, j, h->item_names_offset + at, table.first_line[found]);
    }
    chorus_name_table_free(&table);
    free(scan);
    return rc;
}

/*
 * The blocks of every byte the range reads, in file order: the header, the names, its
 * slices of row_ptr, lf_index and label, and the item names up to its end (the names
 * before it are scanned to find where its own begin).
 */
static int verify_range_blocks(int fd, const char *path, const chv_header *h, int64_t begin,
                               int64_t end, int64_t vote0, int64_t count, uint64_t names_end)
{
    if (!chv_has_block_sums(h)) return CHORUS_OK;
    uint64_t *table = NULL;
    int rc = chv_block_sums_read(&table, fd, path, h);
    if (rc) return rc;
    const uint64_t spans[][2] = {
        {0, CHV_HEADER_SIZE},
        {h->offset[SEC_NAMES], h->offset[SEC_NAMES] + h->size[SEC_NAMES]},
        {h->offset[SEC_ROW_PTR] + 8 * (uint64_t)begin,
         h->offset[SEC_ROW_PTR] + 8 * (uint64_t)end + 8},
        {h->offset[SEC_LF_INDEX] + h->lf_width * (uint64_t)vote0,
         h->offset[SEC_LF_INDEX] + h->lf_width * (uint64_t)(vote0 + count)},
        {h->offset[SEC_LABEL] + h->label_width * (uint64_t)vote0,
         h->offset[SEC_LABEL] + h->label_width * (uint64_t)(vote0 + count)},
        {h->item_names_offset, h->item_names_offset + names_end},
    };
    uint64_t next = 0;
    for (size_t i = 0; i < sizeof spans / sizeof spans[0] && !rc; i++)
        rc = chv_block_sums_verify(fd, path, h, table, spans[i][0], spans[i][1], &next);
    free(table);
    return rc;
}

int chorus_votes_read_chv_range(chorus_votes **out, const char *path, int64_t begin, int64_t end)
{
    *out = NULL;
    chv_header h = {0};
    chorus_votes *votes = NULL;
    unsigned char *names = NULL;
    int64_t *rp = NULL;
    void *li = NULL, *lb = NULL; /* the entries as stored: 1, 2 or 4 bytes each */
    int fd;
    int rc = open_checked(&fd, &h, path);
    if (rc) return rc;
    if (begin < 0 || end < begin || end > (int64_t)h.n_items) {
        rc = chorus_error_set(CHORUS_EINVAL,
                              "%s: items %" PRId64 "..%" PRId64 " are not a range of its %" PRIu64
                              " items",
                              path, begin, end, h.n_items);
        goto done;
    }
    const int64_t n = end - begin;
    names = malloc(h.size[SEC_NAMES] ? (size_t)h.size[SEC_NAMES] : 1);
    rp = malloc(((size_t)n + 1) * sizeof *rp);
    if (!names || !rp) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chv_read_at(fd, path, names, (size_t)h.size[SEC_NAMES], h.offset[SEC_NAMES])))
        goto done;
    if ((rc = chv_read_at(fd, path, rp, ((size_t)n + 1) * sizeof *rp,
                          h.offset[SEC_ROW_PTR] + 8 * (uint64_t)begin)))
        goto done;
    if ((rc = check_row_range(path, &h, begin, end, rp))) goto done;
    /* Bounded by nnz, which the header check bounded by the file's size. */
    const int64_t vote0 = rp[0], count = rp[n] - rp[0];
    li = malloc(count ? (size_t)count * h.lf_width : 1);
    lb = malloc(count ? (size_t)count * h.label_width : 1);
    if (!li || !lb) {
        rc = chorus_error_nomem();
        goto done;
    }
    /* The entries as stored (1, 2 or 4 bytes each), kept at that width: a process holds
     * its part of the matrix in the bytes the file gives it. */
    if ((rc = chv_read_at(fd, path, li, (size_t)count * h.lf_width,
                          h.offset[SEC_LF_INDEX] + h.lf_width * (uint64_t)vote0)) ||
        (rc = chv_read_at(fd, path, lb, (size_t)count * h.label_width,
                          h.offset[SEC_LABEL] + h.label_width * (uint64_t)vote0)))
        goto done;
    for (int64_t i = 0; i <= n; i++)
        rp[i] -= vote0;
    /* The item names up to the range's end are scanned (none without the section, or when
     * the range is empty). */
    const bool named = chv_has_item_names(&h) && n > 0;
    uint64_t names_first = 0, names_last = 0;
    if (named && (rc = find_range_names(&names_first, &names_last, fd, path, &h, begin, end)))
        goto done;
    if ((rc = verify_range_blocks(fd, path, &h, begin, end, vote0, count, names_last))) goto done;
    const int32_t k = (int32_t)h.n_classes;
    if ((rc = check_votes(path, &h, begin, n, vote0, rp, li, lb))) goto done;
    const chorus_vote_view stored = {rp, li, lb, h.lf_width, h.label_width};
    if ((rc = chorus_votes_adopt_view(&votes, n, (int32_t)h.n_lfs, k, &stored))) goto done;
    rp = NULL;
    li = lb = NULL;
    if ((rc = chv_apply_names(votes, path, &h, names))) goto done;
    if (named && (rc = read_range_names(votes, fd, path, &h, names_first, names_last))) goto done;
    if (named && votes->item_names && begin > 0 &&
        (rc = check_names_before(votes, fd, path, &h, begin)))
        goto done;
    *out = votes;
    votes = NULL;

done:
    chorus_votes_free(votes);
    free(names);
    free(rp);
    free(li);
    free(lb);
    close(fd);
    return rc;
}
