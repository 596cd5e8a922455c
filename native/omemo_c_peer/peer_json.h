/*
 * peer_json.h: the tiny JSON-lines codec shared by omemo_c_peer and its CTest driver.
 *
 * Accepts exactly one flat JSON object per line: keys are strings; values are strings (escapes \" \\ \/ \b \f \n
 * \r \t; \uXXXX only below 0x80), integers (optionally negative), true, false or null. No nesting, no arrays.
 * Anything else is a parse error (reported, never a crash). Binary data travels as lowercase hex strings.
 */
#ifndef OMEMO_C_PEER_JSON_H
#define OMEMO_C_PEER_JSON_H

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PJ_MAX_FIELDS 32
#define PJ_MAX_KEY 64

typedef enum { PJ_STRING, PJ_NUMBER, PJ_TRUE, PJ_FALSE, PJ_NULL } pj_kind;

typedef struct {
    char key[PJ_MAX_KEY];
    pj_kind kind;
    char *text;      /* decoded string, or the number's digits; owned */
    long long number;
} pj_field;

typedef struct {
    int count;
    pj_field fields[PJ_MAX_FIELDS];
} pj_object;

static inline void pj_free(pj_object *o)
{
    for (int i = 0; i < o->count; i++) free(o->fields[i].text);
    o->count = 0;
}

static inline const char *pj_skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

/* Parses a JSON string starting at the opening quote; returns a malloc'ed copy, *end after the closing quote. */
static inline char *pj_parse_string(const char *p, const char **end)
{
    if (*p != '"') return NULL;
    p++;
    size_t cap = 16, len = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            char e = *p++;
            switch (e) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    char h = *p++;
                    if (!isxdigit((unsigned char)h)) { free(out); return NULL; }
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
                }
                if (v == 0 || v >= 0x80) { free(out); return NULL; }
                c = (char)v;
                break;
            }
            default: free(out); return NULL;
            }
        } else if ((unsigned char)c < 0x20) {
            free(out);
            return NULL;
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *grown = realloc(out, cap);
            if (!grown) { free(out); return NULL; }
            out = grown;
        }
        out[len++] = c;
    }
    if (*p != '"') { free(out); return NULL; }
    out[len] = 0;
    *end = p + 1;
    return out;
}

/* Returns 0 on success, -1 on a malformed line (o is then empty). */
static inline int pj_parse(const char *line, pj_object *o)
{
    memset(o, 0, sizeof *o);
    const char *p = pj_skip_ws(line);
    if (*p++ != '{') return -1;
    p = pj_skip_ws(p);
    if (*p == '}') return *pj_skip_ws(p + 1) == 0 ? 0 : -1;
    for (;;) {
        if (o->count == PJ_MAX_FIELDS) goto fail;
        pj_field *f = &o->fields[o->count];
        const char *after;
        char *key = pj_parse_string(p, &after);
        if (!key) goto fail;
        if (strlen(key) >= PJ_MAX_KEY) { free(key); goto fail; }
        strcpy(f->key, key);
        free(key);
        p = pj_skip_ws(after);
        if (*p++ != ':') goto fail;
        p = pj_skip_ws(p);
        if (*p == '"') {
            f->text = pj_parse_string(p, &after);
            if (!f->text) goto fail;
            f->kind = PJ_STRING;
            p = after;
        } else if (*p == '-' || isdigit((unsigned char)*p)) {
            const char *start = p;
            if (*p == '-') p++;
            if (!isdigit((unsigned char)*p)) goto fail;
            while (isdigit((unsigned char)*p)) p++;
            if (p - start > 20) goto fail;
            f->text = strndup(start, (size_t)(p - start));
            if (!f->text) goto fail;
            f->kind = PJ_NUMBER;
            f->number = strtoll(f->text, NULL, 10);
        } else if (strncmp(p, "true", 4) == 0) { f->kind = PJ_TRUE; p += 4; }
        else if (strncmp(p, "false", 5) == 0) { f->kind = PJ_FALSE; p += 5; }
        else if (strncmp(p, "null", 4) == 0) { f->kind = PJ_NULL; p += 4; }
        else goto fail;
        o->count++;
        p = pj_skip_ws(p);
        if (*p == ',') { p = pj_skip_ws(p + 1); continue; }
        if (*p == '}') { p = pj_skip_ws(p + 1); if (*p) goto fail; return 0; }
        goto fail;
    }
fail:
    pj_free(o);
    return -1;
}

