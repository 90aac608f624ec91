/*
 * An EM iteration against the memory-bandwidth bound. In one run: a synthetic matrix is
 * drawn, a plain sequential read of the bytes of its vote arrays (row_ptr, lf_index and
 * label as the matrix stores them, summed as 64-bit words) is timed, and so is one EM
 * iteration of ds and ds-noabstain, at 1 and 2 threads; each iteration is reported as a
 * multiple of the read with the same number of threads: by the clock, and by the CPU time
 * the process used (the work done, which other jobs on a shared machine do not inflate;
 * with 2 threads it includes OpenMP's spin-waiting).
 *
 * The iteration's time is the difference of two fits that differ only in the number of
 * iterations (tol 0: they stop early only at an exact fixed point), divided by that
 * difference: the setup, the majority-vote start and the check after the fit cancel. Every time is
 * the best of `reps` runs.
 *
 * A second baseline, `minimal_ms`, is the same E-step and statistics written as a plain
 * loop (time_minimal_pass); `vs_minimal` is the iteration as a multiple of it. A third, for
 * K = 2 only, `floor_ms` (time_floor_pass), is the least any pass that visits every vote can
 * do: one table entry added per vote, one logistic per item, one double added per vote into
 * the statistics. `floor_multiple` is it as a multiple of the read: how close to the read a
 * pass over every vote can come on this machine at all. `gather_ms` / `gather_multiple` is
 * the first half of the floor alone (time_gather_pass): the table entries added per item,
 * nothing else. `simd_gather_ms` / `simd_multiple` (K = 2, 1-byte storage, a CPU with
 * AVX-512; else "-") is less still: the table entries of 8 votes at a time fetched with one
 * AVX-512 gather and added into one vector, with no per-item sums at all, the fastest this
 * machine can look up one table entry per vote. `logistic_ms` / `logistic_multiple` (K = 2)
 * is the other part every exact pass has: one logistic (libm's exp) per item, of a value
 * taken from the item's row_ptr entries, and nothing else.
 *
 * usage: bench_em_bandwidth [n_items [n_lfs [reps]]]   (default 2000000 50 3)
 */
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chorus/chorus.h"
#include "votes/votes_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SIMD_GATHER 1
#endif

#define FEW_ITERATIONS 2
#define MANY_ITERATIONS 12

typedef struct stamp {
    double wall, cpu;
} stamp;

static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static stamp now(void)
{
    stamp s = {seconds(CLOCK_MONOTONIC), seconds(CLOCK_PROCESS_CPUTIME_ID)};
    return s;
}

/* The best (smallest) of each clock over the runs so far. */
static void keep_best(stamp *best, stamp start)
{
    const stamp end = now();
    if (end.wall - start.wall < best->wall) best->wall = end.wall - start.wall;
    if (end.cpu - start.cpu < best->cpu) best->cpu = end.cpu - start.cpu;
}

/* Sums `bytes` bytes at p as 64-bit words (the tail byte by byte). */
static uint64_t sum_bytes(const void *p, size_t bytes, int threads)
{
    const uint64_t *words = p;
    const size_t n = bytes / 8;
    uint64_t sum = 0;
#pragma omp parallel for simd reduction(+ : sum) num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++)
        sum += words[i];
    for (size_t i = n * 8; i < bytes; i++)
        sum += ((const unsigned char *)p)[i];
    return sum;
}

/* Best time of reading the three vote arrays once, and their size in bytes. */
static stamp time_read(const chorus_votes *v, int threads, int reps, size_t *out_bytes)
{
    const chorus_vote_view w = chorus_votes_view(v);
    const int64_t n = chorus_votes_n_items(v), nnz = chorus_votes_nnz(v);
    const size_t rp = (size_t)(n + 1) * 8, li = (size_t)nnz * (size_t)w.lf_width,
                 lb = (size_t)nnz * (size_t)w.label_width;
    *out_bytes = rp + li + lb;
    stamp best = {1e30, 1e30};
    volatile uint64_t sink = 0;
    for (int r = 0; r < reps; r++) {
        const stamp t0 = now();
        sink += sum_bytes(w.row_ptr, rp, threads) + sum_bytes(w.lf_index, li, threads) +
                sum_bytes(w.label, lb, threads);
        keep_best(&best, t0);
    }
    (void)sink;
    return best;
}

/*
 * The same E-step written as plainly as it can be, as a second baseline: per item the
 * sum of one K-vector per vote from a table, one exp per class, then one K-vector added
 * per vote into per-thread statistics; no chunks, no likelihood product, no gold, no
 * groups. What an iteration of this formulation costs at best, to tell how much of the
 * distance to the read is chorus' and how much the formulation's.
 */
#define MINIMAL_MAX_CLASSES 16

/* One thread's share of the minimal pass; inline with the storage widths as constants, as
 * chorus' own pass is compiled for them. */
