/*
 * Importing a platform's export: reading its tasks (a JSON array, or JSONL one per line),
 * gathering the annotators' answers per item, deciding each item's answer by majority and
 * writing the review file (item,answer, through the review library's writer) that chorus
 * fit --review reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/io.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "data/platform_internal.h"
#include "io/name_table.h"
#include "io/review_internal.h"
#include "io/text_reader.h"

typedef struct platform_vote {
    int64_t item;
    int64_t answer; /* index into answers */
} platform_vote;

struct platform_votes {
    chorus_name_table items;   /* item ids as text, in order of first appearance */
    chorus_name_table answers; /* distinct answers */
    platform_vote *votes;
    int64_t n_votes, vote_cap;
    const chorus_platform_options *opts;
};

int chorus_platform_votes_item(platform_votes *v, const json_t *id, const char *where,
                               int64_t *item)
{
    char number[32];
    const char *text;
    size_t len;
    if (json_is_integer(id) && json_integer_value(id) >= 0) {
        len = (size_t)snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT,
                               json_integer_value(id));
        text = number;
    } else if (json_is_string(id) && json_string_length(id) > 0) {
        text = json_string_value(id);
        len = json_string_length(id);
        if (memchr(text, '\0', len))
            return chorus_error_set(CHORUS_EFORMAT,
                                    "%s: \"" PLATFORM_ITEM_KEY "\" holds a NUL "
                                    "character",
                                    where);
    } else {
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s: \"" PLATFORM_ITEM_KEY "\" must be an integer >= 0 or a "
                                "non-empty string (the item's id)",
                                where);
    }
    return chorus_name_table_add(&v->items, text, len, 0, item);
}

static int is_class(const chorus_platform_options *opts, const char *answer)
{
    for (int32_t k = 0; k < opts->n_classes; k++)
        if (strcmp(opts->class_names[k], answer) == 0) return 1;
    return 0;
}

int chorus_platform_votes_add(platform_votes *v, int64_t item, const char *answer,
                              const char *where)
{
    const chorus_platform_options *opts = v->opts;
    if (opts && opts->class_names && !is_class(opts, answer)) {
        char classes[512] = "";
        size_t used = 0;
        for (int32_t k = 0; k < opts->n_classes && used < sizeof classes; k++)
            used += (size_t)snprintf(classes + used, sizeof classes - used, "%s%s", k ? ", " : "",
                                     opts->class_names[k]);
        return chorus_error_set(CHORUS_EFORMAT, "%s: the answer '%s' is not a class (%s)", where,
                                answer, classes);
    }
    if (v->n_votes == v->vote_cap) {
        int64_t cap = v->vote_cap ? v->vote_cap * 2 : 256;
        platform_vote *grown = realloc(v->votes, (size_t)cap * sizeof *grown);
        if (!grown) return chorus_error_nomem();
        v->votes = grown;
        v->vote_cap = cap;
    }
    int64_t index;
    int rc = chorus_name_table_add(&v->answers, answer, strlen(answer), 0, &index);
    if (rc) return rc;
    v->votes[v->n_votes++] = (platform_vote){item, index};
    return CHORUS_OK;
}

static int compare_votes(const void *a, const void *b)
{
    const platform_vote *x = a, *y = b;
    if (x->item != y->item) return x->item < y->item ? -1 : 1;
    return (x->answer > y->answer) - (x->answer < y->answer);
}

/*
 * Per item the answer most annotators gave, or -1 (nobody answered, or a tie: logged).
 * *out has v->items.n entries.
 */
static int decide(int64_t **out, platform_votes *v, const char *path,
                  chorus_platform_import_stats *stats)
{
    int64_t *answer = malloc((size_t)(v->items.n ? v->items.n : 1) * sizeof *answer);
    if (!answer) return chorus_error_nomem();
    for (int64_t i = 0; i < v->items.n; i++)
        answer[i] = -1;
    if (v->n_votes) /* qsort must not see the NULL of no votes */
        qsort(v->votes, (size_t)v->n_votes, sizeof *v->votes, compare_votes);
    for (int64_t start = 0; start < v->n_votes;) {
        int64_t item = v->votes[start].item, end = start, best = -1, best_count = 0;
        int tied = 0;
        while (end < v->n_votes && v->votes[end].item == item) {
            int64_t run = end;
            while (end < v->n_votes && v->votes[end].item == item &&
                   v->votes[end].answer == v->votes[run].answer)
                end++;
            int64_t count = end - run;
            if (count > best_count) {
                best = v->votes[run].answer;
                best_count = count;
                tied = 0;
            } else if (count == best_count) {
                tied = 1;
            }
        }
        if (tied) {
            stats->n_ties++;
            chorus_log(CHORUS_LOG_WARN,
                       "%s: item '%s': the annotators tie (two or more classes have %" PRId64
                       " vote(s) each); left without an answer",
                       path, v->items.names[item], best_count);
        } else {
            answer[item] = best;
            stats->n_answered++;
        }
        start = end;
    }
    *out = answer;
    return CHORUS_OK;
}

