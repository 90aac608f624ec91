/* Picking a vote-matrix format from a file name or option, and dispatching to its reader. */
#include <string.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "core/path.h"

chorus_votes_format chorus_format_from_path(const char *path)
{
    if (chorus_path_has_suffix(path, ".chv")) return CHORUS_FORMAT_CHV;
    if (chorus_path_has_suffix(path, ".npy")) return CHORUS_FORMAT_NPY;
    return CHORUS_FORMAT_CSV;
}

static const char *const format_names[] = {"auto", "csv", "triples", "npy", "chv"};

int chorus_format_parse(chorus_votes_format *out, const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *out = (chorus_votes_format)i;
            return CHORUS_OK;
        }
    return chorus_error_set(
        CHORUS_EINVAL, "unknown vote format '%s'; expected csv, triples, npy, chv or auto", name);
}

const char *chorus_format_name(chorus_votes_format format)
{
    return (unsigned)format < sizeof format_names / sizeof *format_names ? format_names[format]
                                                                         : "?";
}

int chorus_votes_read(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options defaults = CHORUS_READ_OPTIONS_INIT;
    if (!opts) opts = &defaults;
    chorus_votes_format format = opts->format;
    if (format == CHORUS_FORMAT_AUTO) format = chorus_format_from_path(path);
    switch (format) {
    case CHORUS_FORMAT_CSV:
        /* The dense reader hands triples files (sniffed from the header) on. */
        return chorus_votes_read_csv(out, path, opts);
    case CHORUS_FORMAT_TRIPLES:
        return chorus_votes_read_triples(out, path, opts);
    case CHORUS_FORMAT_NPY:
        return chorus_votes_read_npy(out, path, opts);
    case CHORUS_FORMAT_CHV:
        return chorus_votes_read_chv(out, path, opts);
    default:
        return chorus_error_set(CHORUS_EINVAL, "unknown vote format %d", (int)format);
    }
}

int chorus_votes_write(const chorus_votes *votes, const char *path, chorus_votes_format format)
{
    if (format == CHORUS_FORMAT_AUTO) format = chorus_format_from_path(path);
    switch (format) {
    case CHORUS_FORMAT_CSV:
        return chorus_votes_write_csv(votes, path);
    case CHORUS_FORMAT_TRIPLES:
        return chorus_votes_write_triples(votes, path);
    case CHORUS_FORMAT_NPY:
        return chorus_votes_write_npy(votes, path);
    case CHORUS_FORMAT_CHV:
        return chorus_votes_write_chv(votes, path);
    default:
        return chorus_error_set(CHORUS_EINVAL, "unknown vote format %d", (int)format);
    }
}
