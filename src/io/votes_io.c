/* Picking a vote-matrix format from a file name or option, and dispatching to its reader. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "io/read_options.h"

int chorus_read_options_resolve(chorus_read_options *out, const chorus_read_options *opts)
{
    const chorus_read_options defaults = CHORUS_READ_OPTIONS_INIT;
    *out = defaults;
    if (opts) {
        if (opts->version < 1 || opts->version > CHORUS_READ_OPTIONS_VERSION)
            return chorus_error_set(CHORUS_EINVAL,
                                    "chorus_read_options version %u is not 1..%d (initialise "
                                    "it with CHORUS_READ_OPTIONS_INIT)",
                                    opts->version, CHORUS_READ_OPTIONS_VERSION);
        /* Version 1 callers' structs end at use_mmap. */
        out->format = opts->format;
        out->n_classes = opts->n_classes;
        out->n_items = opts->n_items;
        out->n_lfs = opts->n_lfs;
        out->verify_checksum = opts->verify_checksum;
        out->use_mmap = opts->use_mmap;
        if (opts->version >= 2) {
            out->duplicates = opts->duplicates;
            out->class_names = opts->class_names;
            out->header = opts->header;
            out->abstain_value = opts->abstain_value;
        }
    }
    if (out->n_classes < 0 || out->n_classes == 1 || out->n_classes > CHORUS_MAX_CLASSES)
        return chorus_error_set(CHORUS_EINVAL,
                                "n_classes must be 0 (from the data) or 2..%d, got %" PRId32,
                                CHORUS_MAX_CLASSES, out->n_classes);
    if (out->header != CHORUS_HEADER_AUTO && out->header != CHORUS_HEADER_YES &&
        out->header != CHORUS_HEADER_NO)
        return chorus_error_set(CHORUS_EINVAL, "unknown CSV header setting %d", (int)out->header);
    if (out->abstain_value < CHORUS_ABSTAIN || out->abstain_value > CHORUS_MAX_CLASSES)
        return chorus_error_set(CHORUS_EINVAL, "the abstain value must be in -1..%d, got %" PRId32,
                                CHORUS_MAX_CLASSES, out->abstain_value);
    return CHORUS_OK;
}

void chorus_vote_expected(char *buf, size_t cap, int32_t abstain, int32_t max_class)
{
    if (abstain == CHORUS_ABSTAIN)
        snprintf(buf, cap, "-1 (abstain) or a class in 0..%" PRId32, max_class);
    else
        snprintf(buf, cap,
                 "-1 or %" PRId32 " (abstain) or a class value in %" PRId32 "..%" PRId32
                 " (classes 0..%" PRId32 ")",
                 abstain, abstain + 1, abstain + 1 + max_class, max_class);
}

chorus_votes_format chorus_format_from_path(const char *path)
{
    if (chorus_path_has_suffix(path, ".chv")) return CHORUS_FORMAT_CHV;
    if (chorus_path_has_suffix(path, ".npy")) return CHORUS_FORMAT_NPY;
    if (chorus_path_has_suffix(path, ".json")) return CHORUS_FORMAT_WRENCH;
    return CHORUS_FORMAT_CSV;
}

static const char *const format_names[] = {"auto", "csv", "triples", "npy", "chv", "wrench"};

int chorus_format_parse(chorus_votes_format *out, const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *out = (chorus_votes_format)i;
            return CHORUS_OK;
        }
    return chorus_error_set(
        CHORUS_EINVAL, "unknown vote format '%s'; expected csv, triples, npy, chv, wrench or auto",
        name);
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
    case CHORUS_FORMAT_WRENCH:
        return chorus_votes_read_wrench(out, path, opts);
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
    case CHORUS_FORMAT_WRENCH:
        return chorus_error_set(CHORUS_EINVAL,
                                "%s: chorus reads WRENCH's .json files but does not write them; "
                                "write csv, triples, npy or chv",
                                path);
    default:
        return chorus_error_set(CHORUS_EINVAL, "unknown vote format %d", (int)format);
    }
}
