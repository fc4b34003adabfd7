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

static void fmt_time(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (s < 0) snprintf(buf, len, "?");
    else if (t < 120) snprintf(buf, len, "%lds", t);
    else if (t < 7200) snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
}

void progress_show(progress *p, long done, long failed, double eta, int final)
{
    double t = now_seconds();
    int tty = isatty(2);
    if (p->quiet || (!final && t - p->last < (tty ? 0.5 : 5.0))) return;
    p->last = t;
    p->done = done;
    double el = t - p->t0, rate = el > 0 ? (double)done / el : 0.0;
    char e[32], r[32] = "";
    fmt_time(e, sizeof e, el);
    char w[32];
    fmt_time(w, sizeof w, final ? 0 : eta);
    if (failed) snprintf(r, sizeof r, ", %ld failed", failed);
    /* A terminal gets one line redrawn; a log file gets a line per update. */
    fprintf(stderr, "%s%ld/%ld %s (%.0f%%%s)  %.1f/s  elapsed %s  ETA %s   %s", tty ? "\r" : "", done, p->total,
            p->what, p->total ? 100.0 * (double)done / (double)p->total : 100.0, r, rate, e, w,
            tty ? (final ? "\n" : "") : "\n");
    fflush(stderr);
}

void progress_add(progress *p, long n)
{
    p->done += n;
    double el = now_seconds() - p->t0, rate = el > 0 ? (double)p->done / el : 0.0;
    progress_show(p, p->done, 0, rate > 0 ? (double)(p->total - p->done) / rate : -1.0, 0);
}

void progress_finish(progress *p) { progress_show(p, p->done, 0, 0, 1); }
