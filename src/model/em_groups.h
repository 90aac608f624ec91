/*
 * Groups of correlated labeling functions (two paraphrased prompts, a regex and a keyword
 * on the same word). A group is modelled jointly given the class: its output on an item
 * is the tuple of its members' outputs, and the model learns P(tuple | y) over the tuples
 * seen in training, plus the all-abstain tuple and one bucket for tuples never seen.
 * Only seen tuples get parameters, so a group of r LFs costs O(tuples seen), not
 * (K+1)^r — the tractable form of the joint model (see docs/label-model.md).
 */
#ifndef CHORUS_EM_GROUPS_H
#define CHORUS_EM_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include "chorus/votes.h"

/* Tuple 0 is "every member abstains"; the last tuple is "a tuple not seen in training". */
#define EM_TUPLE_ABSTAIN 0

typedef struct em_group {
    int32_t n_members;
    int32_t *members;     /* LF indices, ascending */
    int32_t n_tuples;     /* including tuple 0 and, once finished, the unseen bucket */
    uint64_t *keys;       /* per tuple: its code (see em_tuple_key) */
    int64_t *counts;      /* items per tuple in the data the group was built on */
    uint64_t *table_keys; /* open-addressing map code -> tuple */
    int32_t *table_values;
    size_t table_cap; /* power of two */
} em_group;

typedef struct em_groups {
    int32_t n_lfs;
    int32_t n_classes;
    int32_t n_groups;
    em_group *groups;
    int32_t *lf_group; /* per LF: its group, or -1 */
    int32_t *lf_pos;   /* per LF: its position in the group (a digit of the tuple code) */
    bool finished;     /* the unseen bucket exists: no more tuples are added */
} em_groups;

/*
 * Groups from a per-LF group id (0..n-1 or -1). Every group needs two or more members,
 * and (K + 1)^size must fit the 62-bit tuple code. CHORUS_EINVAL naming the problem.
 */
int em_groups_init(em_groups *g, int32_t n_lfs, int32_t n_classes, const int32_t *lf_group);
void em_groups_free(em_groups *g);

/*
 * The votes with every group's member votes replaced by one entry per group that voted:
 * source n_lfs + g, output the tuple index. Independent LFs keep source j and their vote.
 * Before em_groups_finish, new tuples are added (and counted); after, tuples not seen are
 * mapped to the unseen bucket.
 */
int em_groups_transform(em_groups *g, const chorus_votes *votes, int64_t **row_ptr,
                        int32_t **source, int32_t **output);

/* Adds the unseen bucket to every group; the tuple set is fixed from then on. */
int em_groups_finish(em_groups *g);

/* Registers a tuple by its code (used when loading a model); returns its index or < 0. */
int32_t em_group_add_tuple(em_group *group, uint64_t key);

/* The outputs of the members for tuple t: out[pos] is a class or -1 (abstain). */
void em_group_tuple_outputs(const em_groups *g, const em_group *group, int32_t t, int32_t *out);

/* The code of a tuple of member outputs (-1 = abstain). */
uint64_t em_tuple_key(const int32_t *outputs, int32_t n, int32_t n_classes);

#endif
