/* Dependency groups declared in a text file: one group per line, its LFs by name or index. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/error_internal.h"
#include "io/text_reader.h"

/* One line's members get group id `group`; CHORUS_EFORMAT naming the line if one is bad. */
static int read_line(int32_t *ids, char *line, int32_t group, const chorus_votes *votes,
                     const chorus_text_reader *reader)
{
    const int32_t m = chorus_votes_n_lfs(votes);
    int32_t members = 0;
    for (char *save = NULL, *tok = strtok_r(line, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t len = strlen(tok);
        while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
            tok[--len] = '\0';
        int32_t j = chorus_votes_find_lf(votes, tok);
        int64_t index;
        if (j < 0 && chorus_parse_int64(tok, len, 0, m - 1, &index) == 0) j = (int32_t)index;
        if (j < 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": no labeling function '%s' in the votes",
                                    reader->path, reader->line_no, tok);
        if (ids[j] >= 0)
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s:%" PRId64 ": labeling function '%s' is in two groups",
                                    reader->path, reader->line_no, tok);
        ids[j] = group;
        members++;
    }
    if (members < 2)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": a group needs 2 or more labeling functions",
                                reader->path, reader->line_no);
    return CHORUS_OK;
}

int chorus_groups_read(int32_t **out, const char *path, const chorus_votes *votes)
{
    *out = NULL;
    const int32_t m = chorus_votes_n_lfs(votes);
    int32_t *ids = malloc((size_t)(m ? m : 1) * sizeof *ids);
    if (!ids) return chorus_error_nomem();
    for (int32_t j = 0; j < m; j++)
        ids[j] = -1;
    chorus_text_reader reader;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) {
        free(ids);
        return rc;
    }
    char *line;
    size_t len;
    int32_t n = 0;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0 || line[0] == '#') continue;
        if ((rc = read_line(ids, line, n++, votes, &reader))) break;
    }
    chorus_text_reader_close(&reader);
    if (rc < 0) {
        free(ids);
        return rc;
    }
    *out = ids;
    return CHORUS_OK;
}
