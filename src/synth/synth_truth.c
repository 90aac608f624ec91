/* The truth about the LFs of a synthetic matrix, and its CSV file. */
#include <inttypes.h>
#include <stdlib.h>

#include "chorus/synth.h"
#include "core/error_internal.h"
#include "core/number_format.h"
#include "core/atomic_file.h"
#include "synth/synth_internal.h"

/* P(votes | y) and P(vote = y | y, votes) of an LF voting on its own. */
static void own_tables(const synth_lf *lf, int32_t k, double *fire, double *accuracy)
{
    for (int32_t y = 0; y < k; y++) {
        if (lf->polarity >= 0) {
            fire[y] = y == lf->polarity ? lf->fire_on : lf->fire_off;
            accuracy[y] = y == lf->polarity;
        } else {
            fire[y] = lf->coverage;
            accuracy[y] = lf->class_accuracy ? lf->class_accuracy[y] : lf->accuracy;
        }
    }
}

/*
 * A follower outputs its leader's output with probability rho and its own otherwise, so
 * given the class its output is the mixture of the two; wrong votes stay uniform over the
 * wrong classes (multi-class) or do not exist (one-class, same polarity).
 */
static void mix_with_leader(double rho, int32_t k, const double *leader_fire,
                            const double *leader_accuracy, double *fire, double *accuracy)
{
    for (int32_t y = 0; y < k; y++) {
        double f = rho * leader_fire[y] + (1 - rho) * fire[y];
        double correct =
            rho * leader_fire[y] * leader_accuracy[y] + (1 - rho) * fire[y] * accuracy[y];
        /* Where it never votes, keep the accuracy its own votes would have. */
        if (f > 0) accuracy[y] = correct / f;
        fire[y] = f;
    }
}

int chorus_synth_lf_truth(chorus_synth_lf **out, const chorus_synth_options *opts)
{
    *out = NULL;
    synth_plan plan;
    int rc = synth_plan_init(&plan, opts);
    if (rc) return rc;
    const int32_t m = plan.opts.n_lfs, k = plan.opts.n_classes;
    /* The structs first, then the tables, which need a double's alignment. */
    _Static_assert(sizeof(chorus_synth_lf) % _Alignof(double) == 0, "tables misaligned");
    size_t head = (size_t)m * sizeof(chorus_synth_lf);
    chorus_synth_lf *lfs = malloc(head + 2 * (size_t)m * (size_t)k * sizeof(double));
    if (!lfs) {
        synth_plan_free(&plan);
        return chorus_error_nomem();
    }
    double *tables = (void *)(lfs + m);
    /* Leaders come before their followers, so a leader's tables are final when needed. */
    for (int32_t j = 0; j < m; j++) {
        const synth_lf *lf = &plan.lfs[j];
        double *fire = tables + 2 * (int64_t)j * k, *accuracy = fire + k;
        chorus_synth_lf *t = &lfs[j];
        *t =
            (chorus_synth_lf){lf->polarity >= 0 ? CHORUS_SYNTH_ONE_CLASS : CHORUS_SYNTH_MULTI_CLASS,
                              lf->polarity,
                              lf->leader,
                              lf->adversarial,
                              lf->clamped,
                              lf->rho,
                              0,
                              0,
                              lf->polarity >= 0 ? plan.shares[lf->polarity] : 1.0 / k,
                              fire,
                              accuracy};
        if (lf->leader >= 0 && lf->rho >= 1) {
            const chorus_synth_lf *leader = &lfs[lf->leader];
            t->adversarial = leader->adversarial;
            t->clamped = leader->clamped;
            for (int32_t y = 0; y < k; y++) {
                fire[y] = leader->class_coverage[y];
                accuracy[y] = leader->class_accuracy[y];
            }
        } else {
            own_tables(lf, k, fire, accuracy);
            if (lf->leader >= 0)
                mix_with_leader(lf->rho, k, lfs[lf->leader].class_coverage,
                                lfs[lf->leader].class_accuracy, fire, accuracy);
        }
        double correct = 0, fallback = 0;
        for (int32_t y = 0; y < k; y++) {
            t->coverage += plan.shares[y] * fire[y];
            correct += plan.shares[y] * fire[y] * accuracy[y];
            fallback += plan.shares[y] * accuracy[y];
        }
        /* An LF that never votes has no precision; report the one it was drawn with. */
        if (lf->polarity >= 0) fallback = lf->accuracy;
        t->accuracy = t->coverage > 0 ? correct / t->coverage : fallback;
    }
    synth_plan_free(&plan);
    *out = lfs;
    return CHORUS_OK;
}

static void write_number(FILE *fp, double x)
{
    char buf[32];
    chorus_format_double(buf, sizeof buf, x);
    fputs(buf, fp);
}

static void write_list(FILE *fp, const double *x, int32_t k)
{
    for (int32_t y = 0; y < k; y++) {
        if (y) fputc(' ', fp);
        write_number(fp, x[y]);
    }
}

int chorus_synth_lf_truth_write(const chorus_synth_lf *lfs, int32_t n_lfs, int32_t n_classes,
                                const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    FILE *fp = file.fp;
    fputs("lf,kind,polarity,coverage,accuracy,chance,adversarial,leader,rho,clamped,class_coverage,"
          "class_accuracy\n",
          fp);
    for (int32_t j = 0; j < n_lfs; j++) {
        const chorus_synth_lf *t = &lfs[j];
        fprintf(fp, "%" PRId32 ",%s,%" PRId32 ",", j,
                t->kind == CHORUS_SYNTH_ONE_CLASS ? "one-class" : "multi-class", t->polarity);
        write_number(fp, t->coverage);
        fputc(',', fp);
        write_number(fp, t->accuracy);
        fputc(',', fp);
        write_number(fp, t->chance);
        fprintf(fp, ",%d,%" PRId32 ",", t->adversarial, t->leader);
        write_number(fp, t->rho);
        fprintf(fp, ",%d,", t->clamped);
        write_list(fp, t->class_coverage, n_classes);
        fputc(',', fp);
        write_list(fp, t->class_accuracy, n_classes);
        fputc('\n', fp);
    }
    return chorus_atomic_commit(&file);
}
