/*
 * Gold labels: one per line, -1 where the true class is unknown; a class index (also
 * written as a float with an integral value, as np.savetxt writes it) or a class name.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "chorus/parse.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "io/text_reader.h"
#include "io/wrench_json.h"

/* Without a class count, labels up to the largest a vote matrix can have. */
#define MAX_CLASS (CHORUS_MAX_CLASSES - 1)

static int parse_index(const char *text, size_t len, int64_t max, int64_t *out)
{
    if (chorus_parse_int64(text, len, -1, max, out) == 0) return 0;
    double x;
    if (chorus_parse_double(text, len, &x) != 0 || x != floor(x) || x < -1 || x > (double)max)
        return -1;
    *out = (int64_t)x;
    return 0;
}

static int64_t find_name(const char *text, size_t len, int32_t n_classes,
                         const char *const *class_names)
{
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    for (int32_t k = 0; class_names && k < n_classes; k++)
        if (strlen(class_names[k]) == len && memcmp(class_names[k], text, len) == 0) return k;
    return -1;
}

int chorus_gold_parse(int32_t *out, const char *text, size_t len, int32_t n_classes,
                      const char *const *class_names)
{
    int64_t index = -2;
    int is_index = parse_index(text, len, n_classes > 0 ? n_classes - 1 : MAX_CLASS, &index) == 0;
    int64_t named = find_name(text, len, n_classes, class_names);
    if (is_index && named >= 0 && named != index) return -1;
    if (!is_index && named < 0) return -1;
    *out = (int32_t)(is_index ? index : named);
    return 0;
}

int chorus_gold_describe(char *buf, size_t size, const char *text, size_t len, int32_t n_classes,
                         const char *const *class_names)
{
    const int shown = (int)(len > 40 ? 40 : len);
    int64_t index = -2;
    int is_index = parse_index(text, len, n_classes > 0 ? n_classes - 1 : MAX_CLASS, &index) == 0;
    int64_t named = find_name(text, len, n_classes, class_names);
    if (is_index && named >= 0 && named != index)
        return snprintf(buf, size,
                        "'%.*s' names class %" PRId64 " but is the index of class %" PRId64
                        " ('%s'); write the class by its name or its index, not both",
                        shown, text, named, index, class_names[index]);
    int n = snprintf(buf, size,
                     "'%.*s' is not a gold label; expected -1 (unknown) or a class in 0..%" PRId32,
                     shown, text, n_classes > 0 ? n_classes - 1 : MAX_CLASS);
    /* Names that only repeat the indices ("0", "1", ...) are not worth listing. */
    int listed = 0;
    for (int32_t k = 0; class_names && k < n_classes && !listed; k++) {
        char index_text[16];
        snprintf(index_text, sizeof index_text, "%" PRId32, k);
        listed = strcmp(class_names[k], index_text) != 0;
    }
    for (int32_t k = 0; listed && k < n_classes && n >= 0 && (size_t)n < size; k++)
        n += snprintf(buf + n, size - (size_t)n, "%s%s",
                      k ? ", " : " or a class name: ", class_names[k]);
    return n;
}

int chorus_gold_read_named(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes,
                           const char *const *class_names)
{
    *out = NULL;
    *out_n = 0;
    chorus_text_reader reader;
    int32_t *gold = NULL;
    int64_t n = 0, cap = 0;
    char *line;
    size_t len;
    if (chorus_path_has_suffix(path, ".json"))
        return chorus_wrench_read_gold(out, out_n, path, n_classes);
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        int32_t y;
        if (chorus_gold_parse(&y, line, len, n_classes, class_names) != 0) {
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
            char what[512];
            chorus_gold_describe(what, sizeof what, line, len, n_classes, class_names);
            rc = chorus_error_set(CHORUS_EFORMAT, "%s:%" PRId64 ": %s", path, reader.line_no, what);
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
        gold[n++] = y;
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

int chorus_gold_read(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes)
{
    return chorus_gold_read_named(out, out_n, path, n_classes, NULL);
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
