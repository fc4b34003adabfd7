/* Plain-text weight files (see weights_file.h for the format): the parser and
 * the writer.
 *
 * The parser reads through the tokenizer and field readers of weights_tokens.c
 * (line numbers, '#' comments), checks every field and reports the first
 * problem as one line "path:line: what is wrong; how to fix it".
 * Layers are read into temporary buffers (the network's shape is only known
 * once the last layer header has been seen) and copied into a fresh mlpv_net
 * at the end. Every error path frees what it allocated. */
#include "mlpvar/weights_file.h"
#include "weights_file_internal.h"

#include <errno.h>
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
#define WF_CHECKED_ALLOC (1LL << 16) /* layers with more numbers are checked against the file's size */

static void wf_free_layers(wf_layer *ls, long n)
{
    if (!ls) return;
    for (long i = 0; i < n; i++) {
        free(ls[i].W);
        free(ls[i].b);
    }
    free(ls);
}

static mlpv_net *wf_parse(wf_reader *r)
{
    char q[64];
    wf_layer *ls = NULL;
    long nl = 0, nread = 0;
    mlpv_net *net = NULL;
    const char *hdr_fix = "a weight file starts with the line 'mlpvar-weights 1'";

    /* Header: mlpvar-weights 1 */
    int rc = mlpv_wf_next(r);
    if (rc < 0) {
        mlpv_wf_read_fail(r);
        return NULL;
    }
    if (rc == 0) {
        mlpv_wf_error(r, 1,
                      "empty file, no 'mlpvar-weights 1' header; %s (write one with "
                      "analysis/export_torch.py or mlpv_weights_write)",
                      hdr_fix);
        return NULL;
    }
    if (!mlpv_wf_tok_is(r, WF_MAGIC)) {
        mlpv_wf_error(r, r->tok_line,
                      "not an mlpvar weight file: found '%s' where the header "
                      "'mlpvar-weights 1' belongs; %s",
                      mlpv_wf_quote(r, q, sizeof q), hdr_fix);
        return NULL;
    }
    long version;
    if (mlpv_wf_expect_token(r, "the format version after 'mlpvar-weights'", hdr_fix)) return NULL;
    int vrc = mlpv_wf_tok_long(r, WF_VERSION, WF_VERSION, &version);
    if (vrc == -1) {
        mlpv_wf_error(r, r->tok_line,
                      "bad header: expected the format version after 'mlpvar-weights', "
                      "found '%s'; %s",
                      mlpv_wf_quote(r, q, sizeof q), hdr_fix);
        return NULL;
    }
    if (vrc != 0) {
        mlpv_wf_error(r, r->tok_line,
                      "bad header: unsupported format version '%s'; this build reads "
                      "'mlpvar-weights %d'",
                      mlpv_wf_quote(r, q, sizeof q), WF_VERSION);
        return NULL;
    }

    /* activation NAME */
    if (mlpv_wf_expect_keyword(r, "activation", "the second field is 'activation NAME', e.g. 'activation relu'"))
        return NULL;
    if (mlpv_wf_expect_token(r, "the activation name", "write e.g. 'activation relu'")) return NULL;
    mlpv_activation act;
    if (r->tok_len >= sizeof r->tok || mlpv_activation_parse(r->tok, &act) != 0) {
        mlpv_wf_error(r, r->tok_line, "unknown activation '%s'; use one of: %s", mlpv_wf_quote(r, q, sizeof q),
                      mlpv_activation_names());
        return NULL;
    }

    /* layers N */
    if (mlpv_wf_expect_keyword(r, "layers", "the third field is 'layers N', the number of linear layers")) return NULL;
    {
        long layers_line;
        int rc2 = mlpv_wf_next(r);
        if (rc2 <= 0) {
            if (rc2 < 0) mlpv_wf_read_fail(r);
            else
                mlpv_wf_error(r, r->tok_line,
                              "truncated file: expected the number of layers after "
                              "'layers'; write e.g. 'layers 3'");
            return NULL;
        }
        layers_line = r->tok_line;
        int ok = mlpv_wf_tok_long(r, 2, WF_MAX_LAYERS, &nl);
        if (ok == -1) {
            mlpv_wf_error(r, layers_line,
                          "the number of layers is '%s', not a whole number; "
                          "write e.g. 'layers 3'",
                          mlpv_wf_quote(r, q, sizeof q));
            return NULL;
        }
        if (ok == -2) {
            if (nl >= 1 && nl < 2)
                mlpv_wf_error(r, layers_line,
                              "layers is %ld, but a network needs at least 2 linear layers "
                              "(at least one hidden layer, then the linear output layer); "
                              "a purely linear model is not supported",
                              nl);
            else
                mlpv_wf_error(r, layers_line,
                              "layers is %s, outside [2, %ld]; give the number of "
                              "linear layers (hidden layers + 1)",
                              mlpv_wf_quote(r, q, sizeof q), WF_MAX_LAYERS);
            return NULL;
        }
    }
    ls = calloc((size_t)nl, sizeof *ls);
    if (!ls) {
        mlpv_wf_error(r, r->tok_line, "out of memory for %ld layers; check the 'layers' line", nl);
        return NULL;
    }

    long long total = 0;
    for (long k = 0; k < nl; k++) {
        wf_layer *L = &ls[k];
        char what[96];
        snprintf(what, sizeof what, "'layer' (layer %ld of %ld)", k + 1, nl);
        int rc3 = mlpv_wf_next(r);
        if (rc3 < 0) {
            mlpv_wf_read_fail(r);
            goto fail;
        }
        if (rc3 == 0) {
            mlpv_wf_error(r, r->tok_line,
                          "truncated file: 'layers %ld' declares %ld layers but the file "
                          "ends after %ld; write the missing layers or fix the 'layers' line",
                          nl, nl, k);
            goto fail;
        }
        if (!mlpv_wf_tok_is(r, "layer")) {
            if (k > 0 && mlpv_wf_tok_double(r, &(double){ 0 }) == 0)
                mlpv_wf_error(r, r->tok_line,
                              "layer %ld has more than %ld numbers: found '%s' where %s "
                              "should begin; check fan_in and fan_out of layer %ld",
                              k, ls[k - 1].fan_in * ls[k - 1].fan_out + ls[k - 1].fan_out,
                              mlpv_wf_quote(r, q, sizeof q), what, k);
            else
                mlpv_wf_error(r, r->tok_line,
                              "expected %s, found '%s'; each layer starts with "
                              "'layer FAN_IN FAN_OUT'",
                              what, mlpv_wf_quote(r, q, sizeof q));
            goto fail;
        }
        L->header_line = r->tok_line;
        char fw[64];
        snprintf(fw, sizeof fw, "fan_in of layer %ld", k + 1);
        if (mlpv_wf_expect_int(r, fw, 1, (long)WF_MAX_WEIGHTS, "a layer needs at least 1 input and at most 1e8",
                               &L->fan_in))
            goto fail;
        snprintf(fw, sizeof fw, "fan_out of layer %ld", k + 1);
        if (mlpv_wf_expect_int(r, fw, 1, (long)WF_MAX_WEIGHTS, "a layer needs at least 1 output and at most 1e8",
                               &L->fan_out))
            goto fail;
        if (k > 0 && L->fan_in != ls[k - 1].fan_out) {
            mlpv_wf_error(r, L->header_line,
                          "layer %ld has fan_in %ld but layer %ld has fan_out %ld; "
                          "each layer's fan_in must equal the previous layer's fan_out",
                          k + 1, L->fan_in, k, ls[k - 1].fan_out);
            goto fail;
        }
        if (k > 0 && k < nl - 1 && L->fan_out != ls[0].fan_out) {
            mlpv_wf_error(r, L->header_line,
                          "hidden layer %ld has width %ld but hidden layer 1 has "
                          "width %ld; mlpvar needs all hidden layers of one width (only the last, "
                          "linear layer may differ)",
                          k + 1, L->fan_out, ls[0].fan_out);
            goto fail;
        }
        total += (long long)L->fan_in * L->fan_out + L->fan_out;
        if (total > WF_MAX_WEIGHTS) {
            mlpv_wf_error(r, L->header_line,
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
            mlpv_wf_error(r, L->header_line,
                          "truncated file: layer %ld (fan_in %ld, fan_out %ld) needs %lld numbers but "
                          "only %lld bytes follow; check fan_in and fan_out",
                          k + 1, L->fan_in, L->fan_out, want, r->size - at);
            goto fail;
        }
        L->W = malloc((size_t)(L->fan_in * L->fan_out) * sizeof(double));
        L->b = malloc((size_t)L->fan_out * sizeof(double));
        nread = k + 1;
        if (!L->W || !L->b) {
            mlpv_wf_error(r, L->header_line,
                          "out of memory for layer %ld (%ld x %ld); "
                          "check fan_in and fan_out",
                          k + 1, L->fan_in, L->fan_out);
            goto fail;
        }
        if (mlpv_wf_read_numbers(r, L, k + 1, nl)) goto fail;
    }

    /* Nothing but comments and whitespace may follow. */
    rc = mlpv_wf_next(r);
    if (rc < 0) {
        mlpv_wf_read_fail(r);
        goto fail;
    }
    if (rc == 1) {
        const wf_layer *last = &ls[nl - 1];
        if (mlpv_wf_tok_is(r, "layer"))
            mlpv_wf_error(r, r->tok_line,
                          "trailing garbage after the last layer: another 'layer' but "
                          "'layers %ld' declares only %ld; fix the 'layers' line or remove the extra layer",
                          nl, nl);
        else
            mlpv_wf_error(r, r->tok_line,
                          "trailing garbage after the last layer: '%s' follows the %ld "
                          "numbers of layer %ld; remove it, or check fan_in and fan_out of the layers",
                          mlpv_wf_quote(r, q, sizeof q), last->fan_in * last->fan_out + last->fan_out, nl);
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
        mlpv_wf_error(r, r->tok_line,
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
