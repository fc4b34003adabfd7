#include "monitor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double wall_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_seconds(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0) return NAN;
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_sec +
           1e-6 * (double)u.ru_stime.tv_usec;
}

/* The counts now, into m->info; the ETA; then the progress line and file. */
static void publish(monitor *m, int final)
{
    commit_counts k;
    committer_counts(m->c, &k, m->part_done, m->part_failed);
    progress_info *p = &m->info;
    double el = now_seconds() - m->t0;
    p->run_done = k.done;
    p->done = m->before_done + k.done - k.retried;
    p->failed = m->before_failed + k.failed - k.retried;
    for (int i = 0; i < p->n_parts; i++) {
        p->part[i].done = m->part_before_done[i] + m->part_done[i];
        p->part[i].failed = m->part_before_failed[i] + m->part_failed[i];
    }
    p->elapsed = el;
    p->rate = el > 0 ? (double)k.done / el : 0;
    double wf;
    p->eta = committer_eta(m->c, el, &wf);
    if (final) p->eta = 0;
    p->work_fraction = wf;
    p->updated_at = wall_clock();
    p->fsyncs = k.groups;
    p->master_cpu = cpu_seconds();
    progress_show(&m->bar, p->done, p->failed, p->eta, final);
    if (m->dir && progress_file_write(m->dir, p) != 0 && final)
        fprintf(stderr, "mlpvar sweep: cannot write %s/progress.json: %s\n", m->dir, strerror(errno));
}

static void *run(void *arg)
{
    monitor *m = arg;
    double last_file = 0;
    pthread_mutex_lock(&m->mu);
    while (!m->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 500000000L; /* every 0.5 s */
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&m->wake, &m->mu, &ts);
        if (m->stopping) break;
        pthread_mutex_unlock(&m->mu);
        double t = now_seconds();
        const char *dir = m->dir;
        if (t - last_file < PROGRESS_EVERY) m->dir = NULL; /* the line more often than the file */
        else last_file = t;
        publish(m, 0);
        m->dir = dir;
        pthread_mutex_lock(&m->mu);
    }
    pthread_mutex_unlock(&m->mu);
    return NULL;
}

int monitor_start(monitor *m, committer *c, const char *dir, const progress_info *info, int quiet)
{
    memset(m, 0, sizeof *m);
    m->c = c;
    m->dir = dir;
    m->info = *info;
    m->before_done = info->done; /* what the store held when the run began */
    m->before_failed = info->failed;
    for (int k = 0; k < info->n_parts; k++) {
        m->part_before_done[k] = info->part[k].done;
        m->part_before_failed[k] = info->part[k].failed;
    }
    m->t0 = now_seconds();
    m->info.started_at = wall_clock();
    progress_start(&m->bar, "networks", info->total, quiet);
    m->part_done = calloc((size_t)info->n_parts * 2 + 2, sizeof(long));
    if (!m->part_done) return -1;
    m->part_failed = m->part_done + info->n_parts + 1;
    snprintf(m->info.state, sizeof m->info.state, "running");
    publish(m, 0);
    if (pthread_mutex_init(&m->mu, NULL) != 0) {
        free(m->part_done);
        return -1;
    }
    if (pthread_cond_init(&m->wake, NULL) != 0) {
        pthread_mutex_destroy(&m->mu);
        free(m->part_done);
        return -1;
    }
    if (pthread_create(&m->thread, NULL, run, m) != 0) {
        pthread_cond_destroy(&m->wake);
        pthread_mutex_destroy(&m->mu);
        free(m->part_done);
        return -1;
    }
    m->started = 1;
    return 0;
}

void monitor_finish(monitor *m, const char *state)
{
    if (!m->started) return;
    pthread_mutex_lock(&m->mu);
    m->stopping = 1;
    pthread_cond_signal(&m->wake);
    pthread_mutex_unlock(&m->mu);
    pthread_join(m->thread, NULL);
    pthread_cond_destroy(&m->wake);
    pthread_mutex_destroy(&m->mu);
    snprintf(m->info.state, sizeof m->info.state, "%s", state);
    publish(m, 1);
    free(m->part_done);
    m->part_done = m->part_failed = NULL;
    m->started = 0;
}
