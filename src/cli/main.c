/* mlpvar: will this MLP train? Variability and collapse at init. */
#include "commands.h"
#include "mlpvar/openblas_core.h"

#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: mlpvar COMMAND [options]\n\n"
               "commands:\n"
               "  measure     variability and collapse to constant of random MLPs (or --weights FILE)\n"
               "  landscape   a network's output landscape as CSV, or a gallery PNG of random ones\n"
               "  train       measure at init, then train, networks of one configuration on a task\n"
               "  sweep       the MPI parameter sweep of a YAML sweep file, resumable (mpirun -np P ...)\n"
               "  status      how a running (or ended) sweep is doing, from any shell\n"
               "  results     summarise or export a sweep's results folder\n"
               "  theory      infinite-width theory: fixed points, depth scales, predicted C2C depth\n"
               "  analyze     judge the paper's claims from a sweep's records; write a report\n"
               "  advise      rank depth, width and activation for a budget, from measurements at init\n"
               "  version     versions of mlpvar and the libraries it was built with\n\n"
               "'mlpvar COMMAND --help' for a command's options.\n");
}

/* At exit, whatever the path (return, cli_die, exit): output that could not
 * be written is a system failure, exit 1 with the reason, never a silent 0
 * (stdout to a full disk or a closed pipe's file). */
static void check_stdout(void)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return;
    fprintf(stderr, "mlpvar: cannot write the output: %s\n", errno ? strerror(errno) : "write error");
    _exit(1);
}

int main(int argc, char **argv)
{
    openblas_core_fix(argv);
    atexit(check_stdout);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "measure")) return cmd_measure(argc - 1, argv + 1);
    if (!strcmp(cmd, "landscape")) return cmd_landscape(argc - 1, argv + 1);
    if (!strcmp(cmd, "train")) return cmd_train(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep")) return cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "results")) return cmd_results(argc - 1, argv + 1);
    if (!strcmp(cmd, "status")) return cmd_status(argc - 1, argv + 1);
    if (!strcmp(cmd, "theory")) return cmd_theory(argc - 1, argv + 1);
    if (!strcmp(cmd, "analyze")) return cmd_analyze(argc - 1, argv + 1);
    if (!strcmp(cmd, "advise")) return cmd_advise(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        int maj, min;
        MPI_Get_version(&maj, &min);
        printf("mlpvar %s (MPI %d.%d, libyaml %s, OpenBLAS kernels %s)\n", MLPVAR_VERSION, maj, min,
               yaml_get_version_string(), openblas_core_name());
        return 0;
    }
    fprintf(stderr, "mlpvar: unknown command '%s'; run 'mlpvar --help' for the list\n", cmd);
    return 2;
}
