/*
 * A fit split across processes, without MPI: the shards' item ranges, the .chv range
 * reader, and chorus_model_fit_sharded() run by threads that stand for the processes,
 * with a communicator that gathers through shared memory. The model must be byte for
 * byte the one chorus_model_fit() gives on the whole matrix.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static chorus_votes *synth_votes(int64_t n, int32_t m, int32_t k, uint64_t seed)
{
    chorus_synth_options opts = CHORUS_SYNTH_OPTIONS_INIT;
    opts.n_items = n;
    opts.n_lfs = m;
    opts.n_classes = k;
    opts.seed = seed;
    chorus_votes *votes = NULL;
    int32_t *gold = NULL;
    ck_assert_int_eq(chorus_synth(&votes, &gold, &opts), CHORUS_OK);
    chorus_free(gold);
    return votes;
}

START_TEST(test_ranges_cover_the_items_in_order)
{
    const int64_t sizes[] = {0, 1, 100, 16384, 70000, 140000, 5000000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (int size = 1; size <= 5; size++) {
            int64_t next = 0, begin, end;
            for (int rank = 0; rank < size; rank++) {
                ck_assert_int_eq(chorus_fit_shard_range(&begin, &end, sizes[s], 8, 2, rank, size),
                                 CHORUS_OK);
                ck_assert_int_eq(begin, next);
                ck_assert_int_le(begin, end);
                next = end;
            }
            ck_assert_int_eq(next, sizes[s]);
        }
}
END_TEST

START_TEST(test_ranges_are_whole_chunks)
{
    int64_t begin, end;
    /* 100 items are one chunk of at least 16384: it is all on one process, the last. */
    for (int rank = 0; rank < 3; rank++) {
        ck_assert_int_eq(chorus_fit_shard_range(&begin, &end, 100, 8, 2, rank, 3), CHORUS_OK);
        ck_assert_int_eq(end - begin, rank == 2 ? 100 : 0);
    }
    /* 140000 items are 9 chunks of 15556 (ceil(140000 / 9)): 2, 2, 2 and 3 of them. */
    const int64_t chunks[] = {2, 2, 2, 3};
    int64_t at = 0;
    for (int rank = 0; rank < 4; rank++) {
        ck_assert_int_eq(chorus_fit_shard_range(&begin, &end, 140000, 8, 2, rank, 4), CHORUS_OK);
        ck_assert_int_eq(begin, at);
        at += chunks[rank] * 15556;
        ck_assert_int_eq(end, at < 140000 ? at : 140000);
    }
    ck_assert_int_eq(chorus_fit_shard_range(&begin, &end, 100, 8, 2, 3, 3), CHORUS_EINVAL);
    ck_assert_int_eq(chorus_fit_shard_range(&begin, &end, -1, 8, 2, 0, 1), CHORUS_EINVAL);
}
END_TEST

START_TEST(test_range_reader_matches_the_whole_file)
{
    chorus_votes *votes = synth_votes(3000, 7, 3, 21);
    for (int64_t i = 0; i < 3000; i += 3) {
        char name[32];
        snprintf(name, sizeof name, "doc-%lld", (long long)i);
        ck_assert_int_eq(chorus_votes_set_item_name(votes, i, name), CHORUS_OK);
    }
    const char *path = test_path("range.chv");
    ck_assert_int_eq(chorus_votes_write_chv(votes, path), CHORUS_OK);
    int64_t n;
    int32_t m, k;
    ck_assert_int_eq(chorus_chv_shape(&n, &m, &k, path), CHORUS_OK);
    ck_assert_int_eq(n, 3000);
    ck_assert_int_eq(m, 7);
    ck_assert_int_eq(k, 3);
    const int64_t ranges[][2] = {{0, 3000}, {1000, 1700}, {2999, 3000}, {1500, 1500}, {0, 1}};
    const int64_t *rp = chorus_votes_row_ptr(votes);
    const int32_t *lf = chorus_votes_lf_index(votes), *label = chorus_votes_labels(votes);
    for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
        const int64_t b = ranges[r][0], e = ranges[r][1];
        chorus_votes *part = NULL;
        ck_assert_int_eq(chorus_votes_read_chv_range(&part, path, b, e), CHORUS_OK);
        ck_assert_int_eq(chorus_votes_n_items(part), e - b);
        ck_assert_int_eq(chorus_votes_n_lfs(part), 7);
        ck_assert_int_eq(chorus_votes_n_classes(part), 3);
        ck_assert_int_eq(chorus_votes_nnz(part), rp[e] - rp[b]);
        const int64_t *prp = chorus_votes_row_ptr(part);
        for (int64_t i = 0; i <= e - b; i++)
            ck_assert_int_eq(prp[i], rp[b + i] - rp[b]);
        for (int64_t v = 0; v < rp[e] - rp[b]; v++) {
            ck_assert_int_eq(chorus_votes_lf_index(part)[v], lf[rp[b] + v]);
            ck_assert_int_eq(chorus_votes_labels(part)[v], label[rp[b] + v]);
        }
        for (int64_t i = 0; i < e - b; i++) {
            const char *want = chorus_votes_item_name(votes, b + i);
            const char *got = chorus_votes_item_name(part, i);
            if (want)
                ck_assert_str_eq(got, want);
            else
                ck_assert_ptr_null(got);
        }
        chorus_votes_free(part);
    }
    chorus_votes *part = NULL;
    ck_assert_error(chorus_votes_read_chv_range(&part, path, 2000, 3001), CHORUS_EINVAL,
                    "are not a range of its 3000 items");
    ck_assert_error(chorus_votes_read_chv_range(&part, path, 10, 9), CHORUS_EINVAL, "range.chv");
    ck_assert_ptr_null(part);
    chorus_votes_free(votes);
}
END_TEST

