/*
 * Prompt sensitivity of llm LFs run with several wordings of one prompt (a dependency
 * group): per variant its coverage and accuracy, per pair of variants their agreement and
 * Cohen's kappa, and the share of items whose answer flips from one wording to another.
 * One pass over the items; the work per item is that of its votes plus the pairs of each
 * group, so it is linear in the matrix for the small groups prompts come in.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/analyze.h"
#include "core/error_internal.h"
#include "votes/votes_internal.h"

static void variants_clear(chorus_prompt_variants *g)
{
    free(g->lfs);
    free(g->coverage);
    free(g->n_votes);
    free(g->n_both);
    free(g->agreement);
    free(g->kappa);
    free(g->n_gold_votes);
    free(g->n_correct);
    free(g->accuracy);
}

void chorus_prompt_sensitivity_free(chorus_prompt_sensitivity *s)
{
    if (!s) return;
    for (int32_t g = 0; s->groups && g < s->n_groups; g++)
        variants_clear(&s->groups[g]);
    free(s->groups);
    free(s);
}

static int check_inputs(const chorus_votes *votes, const int32_t *group, const int32_t *gold,
                        int64_t n_gold)
{
    if (!votes || !group)
        return chorus_error_set(CHORUS_EINVAL, "prompt sensitivity: votes and groups are required");
    int rc = chorus_votes_check_gold(votes, gold, n_gold);
    if (rc) return rc;
    const int32_t m = chorus_votes_n_lfs(votes);
    for (int32_t j = 0; j < m; j++)
        if (group[j] < -1 || group[j] >= m)
            return chorus_error_set(CHORUS_EINVAL,
                                    "the group of LF %" PRId32 " is %" PRId32
                                    "; expected -1 (none) or a group id in 0..%" PRId32,
                                    j, group[j], m - 1);
    return CHORUS_OK;
}

/* The groups of two or more LFs, in order of their first LF; members in column order. */
static int find_groups(chorus_prompt_sensitivity *s, const int32_t *group, int32_t m)
{
    int32_t *size = calloc((size_t)m + 1, sizeof *size),
            *index = malloc(((size_t)m + 1) * sizeof *index);
    int rc = size && index ? CHORUS_OK : chorus_error_nomem();
    if (!rc && !(s->groups = calloc((size_t)m / 2 + 1, sizeof *s->groups)))
        rc = chorus_error_nomem();
    for (int32_t j = 0; !rc && j < m; j++)
        if (group[j] >= 0) size[group[j]]++;
    for (int32_t id = 0; !rc && id < m; id++)
        index[id] = -1;
    for (int32_t j = 0; !rc && j < m; j++) {
        const int32_t id = group[j];
        if (id < 0 || size[id] < 2) continue;
        if (index[id] < 0) {
            chorus_prompt_variants *g = &s->groups[index[id] = s->n_groups++];
            const size_t n = (size_t)size[id];
            g->group = id;
            g->lfs = malloc(n * sizeof *g->lfs);
            g->coverage = calloc(n, sizeof *g->coverage);
            g->n_votes = calloc(n, sizeof *g->n_votes);
            g->n_both = calloc(n * n, sizeof *g->n_both);
            g->agreement = calloc(n * n, sizeof *g->agreement);
            g->kappa = calloc(n * n, sizeof *g->kappa);
            g->n_gold_votes = calloc(n, sizeof *g->n_gold_votes);
            g->n_correct = calloc(n, sizeof *g->n_correct);
            g->accuracy = calloc(n, sizeof *g->accuracy);
            if (!g->lfs || !g->coverage || !g->n_votes || !g->n_both || !g->agreement ||
                !g->kappa || !g->n_gold_votes || !g->n_correct || !g->accuracy)
                rc = chorus_error_nomem();
        }
        chorus_prompt_variants *g = &s->groups[index[id]];
        if (!rc) g->lfs[g->n_variants++] = j;
    }
    free(size);
    free(index);
    return rc;
}

/* Counts while passing over the items: per pair the items both vote on, the alike ones
 * (in agreement until the end) and the classes each voted there (for chance agreement). */
typedef struct tally {
    int64_t *alike;    /* n x n */
    int64_t *marginal; /* n x n x K: [a][b][k] items both vote on where a voted k */
} tally;

static void count_item(chorus_prompt_variants *g, tally *t, const int32_t *answer, int32_t k,
                       int32_t truth)
{
    const int32_t n = g->n_variants;
    int32_t voters = 0, first = CHORUS_ABSTAIN;
    bool flipped = false;
    for (int32_t a = 0; a < n; a++) {
        if (answer[a] == CHORUS_ABSTAIN) continue;
        g->n_votes[a]++;
        if (truth >= 0) {
            g->n_gold_votes[a]++;
            g->n_correct[a] += answer[a] == truth;
        }
        if (voters++ == 0) first = answer[a];
        flipped = flipped || answer[a] != first;
        for (int32_t b = 0; b < n; b++) {
            if (answer[b] == CHORUS_ABSTAIN) continue;
            const size_t ab = (size_t)a * (size_t)n + (size_t)b;
            g->n_both[ab]++;
            t->alike[ab] += answer[a] == answer[b];
            t->marginal[ab * (size_t)k + (size_t)answer[a]]++;
        }
    }
    g->n_compared += voters >= 2;
    g->n_flipped += flipped;
}

