/*
 * The dependency-groups reader (fit --groups FILE), against a fixed matrix of five
 * labeling functions named a..e: what it accepts must put every LF in a real group or
 * none, with at least two LFs per group.
 */
#include <stdlib.h>

#include "fuzz_util.h"

enum { N_LFS = 5 };

static chorus_votes *five_lfs(void)
{
    static chorus_votes *votes;
    if (votes) return votes;
    static const char *const names[N_LFS] = {"a", "b", "c", "d", "e"};
    FUZZ_CHECK(chorus_votes_new(&votes, N_LFS, 2) == CHORUS_OK, "make the matrix");
    for (int32_t j = 0; j < N_LFS; j++)
        FUZZ_CHECK(chorus_votes_set_lf_name(votes, j, names[j]) == CHORUS_OK, "name an LF");
    return votes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const chorus_votes *votes = five_lfs();
    const char *path = fuzz_write_file("groups.txt", data, size);
    int32_t *group = NULL;
    if (chorus_groups_read(&group, path, votes) == CHORUS_OK) {
        int members[N_LFS] = {0};
        for (int32_t j = 0; j < N_LFS; j++) {
            FUZZ_CHECK(group[j] >= -1 && group[j] < N_LFS, "a group index out of range");
            if (group[j] >= 0) members[group[j]]++;
        }
        for (int32_t g = 0; g < N_LFS; g++)
            FUZZ_CHECK(members[g] != 1, "a group of one");
    }
    chorus_free(group);
    return 0;
}
