/* Dependency groups for fit and run: from a groups file or from a spec's `group:` keys. */
#include <stdlib.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"
#include "io/text_reader.h"

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
 * A groups file: one group per line, its LFs by name (or index) separated by commas;
 * '#' starts a comment line. Or a labeling-function spec (.yaml / .yml), whose LFs'
 * `group:` keys are used.
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
    const int32_t m = chorus_votes_n_lfs(votes);
    int32_t *ids = malloc((size_t)m * sizeof *ids);
    if (!ids) return cli_usage_error(cmd, "out of memory");
    for (int32_t j = 0; j < m; j++)
        ids[j] = -1;
    chorus_text_reader reader;
    int status = chorus_text_reader_open(&reader, path);
    if (status) {
        free(ids);
        return cli_fail(cmd, status);
    }
    char *line;
    int32_t n = 0;
    int rc = 0;
    while (!rc && (status = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0 || line[0] == '#') continue;
        int32_t members = 0;
        for (char *save = NULL, *tok = strtok_r(line, ",", &save); tok && !rc;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ' || *tok == '\t')
                tok++;
            size_t tl = strlen(tok);
            while (tl && (tok[tl - 1] == ' ' || tok[tl - 1] == '\t'))
                tok[--tl] = '\0';
            int32_t j = chorus_votes_find_lf(votes, tok);
            int64_t index;
            if (j < 0 && chorus_parse_int64(tok, tl, 0, m - 1, &index) == 0) j = (int32_t)index;
            if (j < 0)
                rc = cli_usage_error(cmd, "%s:%lld: no labeling function '%s' in the votes", path,
                                     (long long)reader.line_no, tok);
            else if (ids[j] >= 0)
                rc = cli_usage_error(cmd, "%s:%lld: labeling function '%s' is in two groups", path,
                                     (long long)reader.line_no, tok);
            else {
                ids[j] = n;
                members++;
            }
        }
        if (!rc && members < 2)
            rc = cli_usage_error(cmd, "%s:%lld: a group needs 2 or more labeling functions", path,
                                 (long long)reader.line_no);
        n++;
    }
    if (!rc && status < 0) rc = cli_fail(cmd, status);
    chorus_text_reader_close(&reader);
    if (rc) {
        free(ids);
        return rc;
    }
    *out = ids;
    return 0;
}
