#include "sweep_run.h"
#include "progress.h"
#include "record.h"
#include "store.h"
#include "sweep_expand.h"

#include <cblas.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { TAG_RECORD = 1, TAG_WORK = 2 };
#define WORK_DONE (-1L)

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Everything every rank derives from the sweep file, identically: the parts,
 * their configurations in one list (each knows its part), the work items. */
typedef struct {
    mlpv_sweep *parts; int n_parts;
    sweep_data *data;                 /* per part */
    sweep_config *configs; int n_configs;
    sweep_item *items; long n_items;
} plan;

static const mlpv_sweep *part_of(const plan *p, const sweep_item *it)
{
    return &p->parts[p->configs[it->config].part];
}

static int plan_load(plan *p, const char *path, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (sweep_read_parts(path, &p->parts, &p->n_parts, err, errlen) != 0) return 2;
    p->data = calloc((size_t)p->n_parts, sizeof(sweep_data));
    if (!p->data) { snprintf(err, errlen, "out of memory"); return 1; }
    for (int k = 0; k < p->n_parts; k++) {
        const mlpv_sweep *s = &p->parts[k];
        sweep_config *cf;
        sweep_item *it;
        int nc;
        if (sweep_configs(s, &cf, &nc, err, errlen) != 0) return 2;
        for (int c = 0; c < nc; c++)
            if (cf[c].spec.depth > RECORD_MAX_DEPTH) {
                snprintf(err, errlen, "%s: depth %d is deeper than mlpvar's limit of %d layers; lower 'depths'",
                         path, cf[c].spec.depth, RECORD_MAX_DEPTH);
                free(cf);
                return 2;
            }
        long ni = sweep_items(s, nc, &it);
        for (long i = 0; i < ni; i++) it[i].config += p->n_configs;
        p->configs = realloc(p->configs, sizeof(sweep_config) * (size_t)(p->n_configs + nc));
        p->items = realloc(p->items, sizeof(sweep_item) * (size_t)(p->n_items + ni));
        memcpy(p->configs + p->n_configs, cf, sizeof(sweep_config) * (size_t)nc);
        memcpy(p->items + p->n_items, it, sizeof(sweep_item) * (size_t)ni);
        p->n_configs += nc;
        p->n_items += ni;
        free(cf);
        free(it);
        if (sweep_data_load(s, &p->data[k], err, errlen) != 0) return 2;
    }
    return 0;
}

static void plan_free(plan *p)
{
    for (int k = 0; p->data && k < p->n_parts; k++) sweep_data_free(&p->data[k]);
    free(p->data);
    free(p->items);
    free(p->configs);
    sweep_free_parts(p->parts, p->n_parts);
}

/* Estimated cost of an item in flops: the landscape forward pass, plus training
 * (6 flops per weight per point per step). Used to hand out the expensive work
 * first, so ranks finish together, and for the ETA. */
static double item_cost(const plan *p, const sweep_item *it)
{
    const sweep_config *c = &p->configs[it->config];
    const mlpv_sweep *s = &p->parts[c->part];
    double params = (double)mlpv_spec_params(&c->spec);
    double cost = 2.0 * s->grid * s->grid * params;
    if (it->train) cost += 6.0 * (double)s->points * params * s->train.steps;
    return cost;
}

static const plan *sort_plan;
static int by_cost_desc(const void *x, const void *y)
{
    long i = *(const long *)x, j = *(const long *)y;
    double a = item_cost(sort_plan, &sort_plan->items[i]), b = item_cost(sort_plan, &sort_plan->items[j]);
    return (a < b) - (a > b) ? (a < b) - (a > b) : (i > j) - (i < j);
}

/* Stores one finished record; returns 0 or -1 on an I/O error. */
static int save(store *st, const plan *p, const sweep_record *r)
{
    sweep_item it = { .config = r->config, .seed = r->seed, .train = r->trained };
    const sweep_config *c = &p->configs[r->config];
    const mlpv_sweep *sw = part_of(p, &it);
    uint64_t key = record_key(sw, c, &it);
    size_t len;
    char *line = record_json(sw, c, r, key, &len);
    int rc = line ? store_append(st, key, line, len) : -1;
    free(line);
    return rc;
}

static void sleep_briefly(void)
{
    struct timespec ts = { 0, 500000 };   /* 0.5 ms: the master polls without spinning a core */
    nanosleep(&ts, NULL);
}

/* Master with workers: a worker's message is its last record (or a first
 * "ready"); the reply is its next item's index, or WORK_DONE. */
