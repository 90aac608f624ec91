/*
 * The items file beside a .npy of probabilities. A .npy holds the matrix and nothing
 * else, so when its rows are not simply items 0..n-1 (uncovered rows were dropped, or the
 * items have names such as data ids) the rows' items, and whether each is covered, go to
 * probs.items.csv: "item,covered", the item's name or else its id.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "io/csv_fields.h"
#include "io/npy_format.h"
#include "io/probs_formats.h"
#include "io/probs_rows.h"
#include "io/text_reader.h"

int chorus_probs_items_path(char **out, const char *npy_path)
{
    *out = NULL;
    size_t len = strlen(npy_path);
    if (chorus_path_has_suffix(npy_path, ".npy")) len -= 4;
    char *path = malloc(len + sizeof ".items.csv");
    if (!path) return chorus_error_nomem();
    memcpy(path, npy_path, len);
    memcpy(path + len, ".items.csv", sizeof ".items.csv");
    *out = path;
    return CHORUS_OK;
}

void chorus_probs_write_items_rows(const chorus_probs *probs, FILE *fp)
{
    const uint8_t *covered = chorus_probs_covered(probs);
    for (int64_t i = 0; i < chorus_probs_n_items(probs); i++) {
        if (chorus_probs_item_name(probs, i))
            chorus_csv_write_field(fp, chorus_probs_item_name(probs, i));
        else
            fprintf(fp, "%" PRId64, chorus_probs_item_id(probs, i));
        fputs(!covered ? "\n" : covered[i] ? ",1\n" : ",0\n", fp);
    }
}

int chorus_probs_write_items(const chorus_probs *probs, const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    fputs(chorus_probs_covered(probs) ? "item,covered\n" : "item\n", file.fp);
    chorus_probs_write_items_rows(probs, file.fp);
    return chorus_atomic_commit(&file);
}

static int read_row(const chorus_csv_fields *fields, chorus_probs_rows *r, const char *path,
                    int64_t line)
{
    const size_t width = r->has_covered ? 2 : 1;
    if (fields->count != width)
        return chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": %zu fields, expected %zu (%s)",
                                path, line, fields->count, width,
                                r->has_covered ? "item,covered" : "item");
    double *unused;
    int rc = chorus_probs_rows_add(r, &unused);
    if (rc) return rc;
    const chorus_csv_field *f = &fields->fields[0];
    if (f->len == 0 || memchr(f->text, '\0', f->len))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": column 1 (item) is empty; expected the item's "
                                "id (an integer >= 0) or name",
                                path, line);
    /* Integers are ids (in increasing order, checked at the end), anything else names. */
    if ((rc = chorus_probs_rows_set_item(r, f->text, f->len, line))) return rc;
    if (!r->has_covered) return CHORUS_OK;
    int64_t value;
    f = &fields->fields[1];
    if (chorus_parse_int64(f->text, f->len, 0, 1, &value) != 0)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": column 2 (covered): '%.*s' is neither 1 (some "
                                "labeling function voted) nor 0",
                                path, line, (int)(f->len > 40 ? 40 : f->len), f->text);
    r->covered[r->n - 1] = (uint8_t)value;
    return CHORUS_OK;
}

int chorus_probs_read_items(chorus_probs *probs, const char *path)
{
    chorus_text_reader reader;
    chorus_csv_fields fields = {0};
    chorus_probs_rows r = {0};
    char *line;
    size_t len;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    rc = chorus_text_reader_header(&reader, &line, &len, "a header \"item,covered\"");
    if (rc) goto done;
    r.has_ids = true;
    r.has_covered = strcmp(line, "item,covered") == 0;
    if (!r.has_covered && strcmp(line, "item") != 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:1: expected a header \"item,covered\" or \"item\"", path);
        goto done;
    }
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        if (len == 0) continue;
        rc = chorus_csv_split_line(&fields, line, len, path, reader.line_no);
        if (!rc) rc = read_row(&fields, &r, path, reader.line_no);
        if (rc) goto done;
    }
    if (rc < 0) goto done;
    if ((rc = chorus_probs_rows_check_items(&r, path))) goto done;
    if (r.n != chorus_probs_n_items(probs)) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: %" PRId64 " items for %" PRId64 " rows of probabilities; it "
                              "must list the item of every row",
                              path, r.n, chorus_probs_n_items(probs));
        goto done;
    }
    rc = chorus_probs_rows_attach(probs, &r);
done:
    chorus_text_reader_close(&reader);
    chorus_csv_fields_free(&fields);
    chorus_probs_rows_free(&r);
    return rc;
}

int chorus_probs_read_npy_with_items(chorus_probs **out, const char *path)
{
    char *items;
    int rc = chorus_probs_items_path(&items, path);
    if (rc) return rc;
    rc = chorus_probs_read_npy(out, path);
    if (!rc && access(items, F_OK) == 0 && (rc = chorus_probs_read_items(*out, items))) {
        chorus_probs_free(*out);
        *out = NULL;
    }
    free(items);
    return rc;
}
