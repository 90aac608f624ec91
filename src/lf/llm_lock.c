/*
 * The lock file of a spec's llm labeling functions (spam.yaml -> spam.lock.yaml): what the
 * endpoint was asked for once and must not be asked again, and the few-shot examples chosen
 * from labelled items, pinned in YAML a person can read and edit. One entry per LF name:
 *
 *   "llm_spam":
 *     prompt: "Comment: {CONTENT}"
 *     paraphrases:
 *       - "Is this comment spam? {CONTENT}"
 *     examples:
 *       - item: "17"
 *         label: "SPAM"
 *         fields: {"CONTENT": "check out my channel"}
 *
 * What an entry holds is used as written, edited ones included; what it lacks (or a missing
 * file) is made again. The file is read whole and is small, so it is bounded hard.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "chorus/error.h"
#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "core/path.h"
#include "lf/lf_internal.h"

/* A lock holds a few rewordings per LF: far below this, and libyaml's cost stays small. */
#define LOCK_MAX_BYTES (4 << 20)
#define LOCK_MAX_NESTING 8

static int read_text(const char *path, char **out, size_t *len)
{
    *out = NULL;
    int rc = chorus_path_check_regular(path, "a lock file of paraphrases");
    if (rc) return rc;
    FILE *fp = fopen(path, "rb");
    if (!fp) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *text = malloc((size_t)LOCK_MAX_BYTES + 2);
    if (!text) {
        fclose(fp);
        return chorus_error_nomem();
    }
    size_t n = fread(text, 1, (size_t)LOCK_MAX_BYTES + 1, fp);
    int failed = ferror(fp);
    fclose(fp);
    if (failed)
        rc = chorus_error_set(CHORUS_EIO, "%s: cannot read: %s", path, strerror(errno));
    else if (n > LOCK_MAX_BYTES)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: longer than %d MiB; expected a lock file of paraphrases (a "
                              "few lines per labeling function)",
                              path, LOCK_MAX_BYTES >> 20);
    else if (memchr(text, '\0', n))
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: byte offset %zu: a NUL byte; expected a YAML text file", path,
                              (size_t)((char *)memchr(text, '\0', n) - text));
    if (rc) {
        free(text);
        return rc;
    }
    text[n] = '\0';
    *out = text;
    *len = n;
    return CHORUS_OK;
}

static int yaml_fault(const yaml_parser_t *parser, const char *path)
{
    if (parser->error == YAML_MEMORY_ERROR) return chorus_error_nomem();
    const yaml_mark_t *mark =
        parser->error == YAML_READER_ERROR ? &parser->mark : &parser->problem_mark;
    return chorus_error_set(
        CHORUS_EFORMAT,
        "%s:%zu: YAML syntax error: %s (byte offset %zu); expected the lock "
        "file chorus writes",
        path, mark->line + 1, parser->problem ? parser->problem : "unknown problem",
        parser->error == YAML_READER_ERROR ? parser->problem_offset : mark->index);
}

/* Stops deep nesting before libyaml builds a document (its cost grows with the depth²). */
static int check_nesting(const char *path, const char *text, size_t len)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return chorus_error_nomem();
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = CHORUS_OK, depth = 0;
    for (bool end = false; !end && !rc;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            rc = yaml_fault(&parser, path);
            break;
        }
        if (event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT) {
            if (++depth > LOCK_MAX_NESTING)
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%zu: lists and mappings nested more than %d deep; "
                                      "expected the lock file chorus writes",
                                      path, event.start_mark.line + 1, LOCK_MAX_NESTING);
        } else if (event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return rc;
}

/* Where a lock entry is being read, for messages. */
typedef struct lock_ctx {
    yaml_document_t *doc;
    const lf_llm *llm;
    const chorus_lf_set *set;
} lock_ctx;

