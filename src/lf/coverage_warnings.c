/*
 * Warnings after an apply about LFs whose votes say nothing: one that never fires (a field
 * that is always empty, a pattern mangled by YAML quoting, a term that never occurs) and a
 * rule that fires on every item (a condition that is always true) carry no information for
 * the label model, yet look fine in a run that exits 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"
#include "votes/votes_internal.h"

/* LF names listed in one warning; the rest are counted. */
#define NAMES_LISTED 10

static void warn_lfs(const chorus_lf_set *set, const int32_t *lfs, int32_t n, int64_t n_items,
                     const char *what, const char *why)
{
    if (n == 0) return;
    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    for (int32_t i = 0; i < n && i < NAMES_LISTED; i++) {
        int len = snprintf(names + used, sizeof names - used, "%s%.80s", i ? ", " : "",
                           set->lfs[lfs[i]].name);
        if (len > 0 && (size_t)len < sizeof names - used) used += (size_t)len;
    }
    char more[48] = "";
    if (n > NAMES_LISTED) snprintf(more, sizeof more, " and %" PRId32 " more", n - NAMES_LISTED);
    chorus_log(CHORUS_LOG_WARN,
               "%" PRId32 " labeling function%s voted on %s of the %" PRId64 " items: %s%s; %s", n,
               n == 1 ? "" : "s", what, n_items, names, more, why);
}

void lf_warn_coverage(const chorus_lf_set *set, const chorus_votes *votes)
{
    const int32_t m = set->n_lfs;
    const int64_t n_items = chorus_votes_n_items(votes), nnz = chorus_votes_nnz(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    int64_t *n_votes = calloc((size_t)m, sizeof *n_votes);
    int32_t *silent = malloc((size_t)m * sizeof *silent);
    int32_t *always = malloc((size_t)m * sizeof *always);
    /* Warnings are advice: without the memory for them the apply still stands. */
    if (!n_votes || !silent || !always) goto done;
    for (int64_t p = 0; p < nnz; p++)
        n_votes[chorus_view_lf(&w, p)]++;
    int32_t n_silent = 0, n_always = 0;
    for (int32_t j = 0; j < m; j++) {
        lf_kind kind = set->lfs[j].kind;
        if (n_votes[j] == 0)
            silent[n_silent++] = j;
        else if (n_votes[j] == n_items && n_items > 1 && kind != LF_COLUMN && kind != LF_LLM)
            always[n_always++] = j;
    }
    warn_lfs(set, silent, n_silent, n_items, "none",
             "check the field it reads and its terms or pattern (written in single quotes?)");
    warn_lfs(set, always, n_always, n_items, "every one",
             "an LF that always votes tells the label model nothing about the items");
done:
    free(n_votes);
    free(silent);
    free(always);
}
