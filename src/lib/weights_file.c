/* Plain-text weight files (see weights_file.h for the format).
 *
 * The reader is a small tokenizer over a FILE* that tracks line numbers and
 * skips '#' comments, plus a parser that checks every field and reports the
 * first problem as one line "path:line: what is wrong; how to fix it".
 * Layers are read into temporary buffers (the network's shape is only known
 * once the last layer header has been seen) and copied into a fresh mlpv_net
 * at the end. Every error path frees what it allocated. */
#include "mlpvar/weights_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WF_MAGIC "mlpvar-weights"
#define WF_VERSION 1
/* Sanity limits: more than this is taken as a corrupt header, not a network. */
#define WF_MAX_WEIGHTS 100000000LL /* weights and biases in all, 1e8 */
#define WF_MAX_LAYERS 1000000L
#define WF_TOKEN_MAX 256 /* longest token kept (longer ones are cut) */
#define WF_CHECKED_ALLOC (1LL << 16) /* layers with more numbers are checked against the file's size */

typedef struct {
    FILE *f;
    const char *path;
    char *err;
    size_t errlen;
    long line; /* line of the next character */
    long tok_line; /* line of the last token read */
    char tok[WF_TOKEN_MAX];
    size_t tok_len; /* true length (may exceed what tok holds) */
    int read_error; /* errno of a read error, 0 if none */
    long long size; /* bytes in the file, -1 when unknown (not a regular file) */
} wf_reader;

/* Formats "path:line: ..." into the reader's error buffer (first error wins). */
static void wf_error(wf_reader *r, long line, const char *fmt, ...)
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
static const char *wf_quote(const wf_reader *r, char *buf, size_t n)
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
static int wf_next(wf_reader *r)
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
static int wf_tok_is(const wf_reader *r, const char *word)
{
    return r->tok_len == strlen(word) && strcmp(r->tok, word) == 0;
}

/* The whole token as a finite or non-finite double; 0 on success, -1 if it is
 * not a number at all. */
static int wf_tok_double(const wf_reader *r, double *out)
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
static int wf_tok_long(const wf_reader *r, long lo, long hi, long *out)
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

static void wf_read_fail(wf_reader *r)
{
    wf_error(r, r->line, "cannot read the file: %s; check that it is a readable regular file", strerror(r->read_error));
}

/* Reads one token that must exist; on end of file or read error reports it. */
static int wf_expect_token(wf_reader *r, const char *what, const char *fix)
{
    int rc = wf_next(r);
    if (rc == 1) return 0;
    if (rc < 0) {
        wf_read_fail(r);
        return -1;
    }
    wf_error(r, r->tok_line > 0 ? r->tok_line : 1, "truncated file: expected %s, found the end of the file; %s", what,
             fix);
    return -1;
}

/* Reads "keyword" (exact). */
static int wf_expect_keyword(wf_reader *r, const char *kw, const char *fix)
{
    char what[64], q[64];
    snprintf(what, sizeof what, "'%s'", kw);
    if (wf_expect_token(r, what, fix)) return -1;
    if (!wf_tok_is(r, kw)) {
        wf_error(r, r->tok_line, "expected '%s', found '%s'; %s", kw, wf_quote(r, q, sizeof q), fix);
        return -1;
    }
    return 0;
}

/* Reads an integer field in [lo, hi]. */
static int wf_expect_int(wf_reader *r, const char *what, long lo, long hi, const char *range_fix, long *out)
{
    char q[64];
    if (wf_expect_token(r, what, "complete the header (see the format in mlpvar/weights_file.h)")) return -1;
    int rc = wf_tok_long(r, lo, hi, out);
    if (rc == -1) {
        wf_error(r, r->tok_line, "%s is '%s', not a whole number; write it as a plain integer", what,
                 wf_quote(r, q, sizeof q));
        return -1;
    }
    if (rc == -2) {
        wf_error(r, r->tok_line, "%s is %s, outside [%ld, %ld]; %s", what, wf_quote(r, q, sizeof q), lo, hi, range_fix);
        return -1;
    }
    return 0;
}

typedef struct {
    long fan_in, fan_out;
    long header_line;
    double *W, *b;
} wf_layer;

static void wf_free_layers(wf_layer *ls, long n)
{
    if (!ls) return;
    for (long i = 0; i < n; i++) {
        free(ls[i].W);
        free(ls[i].b);
    }
    free(ls);
}

