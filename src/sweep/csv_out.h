/* CSV cells as mlpvar writes them (results --csv, the report's tables): text
 * quoted by RFC 4180 when it holds a comma, a quote or a line break; numbers
 * as %.17g (exact round trip), empty when not finite. */
#ifndef MLPVAR_CSV_OUT_H
#define MLPVAR_CSV_OUT_H

#include <stdio.h>

void csv_write_text(FILE *f, const char *s);
void csv_write_number(FILE *f, double v);

#endif
