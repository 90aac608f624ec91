/* A progress line for long runs on a terminal: items done, items/s, time left. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, const char *what)
{
    p->what = what;
    p->start = now();
    p->last = 0;
    p->shown = 0;
    /* Quiet when stderr is a file or a pipe: logs should not fill with bars. */
    p->enabled = isatty(STDERR_FILENO);
}

void cli_progress_update(int64_t done, int64_t total, void *ctx)
{
    cli_progress *p = ctx;
    if (!p->enabled) return;
    double t = now();
    if (done < total && t - p->last < 0.2) return;
    p->last = t;
    double elapsed = t - p->start, rate = elapsed > 0 ? (double)done / elapsed : 0;
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    int width = 30, filled = total > 0 ? (int)(width * (double)done / (double)total) : width;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r%s [%s] %lld/%lld  %.0f items/s  ETA %.0fs ", p->what, bar, (long long)done,
            (long long)total, rate, left);
    p->shown = 1;
}

void cli_progress_done(cli_progress *p)
{
    if (p->enabled && p->shown) fprintf(stderr, "\r\033[K");
}
