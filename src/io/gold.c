/* Gold labels: one integer per line, -1 where the true class is unknown. */
#include <inttypes.h>
#include <stdlib.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "io/text_reader.h"

int chorus_gold_read(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes)
{
    *out = NULL;
    *out_n = 0;
    chorus_text_reader reader;
    int32_t *gold = NULL;
    int64_t n = 0, cap = 0;
    int64_t max = n_classes > 0 ? n_classes - 1 : 65534;
    char *line;
    size_t len;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        int64_t y;
        if (chorus_parse_int64(line, len, -1, max, &y) != 0) {
            /* A trailing blank line is a common artefact of editors, not an item. */
            if (len == 0) {
                int more = chorus_text_reader_next(&reader, &line, &len);
                if (more == 0) break;
                if (more < 0) {
                    rc = more;
                    goto done;
                }
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%" PRId64 ": empty line; expected one gold label per "
                                      "line (-1 for unknown)",
                                      path, reader.line_no - 1);
                goto done;
            }
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": '%.*s' is not a gold label; expected -1 "
                                  "(unknown) or a class in 0..%" PRId64,
                                  path, reader.line_no, (int)(len > 40 ? 40 : len), line, max);
            goto done;
        }
        if (n == cap) {
            int64_t cap2 = cap ? cap * 2 : 4096;
            int32_t *g = realloc(gold, (size_t)cap2 * sizeof *g);
            if (!g) {
                rc = chorus_error_nomem();
                goto done;
            }
            gold = g;
            cap = cap2;
        }
        gold[n++] = (int32_t)y;
    }
    if (rc < 0) goto done;
    if (n == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: the file is empty; expected one gold label per line", path);
        goto done;
    }
    rc = CHORUS_OK;
done:
    chorus_text_reader_close(&reader);
    if (rc) {
        free(gold);
        return rc;
    }
    *out = gold;
    *out_n = n;
    return CHORUS_OK;
}

int chorus_gold_write(const int32_t *gold, int64_t n, const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    for (int64_t i = 0; i < n; i++)
        fprintf(file.fp, "%" PRId32 "\n", gold[i]);
    return chorus_atomic_commit(&file);
}