/* A bad row pointer is caught by the range that reads it, with its byte offset; the
 * ranges before it never read it. */
START_TEST(test_range_reader_checks_its_part)
{
    chorus_votes *votes = synth_votes(2000, 5, 2, 24);
    const char *path = test_path("bad_range.chv");
    ck_assert_int_eq(chorus_votes_write_chv(votes, path), CHORUS_OK);
    size_t len;
    unsigned char *file = (unsigned char *)test_read_file(path, &len);
    uint64_t row_ptr = 0; /* the row_ptr section's offset: header bytes 80..87 */
    for (int i = 7; i >= 0; i--)
        row_ptr = row_ptr << 8 | file[80 + i];
    const uint64_t at = row_ptr + 8 * 1500;
    memset(file + at, 0x7f, 8);                 /* row_ptr[1500]: far beyond nnz */
    test_chv_fix_block_sums((char *)file, len); /* so the structural check must catch it */
    test_write_file(path, file, len);
    free(file);
    chorus_votes *part = NULL;
    ck_assert_int_eq(chorus_votes_read_chv_range(&part, path, 0, 1000), CHORUS_OK);
    chorus_votes_free(part);
    char expected[128];
    snprintf(expected, sizeof expected, "row_ptr[1500] at byte offset %llu",
             (unsigned long long)at);
    part = NULL;
    ck_assert_error(chorus_votes_read_chv_range(&part, path, 1000, 2000), CHORUS_EFORMAT, expected);
    ck_assert_ptr_null(part);
    chorus_votes_free(votes);
}
END_TEST

/* A job of threads: the all-gather copies every block out of the others' buffers. */
typedef struct thread_job {
    int size;
    pthread_barrier_t barrier;
    void *buffers[8];
} thread_job;

typedef struct thread_rank {
    thread_job *job;
    chorus_comm comm;
    const char *path;
    int64_t n_items;
    chorus_fit_options opts;
    chorus_model *model;
    int status;
    int64_t skew; /* added to the first item it says it holds: 0, or a wrong shard */
    char message[512];
} thread_rank;

static int thread_allgather(void *ctx, void *buf, const size_t *counts)
{
    thread_rank *self = ctx;
    thread_job *job = self->job;
    job->buffers[self->comm.rank] = buf;
    pthread_barrier_wait(&job->barrier);
    size_t at = 0;
    for (int r = 0; r < job->size; r++) {
        if (r != self->comm.rank)
            memcpy((char *)buf + at, (const char *)job->buffers[r] + at, counts[r]);
        at += counts[r];
    }
    pthread_barrier_wait(&job->barrier); /* nobody writes a block before all have read it */
    return CHORUS_OK;
}

