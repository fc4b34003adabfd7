/* Plain-text weight files: a user's own network in, for measurement in double.
 *
 *   # comments start with '#', anywhere on a line
 *   mlpvar-weights 1
 *   activation relu
 *   layers 3                      # linear layers; activation after all but the last
 *   layer 2 16                    # fan_in fan_out
 *   <fan_out * fan_in weights, [out, in] row order (PyTorch's)>
 *   <fan_out biases>
 *   layer 16 16
 *   ...
 * Numbers are whitespace-separated and may span lines. Hidden layers must share
 * one width; each fan_in equals the previous fan_out. */
#ifndef MLPVAR_WEIGHTS_FILE_H
#define MLPVAR_WEIGHTS_FILE_H

#include <stdio.h>
#include "mlpvar/network.h"

/* Reads a network. On error returns NULL and writes one line (file:line: what, how
 * to fix) into err[errlen]. */
mlpv_net *mlpv_weights_read(const char *path, char *err, size_t errlen);
/* Writes net in the same format (%.17g). Returns 0 or -1. */
int mlpv_weights_write(const mlpv_net *net, FILE *f);

#endif