static int master_loop(const plan *p, store *st, const long *todo, long n_todo, int n_workers,
                       progress *prog)
{
    long next = 0;
    int active = n_workers, io_error = 0;
    sweep_record *r = malloc(sizeof *r);
    while (active > 0) {
        MPI_Request req;
        MPI_Status status;
        int flag = 0;
        MPI_Irecv(r, sizeof *r, MPI_BYTE, MPI_ANY_SOURCE, TAG_RECORD, MPI_COMM_WORLD, &req);
        while (!flag) {
            MPI_Test(&req, &flag, &status);
            if (!flag) sleep_briefly();
        }
        if (r->item_valid) {
            if (save(st, p, r) != 0) io_error = 1;
            sweep_item it = { .config = r->config, .seed = r->seed, .train = r->trained };
            progress_add_work(prog, 1, item_cost(p, &it));
        }
        long reply = WORK_DONE;
        if (!stop_signal && !io_error && next < n_todo) reply = todo[next++];
        else active--;
        MPI_Send(&reply, 1, MPI_LONG, status.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    }
    free(r);
    return io_error ? -1 : 0;
}

static void worker_loop(const plan *p)
{
    sweep_record *r = calloc(1, sizeof *r);
    MPI_Send(r, sizeof *r, MPI_BYTE, 0, TAG_RECORD, MPI_COMM_WORLD);   /* ready */
    for (;;) {
        long idx;
        MPI_Recv(&idx, 1, MPI_LONG, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (idx == WORK_DONE) break;
        const sweep_item *it = &p->items[idx];
        record_compute(part_of(p, it), &p->configs[it->config], it, &p->data[p->configs[it->config].part], r);
        MPI_Send(r, sizeof *r, MPI_BYTE, 0, TAG_RECORD, MPI_COMM_WORLD);
    }
    free(r);
}

static int serial_loop(const plan *p, store *st, const long *todo, long n_todo, progress *prog)
{
    sweep_record *r = malloc(sizeof *r);
    int rc = 0;
    for (long i = 0; i < n_todo && !stop_signal; i++) {
        const sweep_item *it = &p->items[todo[i]];
        record_compute(part_of(p, it), &p->configs[it->config], it, &p->data[p->configs[it->config].part], r);
        if (save(st, p, r) != 0) { rc = -1; break; }
        progress_add_work(prog, 1, item_cost(p, it));
    }
    free(r);
    return rc;
}

/* Rank 0: open the store, find what is left, run it. */
static int master(const plan *p, const sweep_run_opts *o, int size)
{
    char err[1024], ident[32];
    store st;
    sweep_identity(p->parts, p->n_parts, ident, sizeof ident);
    struct stat sb;
    int rc;
    if (o->dry_run && stat(o->out_dir, &sb) != 0) {    /* a dry run creates nothing */
        memset(&st, 0, sizeof st);
        st.fd = st.lock_fd = -1;
        rc = 0;
    } else {
        rc = store_open(&st, o->out_dir, p->parts[0].name, ident, err, sizeof err);
    }
    int status = rc == 0 ? 0 : (rc == -2 ? 2 : 1);
    if (status) fprintf(stderr, "mlpvar sweep: %s\n", err);
    long *todo = malloc(sizeof(long) * (size_t)(p->n_items ? p->n_items : 1));
    long n_todo = 0;
    if (!status)
        for (long i = 0; i < p->n_items; i++) {
            const sweep_item *it = &p->items[i];
            if (!store_has(&st, record_key(part_of(p, it), &p->configs[it->config], it))) todo[n_todo++] = i;
        }
    long already = p->n_items - n_todo;
    sort_plan = p;                                   /* longest first; ties in file order */
    qsort(todo, (size_t)n_todo, sizeof(long), by_cost_desc);
    if (!status && o->max_items > 0 && n_todo > o->max_items) n_todo = o->max_items;
    if (!status && (o->dry_run || !o->quiet))
        fprintf(stderr, "sweep '%s': %d configurations, %ld networks, %ld already in %s, %ld to run on %d %s%s\n",
                p->parts[0].name, p->n_configs, p->n_items, already, o->out_dir, n_todo, size > 1 ? size - 1 : 1, size > 1 ? "workers" : "rank",
                st.torn_bytes ? " (cut a torn last line)" : "");
    if (o->dry_run) status = status ? status : 3;     /* tell workers to leave; exit 0 below */
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (status) {
        free(todo);
        store_close(&st);
        return status == 3 ? 0 : status;
    }
    progress prog;
    progress_start(&prog, "networks", n_todo, o->quiet);
    double work = 0;
    for (long i = 0; i < n_todo; i++) work += item_cost(p, &p->items[todo[i]]);
    progress_set_work(&prog, work);
    int run = size > 1 ? master_loop(p, &st, todo, n_todo, size - 1, &prog) : serial_loop(p, &st, todo, n_todo, &prog);
    progress_finish(&prog);
    free(todo);
    int exit_code = 0;
    if (run != 0) {
        fprintf(stderr, "mlpvar sweep: cannot write %s: disk full or gone? records up to the last line are safe\n", st.path);
        exit_code = 1;
    } else if (stop_signal) {
        fprintf(stderr, "mlpvar sweep: stopped by signal %d after %ld new records; %zu records are safe in %s; "
                "rerun the same command to resume\n", (int)stop_signal, prog.done, st.count, st.path);
        exit_code = 128 + (int)stop_signal;
    } else if (!o->quiet) {
        fprintf(stderr, "sweep '%s': %zu records in %s\n", p->parts[0].name, st.count, st.path);
    }
    store_close(&st);
    return exit_code;
}

int sweep_run(const sweep_run_opts *o, int *argc, char ***argv)
{
    catch_signals();              /* before MPI_Init: a TERM during start-up still stops cleanly */
    MPI_Init(argc, argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    openblas_set_num_threads(1);
    plan p;
    char err[1024];
    int rc = plan_load(&p, o->sweep_path, err, sizeof err);
    if (rc != 0) {
        if (rank == 0) fprintf(stderr, "mlpvar sweep: %s\n", err);
        plan_free(&p);
        MPI_Finalize();
        return rc;
    }
    if (rank == 0) {
        rc = master(&p, o, size);
    } else {
        int status;
        MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
        if (status == 0) worker_loop(&p);
    }
    plan_free(&p);
    MPI_Finalize();
    return rc;
}
