/* Checks across the keys of a read sweep, and the peak memory of a run
 * (sweep_check.h). */
#include "sweep_check.h"
#include "sweep_expand.h"
#include "record.h"

#include "mlpvar/landscape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LIM_MAX_DEPTH <= RECORD_MAX_DEPTH, "a record holds LIM_MAX_DEPTH layers");

static const char *path_of(const mlpv_sweep *s) { return s->path ? s->path : "sweep"; }
static int line_or_1(int line) { return line > 0 ? line : 1; }

int sweep_csv_check(const mlpv_dataset *d, const char *path, char *err, size_t errlen)
{
    if (d->n < 2) {
        snprintf(err, errlen,
                 "%s: %ld data row%s; training needs at least 2 (at least one is held out for the "
                 "test set)",
                 path, d->n, d->n == 1 ? "" : "s");
        return -1;
    }
    if (d->in_dim < 2) {
        snprintf(err, errlen,
                 "%s: %d input column%s beside the %d target%s; mlpvar measures the landscape over a "
                 "2-D slice of the inputs, so give at least 2 input columns",
                 path, d->in_dim, d->in_dim == 1 ? "" : "s", d->out_dim, d->out_dim == 1 ? "" : "s");
        return -1;
    }
    return 0;
}

void sweep_item_need(const mlpv_sweep *s, const sweep_config *c, int trained, lim_item *it)
{
    memset(it, 0, sizeof *it);
    it->spec = c->spec;
    it->grid = s->grid;
    it->chunk = mlpv_grid_defaults(s->grid).chunk;
    it->precision = s->precision;
    it->diag = 1;
    it->rivals = s->rivals;
    if (s->has_task && s->task == MLPV_TASK_CSV) {
        long n = s->csv_rows, n_test = lround(s->test_fraction * (double)n); /* mlpv_dataset_split */
        if (n_test > n - 1) n_test = n - 1;
        if (n_test < 1) n_test = 1;
        it->train_rows = n - n_test;
        it->test_rows = n_test;
    } else if (s->has_task) {
        it->train_rows = s->points;
        it->test_rows = (long)s->test_grid * s->test_grid;
    }
    it->trained = trained && s->has_train && s->has_task;
    it->train = s->train;
}

/* Networks per configuration: seeds 0..draws-1 and the training seeds. */
static long seeds_per_config(const mlpv_sweep *s)
{
    long n = s->draws > 0 ? s->draws : 0;
    for (int i = 0; i < s->n_seeds; i++) n += s->seeds[i] >= (uint64_t)(s->draws > 0 ? s->draws : 0);
    return n;
}

/* The key and line that drive the number of networks: the longest factor. */
static int too_many(const mlpv_sweep *s, long total, long sizes, long seeds, char *err, size_t errlen)
{
    const char *key = s->n_widths ? "widths" : "budget";
    int line = s->n_widths ? s->line.widths : s->budget_line;
    long most = sizes;
    if (s->n_acts > most) {
        most = s->n_acts;
        key = "activations";
        line = s->line.activations;
    }
    if (s->n_depths > most) {
        most = s->n_depths;
        key = "depths";
        line = s->line.depths;
    }
    if (seeds > most) {
        int by_draws = s->draws >= s->n_seeds;
        key = by_draws ? "draws" : "seeds";
        line = by_draws ? s->line.draws : s->line.seeds;
    }
    snprintf(err, errlen,
             "%s:%d: key '%s': the sweep has %ld networks (%ld %s x %d activations x %d depths x %ld "
             "seeds, all parts together), above the ceiling of %ld per sweep (docs/limits.md); shorten this list "
             "or split the sweep into several",
             path_of(s), line_or_1(line), key, total, sizes, s->n_widths ? "widths" : "budgets", s->n_acts, s->n_depths,
             seeds, LIM_MAX_NETWORKS);
    return -1;
}

/* The key and line that drive an item's memory. */
static void culprit(const mlpv_sweep *s, const lim_item *it, const char **key, int *line)
{
    *key = s->n_widths ? "widths" : "budget";
    *line = s->n_widths ? s->line.widths : s->budget_line;
    lim_driver d = lim_item_driver(it);
    if (d == LIM_BY_GRID) {
        *key = "grid";
        *line = s->line.grid;
    } else if (d == LIM_BY_DATA && s->task == MLPV_TASK_CSV) {
        *key = "path";
        *line = s->line.path;
    } else if (d == LIM_BY_DATA && (double)s->points >= (double)s->test_grid * s->test_grid) {
        *key = "points";
        *line = s->line.points;
    } else if (d == LIM_BY_DATA) {
        *key = "test_grid";
        *line = s->line.test_grid;
    }
}

static void describe(const lim_item *it, char *buf, size_t len)
{
    const mlpv_spec *p = &it->spec;
    snprintf(buf, len, "%s, depth %d, width %d, %ld parameters, grid %d%s", mlpv_activation_name(p->activation),
             p->depth, p->width, mlpv_spec_params(p), it->grid, it->trained ? ", trained" : "");
}

