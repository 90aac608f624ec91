/*
 * The confidence of an llm LF's answer from its tokens' log-probabilities, and the votes
 * min_confidence makes of it. The arithmetic is in lf_llm_confidence's comment
 * (llm_confidence.h); everything here works on byte offsets into the answer, so the tokens
 * must spell out the answer exactly, which is checked first.
 */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error_internal.h"
#include "lf/llm_confidence.h"

/* Whether the tokens, joined, are the answer: then their offsets are offsets into it. */
static bool tokens_spell(const chorus_llm_result *res)
{
    size_t at = 0, len = strlen(res->content);
    for (int32_t i = 0; i < res->n_tokens; i++) {
        size_t n = strlen(res->tokens[i].text);
        if (n > len - at || memcmp(res->content + at, res->tokens[i].text, n) != 0) return false;
        at += n;
    }
    return at == len;
}

/*
 * The span of the label value in a JSON answer: after the quote that opens the string
 * following "key": up to its closing quote. false when there is none.
 */
static bool value_span(const char *answer, const char *key, size_t *from, size_t *to)
{
    size_t key_len = strlen(key);
    for (const char *p = strchr(answer, '"'); p; p = strchr(p + 1, '"')) {
        if (strncmp(p + 1, key, key_len) != 0 || p[1 + key_len] != '"') continue;
        const char *q = p + 2 + key_len;
        while (isspace((unsigned char)*q))
            q++;
        if (*q++ != ':') continue;
        while (isspace((unsigned char)*q))
            q++;
        if (*q != '"') continue;
        const char *end = q + 1;
        while (*end && *end != '"')
            end += end[0] == '\\' && end[1] ? 2 : 1;
        if (*end != '"' || end == q + 1) return false;
        *from = (size_t)(q + 1 - answer);
        *to = (size_t)(end - answer);
        return true;
    }
    return false;
}

static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '_';
}

/* Whether text (lowercase-compared) begins word, or is word followed by a non-word byte. */
static bool begins_word(const char *text, const char *word)
{
    size_t n = strlen(text), w = strlen(word);
    if (n <= w) return strncasecmp(text, word, n) == 0;
    return strncasecmp(text, word, w) == 0 && !word_char((unsigned char)text[w]);
}

/* The one class whose verbalizer words text begins; -1 for none or several. */
static int32_t class_begun(const lf_llm *llm, const char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    if (!*text) return -1;
    int32_t found = -1;
    for (int32_t k = 0; k < llm->n_classes; k++)
        for (int32_t i = 0; i < llm->n_words[k]; i++)
            if (begins_word(text, llm->words[k][i])) {
                if (found >= 0 && found != k) return -1;
                found = k;
            }
    return found;
}

/* The first token's share of the voted class among the classes its alternatives begin. */
static double class_share(const lf_llm *llm, const chorus_llm_token *t, const char *prefix,
                          size_t prefix_len, int32_t vote)
{
    double voted = 0, all = 0;
    bool chosen_listed = false;
    for (int32_t a = 0; a < t->n_top; a++) {
        const char *alt = t->top_text[a];
        double p = exp(t->top_logprob[a]);
        if (strcmp(alt, t->text) == 0) {
            chosen_listed = true;
            voted += p;
            all += p;
            continue;
        }
        if (strncmp(alt, prefix, prefix_len) != 0) continue;
        int32_t k = class_begun(llm, alt + prefix_len);
        if (k < 0) continue;
        all += p;
        if (k == vote) voted += p;
    }
    if (!chosen_listed) {
        voted += exp(t->logprob);
        all += exp(t->logprob);
    }
    return all > 0 ? voted / all : NAN;
}

double lf_llm_confidence(const lf_llm *llm, bool constrained, const chorus_llm_result *res)
{
    if (!res || !res->ok || !res->content || res->n_tokens == 0 || !tokens_spell(res)) return NAN;
    bool well_formed;
    int32_t vote = lf_llm_read_answer(llm, constrained, res->content, &well_formed);
    if (vote == CHORUS_ABSTAIN) return NAN;
    size_t from = 0, to = 0, len = 0;
    /* Read as lf_llm_read_answer reads it: a JSON object's label, else the words. */
    json_error_t err;
    json_t *root = json_loads(res->content, JSON_REJECT_DUPLICATES, &err);
    const bool labelled = json_is_string(json_object_get(root, llm->label_key));
    json_decref(root);
    if (!labelled || !value_span(res->content, llm->label_key, &from, &to)) {
        /* A free answer: the word that decided the vote. */
        if (lf_llm_verbalize_at(llm, res->content, &from, &len) != vote) return NAN;
        to = from + len;
    }
    double logprob = 0, share = 1;
    size_t at = 0;
    bool first = true;
    for (int32_t i = 0; i < res->n_tokens; i++) {
        const chorus_llm_token *t = &res->tokens[i];
        size_t end = at + strlen(t->text);
        if (end > from && at < to) {
            /* The first token's own probability gives way to its class share, if known. */
            if (first && t->n_top > 0)
                share = class_share(llm, t, t->text, from > at ? from - at : 0, vote);
            else
                logprob += t->logprob;
            first = false;
        }
        at = end;
    }
    if (first) return NAN; /* no token covers the span */
    double p = share * exp(logprob);
    return isnan(p) ? NAN : p < 0 ? 0 : p > 1 ? 1 : p;
}

int32_t lf_llm_vote(const lf_llm *llm, bool constrained, const char *answer, double confidence,
                    bool *well_formed, chorus_apply_report *rep)
{
    int32_t k = lf_llm_read_answer(llm, constrained, answer, well_formed);
    if (k == CHORUS_ABSTAIN) {
        rep->llm_unparsed++;
        return k;
    }
    /* With samples the confidence is their agreement, known once all are in. */
    if (!(llm->min_confidence > 0) || llm->samples > 1) return k;
    if (isnan(confidence)) {
        rep->llm_no_confidence++;
        return k;
    }
    if (confidence >= llm->min_confidence) return k;
    rep->llm_low_confidence++;
    return CHORUS_ABSTAIN;
}

void lf_llm_warn_no_confidence(const chorus_lf_set *set, int32_t lf, int64_t n)
{
    const lf_def *def = &set->lfs[lf];
    chorus_log(CHORUS_LOG_WARN,
               "%s:%" PRId64 ": labeling function '%s': min_confidence is set but %" PRId64
               " answers came without a confidence (the endpoint returned no log-probabilities "
               "for them); they were kept, not abstained on",
               set->path, def->line, def->name, n);
}
