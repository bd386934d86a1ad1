#include "seccomp_profile.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/field.h"
#include "cleanup.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const berth_field_ctx fx = {.what = "config.json"};
static const berth_jpath lx = {.key = "linux"};
static const berth_jpath scp = {.up = &lx, .key = "seccomp"};

static int action_code(const char *a, int64_t errno_ret, uint32_t *ret)
{
    static const struct {
        const char *name;
        uint32_t act;
    } plain[] = {
        {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
        {"SCMP_ACT_KILL", SCMP_ACT_KILL},
        {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
        {"SCMP_ACT_LOG", SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
    };
    if (strcmp(a, "SCMP_ACT_ERRNO") == 0) {
        *ret = SCMP_ACT_ERRNO((uint32_t)errno_ret);
        return 0;
    }
    if (strcmp(a, "SCMP_ACT_TRACE") == 0) {
        *ret = SCMP_ACT_TRACE((uint32_t)errno_ret);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
        if (strcmp(a, plain[i].name) == 0) {
            *ret = plain[i].act;
            return 0;
        }
    return -1;
}

/* `key` (an action name) of `o` with the errno field `errno_key`, which
 * defaults to EPERM as the spec says. */
static int parse_action(const berth_json *o, const berth_jpath *at, const char *key,
                        const char *errno_key, uint32_t *ret, bool *notify, berth_error **err)
{
    _cleanup_free_ char *a = NULL;
    int64_t e = EPERM;
    if (berth_field_string(&fx, o, at, key, FIELD_REQUIRED, &a, err) < 0 ||
        berth_field_int(&fx, o, at, errno_key, 0, 0, 4095, &e, err) < 0)
        return -1;
    berth_jpath ap = JPATH_KEY(at, key);
    if (action_code(a, e, ret) < 0)
        return berth_field_error(&fx, &ap, 0, err, "unknown action \"%s\"", a);
    if (*ret == SCMP_ACT_NOTIFY)
        *notify = true;
    return 0;
}

static int parse_arches(const berth_json *sc, struct berth_seccomp_profile *p, berth_error **err)
{
    const berth_json *a = NULL;
    int r = berth_field_array(&fx, sc, &scp, "architectures", 0, &a, err);
    if (r <= 0)
        return r;
    berth_jpath ap = JPATH_KEY(&scp, "architectures");
    for (size_t i = 0; i < a->u.array.len; i++) {
        const berth_json *s = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&ap, i);
        if (s->type != BERTH_JSON_STRING || strncmp(s->u.s, "SCMP_ARCH_", 10) != 0 ||
            strlen(s->u.s) > 40)
            return berth_field_error(&fx, &ip, 0, err, "must be a string \"SCMP_ARCH_...\"");
        char lower[32];
        size_t j = 0;
        for (const char *c = s->u.s + 10; *c != '\0'; c++)
            lower[j++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        lower[j] = '\0';
        uint32_t arch = seccomp_arch_resolve_name(lower);
        if (arch == 0)
            return berth_field_error(&fx, &ip, 0, err, "unknown architecture \"%s\"", s->u.s);
        if (p->n_arches == ARRAY_SIZE(p->arches))
            return berth_field_error(&fx, &ap, 0, err, "too many architectures");
        p->arches[p->n_arches++] = arch;
    }
    return 0;
}

static int parse_flags(const berth_json *sc, struct berth_seccomp_profile *p, berth_error **err)
{
    static const struct {
        const char *name;
        unsigned flag;
    } known[] = {
        /* TSYNC: the init is single-threaded, there is nothing to sync. */
        {"SECCOMP_FILTER_FLAG_TSYNC", 0},
        {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
        {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
        {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    };
    const berth_json *a = NULL;
    int r = berth_field_array(&fx, sc, &scp, "flags", 0, &a, err);
    if (r <= 0)
        return r;
    berth_jpath fp = JPATH_KEY(&scp, "flags");
    for (size_t i = 0; i < a->u.array.len; i++) {
        const berth_json *s = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&fp, i);
        size_t k = 0;
        while (s->type == BERTH_JSON_STRING && k < ARRAY_SIZE(known) &&
               strcmp(known[k].name, s->u.s) != 0)
            k++;
        if (s->type != BERTH_JSON_STRING || k == ARRAY_SIZE(known))
            return berth_field_error(&fx, &ip, 0, err, "unknown flag \"%s\"",
                                     s->type == BERTH_JSON_STRING ? s->u.s : "?");
        p->flags |= known[k].flag;
    }
    return 0;
}

static int parse_op(const berth_json *o, const berth_jpath *at, enum scmp_compare *ret,
                    berth_error **err)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        {"SCMP_CMP_NE", SCMP_CMP_NE},
        {"SCMP_CMP_LT", SCMP_CMP_LT},
        {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ},
        {"SCMP_CMP_GE", SCMP_CMP_GE},
        {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    _cleanup_free_ char *op = NULL;
    if (berth_field_string(&fx, o, at, "op", FIELD_REQUIRED, &op, err) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
        if (strcmp(op, ops[i].name) == 0) {
            *ret = ops[i].op;
            return 0;
        }
    berth_jpath opp = JPATH_KEY(at, "op");
    return berth_field_error(&fx, &opp, 0, err, "unknown operator \"%s\"", op);
}

/* The conditions of one syscall entry into cmps[]; *ret_shared_index when
 * two of them test the same argument. */
static int parse_args(const berth_json *entry, const berth_jpath *at, struct scmp_arg_cmp *cmps,
                      unsigned *ret_n, bool *ret_shared_index, berth_error **err)
{
    const berth_json *a = NULL;
    *ret_n = 0;
    *ret_shared_index = false;
    int r = berth_field_array(&fx, entry, at, "args", 0, &a, err);
    if (r <= 0)
        return r;
    berth_jpath ap = JPATH_KEY(at, "args");
    if (a->u.array.len > 6)
        return berth_field_error(&fx, &ap, 0, err, "at most 6 conditions, got %zu", a->u.array.len);
    unsigned seen = 0;
    for (size_t i = 0; i < a->u.array.len; i++) {
        const berth_json *o = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&ap, i);
        int64_t idx = 0;
        uint64_t v1 = 0, v2 = 0;
        enum scmp_compare op = SCMP_CMP_EQ;
        if (o->type != BERTH_JSON_OBJECT)
            return berth_field_error(&fx, &ip, 0, err, "must be an object");
        if (berth_field_int(&fx, o, &ip, "index", FIELD_REQUIRED, 0, 5, &idx, err) < 0 ||
            berth_field_u64(&fx, o, &ip, "value", FIELD_REQUIRED, &v1, err) < 0 ||
            berth_field_u64(&fx, o, &ip, "valueTwo", 0, &v2, err) < 0 ||
            parse_op(o, &ip, &op, err) < 0)
            return -1;
        if (seen & (1U << idx))
            *ret_shared_index = true;
        seen |= 1U << idx;
        cmps[(*ret_n)++] =
            (struct scmp_arg_cmp){.arg = (unsigned)idx, .op = op, .datum_a = v1, .datum_b = v2};
    }
    return 0;
}

static int push_rule(struct berth_seccomp_profile *p, const char *name, uint32_t action,
                     const struct scmp_arg_cmp *cmps, unsigned n, berth_error **err)
{
    struct berth_seccomp_rule *grown = realloc(p->rules, (p->n_rules + 1) * sizeof(*grown));
    if (grown == NULL)
        return berth_error_new(err, ENOMEM, "linux.seccomp");
    p->rules = grown;
    struct berth_seccomp_rule *r = &p->rules[p->n_rules++];
    *r = (struct berth_seccomp_rule){.name = name, .action = action, .n_args = n};
    memcpy(r->args, cmps, n * sizeof(*cmps));
    return 0;
}

static int parse_entry(const berth_json *e, const berth_jpath *at, struct berth_seccomp_profile *p,
                       berth_error **err)
{
    const berth_json *names = NULL;
    uint32_t action;
    struct scmp_arg_cmp cmps[6];
    unsigned n;
    bool shared;
    if (e->type != BERTH_JSON_OBJECT)
        return berth_field_error(&fx, at, 0, err, "must be an object");
    if (berth_field_array(&fx, e, at, "names", FIELD_REQUIRED, &names, err) < 0 ||
        parse_action(e, at, "action", "errnoRet", &action, &p->notify, err) < 0 ||
        parse_args(e, at, cmps, &n, &shared, err) < 0)
        return -1;
    berth_jpath np = JPATH_KEY(at, "names");
    for (size_t i = 0; i < names->u.array.len; i++) {
        const berth_json *s = names->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&np, i);
        if (s->type != BERTH_JSON_STRING || s->u.s[0] == '\0')
            return berth_field_error(&fx, &ip, 0, err, "must be a syscall name");
        if (!shared && push_rule(p, s->u.s, action, cmps, n, err) < 0)
            return -1;
        for (unsigned k = 0; shared && k < n; k++)
            if (push_rule(p, s->u.s, action, &cmps[k], 1, err) < 0)
                return -1;
    }
    return 0;
}

static int parse_listener(const berth_json *sc, struct berth_seccomp_profile *p, berth_error **err)
{
    const berth_json *lp = berth_json_get(sc, "listenerPath");
    const berth_json *lm = berth_json_get(sc, "listenerMetadata");
    berth_jpath lpp = JPATH_KEY(&scp, "listenerPath");
    berth_jpath lmp = JPATH_KEY(&scp, "listenerMetadata");
    if (lp != NULL && (lp->type != BERTH_JSON_STRING || lp->u.s[0] != '/'))
        return berth_field_error(&fx, &lpp, 0, err, "must be an absolute path");
    if (lm != NULL && lm->type != BERTH_JSON_STRING)
        return berth_field_error(&fx, &lmp, 0, err, "must be a string");
    p->listener_path = lp != NULL ? lp->u.s : NULL;
    p->listener_metadata = lm != NULL ? lm->u.s : NULL;
    if (p->notify && p->listener_path == NULL)
        return berth_field_error(&fx, &lpp, 0, err, "required by SCMP_ACT_NOTIFY");
    return 0;
}

int berth_seccomp_profile_parse(const berth_json *sc, struct berth_seccomp_profile *p,
                                berth_error **err)
{
    memset(p, 0, sizeof(*p));
    const berth_json *rules = NULL;
    if (parse_action(sc, &scp, "defaultAction", "defaultErrnoRet", &p->default_action, &p->notify,
                     err) < 0)
        return -1;
    if (p->default_action == SCMP_ACT_NOTIFY) {
        berth_jpath dp = JPATH_KEY(&scp, "defaultAction");
        return berth_field_error(&fx, &dp, 0, err, "SCMP_ACT_NOTIFY cannot be the default");
    }
    if (parse_arches(sc, p, err) < 0 || parse_flags(sc, p, err) < 0 ||
        berth_field_array(&fx, sc, &scp, "syscalls", 0, &rules, err) < 0)
        goto fail;
    berth_jpath sp = JPATH_KEY(&scp, "syscalls");
    for (size_t i = 0; rules != NULL && i < rules->u.array.len; i++) {
        berth_jpath ip = JPATH_IDX(&sp, i);
        if (parse_entry(rules->u.array.items[i], &ip, p, err) < 0)
            goto fail;
    }
    if (parse_listener(sc, p, err) < 0)
        goto fail;
    return 0;
fail:
    berth_seccomp_profile_free(p);
    return -1;
}

void berth_seccomp_profile_free(struct berth_seccomp_profile *p)
{
    free(p->rules);
    p->rules = NULL;
    p->n_rules = 0;
}
