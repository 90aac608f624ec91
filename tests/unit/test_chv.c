/* The .chv format: round trips, the documented layout, and hostile files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "test_util.h"
#include "votes/votes_internal.h"

/* Header offsets from docs/chv-format.md, restated so the tests check the document. */
#define H_VERSION_MAJOR 8
#define H_VERSION_MINOR 10
#define H_HEADER_SIZE 12
#define H_FLAGS 16
#define H_N_LFS 20
#define H_N_CLASSES 24
#define H_N_ITEMS 32
#define H_NNZ 40
#define H_FILE_SIZE 48
#define H_CHECKSUM 56
#define H_SECTION(s) (64 + 16 * (s)) /* offset; the size follows at +8 */
#define H_LF_WIDTH 28
#define H_LABEL_WIDTH 29
#define H_RESERVED1 128 /* the item names fields since 1.1 */
#define H_ITEM_NAMES 128
#define H_RESERVED2 144  /* reserved in 2.0 */
#define H_BLOCK_SUMS 144 /* since 2.1: offset and size of the block checksum table */
#define H_BLOCK_LOG2 160
#define FLAG_BLOCK_SUMS 0x8
enum { NAMES, ROW_PTR, LF_INDEX, LABEL };

static uint64_t get64(const char *buf, size_t off)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | (unsigned char)buf[off + (size_t)i];
    return x;
}

static void put64(char *buf, size_t off, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        buf[off + (size_t)i] = (char)(x >> (8 * i));
}

static void put32(char *buf, size_t off, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        buf[off + (size_t)i] = (char)(x >> (8 * i));
}

/* The checksum as documented: XXH3-64 of the file with the checksum field read as zero. */
static uint64_t doc_checksum(const char *buf, size_t len)
{
    char *copy = malloc(len);
    memcpy(copy, buf, len);
    put64(copy, H_CHECKSUM, 0);
    uint64_t h = XXH3_64bits(copy, len);
    free(copy);
    return h;
}

/* After patching a file, make its checksums right again, so validation must catch the lie. */
static void rehash(char *buf, size_t len)
{
    test_chv_fix_block_sums(buf, len);
    put64(buf, H_CHECKSUM, doc_checksum(buf, len));
}

/*
 *          lf "κλειδί"  lf "正则"  lf "ß_lf"
 *   item 0      2          .          0
 *   item 1      .          .          .
 *   item 2      .          1          .
 *   item 3      0          1          2
 */
static chorus_votes *make_sample(void)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 3, 3));
    int32_t lf0[] = {2, 0}, y0[] = {0, 2};
    int32_t lf2[] = {1}, y2[] = {1};
    int32_t lf3[] = {0, 1, 2}, y3[] = {0, 1, 2};
    ck_assert_ok(chorus_votes_append_item(v, lf0, y0, 2));
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0));
    ck_assert_ok(chorus_votes_append_item(v, lf2, y2, 1));
    ck_assert_ok(chorus_votes_append_item(v, lf3, y3, 3));
    ck_assert_ok(chorus_votes_set_lf_name(v, 0, "κλειδί"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 1, "正则"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 2, "ß_lf"));
    ck_assert_ok(chorus_votes_set_class_name(v, 0, "négatif"));
    ck_assert_ok(chorus_votes_set_class_name(v, 1, "neutral"));
    ck_assert_ok(chorus_votes_set_class_name(v, 2, "positif 🙂"));
    return v;
}

static void assert_same(const chorus_votes *a, const chorus_votes *b)
{
    int64_t n = chorus_votes_n_items(a);
    ck_assert_int_eq(chorus_votes_n_items(b), n);
    ck_assert_int_eq(chorus_votes_n_lfs(b), chorus_votes_n_lfs(a));
    ck_assert_int_eq(chorus_votes_n_classes(b), chorus_votes_n_classes(a));
    ck_assert_int_eq(chorus_votes_nnz(b), chorus_votes_nnz(a));
    ck_assert_int_eq(chorus_votes_has_class_names(b), chorus_votes_has_class_names(a));
    ck_assert_int_eq(chorus_votes_has_lf_names(b), chorus_votes_has_lf_names(a));
    int64_t nnz = chorus_votes_nnz(a);
    ck_assert(memcmp(chorus_votes_row_ptr(a), chorus_votes_row_ptr(b),
                     ((size_t)n + 1) * sizeof(int64_t)) == 0);
    if (nnz > 0) {
        ck_assert(memcmp(chorus_votes_lf_index(a), chorus_votes_lf_index(b),
                         (size_t)nnz * sizeof(int32_t)) == 0);
        ck_assert(memcmp(chorus_votes_labels(a), chorus_votes_labels(b),
                         (size_t)nnz * sizeof(int32_t)) == 0);
    }
    for (int32_t j = 0; j < chorus_votes_n_lfs(a); j++)
        ck_assert_str_eq(chorus_votes_lf_name(b, j), chorus_votes_lf_name(a, j));
    for (int32_t k = 0; k < chorus_votes_n_classes(a); k++)
        ck_assert_str_eq(chorus_votes_class_name(b, k), chorus_votes_class_name(a, k));
    ck_assert_int_eq(chorus_votes_has_item_names(b), chorus_votes_has_item_names(a));
    for (int64_t i = 0; i < n; i++) {
        const char *want = chorus_votes_item_name(a, i), *got = chorus_votes_item_name(b, i);
        if (want)
            ck_assert_str_eq(got, want);
        else
            ck_assert_ptr_null(got);
    }
}

/* How many mappings of `path` this process holds (Linux), or -1 if that cannot be told. */
static int mappings_of(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, path)) n++;
    fclose(f);
    return n;
}

static chorus_read_options read_opts(int use_mmap, int verify)
{
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.use_mmap = use_mmap;
    opts.verify_checksum = verify;
    return opts;
}

/* Writes, reads back both ways, and checks both reads equal the original. */
static void round_trip(const chorus_votes *v, const char *name)
{
    const char *path = test_path(name);
    ck_assert_ok(chorus_votes_write_chv(v, path));
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
        chorus_read_options opts = read_opts(use_mmap, 1);
        chorus_votes *back;
        ck_assert_ok(chorus_votes_read_chv(&back, path, &opts));
        assert_same(v, back);
        chorus_votes_free(back);
    }
}

