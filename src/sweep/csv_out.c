#include "csv_out.h"

#include <math.h>
#include <string.h>

void csv_write_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void csv_write_number(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.17g", v);
}
