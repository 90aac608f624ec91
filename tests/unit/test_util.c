#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "test_util.h"

static char tmpdir[256];
static pid_t tmpdir_owner;

static void remove_tmpdir(void)
{
    /* Check runs each test in a forked child; only the creating process cleans up. */
    if (!tmpdir[0] || getpid() != tmpdir_owner) return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *test_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/chorus-test-XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
            abort();
        }
        tmpdir_owner = getpid();
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

const char *test_path(const char *name)
{
    static char slots[8][512];
    static int next;
    char *p = slots[next++ % 8];
    snprintf(p, 512, "%s/%s", test_tmpdir(), name);
    return p;
}

void test_write_file(const char *path, const void *data, size_t len)
{
    if (len == (size_t)-1) len = strlen(data);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len) *len = (size_t)n;
    return buf;
}

int test_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

const char *test_dataset(const char *rel)
{
    static char slots[4][1024];
    static int next;
    char *p = slots[next++ % 4];
    snprintf(p, 1024, "%s/%s", CHORUS_DATASETS_DIR, rel);
    return p;
}

const char *test_data(const char *rel)
{
    static char slots[4][1024];
    static int next;
    char *p = slots[next++ % 4];
    snprintf(p, 1024, "%s/%s", CHORUS_TEST_DATA_DIR, rel);
    return p;
}

int test_run_suite(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? 0 : 1;
}

double test_accuracy(const chorus_probs *probs, const int32_t *gold)
{
    int64_t n = chorus_probs_n_items(probs), right = 0;
    int32_t *labels = malloc((size_t)(n ? n : 1) * sizeof *labels);
    ck_assert_ptr_nonnull(labels);
    ck_assert_ok(chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH));
    for (int64_t i = 0; i < n; i++)
        right += labels[i] == gold[i];
    free(labels);
    return n ? (double)right / (double)n : 0;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | p[i];
    return x;
}

void test_chv_fix_block_sums(char *buf, size_t len)
{
    const unsigned char *b = (const unsigned char *)buf;
    if (len < 192 || !(b[16] & 0x8)) return; /* flag bit 3: the table is there */
    const uint64_t off = le64(b + 144), size = le64(b + 152);
    const int log2 = b[160];
    if (off > len || size > len - off || log2 > 30) return;
    const uint64_t block = (uint64_t)1 << log2;
    unsigned char *copy = malloc(len);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, buf, len);
    memset(copy + 56, 0, 8);
    for (uint64_t i = 0; i * block < off && 8 * i + 8 <= size; i++) {
        const uint64_t n = off - i * block < block ? off - i * block : block;
        const uint64_t h = XXH3_64bits(copy + i * block, (size_t)n);
        for (int k = 0; k < 8; k++)
            buf[off + 8 * i + (uint64_t)k] = (char)(h >> (8 * k));
    }
    free(copy);
}

void test_expect_model_load_error(void *root, const char *field)
{
    const char *path = test_path("broken.json");
    ck_assert_int_eq(json_dump_file(root, path, JSON_INDENT(2)), 0);
    chorus_model *m = (chorus_model *)&m; /* not NULL, to see it reset */
    ck_assert_error(chorus_model_load(&m, path), CHORUS_EFORMAT, field);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(chorus_error_last(), path));
}