static inline __attribute__((always_inline)) void
minimal_items(const chorus_vote_view *w, const double *table, double *stats, int64_t n, int32_t k,
              const int lf_width, const int label_width)
{
    double q[MINIMAL_MAX_CLASSES];
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        for (int32_t y = 0; y < k; y++)
            q[y] = 0;
        for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) {
            const double *d = table + ((size_t)chorus_narrow_at(w->lf_index, lf_width, e) * k +
                                       (size_t)chorus_narrow_at(w->label, label_width, e)) *
                                          k;
            for (int32_t y = 0; y < k; y++)
                q[y] += d[y];
        }
        double top = q[0], z = 0;
        for (int32_t y = 1; y < k; y++)
            top = q[y] > top ? q[y] : top;
        for (int32_t y = 0; y < k; y++)
            z += q[y] = exp(q[y] - top);
        for (int32_t y = 0; y < k; y++)
            q[y] /= z;
        for (int64_t e = w->row_ptr[i]; e < w->row_ptr[i + 1]; e++) {
            double *s = stats + ((size_t)chorus_narrow_at(w->lf_index, lf_width, e) * k +
                                 (size_t)chorus_narrow_at(w->label, label_width, e)) *
                                    k;
            for (int32_t y = 0; y < k; y++)
                s[y] += q[y];
        }
    }
}

/* One thread's share of a pass: the kernel with the matrix's storage widths. */
typedef void (*pass_kernel)(const chorus_vote_view *w, const double *table, double *stats,
                            int64_t n, int32_t k);

static void minimal_kernel(const chorus_vote_view *w, const double *table, double *stats, int64_t n,
                           int32_t k)
{
    if (w->lf_width == 1 && w->label_width == 1)
        minimal_items(w, table, stats, n, k, 1, 1);
    else
        minimal_items(w, table, stats, n, k, w->lf_width, w->label_width);
}

/*
 * The floor for K = 2: with two classes an item's posterior is the logistic of one sum of
 * log-odds, and P(class 0) is 1 minus P(class 1), so a pass needs only one double per vote
 * each way: the least work a pass that visits every vote has to do.
 */
static inline __attribute__((always_inline)) void floor_items(const chorus_vote_view *w,
                                                              const double *table, double *stats,
                                                              int64_t n, const int lf_width,
                                                              const int label_width)
{
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const int64_t b = w->row_ptr[i], e = w->row_ptr[i + 1];
        double log_odds = 0;
        for (int64_t v = b; v < e; v++)
            log_odds += table[chorus_narrow_at(w->lf_index, lf_width, v) * 2 +
                              chorus_narrow_at(w->label, label_width, v)];
        const double q = 1 / (1 + exp(-log_odds));
        for (int64_t v = b; v < e; v++)
            stats[chorus_narrow_at(w->lf_index, lf_width, v) * 2 +
                  chorus_narrow_at(w->label, label_width, v)] += q;
    }
}

static void floor_kernel(const chorus_vote_view *w, const double *table, double *stats, int64_t n,
                         int32_t k)
{
    (void)k;
    if (w->lf_width == 1 && w->label_width == 1)
        floor_items(w, table, stats, n, 1, 1);
    else
        floor_items(w, table, stats, n, w->lf_width, w->label_width);
}

/*
 * Half of the floor, for K = 2: the E-step's gather alone (one table entry added per vote,
 * the item's sum kept in one double), no logistic and no statistics. No pass that reads a
 * table entry per vote can be faster; its multiple of the read says how far the read is
 * out of reach of any such pass on this machine.
 */
static inline __attribute__((always_inline)) void gather_items(const chorus_vote_view *w,
                                                               const double *table, double *stats,
                                                               int64_t n, const int lf_width,
                                                               const int label_width)
{
    double sum = 0;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        double log_odds = 0;
        for (int64_t v = w->row_ptr[i]; v < w->row_ptr[i + 1]; v++)
            log_odds += table[chorus_narrow_at(w->lf_index, lf_width, v) * 2 +
                              chorus_narrow_at(w->label, label_width, v)];
        sum += log_odds;
    }
    stats[0] += sum;
}

static void gather_kernel(const chorus_vote_view *w, const double *table, double *stats, int64_t n,
                          int32_t k)
{
    (void)k;
    if (w->lf_width == 1 && w->label_width == 1)
        gather_items(w, table, stats, n, 1, 1);
    else
        gather_items(w, table, stats, n, w->lf_width, w->label_width);
}

/* One logistic per item and nothing else: the posterior of a two-class item, computed
 * exactly, costs at least this. */
static void logistic_kernel(const chorus_vote_view *w, const double *table, double *stats,
                            int64_t n, int32_t k)
{
    (void)table;
    (void)k;
    double sum = 0;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++)
        sum += 1 / (1 + exp(0.1 * (double)(w->row_ptr[i + 1] - w->row_ptr[i]) - 1));
    stats[0] += sum;
}

