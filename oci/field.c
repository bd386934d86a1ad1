#include "field.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/cleanup.h"

/* Writes the path root-first into buf; returns the length written so far. */
static size_t render(const berth_jpath *p, char *buf, size_t size)
{
    if (p == NULL)
        return 0;
    size_t n = render(p->up, buf, size);
    if (n >= size)
        return n;
    int w;
    if (p->key != NULL)
        w = snprintf(buf + n, size - n, "%s%s", n > 0 ? "." : "", p->key);
    else
        w = snprintf(buf + n, size - n, "[%zu]", p->index);
    return w < 0 ? n : n + (size_t)w;
}

int berth_field_error(const berth_field_ctx *x, const berth_jpath *p, int errnum, berth_error **err,
                      const char *fmt, ...)
{
    char path[512] = "";
    render(p, path, sizeof(path));
    _cleanup_free_ char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    const char *m = n < 0 ? fmt : msg;
    if (path[0] == '\0')
        return berth_error_new(err, errnum, "%s: %s", x->what, m);
    return berth_error_new(err, errnum, "%s: %s: %s", x->what, path, m);
}

static const char *type_word(berth_json_type t)
{
    switch (t) {
    case BERTH_JSON_BOOL: return "a boolean";
    case BERTH_JSON_INT:
    case BERTH_JSON_DOUBLE: return "a number";
    case BERTH_JSON_STRING: return "a string";
    case BERTH_JSON_ARRAY: return "an array";
    case BERTH_JSON_OBJECT: return "an object";
    default: return "null";
    }
}

/* Finds a member and checks its type. Returns 0 (absent or null), 1 (found,
 * *ret set), or < 0. Integers are accepted where a double is wanted. */
static int lookup(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                  const char *key, unsigned flags, berth_json_type want, const berth_json **ret,
                  berth_error **err)
{
    const berth_json *v = berth_json_get(obj, key);
    berth_jpath p = JPATH_KEY(at, key);
    if (v == NULL || v->type == BERTH_JSON_NULL) {
        if (flags & FIELD_REQUIRED)
            return berth_field_error(x, &p, 0, err, "missing");
        return 0;
    }
    bool ok = v->type == want || (want == BERTH_JSON_INT && v->type == BERTH_JSON_DOUBLE);
    if (!ok)
        return berth_field_error(x, &p, 0, err, "expected %s", type_word(want));
    *ret = v;
    return 1;
}

static int check_string(const berth_field_ctx *x, const berth_jpath *p, const char *s,
                        unsigned flags, berth_error **err)
{
    if ((flags & FIELD_ABSOLUTE) && s[0] != '/')
        return berth_field_error(x, p, 0, err, "must be an absolute path");
    return 0;
}

