/*
 * Times reading one vote matrix and majority-vote fit + predict on it, and reports the
 * process's peak resident memory. One format per process, so peak memory is per format.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

#include "chorus/chorus.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_io_load VOTES\n");
        return 2;
    }
    double t0 = now();
    chorus_votes *votes;
    if (chorus_votes_read(&votes, argv[1], NULL)) {
        fprintf(stderr, "%s\n", chorus_error_last());
        return 1;
    }
    double t1 = now();
    chorus_model *model;
    chorus_probs *probs;
    if (chorus_model_fit(&model, votes, NULL) || chorus_model_predict(&probs, model, votes)) {
        fprintf(stderr, "%s\n", chorus_error_last());
        return 1;
    }
    double t2 = now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("load_s=%.3f predict_s=%.3f peak_rss_mb=%.1f items=%" PRId64 " votes=%" PRId64 "\n",
           t1 - t0, t2 - t1, (double)ru.ru_maxrss / 1024.0, chorus_votes_n_items(votes),
           chorus_votes_nnz(votes));
    chorus_probs_free(probs);
    chorus_model_free(model);
    chorus_votes_free(votes);
    return 0;
}
