/*
 * Labeling-function sets inside the library: the parsed spec (spec_yaml.c), the matchers
 * of each kind (keyword_index.c, regex_lf.c, heuristic.c, lookup.c, column.c, plugin.c)
 * and the engine that applies them (apply.c).
 */
#ifndef CHORUS_LF_INTERNAL_H
#define CHORUS_LF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chorus/lf.h"

typedef enum lf_kind {
    LF_KEYWORD = 0,
    LF_REGEX,
    LF_HEURISTIC,
    LF_LOOKUP,
    LF_COLUMN,
    LF_PLUGIN,
    LF_LLM
} lf_kind;

/* ---- keyword ---------------------------------------------------------------------- */

typedef struct lf_keyword {
    char **terms; /* as written; non-empty */
    int32_t n_terms;
    bool match_all;      /* all terms must occur (default: any) */
    bool case_sensitive; /* default false: ASCII letters compare case-insensitively */
    bool whole_word;     /* default true: a term must not touch a letter, digit or '_' */
} lf_keyword;

/*
 * All keyword LFs that read one field, matched in a single pass over the text with an
 * Aho-Corasick automaton, however many LFs and terms there are.
 */
typedef struct chorus_keyword_index chorus_keyword_index;

/* Builds the automaton for n keyword LFs (their order is the order of `fired` below). */
int chorus_keyword_index_build(chorus_keyword_index **out, const lf_keyword *const *lfs, int32_t n);
void chorus_keyword_index_free(chorus_keyword_index *index);
/* Bytes of scratch one matching thread needs; zero it (calloc) before its first use. */
size_t chorus_keyword_index_scratch_size(const chorus_keyword_index *index);
/*
 * Matches text[0..len): writes the keyword LFs (by build order) that fire into fired (room
 * for n of them) and returns how many. The scratch is left zeroed, so its cost per text is
 * that of what matched, not of the whole index. Thread-safe with a scratch per thread.
 */
int32_t chorus_keyword_index_match(const chorus_keyword_index *index, const char *text, size_t len,
                                   void *scratch, int32_t *fired);

/* ---- regex (PCRE2) ---------------------------------------------------------------- */

typedef struct chorus_regex chorus_regex;

/*
 * Compiles `pattern` with PCRE2 (UTF mode, JIT when available) and flags from "imsxu"
 * (caseless, multiline, dotall, extended, Unicode classes as Python's re). On a bad pattern returns
 * CHORUS_EFORMAT with PCRE2's message, and *error_offset the offset in the pattern.
 */
int chorus_regex_compile(chorus_regex **out, const char *pattern, const char *flags,
                         size_t *error_offset);
void chorus_regex_free(chorus_regex *re);

/* Per-thread match state. */
typedef struct chorus_regex_scratch chorus_regex_scratch;
int chorus_regex_scratch_new(chorus_regex_scratch **out);
void chorus_regex_scratch_free(chorus_regex_scratch *scratch);

/* Match and depth limits that stop a catastrophic pattern on one text. */
#define CHORUS_REGEX_MATCH_LIMIT 1000000
#define CHORUS_REGEX_DEPTH_LIMIT 10000

/* 1 if the pattern matches somewhere in text[0..len), 0 if not, -1 if a limit stopped it. */
int chorus_regex_match(const chorus_regex *re, const char *text, size_t len,
                       chorus_regex_scratch *scratch);

/* ---- heuristic -------------------------------------------------------------------- */

typedef enum heuristic_op {
    H_ALL, /* children all true (true if none) */
    H_ANY, /* some child true */
    H_NOT, /* the one child false */
    H_EQ,  /* field == value (numerically when both parse as numbers, else as text) */
    H_NE,
    H_LT, /* numeric comparisons: false when the field is missing or not a number */
    H_LE,
    H_GT,
    H_GE,
    H_LEN_LT, /* length of the field in UTF-8 characters (missing: 0) */
    H_LEN_LE,
    H_LEN_GT,
    H_LEN_GE,
    H_LEN_EQ,
    H_IN, /* field's text is one of values */
    H_NOT_IN,
    H_CONTAINS, /* field contains value as a substring (case-sensitive) */
    H_EMPTY,    /* field missing or "" (value "true") / present and non-empty ("false") */
    H_MISSING   /* the record lacks the field (JSONL) */
} heuristic_op;