int berth_field_string(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                       const char *key, unsigned flags, char **ret, berth_error **err)
{
    const berth_json *v = NULL;
    int r = lookup(x, obj, at, key, flags, BERTH_JSON_STRING, &v, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(at, key);
    if (check_string(x, &p, v->u.s, flags, err) < 0)
        return -1;
    char *s = strdup(v->u.s);
    if (s == NULL)
        return berth_field_error(x, &p, ENOMEM, err, "strdup");
    free(*ret);
    *ret = s;
    return 1;
}

int berth_field_bool(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                     const char *key, unsigned flags, bool *ret, berth_error **err)
{
    const berth_json *v = NULL;
    int r = lookup(x, obj, at, key, flags, BERTH_JSON_BOOL, &v, err);
    if (r > 0)
        *ret = v->u.b;
    return r;
}

int berth_field_int(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, int64_t min, int64_t max, int64_t *ret,
                    berth_error **err)
{
    const berth_json *v = NULL;
    int r = lookup(x, obj, at, key, flags, BERTH_JSON_INT, &v, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(at, key);
    if (v->type != BERTH_JSON_INT)
        return berth_field_error(x, &p, 0, err, "expected an integer in [%" PRId64 ", %" PRId64 "]",
                                 min, max);
    if (v->u.i < min || v->u.i > max)
        return berth_field_error(x, &p, 0, err,
                                 "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", v->u.i,
                                 min, max);
    *ret = v->u.i;
    return 1;
}

int berth_field_u32(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, uint32_t *ret, berth_error **err)
{
    int64_t v = 0;
    int r = berth_field_int(x, obj, at, key, flags, 0, UINT32_MAX, &v, err);
    if (r > 0)
        *ret = (uint32_t)v;
    return r;
}

int berth_field_u64(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                    const char *key, unsigned flags, uint64_t *ret, berth_error **err)
{
    const berth_json *v = NULL;
    int r = lookup(x, obj, at, key, flags, BERTH_JSON_INT, &v, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(at, key);
    if (v->type == BERTH_JSON_INT && v->u.i >= 0) {
        *ret = (uint64_t)v->u.i;
        return 1;
    }
    /* Past int64 the parser keeps a double: 2^63 .. 2^64 are whole numbers. */
    if (v->type == BERTH_JSON_DOUBLE && v->u.d >= 0x1p64) {
        *ret = UINT64_MAX;
        return 1;
    }
    if (v->type == BERTH_JSON_DOUBLE && v->u.d >= 0x1p63 && v->u.d == (double)(uint64_t)v->u.d) {
        *ret = (uint64_t)v->u.d;
        return 1;
    }
    return berth_field_error(x, &p, 0, err, "expected an unsigned 64-bit integer");
}

void berth_strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **s = v; *s != NULL; s++)
        free(*s);
    free(v);
}

int berth_field_strv(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                     const char *key, unsigned flags, char ***ret, size_t *ret_len,
                     berth_error **err)
{
    const berth_json *a = NULL;
    int r = lookup(x, obj, at, key, flags, BERTH_JSON_ARRAY, &a, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(at, key);
    size_t n = a->u.array.len;
    char **v = calloc(n + 1, sizeof(char *));
    if (v == NULL)
        return berth_field_error(x, &p, ENOMEM, err, "calloc");
    for (size_t i = 0; i < n; i++) {
        const berth_json *s = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&p, i);
        if (s->type != BERTH_JSON_STRING)
            r = berth_field_error(x, &ip, 0, err, "expected a string");
        else if (check_string(x, &ip, s->u.s, flags, err) < 0)
            r = -1;
        else if ((v[i] = strdup(s->u.s)) == NULL)
            r = berth_field_error(x, &ip, ENOMEM, err, "strdup");
        if (r < 0) {
            berth_strv_free(v);
            return r;
        }
    }
    berth_strv_free(*ret);
    *ret = v;
    if (ret_len != NULL)
        *ret_len = n;
    return 1;
}

int berth_field_object(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                       const char *key, unsigned flags, const berth_json **ret, berth_error **err)
{
    return lookup(x, obj, at, key, flags, BERTH_JSON_OBJECT, ret, err);
}

int berth_field_array(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                      const char *key, unsigned flags, const berth_json **ret, berth_error **err)
{
    return lookup(x, obj, at, key, flags, BERTH_JSON_ARRAY, ret, err);
}

int berth_field_objects(const berth_field_ctx *x, const berth_json *obj, const berth_jpath *at,
                        const char *key, size_t item_size, void **ret_items, size_t *ret_len,
                        berth_field_item_fn fn, void *data, berth_error **err)
{
    const berth_json *a = NULL;
    int r = lookup(x, obj, at, key, 0, BERTH_JSON_ARRAY, &a, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(at, key);
    size_t n = a->u.array.len;
    char *items = NULL;
    if (item_size > 0) {
        items = calloc(n ? n : 1, item_size);
        if (items == NULL)
            return berth_field_error(x, &p, ENOMEM, err, "calloc");
        *ret_items = items;
    }
    for (size_t i = 0; i < n; i++) {
        const berth_json *o = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&p, i);
        if (o->type != BERTH_JSON_OBJECT)
            return berth_field_error(x, &ip, 0, err, "expected an object");
        if (ret_len != NULL)
            (*ret_len)++;
        if (fn(x, o, &ip, items ? items + i * item_size : NULL, data, err) < 0)
            return berth_error_code(*err);
    }
    return 1;
}