static void *run_rank(void *arg)
{
    thread_rank *self = arg;
    int64_t begin, end;
    chorus_votes *part = NULL;
    self->status =
        chorus_fit_shard_range(&begin, &end, self->n_items, 6, 2, self->comm.rank, self->comm.size);
    if (!self->status) self->status = chorus_votes_read_chv_range(&part, self->path, begin, end);
    if (!self->status)
        self->status = chorus_model_fit_sharded(&self->model, part, begin + self->skew,
                                                self->n_items, &self->comm, &self->opts);
    if (self->status) snprintf(self->message, sizeof self->message, "%s", chorus_error_last());
    chorus_votes_free(part);
    return NULL;
}

/*
 * Item names are unique across the whole file: a range finds its names among the items
 * before it, and names both items; the ranges before it hold neither name twice.
 */
START_TEST(test_range_reader_finds_names_of_earlier_ranges)
{
    chorus_votes *votes = synth_votes(3000, 5, 2, 25);
    char name[16];
    for (int64_t i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "i%04lld", (long long)i);
        ck_assert_int_eq(chorus_votes_set_item_name(votes, i, name), CHORUS_OK);
    }
    const char *path = test_path("names_range.chv");
    ck_assert_int_eq(chorus_votes_write_chv(votes, path), CHORUS_OK);
    chorus_votes_free(votes);
    size_t len;
    char *file = test_read_file(path, &len);
    uint64_t names = 0; /* the item names section's offset: header bytes 128..135 */
    for (int i = 7; i >= 0; i--)
        names = names << 8 | (unsigned char)file[128 + i];
    /* Every entry is a 4-byte length and 5 bytes: item 2500's name becomes "i0100". */
    memcpy(file + names + 9 * 2500 + 4, "i0100", 5);
    test_chv_fix_block_sums(file, len);
    test_write_file(path, file, len);
    free(file);
    chorus_votes *part = NULL;
    ck_assert_int_eq(chorus_votes_read_chv_range(&part, path, 0, 2000), CHORUS_OK);
    chorus_votes_free(part);
    part = NULL;
    char expected[160];
    snprintf(expected, sizeof expected,
             "item name \"i0100\" appears twice in the item names section, for items 100 "
             "(byte offset %llu) and 2500",
             (unsigned long long)(names + 9 * 100));
    ck_assert_error(chorus_votes_read_chv_range(&part, path, 2000, 3000), CHORUS_EFORMAT, expected);
    ck_assert_ptr_null(part);
    /* One process reading the whole file (its checksum not made right again) agrees. */
    chorus_read_options unverified = CHORUS_READ_OPTIONS_INIT;
    unverified.verify_checksum = 0;
    ck_assert_error(chorus_votes_read_chv(&part, path, &unverified), CHORUS_EFORMAT,
                    "item name \"i0100\" appears twice");
}
END_TEST

START_TEST(test_sharded_fit_is_the_one_process_fit)
{
    /* 40000 items are 3 chunks: with 4 processes one holds none. */
    chorus_votes *votes = synth_votes(40000, 6, 2, 22);
    char path[4096]; /* test_path() reuses its buffers */
    snprintf(path, sizeof path, "%s", test_path("fit.chv"));
    ck_assert_int_eq(chorus_votes_write_chv(votes, path), CHORUS_OK);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.restarts = 1;
    opts.n_threads = 1;
    chorus_model *whole = NULL;
    ck_assert_int_eq(chorus_model_fit(&whole, votes, &opts), CHORUS_OK);
    ck_assert_int_eq(chorus_model_save(whole, test_path("whole.json")), CHORUS_OK);
    size_t want_len, got_len;
    char *want = test_read_file(test_path("whole.json"), &want_len);
    for (int size = 1; size <= 4; size++) {
        thread_job job = {.size = size};
        thread_rank ranks[4];
        pthread_t threads[4];
        pthread_barrier_init(&job.barrier, NULL, (unsigned)size);
        for (int r = 0; r < size; r++) {
            ranks[r] = (thread_rank){
                &job, {r, size, thread_allgather, &ranks[r]}, path, 40000, opts, NULL, 0, 0, ""};
            ranks[r].comm.ctx = &ranks[r];
            pthread_create(&threads[r], NULL, run_rank, &ranks[r]);
        }
        for (int r = 0; r < size; r++)
            pthread_join(threads[r], NULL);
        pthread_barrier_destroy(&job.barrier);
        for (int r = 0; r < size; r++) {
            ck_assert_int_eq(ranks[r].status, CHORUS_OK);
            ck_assert_int_eq(chorus_model_save(ranks[r].model, test_path("part.json")), CHORUS_OK);
            char *got = test_read_file(test_path("part.json"), &got_len);
            ck_assert_int_eq(got_len, want_len);
            ck_assert_msg(memcmp(got, want, want_len) == 0,
                          "the model of rank %d of %d differs from the one-process model", r, size);
            free(got);
            chorus_model_free(ranks[r].model);
        }
    }
    free(want);
    chorus_model_free(whole);
    chorus_votes_free(votes);
}
END_TEST

