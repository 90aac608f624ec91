/*
 * The report page: checks the inputs, computes what the sections share (LF summary,
 * labels, metrics), and writes the sections in order between the page's head and its
 * sorting script, into a file that appears whole or not at all.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "core/atomic_file.h"
#include "core/error_internal.h"
#include "report/report_internal.h"

/* The page in order. A new kind of section is one writer and one line here. */
static const report_section SECTIONS[] = {
    {"overview", "Overview", report_overview},
    {"lf-summary", "Labeling functions", report_lf_table},
    {"overlaps", "Overlaps and conflicts between LFs", report_heatmap},
    {"accuracy", "Learned accuracy against the evidence", report_accuracy_scatter},
    {"class-balance", "Class balance", report_class_balance},
    {"calibration", "Calibration", report_calibration},
    {"confusion", "Confusion matrix", report_confusion},
    {"dependencies", "Dependency groups", report_dependencies},
    {"fit-check", "Check of the fit", report_fit_check},
    {"review", "Review learning curve", report_review_curve},
    {"prompt-sensitivity", "Prompt sensitivity", report_prompt_sensitivity},
};

static const char CSS[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif;"
    "font-size:15px;line-height:1.45;color:#1b1b1b;background:#fafafa;margin:0}\n"
    "main{max-width:1180px;margin:0 auto;padding:16px 28px 48px}\n"
    "h1{font-size:26px;margin:18px 0 4px}h2{font-size:20px;margin:0 0 8px;"
    "border-bottom:2px solid #0072B2;padding-bottom:4px}\n"
    "section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:14px 18px;"
    "margin:16px 0}\n"
    "nav a{margin-right:12px;color:#0072B2;text-decoration:none}\n"
    "p.note{color:#555;font-style:italic}p.sub{color:#444;margin:0 0 10px}\n"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:14px}\n"
    ".wide{overflow-x:auto}.tall{max-height:640px;overflow-y:auto}\n"
    "th,td{padding:3px 7px;border-bottom:1px solid #e4e4e4;text-align:right;"
    "white-space:nowrap}\n"
    "th{background:#f0f4f8;position:sticky;top:0}th.name,td.name{text-align:left}\n"
    "table.sortable th{cursor:pointer}table.sortable th:hover{background:#dde8f2}\n"
    ".bar{display:inline-block;width:40px;height:9px;background:#e8e8e8;margin-left:6px;"
    "vertical-align:middle;border-radius:2px}.bar span{display:block;height:9px;"
    "border-radius:2px}\n"
    ".cov span{background:#0072B2}.ovl span{background:#56B4E9}.cfl span{background:#D55E00}"
    ".acc span{background:#009E73}.lacc span{background:#E69F00}\n"
    ".flag{color:#D55E00;font-weight:600}\n"
    "dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:0}"
    "dl.facts dt{color:#555}dl.facts dd{margin:0;font-variant-numeric:tabular-nums}\n"
    "svg{font-family:inherit;font-size:12px;display:block;margin:6px 0}\n"
    "svg .grid{stroke:#e6e6e6}svg .frame{fill:none;stroke:#888}"
    "svg .title{font-size:13px;fill:#333}\n"
    ".legend{display:flex;gap:18px;flex-wrap:wrap;font-size:13px;margin:4px 0}"
    ".legend i{display:inline-block;width:12px;height:12px;margin-right:5px;"
    "vertical-align:-1px;border-radius:2px}\n"
    ".plots{display:flex;gap:24px;flex-wrap:wrap}\n"
    "ul.findings li{margin:4px 0}\n";

/* Sorts a table by the clicked header: numbers by data-v, else text. */
static const char SCRIPT[] =
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    "t.querySelectorAll('th').forEach(function(h,i){h.addEventListener('click',function(){\n"
    "var b=t.tBodies[0],r=Array.from(b.rows),d=h.dataset.dir==='a'?-1:1;h.dataset.dir="
    "d>0?'a':'d';\n"
    "r.sort(function(x,y){var p=x.cells[i].dataset.v,q=y.cells[i].dataset.v;\n"
    "if(p!==undefined&&q!==undefined)return d*(parseFloat(p)-parseFloat(q));\n"
    "return d*x.cells[i].textContent.localeCompare(y.cells[i].textContent);});\n"
    "r.forEach(function(x){b.appendChild(x);});});});});\n";

/* Labels per item (-1 none) for the votes: `what` names one of them, e.g. "gold label". */
static int check_labels(const int32_t *labels, int64_t n_labels, const chorus_votes *votes,
                        int32_t n_classes, const char *what)
{
    if (!labels) return CHORUS_OK;
    const int64_t n = chorus_votes_n_items(votes);
    if (n_labels != n)
        return chorus_error_set(CHORUS_EINVAL,
                                "%" PRId64 " %ss for %" PRId64 " items; they must match one to one",
                                n_labels, what, n);
    for (int64_t i = 0; i < n; i++)
        if (labels[i] < -1 || labels[i] >= n_classes)
            return chorus_error_set(CHORUS_EINVAL,
                                    "item %" PRId64 ": %s %" PRId32
                                    " is not -1 or a class in 0..%" PRId32,
                                    i, what, labels[i], n_classes - 1);
    return CHORUS_OK;
}

