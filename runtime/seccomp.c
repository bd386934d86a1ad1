#include "seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>

static const berth_json *member(const berth_json *o, const char *key, berth_json_type type)
{
    const berth_json *v = berth_json_get(o, key);
    return v != NULL && v->type == type ? v : NULL;
}

static int parse_action(const berth_json *action_json, const berth_json *errno_ret,
                        int default_errno, uint32_t *ret, berth_error **err)
{
    const char *a = action_json != NULL && action_json->type == BERTH_JSON_STRING
                        ? action_json->u.s : "";
    int e = errno_ret != NULL && errno_ret->type == BERTH_JSON_INT ? (int)errno_ret->u.i
                                                                   : default_errno;
    if (strcmp(a, "SCMP_ACT_ALLOW") == 0) *ret = SCMP_ACT_ALLOW;
    else if (strcmp(a, "SCMP_ACT_ERRNO") == 0) *ret = SCMP_ACT_ERRNO(e);
    else if (strcmp(a, "SCMP_ACT_KILL") == 0) *ret = SCMP_ACT_KILL;
    else if (strcmp(a, "SCMP_ACT_KILL_THREAD") == 0) *ret = SCMP_ACT_KILL_THREAD;
    else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0) *ret = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(a, "SCMP_ACT_TRAP") == 0) *ret = SCMP_ACT_TRAP;
    else if (strcmp(a, "SCMP_ACT_TRACE") == 0) *ret = SCMP_ACT_TRACE(e);
    else if (strcmp(a, "SCMP_ACT_LOG") == 0) *ret = SCMP_ACT_LOG;
    else if (strcmp(a, "SCMP_ACT_NOTIFY") == 0) *ret = SCMP_ACT_NOTIFY;
    else return berth_error_new(err, 0, "linux.seccomp: unknown action \"%s\"", a);
    return 0;
}

static int parse_op(const char *op, enum scmp_compare *ret)
{
    static const struct { const char *name; enum scmp_compare op; } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(op, ops[i].name) == 0) {
            *ret = ops[i].op;
            return 0;
        }
    return -1;
}

static int parse_args(const berth_json *args, struct scmp_arg_cmp *cmps, unsigned *n,
                      berth_error **err)
{
    *n = 0;
    for (size_t i = 0; args != NULL && i < args->u.array.len && i < 6; i++) {
        const berth_json *a = args->u.array.items[i];
        const berth_json *idx = member(a, "index", BERTH_JSON_INT);
        const berth_json *val = member(a, "value", BERTH_JSON_INT);
        const berth_json *two = member(a, "valueTwo", BERTH_JSON_INT);
        const berth_json *op = member(a, "op", BERTH_JSON_STRING);
        enum scmp_compare cmp;
        if (idx == NULL || op == NULL || parse_op(op->u.s, &cmp) < 0)
            return berth_error_new(err, 0, "linux.seccomp: bad argument condition (op \"%s\")",
                                   op != NULL ? op->u.s : "");
        cmps[(*n)++] = (struct scmp_arg_cmp){.arg = (unsigned)idx->u.i, .op = cmp,
                                             .datum_a = val ? (scmp_datum_t)val->u.i : 0,
                                             .datum_b = two ? (scmp_datum_t)two->u.i : 0};
    }
    return 0;
}

static int add_rule(scmp_filter_ctx f, const berth_json *rule, int default_errno,
                    berth_error **err)
{
    const berth_json *names = member(rule, "names", BERTH_JSON_ARRAY);
    uint32_t action;
    struct scmp_arg_cmp cmps[6];
    unsigned ncmp;
    if (parse_action(berth_json_get(rule, "action"), berth_json_get(rule, "errnoRet"),
                     default_errno, &action, err) < 0 ||
        parse_args(member(rule, "args", BERTH_JSON_ARRAY), cmps, &ncmp, err) < 0)
        return -1;
    for (size_t i = 0; names != NULL && i < names->u.array.len; i++) {
        const berth_json *name = names->u.array.items[i];
        if (name->type != BERTH_JSON_STRING)
            continue;
        /* A profile may be newer than the kernel or libseccomp: skip names
         * they do not know, as runc does. */
        int nr = seccomp_syscall_resolve_name(name->u.s);
        if (nr == __NR_SCMP_ERROR)
            continue;
        int r = seccomp_rule_add_array(f, action, nr, ncmp, cmps);
        if (r < 0 && r != -EEXIST)
            return berth_error_new(err, -r, "linux.seccomp: add rule for \"%s\"", name->u.s);
    }
    return 0;
}

static int add_arches(scmp_filter_ctx f, const berth_json *arches, berth_error **err)
{
    for (size_t i = 0; arches != NULL && i < arches->u.array.len; i++) {
        const berth_json *a = arches->u.array.items[i];
        if (a->type != BERTH_JSON_STRING || strncmp(a->u.s, "SCMP_ARCH_", 10) != 0)
            continue;
        char lower[32];
        size_t j = 0;
        for (const char *p = a->u.s + 10; *p && j < sizeof(lower) - 1; p++)
            lower[j++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        lower[j] = '\0';
        uint32_t arch = seccomp_arch_resolve_name(lower);
        if (arch == 0)
            return berth_error_new(err, 0, "linux.seccomp.architectures: unknown \"%s\"", a->u.s);
        int r = seccomp_arch_add(f, arch);
        if (r < 0 && r != -EEXIST)
            return berth_error_new(err, -r, "linux.seccomp: add architecture \"%s\"", a->u.s);
    }
    return 0;
}

int berth_seccomp_load_config(const struct berth_context *ctx, const berth_config *c,
                              berth_error **err)
{
    const berth_json *sc = member(berth_json_get(c->json, "linux"), "seccomp", BERTH_JSON_OBJECT);
    if (sc == NULL)
        return 0;
    const berth_json *der = member(sc, "defaultErrnoRet", BERTH_JSON_INT);
    int default_errno = der != NULL ? (int)der->u.i : EPERM;
    uint32_t def;
    if (parse_action(berth_json_get(sc, "defaultAction"), der, EPERM, &def, err) < 0)
        return -1;
    scmp_filter_ctx f = seccomp_init(def);
    if (f == NULL)
        return berth_error_new(err, EINVAL, "seccomp_init");
    const berth_json *rules = member(sc, "syscalls", BERTH_JSON_ARRAY);
    int r = add_arches(f, member(sc, "architectures", BERTH_JSON_ARRAY), err);
    for (size_t i = 0; r == 0 && rules != NULL && i < rules->u.array.len; i++)
        r = add_rule(f, rules->u.array.items[i], default_errno, err);
    if (r == 0 && (r = seccomp_load(f)) < 0)
        r = berth_error_new(err, -r, "seccomp_load");
    seccomp_release(f);
    return r < 0 ? -1 : 0;
}
