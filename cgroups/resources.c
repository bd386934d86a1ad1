#include "resources.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/cleanup.h"

struct writes {
    struct berth_cgroup_write *items;
    size_t n, cap;
};

static int add(struct writes *w, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int add(struct writes *w, const char *file, const char *fmt, ...)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        struct berth_cgroup_write *grown = realloc(w->items, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        w->items = grown, w->cap = cap;
    }
    struct berth_cgroup_write *it = &w->items[w->n++];
    snprintf(it->file, sizeof(it->file), "%s", file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->value, sizeof(it->value), fmt, ap);
    va_end(ap);
    return 0;
}

static const berth_json *get_int(const berth_json *o, const char *key)
{
    const berth_json *v = berth_json_get(o, key);
    return v != NULL && v->type == BERTH_JSON_INT ? v : NULL;
}

/* -1 (or any negative) means unlimited in the runtime-spec. */
static int add_limit(struct writes *w, const char *file, int64_t v)
{
    return v < 0 ? add(w, file, "max") : add(w, file, "%" PRId64, v);
}

static int memory(struct writes *w, const berth_json *mem)
{
    const berth_json *limit = get_int(mem, "limit"), *swap = get_int(mem, "swap");
    const berth_json *res = get_int(mem, "reservation");
    int r = 0;
    if (limit != NULL)
        r |= add_limit(w, "memory.max", limit->u.i);
    if (res != NULL)
        r |= add_limit(w, "memory.low", res->u.i);
    /* v1's swap is memory+swap; v2's swap.max is swap alone. */
    if (swap != NULL && limit != NULL && swap->u.i >= 0 && limit->u.i >= 0)
        r |= add(w, "memory.swap.max", "%" PRId64,
                 swap->u.i > limit->u.i ? swap->u.i - limit->u.i : 0);
    else if (swap != NULL && swap->u.i < 0)
        r |= add(w, "memory.swap.max", "max");
    return r;
}

static int cpu(struct writes *w, const berth_json *cpu)
{
    const berth_json *quota = get_int(cpu, "quota"), *period = get_int(cpu, "period");
    const berth_json *shares = get_int(cpu, "shares");
    const berth_json *cpus = berth_json_get(cpu, "cpus"), *mems = berth_json_get(cpu, "mems");
    int r = 0;
    if (quota != NULL || period != NULL) {
        int64_t p = period != NULL ? period->u.i : 100000;
        if (quota != NULL && quota->u.i > 0)
            r |= add(w, "cpu.max", "%" PRId64 " %" PRId64, quota->u.i, p);
        else
            r |= add(w, "cpu.max", "max %" PRId64, p);
    }
    /* The conversion runc and crun share: shares 2..262144 onto weight 1..10000. */
    if (shares != NULL && shares->u.i > 0)
        r |= add(w, "cpu.weight", "%" PRId64, 1 + ((shares->u.i - 2) * 9999) / 262142);
    if (cpus != NULL && cpus->type == BERTH_JSON_STRING && *cpus->u.s)
        r |= add(w, "cpuset.cpus", "%s", cpus->u.s);
    if (mems != NULL && mems->type == BERTH_JSON_STRING && *mems->u.s)
        r |= add(w, "cpuset.mems", "%s", mems->u.s);
    return r;
}

static int unified(struct writes *w, const berth_json *u, berth_error **err)
{
    for (size_t i = 0; i < u->u.object.len; i++) {
        const char *key = u->u.object.keys[i];
        const berth_json *v = u->u.object.values[i];
        if (v->type != BERTH_JSON_STRING || strchr(key, '/') != NULL || key[0] == '.')
            return berth_error_new(err, 0, "linux.resources.unified.%s: invalid", key);
        if (add(w, key, "%s", v->u.s) < 0)
            return berth_error_new(err, ENOMEM, "linux.resources.unified");
    }
    return 0;
}

int berth_cgroup_v2_translate(const berth_json *res, struct berth_cgroup_write **ret, size_t *ret_n,
                              berth_error **err)
{
    struct writes w = {0};
    const berth_json *sub;
    int r = 0;
    if ((sub = berth_json_get(res, "memory")) != NULL)
        r |= memory(&w, sub);
    if ((sub = berth_json_get(res, "cpu")) != NULL)
        r |= cpu(&w, sub);
    if ((sub = get_int(berth_json_get(res, "pids"), "limit")) != NULL)
        r |= add_limit(&w, "pids.max", sub->u.i > 0 ? sub->u.i : -1);
    if (r != 0) {
        free(w.items);
        return berth_error_new(err, ENOMEM, "linux.resources");
    }
    sub = berth_json_get(res, "unified");
    if (sub != NULL && sub->type == BERTH_JSON_OBJECT && unified(&w, sub, err) < 0) {
        free(w.items);
        return -1;
    }
    *ret = w.items;
    *ret_n = w.n;
    return 0;
}

int berth_cgroup_v2_apply_resources(int dirfd, const berth_json *resources, berth_error **err)
{
    _cleanup_free_ struct berth_cgroup_write *writes = NULL;
    size_t n;
    if (berth_cgroup_v2_translate(resources, &writes, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        _cleanup_close_ int fd = openat(dirfd, writes[i].file, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return berth_error_new(err, errno, "open `%s`", writes[i].file);
        if (write(fd, writes[i].value, strlen(writes[i].value)) < 0)
            return berth_error_new(err, errno, "write `%s` to `%s`", writes[i].value,
                                   writes[i].file);
    }
    return 0;
}
