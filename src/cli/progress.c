#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_start(progress *p, const char *what, long total, int quiet)
{
    p->what = what;
    p->total = total;
    p->done = 0;
    p->t0 = p->last = now_seconds();
    p->quiet = quiet;
}

static void show(progress *p, double t, const char *end)
{
    double el = t - p->t0, rate = el > 0 ? (double)p->done / el : 0.0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0.0;
    /* A terminal gets one line redrawn; a log file gets a line per update. */
    fprintf(stderr, "%s%ld/%ld %s (%.0f%%)  %.1f/s  elapsed %.0fs  ETA %.0fs   %s",
            isatty(2) ? "\r" : "", p->done, p->total, p->what, p->total ? 100.0 * p->done / p->total : 100.0,
            rate, el, eta, isatty(2) ? end : "\n");
    fflush(stderr);
}

void progress_add(progress *p, long n)
{
    p->done += n;
    double t = now_seconds();
    double every = isatty(2) ? 0.5 : 5.0;
    if (!p->quiet && t - p->last >= every) { p->last = t; show(p, t, ""); }
}

void progress_finish(progress *p)
{
    if (!p->quiet) show(p, now_seconds(), "\n");
}
