/*
 * WRENCH's dataset files (train.json, valid.json, test.json): one JSON object whose keys
 * are the item ids and whose values are objects with "weak_labels" (one vote per LF, -1
 * abstains), "label" (the gold class, where known) and "data" (the item itself, not read
 * here). A label.json beside the file names the classes: {"0": "ham", "1": "spam"}.
 * JSON keeps no line numbers once parsed, so errors name the item by its id.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chorus/io.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "io/csr_builder.h"
#include "io/read_options.h"
#include "io/wrench_json.h"

#define WRENCH_SHAPE                                                                               \
    "a JSON object of items, {\"<id>\": {\"weak_labels\": [one vote per LF, -1 abstains], "        \
    "\"label\": <class>}, ...} as WRENCH writes them"

/* The whole file, parsed; CHORUS_EFORMAT with the line and column of a syntax error. */
static int load(json_t **out, const char *path, const char *expected)
{
    *out = NULL;
    int rc = chorus_path_check_regular(path, expected);
    if (rc) return rc;
    FILE *f = fopen(path, "rb");
    if (!f) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    json_error_t error;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &error);
    fclose(f);
    if (!root)
        return chorus_error_set(CHORUS_EFORMAT, "%s:%d:%d: %s; expected %s", path, error.line,
                                error.column, error.text, expected);
    *out = root;
    return CHORUS_OK;
}

/* The path of label.json in the folder of `path` (malloc'd). */
static char *label_file_beside(const char *path)
{
    const char *slash = strrchr(path, '/');
    const size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    char *out = malloc(dir + sizeof "label.json");
    if (!out) return NULL;
    memcpy(out, path, dir);
    memcpy(out + dir, "label.json", sizeof "label.json");
    return out;
}

void chorus_wrench_classes_free(chorus_wrench_classes *c)
{
    for (int32_t k = 0; c->names && k < c->n; k++)
        free(c->names[k]);
    free(c->names);
    c->names = NULL;
    c->n = 0;
}

int chorus_wrench_classes_read(chorus_wrench_classes *out, const char *path)
{
    memset(out, 0, sizeof *out);
    char *file = label_file_beside(path);
    if (!file) return chorus_error_nomem();
    /* Only whether it exists: load() refuses a FIFO or device before it would open one. */
    struct stat st;
    if (stat(file, &st) != 0) {
        free(file);
        return CHORUS_OK;
    }
    static const char shape[] = "WRENCH's class names, {\"0\": \"<name>\", \"1\": ...}";
    json_t *root = NULL;
    int rc = load(&root, file, shape);
    const size_t n = json_is_object(root) ? json_object_size(root) : 0;
    if (!rc && (n < 2 || n > CHORUS_MAX_CLASSES))
        rc = chorus_error_set(CHORUS_EFORMAT, "%s: expected %s with 2 to %d classes", file, shape,
                              CHORUS_MAX_CLASSES);
    if (!rc && !(out->names = calloc(n, sizeof *out->names))) rc = chorus_error_nomem();
    if (!rc) out->n = (int32_t)n;
    for (int32_t k = 0; !rc && k < out->n; k++) {
        char key[16];
        snprintf(key, sizeof key, "%" PRId32, k);
        const char *name = json_string_value(json_object_get(root, key));
        if (!name || !*name)
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: class \"%s\": expected a class name (a non-empty string) "
                                  "for every index 0..%" PRId32 " (%s)",
                                  file, key, out->n - 1, shape);
        else if (!(out->names[k] = strdup(name)))
            rc = chorus_error_nomem();
    }
    json_decref(root);
    free(file);
    if (rc) chorus_wrench_classes_free(out);
    return rc;
}

/* The item objects of a loaded file, checked to be an object of objects. */
static int check_items(json_t *root, const char *path)
{
    if (!json_is_object(root) || json_object_size(root) == 0)
        return chorus_error_set(CHORUS_EFORMAT, "%s: expected %s", path, WRENCH_SHAPE);
    for (void *it = json_object_iter(root); it; it = json_object_iter_next(root, it))
        if (!json_is_object(json_object_iter_value(it)))
            return chorus_error_set(CHORUS_EFORMAT, "%s: item \"%.80s\": expected an object (%s)",
                                    path, json_object_iter_key(it), WRENCH_SHAPE);
    return CHORUS_OK;
}

/* Adds the votes of one item's "weak_labels" to b; m is the number every item must have. */
static int add_item_votes(chorus_csr_builder *b, json_t *weak, const char *path, const char *id,
                          size_t m, const char *first_id, int32_t abstain, int32_t max_class)
{
    if (!json_is_array(weak))
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item \"%.80s\": expected \"weak_labels\", an array with "
                                "one vote per labeling function (-1 abstains)",
                                path, id);
    if (json_array_size(weak) != m)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: item \"%.80s\": %zu vote%s in \"weak_labels\", expected "
                                "%zu as in item \"%.80s\" (one per labeling function)",
                                path, id, json_array_size(weak),
                                json_array_size(weak) == 1 ? "" : "s", m, first_id);
    for (size_t j = 0; j < m; j++) {
        json_t *x = json_array_get(weak, j);
        int32_t vote;
        if (!json_is_integer(x) ||
            chorus_vote_from_value(json_integer_value(x), abstain, max_class, &vote) != 0) {
            char expected[160];
            chorus_vote_expected(expected, sizeof expected, abstain, max_class);
            char *text = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
            int rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s: item \"%.80s\": \"weak_labels\"[%zu]: %.40s is not a "
                                      "vote; expected %s",
                                      path, id, j, text ? text : "the value", expected);
            free(text);
            return rc;
        }
        if (vote != CHORUS_ABSTAIN) {
            int rc = chorus_csr_builder_add(b, (int32_t)j, vote);
            if (rc) return rc;
        }
    }
    return chorus_csr_builder_end_row(b);
}

