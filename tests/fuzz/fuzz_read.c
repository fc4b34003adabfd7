/* The readers of mlpvar's input files without the commands around them (no MPI
 * start-up, so the fuzz suite can run thousands of cases):
 *   fuzz_read sweep FILE          sweep_read_parts, then the plan every rank
 *                                 builds (configurations, items, CSV data) and
 *                                 the peak memory per rank
 *   fuzz_read csv FILE [TARGETS]  mlpv_csv_read and the task's checks
 *   fuzz_read weights FILE        mlpv_weights_read
 * Exit 0 when the file is good, 2 with one line on stderr when it is bad input,
 * 1 on a system failure: what the commands do. */
#include "record.h"
#include "sweep_check.h"
#include "sweep_expand.h"

#include "mlpvar/task.h"
#include "mlpvar/weights_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad(const char *err)
{
    fprintf(stderr, "fuzz_read: %s\n", err);
    return 2;
}

static int sweep(const char *path)
{
    mlpv_sweep *parts;
    int n;
    char err[2048];
    int rc = sweep_read_parts(path, &parts, &n, err, sizeof err);
    if (rc) return rc == -2 ? (fprintf(stderr, "fuzz_read: %s\n", err), 1) : bad(err);
    long items = 0;
    for (int k = 0; k < n && !rc; k++) { /* what plan_load does on every rank */
        sweep_config *cf;
        sweep_item *it;
        int nc;
        sweep_data d;
        if (sweep_configs(&parts[k], &cf, &nc, err, sizeof err) != 0) {
            rc = bad(err);
            break;
        }
        long ni = sweep_items(&parts[k], nc, &it);
        if (ni < 0) {
            fprintf(stderr, "fuzz_read: out of memory\n");
            rc = 1;
        }
        items += ni > 0 ? ni : 0;
        free(cf);
        free(it);
        if (!rc && sweep_data_load(&parts[k], NULL, &d, err, sizeof err) != 0) rc = bad(err);
        else if (!rc) sweep_data_free(&d);
    }
    if (!rc) {
        char worst[160];
        double peak = sweep_peak_memory(parts, n, 2, worst, sizeof worst);
        printf("%d parts, %ld networks, peak %.0f bytes per rank (%s)\n", n, items, peak, worst);
    }
    sweep_free_parts(parts, n);
    return rc;
}

static int csv(const char *path, int targets)
{
    mlpv_dataset d;
    char err[2048];
    if (mlpv_csv_read(path, targets, &d, err, sizeof err) != 0) return bad(err);
    int rc = sweep_csv_check(&d, path, err, sizeof err) != 0 ? bad(err) : 0;
    if (!rc) printf("%ld rows, %d inputs, %d targets\n", d.n, d.in_dim, d.out_dim);
    mlpv_dataset_free(&d);
    return rc;
}

static int weights(const char *path)
{
    char err[2048];
    mlpv_net *net = mlpv_weights_read(path, err, sizeof err);
    if (!net) return bad(err);
    printf("depth %d, width %d, %d -> %d\n", net->spec.depth, net->spec.width, net->spec.in_dim, net->spec.out_dim);
    mlpv_net_free(net);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "sweep")) return sweep(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "csv")) return csv(argv[2], argc > 3 ? atoi(argv[3]) : 1);
    if (argc >= 3 && !strcmp(argv[1], "weights")) return weights(argv[2]);
    fprintf(stderr, "usage: fuzz_read sweep|csv|weights FILE [TARGETS]\n");
    return 2;
}