/* The sample written to `name`, returned as bytes. */
static char *sample_file(const char *name, size_t *len)
{
    chorus_votes *v = make_sample();
    ck_assert_ok(chorus_votes_write_chv(v, test_path(name)));
    chorus_votes_free(v);
    return test_read_file(test_path(name), len);
}

/*
 * Both read paths must reject the file the same way, with the checksum verified and, if
 * also_unverified, without.
 */
static void expect_rejected(const char *path, int code, const char *needle, int also_unverified)
{
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
        for (int verify = also_unverified ? 0 : 1; verify <= 1; verify++) {
            chorus_read_options opts = read_opts(use_mmap, verify);
            chorus_votes *v = (chorus_votes *)&opts; /* any non-NULL: the reader must reset it */
            ck_assert_error(chorus_votes_read_chv(&v, path, &opts), code, needle);
            ck_assert_ptr_null(v);
            ck_assert_msg(strstr(chorus_error_last(), path) != NULL, "no path in \"%s\"",
                          chorus_error_last());
        }
    }
}

/* Patches the sample with `patch`, fixes the checksum and expects validation to fail. */
static void expect_lie_caught(char *buf, size_t len, const char *needle)
{
    rehash(buf, len);
    const char *path = test_path("lie.chv");
    test_write_file(path, buf, len);
    expect_rejected(path, CHORUS_EFORMAT, needle, 1);
    ck_assert_msg(strstr(chorus_error_last(), "byte offset") != NULL, "no offset in \"%s\"",
                  chorus_error_last());
}

START_TEST(test_round_trip)
{
    chorus_votes *v = make_sample();
    round_trip(v, "sample.chv");
    chorus_read_options mapped = read_opts(1, 1), copied = read_opts(0, 1);
    chorus_votes *a, *b;
    ck_assert_ok(chorus_votes_read_chv(&a, test_path("sample.chv"), &mapped));
    ck_assert_ok(chorus_votes_read_chv(&b, test_path("sample.chv"), &copied));
    if (mappings_of(test_path("sample.chv")) >= 0)
        ck_assert_int_eq(mappings_of(test_path("sample.chv")), 1);
    assert_same(a, b);
    ck_assert_str_eq(chorus_votes_lf_name(a, 1), "正则");
    ck_assert_str_eq(chorus_votes_class_name(b, 2), "positif 🙂");
    ck_assert_int_eq(chorus_votes_get(a, 3, 2), 2);
    /* The mapped matrix borrows the file; the read one owns its arrays. */
    int32_t lf[] = {0}, y[] = {1};
    ck_assert_error(chorus_votes_append_item(a, lf, y, 1), CHORUS_EINVAL, "does not own");
    ck_assert_ok(chorus_votes_append_item(b, lf, y, 1));
    ck_assert_int_eq(chorus_votes_n_items(b), 5);
    chorus_votes_free(a);
    chorus_votes_free(b);
    ck_assert_int_le(mappings_of(test_path("sample.chv")), 0);
    /* Through the generic entry points, format from the extension. */
    ck_assert_ok(chorus_votes_write(v, test_path("auto.chv"), CHORUS_FORMAT_AUTO));
    ck_assert_ok(chorus_votes_read(&a, test_path("auto.chv"), NULL));
    assert_same(v, a);
    chorus_votes_free(a);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_round_trip_edge_cases)
{
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2)); /* no items at all */
    round_trip(v, "empty.chv");
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0));
    ck_assert_ok(chorus_votes_append_item(v, NULL, NULL, 0)); /* items, but no votes */
    round_trip(v, "novotes.chv");
    chorus_votes_free(v);

    int64_t rp[] = {0, 1, 3};
    int32_t li[] = {4, 0, 4}, lb[] = {6, 0, 1};
    ck_assert_ok(chorus_votes_from_csr(&v, 2, 5, 7, rp, li, lb, CHORUS_BORROW));
    round_trip(v, "borrowed.chv");
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    chorus_votes *back;
    ck_assert_ok(chorus_votes_read_chv(&back, test_path("borrowed.chv"), &opts));
    ck_assert_int_eq(chorus_votes_has_class_names(back), 0);
    ck_assert_int_eq(chorus_votes_has_lf_names(back), 0);
    ck_assert_str_eq(chorus_votes_class_name(back, 6), "6");
    ck_assert_str_eq(chorus_votes_lf_name(back, 4), "lf4");
    chorus_votes_free(back);
    chorus_votes_free(v);

    /* Class names given, LF names not: each flag is kept apart. */
    ck_assert_ok(chorus_votes_from_csr(&v, 2, 5, 7, rp, li, lb, CHORUS_COPY));
    ck_assert_ok(chorus_votes_set_class_name(v, 0, "zero"));
    round_trip(v, "classnames.chv");
    ck_assert_ok(chorus_votes_read_chv(&back, test_path("classnames.chv"), &opts));
    ck_assert_int_eq(chorus_votes_has_lf_names(back), 0);
    ck_assert_str_eq(chorus_votes_lf_name(back, 0), "lf0");
    ck_assert_str_eq(chorus_votes_class_name(back, 0), "zero");
    chorus_votes_free(back);
    chorus_votes_free(v);
}
END_TEST

