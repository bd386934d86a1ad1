/* The JSON tree parser and the generator, on top of yajl.
 *
 * This is the only file that includes yajl headers, so replacing yajl means
 * rewriting this file alone. The parser uses yajl's callback interface rather
 * than yajl_tree so that every value records where it starts in the source:
 * validation errors in config.json can then point at a line and column. */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "../runtime/cleanup.h"

/* Deeper documents are rejected: freeing and generating trees recurse, and
 * no runtime-spec document nests more than a handful of levels. */
#define MAX_DEPTH 512

typedef struct {
    berth_json *node; /* an open array or object */
    size_t cap;       /* allocated slots in its items (or keys/values) */
} frame;

typedef struct {
    const char *buf;
    size_t len;
    const char *what;
    yajl_handle h;
    size_t prev; /* bytes yajl had consumed at the previous callback */
    size_t pos;  /* source offset that line/col describe */
    unsigned line, col;
    frame stack[MAX_DEPTH];
    size_t depth;
    char *key; /* the member name waiting for its value */
    berth_json *root;
    berth_error *err; /* set by a callback that cancels the parse */
} parser;

/* Moves the line/column cursor forward to `to`. Callbacks arrive in source
 * order, so the whole parse scans the buffer once. */
static void advance(parser *p, size_t to)
{
    if (to > p->len)
        to = p->len;
    while (p->pos < to) {
        const char *nl = memchr(p->buf + p->pos, '\n', to - p->pos);
        if (nl == NULL) {
            p->col += (unsigned)(to - p->pos);
            p->pos = to;
        } else {
            p->line++;
            p->col = 1;
            p->pos = (size_t)(nl - p->buf) + 1;
        }
    }
}

static bool separator(char c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ',' || c == ':';
}

/* A value starts at the first byte after the previous token that is not
 * whitespace or a separator. yajl reports only where a token ends. */
static void locate(parser *p, berth_json *v)
{
    size_t at = p->prev;
    while (at < p->len && separator(p->buf[at]))
        at++;
    advance(p, at);
    v->line = p->line;
    v->column = p->col;
}

static void consumed(parser *p)
{
    /* yajl_complete_parse() restarts the count at zero on an empty chunk. */
    size_t c = yajl_get_bytes_consumed(p->h);
    if (c > p->prev)
        p->prev = c;
}

static int cancel(parser *p, const berth_json *at, const char *reason)
{
    if (p->err == NULL)
        berth_error_new(&p->err, 0, "%s:%u:%u: %s", p->what, at ? at->line : p->line,
                        at ? at->column : p->col, reason);
    return 0;
}

static int grow(void **ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 4;
    void *q = reallocarray(*ptr, n, size);
    if (q == NULL)
        return -1;
    *ptr = q;
    *cap = n;
    return 0;
}

/* Member names repeat rarely and objects are small, so a linear scan is
 * cheaper than any index. Duplicates follow encoding/json (what runc uses):
 * the last one wins. */
static int object_put(parser *p, frame *f, berth_json *v)
{
    berth_json *o = f->node;
    for (size_t i = 0; i < o->u.object.len; i++) {
        if (strcmp(o->u.object.keys[i], p->key) == 0) {
            berth_json_free(o->u.object.values[i]);
            o->u.object.values[i] = v;
            free(p->key);
            p->key = NULL;
            return 0;
        }
    }
    size_t kcap = f->cap;
    if (grow((void **)&o->u.object.keys, &kcap, o->u.object.len + 1, sizeof(char *)) < 0 ||
        grow((void **)&o->u.object.values, &f->cap, o->u.object.len + 1, sizeof(berth_json *)) < 0)
        return -1;
    o->u.object.keys[o->u.object.len] = TAKE_PTR(p->key);
    o->u.object.values[o->u.object.len++] = v;
    return 0;
}

/* Hangs a new value (located at the current position) under the open
 * container, or makes it the root. Returns yajl's "continue" flag. */
