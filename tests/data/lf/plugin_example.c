/*
 * A plugin labeling function for the tests and the documentation: votes SPAM (1) on a
 * comment with a link, HAM (0) otherwise. Build: cc -shared -fPIC -I include -o
 * libexample.so plugin_example.c
 */
#include <stdlib.h>
#include <string.h>

#include "chorus/data.h"

int lf_has_link(const chorus_record *record, void *ctx);
void *lf_has_link_init(void);
void lf_has_link_fini(void *ctx);
int lf_no_context(const chorus_record *record, void *ctx);
int lf_bad_vote(const chorus_record *record, void *ctx);

typedef struct link_ctx {
    const char *needle; /* what counts as a link */
} link_ctx;

/* Called once when the spec is loaded; what it returns is every call's ctx. */
void *lf_has_link_init(void)
{
    link_ctx *ctx = malloc(sizeof *ctx);
    if (ctx) ctx->needle = "http";
    return ctx;
}

/* Called once when the set is freed. */
void lf_has_link_fini(void *ctx)
{
    free(ctx);
}

/* Called from several threads at once: it only reads the record and ctx. */
int lf_has_link(const chorus_record *record, void *ctx)
{
    const link_ctx *c = ctx;
    if (!c) return -2; /* no context: a bug the tests would see as an invalid vote */
    const char *text = chorus_record_get(record, "text", NULL);
    if (!text) return -1; /* abstain on records without text */
    return strstr(text, c->needle) ? 1 : 0;
}

/* Without an init function, ctx is NULL. */
int lf_no_context(const chorus_record *record, void *ctx)
{
    (void)record;
    return ctx ? 1 : 0;
}

/* A broken plugin: votes a class the task does not have. */
int lf_bad_vote(const chorus_record *record, void *ctx)
{
    (void)record;
    (void)ctx;
    return 7;
}