/* The bytes on disk are what docs/chv-format.md says they are. */
START_TEST(test_documented_layout)
{
    size_t len;
    char *buf = sample_file("layout.chv", &len);
    ck_assert(memcmp(buf,
                     "\x89"
                     "CHV\r\n\x1a\n",
                     8) == 0);
    ck_assert_int_eq((unsigned char)buf[H_VERSION_MAJOR], 2);
    ck_assert_int_eq((unsigned char)buf[H_VERSION_MINOR], 1);
    /* 3 LFs and 3 classes: one byte per LF index and per label. */
    ck_assert_int_eq((unsigned char)buf[H_LF_WIDTH], 1);
    ck_assert_int_eq((unsigned char)buf[H_LABEL_WIDTH], 1);
    ck_assert_int_eq(buf[30], 0);
    ck_assert_int_eq(buf[31], 0);
    ck_assert_int_eq((unsigned char)buf[H_HEADER_SIZE], 192);
    /* Class and LF names given, and the block checksum table. */
    ck_assert_int_eq((unsigned char)buf[H_FLAGS], 3 | FLAG_BLOCK_SUMS);
    ck_assert_int_eq((unsigned char)buf[H_N_LFS], 3);
    ck_assert_int_eq((unsigned char)buf[H_N_CLASSES], 3);
    ck_assert_uint_eq(get64(buf, H_N_ITEMS), 4);
    ck_assert_uint_eq(get64(buf, H_NNZ), 6);
    ck_assert_uint_eq(get64(buf, H_FILE_SIZE), len);
    ck_assert_uint_eq(get64(buf, H_CHECKSUM), doc_checksum(buf, len));
    for (int i = H_ITEM_NAMES; i < H_BLOCK_SUMS; i++) /* no item names: their fields are zero */
        ck_assert_int_eq(buf[i], 0);
    for (int i = H_BLOCK_LOG2 + 1; i < 192; i++) /* reserved */
        ck_assert_int_eq(buf[i], 0);
    for (int s = NAMES; s <= LABEL; s++)
        ck_assert_uint_eq(get64(buf, H_SECTION(s)) % 64, 0);
    ck_assert_uint_eq(get64(buf, H_SECTION(NAMES)), 192);
    /* The first name: u32 length, then UTF-8 bytes without a terminator. */
    ck_assert_int_eq((unsigned char)buf[192], strlen("κλειδί"));
    ck_assert(memcmp(buf + 196, "κλειδί", strlen("κλειδί")) == 0);
    int64_t rp[] = {0, 2, 2, 3, 6};
    uint8_t li[] = {0, 2, 1, 0, 1, 2}, lb[] = {2, 0, 1, 0, 1, 2};
    ck_assert_uint_eq(get64(buf, H_SECTION(ROW_PTR) + 8), sizeof rp);
    ck_assert(memcmp(buf + get64(buf, H_SECTION(ROW_PTR)), rp, sizeof rp) == 0);
    ck_assert_uint_eq(get64(buf, H_SECTION(LF_INDEX) + 8), sizeof li);
    ck_assert(memcmp(buf + get64(buf, H_SECTION(LF_INDEX)), li, sizeof li) == 0);
    ck_assert_uint_eq(get64(buf, H_SECTION(LABEL) + 8), sizeof lb);
    ck_assert(memcmp(buf + get64(buf, H_SECTION(LABEL)), lb, sizeof lb) == 0);
    /* The block checksum table: 1 MiB blocks, so the 520 bytes before it are one block,
     * the 6 labels' end rounded up to 64; the file ends after its one entry. */
    const uint64_t table = get64(buf, H_BLOCK_SUMS);
    ck_assert_uint_eq(table, (get64(buf, H_SECTION(LABEL)) + sizeof lb + 63) / 64 * 64);
    ck_assert_int_eq((unsigned char)buf[H_BLOCK_LOG2], 20);
    ck_assert_uint_eq(get64(buf, H_BLOCK_SUMS + 8), 8);
    ck_assert_uint_eq(table + 8, len);
    char *zeroed = malloc(len);
    memcpy(zeroed, buf, len);
    put64(zeroed, H_CHECKSUM, 0);
    ck_assert_uint_eq(get64(buf, table), XXH3_64bits(zeroed, table));
    free(zeroed);
    free(buf);
}
END_TEST

START_TEST(test_bad_magic)
{
    size_t len;
    char *buf = sample_file("magic.chv", &len);
    const char *path = test_path("bad_magic.chv");
    buf[0] = 'X';
    test_write_file(path, buf, len);
    expect_rejected(path, CHORUS_EFORMAT, "not a .chv file", 1);
    /* A text-mode transfer turns CR LF into LF. */
    memmove(buf + 4, buf + 5, len - 5);
    buf[0] = (char)0x89;
    test_write_file(path, buf, len - 1);
    expect_rejected(path, CHORUS_EFORMAT, "text mode", 1);
    test_write_file(path, "item,lf,label\n0,0,1\n", (size_t)-1);
    expect_rejected(path, CHORUS_EFORMAT, "byte offset 0", 1);
    free(buf);
}
END_TEST

START_TEST(test_versions)
{
    size_t len;
    char *buf = sample_file("version.chv", &len);
    const char *path = test_path("version2.chv");
    char *newer = malloc(len);
    memcpy(newer, buf, len);
    newer[H_VERSION_MAJOR] = 3;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "written by a newer chorus", 1);
    newer[H_VERSION_MAJOR] = 0;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "version_major at byte offset 8 is 0", 1);
    /* The widths of a 2.0 file are 1, 2 or 4. */
    memcpy(newer, buf, len);
    newer[H_LF_WIDTH] = 3;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "lf_index_width at byte offset 28 is 3", 1);
    memcpy(newer, buf, len);
    newer[H_LABEL_WIDTH] = 0;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "label_width at byte offset 29 is 0", 1);
    /* A width the sizes do not call for is read as stored; the section sizes must follow. */
    memcpy(newer, buf, len);
    newer[H_LABEL_WIDTH] = 2;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "label section size 6", 1);

    /* A newer minor version may set flags and reserved bytes this reader does not know. */
    memcpy(newer, buf, len);
    newer[H_VERSION_MINOR] = 2;
    newer[H_FLAGS + 1] = 0x10;
    newer[H_BLOCK_LOG2 + 5] = 0x7f;
    newer[30] = 0x7f;
    rehash(newer, len);
    test_write_file(path, newer, len);
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read_chv(&v, path, NULL));
    ck_assert_int_eq(chorus_votes_nnz(v), 6);
    chorus_votes_free(v);
    /* ... but in a file of this reader's version, 2.1, they are corruption. */
    newer[H_VERSION_MINOR] = 1;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "only bits 0 to 3 in a version 2.1 file", 1);
    newer[H_FLAGS + 1] = 0;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "reserved header byte at byte offset 30", 1);
    newer[30] = 0;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "reserved header byte at byte offset 165", 1);
    /* A 2.0 file has no block checksum table. */
    newer[H_BLOCK_LOG2 + 5] = 0;
    newer[H_VERSION_MINOR] = 0;
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "only bits 0 to 2 in a version 2.0 file", 1);
    /* Without the flag, the table's fields are reserved bytes in 2.1. */
    newer[H_VERSION_MINOR] = 1;
    newer[H_FLAGS] = (char)(newer[H_FLAGS] & ~FLAG_BLOCK_SUMS);
    rehash(newer, len);
    test_write_file(path, newer, len);
    expect_rejected(path, CHORUS_EFORMAT, "reserved header byte at byte offset 145",
                    1); /* 512 = 0x200 */
    free(newer);
    free(buf);
}
END_TEST

