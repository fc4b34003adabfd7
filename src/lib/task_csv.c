/* The CSV reader of mlpv_csv_read (task.h): numbers separated by commas, an
 * optional header line, '#' comments, blank lines, CRLF. Every error is one
 * line "path:line: what; how to fix". Numbers are read with strtod in the C
 * locale (uselocale, thread-local), so a program that called setlocale cannot
 * turn "0.5" into an error. */
#include "mlpvar/task.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The cell [p, end): 0 and *v for a finite number, 1 for a non-number,
 * 2 for NaN / Inf / a value beyond the double range. */
static int parse_cell(const char *p, const char *end, double *v)
{
    while (p < end && is_blank(*p)) p++;
    if (p == end) return 1;
    char *e;
    errno = 0;
    *v = strtod(p, &e);
    if (e == p || e > end) return 1;
    while (e < end && is_blank(*e)) e++;
    if (e != end) return 1;
    return isfinite(*v) ? 0 : 2;
}

/* The text of a cell for a message: blanks trimmed, at most 24 characters. */
static void cell_text(const char *p, const char *end, char *buf, size_t len)
{
    while (p < end && is_blank(*p)) p++;
    while (end > p && is_blank(end[-1])) end--;
    size_t n = (size_t)(end - p);
    if (n > len - 4) {
        memcpy(buf, p, len - 4);
        memcpy(buf + len - 4, "...", 4);
    } else {
        memcpy(buf, p, n);
        buf[n] = '\0';
    }
    for (char *c = buf; *c; c++) /* the message stays one printable line */
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
}

static long count_cells(const char *s)
{
    long n = 1;
    for (; *s; s++) n += *s == ',';
    return n;
}

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
    int out_dim;
    long ncols, first_line; /* columns of the first data row (0 before it), its line */
    long header_cols, header_line;
    double *vals; /* rows x ncols values */
    size_t nvals, cap;
    long nrows;
} csv_state;

static int push(csv_state *st, double v)
{
    if (st->nvals == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 1024;
        double *nv = realloc(st->vals, sizeof(double) * cap);
        if (!nv) return -1;
        st->vals = nv;
        st->cap = cap;
    }
    st->vals[st->nvals++] = v;
    return 0;
}

/* One line with content (no newline, not a comment). 0, or -1 with err set. */
static int take_line(csv_state *st, char *s, long line)
{
    long cols = count_cells(s);
    int first = st->ncols == 0 && st->header_line == 0;
    if (st->ncols != 0 && cols != st->ncols)
        return fail(st->err, st->errlen,
                    "%s:%ld: row has %ld columns but the first row (line %ld) has %ld; "
                    "give every row the same number of comma-separated cells",
                    st->path, line, cols, st->first_line, st->ncols);
    if (st->ncols == 0 && st->header_line != 0 && cols != st->header_cols)
        return fail(st->err, st->errlen,
                    "%s:%ld: row has %ld columns but the header (line %ld) has %ld; "
                    "make the header name every column",
                    st->path, line, cols, st->header_line, st->header_cols);
    if (first) { /* a header if any cell is not a number */
        const char *p = s;
        for (long c = 0; c < cols; c++) {
            const char *end = strchr(p, ',');
            if (!end) end = p + strlen(p);
            double v;
            if (parse_cell(p, end, &v) == 1) {
                st->header_cols = cols;
                st->header_line = line;
                return 0;
            }
            p = end + 1;
        }
    }
    const char *p = s;
    for (long c = 0; c < cols; c++) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        double v;
        int rc = parse_cell(p, end, &v);
        if (rc != 0) {
            char txt[28];
            cell_text(p, end, txt, sizeof txt);
            if (rc == 2)
                return fail(st->err, st->errlen,
                            "%s:%ld: column %ld is not finite (\"%s\": NaN, Inf or beyond the "
                            "double range); every value must be a finite number: fix or "
                            "remove the row",
                            st->path, line, c + 1, txt);
            return fail(st->err, st->errlen,
                        "%s:%ld: column %ld is not a number (\"%s\"%s); cells must be numbers "
                        "separated by commas (only the first line may be a header)",
                        st->path, line, c + 1, txt, *txt ? "" : ", empty cell");
        }
        if (st->nvals >= (size_t)MLPV_CSV_MAX_VALUES)
            return fail(st->err, st->errlen,
                        "%s:%ld: more than %ld values, the ceiling of a CSV "
                        "task (docs/limits.md); use fewer rows",
                        st->path, line, MLPV_CSV_MAX_VALUES);
        if (push(st, v) != 0)
            return fail(st->err, st->errlen, "%s:%ld: out of memory; use a smaller file", st->path, line);
        p = end + 1;
    }
    if (st->ncols == 0) {
        if (cols - st->out_dim < 1)
            return fail(st->err, st->errlen,
                        "%s:%ld: %ld column%s, too few for %d target column%s and at least one "
                        "input; add input columns (separated by commas) or lower the number "
                        "of outputs",
                        st->path, line, cols, cols == 1 ? "" : "s", st->out_dim, st->out_dim == 1 ? "" : "s");
        st->ncols = cols;
        st->first_line = line;
    }
    st->nrows++;
    return 0;
}

