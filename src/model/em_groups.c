/* Building the tuple tables of LF groups and rewriting votes as group outputs. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "core/random.h"
#include "model/em_groups.h"
#include "votes/votes_internal.h"

#define UNSEEN_KEY UINT64_MAX
#define EMPTY_SLOT UINT64_MAX

uint64_t em_tuple_key(const int32_t *outputs, int32_t n, int32_t n_classes)
{
    /* Base K + 1 digits, abstain = 0, class c = c + 1; members in ascending LF order. */
    uint64_t key = 0;
    for (int32_t p = n - 1; p >= 0; p--)
        key = key * (uint64_t)(n_classes + 1) + (uint64_t)(outputs[p] + 1);
    return key;
}

void em_group_tuple_outputs(const em_groups *g, const em_group *group, int32_t t, int32_t *out)
{
    uint64_t key = group->keys[t];
    for (int32_t p = 0; p < group->n_members; p++) {
        if (key == UNSEEN_KEY) {
            out[p] = -2; /* not a tuple: the unseen bucket */
            continue;
        }
        out[p] = (int32_t)(key % (uint64_t)(g->n_classes + 1)) - 1;
        key /= (uint64_t)(g->n_classes + 1);
    }
}

static int32_t lookup(const em_group *group, uint64_t key)
{
    size_t mask = group->table_cap - 1;
    for (size_t i = chorus_mix64(key) & mask;; i = (i + 1) & mask) {
        if (group->table_keys[i] == EMPTY_SLOT) return -1;
        if (group->table_keys[i] == key) return group->table_values[i];
    }
}

static int grow_table(em_group *group)
{
    size_t cap = group->table_cap ? group->table_cap * 2 : 64;
    uint64_t *keys = malloc(cap * sizeof *keys);
    int32_t *values = malloc(cap * sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return chorus_error_nomem();
    }
    for (size_t i = 0; i < cap; i++)
        keys[i] = EMPTY_SLOT;
    for (size_t i = 0; i < group->table_cap; i++) {
        if (group->table_keys[i] == EMPTY_SLOT) continue;
        size_t at = chorus_mix64(group->table_keys[i]) & (cap - 1);
        while (keys[at] != EMPTY_SLOT)
            at = (at + 1) & (cap - 1);
        keys[at] = group->table_keys[i];
        values[at] = group->table_values[i];
    }
    free(group->table_keys);
    free(group->table_values);
    group->table_keys = keys;
    group->table_values = values;
    group->table_cap = cap;
    return CHORUS_OK;
}

int32_t em_group_add_tuple(em_group *group, uint64_t key)
{
    int32_t found = group->table_cap ? lookup(group, key) : -1;
    if (found >= 0) return found;
    if ((size_t)(group->n_tuples + 1) * 2 > group->table_cap && grow_table(group)) return -1;
    int32_t t = group->n_tuples;
    uint64_t *keys = realloc(group->keys, ((size_t)t + 1) * sizeof *keys);
    if (!keys) return -1;
    group->keys = keys;
    int64_t *counts = realloc(group->counts, ((size_t)t + 1) * sizeof *counts);
    if (!counts) return -1;
    group->counts = counts;
    keys[t] = key;
    counts[t] = 0;
    group->n_tuples++;
    size_t at = chorus_mix64(key) & (group->table_cap - 1);
    while (group->table_keys[at] != EMPTY_SLOT)
        at = (at + 1) & (group->table_cap - 1);
    group->table_keys[at] = key;
    group->table_values[at] = t;
    return t;
}

int em_groups_init(em_groups *g, int32_t n_lfs, int32_t n_classes, const int32_t *lf_group)
{
    memset(g, 0, sizeof *g);
    g->n_lfs = n_lfs;
    g->n_classes = n_classes;
    g->lf_group = malloc((size_t)n_lfs * sizeof *g->lf_group);
    g->lf_pos = malloc((size_t)n_lfs * sizeof *g->lf_pos);
    if (!g->lf_group || !g->lf_pos) goto nomem;
    int32_t n_groups = 0;
    for (int32_t j = 0; j < n_lfs; j++) {
        if (lf_group[j] < -1 || lf_group[j] >= n_lfs) {
            em_groups_free(g);
            return chorus_error_set(CHORUS_EINVAL,
                                    "labeling function %" PRId32 " has group id %" PRId32, j,
                                    lf_group[j]);
        }
        if (lf_group[j] + 1 > n_groups) n_groups = lf_group[j] + 1;
    }
    g->groups = calloc((size_t)(n_groups ? n_groups : 1), sizeof *g->groups);
    if (!g->groups) goto nomem;
    g->n_groups = n_groups;
    for (int32_t j = 0; j < n_lfs; j++) {
        g->lf_group[j] = lf_group[j];
        if (lf_group[j] < 0) continue;
        em_group *group = &g->groups[lf_group[j]];
        int32_t *members =
            realloc(group->members, ((size_t)group->n_members + 1) * sizeof *members);
        if (!members) goto nomem;
        group->members = members;
        g->lf_pos[j] = group->n_members;
        members[group->n_members++] = j;
    }
    /* (K + 1)^size codes must stay below 2^62 (UINT64_MAX marks the unseen bucket). */
    double limit = 4.6e18;
    for (int32_t k = 0; k < n_groups; k++) {
        em_group *group = &g->groups[k];
        double space = 1;
        for (int32_t p = 0; p < group->n_members; p++)
            space *= n_classes + 1;
        if (group->n_members < 2 || space > limit) {
            int32_t size = group->n_members;
            em_groups_free(g);
            return chorus_error_set(CHORUS_EINVAL,
                                    "group %" PRId32 " has %" PRId32
                                    " labeling functions; a group needs 2 or more, and at most "
                                    "as many as keep (K+1)^size below 2^62",
                                    k + 1, size);
        }
        if (em_group_add_tuple(group, 0) != EM_TUPLE_ABSTAIN) goto nomem;
    }
    return CHORUS_OK;
nomem:
    em_groups_free(g);
    return chorus_error_nomem();
}

