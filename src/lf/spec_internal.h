/*
 * Reading a labeling-function spec (YAML) into a chorus_lf_set, shared by spec_yaml.c (the
 * file and its top level), spec_values.c (values and their errors), spec_kinds.c (the keys
 * of each kind) and spec_heuristic.c (condition trees). Every message has the form
 * "<path>:<line>: labeling function '<name>': <what is wrong>; expected <what>".
 */
#ifndef CHORUS_SPEC_INTERNAL_H
#define CHORUS_SPEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "lf/lf_internal.h"

/* A condition tree deeper or larger than this is a mistake or an attack (YAML aliases can
 * make a small file describe an exponentially large tree). */
#define SPEC_MAX_CONDITION_DEPTH 64
#define SPEC_MAX_CONDITION_NODES 100000

/* Limits on the whole spec (README "Limits"). Nesting is checked while libyaml reads the
 * file, before it builds the document (its cost grows with the square of the depth). */
#define SPEC_MAX_NESTING 256
#define SPEC_MAX_LFS 100000
/* Text and keys read from the document, counting each use of an aliased node again: a
 * spec without aliases reads at most its own size (16 MiB), so this allows reuse while
 * stopping a small file from describing gigabytes (one list aliased 10,000 times). */
#define SPEC_MAX_EXPANDED_BYTES ((int64_t)64 << 20)

/* A set of names (LF names, the keys of a mapping) for finding repeats in linear time: an
 * open-addressing hash of borrowed strings, each with the id of where it was seen. */
typedef struct spec_name {
    const char *text; /* NULL when the slot is free */
    size_t len;
    int64_t id;
} spec_name;

typedef struct spec_names {
    spec_name *slots;
    size_t mask; /* number of slots - 1 */
    size_t n;
} spec_names;

typedef struct spec_ctx {
    const char *path; /* the spec file, for messages */
    yaml_document_t *doc;
    chorus_lf_set *set;  /* classes and data fields are known before any LF is read */
    const char *lf_name; /* the LF being read, NULL at the top level */
    int32_t lf_number;   /* 1-based position of the LF being read, for LFs without a name */
    int64_t n_condition_nodes;
    int64_t *n_expanded_bytes; /* read so far, against SPEC_MAX_EXPANDED_BYTES */
    spec_names *names;         /* of the LFs read so far */
    const char *lock_path;     /* the lock file of the llm LFs; NULL: beside the spec */
} spec_ctx;

/*
 * Counts `bytes` read from the document at node against SPEC_MAX_EXPANDED_BYTES; fails
 * naming the node's line once the spec has read more.
 */
int spec_charge(const spec_ctx *ctx, const yaml_node_t *node, size_t bytes);

/*
 * Adds text[0..len) (which must outlive the set) with `id`; *earlier is the id it was added
 * with before, or -1 if it is new (and then added). CHORUS_OK or CHORUS_ENOMEM.
 */
int spec_names_add(spec_names *names, const char *text, size_t len, int64_t id, int64_t *earlier);
void spec_names_free(spec_names *names);

/* 1-based line of a node. */
int64_t spec_line(const yaml_node_t *node);

/* Sets the error `code` with the "<path>:<line>: labeling function '<name>': " prefix. */
int spec_error(const spec_ctx *ctx, int code, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Logs a warning with the same prefix as spec_error. */
void spec_warn(const spec_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Warns when text (a pattern, a keyword; `what` names it) holds a control character: in
 * double quotes YAML turns "\b" into a backspace, so a regex meant as \bword\b matches
 * nothing, with no error.
 */
void spec_warn_control(const spec_ctx *ctx, const yaml_node_t *node, const char *what,
                       const char *text);

yaml_node_t *spec_node(const spec_ctx *ctx, int id);

/* "a list", "a mapping" or "a single value", for messages. */
const char *spec_shape_name(const yaml_node_t *node);

/* Checks that node is a mapping whose keys are distinct scalars; `what` names it. */
int spec_check_mapping(const spec_ctx *ctx, const yaml_node_t *node, const char *what);

/* The value of `key` in a checked mapping, or NULL; *key_node (if not NULL) gets the key. */
yaml_node_t *spec_get(const spec_ctx *ctx, const yaml_node_t *map, const char *key,
                      yaml_node_t **key_node);

/* Fails naming an unknown key (noun: "key", "operator"), suggesting the allowed key it is a
 * typo of; `what` names the mapping it is in. */
int spec_unknown_key(const spec_ctx *ctx, const yaml_node_t *key, const char *noun,
                     const char *what, const char *const *allowed);

/* Fails on the first key of a checked mapping that is not in the NULL-terminated list. */
int spec_check_keys(const spec_ctx *ctx, const yaml_node_t *map, const char *what,
                    const char *const *allowed);

/* A non-empty text value without NUL bytes, copied; `key` names it in messages. */
int spec_string(const spec_ctx *ctx, const yaml_node_t *node, const char *key, char **out);
/* true / false (also yes / no, on / off, in any case). */
int spec_bool(const spec_ctx *ctx, const yaml_node_t *node, const char *key, bool *out);
/* A class by name or index. */
int spec_class(const spec_ctx *ctx, const yaml_node_t *node, const char *key, int32_t *out);
/* A file name, resolved against the spec's folder unless absolute. */
int spec_file(const spec_ctx *ctx, const yaml_node_t *node, const char *key, char **out);

/* The keys of each kind (apart from name, kind, group and description). */
extern const char *const *const spec_kind_keys[];
/* Reads the kind-specific keys of an LF whose name, kind and vote are set. */
int spec_parse_kind(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map);

/* The keys of an llm LF (spec_llm.c). */
int spec_parse_llm(spec_ctx *ctx, lf_def *lf, const yaml_node_t *map);
/* The spec's top-level llm section (spec_llm_prices.c). */
int spec_parse_llm_section(spec_ctx *ctx, const yaml_node_t *root);
/* Its logprobs, samples and min_confidence (spec_llm_confidence.c), after temperature. */
int spec_parse_llm_confidence(spec_ctx *ctx, lf_llm *llm, const yaml_node_t *map);
/* Replaces each llm LF that has variants by one LF per variant (name#1, ...), grouped. */
int spec_llm_expand(spec_ctx *ctx);

/* A condition tree (the `when` of a heuristic LF). */
int spec_parse_condition(heuristic_node **out, spec_ctx *ctx, const yaml_node_t *node);

/* A decimal number in s[0..len), blanks around it allowed (no hex, inf or nan). */
bool heuristic_parse_number(const char *s, size_t len, double *out);

/* The class named by name[0..len): its exact name first, then its index in decimal; or -1. */
int32_t lf_set_class_index_n(const chorus_lf_set *set, const char *name, size_t len);
/* "HAM, SPAM" into buf, ending in "..." when there are too many classes to list. */
void lf_set_format_classes(const chorus_lf_set *set, char *buf, size_t size);

#endif
