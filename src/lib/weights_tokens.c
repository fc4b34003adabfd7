/* The weight file's tokens and fields, under the parser of weights_file.c: a
 * small tokenizer over a FILE* that tracks line numbers and skips '#'
 * comments, and readers of one field (a keyword, an integer, a layer's
 * numbers) that check it and report the first problem as one line
 * "path:line: what is wrong; how to fix it". */
#include "weights_file_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Formats "path:line: ..." into the reader's error buffer (first error wins). */
void mlpv_wf_error(wf_reader *r, long line, const char *fmt, ...)
{
    if (!r->err || r->errlen == 0 || r->err[0] != '\0') return;
    int n = snprintf(r->err, r->errlen, "%s:%ld: ", r->path, line);
    if (n < 0 || (size_t)n >= r->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    /* Keep the message on one line whatever was quoted into it. */
    for (char *p = r->err; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

/* A printable, bounded copy of the current token for quoting in messages. */
const char *mlpv_wf_quote(const wf_reader *r, char *buf, size_t n)
{
    size_t k = 0, len = r->tok_len < sizeof r->tok ? r->tok_len : sizeof r->tok - 1;
    const size_t shown = 40;
    for (size_t i = 0; i < len && k + 1 < n && i < shown; i++) {
        unsigned char c = (unsigned char)r->tok[i];
        buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (r->tok_len > shown && k + 4 < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

static int wf_is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* Reads the next token. Returns 1 with the token in r->tok, 0 at end of file,
 * -1 on a read error (r->read_error set). */
int mlpv_wf_next(wf_reader *r)
{
    int c;
    errno = 0;
    for (;;) {
        c = getc_unlocked(r->f);
        if (c == EOF) break;
        if (c == '\n') {
            r->line++;
        } else if (c == '#') {
            while ((c = getc_unlocked(r->f)) != EOF && c != '\n')
                ;
            if (c == EOF) break;
            r->line++;
        } else if (!wf_is_space(c)) {
            break;
        }
    }
    if (c == EOF) {
        if (ferror(r->f)) {
            r->read_error = errno ? errno : EIO;
            return -1;
        }
        return 0;
    }
    r->tok_line = r->line;
    r->tok_len = 0;
    while (c != EOF && !wf_is_space(c) && c != '#') {
        if (r->tok_len + 1 < sizeof r->tok) r->tok[r->tok_len] = (char)c;
        r->tok_len++;
        c = getc_unlocked(r->f);
    }
    r->tok[r->tok_len < sizeof r->tok ? r->tok_len : sizeof r->tok - 1] = '\0';
    if (c == '\n') r->line++;
    else if (c == '#') ungetc(c, r->f);
    else if (c == EOF && ferror(r->f)) {
        r->read_error = errno ? errno : EIO;
        return -1;
    }
    return 1;
}

/* The token is exactly the given word. */
int mlpv_wf_tok_is(const wf_reader *r, const char *word)
{
    return r->tok_len == strlen(word) && strcmp(r->tok, word) == 0;
}

/* The whole token as a finite or non-finite double; 0 on success, -1 if it is
 * not a number at all. */
int mlpv_wf_tok_double(const wf_reader *r, double *out)
{
    if (r->tok_len == 0 || r->tok_len >= sizeof r->tok) return -1;
    if (memchr(r->tok, '\0', r->tok_len)) /* a NUL byte inside the token */
        return -1;
    char *end;
    errno = 0;
    double v = strtod(r->tok, &end);
    if (end == r->tok || *end != '\0') return -1;
    *out = v; /* ERANGE: overflow gives +-inf (caught as non-finite), underflow is kept */
    return 0;
}

/* The whole token as a decimal integer in [lo, hi]. Returns 0, -1 if not an
 * integer, -2 if out of range (value clamped into *out for the message). */
int mlpv_wf_tok_long(const wf_reader *r, long lo, long hi, long *out)
{
    if (r->tok_len == 0 || r->tok_len >= sizeof r->tok) return -1;
    const char *s = r->tok;
    if (*s == '+' || *s == '-') s++;
    if (*s < '0' || *s > '9') return -1;
    char *end;
    errno = 0;
    long v = strtol(r->tok, &end, 10);
    if (*end != '\0') return -1;
    *out = v;
    if (errno == ERANGE || v < lo || v > hi) return -2;
    return 0;
}

void mlpv_wf_read_fail(wf_reader *r)
{
    mlpv_wf_error(r, r->line, "cannot read the file: %s; check that it is a readable regular file",
                  strerror(r->read_error));
}

/* Reads one token that must exist; on end of file or read error reports it. */
int mlpv_wf_expect_token(wf_reader *r, const char *what, const char *fix)
{
    int rc = mlpv_wf_next(r);
    if (rc == 1) return 0;
    if (rc < 0) {
        mlpv_wf_read_fail(r);
        return -1;
    }
    mlpv_wf_error(r, r->tok_line > 0 ? r->tok_line : 1, "truncated file: expected %s, found the end of the file; %s",
                  what, fix);
    return -1;
}

/* Reads "keyword" (exact). */
int mlpv_wf_expect_keyword(wf_reader *r, const char *kw, const char *fix)
{
    char what[64], q[64];
    snprintf(what, sizeof what, "'%s'", kw);
    if (mlpv_wf_expect_token(r, what, fix)) return -1;
    if (!mlpv_wf_tok_is(r, kw)) {
        mlpv_wf_error(r, r->tok_line, "expected '%s', found '%s'; %s", kw, mlpv_wf_quote(r, q, sizeof q), fix);
        return -1;
    }
    return 0;
}

/* Reads an integer field in [lo, hi]. */
int mlpv_wf_expect_int(wf_reader *r, const char *what, long lo, long hi, const char *range_fix, long *out)
{
    char q[64];
    if (mlpv_wf_expect_token(r, what, "complete the header (see the format in mlpvar/weights_file.h)")) return -1;
    int rc = mlpv_wf_tok_long(r, lo, hi, out);
    if (rc == -1) {
        mlpv_wf_error(r, r->tok_line, "%s is '%s', not a whole number; write it as a plain integer", what,
                      mlpv_wf_quote(r, q, sizeof q));
        return -1;
    }
    if (rc == -2) {
        mlpv_wf_error(r, r->tok_line, "%s is %s, outside [%ld, %ld]; %s", what, mlpv_wf_quote(r, q, sizeof q), lo, hi,
                      range_fix);
        return -1;
    }
    return 0;
}

/* Reads the fan_out*fan_in weights then fan_out biases of layer k (1-based) of nl. */
int mlpv_wf_read_numbers(wf_reader *r, wf_layer *L, long k, long nl)
{
    const long nw = L->fan_in * L->fan_out, total = nw + L->fan_out;
    char q[64];
    for (long i = 0; i < total; i++) {
        int rc = mlpv_wf_next(r);
        if (rc < 0) {
            mlpv_wf_read_fail(r);
            return -1;
        }
        if (rc == 0 || mlpv_wf_tok_is(r, "layer")) {
            mlpv_wf_error(r, rc == 0 ? (r->tok_line > 0 ? r->tok_line : 1) : r->tok_line,
                          "truncated file: expected %ld numbers for layer %ld of %ld "
                          "(%ld x %ld weights [fan_out x fan_in], then %ld biases), got %ld%s; "
                          "write all of the layer's weights and biases",
                          total, k, nl, L->fan_out, L->fan_in, L->fan_out, i,
                          rc == 0 ? " before the end of the file" : " before the next 'layer'");
            return -1;
        }
        double v;
        const int is_w = i < nw;
        const long idx = is_w ? i : i - nw;
        if (mlpv_wf_tok_double(r, &v)) {
            if (is_w)
                mlpv_wf_error(r, r->tok_line,
                              "'%s' is not a number (weight [%ld][%ld] of layer %ld, number %ld of %ld); "
                              "write a decimal number such as -0.25 or 1e-3",
                              mlpv_wf_quote(r, q, sizeof q), idx / L->fan_in, idx % L->fan_in, k, i + 1, total);
            else
                mlpv_wf_error(r, r->tok_line,
                              "'%s' is not a number (bias %ld of layer %ld, number %ld of %ld); "
                              "write a decimal number such as -0.25 or 1e-3",
                              mlpv_wf_quote(r, q, sizeof q), idx, k, i + 1, total);
            return -1;
        }
        if (!isfinite(v)) {
            if (is_w)
                mlpv_wf_error(r, r->tok_line,
                              "weight [%ld][%ld] of layer %ld is '%s', which is %s; "
                              "every weight must be a finite number (was the network diverged when saved?)",
                              idx / L->fan_in, idx % L->fan_in, k, mlpv_wf_quote(r, q, sizeof q),
                              isnan(v) ? "NaN" : "Inf (infinite or beyond the range of a double)");
            else
                mlpv_wf_error(r, r->tok_line,
                              "bias %ld of layer %ld is '%s', which is %s; "
                              "every bias must be a finite number (was the network diverged when saved?)",
                              idx, k, mlpv_wf_quote(r, q, sizeof q),
                              isnan(v) ? "NaN" : "Inf (infinite or beyond the range of a double)");
            return -1;
        }
        if (is_w) L->W[idx] = v;
        else L->b[idx] = v;
    }
    return 0;
}
