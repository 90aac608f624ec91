/*
 * Few-shot examples chosen from labelled items: `examples: {from: gold|review, file,
 * per_class, seed}` takes per_class items of each class (a seeded shuffle, so the choice is
 * the same on every machine) from the items of the data that a gold file, the spec's
 * data.gold field or a person's review answers label, and pins them, text and all, in the
 * lock file. The LF then abstains on every item whose prompt text is that of one of its
 * examples, so no vote echoes the label the prompt shows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/error.h"
#include "chorus/io.h"
#include "chorus/review.h"
#include "core/error_internal.h"
#include "core/random.h"
#include "lf/lf_internal.h"

/* Records of ds sorted by their id (data.id), for finding the items a review file names;
 * without data.id items are row numbers. */
typedef struct id_entry {
    const char *id;
    int64_t record;
} id_entry;

typedef struct id_index {
    const chorus_dataset *ds;
    id_entry *sorted; /* NULL: items are row numbers */
    int64_t n;
} id_index;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const id_entry *)a)->id, ((const id_entry *)b)->id);
}

static int index_ids(id_index *x, int32_t field)
{
    if (!(x->sorted = malloc(((size_t)x->n + 1) * sizeof *x->sorted))) return chorus_error_nomem();
    for (int64_t r = 0; r < x->n; r++) {
        const char *id = chorus_dataset_value(x->ds, r, field, NULL);
        x->sorted[r] = (id_entry){id ? id : "", r};
    }
    qsort(x->sorted, (size_t)x->n, sizeof *x->sorted, by_id);
    return CHORUS_OK;
}

/* The record of an item id, or -1. */
static int64_t find_item(const id_index *x, const char *item)
{
    int64_t lo = 0, hi = x->n;
    if (!x->sorted) {
        /* Row numbers from 0, counting skipped bad rows; records are in row order. */
        char *end;
        long long row = strtoll(item, &end, 10);
        if (*end || end == item || row < 0) return -1;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (chorus_dataset_source_row(x->ds, mid) < row)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < x->n && chorus_dataset_source_row(x->ds, lo) == row ? lo : -1;
    }
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (strcmp(x->sorted[mid].id, item) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n && strcmp(x->sorted[lo].id, item) == 0 ? x->sorted[lo].record : -1;
}

/* Where the labels come from, for messages: "gold.txt", "review.csv", "data.csv:LABEL". */
static void source_name(const chorus_lf_set *set, const lf_llm *llm, const chorus_dataset *ds,
                        char *buf, size_t cap)
{
    if (llm->examples_path)
        snprintf(buf, cap, "%s", llm->examples_path);
    else
        snprintf(buf, cap, "%s:%s", chorus_dataset_path(ds), set->gold_field);
}

/* A label per record of ds (-1 unknown) from a review file's answers. */
static int review_labels(int32_t *label, const chorus_lf_set *set, const lf_llm *llm,
                         const chorus_dataset *ds)
{
    chorus_review *review = NULL;
    id_index x = {ds, NULL, chorus_dataset_n_records(ds)};
    int rc = chorus_review_read(&review, llm->examples_path);
    if (!rc && set->id_field) rc = index_ids(&x, chorus_dataset_find_field(ds, set->id_field));
    for (int64_t row = 0; !rc && row < chorus_review_n_rows(review); row++) {
        const char *answer = chorus_review_answer(review, row);
        if (!answer || !*answer) continue;
        const char *item = chorus_review_item(review, row);
        int64_t r = find_item(&x, item);
        int32_t k = -1;
        if (r < 0)
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": item '%.60s' is not in the data (%s); expected "
                                  "the review of this data's items, to choose examples from",
                                  llm->examples_path, chorus_review_line(review, row), item,
                                  chorus_dataset_path(ds));
        else if (chorus_gold_parse(&k, answer, strlen(answer), set->n_classes,
                                   (const char *const *)set->classes) != 0 ||
                 k < 0)
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%" PRId64 ": answer '%.60s' is not a class of the spec",
                                  llm->examples_path, chorus_review_line(review, row), answer);
        else
            label[r] = k; /* the last answer of an item counts */
    }
    free(x.sorted);
    chorus_review_free(review);
    return rc;
}

