/* The one gnuplot harness: a job is a private temporary folder under $TMPDIR
 * (default /tmp) holding a script (plot.gp), data files and gnuplot's log; it
 * runs gnuplot without a shell, moves the PNG it drew into place, and removes
 * the folder. Every path and text written into a script goes through gp_str or
 * gp_file, which write exact gnuplot string literals. Nothing here prints:
 * errors come back as -1 with one line in err. */
#ifndef MLPVAR_GNUPLOT_H
#define MLPVAR_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#define GP_PATH 4096 /* room for any path inside a job's folder */

typedef struct {
    char dir[GP_PATH]; /* the job's folder; "" once removed */
    FILE *gp; /* its script, plot.gp, open until gp_run or gp_discard */
    int nfiles; /* data files made so far (d0.dat, d1.dat, ...) */
} gp_job;

/* Looks for an executable gnuplot on PATH (as execvp would; no shell). Returns
 * 0 with its path in path, or -1 when there is none. */
int gp_which(char *path, size_t len);

/* Makes a job: the folder $TMPDIR/mlpvar-gnuplot-XXXXXX (mkdtemp, mode 0700)
 * and its script, which starts "set terminal TERMINAL" and "set output" to the
 * job's own PNG. terminal is program text (e.g. "pngcairo size 800,600"),
 * never user input. Returns 0, or -1 with one line in err (nothing is left). */
int gp_open(gp_job *j, const char *terminal, char *err, size_t errlen);

/* Opens a new data file in the job's folder for writing; its path (for
 * gp_file) goes into path[len]. Returns the stream, or NULL with err set. */
FILE *gp_data(gp_job *j, char *path, size_t len, char *err, size_t errlen);

/* Writes s as a gnuplot double-quoted string literal whose value is exactly s:
 * \ " and ` (command substitution, which gnuplot performs inside double quotes)
 * are backslash-escaped; newline, CR and tab become \n \r \t and any other
 * control byte a four-digit octal escape \0ooo; everything else is copied.
 * (Single quotes cannot carry every string: gnuplot's scanner misreads ''
 * at a string's start or two '' in a row, and they have no newline.) */
void gp_str(FILE *f, const char *s);

/* Writes a file name as gp_str does, with "./" before a relative path, so that
 * gnuplot takes it as a plain file: never a pipe ("|cmd", "<cmd"), stdout or
 * inline data ("-"), a pseudo-file ("+", "++"), a datablock ("$name"), "~"
 * expansion, or the previous file (""). */
void gp_file(FILE *f, const char *path);

/* Ends the script with "unset multiplot" and "unset output", closes it, runs
 * `gnuplot -d plot.gp` (no init files; stdin /dev/null, stdout and stderr to
 * the folder's log.txt), moves the PNG it drew to png (rename, or a copy across
 * file systems), and removes the folder, whatever happened. Returns 0, or -1
 * with one line in err: gnuplot missing, failing (its exit status and its first
 * error line), drawing nothing, or a file that cannot be moved or removed. */
int gp_run(gp_job *j, const char *png, char *err, size_t errlen);

/* Abandons a job without running it: closes the script and removes the folder
 * and everything in it. Safe on a job already run or removed. Returns 0, or -1
 * with err when something could not be removed. */
int gp_discard(gp_job *j, char *err, size_t errlen);

#endif
