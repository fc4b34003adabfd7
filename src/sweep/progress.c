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
    p->work_total = p->work_done = 0;
}

void progress_set_work(progress *p, double work_total)
{
    p->work_total = work_total;
}

void progress_add_work(progress *p, long n, double work)
{
    p->work_done += work;
    progress_add(p, n);
}

static void show(progress *p, double t, const char *end)
{
    double el = t - p->t0, rate = el > 0 ? (double)p->done / el : 0.0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0.0;
    if (p->work_total > 0 && p->work_done > 0)
        eta = el * (p->work_total - p->work_done) / p->work_done;
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
