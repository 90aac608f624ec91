/* The table of labeling platforms, and the export of pre-annotations to one of them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/eval.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "data/platform_internal.h"
#include "io/name_table.h"

static const platform_ops *const platforms[] = {
    [CHORUS_PLATFORM_LABEL_STUDIO] = &chorus_platform_label_studio,
    [CHORUS_PLATFORM_ARGILLA] = &chorus_platform_argilla,
    [CHORUS_PLATFORM_PRODIGY] = &chorus_platform_prodigy,
};

enum { N_PLATFORMS = sizeof platforms / sizeof *platforms };

/* Scores keep 15 significant digits: "0.93", not jansson's 17-digit "0.93000000000000005". */
#define PLATFORM_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

const platform_ops *chorus_platform_ops(chorus_platform platform)
{
    return (unsigned)platform < N_PLATFORMS ? platforms[platform] : NULL;
}

int chorus_platform_parse(chorus_platform *out, const char *name)
{
    for (int i = 0; i < N_PLATFORMS; i++)
        if (name && strcmp(name, platforms[i]->name) == 0) {
            *out = (chorus_platform)i;
            return CHORUS_OK;
        }
    return chorus_error_set(CHORUS_EINVAL,
                            "unknown labeling platform '%s'; expected label-studio, argilla or "
                            "prodigy",
                            name ? name : "");
}

const char *chorus_platform_name(chorus_platform platform)
{
    const platform_ops *ops = chorus_platform_ops(platform);
    return ops ? ops->name : "unknown";
}

const char *chorus_platform_from_name(const chorus_platform_options *opts)
{
    return opts && opts->from_name && *opts->from_name ? opts->from_name : "label";
}

const char *chorus_platform_to_name(const chorus_platform_options *opts)
{
    return opts && opts->to_name && *opts->to_name ? opts->to_name : "text";
}

const json_t *chorus_platform_get(const json_t *obj, const char *key)
{
    return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

int chorus_platform_task_item(platform_votes *votes, const json_t *obj, const char *what,
                              const char *where, int64_t *item)
{
    const json_t *id = chorus_platform_get(obj, PLATFORM_ITEM_KEY);
    if (!id)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: no \"" PLATFORM_ITEM_KEY "\" in %s; the task was not "
                                "exported by chorus export, or its id was removed",
                                where, what);
    return chorus_platform_votes_item(votes, id, where, item);
}

/* The dataset fields to export: the options' list, or every field. */
static int export_fields(int32_t **out, int32_t *n_out, const chorus_dataset *data,
                         const chorus_platform_options *opts)
{
    int32_t n = opts && opts->text_fields ? opts->n_text_fields : chorus_dataset_n_fields(data);
    int32_t *fields = malloc((size_t)(n > 0 ? n : 1) * sizeof *fields);
    if (!fields) return chorus_error_nomem();
    for (int32_t i = 0; i < n; i++) {
        if (!(opts && opts->text_fields)) {
            fields[i] = i;
            continue;
        }
        fields[i] = chorus_dataset_find_field(data, opts->text_fields[i]);
        if (fields[i] < 0) {
            free(fields);
            return chorus_error_set(CHORUS_EINVAL, "the data has no field '%s'",
                                    opts->text_fields[i]);
        }
    }
    *out = fields;
    *n_out = n;
    return CHORUS_OK;
}

/* id field value -> record, so each row of the probabilities finds its record. */
static int index_ids(chorus_name_table *ids, const chorus_dataset *data, int32_t id_field,
                     const char *id_name)
{
    for (int64_t r = 0; r < chorus_dataset_n_records(data); r++) {
        size_t len = 0;
        const char *v = chorus_dataset_value(data, r, id_field, &len);
        if (!v || len == 0)
            return chorus_error_set(CHORUS_EINVAL,
                                    "data line %" PRId64 ": no value for the id "
                                    "field '%s'",
                                    chorus_dataset_source_line(data, r), id_name);
        int64_t index;
        int rc = chorus_name_table_add(ids, v, len, r, &index);
        if (rc) return rc;
        if (index != r)
            return chorus_error_set(CHORUS_EINVAL,
                                    "data lines %" PRId64 " and %" PRId64 ": the id field '%s' "
                                    "has the value '%s' twice",
                                    chorus_dataset_source_line(data, ids->first_line[index]),
                                    chorus_dataset_source_line(data, r), id_name, v);
    }
    return CHORUS_OK;
}

