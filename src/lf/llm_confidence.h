/*
 * How sure an llm LF is of an answer: the probability of the answer's class from the
 * log-probabilities of its tokens (logprobs: true), and the vote that min_confidence makes
 * of an answer with that probability. See docs/llm.md "Confidence".
 */
#ifndef CHORUS_LLM_CONFIDENCE_H
#define CHORUS_LLM_CONFIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "lf/lf_internal.h"
#include "llm/llm_client.h"

/*
 * The probability (0..1) of the class the answer in result votes for, or NAN when it votes
 * for none or came without usable log-probabilities (no tokens, or tokens that do not spell
 * out the answer). The answer's span is the verbalizer word that decided the vote in a free
 * answer, the label_key value in a JSON one; its tokens are those overlapping that span.
 * The probability is the product of those tokens' probabilities, its first factor replaced
 * by the share of the voted class among the classes that the first token's alternatives
 * (top_logprobs) begin: an alternative counts for a class when, once the chosen token's text
 * before the span is taken off, it begins (or is) a verbalizer word of that class and of no
 * other (case and leading blanks aside).
 */
double lf_llm_confidence(const lf_llm *llm, bool constrained, const chorus_llm_result *result);

/*
 * The vote of an answer with its confidence (NAN: unknown): as lf_llm_read_answer, then an
 * abstention when min_confidence is set and the confidence is below it. Counts in rep an
 * answer no word matched (llm_unparsed), one below min_confidence (llm_low_confidence) and
 * one kept without a confidence although min_confidence is set (llm_no_confidence).
 */
int32_t lf_llm_vote(const lf_llm *llm, bool constrained, const char *answer, double confidence,
                    bool *well_formed, chorus_apply_report *rep);

/*
 * With samples: *out gets body (a request) with "seed": sample added at its end, so that
 * each sample is its own request and cache entry. CHORUS_OK or CHORUS_ENOMEM.
 */
int lf_llm_sample_body(char **out, const char *body, int32_t sample);

/*
 * The vote of n sampled answers (votes[i]: each one's class, or CHORUS_ABSTAIN for one that
 * failed or named no class): the most frequent class (a tie goes to the class answered
 * first), with the share of the n samples that gave it as its confidence; an abstention when
 * none voted, or when min_confidence is set and the share is below it (llm_low_confidence).
 */
int32_t lf_llm_samples_vote(const lf_llm *llm, const int32_t *votes, int32_t n,
                            chorus_apply_report *rep);

/* The one warning for an LF whose min_confidence could not be applied to n answers. */
void lf_llm_warn_no_confidence(const chorus_lf_set *set, int32_t lf, int64_t n);

#endif