/* Reads the fan_out*fan_in weights then fan_out biases of layer k (1-based) of nl. */
static int wf_read_numbers(wf_reader *r, wf_layer *L, long k, long nl)
{
    const long nw = L->fan_in * L->fan_out, total = nw + L->fan_out;
    char q[64];
    for (long i = 0; i < total; i++) {
        int rc = wf_next(r);
        if (rc < 0) {
            wf_read_fail(r);
            return -1;
        }
        if (rc == 0 || wf_tok_is(r, "layer")) {
            wf_error(r, rc == 0 ? (r->tok_line > 0 ? r->tok_line : 1) : r->tok_line,
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
        if (wf_tok_double(r, &v)) {
            if (is_w)
                wf_error(r, r->tok_line,
                         "'%s' is not a number (weight [%ld][%ld] of layer %ld, number %ld of %ld); "
                         "write a decimal number such as -0.25 or 1e-3",
                         wf_quote(r, q, sizeof q), idx / L->fan_in, idx % L->fan_in, k, i + 1, total);
            else
                wf_error(r, r->tok_line,
                         "'%s' is not a number (bias %ld of layer %ld, number %ld of %ld); "
                         "write a decimal number such as -0.25 or 1e-3",
                         wf_quote(r, q, sizeof q), idx, k, i + 1, total);
            return -1;
        }
        if (!isfinite(v)) {
            if (is_w)
                wf_error(r, r->tok_line,
                         "weight [%ld][%ld] of layer %ld is '%s', which is %s; "
                         "every weight must be a finite number (was the network diverged when saved?)",
                         idx / L->fan_in, idx % L->fan_in, k, wf_quote(r, q, sizeof q),
                         isnan(v) ? "NaN" : "Inf (infinite or beyond the range of a double)");
            else
                wf_error(r, r->tok_line,
                         "bias %ld of layer %ld is '%s', which is %s; "
                         "every bias must be a finite number (was the network diverged when saved?)",
                         idx, k, wf_quote(r, q, sizeof q),
                         isnan(v) ? "NaN" : "Inf (infinite or beyond the range of a double)");
            return -1;
        }
        if (is_w) L->W[idx] = v;
        else L->b[idx] = v;
    }
    return 0;
}

static mlpv_net *wf_parse(wf_reader *r)
{
    char q[64];
    wf_layer *ls = NULL;
    long nl = 0, nread = 0;
    mlpv_net *net = NULL;
    const char *hdr_fix = "a weight file starts with the line 'mlpvar-weights 1'";

    /* Header: mlpvar-weights 1 */
    int rc = wf_next(r);
    if (rc < 0) {
        wf_read_fail(r);
        return NULL;
    }
    if (rc == 0) {
        wf_error(r, 1,
                 "empty file, no 'mlpvar-weights 1' header; %s (write one with "
                 "analysis/export_torch.py or mlpv_weights_write)",
                 hdr_fix);
        return NULL;
    }
    if (!wf_tok_is(r, WF_MAGIC)) {
        wf_error(r, r->tok_line,
                 "not an mlpvar weight file: found '%s' where the header "
                 "'mlpvar-weights 1' belongs; %s",
                 wf_quote(r, q, sizeof q), hdr_fix);
        return NULL;
    }
    long version;
    if (wf_expect_token(r, "the format version after 'mlpvar-weights'", hdr_fix)) return NULL;
    int vrc = wf_tok_long(r, WF_VERSION, WF_VERSION, &version);
    if (vrc == -1) {
        wf_error(r, r->tok_line,
                 "bad header: expected the format version after 'mlpvar-weights', "
                 "found '%s'; %s",
                 wf_quote(r, q, sizeof q), hdr_fix);
        return NULL;
    }
    if (vrc != 0) {
        wf_error(r, r->tok_line,
                 "bad header: unsupported format version '%s'; this build reads "
                 "'mlpvar-weights %d'",
                 wf_quote(r, q, sizeof q), WF_VERSION);
        return NULL;
    }

    /* activation NAME */
    if (wf_expect_keyword(r, "activation", "the second field is 'activation NAME', e.g. 'activation relu'"))
        return NULL;
    if (wf_expect_token(r, "the activation name", "write e.g. 'activation relu'")) return NULL;
    mlpv_activation act;
    if (r->tok_len >= sizeof r->tok || mlpv_activation_parse(r->tok, &act) != 0) {
        wf_error(r, r->tok_line, "unknown activation '%s'; use one of: %s", wf_quote(r, q, sizeof q),
                 mlpv_activation_names());
        return NULL;
    }

    /* layers N */
    if (wf_expect_keyword(r, "layers", "the third field is 'layers N', the number of linear layers")) return NULL;
    {
        long layers_line;
        int rc2 = wf_next(r);
        if (rc2 <= 0) {
            if (rc2 < 0) wf_read_fail(r);
            else
                wf_error(r, r->tok_line,
                         "truncated file: expected the number of layers after "
                         "'layers'; write e.g. 'layers 3'");
            return NULL;
        }
        layers_line = r->tok_line;
        int ok = wf_tok_long(r, 2, WF_MAX_LAYERS, &nl);
        if (ok == -1) {
            wf_error(r, layers_line,
                     "the number of layers is '%s', not a whole number; "
                     "write e.g. 'layers 3'",
                     wf_quote(r, q, sizeof q));
            return NULL;
        }
        if (ok == -2) {
            if (nl >= 1 && nl < 2)
                wf_error(r, layers_line,
                         "layers is %ld, but a network needs at least 2 linear layers "
                         "(at least one hidden layer, then the linear output layer); "
                         "a purely linear model is not supported",
                         nl);
            else
                wf_error(r, layers_line,
                         "layers is %s, outside [2, %ld]; give the number of "
                         "linear layers (hidden layers + 1)",
                         wf_quote(r, q, sizeof q), WF_MAX_LAYERS);
            return NULL;
        }
    }
    ls = calloc((size_t)nl, sizeof *ls);
    if (!ls) {
        wf_error(r, r->tok_line, "out of memory for %ld layers; check the 'layers' line", nl);
        return NULL;
    }

    long long total = 0;
    for (long k = 0; k < nl; k++) {
        wf_layer *L = &ls[k];
        char what[96];
        snprintf(what, sizeof what, "'layer' (layer %ld of %ld)", k + 1, nl);
        int rc3 = wf_next(r);
        if (rc3 < 0) {
            wf_read_fail(r);
            goto fail;
        }
        if (rc3 == 0) {
            wf_error(r, r->tok_line,
                     "truncated file: 'layers %ld' declares %ld layers but the file "
                     "ends after %ld; write the missing layers or fix the 'layers' line",
                     nl, nl, k);
            goto fail;
        }
        if (!wf_tok_is(r, "layer")) {
            if (k > 0 && wf_tok_double(r, &(double){ 0 }) == 0)
                wf_error(r, r->tok_line,
                         "layer %ld has more than %ld numbers: found '%s' where %s "
                         "should begin; check fan_in and fan_out of layer %ld",
                         k, ls[k - 1].fan_in * ls[k - 1].fan_out + ls[k - 1].fan_out, wf_quote(r, q, sizeof q), what,
                         k);
            else
                wf_error(r, r->tok_line,
                         "expected %s, found '%s'; each layer starts with "
                         "'layer FAN_IN FAN_OUT'",
                         what, wf_quote(r, q, sizeof q));
            goto fail;
        }
        L->header_line = r->tok_line;
        char fw[64];
        snprintf(fw, sizeof fw, "fan_in of layer %ld", k + 1);
        if (wf_expect_int(r, fw, 1, (long)WF_MAX_WEIGHTS, "a layer needs at least 1 input and at most 1e8", &L->fan_in))
            goto fail;
        snprintf(fw, sizeof fw, "fan_out of layer %ld", k + 1);
        if (wf_expect_int(r, fw, 1, (long)WF_MAX_WEIGHTS, "a layer needs at least 1 output and at most 1e8",
                          &L->fan_out))
            goto fail;
        if (k > 0 && L->fan_in != ls[k - 1].fan_out) {
            wf_error(r, L->header_line,
                     "layer %ld has fan_in %ld but layer %ld has fan_out %ld; "
                     "each layer's fan_in must equal the previous layer's fan_out",
                     k + 1, L->fan_in, k, ls[k - 1].fan_out);
            goto fail;
        }
        if (k > 0 && k < nl - 1 && L->fan_out != ls[0].fan_out) {
            wf_error(r, L->header_line,
                     "hidden layer %ld has width %ld but hidden layer 1 has "
                     "width %ld; mlpvar needs all hidden layers of one width (only the last, "
                     "linear layer may differ)",
                     k + 1, L->fan_out, ls[0].fan_out);
            goto fail;
        }
        total += (long long)L->fan_in * L->fan_out + L->fan_out;
        if (total > WF_MAX_WEIGHTS) {
            wf_error(r, L->header_line,
                     "layer %ld (fan_in %ld, fan_out %ld) brings the network to %lld "
                     "weights and biases, more than the limit of 1e8; check fan_in and fan_out "
                     "(the file is likely corrupt)",
                     k + 1, L->fan_in, L->fan_out, total);
            goto fail;
        }
        /* each number takes a character and a separator: a large layer whose
         * header claims more than the rest of the file can hold is refused
         * before allocating (a few bytes must not cost 800 MB) */
        long long want = (long long)L->fan_in * L->fan_out + L->fan_out, at = ftell(r->f);
        if (want > WF_CHECKED_ALLOC && r->size >= 0 && at >= 0 && want > (r->size - at + 1) / 2) {
            wf_error(r, L->header_line,
                     "truncated file: layer %ld (fan_in %ld, fan_out %ld) needs %lld numbers but "
                     "only %lld bytes follow; check fan_in and fan_out",
                     k + 1, L->fan_in, L->fan_out, want, r->size - at);
            goto fail;
        }
        L->W = malloc((size_t)(L->fan_in * L->fan_out) * sizeof(double));
        L->b = malloc((size_t)L->fan_out * sizeof(double));
        nread = k + 1;
        if (!L->W || !L->b) {
            wf_error(r, L->header_line,
                     "out of memory for layer %ld (%ld x %ld); "
                     "check fan_in and fan_out",
                     k + 1, L->fan_in, L->fan_out);
            goto fail;
        }
        if (wf_read_numbers(r, L, k + 1, nl)) goto fail;
    }

    /* Nothing but comments and whitespace may follow. */
    rc = wf_next(r);
    if (rc < 0) {
        wf_read_fail(r);
        goto fail;
    }
    if (rc == 1) {
        const wf_layer *last = &ls[nl - 1];
        if (wf_tok_is(r, "layer"))
            wf_error(r, r->tok_line,
                     "trailing garbage after the last layer: another 'layer' but "
                     "'layers %ld' declares only %ld; fix the 'layers' line or remove the extra layer",
                     nl, nl);
        else
            wf_error(r, r->tok_line,
                     "trailing garbage after the last layer: '%s' follows the %ld "
                     "numbers of layer %ld; remove it, or check fan_in and fan_out of the layers",
                     wf_quote(r, q, sizeof q), last->fan_in * last->fan_out + last->fan_out, nl);
        goto fail;
    }

    mlpv_spec s;
    memset(&s, 0, sizeof s);
    s.depth = (int)(nl - 1);
    s.width = (int)ls[0].fan_out;
    s.in_dim = (int)ls[0].fan_in;
    s.out_dim = (int)ls[nl - 1].fan_out;
    s.activation = act;
    s.init = MLPV_INIT_AUTO;
    s.bias_std = 0.0;
    net = mlpv_net_alloc(&s);
    if (!net) {
        wf_error(r, r->tok_line,
                 "out of memory for the network (%lld weights); "
                 "try a machine with more memory",
                 total);
        goto fail;
    }
    for (long k = 0; k < nl; k++) {
        memcpy(net->W[k], ls[k].W, (size_t)(ls[k].fan_in * ls[k].fan_out) * sizeof(double));
        memcpy(net->b[k], ls[k].b, (size_t)ls[k].fan_out * sizeof(double));
    }
    mlpv_net_sync_float(net);
    wf_free_layers(ls, nread);
    return net;

fail:
    wf_free_layers(ls, nread);
    return NULL;
}

mlpv_net *mlpv_weights_read(const char *path, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path) {
        if (err && errlen) snprintf(err, errlen, "(null): no weight file given; pass the path of a weight file");
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        if (err && errlen)
            snprintf(err, errlen,
                     "%s: cannot open the weight file: %s; check the path and "
                     "its permissions",
                     path, strerror(e));
        return NULL;
    }
    wf_reader r;
    memset(&r, 0, sizeof r);
    r.f = f;
    r.path = path;
    r.err = err;
    r.errlen = errlen;
    r.line = 1;
    r.tok_line = 0;
    struct stat st;
    r.size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    mlpv_net *net = wf_parse(&r);
    fclose(f);
    if (!net && err && errlen && err[0] == '\0')
        snprintf(err, errlen, "%s:%ld: cannot read the weight file; check it", path, r.tok_line > 0 ? r.tok_line : 1);
    return net;
}

int mlpv_weights_write(const mlpv_net *net, FILE *f)
{
    if (!net || !f || net->n_layers < 2) return -1;
    const mlpv_spec *s = &net->spec;
    if (fprintf(f,
                "# mlpvar weight file: %d hidden layer(s) of width %d, %d -> %d\n"
                "mlpvar-weights %d\nactivation %s\nlayers %d\n",
                s->depth, s->width, s->in_dim, s->out_dim, WF_VERSION, mlpv_activation_name(s->activation),
                net->n_layers) < 0)
        return -1;
    for (int l = 0; l < net->n_layers; l++) {
        const int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        if (fprintf(f, "layer %d %d\n", fi, fo) < 0) return -1;
        for (int o = 0; o < fo; o++) {
            const double *row = net->W[l] + (size_t)o * (size_t)fi;
            for (int i = 0; i < fi; i++)
                if (fprintf(f, i ? " %.17g" : "%.17g", row[i]) < 0) return -1;
            if (fputc('\n', f) == EOF) return -1;
        }
        for (int o = 0; o < fo; o++)
            if (fprintf(f, o ? " %.17g" : "%.17g", net->b[l][o]) < 0) return -1;
        if (fputc('\n', f) == EOF) return -1;
    }
    return ferror(f) ? -1 : 0;
}