/*
 * A process that fails on its own still takes part in the exchanges, so the others do not
 * wait for it forever: rank 1 of 3 says it holds a shard that is not its range, and every
 * rank returns an error (rank 1 its own, the others naming it) instead of hanging (the
 * test case's timeout would catch a hang).
 */
START_TEST(test_a_process_failing_alone_stops_every_process)
{
    chorus_votes *votes = synth_votes(40000, 6, 2, 26);
    char path[4096];
    snprintf(path, sizeof path, "%s", test_path("alone.chv"));
    ck_assert_int_eq(chorus_votes_write_chv(votes, path), CHORUS_OK);
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.n_threads = 1;
    thread_job job = {.size = 3};
    thread_rank ranks[3];
    pthread_t threads[3];
    pthread_barrier_init(&job.barrier, NULL, 3);
    for (int r = 0; r < 3; r++) {
        ranks[r] = (thread_rank){
            &job, {r, 3, thread_allgather, &ranks[r]}, path, 40000, opts, NULL, 0, r == 1 ? 1 : 0,
            ""};
        ranks[r].comm.ctx = &ranks[r];
        pthread_create(&threads[r], NULL, run_rank, &ranks[r]);
    }
    for (int r = 0; r < 3; r++)
        pthread_join(threads[r], NULL);
    pthread_barrier_destroy(&job.barrier);
    ck_assert_int_eq(ranks[1].status, CHORUS_EINVAL);
    ck_assert_msg(strstr(ranks[1].message, "but its shard is items") != NULL, "%s",
                  ranks[1].message);
    for (int r = 0; r < 3; r += 2) {
        ck_assert_int_eq(ranks[r].status, CHORUS_EINVAL); /* the failing process's status */
        ck_assert_msg(strstr(ranks[r].message, "process 1 of the 3 of this job failed") != NULL,
                      "rank %d: %s", r, ranks[r].message);
        ck_assert_ptr_null(ranks[r].model);
    }
    chorus_votes_free(votes);
}
END_TEST

/* The all-gather of a job of one process: its own block is all there is. */
static int solo_allgather(void *ctx, void *buf, const size_t *counts)
{
    (void)ctx;
    (void)buf;
    (void)counts;
    return CHORUS_OK;
}

START_TEST(test_sharded_fit_refuses_what_needs_every_item)
{
    chorus_votes *votes = synth_votes(100, 4, 2, 23);
    chorus_comm single = {0, 1, solo_allgather, NULL};
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    chorus_model *model = NULL;
    opts.learn_structure = 1;
    ck_assert_error(chorus_model_fit_sharded(&model, votes, 0, 100, &single, &opts), CHORUS_EINVAL,
                    "structure learning");
    opts.learn_structure = 0;
    ck_assert_error(chorus_model_fit_sharded(&model, votes, 0, 200, &single, &opts), CHORUS_EINVAL,
                    "its shard is items 0..200");
    single.rank = 1;
    ck_assert_error(chorus_model_fit_sharded(&model, votes, 0, 100, &single, &opts), CHORUS_EINVAL,
                    "0 <= rank < size");
    ck_assert_ptr_null(model);
    chorus_votes_free(votes);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_ranges_cover_the_items_in_order);
    tcase_add_test(tc, test_ranges_are_whole_chunks);
    tcase_add_test(tc, test_range_reader_matches_the_whole_file);
    tcase_add_test(tc, test_range_reader_checks_its_part);
    tcase_add_test(tc, test_range_reader_finds_names_of_earlier_ranges);
    tcase_add_test(tc, test_sharded_fit_is_the_one_process_fit);
    tcase_add_test(tc, test_sharded_fit_refuses_what_needs_every_item);
    tcase_add_test(tc, test_a_process_failing_alone_stops_every_process);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
