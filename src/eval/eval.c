/* Placeholder: replaced by the evaluation module. */
#include "chorus/eval.h"
#include "core/error_internal.h"

int chorus_tie_break_parse(chorus_tie_break *out, const char *name)
{
    (void)out;
    return chorus_error_set(CHORUS_EINTERNAL, "%s: not implemented yet", name);
}

int chorus_probs_to_labels(int32_t *out, const chorus_probs *probs, chorus_tie_break tie_break)
{
    (void)out; (void)probs; (void)tie_break;
    return chorus_error_set(CHORUS_EINTERNAL, "not implemented yet");
}

int chorus_eval(chorus_metrics **out, const chorus_probs *probs, const int32_t *gold,
                int64_t n_gold, const chorus_eval_options *opts)
{
    (void)out; (void)probs; (void)gold; (void)n_gold; (void)opts;
    return chorus_error_set(CHORUS_EINTERNAL, "not implemented yet");
}

void chorus_metrics_free(chorus_metrics *metrics)
{
    (void)metrics;
}
