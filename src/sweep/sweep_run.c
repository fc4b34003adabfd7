/* The sweep engine's entry: MPI, signals, the plan on every rank, then the
 * master (with the committer and the monitor), the workers, or one rank. */
#include "sweep_run.h"
#include "engine.h"
#include "monitor.h"
#include "store.h"
#include "sweep_check.h"
#include "sweep_source.h"

#include <cblas.h>
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t sweep_stop_signal;

static void on_signal(int sig) { sweep_stop_signal = sig; }

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Broadcasts a byte count and bytes from rank 0, in pieces MPI's int counts
 * can carry, without spinning. */
static void bcast_bytes(char *buf, size_t len)
{
    for (size_t at = 0; at < len;) {
        int n = len - at > (1u << 30) ? 1 << 30 : (int)(len - at);
        MPI_Request req;
        MPI_Ibcast(buf + at, n, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
        mpi_wait_politely(&req);
        at += (size_t)n;
    }
}

static void bcast_u64(uint64_t *v)
{
    MPI_Request req;
    MPI_Ibcast(v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD, &req);
    mpi_wait_politely(&req);
}

/* The master sends every file it read for the plan (the sweep file, CSV
 * data) to every rank, so workers parse the same bytes and need no copy on
 * their own host. On the workers src starts empty and fills. 0, or -1 (OOM,
 * agreed by every rank: the master then sends an empty source). */
static int share_files(sweep_source *src, int rank)
{
    uint64_t n = rank == 0 ? (uint64_t)src->n : 0;
    bcast_u64(&n);
    int rc = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t sizes[2] = { 0, 0 };
        if (rank == 0) {
            sizes[0] = strlen(src->file[i].path) + 1;
            sizes[1] = src->file[i].len;
        }
        bcast_u64(&sizes[0]);
        bcast_u64(&sizes[1]);
        char *path = rank == 0 ? src->file[i].path : malloc(sizes[0]);
        char *bytes = rank == 0 ? src->file[i].bytes : malloc(sizes[1] + 1);
        if (!path || !bytes) MPI_Abort(MPI_COMM_WORLD, 1); /* a rank out of memory cannot follow the others */
        bcast_bytes(path, sizes[0]);
        bcast_bytes(bytes, sizes[1]);
        if (rank != 0) {
            rc |= source_add(src, path, bytes, sizes[1]);
            free(path);
            free(bytes);
        }
    }
    return rc;
}

/* Every rank loads the plan: the master from its disk, the workers from the
 * files the master sends. When a rank cannot, rank 0 prints the first failing
 * rank's error, naming the rank and its host, and all return its code. */