typedef struct heuristic_node {
    heuristic_op op;
    int64_t line; /* in the spec, for errors */
    char *field;  /* leaves */
    int32_t field_index;
    double number; /* comparisons, lengths */
    char *text;    /* H_EQ / H_NE / H_CONTAINS as text */
    bool text_is_number;
    char **values; /* H_IN / H_NOT_IN */
    int32_t n_values;
    bool flag; /* H_EMPTY / H_MISSING: the value they test for */
    struct heuristic_node **children;
    int32_t n_children;
} heuristic_node;

void heuristic_node_free(heuristic_node *node);
/* Resolves field names to indices; CHORUS_EFORMAT naming the first unknown field. */
int heuristic_bind(heuristic_node *node, const chorus_dataset *ds, const char *spec_path,
                   const char *lf_name);
bool heuristic_eval(const heuristic_node *node, const chorus_dataset *ds, int64_t record);

/* ---- lookup ----------------------------------------------------------------------- */

/* How a value (and every list entry) is normalised before comparing. */
enum { NORMALIZE_LOWER = 1, NORMALIZE_STRIP = 2, NORMALIZE_COLLAPSE_SPACE = 4 };

typedef struct chorus_string_set chorus_string_set;

typedef struct lf_lookup {
    char *list_path; /* resolved against the spec's folder */
    unsigned normalize;
    chorus_string_set *set;
} lf_lookup;

/* Reads a list file (one entry per line, '#' comments and blank lines skipped). */
int chorus_string_set_load(chorus_string_set **out, const char *path, unsigned normalize);
void chorus_string_set_free(chorus_string_set *set);
/* Normalises value[0..len) as the set's entries were, then tests membership. */
bool chorus_string_set_contains(const chorus_string_set *set, const char *value, size_t len);
int64_t chorus_string_set_size(const chorus_string_set *set);

/* ---- column ----------------------------------------------------------------------- */

typedef struct lf_column {
    char **values;    /* value as written in the data */
    int32_t *classes; /* the class it means */
    int32_t n;
    bool by_class_name; /* no map: values that equal a class name (or index) vote it */
} lf_column;

/* The class a column value votes, or CHORUS_ABSTAIN for unmapped or missing values. */
int32_t lf_column_vote(const lf_column *column, const chorus_lf_set *set, const char *value,
                       size_t len);

/* ---- plugin ----------------------------------------------------------------------- */

typedef struct lf_plugin {
    char *library; /* resolved against the spec's folder */
    char *symbol;
    void *handle; /* dlopen */
    chorus_plugin_fn fn;
    void *ctx; /* from the optional "<symbol>_init" function */
} lf_plugin;

/* dlopen + dlsym; CHORUS_EIO / CHORUS_EFORMAT with dlerror()'s message. */
int lf_plugin_load(lf_plugin *plugin);
void lf_plugin_unload(lf_plugin *plugin);

/* ---- llm (spec_llm.c, llm_lf.c) --------------------------------------------------- */

/* A prompt template cut into literal text and field references. */
typedef struct llm_segment {
    char *text;    /* literal text ({{ and }} already unescaped), or NULL for a field */
    int32_t field; /* for a field: index into lf_llm.fields */
} llm_segment;

typedef struct llm_template {
    llm_segment *segs;
    int32_t n;
    int64_t line; /* in the spec, for bind errors */
} llm_template;

/* A few-shot example: a value per lf_llm.fields and the class it shows. */
typedef struct llm_example {
    char **values;
    int32_t label;
} llm_example;

/* How an llm LF asks for its answer. */
typedef enum llm_constrain {
    LLM_CONSTRAIN_AUTO,        /* a JSON schema, free text where the endpoint refuses it */
    LLM_CONSTRAIN_JSON_SCHEMA, /* a JSON schema, always */
    LLM_CONSTRAIN_NONE         /* free text read by the verbalizer */
} llm_constrain;

