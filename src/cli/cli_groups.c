/* Dependency groups for fit and run: from a groups file or from a spec's `group:` keys. */
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

/* Group ids from the spec's group names, in order of first appearance. */
static int from_names(const char *cmd, const chorus_votes *votes, const char *const *names,
                      int32_t **out)
{
    const int32_t m = chorus_votes_n_lfs(votes);
    int32_t *ids = malloc((size_t)m * sizeof *ids);
    if (!ids) return cli_usage_error(cmd, "out of memory");
    int32_t n = 0;
    for (int32_t j = 0; j < m; j++) {
        ids[j] = -1;
        if (!names[j]) continue;
        for (int32_t i = 0; i < j && ids[j] < 0; i++)
            if (names[i] && strcmp(names[i], names[j]) == 0) ids[j] = ids[i];
        if (ids[j] < 0) ids[j] = n++;
    }
    *out = ids;
    return 0;
}

int cli_groups_from_spec(const char *cmd, const chorus_lf_set *set, const chorus_votes *votes,
                         int32_t **out)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes);
    const char **names = calloc((size_t)m, sizeof *names);
    if (!names) return cli_usage_error(cmd, "out of memory");
    int any = 0;
    for (int32_t j = 0; j < m && j < chorus_lf_set_n_lfs(set); j++) {
        names[j] = chorus_lf_set_lf_group(set, j);
        any |= names[j] != NULL;
    }
    int rc = any ? from_names(cmd, votes, names, out) : 0;
    free(names);
    return rc;
}

/*
 * A groups file (read by chorus_groups_read: one group per line, its LFs by name or index
 * separated by commas), or a labeling-function spec (.yaml / .yml), whose LFs' `group:`
 * keys are used.
 */
int cli_read_groups(const char *cmd, const char *path, const chorus_votes *votes, int32_t **out)
{
    *out = NULL;
    size_t len = strlen(path);
    if ((len > 5 && strcmp(path + len - 5, ".yaml") == 0) ||
        (len > 4 && strcmp(path + len - 4, ".yml") == 0)) {
        chorus_lf_set *set;
        int status = chorus_lf_set_load(&set, path);
        if (status) return cli_fail(cmd, status);
        int rc = cli_groups_from_spec(cmd, set, votes, out);
        chorus_lf_set_free(set);
        if (!rc && !*out)
            return cli_usage_error(cmd, "%s declares no groups (no LF has a `group:` key)", path);
        return rc;
    }
    int status = chorus_groups_read(out, path, votes);
    return status ? cli_fail(cmd, status) : 0;
}
