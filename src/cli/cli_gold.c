/* Gold labels from a gold file or from a field of a dataset (--gold data.csv:label). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

const char **cli_votes_class_names(const chorus_votes *votes)
{
    if (!chorus_votes_has_class_names(votes)) return NULL;
    const int32_t k = chorus_votes_n_classes(votes);
    const char **names = malloc((size_t)k * sizeof *names);
    for (int32_t c = 0; names && c < k; c++)
        names[c] = chorus_votes_class_name(votes, c);
    return names;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The labels of one field of a dataset, one record per item. */
static int read_field(const char *cmd, const char *path, const char *field, int32_t n_classes,
                      const char *const *class_names, int32_t **out, int64_t *out_n)
{
    chorus_dataset *ds = NULL;
    chorus_data_options opts = CHORUS_DATA_OPTIONS_INIT;
    int status = chorus_dataset_read(&ds, path, &opts);
    if (status) return cli_fail(cmd, status);
    int rc = 0;
    const int32_t f = chorus_dataset_find_field(ds, field);
    const int64_t n = chorus_dataset_n_records(ds);
    int32_t *gold = malloc((size_t)(n ? n : 1) * sizeof *gold);
    if (f < 0) {
        rc = cli_usage_error(cmd, "%s has no field '%s' to take gold labels from", path, field);
    } else if (!gold) {
        fprintf(stderr, "chorus %s: out of memory\n", cmd);
        rc = CLI_EXIT_FAILURE;
    }
    for (int64_t i = 0; !rc && i < n; i++) {
        size_t len = 0;
        const char *value = chorus_dataset_value(ds, i, f, &len);
        gold[i] = -1;
        if (!value || len == 0) continue;
        if (chorus_gold_parse(&gold[i], value, len, n_classes, class_names) != 0) {
            char what[512];
            chorus_gold_describe(what, sizeof what, value, len, n_classes, class_names);
            fprintf(stderr, "chorus %s: %s:%" PRId64 ": field '%s': %s\n", cmd, path,
                    chorus_dataset_source_line(ds, i), field, what);
            rc = CLI_EXIT_USAGE;
        }
    }
    chorus_dataset_free(ds);
    if (rc) {
        free(gold);
        return rc;
    }
    *out = gold;
    *out_n = n;
    return 0;
}

int cli_read_gold(const char *cmd, const char *spec, int32_t n_classes,
                  const char *const *class_names, int64_t n_items, const char *items_what,
                  int32_t **out, int64_t *out_n)
{
    *out = NULL;
    *out_n = 0;
    int rc = 0;
    const char *colon = strrchr(spec, ':');
    if (!is_file(spec) && colon && colon > spec && colon[1]) {
        char *path = strndup(spec, (size_t)(colon - spec));
        if (!path) {
            fprintf(stderr, "chorus %s: out of memory\n", cmd);
            return CLI_EXIT_FAILURE;
        }
        const int wrench = chorus_format_from_path(path) == CHORUS_FORMAT_WRENCH;
        if (wrench && is_file(path) && strcmp(colon + 1, "label") != 0)
            rc = cli_usage_error(cmd,
                                 "%s: a WRENCH .json file's gold labels are its items' "
                                 "\"label\" (%s:label, or the file alone)",
                                 spec, path);
        else if (wrench && is_file(path)) {
            int status = chorus_gold_read_named(out, out_n, path, n_classes, class_names);
            if (status) rc = cli_fail(cmd, status);
        } else if (is_file(path))
            rc = read_field(cmd, path, colon + 1, n_classes, class_names, out, out_n);
        else
            rc = cli_usage_error(cmd,
                                 "%s: no such gold file, and %s is not a data file "
                                 "(DATA:FIELD takes the labels from a field)",
                                 spec, path);
        free(path);
    } else {
        int status = chorus_gold_read_named(out, out_n, spec, n_classes, class_names);
        if (status) rc = cli_fail(cmd, status);
    }
    if (!rc && n_items >= 0 && *out_n != n_items)
        rc = cli_usage_error(
            cmd, "%s has %" PRId64 " labels but %s %" PRId64 " items; they must match one to one",
            spec, *out_n, items_what, n_items);
    if (rc) {
        chorus_free(*out);
        *out = NULL;
        *out_n = 0;
    }
    return rc;
}