/* Where an llm LF's few-shot examples come from, when chosen by chorus. */
typedef enum llm_examples_from {
    LLM_EXAMPLES_LISTED, /* written in the spec (examples: [...], examples_file), or none */
    LLM_EXAMPLES_GOLD,   /* items with a gold label */
    LLM_EXAMPLES_REVIEW  /* items a person answered in a review file */
} llm_examples_from;

/* One llm LF as written; the variants of one LF share it (refs counts them). */
typedef struct lf_llm {
    int refs;
    char *url; /* endpoint + "/chat/completions" */
    char *model;
    char *api_key_env; /* the name of the variable, never its value */
    llm_template system;
    bool has_system;
    llm_template *prompts; /* one per variant */
    bool variants;         /* given as variants: each is its own LF, name#1, ... */
    int32_t n_prompts;
    char **fields; /* every field a template names */
    int32_t n_fields;
    llm_example *examples;
    int32_t n_examples;
    double temperature;
    int32_t max_tokens;
    /* Without max_tokens in the spec, a constrained answer may take this many: room for the
     * JSON around the longest word, which a cut-off answer would not be. */
    int32_t json_max_tokens;
    char ***words; /* per class: answer words, lowercase */
    int32_t *n_words;
    int32_t n_classes;
    int32_t max_concurrency;
    double timeout;
    int32_t retries;
    double requests_per_minute;
    int32_t max_connection_failures; /* attempts in a row not reaching it stop the run; 0 never */
    char *cache_path;
    llm_constrain constrain;
    char *label_key; /* the key of a JSON answer that holds the label */
    /* paraphrases: N (llm_paraphrase.c): prompts[1..N] are rewordings of prompts[0] that the
     * endpoint writes once; the lock file beside the spec pins them (llm_lock.c). */
    char *prompt_source;      /* prompts[0] as written, {FIELD}s and all */
    int32_t n_paraphrases;    /* 0 without the key */
    char **paraphrases;       /* n_paraphrases texts as written, or NULL while pending */
    char *lock_path;          /* the lock file of the spec */
    char *lf_name;            /* the LF as named in the spec, the key of its lock entry */
    int64_t paraphrases_line; /* of the key, for messages */
    /* examples: {from: gold|review, ...} (llm_examples.c): chosen from the labelled items
     * of the data at the first apply, then pinned in the lock file with their text. */
    llm_examples_from examples_from;
    char *examples_path; /* the gold or review file; NULL: gold from the spec's data.gold */
    int32_t examples_per_class;
    uint64_t examples_seed;
    int64_t examples_line;
    bool examples_pinned;  /* examples holds the chosen ones (from the lock or chosen now) */
    char **example_items;  /* n_examples: the chosen items' ids, for the lock file */
    bool logprobs;         /* asks for log-probabilities (logprobs: true, top_logprobs: 5) */
    double min_confidence; /* abstains on answers less likely than this; 0 = never */
    int32_t samples;       /* answers asked per prompt (1: one); the vote is the most frequent */
} lf_llm;

/*
 * Cuts template text s into literal text and {field} references ({{ and }} are literal
 * braces), adding the fields it names to llm->fields unless known_fields_only, when a field
 * the LF does not already name is an error. CHORUS_EFORMAT with `what` (e.g. "prompt") and
 * the fault in the message, no place (the caller adds it); CHORUS_ENOMEM.
 */
int lf_llm_template_parse(lf_llm *llm, const char *s, const char *what, bool known_fields_only,
                          llm_template *t);
void lf_llm_template_clear(llm_template *t);
/* Whether some prompt of the LF (not the system message) names field f. */
bool lf_llm_prompts_name(const lf_llm *llm, int32_t f);

/*
 * Reads the entry of llm->lf_name from llm->lock_path when that file exists: its
 * paraphrases become prompts[1..N], its examples (examples from gold or review) the LF's.
 * CHORUS_EFORMAT naming the lock file and line for an entry that is not as written by
 * lf_llm_lock_write, holds another number of paraphrases, one that drops or adds a
 * placeholder, or an example without a class or a field of the prompt; CHORUS_EIO;
 * CHORUS_ENOMEM.
 */
