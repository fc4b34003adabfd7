/* The subcommands; each returns the process exit code. */
#ifndef MLPVAR_COMMANDS_H
#define MLPVAR_COMMANDS_H

int cmd_measure(int argc, char **argv);
int cmd_landscape(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_theory(int argc, char **argv);
int cmd_theory_compare(int argc, char **argv); /* mlpvar theory --compare */
int cmd_analyze(int argc, char **argv);
int cmd_advise(int argc, char **argv);

#endif