/*
 * A file of several 1 MiB blocks with one label changed to another valid class: only the
 * checksums can tell. The whole-file reader names the block (even with the whole-file
 * checksum made right again), and the range reader does for a range that reads that
 * block, and only then.
 */
START_TEST(test_block_checksums)
{
    const int64_t n = 400000;
    chorus_votes *v;
    ck_assert_ok(chorus_votes_new(&v, 2, 2));
    for (int64_t i = 0; i < n; i++) {
        int32_t lf[] = {0, 1}, y[] = {(int32_t)(i % 2), (int32_t)(i / 2 % 2)};
        ck_assert_ok(chorus_votes_append_item(v, lf, y, 2));
    }
    const char *path = test_path("blocks.chv");
    ck_assert_ok(chorus_votes_write_chv(v, path));
    chorus_votes_free(v);
    size_t len;
    char *buf = test_read_file(path, &len);
    /* row_ptr alone is 3.2 MB: at least four blocks before the table. */
    const uint64_t table = get64(buf, H_BLOCK_SUMS), blocks = (table + (1u << 20) - 1) >> 20;
    ck_assert_uint_ge(blocks, 4);
    ck_assert_uint_eq(get64(buf, H_BLOCK_SUMS + 8), 8 * blocks);
    ck_assert_uint_eq(table + 8 * blocks, len);
    char *check = malloc(len);
    memcpy(check, buf, len);
    rehash(check, len); /* the writer's checksums are the documented ones */
    ck_assert(memcmp(check, buf, len) == 0);
    free(check);

    /* The last item's second label, 1 - ((n - 1) / 2 % 2) instead. */
    const uint64_t at = get64(buf, H_SECTION(LABEL)) + 2 * (uint64_t)(n - 1) + 1;
    const uint64_t block = at >> 20;
    buf[at] = (char)(1 - buf[at]);
    put64(buf, H_CHECKSUM, doc_checksum(buf, len));
    test_write_file(path, buf, len);
    char needle[128];
    snprintf(needle, sizeof needle, "checksum mismatch in bytes %llu..%llu (block %llu)",
             (unsigned long long)(block << 20),
             (unsigned long long)((block + 1) << 20 < table ? ((block + 1) << 20) - 1 : table - 1),
             (unsigned long long)block);
    expect_rejected(path, CHORUS_EFORMAT, needle, 0);
    /* Unverified, the label reads as written. */
    chorus_read_options unverified = read_opts(1, 0);
    ck_assert_ok(chorus_votes_read_chv(&v, path, &unverified));
    ck_assert_int_eq(chorus_votes_get(v, n - 1, 1), (int32_t)(1 - ((n - 1) / 2 % 2)));
    chorus_votes_free(v);

    /* Items 0..999 read blocks 0 (header, names, row_ptr) and those of their votes. */
    const uint64_t first_votes[] = {get64(buf, H_SECTION(LF_INDEX)) >> 20,
                                    get64(buf, H_SECTION(LABEL)) >> 20};
    ck_assert_uint_ne(block, 0);
    ck_assert_uint_ne(block, first_votes[0]);
    ck_assert_uint_ne(block, first_votes[1]);
    ck_assert_ok(chorus_votes_read_chv_range(&v, path, 0, 1000));
    ck_assert_int_eq(chorus_votes_n_items(v), 1000);
    chorus_votes_free(v);
    ck_assert_error(chorus_votes_read_chv_range(&v, path, n - 10, n), CHORUS_EFORMAT, needle);
    ck_assert_ptr_null(v);
    ck_assert_error(chorus_votes_read_chv_range(&v, path, 0, n), CHORUS_EFORMAT, needle);
    /* Block 0 holds the header and the names, which every range reads: "lf0" -> "xf0". */
    buf[at] = (char)(1 - buf[at]);
    buf[get64(buf, H_SECTION(NAMES)) + 4] = 'x';
    test_write_file(path, buf, len);
    ck_assert_error(chorus_votes_read_chv_range(&v, path, n - 10, n), CHORUS_EFORMAT, "(block 0)");
    free(buf);
}
END_TEST

START_TEST(test_bad_checksum)
{
    size_t len;
    char *buf = sample_file("sum.chv", &len);
    const char *path = test_path("flipped.chv");
    size_t where[] = {
        (size_t)get64(buf, H_SECTION(NAMES)) + 6,       /* inside the first name */
        (size_t)get64(buf, H_SECTION(ROW_PTR)) + 8 * 4, /* row_ptr[4] */
        (size_t)get64(buf, H_SECTION(LF_INDEX)) + 1,
        (size_t)get64(buf, H_SECTION(LABEL)) + 5,
        (size_t)get64(buf, H_SECTION(ROW_PTR)) - 1, /* padding before row_ptr */
        H_CHECKSUM + 3,
    };
    for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
        ck_assert_uint_lt(where[i], len);
        buf[where[i]] ^= 0x01;
        test_write_file(path, buf, len);
        expect_rejected(path, CHORUS_EFORMAT, "checksum mismatch", 0);
        buf[where[i]] ^= 0x01;
    }
    ck_assert_int_le(mappings_of(path), 0); /* rejected after mapping: unmapped again */
    /* Without verification a harmless flip (a label still in range) goes unnoticed. */
    buf[get64(buf, H_SECTION(LABEL)) + 1] ^= 0x01; /* label[1]: 0 -> 1 */
    test_write_file(path, buf, len);
    chorus_read_options opts = read_opts(1, 0);
    chorus_votes *v;
    ck_assert_ok(chorus_votes_read_chv(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_labels(v)[1], 1);
    chorus_votes_free(v);
    free(buf);
}
END_TEST