/* The largest item of part s over its configurations: bytes, and *worst. */
static double largest_item(const mlpv_sweep *s, const sweep_config *cf, int n, lim_item *worst)
{
    double most = -1;
    for (int k = 0; k < n; k++)
        for (int t = 0; t <= (s->has_train ? 1 : 0); t++) {
            lim_item it;
            sweep_item_need(s, &cf[k], t, &it);
            double b = lim_item_bytes(&it);
            if (b > most) {
                most = b;
                *worst = it;
            }
        }
    return most;
}

int sweep_check_sizes(const mlpv_sweep *s, long *networks, char *err, size_t errlen)
{
    long sizes = s->n_widths ? s->n_widths : s->n_budgets, seeds = seeds_per_config(s);
    double total = (double)*networks + (double)sizes * s->n_acts * s->n_depths * (double)seeds;
    if (total > (double)LIM_MAX_NETWORKS) return too_many(s, (long)total, sizes, seeds, err, errlen);
    *networks = (long)total;
    sweep_config *cf;
    int n;
    if (sweep_configs(s, &cf, &n, err, errlen) != 0) return -1;
    lim_item worst;
    double most = largest_item(s, cf, n, &worst);
    free(cf);
    if (most <= LIM_MAX_ITEM_BYTES) return 0;
    const char *key;
    int line;
    char what[160], need[32], cap[32];
    culprit(s, &worst, &key, &line);
    describe(&worst, what, sizeof what);
    snprintf(err, errlen,
             "%s:%d: key '%s': one network of this sweep (%s) needs %s of memory, above the ceiling of "
             "%s per network (docs/limits.md); lower %s",
             path_of(s), line_or_1(line), key, what, lim_bytes_text(most, need, sizeof need),
             lim_bytes_text(LIM_MAX_ITEM_BYTES, cap, sizeof cap), key);
    return -1;
}

/* ---- the peak per rank ---- */

double sweep_peak_memory(const mlpv_sweep *parts, int n_parts, int ranks, char *worst, size_t len)
{
    double plan = 0, data = 0, store = 0, item = 0;
    if (worst && len) worst[0] = '\0';
    for (int k = 0; k < n_parts; k++) {
        const mlpv_sweep *s = &parts[k];
        sweep_config *cf;
        int n;
        if (sweep_configs(s, &cf, &n, NULL, 0) != 0) continue; /* sweep_read refused it already */
        double items = (double)n * (double)seeds_per_config(s);
        plan += items * (sizeof(sweep_item) + sizeof(long)) + n * sizeof(sweep_config);
        store += items * 4 * sizeof(uint64_t); /* the key set, half full, while it grows */
        if (s->has_task && s->task == MLPV_TASK_CSV) data += (double)s->csv_rows * (s->in_dim + s->out_dim) * 8;
        lim_item it;
        double b = largest_item(s, cf, n, &it);
        free(cf);
        if (b > item) {
            item = b;
            if (worst && len) describe(&it, worst, len);
        }
    }
    double worker = LIM_BASE_BYTES + plan + data + item, master = LIM_BASE_BYTES + plan + data + store;
    if (ranks <= 1) return master + item;
    return worker > master ? worker : master;
}

/* Ranks of this job on this node, from the launcher; 0 if it does not say. */
static int local_ranks(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "PMI_LOCAL_SIZE" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > 0) return atoi(v);
    }
    return 0;
}

int sweep_memory_check(const mlpv_sweep *parts, int n_parts, int ranks, FILE *f)
{
    char worst[160], peak_t[32], need_t[32], avail_t[32];
    double peak = sweep_peak_memory(parts, n_parts, ranks, worst, sizeof worst);
    int here = local_ranks();
    if (here <= 0) here = ranks > 0 ? ranks : 1;
    double need = peak * here, avail = lim_available_bytes();
    lim_bytes_text(peak, peak_t, sizeof peak_t);
    lim_bytes_text(need, need_t, sizeof need_t);
    if (avail < 0) {
        if (f)
            fprintf(f,
                    "memory: peak %s per rank (largest network: %s); cannot read the available memory "
                    "(/proc/meminfo), not checked\n",
                    peak_t, worst);
        return 0;
    }
    lim_bytes_text(avail, avail_t, sizeof avail_t);
    if (need > avail) {
        fprintf(f ? f : stderr,
                "mlpvar sweep: memory: %d rank%s on this node x %s per rank = %s, more than the %s available "
                "(largest network: %s); run fewer ranks per node, or lower grid, widths, budget or points\n",
                here, here == 1 ? "" : "s", peak_t, need_t, avail_t, worst);
        return 2;
    }
    if (f)
        fprintf(f, "memory: peak %s per rank (largest network: %s); %d rank%s on this node need %s of %s available\n",
                peak_t, worst, here, here == 1 ? "" : "s", need_t, avail_t);
    return 0;
}