/* Reads the lines of f into st. 0, or -1 with err set. *nlines = lines read. */
static int read_lines(FILE *f, csv_state *st, long *nlines)
{
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t len;
    long line = 0;
    int rc = 0;
    while ((len = getline(&buf, &bufcap, f)) >= 0) {
        line++;
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
        char *s = buf;
        if (line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
            s += 3;
        if ((size_t)len != strlen(buf)) {
            rc = fail(st->err, st->errlen, "%s:%ld: the line holds a NUL byte; is this a text CSV file?", st->path,
                      line);
            break;
        }
        const char *q = s;
        while (is_blank(*q)) q++;
        if (*q == '\0' || *q == '#') continue;
        if ((rc = take_line(st, s, line)) != 0) break;
    }
    if (rc == 0 && ferror(f))
        rc = fail(st->err, st->errlen, "%s:%ld: read error: %s; check the file", st->path, line + 1, strerror(errno));
    free(buf);
    *nlines = line;
    return rc;
}

static int build_set(csv_state *st, mlpv_dataset *out)
{
    long n = st->nrows;
    int od = st->out_dim, id = (int)(st->ncols - od);
    out->x = malloc(sizeof(double) * (size_t)n * (size_t)id);
    out->y = malloc(sizeof(double) * (size_t)n * (size_t)od);
    if (!out->x || !out->y) {
        mlpv_dataset_free(out);
        return -1;
    }
    out->n = n;
    out->in_dim = id;
    out->out_dim = od;
    out->labels_pm1 = 1;
    for (long r = 0; r < n; r++) {
        const double *row = st->vals + (size_t)r * (size_t)st->ncols;
        memcpy(out->x + (size_t)r * id, row, sizeof(double) * (size_t)id);
        for (int o = 0; o < od; o++) {
            double y = row[id + o];
            out->y[(size_t)r * od + o] = y;
            if (y != 1.0 && y != -1.0) out->labels_pm1 = 0;
        }
    }
    return 0;
}

/* The reader over an open stream; path names it in messages. */
static int read_stream(FILE *f, const char *path, int out_dim, mlpv_dataset *out, char *err, size_t errlen)
{
    csv_state st = { .path = path, .err = err, .errlen = errlen, .out_dim = out_dim };
    long nlines = 0;
    locale_t cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = cloc ? uselocale(cloc) : (locale_t)0;
    int rc = read_lines(f, &st, &nlines);
    if (cloc) {
        uselocale(old);
        freelocale(cloc);
    }
    if (rc == 0 && st.nrows == 0) {
        if (nlines == 0) rc = fail(err, errlen, "%s: the file is empty; write one row of numbers per line", path);
        else
            rc = fail(err, errlen,
                      "%s:%ld: no data rows in %ld line%s (only a header, comments "
                      "or blank lines); add rows of comma-separated numbers",
                      path, nlines, nlines, nlines == 1 ? "" : "s");
    }
    if (rc == 0 && build_set(&st, out) != 0)
        rc = fail(err, errlen, "%s: out of memory for %ld rows; use a smaller file", path, st.nrows);
    free(st.vals);
    return rc;
}

static int check_args(const char *path, int out_dim, mlpv_dataset *out, char *err, size_t errlen)
{
    if (err && errlen > 0) err[0] = '\0';
    if (out) memset(out, 0, sizeof *out);
    if (!path) return fail(err, errlen, "(null): no path given; pass the CSV file's path");
    if (!out) return fail(err, errlen, "%s: no output data set; this is a bug in the caller", path);
    if (out_dim < 1 || out_dim > 1000000)
        return fail(err, errlen, "%s: %d target columns asked for; give at least 1", path, out_dim);
    return 0;
}

int mlpv_csv_read(const char *path, int out_dim, mlpv_dataset *out, char *err, size_t errlen)
{
    if (check_args(path, out_dim, out, err, errlen)) return -1;
    FILE *f = fopen(path, "r");
    if (!f) return fail(err, errlen, "%s: cannot open: %s; check the path and its permissions", path, strerror(errno));
    int rc = read_stream(f, path, out_dim, out, err, errlen);
    fclose(f);
    return rc;
}

int mlpv_csv_read_mem(const char *name, const char *bytes, size_t len, int out_dim, mlpv_dataset *out, char *err,
                      size_t errlen)
{
    if (check_args(name, out_dim, out, err, errlen)) return -1;
    if (len == 0) return fail(err, errlen, "%s: the file is empty; write one row of numbers per line", name);
    FILE *f = fmemopen((void *)bytes, len, "r");
    if (!f) return fail(err, errlen, "%s: out of memory reading it", name);
    int rc = read_stream(f, name, out_dim, out, err, errlen);
    fclose(f);
    return rc;
}

int mlpv_csv_write(const mlpv_dataset *d, FILE *f)
{
    if (!d || !f || d->n < 0 || d->in_dim < 1 || d->out_dim < 1 || (d->n > 0 && (!d->x || !d->y))) return -1;
    locale_t cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = cloc ? uselocale(cloc) : (locale_t)0;
    int bad = 0;
    for (int k = 0; k < d->in_dim && !bad; k++) bad = fprintf(f, k ? ",x%d" : "x%d", k + 1) < 0;
    for (int k = 0; k < d->out_dim && !bad; k++) bad = fprintf(f, ",y%d", k + 1) < 0;
    if (!bad) bad = fputc('\n', f) == EOF;
    for (long i = 0; i < d->n && !bad; i++) {
        for (int k = 0; k < d->in_dim && !bad; k++)
            bad = fprintf(f, k ? ",%.17g" : "%.17g", d->x[(size_t)i * d->in_dim + k]) < 0;
        for (int k = 0; k < d->out_dim && !bad; k++) bad = fprintf(f, ",%.17g", d->y[(size_t)i * d->out_dim + k]) < 0;
        if (!bad) bad = fputc('\n', f) == EOF;
    }
    if (cloc) {
        uselocale(old);
        freelocale(cloc);
    }
    return bad || ferror(f) ? -1 : 0;
}
