/*
 * Loading a labeling-function spec: the YAML file, its top level (task, classes, data,
 * lfs) and what every LF has (name, kind, vote, group). Everything is checked here, before
 * any data is read, so a broken spec fails in a second rather than after a long apply.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error_internal.h"
#include "core/path.h"
#include "core/utf8.h"
#include "lf/spec_internal.h"

/* Specs are written by hand; anything this large is a wrong file (long lists belong in
 * lookup list files, which have no such limit). */
#define SPEC_MAX_BYTES (16 << 20)

static const char *const kind_names[] = {"keyword", "regex",  "heuristic", "lookup",
                                         "column",  "plugin", "llm",       NULL};
static const char *const top_keys[] = {"task", "classes",     "data", "lfs",
                                       "llm",  "description", NULL};
static const char *const data_keys[] = {"id", "text", "gold", NULL};

/* The folder of the spec and its file name without the extension (the default task). */
static int split_path(chorus_lf_set *set, const char *path)
{
    const char *slash = strrchr(path, '/');
    set->dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    set->task = strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
    set->path = strdup(path);
    return set->dir && set->task && set->path ? CHORUS_OK : chorus_error_nomem();
}

static int parse_classes(spec_ctx *ctx, const yaml_node_t *root)
{
    chorus_lf_set *set = ctx->set;
    const yaml_node_t *node = spec_get(ctx, root, "classes", NULL);
    if (!node)
        return spec_error(ctx, CHORUS_EFORMAT, root,
                          "no classes; expected classes: [NAME, NAME, ...] with 2 or more names");
    if (node->type != YAML_SEQUENCE_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "classes is %s; expected a list of 2 or more names",
                          spec_shape_name(node));
    int64_t n = node->data.sequence.items.top - node->data.sequence.items.start;
    if (n < 2)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "%" PRId64 " class%s given; expected 2 or more class names", n,
                          n == 1 ? "" : "es");
    if (n > 65535)
        return spec_error(ctx, CHORUS_EFORMAT, node, "%" PRId64 " classes; expected at most 65535",
                          n);
    set->classes = calloc((size_t)n, sizeof *set->classes);
    if (!set->classes) return chorus_error_nomem();
    for (int32_t k = 0; k < (int32_t)n; k++) {
        const yaml_node_t *item = spec_node(ctx, node->data.sequence.items.start[k]);
        int rc = spec_string(ctx, item, "a class name", &set->classes[k]);
        if (rc) return rc;
        set->n_classes = k + 1;
        for (int32_t i = 0; i < k; i++)
            if (strcmp(set->classes[i], set->classes[k]) == 0)
                return spec_error(ctx, CHORUS_EFORMAT, item,
                                  "class '%s' appears twice (lines %" PRId64 " and %" PRId64
                                  "); expected unique class names",
                                  set->classes[k],
                                  spec_line(spec_node(ctx, node->data.sequence.items.start[i])),
                                  spec_line(item));
        /* Votes and gold labels may name a class by its index, so a class named like a
         * number must be that number, or "1" would mean two different classes. */
        const char *s = set->classes[k];
        size_t digits = strspn(s, "0123456789");
        if (digits == strlen(s) && digits <= 9 && atoi(s) != k)
            return spec_error(ctx, CHORUS_EFORMAT, item,
                              "class '%s' is a number other than its position %" PRId32
                              "; expected names, or the numbers 0, 1, ... in order (votes and "
                              "gold labels may name a class by its index)",
                              s, k);
    }
    return CHORUS_OK;
}

static int parse_data(spec_ctx *ctx, const yaml_node_t *root)
{
    const yaml_node_t *node = spec_get(ctx, root, "data", NULL);
    if (!node) return CHORUS_OK;
    int rc = spec_check_mapping(ctx, node, "data");
    if (!rc) rc = spec_check_keys(ctx, node, "data", data_keys);
    char **slots[] = {&ctx->set->id_field, &ctx->set->text_field, &ctx->set->gold_field};
    for (int i = 0; i < 3 && !rc; i++) {
        const yaml_node_t *value = spec_get(ctx, node, data_keys[i], NULL);
        char what[16];
        snprintf(what, sizeof what, "data.%s", data_keys[i]);
        if (value) rc = spec_string(ctx, value, what, slots[i]);
    }
    return rc;
}

