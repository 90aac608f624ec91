/* Reading and writing probabilistic labels: the format from the name, then CSV, JSONL or .npy. */
#include <stdlib.h>
#include <string.h>

#include "chorus/probs.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "io/probs_formats.h"

chorus_probs_format chorus_probs_format_from_path(const char *path)
{
    if (chorus_path_has_suffix(path, ".jsonl") || chorus_path_has_suffix(path, ".ndjson"))
        return CHORUS_PROBS_JSONL;
    if (chorus_path_has_suffix(path, ".npy")) return CHORUS_PROBS_NPY;
    return CHORUS_PROBS_CSV;
}

int chorus_probs_format_parse(chorus_probs_format *out, const char *name)
{
    static const char *const names[] = {"auto", "csv", "jsonl", "npy"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (chorus_probs_format)i;
            return CHORUS_OK;
        }
    return chorus_error_set(
        CHORUS_EINVAL, "unknown probabilities format '%s'; expected csv, jsonl, npy or auto", name);
}

int chorus_probs_write(const chorus_probs *probs, const char *path, chorus_probs_format format)
{
    const int32_t k = chorus_probs_n_classes(probs);
    const char **names = malloc((size_t)k * sizeof *names);
    if (!names) return chorus_error_nomem();
    for (int32_t c = 0; c < k; c++)
        names[c] = chorus_probs_class_name(probs, c);
    /* The rows are not simply items 0..n-1 when they have ids or names: a .npy says which
     * items they are in its items file. */
    const chorus_probs_layout layout = {
        chorus_probs_n_items(probs), k, names, chorus_probs_covered(probs) != NULL,
        chorus_probs_item_ids(probs) || chorus_probs_has_item_names(probs)};
    chorus_probs_writer *writer;
    int rc = chorus_probs_writer_open(&writer, path, format, &layout);
    free(names);
    if (rc) return rc;
    if ((rc = chorus_probs_writer_add(writer, probs))) {
        chorus_probs_writer_abort(writer);
        return rc;
    }
    return chorus_probs_writer_commit(writer);
}

int chorus_probs_read(chorus_probs **out, const char *path, chorus_probs_format format)
{
    *out = NULL;
    if (format == CHORUS_PROBS_AUTO) format = chorus_probs_format_from_path(path);
    switch (format) {
    case CHORUS_PROBS_NPY:
        return chorus_probs_read_npy_with_items(out, path);
    case CHORUS_PROBS_JSONL:
        return chorus_probs_read_jsonl(out, path);
    default:
        return chorus_probs_read_csv(out, path);
    }
}