static int attach(parser *p, berth_json *v)
{
    if (v == NULL)
        return cancel(p, NULL, "out of memory");
    locate(p, v);
    int r = 0;
    if (p->depth == 0) {
        p->root = v;
    } else {
        frame *f = &p->stack[p->depth - 1];
        if (f->node->type == BERTH_JSON_OBJECT) {
            r = object_put(p, f, v);
        } else {
            berth_json *a = f->node;
            r = grow((void **)&a->u.array.items, &f->cap, a->u.array.len + 1, sizeof(v));
            if (r == 0)
                a->u.array.items[a->u.array.len++] = v;
        }
    }
    consumed(p);
    if (r < 0) {
        berth_json_free(v);
        return cancel(p, NULL, "out of memory");
    }
    return 1;
}

static berth_json *node(berth_json_type t)
{
    berth_json *v = calloc(1, sizeof(*v));
    if (v != NULL)
        v->type = t;
    return v;
}

static int on_null(void *ctx)
{
    return attach(ctx, node(BERTH_JSON_NULL));
}

static int on_bool(void *ctx, int b)
{
    berth_json *v = node(BERTH_JSON_BOOL);
    if (v != NULL)
        v->u.b = b != 0;
    return attach(ctx, v);
}

/* yajl hands numbers over as text so that integers beyond int64 become
 * doubles instead of a parse error. */
static int on_number(void *ctx, const char *s, size_t len)
{
    char small[64];
    _cleanup_free_ char *big = NULL;
    char *t = small;
    if (len >= sizeof(small)) {
        t = big = strndup(s, len);
        if (big == NULL)
            return cancel(ctx, NULL, "out of memory");
    } else {
        memcpy(small, s, len);
        small[len] = '\0';
    }
    berth_json *v = node(BERTH_JSON_INT);
    if (v == NULL)
        return attach(ctx, v);
    errno = 0;
    if (strpbrk(t, ".eE") == NULL) {
        v->u.i = strtoll(t, NULL, 10);
        if (errno == 0)
            return attach(ctx, v);
    }
    v->type = BERTH_JSON_DOUBLE;
    v->u.d = strtod(t, NULL);
    return attach(ctx, v);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    parser *p = ctx;
    berth_json *v = node(BERTH_JSON_STRING);
    if (v == NULL)
        return attach(p, v);
    if (memchr(s, '\0', len) != NULL) {
        locate(p, v);
        int r = cancel(p, v, "string contains a NUL character");
        free(v);
        return r;
    }
    v->u.s = strndup((const char *)s, len);
    if (v->u.s == NULL) {
        free(v);
        return cancel(p, NULL, "out of memory");
    }
    return attach(p, v);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    parser *p = ctx;
    if (memchr(s, '\0', len) != NULL) {
        berth_json at = {0};
        locate(p, &at);
        return cancel(p, &at, "member name contains a NUL character");
    }
    free(p->key);
    p->key = strndup((const char *)s, len);
    if (p->key == NULL)
        return cancel(p, NULL, "out of memory");
    consumed(p);
    return 1;
}

static int open_container(parser *p, berth_json_type t)
{
    berth_json *v = node(t);
    if (p->depth == MAX_DEPTH) {
        if (v != NULL)
            locate(p, v);
        int r = cancel(p, v, "nesting too deep");
        free(v);
        return r;
    }
    if (!attach(p, v))
        return 0;
    p->stack[p->depth++] = (frame){.node = v, .cap = 0};
    return 1;
}

static int close_container(void *ctx)
{
    parser *p = ctx;
    p->depth--;
    consumed(p);
    return 1;
}

