/* Review files on the command line: every --review (or --exclude) FILE, merged, and their
 * answers as gold labels clamped in a fit, with held-out scores. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

/* The value of argv[a] if it is --NAME VALUE or --NAME=VALUE (*a advanced), else NULL. */
static const char *option_value(int argc, char **argv, int *a, const char *name)
{
    const char *arg = argv[*a];
    const size_t len = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0) return NULL;
    if (arg[2 + len] == '=') return arg + 3 + len;
    if (arg[2 + len] != '\0' || *a + 1 >= argc) return NULL;
    return argv[++*a];
}

int cli_read_reviews(const char *cmd, int argc, char **argv, const char *option,
                     chorus_review **out)
{
    *out = NULL;
    chorus_review *all = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--") == 0) break;
        const char *path = option_value(argc, argv, &a, option);
        if (!path) continue;
        chorus_review *one = NULL;
        int status = chorus_review_read(&one, path);
        if (!status && !all) {
            all = one;
            continue;
        }
        if (!status) status = chorus_review_merge(all, one);
        chorus_review_free(one);
        if (status) {
            chorus_review_free(all);
            return cli_fail(cmd, status);
        }
    }
    *out = all;
    return 0;
}

int cli_review_gold(const char *cmd, const chorus_review *review, const chorus_votes *votes,
                    const int32_t *gold, int32_t **out, int32_t **answers, int64_t *n_answers)
{
    *out = NULL;
    *answers = NULL;
    *n_answers = 0;
    int32_t *mine = NULL;
    int status = chorus_review_resolve(&mine, review, votes, gold);
    if (status) return cli_fail(cmd, status);
    const int64_t n = chorus_votes_n_items(votes);
    int32_t *merged = malloc((size_t)(n ? n : 1) * sizeof *merged);
    if (!merged) {
        chorus_free(mine);
        fprintf(stderr, "chorus %s: out of memory\n", cmd);
        return CLI_EXIT_FAILURE;
    }
    for (int64_t i = 0; i < n; i++) {
        merged[i] = mine[i] >= 0 ? mine[i] : gold ? gold[i] : -1;
        *n_answers += mine[i] >= 0;
    }
    *out = merged;
    *answers = mine;
    return 0;
}

int cli_report_review(const char *cmd, const chorus_votes *votes, const int32_t *answers,
                      int64_t n_answers, const int32_t *other_gold, const chorus_fit_options *fit,
                      chorus_model_type type)
{
    if (n_answers < 2) {
        printf("review answers: %" PRId64 " clamped; held-out scores need at least 2\n", n_answers);
        return 0;
    }
    chorus_fit_options opts = *fit;
    opts.type = type;
    opts.gold = other_gold;
    opts.n_gold = other_gold ? chorus_votes_n_items(votes) : 0;
    chorus_review_holdout_result r;
    int status = chorus_review_holdout(&r, votes, answers, &opts, CLI_REVIEW_FOLDS);
    if (status) return cli_fail(cmd, status);
    printf("review answers: %" PRId64 " clamped; held out over %" PRId32
           " folds (each scored by a fit on the others): accuracy %.4f (%" PRId64 "/%" PRId64 ")",
           r.n_answers, r.n_folds, r.accuracy, r.n_correct, r.n_answers);
    if (r.positive_class >= 0)
        printf(", F1 of %s %.4f", chorus_votes_class_name(votes, r.positive_class), r.positive_f1);
    printf("\n");
    return 0;
}
