/* The report's two documents, report.md and report.html, written side by
 * side by the same calls: headings, paragraphs, lists, tables, figures, and
 * the short number formats used in them (report_internal.h). */
#include "report_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* HTML text with `code` and **bold** spans (the markdown subset the report uses). */
void doc_html_inline(FILE *f, const char *s)
{
    int code = 0, bold = 0;
    for (; *s; s++) {
        if (*s == '`') {
            fputs(code ? "</code>" : "<code>", f);
            code = !code;
            continue;
        }
        if (!code && s[0] == '*' && s[1] == '*') {
            fputs(bold ? "</strong>" : "<strong>", f);
            bold = !bold;
            s++;
            continue;
        }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
    if (code) fputs("</code>", f);
    if (bold) fputs("</strong>", f);
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", f);
        else if (*s == '\n' || *s == '\r') fputc(' ', f);
        else fputc(*s, f);
    }
}

void doc_h(doc *d, int level, const char *text)
{
    fprintf(d->md, "\n%.*s %s\n\n", level, "######", text);
    fprintf(d->html, "<h%d>", level);
    doc_html_inline(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

/* One formatted block of text in both documents: markdown with md_before /
 * md_after around it, HTML inside the element tag. */
static void doc_text(doc *d, const char *md_before, const char *md_after, const char *tag, const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(d->md, "%s%s%s", md_before, buf, md_after);
    fprintf(d->html, "<%s>", tag);
    doc_html_inline(d->html, buf);
    fprintf(d->html, "</%s>\n", tag);
}

void doc_p(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_text(d, "", "\n\n", "p", fmt, ap);
    va_end(ap);
}

void doc_list(doc *d, int open)
{
    fputs(open ? "<ul>\n" : "</ul>\n", d->html);
    if (!open) fputc('\n', d->md);
}

void doc_li(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_text(d, "- ", "\n", "li", fmt, ap);
    va_end(ap);
}

void doc_table(doc *d, int nc, const char *const *head)
{
    fputc('|', d->md);
    for (int j = 0; j < nc; j++) {
        fputc(' ', d->md);
        md_cell(d->md, head[j]);
        fputs(" |", d->md);
    }
    fputs("\n|", d->md);
    for (int j = 0; j < nc; j++) fputs("---|", d->md);
    fputc('\n', d->md);
    fputs("<table>\n<thead><tr>", d->html);
    for (int j = 0; j < nc; j++) {
        fputs("<th>", d->html);
        doc_html_inline(d->html, head[j]);
        fputs("</th>", d->html);
    }
    fputs("</tr></thead>\n<tbody>\n", d->html);
}

void doc_row(doc *d, int nc, char (*cells)[CELL], const char *cls)
{
    fputc('|', d->md);
    for (int j = 0; j < nc; j++) {
        fputc(' ', d->md);
        md_cell(d->md, cells[j]);
        fputs(" |", d->md);
    }
    fputc('\n', d->md);
    if (cls) fprintf(d->html, "<tr class=\"%s\">", cls);
    else fputs("<tr>", d->html);
    for (int j = 0; j < nc; j++) {
        fputs("<td>", d->html);
        doc_html_inline(d->html, cells[j]);
        fputs("</td>", d->html);
    }
    fputs("</tr>\n", d->html);
}

void doc_table_end(doc *d)
{
    fputs("</tbody>\n</table>\n", d->html);
    fputc('\n', d->md);
}

void doc_fig(doc *d, const char *file, const char *caption)
{
    fprintf(d->md, "![%s](%s)\n\n*%s*\n\n", file, file, caption);
    fprintf(d->html, "<figure><img src=\"%s\" alt=\"%s\">\n<figcaption>", file, file);
    doc_html_inline(d->html, caption);
    fputs("</figcaption></figure>\n", d->html);
}

/* Numbers for reading (the exact ones are in the CSV files and summary.json). */
const char *doc_g3(char *buf, double v)
{
    if (isnan(v)) snprintf(buf, 32, "n/a");
    else snprintf(buf, 32, "%.3g", v);
    return buf;
}

void doc_ci(char *out, const char *v, double lo, double hi)
{
    char a[32], b[32];
    if (isnan(lo) && isnan(hi)) snprintf(out, CELL, "%s", v);
    else snprintf(out, CELL, "%s [%s, %s]", v, doc_g3(a, lo), doc_g3(b, hi));
}

/* Budget 0 marks a fixed-width configuration. */
void doc_budget(char *out, long budget)
{
    if (budget > 0) snprintf(out, CELL, "%ld", budget);
    else snprintf(out, CELL, "- (fixed width)");
}
