/*
 * The labeling platforms behind chorus_platform_export / _import: one file per platform
 * (platform_label_studio.c, platform_argilla.c, platform_prodigy.c) fills a platform_ops;
 * platform.c picks one from a table and does the file handling, platform_import.c
 * collects the answers and writes the review file.
 */
#ifndef CHORUS_PLATFORM_INTERNAL_H
#define CHORUS_PLATFORM_INTERNAL_H

#include <jansson.h>

#include "chorus/platform.h"

/* The key chorus puts the item's id under in every platform's task. */
#define PLATFORM_ITEM_KEY "chorus_item"

/* One item to export. */
typedef struct platform_item {
    json_t *id;        /* a JSON integer (row number) or string (data id) */
    json_t *fields;    /* object: text field name -> string, or null when missing */
    const char *first; /* the name of the first text field, NULL when there is none */
    const char *label; /* the predicted class */
    double score;      /* its probability */
} platform_item;

/* The answers of an import, gathered per item (platform_import.c). */
typedef struct platform_votes platform_votes;

/*
 * The item a task is about: `id` (a JSON integer >= 0 or a non-empty string; anything else
 * is CHORUS_EFORMAT naming `where`), added on first sight. *item is its index.
 */
int chorus_platform_votes_item(platform_votes *votes, const json_t *id, const char *where,
                               int64_t *item);

/* One annotator's answer on an item; CHORUS_EFORMAT naming `where` and the value when it is
 * not a class of the options' class names. */
int chorus_platform_votes_add(platform_votes *votes, int64_t item, const char *answer,
                              const char *where);

typedef struct platform_ops {
    const char *name;
    int jsonl; /* 1: one record per line (export and import); 0: one JSON array */
    /* The task of one item, a new reference, or NULL when out of memory. */
    json_t *(*task)(const platform_item *item, const chorus_platform_options *opts);
    /* Reads one task of the platform's export; `where` names it ("file:line" or "file: task
     * N") for messages. */
    int (*read_task)(const json_t *task, const char *where, platform_votes *votes,
                     const chorus_platform_options *opts);
} platform_ops;

extern const platform_ops chorus_platform_label_studio;
extern const platform_ops chorus_platform_argilla;
extern const platform_ops chorus_platform_prodigy;

/* The ops of a platform, or NULL for a value outside the enum. */
const platform_ops *chorus_platform_ops(chorus_platform platform);

/* The options' from_name / to_name or their defaults. */
const char *chorus_platform_from_name(const chorus_platform_options *opts);
const char *chorus_platform_to_name(const chorus_platform_options *opts);

/* obj[key] of a JSON object, NULL when obj is no object or lacks the key. */
const json_t *chorus_platform_get(const json_t *obj, const char *key);

/* Reads items of a JSON task into votes: id = obj[key] must exist (CHORUS_EFORMAT naming
 * `where` and `what`, the place the key was looked for). */
int chorus_platform_task_item(platform_votes *votes, const json_t *obj, const char *what,
                              const char *where, int64_t *item);

#endif