/* A label per record of ds (-1 unknown): gold, a review's answers, or data.gold. */
static int read_labels(int32_t **out, const chorus_lf_set *set, const lf_llm *llm,
                       const chorus_dataset *ds)
{
    const int64_t n = chorus_dataset_n_records(ds);
    *out = NULL;
    if (llm->examples_from == LLM_EXAMPLES_GOLD && !llm->examples_path)
        return chorus_lf_set_gold(out, set, ds);
    if (llm->examples_from == LLM_EXAMPLES_GOLD) {
        int64_t n_gold = 0;
        int rc = chorus_gold_read_named(out, &n_gold, llm->examples_path, set->n_classes,
                                        (const char *const *)set->classes);
        if (!rc && n_gold != n) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: %" PRId64 " gold labels for the %" PRId64 " records of "
                                  "%s; expected one per record (line i + 1 for record i)",
                                  llm->examples_path, n_gold, n, chorus_dataset_path(ds));
            chorus_free(*out);
            *out = NULL;
        }
        return rc;
    }
    int32_t *label = malloc(((size_t)n + 1) * sizeof *label);
    if (!label) return chorus_error_nomem();
    for (int64_t r = 0; r < n; r++)
        label[r] = -1;
    int rc = review_labels(label, set, llm, ds);
    if (rc) {
        free(label);
        return rc;
    }
    *out = label;
    return CHORUS_OK;
}

/* The id an item is known by: its data.id value, else its row number. */
static char *item_id(const chorus_lf_set *set, const chorus_dataset *ds, int64_t r)
{
    int32_t f = set->id_field ? chorus_dataset_find_field(ds, set->id_field) : -1;
    if (f >= 0) {
        const char *id = chorus_dataset_value(ds, r, f, NULL);
        return strdup(id ? id : "");
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, chorus_dataset_source_row(ds, r));
    return strdup(buf);
}

/* The chosen records become the LF's examples, with the text of its prompt's fields. */
static int take_examples(lf_llm *llm, const chorus_lf_set *set, const chorus_dataset *ds,
                         const int32_t *field, const int64_t *records, const int32_t *labels,
                         int32_t n)
{
    llm->examples = calloc((size_t)n + 1, sizeof *llm->examples);
    llm->example_items = calloc((size_t)n + 1, sizeof *llm->example_items);
    if (!llm->examples || !llm->example_items) return chorus_error_nomem();
    for (int32_t e = 0; e < n; e++) {
        llm_example *ex = &llm->examples[e];
        if (!(ex->values = calloc((size_t)llm->n_fields + 1, sizeof *ex->values)))
            return chorus_error_nomem();
        llm->n_examples = e + 1;
        ex->label = labels[e];
        if (!(llm->example_items[e] = item_id(set, ds, records[e]))) return chorus_error_nomem();
        for (int32_t f = 0; f < llm->n_fields; f++) {
            if (!lf_llm_prompts_name(llm, f)) continue;
            const char *value = chorus_dataset_value(ds, records[e], field[f], NULL);
            if (!(ex->values[f] = strdup(value ? value : ""))) return chorus_error_nomem();
        }
    }
    llm->examples_pinned = true;
    return CHORUS_OK;
}

/*
 * per_class items of each class: the labelled records of a class in record order, shuffled
 * with the seed (its own stream per class, so one class's count does not move another's
 * choice), the first per_class taken; then dealt class by class (one of each class, then
 * the next of each), so no class's examples all come last in the prompt.
 */