/* Header fields that lie, with a correct checksum: the structural checks must catch them. */
START_TEST(test_lying_header)
{
    size_t len;
    char *orig = sample_file("lies.chv", &len);
    char *buf = malloc(len);
    uint64_t huge = (uint64_t)1 << 62;
    uint64_t label_off = get64(orig, H_SECTION(LABEL));
    struct {
        size_t field;
        uint64_t value;
        int width;
        const char *needle;
    } lies[] = {
        {H_N_ITEMS, huge, 8, "n_items"},
        {H_NNZ, huge, 8, "nnz"},
        {H_N_ITEMS, 5, 8, "row_ptr section size"},
        {H_NNZ, 7, 8, "lf_index section size"},
        {H_FILE_SIZE, huge, 8, "file_size"},
        {H_FILE_SIZE, 100, 8, "file_size"},
        {H_HEADER_SIZE, 8, 4, "header_size"},
        {H_HEADER_SIZE, 1u << 31, 4, "overlaps"},
        {H_N_LFS, 0, 4, "n_lfs"},
        {H_N_CLASSES, 1, 4, "n_classes"},
        {H_N_CLASSES, 70000, 4, "n_classes"},
        {H_SECTION(LABEL), label_off + 64, 8, "block checksum table offset"}, /* onto it */
        {H_SECTION(LABEL), label_off + 128, 8, "past the end"},
        {H_SECTION(LABEL), huge, 8, "past the end"},
        {H_SECTION(LABEL) + 8, huge, 8, "label section size"},
        {H_SECTION(ROW_PTR), get64(orig, H_SECTION(ROW_PTR)) + 8, 8, "not aligned"},
        {H_SECTION(LF_INDEX), get64(orig, H_SECTION(ROW_PTR)), 8, "overlaps"},
        {H_SECTION(NAMES), 0, 8, "overlaps"},
        {H_SECTION(NAMES) + 8, huge, 8, "past the end"},
        {H_SECTION(NAMES) + 8, 3, 8, "too small for 3 + 3 names"},
        {H_N_LFS, 16777216, 4, "too small for 16777216 + 3 names"},
        {H_SECTION(NAMES) + 8, 35, 8, "names section ends"}, /* after the LF names */
        {H_SECTION(NAMES) + 8, 65, 8, "runs past the end of the names section"},
    };
    for (size_t i = 0; i < sizeof lies / sizeof *lies; i++) {
        memcpy(buf, orig, len);
        if (lies[i].width == 8)
            put64(buf, lies[i].field, lies[i].value);
        else
            put32(buf, lies[i].field, (uint32_t)lies[i].value);
        expect_lie_caught(buf, len, lies[i].needle);
    }
    free(buf);
    free(orig);
}
END_TEST

/* Contents that lie (with a correct checksum): CSR arrays and names. */
START_TEST(test_lying_contents)
{
    size_t len;
    char *orig = sample_file("lies2.chv", &len);
    char *buf = malloc(len);
    size_t rp = (size_t)get64(orig, H_SECTION(ROW_PTR));
    size_t li = (size_t)get64(orig, H_SECTION(LF_INDEX));
    size_t lb = (size_t)get64(orig, H_SECTION(LABEL));
    size_t names = (size_t)get64(orig, H_SECTION(NAMES));

    memcpy(buf, orig, len);
    put64(buf, rp + 8 * 2, 1); /* row_ptr = 0 2 1 3 6 */
    expect_lie_caught(buf, len, "decreases");
    ck_assert_msg(strstr(chorus_error_last(), "byte offset 336") != NULL, "%s",
                  chorus_error_last());
    memcpy(buf, orig, len);
    put64(buf, rp + 8 * 4, 5); /* row_ptr[n_items] != nnz */
    expect_lie_caught(buf, len, "row_ptr[4]");
    memcpy(buf, orig, len);
    put64(buf, rp + 8 * 4, (uint64_t)1 << 40);
    expect_lie_caught(buf, len, "row_ptr[4]");
    memcpy(buf, orig, len);
    put64(buf, rp, (uint64_t)-1);
    expect_lie_caught(buf, len, "row_ptr[0]");
    memcpy(buf, orig, len);
    buf[li + 1] = 3; /* LF 3 of 3 */
    expect_lie_caught(buf, len, "outside 0..2");
    memcpy(buf, orig, len);
    buf[li + 1] = 0; /* item 0 gets LFs 0, 0 */
    expect_lie_caught(buf, len, "strictly increasing");
    ck_assert_msg(strstr(chorus_error_last(), "byte offset") != NULL, "%s", chorus_error_last());
    char where[64];
    snprintf(where, sizeof where, "at byte offset %zu;", li + 1);
    ck_assert_msg(strstr(chorus_error_last(), where) != NULL, "%s", chorus_error_last());
    memcpy(buf, orig, len);
    buf[lb + 5] = (char)249; /* label 249 of 3 classes, one byte wide */
    expect_lie_caught(buf, len, "label 249");
    snprintf(where, sizeof where, "at byte offset %zu;", lb + 5);
    ck_assert_msg(strstr(chorus_error_last(), where) != NULL, "%s", chorus_error_last());

    /* Names: "κλειδί" is 12 bytes at names + 4; "正则" (6 bytes) follows. */
    memcpy(buf, orig, len);
    buf[names + 4] = '\n';
    expect_lie_caught(buf, len, "control character");
    memcpy(buf, orig, len);
    buf[names + 5] = '\0';
    expect_lie_caught(buf, len, "NUL byte at byte offset 197");
    memcpy(buf, orig, len);
    put32(buf, names, 0);
    expect_lie_caught(buf, len, "has length 0 at byte offset 192");
    memcpy(buf, orig, len);
    put32(buf, names, 5000);
    expect_lie_caught(buf, len, "has length 5000");
    memcpy(buf, orig, len);
    put32(buf, names, 0xffffffffu);
    expect_lie_caught(buf, len, "expected 1..4096");
    memcpy(buf, orig, len);
    put64(buf, H_SECTION(NAMES) + 8, get64(orig, H_SECTION(NAMES) + 8) + 1); /* into padding */
    expect_lie_caught(buf, len, "1 stray bytes");
    free(buf);
    free(orig);
}
END_TEST

START_TEST(test_duplicate_lf_names)
{
    chorus_votes *v = make_sample();
    ck_assert_ok(chorus_votes_set_lf_name(v, 1, "same"));
    ck_assert_ok(chorus_votes_set_lf_name(v, 2, "same"));
    ck_assert_ok(chorus_votes_write_chv(v, test_path("dup.chv")));
    chorus_votes_free(v);
    expect_rejected(test_path("dup.chv"), CHORUS_EFORMAT, "\"same\" appears twice", 1);
}
END_TEST