#ifdef HAVE_SIMD_GATHER
/*
 * Below the gather half of the floor, for K = 2 with 1-byte LF indices and labels: the
 * table entries of every vote fetched 8 at a time by one AVX-512 gather and summed into
 * one vector, in vote order, ignoring which item a vote belongs to (so not an E-step:
 * only the cost of looking a table entry up per vote, vectorised as far as this CPU goes).
 */
__attribute__((target("avx512f,avx2"))) static void simd_gather_kernel(const chorus_vote_view *w,
                                                                       const double *table,
                                                                       double *stats, int64_t n,
                                                                       int32_t k)
{
    (void)k;
    const uint8_t *lf = w->lf_index, *label = w->label;
    const int64_t blocks = w->row_ptr[n] / 8;
    __m512d acc = _mm512_setzero_pd();
#pragma omp for schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
        const __m256i j = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(lf + 8 * b)));
        const __m256i y = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(label + 8 * b)));
        acc = _mm512_add_pd(
            acc, _mm512_i32gather_pd(_mm256_add_epi32(_mm256_slli_epi32(j, 1), y), table, 8));
    }
    stats[0] += _mm512_reduce_add_pd(acc);
}
#endif

/* Best time of a pass of `kernel` over the matrix, with a table and per-thread statistics
 * of `cells` doubles. */
static stamp time_pass(const chorus_votes *v, int threads, int reps, size_t cells,
                       pass_kernel kernel)
{
    const chorus_vote_view w = chorus_votes_view(v);
    const int64_t n = chorus_votes_n_items(v);
    const int32_t k = chorus_votes_n_classes(v);
    double *table = malloc(cells * sizeof *table);
    double *stats = calloc(cells * (size_t)threads, sizeof *stats);
    stamp best = {1e30, 1e30};
    if (!table || !stats) {
        free(table);
        free(stats);
        return best;
    }
    for (size_t x = 0; x < cells; x++)
        table[x] = -0.01 * (double)(x % 97);
    volatile double sink = 0;
    for (int r = 0; r < reps; r++) {
        const stamp t0 = now();
#pragma omp parallel num_threads(threads)
        kernel(&w, table, stats + cells * (size_t)omp_get_thread_num(), n, k);
        keep_best(&best, t0);
        sink += stats[0];
    }
    (void)sink;
    free(table);
    free(stats);
    return best;
}

static stamp time_minimal_pass(const chorus_votes *v, int threads, int reps)
{
    const size_t m = (size_t)chorus_votes_n_lfs(v), k = (size_t)chorus_votes_n_classes(v);
    if (k > MINIMAL_MAX_CLASSES) return (stamp){1e30, 1e30};
    return time_pass(v, threads, reps, m * k * k, minimal_kernel);
}

/* The K = 2 baselines below are {0, 0} where they do not apply. */
static stamp time_floor_pass(const chorus_votes *v, int threads, int reps)
{
    if (chorus_votes_n_classes(v) != 2) return (stamp){0, 0};
    return time_pass(v, threads, reps, (size_t)chorus_votes_n_lfs(v) * 2, floor_kernel);
}

static stamp time_gather_pass(const chorus_votes *v, int threads, int reps)
{
    if (chorus_votes_n_classes(v) != 2) return (stamp){0, 0};
    return time_pass(v, threads, reps, (size_t)chorus_votes_n_lfs(v) * 2, gather_kernel);
}

static stamp time_logistic_pass(const chorus_votes *v, int threads, int reps)
{
    if (chorus_votes_n_classes(v) != 2) return (stamp){0, 0};
    return time_pass(v, threads, reps, (size_t)chorus_votes_n_lfs(v) * 2, logistic_kernel);
}

/* The AVX-512 gather pass, or {0, 0} where it does not apply (K != 2, wider storage, no
 * AVX-512 on this CPU, or not an x86-64 build). */
static stamp time_simd_gather_pass(const chorus_votes *v, int threads, int reps)
{
#ifdef HAVE_SIMD_GATHER
    const chorus_vote_view w = chorus_votes_view(v);
    if (chorus_votes_n_classes(v) == 2 && w.lf_width == 1 && w.label_width == 1 &&
        __builtin_cpu_supports("avx512f"))
        return time_pass(v, threads, reps, (size_t)chorus_votes_n_lfs(v) * 2, simd_gather_kernel);
#else
    (void)v;
    (void)threads;
    (void)reps;
#endif
    return (stamp){0, 0};
}

/* Best time of a fit of `iterations` iterations (fewer if it reaches a fixed point, which
 * *out_iterations then says). */