/* The record and the exported id of row `row` of the probabilities. */
static int find_record(int64_t *record, json_t **id, const chorus_probs *probs, int64_t row,
                       const chorus_dataset *data, const chorus_name_table *ids)
{
    const char *name = chorus_probs_item_name(probs, row);
    char number[32];
    if (!name) {
        snprintf(number, sizeof number, "%" PRId64, chorus_probs_item_id(probs, row));
        name = number;
    }
    if (ids->n_slots) {
        int64_t r = chorus_name_table_find(ids, name);
        if (r < 0)
            return chorus_error_set(CHORUS_EINVAL,
                                    "row %" PRId64 " of the probabilities: item '%s' is not in "
                                    "the data's id field",
                                    row, name);
        *record = r;
        *id = json_string(name);
    } else {
        int64_t item = chorus_probs_item_id(probs, row);
        if (chorus_probs_item_name(probs, row))
            return chorus_error_set(CHORUS_EINVAL,
                                    "the probabilities name their items (row %" PRId64 ": '%s'); "
                                    "give the data field that holds them (--id FIELD)",
                                    row, name);
        if (item >= chorus_dataset_n_records(data))
            return chorus_error_set(CHORUS_EINVAL,
                                    "row %" PRId64 " of the probabilities: item %" PRId64
                                    " is beyond the data's %" PRId64 " records",
                                    row, item, chorus_dataset_n_records(data));
        *record = item;
        *id = json_integer(item);
    }
    return *id ? CHORUS_OK : chorus_error_nomem();
}

/* The text fields of one record as a JSON object. */
static json_t *record_fields(const chorus_dataset *data, int64_t record, const int32_t *fields,
                             int32_t n_fields)
{
    json_t *obj = json_object();
    for (int32_t i = 0; obj && i < n_fields; i++) {
        size_t len = 0;
        const char *v = chorus_dataset_value(data, record, fields[i], &len);
        json_t *value = v ? json_stringn(v, len) : json_null();
        if (!value ||
            json_object_set_new(obj, chorus_dataset_field_name(data, fields[i]), value) != 0) {
            json_decref(obj);
            obj = NULL;
        }
    }
    return obj;
}

static int write_task(FILE *fp, const json_t *task, const platform_ops *ops, int64_t row)
{
    if (!ops->jsonl) fputs(row == 0 ? "[\n" : ",\n", fp);
    if (json_dumpf(task, fp, PLATFORM_JSON_FLAGS) != 0) return -1;
    if (ops->jsonl) fputc('\n', fp);
    return 0;
}

int chorus_platform_export(const chorus_probs *probs, const chorus_dataset *data, const char *path,
                           chorus_platform platform, const chorus_platform_options *opts)
{
    const platform_ops *ops = chorus_platform_ops(platform);
    if (!ops) return chorus_error_set(CHORUS_EINVAL, "unknown labeling platform %d", platform);
    if (!probs || !data || !path)
        return chorus_error_set(CHORUS_EINVAL, "chorus_platform_export: NULL argument");
    int64_t n_rows = chorus_probs_n_items(probs);
    int32_t n_classes = chorus_probs_n_classes(probs), n_fields = 0;
    const double *p = chorus_probs_const_data(probs);
    int32_t *fields = NULL, *labels = NULL;
    chorus_name_table ids;
    chorus_name_table_init(&ids, 0);
    chorus_atomic_file out = {0};
    int opened = 0, rc = export_fields(&fields, &n_fields, data, opts);
    if (rc) goto done;
    if (opts && opts->id_field) {
        int32_t id_field = chorus_dataset_find_field(data, opts->id_field);
        if (id_field < 0) {
            rc = chorus_error_set(CHORUS_EINVAL, "the data has no id field '%s'", opts->id_field);
            goto done;
        }
        if ((rc = index_ids(&ids, data, id_field, opts->id_field))) goto done;
    }
    labels = malloc((size_t)(n_rows > 0 ? n_rows : 1) * sizeof *labels);
    if (!labels) {
        rc = chorus_error_nomem();
        goto done;
    }
    if ((rc = chorus_probs_to_labels(labels, probs, CHORUS_TIE_BREAK_HASH))) goto done;
    if ((rc = chorus_atomic_open(&out, path))) goto done;
    opened = 1;
    for (int64_t row = 0; row < n_rows; row++) {
        platform_item item = {0};
        int64_t record = 0;
        if ((rc = find_record(&record, &item.id, probs, row, data, &ids))) goto done;
        item.fields = record_fields(data, record, fields, n_fields);
        item.first = n_fields ? chorus_dataset_field_name(data, fields[0]) : NULL;
        item.label = chorus_probs_class_name(probs, labels[row]);
        item.score = p[row * n_classes + labels[row]];
        json_t *task = item.fields ? ops->task(&item, opts) : NULL;
        json_decref(item.id);
        json_decref(item.fields);
        if (!task) {
            rc = chorus_error_nomem();
            goto done;
        }
        int failed = write_task(out.fp, task, ops, row);
        json_decref(task);
        if (failed) {
            rc = chorus_error_set(CHORUS_EWRITE, "%s: write failed", path);
            goto done;
        }
    }
    if (!ops->jsonl) fputs(n_rows ? "\n]\n" : "[]\n", out.fp);
    opened = 0;
    rc = chorus_atomic_commit(&out);
done:
    if (opened) chorus_atomic_abort(&out);
    chorus_name_table_free(&ids);
    free(fields);
    free(labels);
    return rc;
}