static int on_start_map(void *ctx)
{
    return open_container(ctx, BERTH_JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
    return open_container(ctx, BERTH_JSON_ARRAY);
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = close_container,
    .yajl_start_array = on_start_array,
    .yajl_end_array = close_container,
};

/* Turns yajl's failure into "<what>:<line>:<col>: <reason>" on one line. */
static int syntax_error(parser *p, size_t offset, berth_error **err)
{
    if (p->err != NULL) {
        *err = TAKE_PTR(p->err);
        return berth_error_code(*err);
    }
    unsigned char *msg = yajl_get_error(p->h, 0, (const unsigned char *)p->buf, p->len);
    char *m = msg != NULL ? (char *)msg : "parse error";
    for (char *c = m; *c != '\0'; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    size_t n = strlen(m);
    while (n > 0 && m[n - 1] == ' ')
        m[--n] = '\0';
    advance(p, offset);
    int r = berth_error_new(err, 0, "%s:%u:%u: %s", p->what, p->line, p->col, m);
    if (msg != NULL)
        yajl_free_error(p->h, msg);
    return r;
}

static void parser_release(parser *p)
{
    /* Open containers hang from the root, so freeing it frees them all. */
    berth_json_free(p->root);
    free(p->key);
    berth_error_free(&p->err);
    if (p->h != NULL)
        yajl_free(p->h);
}

int berth_json_parse(const char *buf, size_t len, const char *what, berth_json **ret,
                     berth_error **err)
{
    parser p = {.buf = buf, .len = len, .what = what, .line = 1, .col = 1};
    p.h = yajl_alloc(&callbacks, NULL, &p);
    if (p.h == NULL)
        return berth_error_new(err, ENOMEM, "%s: yajl_alloc", what);
    int r = 0;
    if (yajl_parse(p.h, (const unsigned char *)buf, len) != yajl_status_ok)
        r = syntax_error(&p, yajl_get_bytes_consumed(p.h), err);
    else if (yajl_complete_parse(p.h) != yajl_status_ok)
        r = syntax_error(&p, len, err);
    if (r == 0)
        *ret = TAKE_PTR(p.root);
    parser_release(&p);
    return r;
}

void berth_json_free(berth_json *j)
{
    if (j == NULL)
        return;
    switch (j->type) {
    case BERTH_JSON_STRING: free(j->u.s); break;
    case BERTH_JSON_ARRAY:
        for (size_t i = 0; i < j->u.array.len; i++)
            berth_json_free(j->u.array.items[i]);
        free(j->u.array.items);
        break;
    case BERTH_JSON_OBJECT:
        for (size_t i = 0; i < j->u.object.len; i++) {
            free(j->u.object.keys[i]);
            berth_json_free(j->u.object.values[i]);
        }
        free(j->u.object.keys);
        free(j->u.object.values);
        break;
    default: break;
    }
    free(j);
}

const berth_json *berth_json_get(const berth_json *j, const char *key)
{
    if (j == NULL || j->type != BERTH_JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < j->u.object.len; i++)
        if (strcmp(j->u.object.keys[i], key) == 0)
            return j->u.object.values[i];
    return NULL;
}

/* ---- generator ---- */

struct berth_json_gen {
    yajl_gen g;
    yajl_gen_status status; /* the first failure; later calls are ignored by yajl */
    int depth;              /* open maps and arrays, to catch unbalanced use */
    bool started;
};

berth_json_gen *berth_json_gen_new(bool pretty)
{
    berth_json_gen *g = calloc(1, sizeof(*g));
    if (g == NULL)
        return NULL;
    g->g = yajl_gen_alloc(NULL);
    if (g->g == NULL) {
        free(g);
        return NULL;
    }
    /* Strings from users (ids, annotations) must never yield invalid JSON. */
    yajl_gen_config(g->g, yajl_gen_validate_utf8, 1);
    if (pretty) {
        yajl_gen_config(g->g, yajl_gen_beautify, 1);
        yajl_gen_config(g->g, yajl_gen_indent_string, "  ");
    }
    return g;
}

void berth_json_gen_free(berth_json_gen *g)
{
    if (g == NULL)
        return;
    yajl_gen_free(g->g);
    free(g);
}

static void note(berth_json_gen *g, yajl_gen_status s)
{
    g->started = true;
    if (g->status == yajl_gen_status_ok)
        g->status = s;
}

void berth_json_gen_map_open(berth_json_gen *g)
{
    g->depth++;
    note(g, yajl_gen_map_open(g->g));
}

void berth_json_gen_map_close(berth_json_gen *g)
{
    g->depth--;
    note(g, yajl_gen_map_close(g->g));
}

void berth_json_gen_array_open(berth_json_gen *g)
{
    g->depth++;
    note(g, yajl_gen_array_open(g->g));
}

void berth_json_gen_array_close(berth_json_gen *g)
{
    g->depth--;
    note(g, yajl_gen_array_close(g->g));
}

void berth_json_gen_string(berth_json_gen *g, const char *s)
{
    if (s == NULL)
        note(g, yajl_gen_null(g->g));
    else
        note(g, yajl_gen_string(g->g, (const unsigned char *)s, strlen(s)));
}

void berth_json_gen_int(berth_json_gen *g, int64_t v)
{
    note(g, yajl_gen_integer(g->g, (long long)v));
}

void berth_json_gen_bool(berth_json_gen *g, bool v)
{
    note(g, yajl_gen_bool(g->g, v));
}

void berth_json_gen_null(berth_json_gen *g)
{
    note(g, yajl_gen_null(g->g));
}

void berth_json_gen_kv_string(berth_json_gen *g, const char *key, const char *value)
{
    berth_json_gen_string(g, key);
    berth_json_gen_string(g, value);
}

void berth_json_gen_kv_int(berth_json_gen *g, const char *key, int64_t value)
{
    berth_json_gen_string(g, key);
    berth_json_gen_int(g, value);
}

void berth_json_gen_kv_bool(berth_json_gen *g, const char *key, bool value)
{
    berth_json_gen_string(g, key);
    berth_json_gen_bool(g, value);
}

/* yajl_gen_double prints 17 significant digits (0.1 becomes
 * 0.10000000000000001); use the shortest form that reads back exactly. */
static void gen_double(berth_json_gen *g, double d)
{
    if (!isfinite(d)) {
        note(g, yajl_gen_invalid_number);
        return;
    }
    char s[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof(s), "%.*g", prec, d);
        if (strtod(s, NULL) == d)
            break;
    }
    /* "1e+20" is valid JSON, but a bare "3" would read back as an integer. */
    if (strpbrk(s, ".eEn") == NULL)
        strcat(s, ".0");
    note(g, yajl_gen_number(g->g, s, strlen(s)));
}

void berth_json_gen_tree(berth_json_gen *g, const berth_json *j)
{
    switch (j->type) {
    case BERTH_JSON_NULL: berth_json_gen_null(g); break;
    case BERTH_JSON_BOOL: berth_json_gen_bool(g, j->u.b); break;
    case BERTH_JSON_INT: berth_json_gen_int(g, j->u.i); break;
    case BERTH_JSON_DOUBLE: gen_double(g, j->u.d); break;
    case BERTH_JSON_STRING: berth_json_gen_string(g, j->u.s); break;
    case BERTH_JSON_ARRAY:
        berth_json_gen_array_open(g);
        for (size_t i = 0; i < j->u.array.len; i++)
            berth_json_gen_tree(g, j->u.array.items[i]);
        berth_json_gen_array_close(g);
        break;
    case BERTH_JSON_OBJECT:
        berth_json_gen_map_open(g);
        for (size_t i = 0; i < j->u.object.len; i++) {
            berth_json_gen_string(g, j->u.object.keys[i]);
            berth_json_gen_tree(g, j->u.object.values[i]);
        }
        berth_json_gen_map_close(g);
        break;
    }
}

static const char *gen_status_text(yajl_gen_status s)
{
    switch (s) {
    case yajl_gen_keys_must_be_strings: return "a map key is not a string";
    case yajl_max_depth_exceeded: return "nesting too deep";
    case yajl_gen_in_error_state:
    case yajl_gen_generation_complete: return "value after the end of the document";
    case yajl_gen_invalid_number: return "number is not finite";
    case yajl_gen_invalid_string: return "string is not valid UTF-8";
    default: return "generator failure";
    }
}

int berth_json_gen_result(berth_json_gen *g, const char **ret, size_t *ret_len, berth_error **err)
{
    if (g->status != yajl_gen_status_ok)
        return berth_error_new(err, 0, "generate JSON: %s", gen_status_text(g->status));
    if (g->depth != 0 || !g->started)
        return berth_error_new(err, 0, "generate JSON: document is incomplete");
    const unsigned char *buf = NULL;
    size_t len = 0;
    yajl_gen_status s = yajl_gen_get_buf(g->g, &buf, &len);
    if (s != yajl_gen_status_ok || buf == NULL)
        return berth_error_new(err, 0, "generate JSON: %s", gen_status_text(s));
    *ret = (const char *)buf;
    if (ret_len != NULL)
        *ret_len = len;
    return 0;
}