static inline const pj_field *pj_get(const pj_object *o, const char *key)
{
    for (int i = 0; i < o->count; i++)
        if (strcmp(o->fields[i].key, key) == 0) return &o->fields[i];
    return NULL;
}

static inline const char *pj_str(const pj_object *o, const char *key)
{
    const pj_field *f = pj_get(o, key);
    return f && f->kind == PJ_STRING ? f->text : NULL;
}

/* Numbers may also arrive as decimal strings. Returns 0 and sets *v, or -1 when missing or not a number. */
static inline int pj_num(const pj_object *o, const char *key, long long *v)
{
    const pj_field *f = pj_get(o, key);
    if (!f) return -1;
    if (f->kind == PJ_NUMBER) { *v = f->number; return 0; }
    if (f->kind == PJ_STRING && f->text[0]) {
        char *end;
        long long x = strtoll(f->text, &end, 10);
        if (*end) return -1;
        *v = x;
        return 0;
    }
    return -1;
}

/* true/false, or 1/0, or "true"/"false". Returns 0 and sets *v, or -1. */
static inline int pj_bool(const pj_object *o, const char *key, int *v)
{
    const pj_field *f = pj_get(o, key);
    if (!f) return -1;
    if (f->kind == PJ_TRUE) { *v = 1; return 0; }
    if (f->kind == PJ_FALSE) { *v = 0; return 0; }
    if (f->kind == PJ_NUMBER && (f->number == 0 || f->number == 1)) { *v = (int)f->number; return 0; }
    if (f->kind == PJ_STRING && strcmp(f->text, "true") == 0) { *v = 1; return 0; }
    if (f->kind == PJ_STRING && strcmp(f->text, "false") == 0) { *v = 0; return 0; }
    return -1;
}

/* Decodes hex (either case) into a malloc'ed buffer. Returns 0, or -1 on odd length / bad digit. */
static inline int pj_unhex(const char *hex, uint8_t **out, size_t *out_len)
{
    size_t n = strlen(hex);
    if (n % 2) return -1;
    uint8_t *b = malloc(n / 2 + 1);
    if (!b) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + j];
            int d;
            if (c >= '0' && c <= '9') d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            else { free(b); return -1; }
            v = v * 16 + d;
        }
        b[i] = (uint8_t)v;
    }
    *out = b;
    *out_len = n / 2;
    return 0;
}

/* Output builder: a growing string holding one JSON object. */
typedef struct {
    char *buf;
    size_t len, cap;
    int fields;
} pj_writer;

static inline void pj_w_raw(pj_writer *w, const char *s, size_t n)
{
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (w->len + n + 1 > cap) cap *= 2;
        char *grown = realloc(w->buf, cap);
        if (!grown) { fprintf(stderr, "out of memory\n"); exit(2); }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = 0;
}

static inline void pj_w_begin(pj_writer *w) { w->len = 0; w->fields = 0; pj_w_raw(w, "{", 1); }
static inline void pj_w_end(pj_writer *w) { pj_w_raw(w, "}", 1); }

static inline void pj_w_key(pj_writer *w, const char *key)
{
    if (w->fields++) pj_w_raw(w, ",", 1);
    pj_w_raw(w, "\"", 1);
    pj_w_raw(w, key, strlen(key));
    pj_w_raw(w, "\":", 2);
}

static inline void pj_w_str(pj_writer *w, const char *key, const char *value)
{
    pj_w_key(w, key);
    pj_w_raw(w, "\"", 1);
    for (const char *p = value; *p; p++) {
        char esc[8];
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = (char)c; pj_w_raw(w, esc, 2); }
        else if (c < 0x20 || c >= 0x7f) { snprintf(esc, sizeof esc, "\\u%04x", c < 0x80 ? c : '?'); pj_w_raw(w, esc, 6); }
        else pj_w_raw(w, (const char *)p, 1);
    }
    pj_w_raw(w, "\"", 1);
}

static inline void pj_w_hex(pj_writer *w, const char *key, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    pj_w_key(w, key);
    pj_w_raw(w, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        char two[2] = { digits[data[i] >> 4], digits[data[i] & 15] };
        pj_w_raw(w, two, 2);
    }
    pj_w_raw(w, "\"", 1);
}

static inline void pj_w_num(pj_writer *w, const char *key, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    pj_w_key(w, key);
    pj_w_raw(w, tmp, (size_t)n);
}

static inline void pj_w_bool(pj_writer *w, const char *key, int v)
{
    pj_w_key(w, key);
    pj_w_raw(w, v ? "true" : "false", v ? 4 : 5);
}

#endif
