/* The report's tables as rows of cells, shared by the CSV files and
 * summary.json: each number is printed as %.17g (empty in a CSV cell, null in
 * JSON, when not finite), so the two agree exactly (report_internal.h). */
#include "report_internal.h"
#include "csv_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define S_(k, v) (c[n++] = (cell){ k, K_STR, v, 0, 0 })
#define D_(k, v) (c[n++] = (cell){ k, K_NUM, NULL, v, 0 })
#define I_(k, v) (c[n++] = (cell){ k, K_INT, NULL, 0, v })

static int init_cells(const void *item, cell *c)
{
    const an_init *g = item;
    int n = 0;
    S_("activation", g->activation);
    I_("budget", g->budget);
    I_("depth", g->depth);
    I_("width", g->width);
    I_("grid", g->grid);
    I_("params", g->params);
    D_("activation_ratio", g->activation_ratio);
    I_("activations", g->activations);
    I_("draws", g->n);
    D_("variability_median", g->v_median);
    D_("variability_q25", g->v_q25);
    D_("variability_q75", g->v_q75);
    D_("rho_median", g->rho_median);
    I_("collapsed", g->collapsed);
    D_("c2c", g->c2c);
    D_("c2c_lo", g->c2c_lo);
    D_("c2c_hi", g->c2c_hi);
    D_("dead_last", g->dead_last);
    return n;
}

/* trainability names the measure of the value columns: "accuracy", or
 * "-test_loss" (the value is minus the test MSE). */
static int trained_cells(const void *item, cell *c)
{
    const an_trained *t = item;
    int n = 0;
    S_("task", t->task_label);
    S_("trainability", an_measure_key(t->measure));
    S_("activation", t->activation);
    I_("budget", t->budget);
    I_("depth", t->depth);
    I_("width", t->width);
    I_("params", t->params);
    D_("activation_ratio", t->activation_ratio);
    I_("seeds", t->n);
    D_("trainability_mean", t->tr_mean);
    D_("trainability_lo", t->tr_lo);
    D_("trainability_hi", t->tr_hi);
    D_("r2_mean", t->r2_mean);
    D_("success", t->success);
    D_("success_lo", t->success_lo);
    D_("success_hi", t->success_hi);
    D_("diverged_rate", t->diverged_rate);
    I_("init_draws", t->init ? t->init->n : 0);
    D_("variability_median", t->init ? t->init->v_median : NAN);
    D_("c2c", t->init ? t->init->c2c : NAN);
    return n;
}

static int claim_cells(const void *item, cell *c)
{
    const an_claim *k = item;
    int n = 0;
    S_("claim", k->claim);
    S_("slice", k->slice);
    S_("statistic", k->statistic);
    D_("value", k->value);
    D_("lo", k->lo);
    D_("hi", k->hi);
    S_("verdict", an_verdict_name(k->verdict));
    S_("detail", k->detail);
    return n;
}

static int predict_cells(const void *item, cell *c)
{
    const an_predict *p = item;
    int n = 0;
    S_("score", p->score);
    S_("slice", p->slice);
    S_("trainability", an_measure_key(p->measure));
    I_("n", p->n);
    D_("spearman", p->spearman);
    D_("spearman_lo", p->sp_lo);
    D_("spearman_hi", p->sp_hi);
    D_("kendall", p->kendall);
    D_("kendall_lo", p->kd_lo);
    D_("kendall_hi", p->kd_hi);
    D_("partial_given_depth", p->partial);
    D_("partial_lo", p->pa_lo);
    D_("partial_hi", p->pa_hi);
    return n;
}

static int regret_cells(const void *item, cell *c)
{
    const an_regret *r = item;
    int n = 0;
    S_("task", r->task_label);
    S_("trainability", an_measure_key(r->measure));
    S_("score", r->score);
    S_("direction", an_direction_name(r->sign));
    I_("configs_ranked", r->n);
    I_("configs", r->n_task);
    D_("best", r->best);
    S_("pick", r->pick);
    D_("pick_mean", r->pick_mean);
    D_("regret", r->regret);
    D_("regret_lo", r->lo);
    D_("regret_hi", r->hi);
    D_("regret_top3", r->regret3);
    D_("regret_top3_lo", r->lo3);
    D_("regret_top3_hi", r->hi3);
    return n;
}

int report_tables(const analysis *a, table_def *t)
{
    const table_def all[REPORT_TABLES] = {
        { "claims.csv", "claims", a->claims, sizeof(an_claim), a->n_claims, claim_cells },
        { "predictive.csv", "predictive", a->predict, sizeof(an_predict), a->n_predict, predict_cells },
        { "regret.csv", "regret", a->regret, sizeof(an_regret), a->n_regret, regret_cells },
        { "init_configs.csv", "init", a->init, sizeof(an_init), a->n_init, init_cells },
        { "trained_configs.csv", "trained", a->trained, sizeof(an_trained), a->n_trained, trained_cells },
    };
    memcpy(t, all, sizeof all);
    return REPORT_TABLES;
}

int report_write_csv(const char *dir, const table_def *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, t->name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    cell c[MAX_CELLS];
    /* a zeroed item gives the header when there are no rows */
    static const union {
        an_init i;
        an_trained t;
        an_claim c;
        an_predict p;
        an_regret r;
    } zero;
    int nc = t->fn(t->n ? t->items : (const void *)&zero, c);
    for (int j = 0; j < nc; j++) fprintf(f, "%s%s", j ? "," : "", c[j].key);
    fputc('\n', f);
    for (int i = 0; i < t->n; i++) {
        nc = t->fn((const char *)t->items + (size_t)i * t->size, c);
        for (int j = 0; j < nc; j++) {
            if (j) fputc(',', f);
            if (c[j].kind == K_STR) csv_write_text(f, c[j].s);
            else if (c[j].kind == K_INT) fprintf(f, "%ld", c[j].l);
            else csv_write_number(f, c[j].d); /* %.17g, as summary.json's json_num */
        }
        fputc('\n', f);
    }
    return fclose(f);
}

void report_json_row(json_obj *j, const cell *c, int nc)
{
    json_open_object(j, NULL, 0);
    for (int k = 0; k < nc; k++) {
        if (c[k].kind == K_STR) json_str(j, c[k].key, c[k].s);
        else if (c[k].kind == K_INT) json_int(j, c[k].key, c[k].l);
        else json_num(j, c[k].key, c[k].d);
    }
    json_close_object(j);
}
