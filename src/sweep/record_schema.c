/* The record schema's table and the record writer. */
#include "record_schema.h"
#include "json_out.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const record_field RECORD_SCHEMA[RECORD_FIELD_COUNT] = {
#define X(name, type, presence, nullable) { #name, RF_##type, RP_##presence, nullable, offsetof(record, name) },
    RECORD_FIELDS(X)
#undef X
};

int record_has(const record *r, record_field_id f)
{
    assert(f >= 0 && f < RECORD_FIELD_COUNT);
    uint64_t bit = (uint64_t)1 << f;
    return (r->present & bit) && !(r->null & bit);
}

/* Whether field f belongs in r by its presence class. */
static int applies(const record *r, const record_field *f)
{
    if (f->presence == RP_OPTIONAL && f->type != RF_RIVALS) return ((r->present | r->null) >> (f - RECORD_SCHEMA)) & 1;
    switch (f->presence) {
    case RP_TASK: return r->task != NULL;
    case RP_GENERATED: return r->task != NULL && strcmp(r->task, "csv") != 0;
    case RP_CSV: return r->task != NULL && strcmp(r->task, "csv") == 0;
    case RP_TRAINED: return r->trained != 0;
    default: return 1;
    }
}

void record_write(FILE *out, const record *r)
{
    json_obj j;
    json_begin(&j, out);
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
        const record_field *f = &RECORD_SCHEMA[i];
        const char *p = (const char *)r + f->offset;
        if (!applies(r, f)) continue;
        int null = (r->null >> i) & 1;
        switch (f->type) {
        case RF_STR: json_str(&j, f->name, null ? NULL : *(const char *const *)p); break;
        case RF_INT:
            if (null) json_null(&j, f->name);
            else json_int(&j, f->name, *(const long *)p);
            break;
        case RF_NUM: json_num(&j, f->name, null ? NAN : *(const double *)p); break;
        case RF_BOOL:
            if (null) json_null(&j, f->name);
            else json_bool(&j, f->name, *(const int *)p);
            break;
        case RF_ARR: {
            const record_array *a = (const record_array *)p;
            if (null) json_null(&j, f->name);
            else json_array(&j, f->name, a->v, a->n);
            break;
        }
        case RF_RIVALS:
            for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
                if (r->rivals & (1u << k)) {
                    char key[48];
                    snprintf(key, sizeof key, "rival_%s", mlpv_rival_name((mlpv_rival)k));
                    json_num(&j, key, r->rival[k]);
                }
            break;
        }
    }
    json_end(&j);
}