static bool valid_name(const char *name)
{
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.#-") ==
           strlen(name);
}

/* Checks the keys of an LF against its kind, with a pointed message for keys that belong to
 * another kind and for `vote` where the data or the plugin supplies the vote. */
static int check_lf_keys(const spec_ctx *ctx, const lf_def *lf, const yaml_node_t *map)
{
    const char *const *own = spec_kind_keys[lf->kind];
    const char *allowed[32];
    int n = 0;
    allowed[n++] = "name";
    allowed[n++] = "kind";
    for (int i = 0; own[i]; i++)
        allowed[n++] = own[i];
    allowed[n++] = "group";
    allowed[n++] = "description";
    allowed[n] = NULL;
    char list[512] = "";
    for (int i = 0, used = 0; allowed[i] && used < (int)sizeof list; i++)
        used +=
            snprintf(list + used, sizeof list - (size_t)used, "%s%s", i ? ", " : "", allowed[i]);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const yaml_node_t *key = spec_node(ctx, p->key);
        const char *name = (const char *)key->data.scalar.value;
        int i = 0;
        while (allowed[i] && strcmp(allowed[i], name) != 0)
            i++;
        if (allowed[i]) continue;
        if (strcmp(name, "vote") == 0)
            return spec_error(ctx, CHORUS_EFORMAT, key,
                              "a %s labeling function takes its vote from %s, so 'vote' does "
                              "not apply; expected no vote key",
                              kind_names[lf->kind],
                              lf->kind == LF_COLUMN ? "the data (see map)"
                              : lf->kind == LF_LLM  ? "the answer (see verbalizer)"
                                                    : "the plugin");
        for (int k = 0; kind_names[k]; k++)
            for (int j = 0; spec_kind_keys[k][j]; j++)
                if (strcmp(spec_kind_keys[k][j], name) == 0)
                    return spec_error(ctx, CHORUS_EFORMAT, key,
                                      "key '%s' belongs to %s labeling functions, not %s; "
                                      "expected one of %s",
                                      name, kind_names[k], kind_names[lf->kind], list);
        char what[64];
        snprintf(what, sizeof what, "a %s labeling function", kind_names[lf->kind]);
        return spec_unknown_key(ctx, key, "key", what, allowed);
    }
    return CHORUS_OK;
}