void em_groups_free(em_groups *g)
{
    for (int32_t k = 0; g->groups && k < g->n_groups; k++) {
        em_group *group = &g->groups[k];
        free(group->members);
        free(group->keys);
        free(group->counts);
        free(group->table_keys);
        free(group->table_values);
    }
    free(g->groups);
    free(g->lf_group);
    free(g->lf_pos);
    memset(g, 0, sizeof *g);
}

int em_groups_finish(em_groups *g)
{
    if (g->finished) return CHORUS_OK;
    for (int32_t k = 0; k < g->n_groups; k++)
        if (em_group_add_tuple(&g->groups[k], UNSEEN_KEY) < 0) return chorus_error_nomem();
    g->finished = true;
    return CHORUS_OK;
}

int em_groups_transform(em_groups *g, const chorus_votes *votes, int64_t **out_row_ptr,
                        int32_t **out_source, int32_t **out_output)
{
    const int64_t n = chorus_votes_n_items(votes);
    const int64_t *row_ptr = chorus_votes_row_ptr(votes);
    const chorus_vote_view w = chorus_votes_view(votes);
    const int32_t m = g->n_lfs, k = g->n_classes;
    int64_t *rp = malloc(((size_t)n + 1) * sizeof *rp);
    /* At most one entry per vote: a group's votes become one entry. */
    size_t cap = (size_t)row_ptr[n] + 1;
    int32_t *source = malloc(cap * sizeof *source), *output = malloc(cap * sizeof *output);
    uint64_t *key = calloc((size_t)(g->n_groups ? g->n_groups : 1), sizeof *key);
    uint64_t *weight = malloc((size_t)m * sizeof *weight);
    int32_t *touched = malloc((size_t)(g->n_groups ? g->n_groups : 1) * sizeof *touched);
    if (!rp || !source || !output || !key || !weight || !touched) goto nomem;
    for (int32_t j = 0; j < m; j++) {
        weight[j] = 1;
        for (int32_t p = 0; p < (g->lf_group[j] >= 0 ? g->lf_pos[j] : 0); p++)
            weight[j] *= (uint64_t)(k + 1);
    }
    int64_t at = 0;
    rp[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        int32_t n_touched = 0;
        for (int64_t v = row_ptr[i]; v < row_ptr[i + 1]; v++) {
            int32_t grp = g->lf_group[chorus_view_lf(&w, v)];
            if (grp < 0) {
                source[at] = chorus_view_lf(&w, v);
                output[at++] = chorus_view_label(&w, v);
                continue;
            }
            if (key[grp] == 0) touched[n_touched++] = grp;
            key[grp] += weight[chorus_view_lf(&w, v)] * (uint64_t)(chorus_view_label(&w, v) + 1);
        }
        for (int32_t t = 0; t < n_touched; t++) {
            em_group *group = &g->groups[touched[t]];
            int32_t tuple = g->finished ? lookup(group, key[touched[t]])
                                        : em_group_add_tuple(group, key[touched[t]]);
            if (tuple < 0 && !g->finished) goto nomem;
            if (tuple < 0) tuple = group->n_tuples - 1; /* the unseen bucket */
            if (!g->finished) group->counts[tuple]++;
            source[at] = m + touched[t];
            output[at++] = tuple;
            key[touched[t]] = 0;
        }
        rp[i + 1] = at;
    }
    /* Items on which a group said nothing count for its all-abstain tuple. */
    if (!g->finished)
        for (int32_t grp = 0; grp < g->n_groups; grp++) {
            int64_t voted = 0;
            for (int32_t t = 1; t < g->groups[grp].n_tuples; t++)
                voted += g->groups[grp].counts[t];
            g->groups[grp].counts[EM_TUPLE_ABSTAIN] = n - voted;
        }
    free(key);
    free(weight);
    free(touched);
    *out_row_ptr = rp;
    *out_source = source;
    *out_output = output;
    return CHORUS_OK;
nomem:
    free(rp);
    free(source);
    free(output);
    free(key);
    free(weight);
    free(touched);
    return chorus_error_nomem();
}