/* Every prefix of a valid file is rejected cleanly (sanitizers watch for leaks and overruns). */
START_TEST(test_truncated)
{
    size_t len;
    char *buf = sample_file("whole.chv", &len);
    const char *path = test_path("truncated.chv");
    for (size_t n = 0; n < len; n++) {
        test_write_file(path, buf, n);
        expect_rejected(path, CHORUS_EFORMAT, "byte offset", 1);
    }
    test_write_file(path, buf, 100);
    expect_rejected(path, CHORUS_EFORMAT, "inside the header", 1);
    test_write_file(path, buf, len - 1);
    expect_rejected(path, CHORUS_EFORMAT, "truncated", 1);
    /* Appending is caught the same way. */
    char *longer = calloc(len + 1, 1);
    memcpy(longer, buf, len);
    test_write_file(path, longer, len + 1);
    expect_rejected(path, CHORUS_EFORMAT, "appended", 1);
    free(longer);
    free(buf);
}
END_TEST

/*
 * A poor man's fuzzer: random bytes overwritten, the checksum made right again. Each read
 * must either succeed or fail with CHORUS_EFORMAT; the sanitizers catch anything worse.
 */
START_TEST(test_random_mutations)
{
    size_t len;
    char *orig = sample_file("fuzz.chv", &len);
    char *buf = malloc(len);
    const char *path = test_path("mutant.chv");
    uint64_t state = 0x9e3779b97f4a7c15u;
    int accepted = 0;
    for (int round = 0; round < 1500; round++) {
        memcpy(buf, orig, len);
        for (int k = 0; k < 1 + round % 4; k++) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            size_t at = (size_t)(state >> 33) % len;
            buf[at] = (char)(state >> 13);
        }
        rehash(buf, len);
        test_write_file(path, buf, len);
        chorus_read_options opts = read_opts(round % 2, 1);
        chorus_votes *v;
        int rc = chorus_votes_read_chv(&v, path, &opts);
        ck_assert_msg(rc == CHORUS_OK || rc == CHORUS_EFORMAT, "round %d: %d %s", round, rc,
                      chorus_error_last());
        if (rc == CHORUS_OK) accepted++;
        chorus_votes_free(v);
    }
    ck_assert_int_gt(accepted, 0); /* e.g. changed padding or a name's letters */
    ck_assert_int_le(mappings_of(path), 0);
    free(buf);
    free(orig);
}
END_TEST

START_TEST(test_n_classes_option)
{
    chorus_votes *v = make_sample();
    const char *path = test_path("classes.chv");
    ck_assert_ok(chorus_votes_write_chv(v, path));
    chorus_votes_free(v);
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
        chorus_read_options opts = read_opts(use_mmap, 1);
        opts.n_classes = 5; /* widens */
        ck_assert_ok(chorus_votes_read_chv(&v, path, &opts));
        ck_assert_int_eq(chorus_votes_n_classes(v), 5);
        ck_assert_str_eq(chorus_votes_class_name(v, 2), "positif 🙂");
        ck_assert_str_eq(chorus_votes_class_name(v, 4), "4");
        chorus_votes_free(v);
        opts.n_classes = 2; /* label 2 is present */
        ck_assert_error(chorus_votes_read_chv(&v, path, &opts), CHORUS_EFORMAT, "label 2");
        ck_assert_ptr_null(v);
        opts.n_classes = 1;
        ck_assert_error(chorus_votes_read_chv(&v, path, &opts), CHORUS_EINVAL, "2..1000");
    }
    /* Narrowing is fine when no label reaches the dropped classes. */
    int64_t rp[] = {0, 1};
    int32_t li[] = {0}, lb[] = {1};
    ck_assert_ok(chorus_votes_from_csr(&v, 1, 1, 4, rp, li, lb, CHORUS_COPY));
    ck_assert_ok(chorus_votes_write_chv(v, path));
    chorus_votes_free(v);
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.n_classes = 2;
    ck_assert_ok(chorus_votes_read_chv(&v, path, &opts));
    ck_assert_int_eq(chorus_votes_n_classes(v), 2);
    chorus_votes_free(v);
}
END_TEST

START_TEST(test_io_errors)
{
    chorus_votes *v = NULL;
    ck_assert_error(chorus_votes_read_chv(&v, test_path("missing.chv"), NULL), CHORUS_EIO,
                    "missing.chv: cannot open");
    ck_assert_error(chorus_votes_read_chv(&v, test_tmpdir(), NULL), CHORUS_EIO, "directory");
    ck_assert_ptr_null(v);

    v = make_sample();
    ck_assert_error(chorus_votes_write_chv(v, test_tmpdir()), CHORUS_EWRITE, "directory");
    const char *nowhere = test_path("no/such/dir/x.chv");
    ck_assert_error(chorus_votes_write_chv(v, nowhere), CHORUS_EWRITE, "x.chv");
    ck_assert_int_eq(test_file_exists(nowhere), 0);
    if (test_file_exists("/dev/full"))
        ck_assert_error(chorus_votes_write_chv(v, "/dev/full"), CHORUS_EWRITE, "/dev/full");
    /* An existing file is replaced whole. */
    const char *keep = test_path("keep.chv");
    test_write_file(keep, "old", 3);
    ck_assert_ok(chorus_votes_write_chv(v, keep));
    chorus_votes *back;
    ck_assert_ok(chorus_votes_read_chv(&back, keep, NULL));
    chorus_votes_free(back);
    chorus_votes_free(v);
}
END_TEST

/* Votes are matched to models by class name, so a file may not name a class twice. */
START_TEST(test_duplicate_class_names)
{
    int32_t dense[] = {0, 1, 1, 0};
    chorus_votes *v, *back = NULL;
    ck_assert_ok(chorus_votes_from_dense(&v, 2, 2, 2, dense));
    ck_assert_ok(chorus_votes_set_class_name(v, 0, "HAM"));
    ck_assert_ok(chorus_votes_set_class_name(v, 1, "HAM"));
    const char *path = test_path("dup.chv");
    ck_assert_ok(chorus_votes_write_chv(v, path));
    ck_assert_error(chorus_votes_read_chv(&back, path, NULL), CHORUS_EFORMAT,
                    "class name \"HAM\" appears twice at byte offset");
    ck_assert_ptr_null(back);
    chorus_votes_free(v);
}
END_TEST

