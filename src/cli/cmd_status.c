/* mlpvar status DIR: how a sweep is doing, from any shell (a login node while
 * the sweep runs on compute nodes): DIR/progress.json, which the master
 * rewrites every few seconds, and DIR/lock, which it holds while it runs. */
#include "cli_args.h"
#include "commands.h"
#include "manifest.h"
#include "progress_file.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

static const char *const CMD = "status";

/* A run is stale when its file says running but nothing updates it: no
 * process holds the folder's lock, or (over a file system without working
 * locks) no update for a minute. */
#define STALE_SECONDS 60.0

static void duration(char *buf, size_t len, double s)
{
    long t = (long)(s + 0.5);
    if (!isfinite(s) || s < 0) snprintf(buf, len, "unknown");
    else if (t < 120) snprintf(buf, len, "%lds", t);
    else if (t < 7200) snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
}

/* 1 when some process holds DIR/lock (the sweep is running), 0 when none. */
static int lock_held(const char *dir)
{
    char *path = path_join(dir, "lock");
    int fd = path ? open(path, O_RDONLY) : -1;
    free(path);
    if (fd < 0) return 0;
    int held = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd); /* releases it if we took it */
    return held;
}

static void usage(void)
{
    printf("usage: mlpvar status DIR\n\n"
           "How the sweep writing to DIR is doing: its name, state (running, finished, stopped,\n"
           "failed, or interrupted when a run ended without saying so), networks done of the\n"
           "total, failed, rate, elapsed time, ETA, and progress per part. Reads DIR/progress.json,\n"
           "which the sweep rewrites every %.0f seconds; works from any machine that sees DIR.\n",
           PROGRESS_EVERY);
}

int cmd_status(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage();
            return 0;
        }
        if (argv[i][0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar status --help'", argv[i]);
        if (dir) cli_die(CMD, "one folder at a time; got '%s' and '%s'", dir, argv[i]);
        dir = argv[i];
    }
    if (!dir) cli_die(CMD, "give the sweep's output folder: mlpvar status DIR");
    char err[1024];
    manifest m;
    int mr = manifest_read(dir, &m, err, sizeof err);
    if (mr < 0) cli_die(CMD, "%s", err);
    if (mr == 1) cli_die(CMD, "'%s' is not a sweep's folder (no manifest.json); give the --out folder of a sweep", dir);
    progress_info p;
    int rc = progress_file_read(dir, &p, err, sizeof err);
    if (rc < 0) cli_die(CMD, "%s", err);
    if (rc == 1) {
        printf("sweep '%s' in %s: no progress.json yet (the sweep has not started, or ran with an older mlpvar); "
               "'mlpvar results %s' shows what is stored\n",
               m.sweep, dir, dir);
        return 0;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double age = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec - p.updated_at;
    char state[512];
    int running = !strcmp(p.state, "running");
    if (running && (!lock_held(dir) || age > STALE_SECONDS)) {
        char a[32];
        duration(a, sizeof a, age);
        snprintf(state, sizeof state,
                 "interrupted (the run on %s, pid %ld, stopped without saying so %s ago; rerun "
                 "the sweep to resume)",
                 p.host, p.pid, a);
        running = 0;
    } else if (running) {
        snprintf(state, sizeof state, "running on %s (pid %ld, %d worker%s)", p.host, p.pid, p.workers,
                 p.workers == 1 ? "" : "s");
    } else {
        snprintf(state, sizeof state, "%s", p.state);
    }
    char el[32], eta[32];
    duration(el, sizeof el, p.elapsed);
    duration(eta, sizeof eta, running ? p.eta : 0);
    printf("sweep '%s' in %s\n", p.sweep, dir);
    printf("state     %s\n", state);
    printf("done      %ld / %ld networks (%.1f%%), %ld failed\n", p.done, p.total,
           p.total ? 100.0 * (double)p.done / (double)p.total : 100.0, p.failed);
    printf("rate      %.1f networks/s in this run (%ld stored by it)\n", p.rate, p.run_done);
    printf("elapsed   %s\n", el);
    if (running) printf("ETA       %s\n", eta);
    if (p.n_parts > 1) {
        printf("%-6s %10s %10s %8s\n", "part", "done", "total", "failed");
        for (int k = 0; k < p.n_parts; k++)
            printf("%-6d %10ld %10ld %8ld\n", k, p.part[k].done, p.part[k].total, p.part[k].failed);
    }
    return 0;
}
