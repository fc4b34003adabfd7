/* Private to the weight-file reader: the tokenizer and field readers (weights_tokens.c) that weights_file.c parses with. */
#ifndef MLPVAR_WEIGHTS_FILE_INTERNAL_H
#define MLPVAR_WEIGHTS_FILE_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#define WF_TOKEN_MAX 256 /* longest token kept (longer ones are cut) */

/* The tokenizer over one open file. */
typedef struct {
    FILE *f;
    const char *path;
    char *err;
    size_t errlen;
    long line; /* line of the next character */
    long tok_line; /* line of the last token read */
    char tok[WF_TOKEN_MAX];
    size_t tok_len; /* true length (may exceed what tok holds) */
    int read_error; /* errno of a read error, 0 if none */
    long long size; /* bytes in the file, -1 when unknown (not a regular file) */
} wf_reader;

/* One layer as read: W [fan_out x fan_in] row-major, b [fan_out]. */
typedef struct {
    long fan_in, fan_out;
    long header_line;
    double *W, *b;
} wf_layer;

/* Formats "path:line: ..." into the reader's error buffer (first error wins). */
void mlpv_wf_error(wf_reader *r, long line, const char *fmt, ...);
/* A printable, bounded copy of the current token for quoting in messages. */
const char *mlpv_wf_quote(const wf_reader *r, char *buf, size_t n);
/* Reads the next token. Returns 1 with the token in r->tok, 0 at end of file,
 * -1 on a read error (r->read_error set). */
int mlpv_wf_next(wf_reader *r);
/* The token is exactly the given word. */
int mlpv_wf_tok_is(const wf_reader *r, const char *word);
/* The whole token as a double: 0, or -1 if it is not a number at all. */
int mlpv_wf_tok_double(const wf_reader *r, double *out);
/* The whole token as a decimal integer in [lo, hi]: 0, -1 if not an integer,
 * -2 if out of range. */
int mlpv_wf_tok_long(const wf_reader *r, long lo, long hi, long *out);
/* Reports r->read_error. */
void mlpv_wf_read_fail(wf_reader *r);
/* Reads one token that must exist; on end of file or read error reports it. 0 or -1. */
int mlpv_wf_expect_token(wf_reader *r, const char *what, const char *fix);
/* Reads "keyword" (exact). 0 or -1. */
int mlpv_wf_expect_keyword(wf_reader *r, const char *kw, const char *fix);
/* Reads an integer field in [lo, hi]. 0 or -1. */
int mlpv_wf_expect_int(wf_reader *r, const char *what, long lo, long hi, const char *range_fix, long *out);
/* Reads the fan_out*fan_in weights then fan_out biases of layer k (1-based) of nl. 0 or -1. */
int mlpv_wf_read_numbers(wf_reader *r, wf_layer *L, long k, long nl);

#endif
