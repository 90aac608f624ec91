/*
 * Progress of long stages on stderr (--progress): on a terminal a bar redrawn in place
 * (items, items/s, time left), erased at the end; elsewhere (a log file, a pipe) a plain
 * line every CHORUS_PROGRESS_INTERVAL seconds once a stage has run that long, so a short
 * run writes what it always wrote and a long one shows it is alive.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* Seconds between two plain lines, and between two redraws of a bar. */
#define DEFAULT_INTERVAL 5.0
#define BAR_REDRAW 0.2

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The interval of plain lines: CHORUS_PROGRESS_INTERVAL seconds when set. */
static int read_interval(const char *cmd, double *out)
{
    *out = DEFAULT_INTERVAL;
    const char *text = getenv("CHORUS_PROGRESS_INTERVAL");
    if (!text) return 0;
    double value;
    if (chorus_parse_double(text, strlen(text), &value) != 0 || !(value >= 0 && value <= 86400))
        return cli_usage_error(cmd,
                               "CHORUS_PROGRESS_INTERVAL must be a number of seconds in 0..86400, "
                               "got '%s'",
                               text);
    *out = value;
    return 0;
}

int cli_progress_mode_parse(const char *cmd, const char *text, int quiet, cli_progress_mode *out)
{
    *out = CLI_PROGRESS_AUTO;
    if (text && strcmp(text, "auto") == 0)
        *out = CLI_PROGRESS_AUTO;
    else if (text && strcmp(text, "always") == 0)
        *out = CLI_PROGRESS_ALWAYS;
    else if (text && strcmp(text, "never") == 0)
        *out = CLI_PROGRESS_NEVER;
    else if (text)
        return cli_usage_error(cmd, "--progress expects auto, always or never, got '%s'", text);
    /* -q asks for nothing on success, progress included. */
    if (quiet) *out = CLI_PROGRESS_NEVER;
    double interval;
    return read_interval(cmd, &interval);
}

void cli_progress_init(cli_progress *p, const char *cmd, const char *what, cli_progress_mode mode)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->what = what;
    p->mode = mode;
    p->start = p->last = now();
    /* Checked by cli_progress_mode_parse when the command started. */
    if (read_interval(cmd, &p->interval)) p->interval = DEFAULT_INTERVAL;
    if (mode == CLI_PROGRESS_NEVER)
        p->style = CLI_PROGRESS_STYLE_NONE;
    else
        p->style = isatty(STDERR_FILENO) ? CLI_PROGRESS_STYLE_BAR : CLI_PROGRESS_STYLE_LINES;
}

/* Whether it is time to say something: a bar is drawn at once and redrawn often (it is
 * erased at the end), a plain line now and then. */
static int due(cli_progress *p, double t)
{
    if (p->style == CLI_PROGRESS_STYLE_BAR) return !p->shown || t - p->last >= BAR_REDRAW;
    return t - p->last >= p->interval;
}

static void draw_bar(double fraction, char bar[32])
{
    const int width = 30;
    const int filled = (int)(width * (fraction < 0 ? 0 : fraction > 1 ? 1 : fraction));
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
}

/* "65536/1586000 items (4.1%), 24000 items/s" */
static void put_items(const cli_progress *p, double elapsed)
{
    const double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    fprintf(stderr, "%lld/%lld items (%.1f%%), %.0f items/s", (long long)p->done,
            (long long)p->total, p->total > 0 ? 100.0 * (double)p->done / (double)p->total : 100.0,
            rate);
}

static void items_line(cli_progress *p, double t, int final)
{
    const double elapsed = t - p->start, rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    if (p->style == CLI_PROGRESS_STYLE_BAR) {
        char bar[32];
        draw_bar(p->total > 0 ? (double)p->done / (double)p->total : 1, bar);
        fprintf(stderr, "\r%s [%s] %lld/%lld  %.0f items/s  ETA %.0fs \033[K", p->what, bar,
                (long long)p->done, (long long)p->total, rate,
                rate > 0 ? (double)(p->total - p->done) / rate : 0);
    } else {
        fprintf(stderr, "chorus %s: %s ", p->cmd, p->what);
        put_items(p, elapsed);
        if (final)
            fprintf(stderr, ", done in %.1fs\n", elapsed);
        else
            fprintf(stderr, ", ETA %.0fs\n", rate > 0 ? (double)(p->total - p->done) / rate : 0);
    }
    p->shown = 1;
}

void cli_progress_update(int64_t done, int64_t total, void *ctx)
{
    cli_progress *p = ctx;
    if (p->style == CLI_PROGRESS_STYLE_NONE) return;
    p->done = done;
    p->total = total;
    p->kind = CLI_PROGRESS_ITEMS;
    const double t = now();
    if (!due(p, t)) return;
    p->last = t;
    /* The last update is said by cli_progress_done, which knows it is the last. */
    if (done < total || p->style == CLI_PROGRESS_STYLE_BAR) items_line(p, t, 0);
}

static void fit_line(cli_progress *p, double t, int final)
{
    const chorus_fit_progress *f = &p->fit;
    const double elapsed = t - p->start;
    const double rate = elapsed > 0 ? (double)p->iterations / elapsed : 0;
    if (p->style == CLI_PROGRESS_STYLE_BAR) {
        char bar[32];
        draw_bar((double)f->iteration / (double)f->max_iter, bar);
        fprintf(stderr,
                "\rEM [%s] start %d/%d, iteration %d/%d  log-posterior %.6g  change %.2g \033[K",
                bar, f->start + 1, f->n_starts, f->iteration, f->max_iter, f->log_posterior,
                isinf(f->change) ? 1.0 : f->change);
    } else {
        fprintf(stderr, "chorus %s: EM start %d/%d, iteration %d/%d%s, log-posterior %.10g", p->cmd,
                f->start + 1, f->n_starts, f->iteration, f->max_iter,
                f->converged ? " (converged)" : "", f->log_posterior);
        if (!isinf(f->change)) fprintf(stderr, ", change %.3g", f->change);
        if (final)
            fprintf(stderr, ", %lld iterations in %.1fs\n", (long long)p->iterations, elapsed);
        else
            fprintf(stderr, ", %.1f iterations/s\n", rate);
    }
    p->shown = 1;
}

void cli_progress_fit(const chorus_fit_progress *progress, void *ctx)
{
    cli_progress *p = ctx;
    if (p->style == CLI_PROGRESS_STYLE_NONE) return;
    p->fit = *progress;
    p->iterations++;
    p->kind = CLI_PROGRESS_FIT;
    const double t = now();
    if (!due(p, t)) return;
    p->last = t;
    fit_line(p, t, 0);
}

void cli_progress_done(cli_progress *p)
{
    if (p->style == CLI_PROGRESS_STYLE_BAR) {
        if (p->shown) fprintf(stderr, "\r\033[K");
    } else if (p->style == CLI_PROGRESS_STYLE_LINES && p->kind != CLI_PROGRESS_NOTHING &&
               (p->shown || p->mode == CLI_PROGRESS_ALWAYS)) {
        /* A log that said a stage was under way also says that it ended, and how. */
        if (p->kind == CLI_PROGRESS_ITEMS)
            items_line(p, now(), 1);
        else
            fit_line(p, now(), 1);
    }
    p->shown = 0;
    p->kind = CLI_PROGRESS_NOTHING;
}