/* Items 0 and 2 of three named (1 has none), as a data file with ids gives them. */
static chorus_votes *make_named(void)
{
    int32_t dense[] = {1, -1, 0, -1, -1, -1, -1, 1, -1};
    chorus_votes *v;
    ck_assert_ok(chorus_votes_from_dense(&v, 3, 3, 2, dense));
    ck_assert_ok(chorus_votes_set_item_name(v, 0, "c17"));
    ck_assert_ok(chorus_votes_set_item_name(v, 2, "c20"));
    return v;
}

/* Item names survive a round trip and are stored as docs/chv-format.md says (since 1.1). */
START_TEST(test_item_names)
{
    chorus_votes *v = make_named();
    round_trip(v, "items.chv");
    size_t len;
    char *buf = test_read_file(test_path("items.chv"), &len);
    ck_assert_int_eq(buf[H_VERSION_MAJOR], 2);
    ck_assert_int_eq(buf[H_FLAGS] & 0x4, 0x4);
    uint64_t label_end = get64(buf, H_SECTION(LABEL)) + get64(buf, H_SECTION(LABEL) + 8);
    uint64_t off = get64(buf, H_RESERVED1), size = get64(buf, H_RESERVED1 + 8);
    ck_assert_uint_eq(off % 64, 0);
    ck_assert_uint_ge(off, label_end);
    ck_assert_uint_lt(off, label_end + 64);
    /* Lengths 3, 0, 3: "c17", an unnamed item, "c20"; then only the block checksums. */
    ck_assert_uint_eq(size, 4 + 3 + 4 + 4 + 3);
    ck_assert_uint_eq(get64(buf, H_BLOCK_SUMS), (off + size + 63) / 64 * 64);
    ck_assert(memcmp(buf + off, "\3\0\0\0c17\0\0\0\0\3\0\0\0c20", 18) == 0);
    ck_assert_uint_eq(get64(buf, H_CHECKSUM), doc_checksum(buf, len));

    /* Without item names the flag is clear and the fields are zero. */
    chorus_votes *plain;
    int32_t dense[] = {1, -1, 0, -1, -1, -1, -1, 1, -1};
    ck_assert_ok(chorus_votes_from_dense(&plain, 3, 3, 2, dense));
    ck_assert_ok(chorus_votes_write_chv(plain, test_path("plain.chv")));
    char *pbuf = test_read_file(test_path("plain.chv"), &len);
    ck_assert_int_eq(pbuf[H_VERSION_MAJOR], 2);
    ck_assert_int_eq(pbuf[H_FLAGS] & 0x4, 0);
    ck_assert_uint_eq(get64(pbuf, H_RESERVED1), 0);
    free(pbuf);
    chorus_votes_free(plain);
    free(buf);
    chorus_votes_free(v);
}
END_TEST

/* Hostile item names sections are rejected naming the file and the byte offset. */
START_TEST(test_bad_item_names)
{
    chorus_votes *v = make_named();
    ck_assert_ok(chorus_votes_write_chv(v, test_path("items_orig.chv")));
    chorus_votes_free(v);
    size_t len;
    char *orig = test_read_file(test_path("items_orig.chv"), &len);
    const uint64_t off = get64(orig, H_RESERVED1);
    const char *path = test_path("items_bad.chv");
    char *buf = malloc(len);

    struct {
        uint64_t at;
        uint32_t value; /* a u32 put at `at` */
        int wide;       /* or a u64 */
        const char *needle;
    } lies[] = {
        {H_RESERVED1, 32, 1, "item names section offset"},           /* inside the header */
        {H_RESERVED1 + 8, 11, 1, "too small for 3 items"},           /* under 4 per item */
        {H_RESERVED1 + 8, 1000, 1, "runs past the end of the file"}, /* past the end */
        {0, 5000, 0, "has length 5000"},                             /* first name too long */
        {0, 20, 0, "runs past the end of the item names"},           /* past the section */
        {11, 1, 0, "stray bytes"},                                   /* "c" of "c20" */
    };
    for (size_t t = 0; t < sizeof lies / sizeof lies[0]; t++) {
        memcpy(buf, orig, len);
        uint64_t at = lies[t].at >= H_RESERVED1 ? lies[t].at : off + lies[t].at;
        if (lies[t].wide)
            put64(buf, at, lies[t].value);
        else
            put32(buf, at, lies[t].value);
        rehash(buf, len);
        test_write_file(path, buf, len);
        expect_rejected(path, CHORUS_EFORMAT, lies[t].needle, 1);
    }
    /* The same name twice, and a control character. */
    memcpy(buf, orig, len);
    memcpy(buf + off + 14 + 4 - 3, "c17", 3);
    rehash(buf, len);
    test_write_file(path, buf, len);
    expect_rejected(path, CHORUS_EFORMAT, "item name \"c17\" appears twice", 1);
    memcpy(buf, orig, len);
    buf[off + 5] = '\n';
    rehash(buf, len);
    test_write_file(path, buf, len);
    expect_rejected(path, CHORUS_EFORMAT, "control character", 1);
    /* The checksum covers the section. */
    memcpy(buf, orig, len);
    buf[off + 4] = 'x';
    test_write_file(path, buf, len);
    expect_rejected(path, CHORUS_EFORMAT, "checksum mismatch", 0);
    free(buf);
    free(orig);
}
END_TEST

/* A file written before item names existed (tests/data/chv/README.md) still reads. */
START_TEST(test_version_1_0_file)
{
    const char *path = test_data("chv/v1_0_names.chv");
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
        chorus_read_options opts = read_opts(use_mmap, 1);
        chorus_votes *v;
        ck_assert_ok(chorus_votes_read_chv(&v, path, &opts));
        ck_assert_int_eq(chorus_votes_n_items(v), 3);
        ck_assert_int_eq(chorus_votes_n_lfs(v), 3);
        ck_assert_int_eq(chorus_votes_has_item_names(v), 0);
        ck_assert_str_eq(chorus_votes_lf_name(v, 0), "kw_a");
        ck_assert_str_eq(chorus_votes_lf_name(v, 2), "re_c");
        ck_assert_str_eq(chorus_votes_class_name(v, 0), "ham");
        ck_assert_str_eq(chorus_votes_class_name(v, 1), "spam");
        ck_assert_int_eq(chorus_votes_get(v, 0, 0), 1);
        ck_assert_int_eq(chorus_votes_get(v, 0, 1), CHORUS_ABSTAIN);
        ck_assert_int_eq(chorus_votes_get(v, 0, 2), 0);
        ck_assert_int_eq(chorus_votes_nnz(v), 3);
        ck_assert_int_eq(chorus_votes_get(v, 2, 1), 1);
        chorus_votes_free(v);
    }
}
END_TEST

