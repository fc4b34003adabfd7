/* Private to libmlpvar's theory: what theory.c (the maps) takes from theory_gauss.c (the Gaussian expectations). */
#ifndef MLPVAR_THEORY_INTERNAL_H
#define MLPVAR_THEORY_INTERNAL_H

#include "mlpvar/theory.h"

/* a is one of the MLPV_ACTIVATION_COUNT activations. */
int mlpv_th_valid_activation(mlpv_activation a);
/* Positively homogeneous of degree 1 (relu, abs, leaky_relu, identity): phi(t x) = t phi(x), t > 0. */
int mlpv_th_homogeneous(mlpv_activation a);
/* E[g(sqrt(q) z)], z ~ N(0,1), by the panels rule for g = phi^2 (mode 0), phi'^2 (1),
 * phi phi' z / sqrt(q) (2); NaN when the quadrature rules cannot be built. */
double mlpv_th_expect1(mlpv_activation a, double q, int mode);

#endif