static int load_everywhere(plan *p, const char *path, int rank, int size)
{
    char err[1024], msg[1400];
    sweep_source src;
    source_init(&src, rank == 0);
    int rc = rank == 0 ? plan_load(p, path, &src, err, sizeof err) : 0;
    int ok = rc == 0;
    MPI_Request req;
    MPI_Ibcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD, &req); /* the master's own load failed: nothing to send */
    mpi_wait_politely(&req);
    if (ok) {
        if (share_files(&src, rank) != 0) {
            rc = 1;
            snprintf(err, sizeof err, "out of memory for the sweep's files");
        } else if (rank != 0) rc = plan_load(p, path, &src, err, sizeof err);
    } else if (rank != 0) {
        memset(p, 0, sizeof *p);
        rc = 2;
    }
    source_free(&src);
    int first = rc ? rank : size, low;
    MPI_Iallreduce(&first, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &req);
    mpi_wait_politely(&req);
    if (low == size) return 0;
    int code = rc;
    if (rank == low && rank != 0) {
        char host[128] = "?";
        gethostname(host, sizeof host);
        snprintf(msg, sizeof msg, "rank %d on host %s: %s", rank, host, err);
        MPI_Send(msg, (int)strlen(msg) + 1, MPI_CHAR, 0, TAG_WORK, MPI_COMM_WORLD);
        MPI_Send(&code, 1, MPI_INT, 0, TAG_RESULTS, MPI_COMM_WORLD);
    } else if (rank == 0) {
        if (low != 0) {
            MPI_Recv(msg, (int)sizeof msg, MPI_CHAR, low, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Recv(&code, 1, MPI_INT, low, TAG_RESULTS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            snprintf(msg, sizeof msg, "%s", err);
        }
        fprintf(stderr, "mlpvar sweep: %s\n", msg);
    }
    return code ? code : 2;
}

static const plan *sort_plan;

/* Longest first (so the ranks finish together); ties in file order. */
static int by_cost_desc(const void *x, const void *y)
{
    long i = *(const long *)x, j = *(const long *)y;
    double a = plan_item_cost(sort_plan, i), b = plan_item_cost(sort_plan, j);
    if (a != b) return a < b ? 1 : -1;
    return (i > j) - (i < j);
}

/* So that the ETA sees every kind of item early: each kind's items at its
 * cost quantiles 0, 1/4, 1/2, 3/4 and 1 go first (w->item sorted by cost,
 * descending), then the rest in cost order. 0, or -1 (out of memory). */
static int sample_kinds_first(const plan *p, work_list *w)
{
    int kinds = plan_kinds(p);
    long *count = calloc((size_t)kinds, sizeof(long)), *seen = calloc((size_t)kinds, sizeof(long));
    long *out = malloc(sizeof(long) * (size_t)(w->n + 1));
    char *front = calloc((size_t)w->n + 1, 1);
    int rc = count && seen && out && front ? 0 : -1;
    for (long i = 0; !rc && i < w->n; i++) count[plan_item_kind(p, w->item[i])]++;
    long n = 0;
    for (long i = 0; !rc && i < w->n; i++) {
        int k = plan_item_kind(p, w->item[i]);
        long j = seen[k]++; /* its rank within its kind */
        long last = count[k] - 1; /* the ranks of the quantiles 0, 1/4, 1/2, 3/4, 1 */
        if (j == 0 || j == last / 4 || j == last / 2 || j == 3 * last / 4 || j == last) {
            front[i] = 1;
            out[n++] = w->item[i];
        }
    }
    for (long i = 0; !rc && i < w->n; i++)
        if (!front[i]) out[n++] = w->item[i];
    if (!rc) memcpy(w->item, out, sizeof(long) * (size_t)w->n);
    free(count);
    free(seen);
    free(out);
    free(front);
    return rc;
}

/* The work of this run: items without a record, and items whose latest
 * record failed before `retries` attempts; what the store held goes to info. */
static int work_of(const plan *p, const store *st, int retries, long max_items, work_list *w, progress_info *info)
{
    w->item = malloc(sizeof(long) * (size_t)(p->n_items + 1));
    int *att = malloc(sizeof(int) * (size_t)(p->n_items + 1));
    w->attempt = malloc(sizeof(int) * (size_t)(p->n_items + 1));
    if (!w->item || !att || !w->attempt) {
        free(att);
        return -1;
    }
    w->n = 0;
    for (long i = 0; i < p->n_items; i++) {
        int failed = 0, attempt = 0, part = p->configs[p->items[i].config].part;
        int stored = st->fd >= 0 && store_lookup(st, plan_key(p, i), &failed, &attempt);
        int k = part < PROGRESS_MAX_PARTS ? part : PROGRESS_MAX_PARTS - 1;
        info->done += stored;
        info->failed += stored && failed;
        info->part[k].done += stored;
        info->part[k].failed += stored && failed;
        info->part[k].total++;
        if (!stored || (failed && attempt < retries)) {
            att[i] = stored ? attempt + 1 : 1;
            w->item[w->n++] = i;
        }
    }
    sort_plan = p;
    qsort(w->item, (size_t)w->n, sizeof(long), by_cost_desc);
    if (sample_kinds_first(p, w) != 0) {
        free(att);
        return -1;
    }
    if (max_items > 0 && w->n > max_items) w->n = max_items;
    for (long k = 0; k < w->n; k++) w->attempt[k] = att[w->item[k]];
    free(att);
    return 0;
}

/* Tells the workers 0 (run), or anything else (leave), without their spinning. */
static void tell_workers(int *status)
{
    MPI_Request req;
    MPI_Ibcast(status, 1, MPI_INT, 0, MPI_COMM_WORLD, &req);
    mpi_wait_politely(&req);
}

static int master(const plan *p, const sweep_run_opts *o, int size)
{
    char err[1024], ident[32];
    store st;
    memset(&st, 0, sizeof st);
    st.fd = st.lock_fd = -1;
    sweep_identity(p->parts, p->n_parts, ident, sizeof ident);
    struct stat sb;
    int rc = 0;
    if (!(o->dry_run && stat(o->out_dir, &sb) != 0)) /* a dry run creates nothing */
        rc = store_open(&st, o->out_dir, p->parts[0].name, ident, err, sizeof err);
    int status = rc == 0 ? 0 : (rc == -2 ? 2 : 1);
    if (status) fprintf(stderr, "mlpvar sweep: %s\n", err);
    for (int i = 0; !status && i < st.n_warn; i++)
        fprintf(stderr,
                "mlpvar sweep: %s:%ld: moved to quarantine.jsonl, not a record of this sweep: %s; its "
                "network is computed again\n",
                st.path, st.warn_line[i], st.warn[i]);
    if (st.quarantined > st.n_warn)
        fprintf(stderr, "mlpvar sweep: %ld more lines moved to quarantine.jsonl\n", st.quarantined - st.n_warn);
    work_list w = { NULL, NULL, 0 };
    progress_info info;
    memset(&info, 0, sizeof info);
    if (!status && work_of(p, &st, o->retries, o->max_items, &w, &info) != 0) {
        fprintf(stderr, "mlpvar sweep: out of memory for %ld work items\n", p->n_items);
        status = 1;
    }
    int workers = size > 1 ? size - 1 : 1;
    if (!status && (o->dry_run || !o->quiet))
        fprintf(stderr,
                "sweep '%s': %d configurations, %ld networks, %ld already in %s (%ld failed), %ld to run on "
                "%d %s%s\n",
                p->parts[0].name, p->n_configs, p->n_items, info.done, o->out_dir, info.failed, w.n, workers,
                size > 1 ? "workers" : "rank", st.torn_bytes ? " (cut a torn last line)" : "");
    /* the memory every rank of this node needs, against what the node has: --dry-run is a real check */
    if (!status) status = sweep_memory_check(p->parts, p->n_parts, size, o->dry_run || !o->quiet ? stderr : NULL);
    if (o->dry_run && !status) status = 3; /* workers leave; exit 0 */
    tell_workers(&status);
    if (status) {
        free(w.item);
        free(w.attempt);
        store_close(&st);
        return status == 3 ? 0 : status;
    }
    snprintf(info.sweep, sizeof info.sweep, "%s", p->parts[0].name);
    gethostname(info.host, sizeof info.host);
    info.pid = (long)getpid();
    info.total = p->n_items;
    info.workers = workers;
    info.n_parts = p->n_parts < PROGRESS_MAX_PARTS ? p->n_parts : PROGRESS_MAX_PARTS;
    eta_model eta;
    committer c;
    monitor mon;
    int ok = eta_init(&eta, plan_kinds(p), workers) == 0;
    for (long k = 0; ok && k < w.n; k++) eta_add_todo(&eta, plan_item_kind(p, w.item[k]), plan_item_cost(p, w.item[k]));
    ok = ok && committer_start(&c, &st, &eta, p->n_parts) == 0;
    ok = ok && monitor_start(&mon, &c, o->out_dir, &info, o->quiet) == 0;
    if (!ok) { /* the workers wait for work: tell them to stop */
        fprintf(stderr, "mlpvar sweep: out of memory starting the sweep\n");
        w.n = 0;
    }
    int run = size > 1 ? master_run(p, &w, size - 1, &c) : (ok ? serial_run(p, &w, &c) : -1);
    int io = ok ? committer_finish(&c) : 0;
    char state[64];
    if (io) snprintf(state, sizeof state, "failed: cannot write results.jsonl");
    else if (run || !ok) snprintf(state, sizeof state, "failed: out of memory");
    else if (sweep_stop_signal) snprintf(state, sizeof state, "stopped by signal %d", (int)sweep_stop_signal);
    else snprintf(state, sizeof state, "finished");
    if (ok) monitor_finish(&mon, state);
    int exit_code = 0;
    if (io) {
        fprintf(stderr, "mlpvar sweep: cannot write %s: %s; the records stored before are safe\n", st.path,
                strerror(c.counts.io_error));
        exit_code = 1;
    } else if (run || !ok) {
        exit_code = 1;
    } else if (sweep_stop_signal) {
        fprintf(stderr,
                "mlpvar sweep: stopped by signal %d after %ld new records; %ld networks are safe in %s; "
                "rerun the same command to resume\n",
                (int)sweep_stop_signal, c.counts.done, mon.info.done, st.path);
        exit_code = 128 + (int)sweep_stop_signal;
    } else if (!o->quiet) {
        fprintf(stderr, "sweep '%s': %ld of %ld networks in %s", p->parts[0].name, mon.info.done, p->n_items, st.path);
        if (mon.info.failed)
            fprintf(stderr, "; %ld failed (mlpvar results %s lists them; a rerun retries them, %d attempts in all)",
                    mon.info.failed, o->out_dir, o->retries);
        fputc('\n', stderr);
    }
    if (ok) committer_free(&c);
    eta_free(&eta);
    free(w.item);
    free(w.attempt);
    store_close(&st);
    return exit_code;
}

int sweep_run(const sweep_run_opts *o, int *argc, char ***argv)
{
    catch_signals(); /* before MPI_Init: a TERM during start-up still stops cleanly */
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided); /* only the main thread calls MPI */
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    openblas_set_num_threads(1);
    plan p;
    int rc = load_everywhere(&p, o->sweep_path, rank, size);
    if (rc == 0) {
        if (rank == 0) {
            rc = master(&p, o, size);
        } else {
            int status;
            tell_workers(&status);
            if (status == 0) worker_run(&p);
        }
    }
    plan_free(&p);
    MPI_Finalize();
    return rc;
}