static int lock_error(const lock_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lock_error(const lock_ctx *ctx, const yaml_node_t *node, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return chorus_error_set(CHORUS_EFORMAT, "%s:%zu: labeling function '%s': %s",
                            ctx->llm->lock_path, node->start_mark.line + 1, ctx->llm->lf_name,
                            what);
}

static bool is_key(const yaml_node_t *node, const char *key)
{
    return node && node->type == YAML_SCALAR_NODE && strlen(key) == node->data.scalar.length &&
           memcmp(node->data.scalar.value, key, node->data.scalar.length) == 0;
}

static const yaml_node_t *entry_value(const lock_ctx *ctx, const yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++)
        if (is_key(yaml_document_get_node(ctx->doc, p->key), key))
            return yaml_document_get_node(ctx->doc, p->value);
    return NULL;
}

static const yaml_node_t *item_node(const lock_ctx *ctx, const yaml_node_t *list, int64_t i)
{
    return yaml_document_get_node(ctx->doc, list->data.sequence.items.start[i]);
}

/* The entry's paraphrases: a list of n texts that pass lf_llm_paraphrases_set. */
static int read_paraphrases(const lock_ctx *ctx, lf_llm *llm, const yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return lock_error(ctx, list,
                          "paraphrases is not a list; expected paraphrases: [\"...\", ...] (delete "
                          "the entry to generate it again)");
    int64_t n = list->data.sequence.items.top - list->data.sequence.items.start;
    if (n != llm->n_paraphrases)
        return lock_error(ctx, list,
                          "%" PRId64 " paraphrases, but the spec asks for %" PRId32
                          " (paraphrases: %" PRId32 "); expected as many (delete the entry to "
                          "generate them again)",
                          n, llm->n_paraphrases, llm->n_paraphrases);
    const char **texts = calloc((size_t)n + 1, sizeof *texts);
    if (!texts) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (int64_t i = 0; i < n && !rc; i++) {
        const yaml_node_t *item = item_node(ctx, list, i);
        if (item->type != YAML_SCALAR_NODE || item->data.scalar.length == 0)
            rc = lock_error(ctx, item,
                            "paraphrase %" PRId64 " is not a text; expected a prompt template",
                            i + 1);
        else
            texts[i] = (const char *)item->data.scalar.value;
    }
    int32_t bad = -1;
    if (!rc && (rc = lf_llm_paraphrases_set(llm, texts, (int32_t)n, &bad)) == CHORUS_EFORMAT) {
        char why[512];
        snprintf(why, sizeof why, "%s", chorus_error_last());
        rc = lock_error(ctx, bad >= 0 ? item_node(ctx, list, bad) : list, "%s", why);
    }
    free(texts);
    return rc;
}

