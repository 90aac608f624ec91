#include "fuzz_util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch_dir[4096];
static char path_buf[4096 + 256];

/* Removes a scratch folder and what the readers and writers left in it (one level, and
 * the lists/ folder the spec target makes). */
static void remove_tree(const char *top)
{
    DIR *dir = opendir(top);
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[sizeof path_buf];
            snprintf(p, sizeof p, "%s/%s", top, e->d_name);
            if (unlink(p)) {
                DIR *sub = opendir(p);
                struct dirent *f;
                while (sub && (f = readdir(sub))) {
                    char q[sizeof path_buf + 256];
                    snprintf(q, sizeof q, "%s/%s", p, f->d_name);
                    unlink(q);
                }
                if (sub) closedir(sub);
                rmdir(p);
            }
        }
        closedir(dir);
    }
    rmdir(top);
}

static void remove_scratch(void)
{
    remove_tree(scratch_dir);
}

/* A crash ends the process without atexit handlers, so each start removes the folders of
 * processes that are gone (named chorus-fuzz-<pid>-XXXXXX). */
static void remove_stale(const char *tmp)
{
    DIR *dir = opendir(tmp);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        long pid = 0;
        if (sscanf(e->d_name, "chorus-fuzz-%ld-", &pid) != 1 || pid <= 0) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char p[sizeof path_buf];
        snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
        remove_tree(p);
    }
    if (dir) closedir(dir);
}

static void make_scratch(void)
{
    if (scratch_dir[0]) return;
    /* Memory-backed /dev/shm by default: the writers fsync, which on a disk would cost
     * more than the parsing being tested. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
    remove_stale(tmp);
    snprintf(scratch_dir, sizeof scratch_dir, "%s/chorus-fuzz-%ld-XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(scratch_dir)) {
        perror("chorus fuzz: mkdtemp");
        abort();
    }
    atexit(remove_scratch);
}

const char *fuzz_path(const char *name)
{
    make_scratch();
    snprintf(path_buf, sizeof path_buf, "%s/%s", scratch_dir, name);
    return path_buf;
}

const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    const char *path = fuzz_path(name);
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp)) {
        perror(path);
        abort();
    }
    return path;
}

chorus_lf_set *fuzz_fixed_spec(const char *name, const char *text)
{
    static chorus_lf_set *set;
    if (set) return set;
    const char *path = fuzz_write_file(name, (const uint8_t *)text, strlen(text));
    FUZZ_CHECK(chorus_lf_set_load(&set, path) == CHORUS_OK, "load the fixed spec");
    return set;
}

void fuzz_remove(const char *name)
{
    unlink(fuzz_path(name));
}

void fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s (last chorus error: %s)\n", file, line, what,
            chorus_error_last());
    abort();
}

void fuzz_check_votes_equal(const chorus_votes *a, const chorus_votes *b, int names)
{
    int64_t n = chorus_votes_n_items(a);
    int32_t m = chorus_votes_n_lfs(a), k = chorus_votes_n_classes(a);
    FUZZ_CHECK(chorus_votes_n_items(b) == n, "round trip: items");
    FUZZ_CHECK(chorus_votes_n_lfs(b) == m, "round trip: labeling functions");
    FUZZ_CHECK(chorus_votes_n_classes(b) == k, "round trip: classes");
    FUZZ_CHECK(chorus_votes_nnz(b) == chorus_votes_nnz(a), "round trip: votes");
    const int64_t *ra = chorus_votes_row_ptr(a), *rb = chorus_votes_row_ptr(b);
    FUZZ_CHECK(!memcmp(ra, rb, (size_t)(n + 1) * sizeof *ra), "round trip: row_ptr");
    size_t nnz = (size_t)chorus_votes_nnz(a);
    FUZZ_CHECK(
        !nnz || !memcmp(chorus_votes_lf_index(a), chorus_votes_lf_index(b), nnz * sizeof(int32_t)),
        "round trip: lf_index");
    FUZZ_CHECK(!nnz ||
                   !memcmp(chorus_votes_labels(a), chorus_votes_labels(b), nnz * sizeof(int32_t)),
               "round trip: labels");
    if (!names) return;
    for (int32_t j = 0; j < m; j++)
        FUZZ_CHECK(!strcmp(chorus_votes_lf_name(a, j), chorus_votes_lf_name(b, j)),
                   "round trip: LF name");
    for (int32_t c = 0; c < k; c++)
        FUZZ_CHECK(!strcmp(chorus_votes_class_name(a, c), chorus_votes_class_name(b, c)),
                   "round trip: class name");
}

void fuzz_check_probs_equal(const chorus_probs *a, const chorus_probs *b)
{
    int64_t n = chorus_probs_n_items(a);
    int32_t k = chorus_probs_n_classes(a);
    FUZZ_CHECK(chorus_probs_n_items(b) == n, "round trip: rows");
    FUZZ_CHECK(chorus_probs_n_classes(b) == k, "round trip: classes");
    const double *pa = chorus_probs_const_data(a), *pb = chorus_probs_const_data(b);
    for (int64_t i = 0; i < n * k; i++)
        FUZZ_CHECK(pa[i] == pb[i], "round trip: a probability changed");
    for (int32_t c = 0; c < k; c++)
        FUZZ_CHECK(!strcmp(chorus_probs_class_name(a, c), chorus_probs_class_name(b, c)),
                   "round trip: class name");
    for (int64_t i = 0; i < n; i++)
        FUZZ_CHECK(chorus_probs_item_id(a, i) == chorus_probs_item_id(b, i), "round trip: item id");
    const uint8_t *ca = chorus_probs_covered(a), *cb = chorus_probs_covered(b);
    FUZZ_CHECK(!ca == !cb, "round trip: coverage known on one side only");
    if (ca) FUZZ_CHECK(!memcmp(ca, cb, (size_t)n), "round trip: covered flags");
}

void fuzz_votes_round_trip(const chorus_votes *votes, chorus_votes_format format, int names)
{
    const char *path = fuzz_path("round_trip");
    FUZZ_CHECK(chorus_votes_write(votes, path, format) == CHORUS_OK, "round trip: write");
    chorus_read_options opts = CHORUS_READ_OPTIONS_INIT;
    opts.format = format;
    opts.n_classes = chorus_votes_n_classes(votes);
    opts.n_items = chorus_votes_n_items(votes);
    opts.n_lfs = chorus_votes_n_lfs(votes);
    chorus_votes *again = NULL;
    FUZZ_CHECK(chorus_votes_read(&again, fuzz_path("round_trip"), &opts) == CHORUS_OK,
               "round trip: read what was written");
    fuzz_check_votes_equal(votes, again, names);
    chorus_votes_free(again);
}