/* A 1.1 file (int32 arrays, item names; tests/data/chv/README.md) reads as before: mapped
 * it is used as stored, read into memory it is narrowed; written again it becomes 2.0. */
START_TEST(test_version_1_1_file)
{
    const char *path = test_data("chv/v1_1_items.chv");
    chorus_votes *read[2];
    for (int use_mmap = 0; use_mmap <= 1; use_mmap++) {
        chorus_read_options opts = read_opts(use_mmap, 1);
        chorus_votes *v;
        ck_assert_ok(chorus_votes_read_chv(&v, path, &opts));
        ck_assert_int_eq(v->lf_width, use_mmap ? 4 : 1);
        ck_assert_int_eq(v->label_width, use_mmap ? 4 : 1);
        ck_assert_int_eq(chorus_votes_n_items(v), 3);
        ck_assert_int_eq(chorus_votes_n_lfs(v), 3);
        ck_assert_int_eq(chorus_votes_n_classes(v), 3);
        ck_assert_int_eq(chorus_votes_nnz(v), 6);
        ck_assert_str_eq(chorus_votes_item_name(v, 0), "q1");
        ck_assert_str_eq(chorus_votes_item_name(v, 2), "q3");
        ck_assert_str_eq(chorus_votes_lf_name(v, 2), "cid");
        ck_assert_str_eq(chorus_votes_class_name(v, 2), "bird");
        /* q1: ann=cat, bob=dog; q2: bob=bird; q3: ann=dog, bob=cat, cid=dog. */
        ck_assert_int_eq(chorus_votes_get(v, 0, 0), 0);
        ck_assert_int_eq(chorus_votes_get(v, 0, 1), 1);
        ck_assert_int_eq(chorus_votes_get(v, 0, 2), CHORUS_ABSTAIN);
        ck_assert_int_eq(chorus_votes_get(v, 1, 1), 2);
        ck_assert_int_eq(chorus_votes_get(v, 2, 0), 1);
        ck_assert_int_eq(chorus_votes_get(v, 2, 1), 0);
        ck_assert_int_eq(chorus_votes_get(v, 2, 2), 1);
        read[use_mmap] = v;
    }
    assert_same(read[0], read[1]);
    round_trip(read[1], "from_1_1.chv");
    size_t len;
    char *buf = test_read_file(test_path("from_1_1.chv"), &len);
    ck_assert_int_eq(buf[H_VERSION_MAJOR], 2);
    ck_assert_uint_eq(get64(buf, H_SECTION(LF_INDEX) + 8), 6);
    free(buf);
    chorus_votes_free(read[0]);
    chorus_votes_free(read[1]);
}
END_TEST

/* Every mix of widths survives a round trip, and the header says which one was written. */
START_TEST(test_widths_round_trip)
{
    struct {
        int32_t n_lfs, n_classes;
        int lf_width, label_width;
    } shapes[] = {{2, 2, 1, 1}, {300, 2, 2, 1}, {2, 300, 1, 4}, {70000, 1000, 4, 4}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const int32_t m = shapes[s].n_lfs, k = shapes[s].n_classes;
        int64_t rp[] = {0, 2, 2, 3};
        int32_t li[] = {0, m - 1, m - 1}, lb[] = {k - 1, 0, 1};
        chorus_votes *borrowed, *copied;
        ck_assert_ok(chorus_votes_from_csr(&borrowed, 3, m, k, rp, li, lb, CHORUS_BORROW));
        ck_assert_ok(chorus_votes_from_csr(&copied, 3, m, k, rp, li, lb, CHORUS_COPY));
        round_trip(copied, "widths.chv");
        /* The borrowed int32 arrays are narrowed on the way out: the same bytes. */
        ck_assert_ok(chorus_votes_write_chv(borrowed, test_path("borrowed_widths.chv")));
        size_t len, len2;
        char *a = test_read_file(test_path("widths.chv"), &len);
        char *b = test_read_file(test_path("borrowed_widths.chv"), &len2);
        ck_assert_uint_eq(len, len2);
        ck_assert(memcmp(a, b, len) == 0);
        ck_assert_int_eq((unsigned char)a[H_LF_WIDTH], shapes[s].lf_width);
        ck_assert_int_eq((unsigned char)a[H_LABEL_WIDTH], shapes[s].label_width);
        ck_assert_uint_eq(get64(a, H_SECTION(LF_INDEX) + 8), 3 * (uint64_t)shapes[s].lf_width);
        ck_assert_uint_eq(get64(a, H_SECTION(LABEL) + 8), 3 * (uint64_t)shapes[s].label_width);
        chorus_read_options opts = read_opts(1, 1);
        chorus_votes *back;
        ck_assert_ok(chorus_votes_read_chv(&back, test_path("widths.chv"), &opts));
        ck_assert_int_eq(back->lf_width, shapes[s].lf_width);
        ck_assert_int_eq(chorus_votes_get(back, 0, m - 1), 0);
        ck_assert_int_eq(chorus_votes_get(back, 0, 0), k - 1);
        ck_assert_int_eq(chorus_votes_get(back, 2, m - 1), 1);
        chorus_votes_free(back);
        free(a);
        free(b);
        chorus_votes_free(borrowed);
        chorus_votes_free(copied);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chv");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_duplicate_class_names);
    tcase_add_test(tc, test_round_trip_edge_cases);
    tcase_add_test(tc, test_documented_layout);
    tcase_add_test(tc, test_bad_magic);
    tcase_add_test(tc, test_versions);
    tcase_add_test(tc, test_block_checksums);
    tcase_add_test(tc, test_bad_checksum);
    tcase_add_test(tc, test_lying_header);
    tcase_add_test(tc, test_lying_contents);
    tcase_add_test(tc, test_duplicate_lf_names);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_random_mutations);
    tcase_add_test(tc, test_n_classes_option);
    tcase_add_test(tc, test_io_errors);
    tcase_add_test(tc, test_item_names);
    tcase_add_test(tc, test_bad_item_names);
    tcase_add_test(tc, test_version_1_0_file);
    tcase_add_test(tc, test_version_1_1_file);
    tcase_add_test(tc, test_widths_round_trip);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