/* Agreement, kappa, coverage and accuracy from the counts. */
static void finish(chorus_prompt_variants *g, const tally *t, int32_t k, int64_t n_items)
{
    const int32_t n = g->n_variants;
    for (int32_t a = 0; a < n; a++) {
        g->coverage[a] = n_items ? (double)g->n_votes[a] / (double)n_items : NAN;
        g->accuracy[a] =
            g->n_gold_votes[a] ? (double)g->n_correct[a] / (double)g->n_gold_votes[a] : NAN;
        for (int32_t b = 0; b < n; b++) {
            const size_t ab = (size_t)a * (size_t)n + (size_t)b, ba = (size_t)b * (size_t)n + a;
            const double both = (double)g->n_both[ab];
            if (g->n_both[ab] == 0) {
                g->agreement[ab] = g->kappa[ab] = NAN;
                continue;
            }
            const double observed = (double)t->alike[ab] / both;
            double chance = 0;
            for (int32_t c = 0; c < k; c++)
                chance += (double)t->marginal[ab * (size_t)k + (size_t)c] / both *
                          ((double)t->marginal[ba * (size_t)k + (size_t)c] / both);
            g->agreement[ab] = observed;
            /* Both always voted one same class: chance explains everything, kappa is 0/0. */
            g->kappa[ab] = chance >= 1.0 ? NAN : (observed - chance) / (1.0 - chance);
        }
    }
    g->flip_rate = g->n_compared ? (double)g->n_flipped / (double)g->n_compared : NAN;
}

int chorus_prompt_sensitivity_compute(chorus_prompt_sensitivity **out, const chorus_votes *votes,
                                      const int32_t *group, const int32_t *gold, int64_t n_gold)
{
    if (!out) return chorus_error_set(CHORUS_EINVAL, "prompt sensitivity: out is required");
    *out = NULL;
    int rc = check_inputs(votes, group, gold, n_gold);
    if (rc) return rc;
    const int64_t n_items = chorus_votes_n_items(votes);
    const int32_t m = chorus_votes_n_lfs(votes), k = chorus_votes_n_classes(votes);
    chorus_prompt_sensitivity *s = calloc(1, sizeof *s);
    int32_t *answer = malloc(((size_t)m + 1) * sizeof *answer); /* per LF, this item */
    int32_t *slot = malloc(((size_t)m + 1) * sizeof *slot);     /* LF -> offset in answer */
    tally *tallies = NULL;
    if (!s || !answer || !slot) {
        rc = chorus_error_nomem();
        goto done;
    }
    s->has_gold = gold != NULL;
    if ((rc = find_groups(s, group, m))) goto done;
    if (!(tallies = calloc((size_t)s->n_groups + 1, sizeof *tallies))) {
        rc = chorus_error_nomem();
        goto done;
    }
    /* Each group's answers are a run of `answer`, so one item fills them all at once. */
    int32_t used = 0;
    for (int32_t j = 0; j < m; j++)
        slot[j] = -1;
    for (int32_t g = 0; g < s->n_groups; g++) {
        const size_t n = (size_t)s->groups[g].n_variants;
        tallies[g].alike = calloc(n * n, sizeof *tallies[g].alike);
        tallies[g].marginal = calloc(n * n * (size_t)k, sizeof *tallies[g].marginal);
        if (!tallies[g].alike || !tallies[g].marginal) {
            rc = chorus_error_nomem();
            goto done;
        }
        for (size_t v = 0; v < n; v++)
            slot[s->groups[g].lfs[v]] = used++;
    }
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    for (int64_t i = 0; i < n_items && s->n_groups; i++) {
        for (int32_t a = 0; a < used; a++)
            answer[a] = CHORUS_ABSTAIN;
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t at = slot[chorus_view_lf(&w, p)];
            if (at >= 0) answer[at] = chorus_view_label(&w, p);
        }
        for (int32_t g = 0, from = 0; g < s->n_groups; from += s->groups[g++].n_variants)
            count_item(&s->groups[g], &tallies[g], answer + from, k, gold ? gold[i] : -1);
    }
    for (int32_t g = 0; g < s->n_groups; g++)
        finish(&s->groups[g], &tallies[g], k, n_items);
done:
    for (int32_t g = 0; tallies && g < s->n_groups; g++) {
        free(tallies[g].alike);
        free(tallies[g].marginal);
    }
    free(tallies);
    free(answer);
    free(slot);
    if (rc) {
        chorus_prompt_sensitivity_free(s);
        return rc;
    }
    *out = s;
    return CHORUS_OK;
}