static const char *scalar_of(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* One pinned example: {item, label, fields: {FIELD: text}} with every field of the prompt. */
static int read_example(const lock_ctx *ctx, lf_llm *llm, const yaml_node_t *node, int64_t i)
{
    const char *item =
        node->type == YAML_MAPPING_NODE ? scalar_of(entry_value(ctx, node, "item")) : NULL;
    const char *label =
        node->type == YAML_MAPPING_NODE ? scalar_of(entry_value(ctx, node, "label")) : NULL;
    const yaml_node_t *fields =
        node->type == YAML_MAPPING_NODE ? entry_value(ctx, node, "fields") : NULL;
    if (!item || !label || !fields || fields->type != YAML_MAPPING_NODE)
        return lock_error(ctx, node,
                          "example %" PRId64 " is not {item: ID, label: CLASS, fields: {FIELD: "
                          "text}}; expected the form chorus writes (delete the examples to have "
                          "them chosen again)",
                          i + 1);
    llm_example *ex = &llm->examples[llm->n_examples];
    if (!(ex->values = calloc((size_t)llm->n_fields + 1, sizeof *ex->values)))
        return chorus_error_nomem();
    llm->n_examples++;
    if (!(llm->example_items[i] = strdup(item))) return chorus_error_nomem();
    if ((ex->label = lf_set_class_index(ctx->set, label)) < 0)
        return lock_error(ctx, node, "example %" PRId64 ": label '%.60s' is not a class", i + 1,
                          label);
    for (int32_t f = 0; f < llm->n_fields; f++) {
        if (!lf_llm_prompts_name(llm, f)) continue;
        const char *value = scalar_of(entry_value(ctx, fields, llm->fields[f]));
        if (!value)
            return lock_error(ctx, fields,
                              "example %" PRId64 " has no field '%s', which the prompt names; "
                              "expected every {field} of the prompt",
                              i + 1, llm->fields[f]);
        if (!(ex->values[f] = strdup(value))) return chorus_error_nomem();
    }
    return CHORUS_OK;
}

/* The entry's examples: those chorus chose from gold or review labels earlier. */
static int read_examples(const lock_ctx *ctx, lf_llm *llm, const yaml_node_t *list)
{
    if (list->type != YAML_SEQUENCE_NODE)
        return lock_error(ctx, list,
                          "examples is not a list; expected the examples chorus chose (delete "
                          "them to have them chosen again)");
    int64_t n = list->data.sequence.items.top - list->data.sequence.items.start;
    llm->examples = calloc((size_t)n + 1, sizeof *llm->examples);
    llm->example_items = calloc((size_t)n + 1, sizeof *llm->example_items);
    if (!llm->examples || !llm->example_items) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (int64_t i = 0; i < n && !rc; i++)
        rc = read_example(ctx, llm, item_node(ctx, list, i), i);
    llm->examples_pinned = !rc;
    return rc;
}

/* An entry: the paraphrases and examples the LF asks chorus for, those that are there. */
static int read_entry(const lock_ctx *ctx, lf_llm *llm, const yaml_node_t *entry)
{
    static const char *const keys[] = {"prompt", "paraphrases", "examples", NULL};
    if (entry->type != YAML_MAPPING_NODE)
        return lock_error(ctx, entry,
                          "the entry is not a mapping; expected prompt:, "
                          "paraphrases: and examples: (delete the entry to have it "
                          "written again)");
    for (yaml_node_pair_t *p = entry->data.mapping.pairs.start; p < entry->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = yaml_document_get_node(ctx->doc, p->key);
        bool known = false;
        for (int i = 0; keys[i]; i++)
            known = known || is_key(key, keys[i]);
        if (!known)
            return lock_error(ctx, key,
                              "unknown key in the entry; expected prompt, paraphrases and "
                              "examples");
    }
    const yaml_node_t *list = entry_value(ctx, entry, "paraphrases");
    int rc = CHORUS_OK;
    if (list && llm->n_paraphrases) rc = read_paraphrases(ctx, llm, list);
    list = entry_value(ctx, entry, "examples");
    if (!rc && list && llm->examples_from != LLM_EXAMPLES_LISTED)
        rc = read_examples(ctx, llm, list);
    const yaml_node_t *prompt = entry_value(ctx, entry, "prompt");
    if (!rc && llm->n_paraphrases && prompt && prompt->type == YAML_SCALAR_NODE &&
        strcmp((const char *)prompt->data.scalar.value, llm->prompt_source) != 0)
        chorus_log(CHORUS_LOG_WARN,
                   "%s:%zu: labeling function '%s': the paraphrases are of another prompt than "
                   "the spec's; they are used as written (delete the entry to have the new "
                   "prompt paraphrased)",
                   llm->lock_path, prompt->start_mark.line + 1, llm->lf_name);
    return rc;
}

int lf_llm_lock_read(lf_llm *llm, const chorus_lf_set *set)
{
    struct stat st;
    if (stat(llm->lock_path, &st) != 0) {
        if (errno == ENOENT) return CHORUS_OK; /* nothing pinned yet */
        return chorus_error_set(CHORUS_EIO, "%s: cannot read: %s", llm->lock_path, strerror(errno));
    }
    char *text = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    yaml_document_t doc;
    bool have_parser = false, have_doc = false;
    int rc = read_text(llm->lock_path, &text, &len);
    if (!rc) rc = check_nesting(llm->lock_path, text, len);
    if (!rc && !(have_parser = yaml_parser_initialize(&parser))) rc = chorus_error_nomem();
    if (!rc) {
        yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
        if (!(have_doc = yaml_parser_load(&parser, &doc))) rc = yaml_fault(&parser, llm->lock_path);
    }
    const yaml_node_t *root = have_doc ? yaml_document_get_root_node(&doc) : NULL;
    lock_ctx ctx = {&doc, llm, set};
    if (!rc && root && root->type != YAML_MAPPING_NODE)
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%zu: the file is not a mapping; expected one entry per "
                              "labeling function (delete the file to generate it again)",
                              llm->lock_path, root->start_mark.line + 1);
    for (yaml_node_pair_t *p = root && !rc ? root->data.mapping.pairs.start : NULL;
         p && p < root->data.mapping.pairs.top; p++)
        if (is_key(yaml_document_get_node(&doc, p->key), llm->lf_name)) {
            rc = read_entry(&ctx, llm, yaml_document_get_node(&doc, p->value));
            break;
        }
    if (have_doc) yaml_document_delete(&doc);
    if (have_parser) yaml_parser_delete(&parser);
    free(text);
    return rc;
}