static int fit_seconds(stamp *out, int32_t *out_iterations, const chorus_votes *v,
                       chorus_model_type type, int threads, int iterations, int reps)
{
    chorus_fit_options opts = CHORUS_FIT_OPTIONS_INIT;
    opts.type = type;
    opts.n_threads = threads;
    opts.max_iter = iterations;
    opts.tol = 0;
    *out = (stamp){1e30, 1e30};
    for (int r = 0; r < reps; r++) {
        chorus_model *model = NULL;
        const stamp t0 = now();
        if (chorus_model_fit(&model, v, &opts)) return -1;
        keep_best(out, t0);
        chorus_model_trace(model, out_iterations);
        chorus_model_free(model);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 2000000;
    const int32_t m = argc > 2 ? (int32_t)strtol(argv[2], NULL, 10) : 50;
    const int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
    static const int32_t class_counts[] = {2, 10};
    static const chorus_model_type types[] = {CHORUS_MODEL_DS, CHORUS_MODEL_DS_NOABSTAIN};
    printf("matrix: %" PRId64 " items x %" PRId32 " LFs, coverage 0.1-0.3, best of %d\n", n, m,
           reps);
    printf("%-3s %-13s %7s %10s %7s %8s %8s %9s %12s %10s %11s %9s %15s %10s %16s %15s %14s "
           "%12s %18s\n",
           "K", "model", "threads", "votes", "MB", "read_ms", "iter_ms", "multiple", "cpu_multiple",
           "minimal_ms", "vs_minimal", "floor_ms", "floor_multiple", "gather_ms", "gather_multiple",
           "simd_gather_ms", "simd_multiple", "logistic_ms", "logistic_multiple");
    for (size_t c = 0; c < sizeof class_counts / sizeof *class_counts; c++) {
        chorus_synth_options so = CHORUS_SYNTH_OPTIONS_INIT;
        so.n_items = n;
        so.n_lfs = m;
        so.n_classes = class_counts[c];
        so.coverage_min = 0.1;
        so.coverage_max = 0.3;
        so.seed = 11;
        chorus_votes *votes = NULL;
        int32_t *gold = NULL;
        if (chorus_synth(&votes, &gold, &so)) {
            fprintf(stderr, "bench_em_bandwidth: %s\n", chorus_error_last());
            return 1;
        }
        free(gold);
        for (int threads = 1; threads <= 2; threads++) {
            size_t bytes = 0;
            const stamp read = time_read(votes, threads, reps, &bytes);
            const stamp minimal = time_minimal_pass(votes, threads, reps);
            const stamp floor = time_floor_pass(votes, threads, reps);
            const stamp gather = time_gather_pass(votes, threads, reps);
            const stamp simd = time_simd_gather_pass(votes, threads, reps);
            const stamp logistic = time_logistic_pass(votes, threads, reps);
            for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
                stamp few, many;
                int32_t n_few = 0, n_many = 0;
                if (fit_seconds(&few, &n_few, votes, types[t], threads, FEW_ITERATIONS, reps) ||
                    fit_seconds(&many, &n_many, votes, types[t], threads, MANY_ITERATIONS, reps)) {
                    fprintf(stderr, "bench_em_bandwidth: %s\n", chorus_error_last());
                    return 1;
                }
                if (n_many <= n_few) {
                    fprintf(stderr,
                            "bench_em_bandwidth: the fit converged after %" PRId32 " iterations\n",
                            n_many);
                    return 1;
                }
                const double iteration = (many.wall - few.wall) / (double)(n_many - n_few);
                const double cpu = (many.cpu - few.cpu) / (double)(n_many - n_few);
                printf("%-3" PRId32 " %-13s %7d %10" PRId64 " %7.1f %8.2f %8.1f %8.1fx %11.1fx "
                       "%10.1f %10.2fx",
                       class_counts[c], chorus_model_type_name(types[t]), threads,
                       chorus_votes_nnz(votes), (double)bytes / 1e6, read.wall * 1e3,
                       iteration * 1e3, iteration / read.wall, cpu / read.cpu, minimal.wall * 1e3,
                       iteration / minimal.wall);
                if (floor.wall > 0)
                    printf(" %9.1f %14.1fx %10.1f %15.1fx", floor.wall * 1e3,
                           floor.wall / read.wall, gather.wall * 1e3, gather.wall / read.wall);
                else
                    printf(" %9s %15s %10s %16s", "-", "-", "-", "-");
                if (simd.wall > 0)
                    printf(" %15.2f %13.1fx", simd.wall * 1e3, simd.wall / read.wall);
                else
                    printf(" %15s %14s", "-", "-");
                if (logistic.wall > 0)
                    printf(" %12.2f %17.1fx\n", logistic.wall * 1e3, logistic.wall / read.wall);
                else
                    printf(" %12s %18s\n", "-", "-");
                fflush(stdout);
            }
        }
        chorus_votes_free(votes);
    }
    return 0;
}