static int parse_lf(spec_ctx *ctx, int32_t j, const yaml_node_t *node)
{
    chorus_lf_set *set = ctx->set;
    lf_def *lf = &set->lfs[j];
    ctx->lf_name = NULL;
    ctx->lf_number = j + 1;
    lf->line = spec_line(node);
    if (node->type != YAML_MAPPING_NODE)
        return spec_check_mapping(ctx, node, "a labeling function");
    /* The name first, so that every later message can say which LF it is about. */
    const yaml_node_t *value = spec_get(ctx, node, "name", NULL);
    if (!value)
        return spec_error(ctx, CHORUS_EFORMAT, node, "no name; expected name: <a unique name>");
    int rc = spec_string(ctx, value, "name", &lf->name);
    if (rc) return rc;
    if (!valid_name(lf->name))
        return spec_error(ctx, CHORUS_EFORMAT, value,
                          "name '%.60s' has characters other than letters, digits and _.#-; "
                          "expected a name such as keyword_my_channel",
                          lf->name);
    ctx->lf_name = lf->name;
    if ((rc = spec_check_mapping(ctx, node, "a labeling function"))) return rc;
    int64_t earlier;
    if ((rc = spec_names_add(ctx->names, lf->name, strlen(lf->name), j, &earlier))) return rc;
    if (earlier >= 0)
        return spec_error(ctx, CHORUS_EFORMAT, value,
                          "defined twice (lines %" PRId64 " and %" PRId64
                          "); expected unique names",
                          set->lfs[earlier].line, lf->line);

    value = spec_get(ctx, node, "kind", NULL);
    if (!value)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "no kind; expected kind: one of keyword, regex, heuristic, lookup, "
                          "column, plugin, llm");
    char *kind = NULL;
    if ((rc = spec_string(ctx, value, "kind", &kind))) return rc;
    int k = 0;
    while (kind_names[k] && strcmp(kind_names[k], kind) != 0)
        k++;
    if (!kind_names[k]) {
        rc = spec_error(ctx, CHORUS_EFORMAT, value,
                        "kind '%.40s' is not supported by this version of chorus; expected one "
                        "of keyword, regex, heuristic, lookup, column, plugin, llm",
                        kind);
        free(kind);
        return rc;
    }
    free(kind);
    lf->kind = (lf_kind)k;
    if ((rc = check_lf_keys(ctx, lf, node))) return rc;

    lf->vote = CHORUS_ABSTAIN;
    if (lf->kind != LF_COLUMN && lf->kind != LF_PLUGIN && lf->kind != LF_LLM) {
        value = spec_get(ctx, node, "vote", NULL);
        if (!value) {
            char classes[256];
            lf_set_format_classes(set, classes, sizeof classes);
            return spec_error(ctx, CHORUS_EFORMAT, node,
                              "no vote; expected vote: <the class it votes when it fires>, one "
                              "of %s",
                              classes);
        }
        if ((rc = spec_class(ctx, value, "vote", &lf->vote))) return rc;
    }
    if ((value = spec_get(ctx, node, "group", NULL)) &&
        (rc = spec_string(ctx, value, "group", &lf->group)))
        return rc;
    char *description = NULL;
    if ((value = spec_get(ctx, node, "description", NULL)) &&
        (rc = spec_string(ctx, value, "description", &description)))
        return rc;
    free(description);
    if ((rc = spec_parse_kind(ctx, lf, node))) return rc;
    if (!lf_def_field(set, lf) && lf->kind != LF_HEURISTIC && lf->kind != LF_PLUGIN &&
        lf->kind != LF_LLM)
        return spec_error(ctx, CHORUS_EFORMAT, node,
                          "no field to read; expected field: <name> here, or data: {text: "
                          "<name>} as the default of keyword, regex and lookup LFs");
    return CHORUS_OK;
}

static int parse_root(spec_ctx *ctx, const yaml_node_t *root)
{
    chorus_lf_set *set = ctx->set;
    int rc = spec_check_mapping(ctx, root, "the spec");
    if (!rc) rc = spec_check_keys(ctx, root, "the spec", top_keys);
    if (!rc) rc = parse_classes(ctx, root);
    if (!rc) rc = parse_data(ctx, root);
    if (!rc) rc = spec_parse_llm_section(ctx, root);
    const yaml_node_t *value = spec_get(ctx, root, "task", NULL);
    if (!rc && value) {
        free(set->task);
        rc = spec_string(ctx, value, "task", &set->task);
    }
    char *description = NULL;
    if (!rc && (value = spec_get(ctx, root, "description", NULL)))
        rc = spec_string(ctx, value, "description", &description);
    free(description);
    if (rc) return rc;

    const yaml_node_t *lfs = spec_get(ctx, root, "lfs", NULL);
    if (!lfs)
        return spec_error(ctx, CHORUS_EFORMAT, root,
                          "no lfs; expected lfs: a list of 1 or more labeling functions");
    if (lfs->type != YAML_SEQUENCE_NODE)
        return spec_error(ctx, CHORUS_EFORMAT, lfs,
                          "lfs is %s; expected a list of 1 or more labeling functions",
                          spec_shape_name(lfs));
    int64_t n = lfs->data.sequence.items.top - lfs->data.sequence.items.start;
    if (n == 0)
        return spec_error(ctx, CHORUS_EFORMAT, lfs,
                          "lfs is empty; expected 1 or more labeling functions");
    if (n > SPEC_MAX_LFS)
        return spec_error(ctx, CHORUS_EFORMAT, lfs,
                          "%" PRId64 " labeling functions; expected at most %d", n, SPEC_MAX_LFS);
    set->lfs = calloc((size_t)n, sizeof *set->lfs);
    if (!set->lfs) return chorus_error_nomem();
    set->n_lfs = (int32_t)n;
    for (int32_t j = 0; j < set->n_lfs && !rc; j++)
        rc = parse_lf(ctx, j, spec_node(ctx, lfs->data.sequence.items.start[j]));
    return rc ? rc : spec_llm_expand(ctx);
}

