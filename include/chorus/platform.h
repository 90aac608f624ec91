/*
 * Labeling platforms: handing the model's labels to people as pre-annotations, and taking
 * their answers back as a review file (README.md, "Labeling platforms").
 *
 * Export writes, per row of the probabilities, the item's id, its text fields from the
 * dataset, the predicted class and its probability, in the import format of the platform:
 *
 *   label-studio  a JSON array of tasks: {"data": {<fields>, "chorus_item": ID},
 *                 "predictions": [{"model_version": "chorus", "score": P, "result":
 *                 [{"from_name": F, "to_name": T, "type": "choices", "value": {"choices":
 *                 [CLASS]}}]}]}
 *   argilla       JSONL records: {"id": "ID", "fields": {<fields>}, "metadata":
 *                 {"chorus_item": ID}, "suggestions": [{"question_name": F, "value": CLASS,
 *                 "score": P, "agent": "chorus"}]}
 *   prodigy       JSONL tasks: {"text": <first field>, "label": CLASS, "meta": {"chorus_item":
 *                 ID, "score": P, <other fields>}}
 *
 * Import reads the platform's export of the annotated tasks (Label Studio's JSON export,
 * Argilla v1 or v2 records as JSONL, Prodigy's db-out JSONL), finds each task's chorus_item
 * where the export put it, and writes a review file (CSV or JSONL by its extension) with one
 * row per item: "item" and "answer", the class the annotators chose, empty when nobody
 * answered, every answer was skipped, cancelled, rejected or discarded, or the annotators
 * tied (most votes wins; a tie is logged as a warning naming the item).
 */
#ifndef CHORUS_PLATFORM_H
#define CHORUS_PLATFORM_H

#include "common.h"
#include "data.h"
#include "probs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum chorus_platform {
    CHORUS_PLATFORM_LABEL_STUDIO = 0,
    CHORUS_PLATFORM_ARGILLA = 1,
    CHORUS_PLATFORM_PRODIGY = 2
} chorus_platform;

/* Parses "label-studio", "argilla" or "prodigy"; CHORUS_EINVAL naming the choices. */
int chorus_platform_parse(chorus_platform *out, const char *name);
const char *chorus_platform_name(chorus_platform platform);

typedef struct chorus_platform_options {
    unsigned version;
    /* Export: the dataset fields to hand over, n_text_fields of them; NULL = every field. */
    const char *const *text_fields;
    int32_t n_text_fields;
    /*
     * Export: the dataset field holding the items' ids (the LF spec's data.id); the item of
     * each row of the probabilities is looked up there (exported as a string). NULL: the
     * item is the row number of the dataset (exported as an integer).
     */
    const char *id_field;
    /* The choices control of Label Studio ("from_name", default "label"), also the question
     * name of Argilla; import reads only results / responses of this name. NULL = "label". */
    const char *from_name;
    /* Label Studio's object the choices label ("to_name", default "text"). */
    const char *to_name;
    /* Import: when set (n_classes names), every answer must be one of them. */
    const char *const *class_names;
    int32_t n_classes;
} chorus_platform_options;

#define CHORUS_PLATFORM_OPTIONS_VERSION 1
#define CHORUS_PLATFORM_OPTIONS_INIT                                                               \
    {                                                                                              \
        CHORUS_PLATFORM_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, 0                        \
    }

/*
 * Writes the pre-annotations of `probs` (the predicted class by the hash tie-break of
 * chorus eval, and its probability) for the items of `data` to `path`, atomically. Errors:
 * CHORUS_EINVAL (an unknown text or id field, an item not in the data, probabilities that
 * name their items without an id field, an id field with a value twice), CHORUS_EWRITE,
 * CHORUS_ENOMEM.
 */
int chorus_platform_export(const chorus_probs *probs, const chorus_dataset *data, const char *path,
                           chorus_platform platform, const chorus_platform_options *opts);

/* What an import found. */
typedef struct chorus_platform_import_stats {
    int64_t n_tasks;    /* tasks (records, lines) read */
    int64_t n_items;    /* rows of the review file */
    int64_t n_answered; /* items with an answer */
    int64_t n_ties;     /* items whose annotators tied (no answer) */
} chorus_platform_import_stats;

/*
 * Reads the platform's export `in_path` and writes the review file `review_path` (.csv or
 * .jsonl, with chorus_review_write()), atomically; stats may be NULL. Errors: CHORUS_EINVAL
 * (a review path that is neither .csv nor .jsonl), CHORUS_EIO, CHORUS_EFORMAT
 * naming the file and place (a JSON error with line and column, a task without
 * chorus_item, an answer that is not a class), CHORUS_EWRITE, CHORUS_ENOMEM; no review
 * file is written on error.
 */
int chorus_platform_import(const char *in_path, chorus_platform platform, const char *review_path,
                           const chorus_platform_options *opts,
                           chorus_platform_import_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