static int check_options(const chorus_report_options *o)
{
    /* Version 1 options end before lf_group. */
    if (o->version < 1 || o->version > CHORUS_REPORT_OPTIONS_VERSION)
        return chorus_error_set(CHORUS_EINVAL,
                                "report options version %u, this library knows 1..%u", o->version,
                                (unsigned)CHORUS_REPORT_OPTIONS_VERSION);
    if (o->max_heatmap_lfs < 1 || o->max_heatmap_lfs > CHORUS_REPORT_MAX_HEATMAP_LFS)
        return chorus_error_set(CHORUS_EINVAL, "heatmap LFs must be 1..%d, got %" PRId32,
                                CHORUS_REPORT_MAX_HEATMAP_LFS, o->max_heatmap_lfs);
    if (o->n_bins < 1 || o->n_bins > 1000)
        return chorus_error_set(CHORUS_EINVAL, "calibration bins must be 1..1000, got %" PRId32,
                                o->n_bins);
    return CHORUS_OK;
}

/* The labels, summary and metrics every section reads. */
static int prepare(report_context *ctx)
{
    const int64_t n = chorus_votes_n_items(ctx->votes);
    int rc = chorus_lf_summary_compute(&ctx->summary, ctx->votes, ctx->gold, ctx->gold ? n : 0,
                                       ctx->model);
    if (!rc) rc = chorus_model_predict(&ctx->probs, ctx->model, ctx->votes);
    if (rc) return rc;
    ctx->labels = malloc((size_t)(n ? n : 1) * sizeof *ctx->labels);
    if (!ctx->labels) return chorus_error_nomem();
    rc = chorus_probs_to_labels(ctx->labels, ctx->probs, CHORUS_TIE_BREAK_HASH);
    if (rc || !ctx->gold) return rc;
    int known = 0;
    for (int64_t i = 0; i < n && !known; i++)
        known = ctx->gold[i] >= 0;
    /* Gold that knows no item scores nothing: the sections say so instead. */
    if (!known) return CHORUS_OK;
    chorus_eval_options eval = CHORUS_EVAL_OPTIONS_INIT;
    eval.n_bins = ctx->opts->n_bins;
    return chorus_eval(&ctx->metrics, ctx->probs, ctx->gold, n, &eval);
}

static void write_head(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          out);
    html_text(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>", CSS);
    html_text(out, title);
    fputs("</h1>\n<nav>", out);
    for (size_t s = 0; s < sizeof SECTIONS / sizeof *SECTIONS; s++) {
        fprintf(out, "<a href=\"#%s\">", SECTIONS[s].id);
        html_text(out, SECTIONS[s].heading);
        fputs("</a>", out);
    }
    fputs("</nav>\n", out);
}

int chorus_report_write(const char *path, const chorus_votes *votes, const chorus_model *model,
                        const chorus_report_options *opts)
{
    static const chorus_report_options defaults = CHORUS_REPORT_OPTIONS_INIT;
    report_context ctx = {0};
    chorus_votes *aligned = NULL;
    chorus_atomic_file file = {0};
    int opened = 0;
    int rc;

    if (!opts) opts = &defaults;
    if (!path || !votes || !model) {
        rc = chorus_error_set(CHORUS_EINVAL, "report: path, votes or model is NULL");
        goto done;
    }
    rc = check_options(opts);
    if (rc) goto done;
    rc = chorus_model_align_votes(&aligned, model, votes);
    if (rc) goto done;
    ctx.votes = aligned ? aligned : votes;
    ctx.model = model;
    ctx.opts = opts;
    const int32_t k = chorus_model_n_classes(model);
    rc = check_labels(opts->gold, opts->n_gold, ctx.votes, k, "gold label");
    if (!rc)
        rc = check_labels(opts->review_answers, opts->n_review_answers, ctx.votes, k,
                          "review answer");
    if (rc) goto done;
    ctx.gold = opts->gold;
    ctx.answers = opts->review_answers;
    rc = prepare(&ctx);
    if (rc) goto done;

    rc = chorus_atomic_open(&file, path);
    if (rc) goto done;
    opened = 1;
    ctx.out = file.fp;
    write_head(ctx.out, opts->title ? opts->title : "chorus report");
    for (size_t s = 0; s < sizeof SECTIONS / sizeof *SECTIONS && !rc; s++) {
        fprintf(ctx.out, "<section id=\"%s\">\n<h2>", SECTIONS[s].id);
        html_text(ctx.out, SECTIONS[s].heading);
        fputs("</h2>\n", ctx.out);
        rc = SECTIONS[s].write(&ctx);
        fputs("</section>\n", ctx.out);
    }
    if (rc) goto done;
    fprintf(ctx.out, "</main>\n<script>\n%s</script>\n</body>\n</html>\n", SCRIPT);
    opened = 0;
    rc = chorus_atomic_commit(&file);

done:
    if (opened) chorus_atomic_abort(&file);
    chorus_metrics_free(ctx.metrics);
    free(ctx.labels);
    chorus_probs_free(ctx.probs);
    chorus_lf_summary_free(ctx.summary);
    chorus_votes_free(aligned);
    return rc;
}
