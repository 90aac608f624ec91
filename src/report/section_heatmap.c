/*
 * LF x LF heatmaps: on what share of the items two LFs both vote (overlap) and both vote
 * but name different classes (conflict). Past max_heatmap_lfs LFs only those with the most
 * votes are shown, which also bounds the pair counting to that many LFs per item.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/error_internal.h"
#include "report/report_internal.h"
#include "votes/votes_internal.h"

#define NAME_CHARS 18

typedef struct heatmap {
    int32_t n;         /* LFs shown */
    int32_t *lf;       /* n: their indices, in LF order */
    int64_t *overlap;  /* n x n: items both vote on */
    int64_t *conflict; /* n x n: items both vote on with different classes */
} heatmap;

static void heatmap_free(heatmap *h)
{
    free(h->lf);
    free(h->overlap);
    free(h->conflict);
}

/* An LF and its votes, sorted most votes first; ties by index so the choice is stable. */
typedef struct lf_votes {
    int64_t votes;
    int32_t lf;
} lf_votes;

static int by_votes(const void *a, const void *b)
{
    const lf_votes *x = a, *y = b;
    if (x->votes != y->votes) return x->votes > y->votes ? -1 : 1;
    return (x->lf > y->lf) - (x->lf < y->lf);
}

static int by_index(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int heatmap_count(heatmap *h, const report_context *ctx)
{
    const chorus_votes *v = ctx->votes;
    const int32_t m = chorus_votes_n_lfs(v);
    const int32_t n = m < ctx->opts->max_heatmap_lfs ? m : ctx->opts->max_heatmap_lfs;
    lf_votes *order = malloc((size_t)(m ? m : 1) * sizeof *order);
    int32_t *slot = malloc((size_t)(m ? m : 1) * sizeof *slot);
    int32_t *row_slot = malloc((size_t)(n ? n : 1) * sizeof *row_slot);
    int32_t *row_label = malloc((size_t)(n ? n : 1) * sizeof *row_label);
    h->n = n;
    h->lf = malloc((size_t)(n ? n : 1) * sizeof *h->lf);
    h->overlap = calloc((size_t)n * n + 1, sizeof *h->overlap);
    h->conflict = calloc((size_t)n * n + 1, sizeof *h->conflict);
    int rc = CHORUS_OK;
    if (!order || !slot || !row_slot || !row_label || !h->lf || !h->overlap || !h->conflict) {
        rc = chorus_error_nomem();
        goto done;
    }
    for (int32_t j = 0; j < m; j++) {
        order[j].votes = ctx->summary->n_votes[j];
        order[j].lf = j;
    }
    qsort(order, (size_t)m, sizeof *order, by_votes);
    for (int32_t p = 0; p < n; p++)
        h->lf[p] = order[p].lf;
    qsort(h->lf, (size_t)n, sizeof *h->lf, by_index);
    for (int32_t j = 0; j < m; j++)
        slot[j] = -1;
    for (int32_t p = 0; p < n; p++)
        slot[h->lf[p]] = p;
    const int64_t *row_ptr = chorus_votes_row_ptr(v);
    const chorus_vote_view w = chorus_votes_view(v);
    for (int64_t i = 0; i < chorus_votes_n_items(v); i++) {
        int32_t d = 0;
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++) {
            const int32_t at = slot[chorus_view_lf(&w, p)];
            if (at < 0) continue;
            row_slot[d] = at;
            row_label[d++] = chorus_view_label(&w, p);
        }
        for (int32_t a = 0; a < d; a++)
            for (int32_t b = a + 1; b < d; b++) {
                const size_t ab = (size_t)row_slot[a] * n + row_slot[b];
                const size_t ba = (size_t)row_slot[b] * n + row_slot[a];
                h->overlap[ab]++;
                h->overlap[ba]++;
                if (row_label[a] != row_label[b]) {
                    h->conflict[ab]++;
                    h->conflict[ba]++;
                }
            }
    }

done:
    free(order);
    free(slot);
    free(row_slot);
    free(row_label);
    return rc;
}