int lf_llm_lock_read(lf_llm *llm, const chorus_lf_set *set);

/* Writes the lock file of every llm LF of the set with something pinned, atomically. */
int lf_llm_lock_write(const chorus_lf_set *set, const char *path);

/*
 * Checks the rewordings texts[0..n) of llm's prompt: distinct, none the prompt itself, each
 * keeping exactly the prompt's placeholders; on success they become prompts[1..n] and
 * llm->paraphrases (the texts are copied). CHORUS_EFORMAT with the fault (no place) and
 * *bad the index of the text at fault (-1 when none is); CHORUS_ENOMEM.
 */
int lf_llm_paraphrases_set(lf_llm *llm, const char *const *texts, int32_t n, int32_t *bad);

/*
 * Before the llm LFs of a set are applied: each llm LF with paraphrases still pending asks
 * its endpoint for them (the cache first), checks them and writes the lock file. In a dry
 * run nothing is sent or written: paraphrases found in the cache are used, the others stay
 * pending and *n_calls counts the requests a run would send. Errors: CHORUS_EREMOTE when
 * the endpoint fails or answers no usable paraphrases, naming the spec line; CHORUS_EWRITE.
 */
/* In a dry run: true, with the plan of LF j filled in, when it is a paraphrase not written
 * yet (nothing to show, every one of the n records a call). */
struct lf_def;
bool lf_llm_plan_pending(chorus_llm_plan *plan, chorus_llm_plan_lf *show, const struct lf_def *lf,
                         int32_t j, int64_t n);

int lf_llm_paraphrases_ensure(const chorus_lf_set *set, const chorus_dataset *ds, bool dry,
                              int64_t *n_calls);

/*
 * Before the llm LFs of a set are applied to ds: each LF with examples from gold or review
 * not pinned yet picks per_class labelled items per class (seeded), makes them its
 * examples and pins them in the lock file (not in a dry run). CHORUS_EFORMAT naming the
 * spec line or the label file; CHORUS_EIO; CHORUS_EWRITE; CHORUS_ENOMEM.
 */
int lf_llm_examples_ensure(const chorus_lf_set *set, const chorus_dataset *ds, bool dry);

/* After the llm votes of ds are in: an LF abstains on the records it shows as an example
 * (the same text in every field of its prompt), so no vote echoes the label it was shown. */
int lf_llm_examples_mask(const chorus_lf_set *set, const chorus_dataset *ds, int32_t **votes);

void lf_llm_release(lf_llm *llm);

/* Field indices of the data for llm->fields; CHORUS_EFORMAT naming the template's line. */
int lf_llm_bind(int32_t **out, const chorus_lf_set *set, const char *lf_name, const lf_llm *llm,
                const chorus_dataset *ds);

/*
 * The request body (JSON, keys in a fixed order) for one record; field from lf_llm_bind.
 * constrained adds a response_format whose JSON schema allows only {label_key: one of the
 * verbalizer's words}, and the few-shot answers take that form too.
 */
int lf_llm_render_body(char **out, const lf_llm *llm, bool constrained, int32_t variant,
                       const chorus_dataset *ds, const int32_t *field, int64_t record);

/* The messages of that body as "[role]\ncontent\n" blocks, for a dry run. */
int lf_llm_render_text(char **out, const lf_llm *llm, bool constrained, int32_t variant,
                       const chorus_dataset *ds, const int32_t *field, int64_t record);

/* The class whose verbalizer word occurs first in the answer (whole word, any case), or
 * CHORUS_ABSTAIN when none does. */
int32_t lf_llm_verbalize(const lf_llm *llm, const char *answer);
/* The same, with the byte offset and length in answer of the word that decided it. */
int32_t lf_llm_verbalize_at(const lf_llm *llm, const char *answer, size_t *at, size_t *len);

/*
 * The class of an answer: a JSON object's label_key string through the verbalizer; a free
 * (not constrained) answer that is no such object is verbalized whole. *well_formed is set
 * to whether a constrained answer was such an object (a free one always is).
 */
