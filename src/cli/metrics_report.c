/* The human-readable table of evaluation metrics, shared by eval and fit --eval-gold. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "chorus/chorus.h"
#include "cli/cli.h"

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

static int digits(int64_t v)
{
    return snprintf(NULL, 0, "%" PRId64, v);
}

void cli_print_metrics(const chorus_metrics *m, const chorus_probs *probs,
                       const chorus_eval_options *opts)
{
    const int32_t k = m->n_classes;
    const int with_abstain = opts->tie_break == CHORUS_TIE_BREAK_ABSTAIN;
    char positive[96] = "", ece[32];
    if (m->positive_class >= 0)
        snprintf(positive, sizeof positive, "F1 of %.80s",
                 chorus_probs_class_name(probs, m->positive_class));
    snprintf(ece, sizeof ece, "ECE (%" PRId32 " bins)", opts->n_bins);
    const char *ties = with_abstain ? "tied (abstain)" : "tied (hash)";
    int w = max_int(max_int((int)strlen(positive), (int)strlen(ece)), (int)strlen(ties));
    w = max_int(w, (int)strlen("label coverage"));

    printf("%-*s %" PRId64 "\n", w, "items", m->n_items);
    printf("%-*s %" PRId64 "\n", w, "gold known", m->n_gold);
    printf("%-*s %" PRId64 "\n", w, "no prediction", m->n_unpredicted);
    if (m->n_covered >= 0)
        printf("%-*s %" PRId64 "\n", w, "covered", m->n_covered);
    else
        printf("%-*s -\n", w, "covered");
    printf("%-*s %" PRId64 "\n", w, "labelled", m->n_labeled);
    printf("%-*s %" PRId64 "\n", w, ties, m->n_tied);
    if (m->n_covered >= 0)
        printf("%-*s %.4f\n", w, "vote coverage", m->vote_coverage);
    else
        printf("%-*s -\n", w, "vote coverage");
    printf("%-*s %.4f\n", w, "label coverage", m->label_coverage);
    printf("%-*s %.4f\n", w, "accuracy", m->accuracy);
    printf("%-*s %.4f\n", w, "macro-F1", m->macro_f1);
    if (m->positive_class >= 0) printf("%-*s %.4f\n", w, positive, m->positive_f1);
    printf("%-*s %.4f\n", w, "Brier", m->brier);
    printf("%-*s %.4f\n", w, ece, m->ece);
    printf("%-*s %.4f\n", w, "log loss", m->log_loss);
    /* Apart, where both kinds are scored: what the votes decide and what is a guess. */
    if (m->covered_confusion && m->n_covered > 0 && m->n_covered < m->n_gold) {
        printf("\nof them, the %" PRId64 " with votes (the other %" PRId64 " get a guess):\n",
               m->n_covered, m->n_gold - m->n_covered);
        printf("  %-*s %.4f\n", w, "accuracy", m->covered_accuracy);
        printf("  %-*s %.4f\n", w, "macro-F1", m->covered_macro_f1);
        if (m->positive_class >= 0) printf("  %-*s %.4f\n", w, positive, m->covered_positive_f1);
    }

    const char *corner = "gold \\ predicted";
    int name_w = (int)strlen(corner);
    for (int32_t c = 0; c < k; c++)
        name_w = max_int(name_w, (int)strlen(chorus_probs_class_name(probs, c)));
    int support_w = (int)strlen("support");
    for (int32_t c = 0; c < k; c++)
        support_w = max_int(support_w, digits(m->support[c]));
    printf("\n%-*s %9s %9s %9s %*s\n", name_w, "class", "precision", "recall", "F1", support_w,
           "support");
    for (int32_t c = 0; c < k; c++)
        printf("%-*s %9.4f %9.4f %9.4f %*" PRId64 "\n", name_w, chorus_probs_class_name(probs, c),
               m->precision[c], m->recall[c], m->f1[c], support_w, m->support[c]);

    /* One width for every count column keeps the matrix square on screen. */
    const int32_t cols = k + 1;
    int cell_w = with_abstain ? (int)strlen("abstain") : 1;
    for (int32_t c = 0; c < k; c++)
        cell_w = max_int(cell_w, (int)strlen(chorus_probs_class_name(probs, c)));
    for (int64_t j = 0; j < (int64_t)k * cols; j++)
        cell_w = max_int(cell_w, digits(m->confusion[j]));
    printf("\nconfusion matrix (rows gold, columns predicted)\n%-*s", name_w, corner);
    for (int32_t c = 0; c < k; c++)
        printf("  %*s", cell_w, chorus_probs_class_name(probs, c));
    if (with_abstain) printf("  %*s", cell_w, "abstain");
    printf("\n");
    for (int32_t g = 0; g < k; g++) {
        printf("%-*s", name_w, chorus_probs_class_name(probs, g));
        for (int32_t c = 0; c < k + with_abstain; c++)
            printf("  %*" PRId64, cell_w, m->confusion[(int64_t)g * cols + c]);
        printf("\n");
    }
}
