/* The independent reference forward pass the unit tests compare against: plain
 * loops over the double master weights, no BLAS, no chunking.
 *   h_0 = x, h_{l+1} = phi(W_l h_l + b_l) for l < L, y = W_L h_L + b_L.
 * hidden (optional) receives layer l's post-activations at hidden + l*width. */
#ifndef MLPVAR_TEST_NAIVE_FORWARD_H
#define MLPVAR_TEST_NAIVE_FORWARD_H

#include <stdlib.h>
#include <string.h>

#include "mlpvar/network.h"

static inline int naive_fan_in(const mlpv_net *n, int l) { return l == 0 ? n->spec.in_dim : n->spec.width; }

static inline int naive_fan_out(const mlpv_net *n, int l)
{
    return l == n->spec.depth ? n->spec.out_dim : n->spec.width;
}

static inline void naive_forward(const mlpv_net *net, const double *x, double *y, double *hidden)
{
    int n = net->spec.width, L = net->spec.depth, big = n;
    if (net->spec.in_dim > big) big = net->spec.in_dim;
    if (net->spec.out_dim > big) big = net->spec.out_dim;
    double *cur = malloc(sizeof(double) * big), *nxt = malloc(sizeof(double) * big);
    memcpy(cur, x, sizeof(double) * net->spec.in_dim);
    for (int l = 0; l <= L; l++) {
        int fi = naive_fan_in(net, l), fo = naive_fan_out(net, l);
        for (int o = 0; o < fo; o++) {
            double z = net->b[l][o];
            for (int i = 0; i < fi; i++) z += net->W[l][(size_t)o * fi + i] * cur[i];
            nxt[o] = l < L ? mlpv_phi(net->spec.activation, z) : z;
        }
        if (l < L) {
            if (hidden) memcpy(hidden + (size_t)l * n, nxt, sizeof(double) * n);
            double *t = cur;
            cur = nxt;
            nxt = t;
        } else {
            memcpy(y, nxt, sizeof(double) * fo);
        }
    }
    free(cur);
    free(nxt);
}

#endif