static void write_map(FILE *out, const heatmap *h, const report_context *ctx, const int64_t *counts,
                      const char *what, const char *id)
{
    const int32_t n = h->n;
    const double items = chorus_votes_n_items(ctx->votes) ? chorus_votes_n_items(ctx->votes) : 1;
    int64_t max = 0;
    for (size_t c = 0; c < (size_t)n * n; c++)
        if (counts[c] > max) max = counts[c];
    const double cell = n > 0 ? (480.0 / n > 28 ? 28 : 480.0 / n < 6 ? 6 : 480.0 / n) : 28;
    const double font = cell < 12 ? cell : 12;
    /* Room for the longest name shown (at most NAME_CHARS characters and the ellipsis) at
     * about 0.6 em a character, left of the rows and above the columns (rotated, the
     * names also reach right of the last column). */
    int longest = 4;
    for (int32_t p = 0; p < n; p++) {
        int chars = 0;
        for (const char *c = chorus_votes_lf_name(ctx->votes, h->lf[p]); *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        if (chars > longest) longest = chars;
    }
    if (longest > NAME_CHARS + 1) longest = NAME_CHARS + 1;
    const double margin = 0.62 * font * longest + 10;
    const int size = (int)(margin + n * cell + 10);
    const int width = (int)(size + 0.5 * margin);
    char label[64];
    snprintf(label, sizeof label, "LF by LF %s heatmap", what);
    svg_open(out, width, size + 40, label);
    html_printf(out, "<defs><linearGradient id=\"grad-%s\">", id);
    for (int s = 0; s <= 8; s++) {
        char color[8];
        color_viridis(color, s / 8.0);
        html_printf(out, "<stop offset=\"%d%%\" stop-color=\"%s\"/>", s * 100 / 8, color);
    }
    fputs("</linearGradient></defs>\n", out);
    for (int32_t p = 0; p < n; p++) {
        const char *name = chorus_votes_lf_name(ctx->votes, h->lf[p]);
        double y = margin + (p + 0.5) * cell + font / 3;
        html_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%.1f\">",
                    margin - 4, y, font);
        html_text_cut(out, name, NAME_CHARS);
        fputs("</text>\n", out);
        double x = margin + (p + 0.5) * cell + font / 3;
        html_printf(out,
                    "<text text-anchor=\"start\" font-size=\"%.1f\" "
                    "transform=\"translate(%.1f %.1f) rotate(-60)\">",
                    font, x, margin - 4);
        html_text_cut(out, name, NAME_CHARS);
        fputs("</text>\n", out);
    }
    for (int32_t a = 0; a < n; a++)
        for (int32_t b = 0; b < n; b++) {
            const int64_t c = counts[(size_t)a * n + b];
            char color[8];
            if (a == b)
                strcpy(color, "#ffffff");
            else
                color_viridis(color, max ? (double)c / (double)max : 0);
            html_printf(out,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\">",
                        margin + b * cell, margin + a * cell, cell, cell, color);
            if (a != b) {
                fputs("<title>", out);
                html_text(out, chorus_votes_lf_name(ctx->votes, h->lf[a]));
                fputs(" \xC3\x97 ", out);
                html_text(out, chorus_votes_lf_name(ctx->votes, h->lf[b]));
                html_printf(out, ": %s on %" PRId64 " of %" PRId64 " items (%.4f)</title>", what, c,
                            chorus_votes_n_items(ctx->votes), (double)c / items);
            }
            fputs("</rect>\n", out);
        }
    const double ly = margin + n * cell + 14;
    html_printf(out,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"160\" height=\"10\" fill=\"url(#grad-%s)\"/>"
                "<text x=\"%.1f\" y=\"%.1f\">0</text><text x=\"%.1f\" y=\"%.1f\" "
                "text-anchor=\"end\">%.4f</text><text x=\"%.1f\" y=\"%.1f\">share of items "
                "with %s</text>\n",
                margin, ly, id, margin, ly + 24, margin + 160, ly + 24, (double)max / items,
                margin + 170, ly + 9, what);
    svg_close(out);
}

int report_heatmap(report_context *ctx)
{
    FILE *out = ctx->out;
    heatmap h = {0};
    int rc = heatmap_count(&h, ctx);
    if (rc) goto done;
    const int32_t m = chorus_votes_n_lfs(ctx->votes);
    fputs("<p class=\"sub\">Row LF and column LF: the share of all items on which both vote "
          "(overlap), and on which both vote but name different classes (conflict). Each map's "
          "colours run from 0 to its largest cell; hover a cell for its count.</p>\n",
          out);
    if (h.n < m)
        html_printf(out,
                    "<p class=\"note\">Showing the %" PRId32 " of %" PRId32
                    " LFs with the most votes.</p>\n",
                    h.n, m);
    if (h.n < 2) {
        html_note(out, "There is only one labeling function: no pairs to show.");
        goto done;
    }
    fputs("<div class=\"plots\">\n", out);
    write_map(out, &h, ctx, h.overlap, "overlap", "overlap");
    write_map(out, &h, ctx, h.conflict, "conflict", "conflict");
    fputs("</div>\n", out);

done:
    heatmap_free(&h);
    return rc;
}