/* A YAML double-quoted scalar: JSON's string escapes are YAML's. */
static int put_text(FILE *fp, const char *text)
{
    json_t *s = json_string(text);
    char *quoted = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_decref(s);
    if (!quoted) return chorus_error_nomem();
    fputs(quoted, fp);
    free(quoted);
    return CHORUS_OK;
}

/* The examples chorus chose, each with its item, label and the text of its fields. */
static int put_examples(FILE *fp, const chorus_lf_set *set, const lf_llm *llm)
{
    fputs("  examples:\n", fp);
    int rc = CHORUS_OK;
    for (int32_t e = 0; e < llm->n_examples && !rc; e++) {
        fputs("    - item: ", fp);
        rc = put_text(fp, llm->example_items[e]);
        if (!rc) fputs("\n      label: ", fp);
        if (!rc) rc = put_text(fp, set->classes[llm->examples[e].label]);
        if (!rc) fputs("\n      fields: {", fp);
        for (int32_t f = 0, n = 0; f < llm->n_fields && !rc; f++) {
            if (!llm->examples[e].values[f]) continue;
            if (n++) fputs(", ", fp);
            rc = put_text(fp, llm->fields[f]);
            if (!rc) fputs(": ", fp);
            if (!rc) rc = put_text(fp, llm->examples[e].values[f]);
        }
        fputs("}\n", fp);
    }
    return rc;
}

/* An LF has an entry once something of it is pinned. */
static bool has_entry(const lf_llm *llm)
{
    return llm->paraphrases || (llm->examples_from != LLM_EXAMPLES_LISTED && llm->examples_pinned);
}

int lf_llm_lock_write(const chorus_lf_set *set, const char *path)
{
    chorus_atomic_file file;
    int rc = chorus_atomic_open(&file, path);
    if (rc) return rc;
    fprintf(file.fp,
            "# Pinned by chorus for %s: the paraphrases its llm labeling functions had the\n"
            "# endpoint write and the examples chosen for them. Used as written (edit freely);\n"
            "# delete an entry's paraphrases or examples, or the file, to have them made again.\n",
            set->path);
    for (int32_t j = 0; j < set->n_lfs && !rc; j++) {
        const lf_llm *llm = set->lfs[j].kind == LF_LLM ? set->lfs[j].u.llm.spec : NULL;
        /* The variants of one LF share its spec: write it once, at its first. */
        if (!llm || !has_entry(llm) || strcmp(llm->lock_path, path) != 0 ||
            set->lfs[j].u.llm.variant > 0)
            continue;
        if (!(rc = put_text(file.fp, llm->lf_name))) fputs(":\n", file.fp);
        if (!rc && llm->prompt_source) {
            fputs("  prompt: ", file.fp);
            rc = put_text(file.fp, llm->prompt_source);
            fputc('\n', file.fp);
        }
        if (!rc && llm->paraphrases) fputs("  paraphrases:\n", file.fp);
        for (int32_t i = 0; llm->paraphrases && i < llm->n_paraphrases && !rc; i++) {
            fputs("    - ", file.fp);
            rc = put_text(file.fp, llm->paraphrases[i]);
            fputc('\n', file.fp);
        }
        if (!rc && llm->examples_from != LLM_EXAMPLES_LISTED && llm->examples_pinned)
            rc = put_examples(file.fp, set, llm);
    }
    if (rc) {
        chorus_atomic_abort(&file);
        return rc;
    }
    return chorus_atomic_commit(&file);
}
