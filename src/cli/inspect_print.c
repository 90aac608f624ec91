/* chorus inspect's output: an item on a terminal or as a line of JSON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/inspect_print.h"

/* The item's name: the votes' item name, else the data's id field, else NULL (the row). */
static const char *item_name(const inspect_view *v, int64_t item)
{
    const char *name = chorus_votes_item_name(v->votes, item);
    if (name) return name;
    if (v->id_field >= 0) return chorus_dataset_value(v->data, item, v->id_field, NULL);
    return NULL;
}

/*
 * Writes text on one line: control characters (line breaks, tabs) as spaces, at most
 * max_chars characters (UTF-8 sequences counted once), then "…" if anything was cut.
 */
static void print_line_text(FILE *out, const char *text, size_t len, size_t max_chars)
{
    size_t chars = 0;
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)text[i];
        const int starts_char = (c & 0xC0) != 0x80;
        if (starts_char && chars++ == max_chars) {
            fputs("\xE2\x80\xA6", out);
            return;
        }
        fputc(c < 0x20 || c == 0x7F ? ' ' : c, out);
    }
}

int inspect_print_item(FILE *out, const inspect_view *v, int64_t item)
{
    const char *name = item_name(v, item);
    if (name)
        fprintf(out, "item %s (row %" PRId64 ")", name, item);
    else
        fprintf(out, "item %" PRId64, item);
    if (v->gold)
        fprintf(out, "  gold=%s",
                v->gold[item] >= 0 ? chorus_votes_class_name(v->votes, v->gold[item]) : "?");
    if (v->model_labels)
        fprintf(out, "  model=%s %.2f", chorus_votes_class_name(v->votes, v->model_labels[item]),
                v->confidence[item]);
    fputc('\n', out);
    for (int32_t f = 0; f < v->n_fields; f++) {
        size_t len = 0;
        const char *value = chorus_dataset_value(v->data, item, v->fields[f], &len);
        fprintf(out, "  %s: ", chorus_dataset_field_name(v->data, v->fields[f]));
        if (value)
            print_line_text(out, value, len, INSPECT_TEXT_CHARS);
        else
            fputs("(none)", out);
        fputc('\n', out);
    }
    const int64_t *row_ptr = chorus_votes_row_ptr(v->votes);
    const int32_t *lf = chorus_votes_lf_index(v->votes), *label = chorus_votes_labels(v->votes);
    fputs("  votes:", out);
    if (row_ptr[item] == row_ptr[item + 1]) fputs(" (none)", out);
    for (int64_t p = row_ptr[item]; p < row_ptr[item + 1]; p++)
        fprintf(out, " %s=%s", chorus_votes_lf_name(v->votes, lf[p]),
                chorus_votes_class_name(v->votes, label[p]));
    fputc('\n', out);
    const chorus_llm_cached *llm = v->llm ? v->llm[item] : NULL;
    for (int32_t j = 0; llm && j < v->n_llm; j++) {
        const chorus_llm_cached *c = &llm[j];
        fprintf(out, "  llm %s: ", chorus_lf_set_lf_name(v->spec, c->lf));
        if (!c->answer) {
            fputs("(not in the cache)\n", out);
            continue;
        }
        print_line_text(out, c->answer, strlen(c->answer), INSPECT_TEXT_CHARS);
        if (c->confidence == c->confidence) fprintf(out, "  p=%.4f", c->confidence);
        if (c->n_samples > 1)
            fprintf(out, "  (%" PRId32 " of %" PRId32 " samples cached)", c->n_cached,
                    c->n_samples);
        fputc('\n', out);
    }
    fputc('\n', out);
    return 0;
}

/* Sets key to a string of the value (len bytes); -1 if it is not UTF-8 or memory ran out. */
static int set_string(json_t *obj, const char *key, const char *value, size_t len)
{
    json_t *s = json_stringn(value, len);
    return s ? json_object_set_new(obj, key, s) : -1;
}

int inspect_print_item_json(FILE *out, const inspect_view *v, int64_t item)
{
    json_t *root = json_object(), *fields = json_object(), *votes = json_object();
    int rc = !root || !fields || !votes ? -1 : 0;
    const char *name = item_name(v, item);
    if (!rc)
        rc = json_object_set_new(root, "item",
                                 name ? json_string(name) : json_integer((json_int_t)item));
    if (!rc) rc = json_object_set_new(root, "row", json_integer((json_int_t)item));
    for (int32_t f = 0; !rc && f < v->n_fields; f++) {
        size_t len = 0;
        const char *field = chorus_dataset_field_name(v->data, v->fields[f]);
        const char *value = chorus_dataset_value(v->data, item, v->fields[f], &len);
        rc = value ? set_string(fields, field, value, len)
                   : json_object_set_new(fields, field, json_null());
        if (rc && value) {
            fprintf(stderr, "chorus inspect: %s:%" PRId64 ": field '%s' is not valid UTF-8\n",
                    v->data_path, chorus_dataset_source_line(v->data, item), field);
            rc = -2;
        }
    }
    const int64_t *row_ptr = chorus_votes_row_ptr(v->votes);
    const int32_t *lf = chorus_votes_lf_index(v->votes), *label = chorus_votes_labels(v->votes);
    for (int64_t p = row_ptr[item]; !rc && p < row_ptr[item + 1]; p++)
        rc = json_object_set_new(votes, chorus_votes_lf_name(v->votes, lf[p]),
                                 json_string(chorus_votes_class_name(v->votes, label[p])));
    if (!rc) rc = json_object_set(root, "fields", fields);
    if (!rc) rc = json_object_set(root, "votes", votes);
    if (!rc && v->gold)
        rc = json_object_set_new(root, "gold",
                                 v->gold[item] >= 0
                                     ? json_string(chorus_votes_class_name(v->votes, v->gold[item]))
                                     : json_null());
    if (!rc && v->model_labels) {
        rc = json_object_set_new(
            root, "label", json_string(chorus_votes_class_name(v->votes, v->model_labels[item])));
        if (!rc) rc = json_object_set_new(root, "confidence", json_real(v->confidence[item]));
    }
    const chorus_llm_cached *llm = v->llm ? v->llm[item] : NULL;
    json_t *answers = llm ? json_object() : NULL;
    if (llm && !answers) rc = -1;
    for (int32_t j = 0; !rc && llm && j < v->n_llm; j++) {
        const chorus_llm_cached *c = &llm[j];
        json_t *a = json_pack(
            "{s:o, s:o, s:i, s:i}", "answer", c->answer ? json_string(c->answer) : json_null(), "p",
            c->confidence == c->confidence ? json_real(c->confidence) : json_null(), "samples",
            (int)c->n_samples, "cached", (int)c->n_cached);
        rc = a ? json_object_set_new(answers, chorus_lf_set_lf_name(v->spec, c->lf), a) : -1;
    }
    if (!rc && answers) rc = json_object_set(root, "llm", answers);
    json_decref(answers);
    char *text =
        rc ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (!rc && !text) rc = -1;
    if (text) fprintf(out, "%s\n", text);
    free(text);
    json_decref(fields);
    json_decref(votes);
    json_decref(root);
    return rc;
}