int32_t lf_llm_read_answer(const lf_llm *llm, bool constrained, const char *answer,
                           bool *well_formed);

/* Asks the endpoints for every llm LF of the set (the cache first); votes[j] gets a vote per
 * record for each llm LF j (NULL for the others; free each and the array). */
int lf_llm_prepare(int32_t ***votes, chorus_apply_report *report, const chorus_lf_set *set,
                   const chorus_dataset *ds);

/* ---- the set ---------------------------------------------------------------------- */

/* What the spec's llm.prices says one model costs, per 1000 tokens (spec_llm_prices.c). */
typedef struct llm_price {
    char *model;
    double prompt_per_1k, completion_per_1k;
} llm_price;

typedef struct lf_def {
    char *name;
    int64_t line; /* in the spec */
    lf_kind kind;
    int32_t vote; /* class voted when it fires; CHORUS_ABSTAIN for column and plugin */
    char *field;  /* field read (keyword, regex, lookup, column); NULL = data.text */
    char *group;  /* dependency group name, NULL if none */
    union {
        lf_keyword keyword;
        struct {
            char *pattern;
            char *flags;
            chorus_regex *re;
        } regex;
        heuristic_node *heuristic;
        lf_lookup lookup;
        lf_column column;
        lf_plugin plugin;
        struct {
            lf_llm *spec;
            int32_t variant; /* which of spec->prompts */
        } llm;
    } u;
} lf_def;

struct chorus_lf_set {
    char *path;
    char *dir; /* folder of the spec, for relative paths */
    char *task;
    char **classes;
    int32_t n_classes;
    char *id_field;
    char *text_field; /* default field of keyword / regex / lookup LFs */
    char *gold_field;
    lf_def *lfs;
    int32_t n_lfs;
    llm_price *llm_prices; /* the spec's llm.prices */
    int32_t n_llm_prices;
};

/* The price of model in the spec's llm.prices, or NULL. */
const llm_price *lf_set_llm_price(const chorus_lf_set *set, const char *model);

/* The class index named by `name` (a class name, or its index as a number), or -1. */
int32_t lf_set_class_index(const chorus_lf_set *set, const char *name);

/* The field an LF reads (its own, else the set's text field). */
const char *lf_def_field(const chorus_lf_set *set, const lf_def *lf);

/* Frees one LF's contents (not the struct). */
void lf_def_clear(lf_def *lf);

/* After an apply: logs a warning naming the LFs that voted on no item, and the rule LFs
 * (not column or llm ones, which answer every item by design) that voted on every item. */
void lf_warn_coverage(const chorus_lf_set *set, const chorus_votes *votes);

/*
 * Checks the ids of ds when the spec has data.id, before any LF runs: CHORUS_EFORMAT naming
 * the data file and line for an id that is missing, empty, not a valid name or given twice
 * (and the earlier line), or the spec when the data has no such field; CHORUS_ENOMEM.
 */
int lf_check_item_ids(const chorus_lf_set *set, const chorus_dataset *ds);

/* The dataset's field names, comma-separated, cut to fit cap bytes: for messages. */
void lf_field_list(const chorus_dataset *ds, char *fields, size_t cap);

/* The key of item i of some collection and its length in bytes. */
typedef const char *(*lf_key_fn)(const void *ctx, int64_t i, size_t *len);

/*
 * The first of n items whose key repeats an earlier one's: its index in *dup and the
 * earlier one's in *first, or *dup = -1. An open-addressing table of indices, twice the
 * items in size, so memory follows the data (item_ids.c).
 */
int lf_find_duplicate_key(int64_t n, lf_key_fn key, const void *ctx, int64_t *dup, int64_t *first);

/*
 * Names the items of `votes` (one per record of ds, ids checked): by the spec's data.id
 * field, else by their row numbers in the file when bad rows were skipped (otherwise the
 * indices are the row numbers). CHORUS_ENOMEM.
 */
int lf_name_items(chorus_votes *votes, const chorus_lf_set *set, const chorus_dataset *ds);

#endif
