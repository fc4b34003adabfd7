/* mlpvar sweep FILE.yaml --out DIR: the MPI parameter sweep. */
#include "cli_args.h"
#include "commands.h"
#include "sweep_run.h"

#include <stdio.h>
#include <string.h>

static const char *const CMD = "sweep";

static void usage(void)
{
    printf("usage: mlpvar sweep FILE.yaml --out DIR [--quiet] [--dry-run]\n"
           "       mpirun -np P mlpvar sweep FILE.yaml --out DIR\n\n"
           "Measures (and, with a train section, trains) every (configuration, seed) of the\n"
           "sweep file. Rank 0 hands out work and appends the records to DIR/results.jsonl in\n"
           "groups, each flushed to disk (fsync) before its records count; the other ranks\n"
           "compute. With one rank the same work runs serially. Rerunning the same command\n"
           "resumes: stored records are skipped, a torn last line is cut, and items that failed\n"
           "are retried (--retries attempts in all). SIGINT/SIGTERM stop after the records in\n"
           "flight. Progress goes to stderr and to DIR/progress.json (see 'mlpvar status DIR').\n"
           "Keys of the sweep file: sweeps/reference.yaml.\n\n"
           "options:\n"
           "  --out DIR     output folder (created; refused if it holds another sweep's results)\n"
           "  --dry-run     print the plan (configurations, networks, already done) and exit\n"
           "  --retries N   attempts in all for an item that fails, counting earlier runs (default 2)\n"
           "  --max N       stop after N new records (for testing resume)\n"
           "  --quiet       no progress\n");
}

int cmd_sweep(int argc, char **argv)
{
    sweep_run_opts o = { 0 };
    o.retries = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--out")) o.out_dir = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--quiet")) o.quiet = 1;
        else if (!strcmp(a, "--dry-run")) o.dry_run = 1;
        else if (!strcmp(a, "--max")) o.max_items = cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, 1L << 50);
        else if (!strcmp(a, "--retries")) o.retries = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, 1000);
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (a[0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar sweep --help'", a);
        else if (!o.sweep_path) o.sweep_path = a;
        else cli_die(CMD, "one sweep file at a time; got '%s' and '%s'", o.sweep_path, a);
    }
    if (!o.sweep_path) cli_die(CMD, "give a sweep file: mlpvar sweep FILE.yaml --out DIR");
    if (!o.out_dir) cli_die(CMD, "give an output folder with --out DIR");
    return sweep_run(&o, &argc, &argv);
}
