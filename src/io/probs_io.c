/* Reading and writing probabilistic labels: the format from the name, then CSV, JSONL or .npy. */
#include <string.h>

#include "chorus/probs.h"
#include "core/atomic_file.h"
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
    if (format == CHORUS_PROBS_AUTO) format = chorus_probs_format_from_path(path);
    if (format == CHORUS_PROBS_NPY) return chorus_probs_write_npy_with_items(probs, path);
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    rc = format == CHORUS_PROBS_JSONL ? chorus_probs_write_jsonl(probs, file.fp)
                                      : chorus_probs_write_csv(probs, file.fp);
    if (rc) {
        chorus_atomic_abort(&file);
        return rc;
    }
    return chorus_atomic_commit(&file);
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
