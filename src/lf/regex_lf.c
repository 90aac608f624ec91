/*
 * Regex LFs on PCRE2. A compiled chorus_regex is read-only and shared by every matching
 * thread (PCRE2 allows that for compiled and JIT-compiled code); whatever a match writes
 * (match data, match context, JIT stack) lives in each thread's chorus_regex_scratch.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"

/* The JIT stack grows on demand from the first size up to the second; 1 MiB is far more
 * than a bounded match needs and keeps a runaway pattern to JIT_STACKLIMIT. */
#define REGEX_JIT_STACK_START (32 * 1024)
#define REGEX_JIT_STACK_MAX (1024 * 1024)

/* Room for this many capture pairs is made up front, so most patterns never regrow it. */
#define REGEX_INITIAL_PAIRS 16

struct chorus_regex {
    pcre2_code *code;
    uint32_t n_pairs; /* capture groups + 1: what a full ovector needs */
};

struct chorus_regex_scratch {
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit_stack; /* NULL when PCRE2 was built without JIT */
    pcre2_match_data *md;
    uint32_t md_pairs;
};

static int parse_flags(uint32_t *options, const char *flags)
{
    *options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    for (const char *f = flags ? flags : ""; *f; f++) {
        switch (*f) {
        case 'i':
            *options |= PCRE2_CASELESS;
            break;
        case 'm':
            *options |= PCRE2_MULTILINE;
            break;
        case 's':
            *options |= PCRE2_DOTALL;
            break;
        case 'x':
            *options |= PCRE2_EXTENDED;
            break;
        case 'u':
            /* Unicode properties for \w, \d, \s, \b: Python 3's re semantics for str. */
            *options |= PCRE2_UCP;
            break;
        default:
            return chorus_error_set(CHORUS_EFORMAT,
                                    "unknown regex flag '%c'; expected i, m, s, x or u", *f);
        }
    }
    return CHORUS_OK;
}

int chorus_regex_compile(chorus_regex **out, const char *pattern, const char *flags,
                         size_t *error_offset)
{
    int rc = CHORUS_OK;
    chorus_regex *re = NULL;
    uint32_t options;
    *out = NULL;
    if (error_offset) *error_offset = 0;

    rc = parse_flags(&options, flags);
    if (rc != CHORUS_OK) goto done;
    re = calloc(1, sizeof *re);
    if (!re) {
        rc = chorus_error_nomem();
        goto done;
    }
    int errcode;
    PCRE2_SIZE offset;
    re->code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options, &errcode, &offset, NULL);
    if (!re->code) {
        if (errcode == PCRE2_ERROR_HEAP_FAILED) {
            rc = chorus_error_nomem();
            goto done;
        }
        PCRE2_UCHAR message[256];
        if (pcre2_get_error_message(errcode, message, sizeof message) < 0) {
            /* Only a too-small buffer or an unknown code; the code itself still helps. */
            snprintf((char *)message, sizeof message, "PCRE2 error %d", errcode);
        }
        if (error_offset) *error_offset = offset;
        rc = chorus_error_set(CHORUS_EFORMAT, "%s (at offset %zu)", (const char *)message,
                              (size_t)offset);
        goto done;
    }
    /* JIT is an optimisation only: without it (not built in, or executable memory denied)
     * pcre2_match runs the interpreter with the same results. */
    (void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
    uint32_t captures = 0;
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &captures);
    re->n_pairs = captures + 1;
    *out = re;
    re = NULL;
done:
    chorus_regex_free(re);
    return rc;
}

void chorus_regex_free(chorus_regex *re)
{
    if (!re) return;
    pcre2_code_free(re->code);
    free(re);
}

int chorus_regex_scratch_new(chorus_regex_scratch **out)
{
    int rc = CHORUS_OK;
    chorus_regex_scratch *s = NULL;
    *out = NULL;

    s = calloc(1, sizeof *s);
    if (!s) {
        rc = chorus_error_nomem();
        goto done;
    }
    s->mctx = pcre2_match_context_create(NULL);
    s->md = pcre2_match_data_create(REGEX_INITIAL_PAIRS, NULL);
    if (!s->mctx || !s->md) {
        rc = chorus_error_nomem();
        goto done;
    }
    s->md_pairs = REGEX_INITIAL_PAIRS;
    pcre2_set_match_limit(s->mctx, CHORUS_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, CHORUS_REGEX_DEPTH_LIMIT);
    uint32_t have_jit = 0;
    pcre2_config(PCRE2_CONFIG_JIT, &have_jit);
    if (have_jit) {
        s->jit_stack = pcre2_jit_stack_create(REGEX_JIT_STACK_START, REGEX_JIT_STACK_MAX, NULL);
        if (!s->jit_stack) {
            rc = chorus_error_nomem();
            goto done;
        }
        pcre2_jit_stack_assign(s->mctx, NULL, s->jit_stack);
    }
    *out = s;
    s = NULL;
done:
    chorus_regex_scratch_free(s);
    return rc;
}

void chorus_regex_scratch_free(chorus_regex_scratch *scratch)
{
    if (!scratch) return;
    pcre2_match_data_free(scratch->md);
    pcre2_jit_stack_free(scratch->jit_stack);
    pcre2_match_context_free(scratch->mctx);
    free(scratch);
}

int chorus_regex_match(const chorus_regex *re, const char *text, size_t len,
                       chorus_regex_scratch *scratch)
{
    if (scratch->md_pairs < re->n_pairs) {
        /* Grown only for patterns with many groups. If that fails the old match data still
         * works: PCRE2 then fills what fits and returns 0, which is still a match. */
        pcre2_match_data *md = pcre2_match_data_create(re->n_pairs, NULL);
        if (md) {
            pcre2_match_data_free(scratch->md);
            scratch->md = md;
            scratch->md_pairs = re->n_pairs;
        }
    }
    /* Older PCRE2 releases reject a NULL subject even when it is empty. */
    PCRE2_SPTR subject = (PCRE2_SPTR)(text ? text : "");
    /* pcre2_match runs the JIT code when there is some, with the scratch's JIT stack. */
    int rc = pcre2_match(re->code, subject, len, 0, 0, scratch->md, scratch->mctx);
    if (rc >= 0) return 1;
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL) return 0;
    /* MATCHLIMIT, DEPTHLIMIT, JIT_STACKLIMIT, HEAPLIMIT or NOMEMORY: the text could not be
     * decided within the limits. Invalid UTF-8 is not an error under MATCH_INVALID_UTF. */
    return -1;
}