/* Line and column (1-based) of byte `offset` of text. */
static void text_position(const char *text, size_t offset, int64_t *line, int64_t *column)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *column = (int64_t)(offset - start) + 1;
}

static int yaml_problem(const yaml_parser_t *parser, const char *path, const char *text)
{
    if (parser->error == YAML_MEMORY_ERROR) return chorus_error_nomem();
    if (parser->error == YAML_READER_ERROR) {
        int64_t line, column;
        text_position(text, parser->problem_offset, &line, &column);
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": column %" PRId64 " (byte %zu): %s; expected a "
                                "UTF-8 text file in YAML",
                                path, line, column, parser->problem_offset, parser->problem);
    }
    char context[160] = "";
    if (parser->context)
        snprintf(context, sizeof context, " (%s on line %zu)", parser->context,
                 parser->context_mark.line + 1);
    return chorus_error_set(CHORUS_EFORMAT, "%s:%zu: YAML syntax error: %s%s; expected valid YAML",
                            path, parser->problem_mark.line + 1,
                            parser->problem ? parser->problem : "unknown problem", context);
}

/* The whole file, NUL-terminated: a spec is small, and both passes below read it. */
static int read_spec_file(const char *path, char **out, size_t *len)
{
    *out = NULL;
    int rc = chorus_path_check_regular(path, "a YAML spec");
    if (rc) return rc;
    FILE *fp = fopen(path, "rb");
    if (!fp) return chorus_error_set(CHORUS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) st.st_size = 0;
    /* The size is only a first guess (the file may change): reading goes on to the end. */
    size_t cap = st.st_size > 0 && st.st_size <= SPEC_MAX_BYTES ? (size_t)st.st_size + 2 : 4096;
    size_t n = 0;
    char *text = NULL;
    for (;;) {
        char *grown = realloc(text, cap);
        if (!grown) {
            rc = chorus_error_nomem();
            break;
        }
        text = grown;
        n += fread(text + n, 1, cap - 1 - n, fp);
        if (ferror(fp)) {
            rc = chorus_error_set(CHORUS_EIO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (n > SPEC_MAX_BYTES) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s: more than %d MiB; expected a labeling-function spec "
                                  "under that (long lists belong in lookup list files)",
                                  path, SPEC_MAX_BYTES >> 20);
            break;
        }
        if (n < cap - 1) break; /* the end of the file */
        cap = cap * 2 < (size_t)SPEC_MAX_BYTES + 2 ? cap * 2 : (size_t)SPEC_MAX_BYTES + 2;
    }
    fclose(fp);
    if (rc) {
        free(text);
        return rc;
    }
    text[n] = '\0';
    *out = text;
    *len = n;
    return CHORUS_OK;
}

/*
 * Checks what libyaml would take long over before it builds a document: the text must be
 * UTF-8 (named by line and column) and collections nested at most SPEC_MAX_NESTING deep
 * (libyaml spends time growing with the square of the depth before it would fail).
 */