static int choose(const chorus_lf_set *set, lf_llm *llm, const chorus_dataset *ds,
                  const int32_t *field, const int32_t *label)
{
    const int64_t n = chorus_dataset_n_records(ds);
    const int32_t K = set->n_classes, k = llm->examples_per_class;
    int64_t *by_class = malloc(((size_t)n + 1) * sizeof *by_class);
    int64_t *start = calloc((size_t)K + 1, sizeof *start);
    int64_t *records = malloc(((size_t)K * (size_t)k + 1) * sizeof *records);
    int32_t *labels = malloc(((size_t)K * (size_t)k + 1) * sizeof *labels);
    int rc = by_class && start && records && labels ? CHORUS_OK : chorus_error_nomem();
    for (int64_t r = 0; !rc && r < n; r++)
        if (label[r] >= 0) start[label[r] + 1]++;
    for (int32_t c = 0; !rc && c < K; c++)
        start[c + 1] += start[c];
    for (int64_t r = 0; !rc && r < n; r++)
        if (label[r] >= 0) by_class[start[label[r]]++] = r;
    /* The fill moved each start to the next class's; shift them back. */
    for (int32_t c = K; !rc && c > 0; c--)
        start[c] = start[c - 1];
    if (!rc) start[0] = 0;
    for (int32_t c = 0; !rc && c < K; c++) {
        int64_t *items = by_class + start[c], count = start[c + 1] - start[c];
        chorus_rng rng = chorus_rng_for(llm->examples_seed, (uint64_t)c);
        for (int64_t i = 0; i < count && i < k; i++) {
            int64_t j = i + (int64_t)chorus_rng_below(&rng, (uint64_t)(count - i));
            int64_t t = items[i];
            items[i] = items[j];
            items[j] = t;
        }
        if (count < k && count > 0)
            chorus_log(CHORUS_LOG_WARN,
                       "%s:%" PRId64 ": labeling function '%s': %" PRId64 " labelled items of "
                       "class %s, fewer than per_class: %" PRId32 "; all of them are examples",
                       set->path, llm->examples_line, llm->lf_name, count, set->classes[c], k);
    }
    int32_t taken = 0;
    for (int32_t round = 0; !rc && round < k; round++)
        for (int32_t c = 0; c < K; c++)
            if (round < start[c + 1] - start[c]) {
                records[taken] = by_class[start[c] + round];
                labels[taken++] = c;
            }
    if (!rc && taken == 0) {
        char from[512];
        source_name(set, llm, ds, from, sizeof from);
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": labeling function '%s': %s labels none of the "
                              "%" PRId64 " records of %s; expected labelled items to choose "
                              "examples from",
                              set->path, llm->examples_line, llm->lf_name, from, n,
                              chorus_dataset_path(ds));
    }
    if (!rc) rc = take_examples(llm, set, ds, field, records, labels, taken);
    free(by_class);
    free(start);
    free(records);
    free(labels);
    return rc;
}

int lf_llm_examples_ensure(const chorus_lf_set *set, const chorus_dataset *ds, bool dry)
{
    int rc = CHORUS_OK;
    for (int32_t j = 0; j < set->n_lfs && !rc; j++) {
        lf_llm *llm = set->lfs[j].kind == LF_LLM ? set->lfs[j].u.llm.spec : NULL;
        if (!llm || llm->examples_from == LLM_EXAMPLES_LISTED || llm->examples_pinned ||
            set->lfs[j].u.llm.variant > 0)
            continue;
        int32_t *field = NULL, *label = NULL;
        rc = lf_llm_bind(&field, set, set->lfs[j].name, llm, ds);
        if (!rc && (rc = read_labels(&label, set, llm, ds)) && rc != CHORUS_ENOMEM)
            chorus_error_wrap("%s:%" PRId64 ": labeling function '%s': examples from %s: ",
                              set->path, llm->examples_line, llm->lf_name,
                              llm->examples_from == LLM_EXAMPLES_GOLD ? "gold" : "review");
        if (!rc) rc = choose(set, llm, ds, field, label);
        if (!rc && !dry) rc = lf_llm_lock_write(set, llm->lock_path);
        free(field);
        chorus_free(label);
    }
    return rc;
}

/* Whether record r shows the text of example ex in every field of the prompt. */
static bool shows(const lf_llm *llm, const llm_example *ex, const chorus_dataset *ds,
                  const int32_t *field, int64_t r)
{
    for (int32_t f = 0; f < llm->n_fields; f++) {
        if (!ex->values[f]) continue;
        const char *value = chorus_dataset_value(ds, r, field[f], NULL);
        if (strcmp(value ? value : "", ex->values[f]) != 0) return false;
    }
    return true;
}

int lf_llm_examples_mask(const chorus_lf_set *set, const chorus_dataset *ds, int32_t **votes)
{
    const int64_t n = chorus_dataset_n_records(ds);
    for (int32_t j = 0; j < set->n_lfs; j++) {
        const lf_llm *llm = set->lfs[j].kind == LF_LLM ? set->lfs[j].u.llm.spec : NULL;
        if (!llm || llm->examples_from == LLM_EXAMPLES_LISTED || !votes[j]) continue;
        int32_t *field = NULL;
        int rc = lf_llm_bind(&field, set, set->lfs[j].name, llm, ds);
        if (rc) return rc;
        for (int64_t r = 0; r < n; r++)
            for (int32_t e = 0; e < llm->n_examples; e++)
                if (shows(llm, &llm->examples[e], ds, field, r)) {
                    votes[j][r] = CHORUS_ABSTAIN;
                    break;
                }
        free(field);
    }
    return CHORUS_OK;
}
