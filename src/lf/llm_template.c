/*
 * The prompt templates of llm labeling functions: text with {FIELD} placeholders cut into
 * literal pieces and field references, shared by the spec reader (spec_llm.c), the lock file
 * (llm_lock.c) and the paraphrases the endpoint writes (llm_paraphrase.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "lf/lf_internal.h"

static int find_field(const lf_llm *llm, const char *name, size_t len)
{
    for (int32_t f = 0; f < llm->n_fields; f++)
        if (strlen(llm->fields[f]) == len && memcmp(llm->fields[f], name, len) == 0) return f;
    return -1;
}

static int add_field(lf_llm *llm, const char *name, size_t len, bool known_only, const char *what,
                     int32_t *index)
{
    if ((*index = find_field(llm, name, len)) >= 0) return CHORUS_OK;
    if (known_only)
        return chorus_error_set(CHORUS_EFORMAT,
                                "%s names the field {%.*s}, which the prompt does not; expected "
                                "the prompt's own placeholders",
                                what, (int)(len > 64 ? 64 : len), name);
    char **grown = realloc(llm->fields, ((size_t)llm->n_fields + 1) * sizeof *grown);
    if (!grown) return chorus_error_nomem();
    llm->fields = grown;
    if (!(grown[llm->n_fields] = strndup(name, len))) return chorus_error_nomem();
    *index = llm->n_fields++;
    return CHORUS_OK;
}

static int add_segment(llm_template *t, char *text, int32_t field)
{
    llm_segment *grown = realloc(t->segs, ((size_t)t->n + 1) * sizeof *grown);
    if (!grown) {
        free(text);
        return chorus_error_nomem();
    }
    t->segs = grown;
    t->segs[t->n++] = (llm_segment){text, field};
    return CHORUS_OK;
}

/* The literal text gathered so far becomes a segment. */
static int flush_text(llm_template *t, char *text, size_t *used)
{
    if (!*used) return CHORUS_OK;
    text[*used] = '\0';
    *used = 0;
    char *copy = strdup(text);
    return copy ? add_segment(t, copy, -1) : chorus_error_nomem();
}

int lf_llm_template_parse(lf_llm *llm, const char *s, const char *what, bool known_fields_only,
                          llm_template *t)
{
    size_t used = 0;
    char *text = malloc(strlen(s) + 1);
    if (!text) return chorus_error_nomem();
    int rc = CHORUS_OK;
    for (const char *p = s; *p && !rc;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            text[used++] = *p;
            p += 2;
        } else if (*p == '}') {
            rc = chorus_error_set(CHORUS_EFORMAT,
                                  "%s has a lone '}'; expected {field} placeholders, and }} for "
                                  "a literal brace",
                                  what);
        } else if (*p == '{') {
            const char *end = strchr(p + 1, '}');
            size_t len = end ? (size_t)(end - p - 1) : 0;
            if (!end || len == 0 || memchr(p + 1, '{', len)) {
                rc = chorus_error_set(CHORUS_EFORMAT,
                                      "%s has a '{' that opens no {field} placeholder; expected "
                                      "{FIELD}, and {{ for a literal brace",
                                      what);
                break;
            }
            int32_t field = -1;
            rc = flush_text(t, text, &used);
            if (!rc) rc = add_field(llm, p + 1, len, known_fields_only, what, &field);
            if (!rc) rc = add_segment(t, NULL, field);
            p = end + 1;
        } else {
            text[used++] = *p++;
        }
    }
    if (!rc) rc = flush_text(t, text, &used);
    free(text);
    return rc;
}

void lf_llm_template_clear(llm_template *t)
{
    for (int32_t i = 0; i < t->n; i++)
        free(t->segs[i].text);
    free(t->segs);
    t->segs = NULL;
    t->n = 0;
}

bool lf_llm_prompts_name(const lf_llm *llm, int32_t f)
{
    for (int32_t i = 0; i < llm->n_prompts; i++)
        for (int32_t s = 0; s < llm->prompts[i].n; s++)
            if (!llm->prompts[i].segs[s].text && llm->prompts[i].segs[s].field == f) return true;
    return false;
}