static int check_events(const char *path, const char *text, size_t len)
{
    size_t valid = chorus_utf8_valid_prefix(text, len);
    if (valid < len) {
        int64_t line, column;
        text_position(text, valid, &line, &column);
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s:%" PRId64 ": column %" PRId64 ": invalid UTF-8 (byte 0x%02X "
                                "at offset %zu); expected a UTF-8 text file in YAML",
                                path, line, column, (unsigned char)text[valid], valid);
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return chorus_error_nomem();
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = CHORUS_OK, depth = 0;
    /* The items of the top-level lfs list are counted as they come, so that a spec with
     * far too many LFs fails before the rest of the file is read. */
    bool root_key = true, lfs_next = false, in_lfs = false;
    int64_t n_lfs = 0;
    for (bool end = false; !end && !rc;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            rc = yaml_problem(&parser, path, text);
            break;
        }
        bool starts_node = event.type == YAML_SCALAR_EVENT || event.type == YAML_ALIAS_EVENT ||
                           event.type == YAML_SEQUENCE_START_EVENT ||
                           event.type == YAML_MAPPING_START_EVENT;
        if (starts_node && depth == 1) {
            if (root_key)
                lfs_next = event.type == YAML_SCALAR_EVENT &&
                           strcmp((const char *)event.data.scalar.value, "lfs") == 0;
            else
                in_lfs = lfs_next && event.type == YAML_SEQUENCE_START_EVENT;
            root_key = !root_key;
        } else if (starts_node && depth == 2 && in_lfs && ++n_lfs > SPEC_MAX_LFS) {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s:%zu: more than %d labeling functions; expected at most %d",
                                  path, event.start_mark.line + 1, SPEC_MAX_LFS, SPEC_MAX_LFS);
        }
        if (event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT) {
            if (++depth > SPEC_MAX_NESTING)
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s:%zu: lists and mappings nested more than %d deep; "
                                      "expected a labeling-function spec",
                                      path, event.start_mark.line + 1, SPEC_MAX_NESTING);
        } else if (event.type == YAML_SEQUENCE_END_EVENT || event.type == YAML_MAPPING_END_EVENT) {
            if (--depth == 1) in_lfs = false;
        }
        end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int chorus_lf_set_load(chorus_lf_set **out, const char *path)
{
    return chorus_lf_set_load_with_lock(out, path, NULL);
}

int chorus_lf_set_load_with_lock(chorus_lf_set **out, const char *path, const char *lock_path)
{
    if (!out || !path) return chorus_error_set(CHORUS_EINVAL, "lf set: out and path are required");
    *out = NULL;
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    bool have_parser = false, have_doc = false;
    char *text = NULL;
    size_t len = 0;
    int64_t n_expanded_bytes = 0;
    spec_names names = {0};
    int rc = CHORUS_OK;
    chorus_lf_set *set = calloc(1, sizeof *set);
    if (!set) return chorus_error_nomem();
    if ((rc = split_path(set, path))) goto done;
    if ((rc = read_spec_file(path, &text, &len))) goto done;
    if ((rc = check_events(path, text, len))) goto done;
    if (!yaml_parser_initialize(&parser)) {
        rc = chorus_error_nomem();
        goto done;
    }
    have_parser = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_problem(&parser, path, text);
        goto done;
    }
    have_doc = true;
    spec_ctx ctx = {path, &doc, set, NULL, 0, 0, &n_expanded_bytes, &names, lock_path};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s: the file is empty; expected a spec with classes and lfs", path);
        goto done;
    }
    if (!yaml_parser_load(&parser, &extra)) {
        rc = yaml_problem(&parser, path, text);
        goto done;
    }
    bool more = yaml_document_get_root_node(&extra) != NULL;
    int64_t extra_line = more ? (int64_t)extra.start_mark.line + 1 : 0;
    yaml_document_delete(&extra);
    if (more) {
        rc = chorus_error_set(CHORUS_EFORMAT,
                              "%s:%" PRId64 ": a second YAML document; expected one spec per file",
                              path, extra_line);
        goto done;
    }
    rc = parse_root(&ctx, root);
done:
    if (have_doc) yaml_document_delete(&doc);
    if (have_parser) yaml_parser_delete(&parser);
    spec_names_free(&names);
    free(text);
    if (rc) {
        chorus_lf_set_free(set);
        return rc;
    }
    *out = set;
    return CHORUS_OK;
}
