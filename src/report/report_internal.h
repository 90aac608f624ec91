/*
 * What the report's sections share: the inputs and everything computed from them once,
 * the HTML and SVG writing helpers, and one writer per section.
 */
#ifndef CHORUS_REPORT_INTERNAL_H
#define CHORUS_REPORT_INTERNAL_H

#include <stdio.h>

#include "chorus/analyze.h"
#include "chorus/eval.h"
#include "chorus/report.h"

typedef struct report_context {
    FILE *out;
    const chorus_votes *votes; /* in the model's LF and class order */
    const chorus_model *model;
    const chorus_report_options *opts;
    const int32_t *gold;    /* NULL or one per item */
    const int32_t *answers; /* NULL or one per item */
    chorus_lf_summary *summary;
    chorus_probs *probs;     /* the model's labels of the votes */
    int32_t *labels;         /* their hash tie-break hard labels */
    chorus_metrics *metrics; /* against gold; NULL without gold */
} report_context;

/* A section: its element id, heading and writer (0 or a negative chorus_status). */
typedef struct report_section {
    const char *id;
    const char *heading;
    int (*write)(report_context *ctx);
} report_section;

/* The section writers, in page order (report.c lists them). */
int report_overview(report_context *ctx);
int report_lf_table(report_context *ctx);
int report_heatmap(report_context *ctx);
int report_accuracy_scatter(report_context *ctx);
int report_class_balance(report_context *ctx);
int report_calibration(report_context *ctx);
int report_confusion(report_context *ctx);
int report_dependencies(report_context *ctx);
int report_fit_check(report_context *ctx);
int report_review_curve(report_context *ctx);
int report_prompt_sensitivity(report_context *ctx);

/* Writes text with &, <, >, " and ' escaped: safe in element content and quoted
 * attributes alike. */
void html_text(FILE *out, const char *text);

/* The same, cut after max_chars characters (UTF-8 aware) with an ellipsis. */
void html_text_cut(FILE *out, const char *text, int max_chars);

/* printf into the page; the caller escapes any text from user files with html_text. */
void html_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A number with `digits` decimals, or "–" for NaN. */
void html_number(FILE *out, double x, int digits);

/* A note paragraph saying why something is not shown. */
void html_note(FILE *out, const char *text);

/* Colour-blind-safe colours (Okabe and Ito). */
#define COLOR_BLUE "#0072B2"
#define COLOR_ORANGE "#E69F00"
#define COLOR_SKY "#56B4E9"
#define COLOR_GREEN "#009E73"
#define COLOR_VERMILLION "#D55E00"
#define COLOR_PURPLE "#CC79A7"
#define COLOR_GREY "#999999"

/* The viridis colour of t in 0..1 (sequential and colour-blind safe), as "#rrggbb". */
void color_viridis(char out[8], double t);

/* Opens an inline SVG of the given size with an accessible label (escaped). */
void svg_open(FILE *out, int width, int height, const char *label);
void svg_close(FILE *out);

/* A plot frame: axes from (x0, y0) to (x1, y1) in pixels for values 0..1 on both, with
 * ticks every 0.2 and the axis titles. */
typedef struct svg_frame {
    double x0, y0, x1, y1;
} svg_frame;
void svg_unit_axes(FILE *out, const svg_frame *f, const char *x_title, const char *y_title);
double svg_x(const svg_frame *f, double v);
double svg_y(const svg_frame *f, double v);

#endif