/* The review file: a row per item in order of first appearance, its answer or none. */
static int write_review(const platform_votes *v, const int64_t *answer, const char *path)
{
    chorus_review *review = NULL;
    int rc = chorus_review_new(&review, 0, NULL, NULL);
    for (int64_t i = 0; !rc && i < v->items.n; i++)
        rc = chorus_review_add(review, v->items.names[i],
                               answer[i] >= 0 ? v->answers.names[answer[i]] : NULL, NULL);
    if (!rc) rc = chorus_review_write(review, path);
    chorus_review_free(review);
    return rc;
}

/* Label Studio: one JSON array of tasks; places are tasks by index. */
static int read_array(const char *path, const platform_ops *ops, platform_votes *v,
                      int64_t *n_tasks)
{
    json_error_t error;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
    if (!root) {
        if (error.line < 0)
            return chorus_error_set(CHORUS_EIO, "%s", error.text); /* names the file */
        return chorus_error_set(CHORUS_EFORMAT, "%s:%d: column %d: invalid JSON: %s", path,
                                error.line, error.column, error.text);
    }
    int rc = CHORUS_OK;
    if (!json_is_array(root)) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: expected a JSON array of tasks (Label Studio's JSON export)",
                              path);
        goto done;
    }
    char where[1024];
    for (size_t i = 0; i < json_array_size(root); i++) {
        snprintf(where, sizeof where, "%s: task %zu (from 0)", path, i);
        const json_t *task = json_array_get(root, i);
        if (!json_is_object(task)) {
            rc = chorus_error_set(CHORUS_EFORMAT, "%s: expected a JSON object", where);
            goto done;
        }
        if ((rc = ops->read_task(task, where, v, v->opts))) goto done;
        (*n_tasks)++;
    }
done:
    json_decref(root);
    return rc;
}

/* Argilla, Prodigy: one JSON object per line; blank lines are skipped. */
static int read_lines(const char *path, const platform_ops *ops, platform_votes *v,
                      int64_t *n_tasks)
{
    chorus_text_reader reader;
    int rc = chorus_text_reader_open(&reader, path);
    if (rc) return rc;
    char *line;
    size_t len;
    char where[1024];
    while ((rc = chorus_text_reader_next(&reader, &line, &len)) == 1) {
        size_t blank = 0;
        while (blank < len && strchr(" \t", line[blank]))
            blank++;
        if (blank == len) continue;
        snprintf(where, sizeof where, "%s:%" PRId64, path, reader.line_no);
        json_error_t error;
        json_t *task = json_loadb(line, len, JSON_REJECT_DUPLICATES, &error);
        if (!task) {
            rc = chorus_error_set(CHORUS_EFORMAT, "%s: column %d: invalid JSON: %s", where,
                                  error.column, error.text);
            break;
        }
        rc = ops->read_task(task, where, v, v->opts);
        json_decref(task);
        if (rc) break;
        (*n_tasks)++;
    }
    chorus_text_reader_close(&reader);
    return rc < 0 ? rc : CHORUS_OK;
}

int chorus_platform_import(const char *in_path, chorus_platform platform, const char *review_path,
                           const chorus_platform_options *opts, chorus_platform_import_stats *stats)
{
    const platform_ops *ops = chorus_platform_ops(platform);
    if (!ops) return chorus_error_set(CHORUS_EINVAL, "unknown labeling platform %d", platform);
    if (!in_path || !review_path)
        return chorus_error_set(CHORUS_EINVAL, "chorus_platform_import: NULL path");
    if (review_is_jsonl(review_path) < 0) return CHORUS_EINVAL; /* before reading the export */
    chorus_platform_import_stats found = {0};
    platform_votes v = {.opts = opts};
    chorus_name_table_init(&v.items, 0);
    chorus_name_table_init(&v.answers, 0);
    int64_t *answer = NULL;
    int rc = ops->jsonl ? read_lines(in_path, ops, &v, &found.n_tasks)
                        : read_array(in_path, ops, &v, &found.n_tasks);
    if (rc) goto done;
    if (found.n_tasks == 0) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: no tasks; expected %s's export of annotated "
                              "tasks",
                              in_path, ops->name);
        goto done;
    }
    found.n_items = v.items.n;
    if ((rc = decide(&answer, &v, in_path, &found))) goto done;
    if ((rc = write_review(&v, answer, review_path))) goto done;
    if (stats) *stats = found;
done:
    chorus_name_table_free(&v.items);
    chorus_name_table_free(&v.answers);
    free(v.votes);
    free(answer);
    return rc;
}