/* Names the classes and items of a matrix just built from the file; a name the matrix
 * cannot keep (a control character in an id, say) is CHORUS_EFORMAT naming the file. */
static int name_votes(chorus_votes *v, json_t *root, const chorus_wrench_classes *classes,
                      const char *path)
{
    int rc = CHORUS_OK;
    for (int32_t k = 0; !rc && k < classes->n; k++)
        if ((rc = chorus_votes_set_class_name(v, k, classes->names[k])) == CHORUS_EINVAL) {
            chorus_error_wrap("%s: label.json beside it: class %" PRId32 ": ", path, k);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
    int64_t i = 0;
    for (void *it = json_object_iter(root); it && !rc; it = json_object_iter_next(root, it))
        if ((rc = chorus_votes_set_item_name(v, i++, json_object_iter_key(it))) == CHORUS_EINVAL) {
            chorus_error_wrap("%s: item %" PRId64 " (counting from 0): ", path, i - 1);
            return chorus_error_recode(CHORUS_EFORMAT);
        }
    return rc;
}

int chorus_votes_read_wrench(chorus_votes **out, const char *path, const chorus_read_options *opts)
{
    *out = NULL;
    chorus_read_options o;
    int rc = chorus_read_options_resolve(&o, opts);
    if (rc) return rc;
    chorus_wrench_classes classes;
    if ((rc = chorus_wrench_classes_read(&classes, path))) return rc;
    if (classes.n && o.n_classes && o.n_classes != classes.n) {
        rc = chorus_error_set(CHORUS_EINVAL,
                              "%s: label.json beside it names %" PRId32 " classes, but %" PRId32
                              " were asked for",
                              path, classes.n, o.n_classes);
        chorus_wrench_classes_free(&classes);
        return rc;
    }
    const int32_t n_classes = classes.n ? classes.n : o.n_classes;
    const int32_t max_class = n_classes > 0 ? n_classes - 1 : CHORUS_MAX_CLASSES - 1;
    json_t *root = NULL;
    chorus_csr_builder b;
    chorus_votes *votes = NULL;
    if ((rc = chorus_csr_builder_init(&b))) {
        chorus_wrench_classes_free(&classes);
        return rc;
    }
    rc = load(&root, path, WRENCH_SHAPE);
    if (!rc) rc = check_items(root, path);
    size_t m = 0;
    const char *first_id = NULL;
    for (void *it = rc ? NULL : json_object_iter(root); it; it = json_object_iter_next(root, it)) {
        const char *id = json_object_iter_key(it);
        json_t *weak = json_object_get(json_object_iter_value(it), "weak_labels");
        if (!first_id) {
            first_id = id;
            m = json_is_array(weak) ? json_array_size(weak) : 0;
            if (json_is_array(weak) && (m == 0 || m > CHORUS_CSV_MAX_LFS)) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s: item \"%.80s\": %zu votes in \"weak_labels\"; "
                                      "expected 1 to %d (one per labeling function)",
                                      path, id, m, CHORUS_CSV_MAX_LFS);
                break;
            }
        }
        if ((rc = add_item_votes(&b, weak, path, id, m, first_id, o.abstain_value, max_class)))
            break;
    }
    if (!rc) rc = chorus_csr_builder_finish(&b, &votes, (int32_t)m, n_classes);
    if (!rc) rc = name_votes(votes, root, &classes, path);
    chorus_csr_builder_free(&b);
    json_decref(root);
    chorus_wrench_classes_free(&classes);
    if (rc) {
        chorus_votes_free(votes);
        return rc;
    }
    *out = votes;
    return CHORUS_OK;
}

int chorus_wrench_read_gold(int32_t **out, int64_t *out_n, const char *path, int32_t n_classes)
{
    *out = NULL;
    *out_n = 0;
    json_t *root = NULL;
    int rc = load(&root, path, WRENCH_SHAPE);
    if (!rc) rc = check_items(root, path);
    const size_t n = rc ? 0 : json_object_size(root);
    int32_t *gold = rc ? NULL : malloc(n * sizeof *gold);
    if (!rc && !gold) rc = chorus_error_nomem();
    const int64_t max = n_classes > 0 ? n_classes - 1 : CHORUS_MAX_CLASSES - 1;
    size_t i = 0;
    for (void *it = rc ? NULL : json_object_iter(root); it; it = json_object_iter_next(root, it)) {
        const char *id = json_object_iter_key(it);
        json_t *item = json_object_iter_value(it);
        json_t *label = json_object_get(item, "label");
        if (!label || json_is_null(label)) {
            gold[i++] = -1;
            continue;
        }
        if (!json_is_integer(label) || json_integer_value(label) < -1 ||
            json_integer_value(label) > max) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: item \"%.80s\": \"label\" is not a gold label; "
                                  "expected -1 or null (unknown) or a class in 0..%" PRId64,
                                  path, id, max);
            break;
        }
        gold[i++] = (int32_t)json_integer_value(label);
    }
    json_decref(root);
    if (rc) {
        free(gold);
        return rc;
    }
    *out = gold;
    *out_n = (int64_t)n;
    return CHORUS_OK;
}
