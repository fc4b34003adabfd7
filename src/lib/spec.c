/* Architecture bookkeeping: parameter counts and the width-for-budget solver. */
#include "mlpvar/spec.h"

#include <assert.h>
#include <string.h>

static const char *const INIT_NAMES[MLPV_INIT_COUNT] = { "auto", "he", "lecun", "xavier", "torch" };

const char *mlpv_init_name(mlpv_init i) { return (i >= 0 && i < MLPV_INIT_COUNT) ? INIT_NAMES[i] : "?"; }

int mlpv_init_parse(const char *name, mlpv_init *out)
{
    for (int i = 0; i < MLPV_INIT_COUNT; i++)
        if (strcmp(name, INIT_NAMES[i]) == 0) {
            *out = (mlpv_init)i;
            return 0;
        }
    return -1;
}

mlpv_spec mlpv_spec_default(mlpv_activation a, int depth, int width)
{
    mlpv_spec s = { .depth = depth,
                    .width = width,
                    .in_dim = 2,
                    .out_dim = 1,
                    .activation = a,
                    .init = MLPV_INIT_AUTO,
                    .bias_std = 0.1 };
    return s;
}

long mlpv_param_count(int in_dim, int out_dim, int depth, int width)
{
    long n = width;
    return (in_dim + 1L) * n + (depth - 1L) * (n + 1) * n + (n + 1) * out_dim;
}

long mlpv_spec_params(const mlpv_spec *s) { return mlpv_param_count(s->in_dim, s->out_dim, s->depth, s->width); }

long mlpv_spec_activations(const mlpv_spec *s) { return (long)s->depth * s->width; }

double mlpv_spec_activation_ratio(const mlpv_spec *s)
{
    return (double)mlpv_spec_activations(s) / (double)mlpv_spec_params(s);
}

/* P(n) increases with n, so binary-search the largest n with P(n) <= budget,
 * then pick between n and n + 1. Widths are capped at 1e7 (ample, and keeps
 * (L-1)(n+1)n inside a long for depths up to ~1e4). */
int mlpv_width_for_budget(long budget, int in_dim, int out_dim, int depth)
{
    if (depth < 1 || in_dim < 1 || out_dim < 1) return -1;
    if (budget < mlpv_param_count(in_dim, out_dim, depth, 1)) return -1;
    long lo = 1, hi = 10000000;
    if (mlpv_param_count(in_dim, out_dim, depth, (int)hi) <= budget) return (int)hi;
    while (hi - lo > 1) { /* P(lo) <= budget < P(hi) */
        long mid = lo + (hi - lo) / 2;
        if (mlpv_param_count(in_dim, out_dim, depth, (int)mid) <= budget) lo = mid;
        else hi = mid;
    }
    long below = budget - mlpv_param_count(in_dim, out_dim, depth, (int)lo);
    long above = mlpv_param_count(in_dim, out_dim, depth, (int)hi) - budget;
    return (int)(above < below ? hi : lo);
}

int mlpv_layer_fan_in(const mlpv_spec *s, int l) { return l == 0 ? s->in_dim : s->width; }

int mlpv_layer_fan_out(const mlpv_spec *s, int l) { return l == s->depth ? s->out_dim : s->width; }

/* O(1), as the forward and backward passes ask for every layer of every chunk:
 * layer 0 holds (in_dim + 1) n values, layers 1..depth-1 (n + 1) n each, the
 * output layer (n + 1) m; W_l comes first, then b_l. */
void mlpv_param_offset(const mlpv_spec *s, int layer, long *off_W, long *off_b)
{
    assert(layer >= 0 && layer <= s->depth + 1);
    long n = s->width, first = (s->in_dim + 1L) * n, hidden = (n + 1) * n;
    long nh = (layer < s->depth ? layer : s->depth) - 1; /* (n + 1) n layers before `layer` */
    long off = layer == 0 ? 0 : first + nh * hidden;
    if (layer == s->depth + 1) off += (n + 1) * s->out_dim;
    if (off_W) *off_W = off;
    if (off_b)
        *off_b = layer <= s->depth ? off + (long)mlpv_layer_fan_in(s, layer) * mlpv_layer_fan_out(s, layer) : off;
}
