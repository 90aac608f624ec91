/* Placeholder: replaced by the .npy reader/writer. */
#include "chorus/io.h"
#include "core/error_internal.h"

int chorus_votes_read_npy(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    (void)opts;
    *out = NULL;
    return chorus_error_set(CHORUS_EINTERNAL, "%s: .npy not implemented yet", path);
}

int chorus_votes_write_npy(const chorus_votes *votes, const char *path)
{
    (void)votes;
    return chorus_error_set(CHORUS_EINTERNAL, "%s: .npy not implemented yet", path);
}
