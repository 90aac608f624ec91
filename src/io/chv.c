/* Placeholder: replaced by the .chv reader/writer. */
#include "chorus/io.h"
#include "core/error_internal.h"

int chorus_votes_read_chv(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    (void)opts;
    *out = NULL;
    return chorus_error_set(CHORUS_EINTERNAL, "%s: .chv not implemented yet", path);
}

int chorus_votes_write_chv(const chorus_votes *votes, const char *path)
{
    (void)votes;
    return chorus_error_set(CHORUS_EINTERNAL, "%s: .chv not implemented yet", path);
}
