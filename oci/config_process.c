/* The `process` section of config.json. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "../runtime/cleanup.h"
#include "config_internal.h"

static const berth_jpath process_path = {.key = "process"};

static int parse_console(const berth_field_ctx *x, const berth_json *proc, berth_process_config *pc,
                         berth_error **err)
{
    const berth_json *cs = NULL;
    int r = berth_field_object(x, proc, &process_path, "consoleSize", 0, &cs, err);
    if (r <= 0)
        return r;
    berth_jpath p = JPATH_KEY(&process_path, "consoleSize");
    uint32_t h = 0, w = 0;
    if (berth_field_u32(x, cs, &p, "height", 0, &h, err) < 0 ||
        berth_field_u32(x, cs, &p, "width", 0, &w, err) < 0)
        return -1;
    pc->console_height = h;
    pc->console_width = w;
    return 0;
}

static int parse_args_env(const berth_field_ctx *x, const berth_json *proc,
                          berth_process_config *pc, berth_error **err)
{
    berth_jpath ap = JPATH_KEY(&process_path, "args");
    if (berth_field_strv(x, proc, &process_path, "args", FIELD_REQUIRED, &pc->args, NULL, err) < 0)
        return -1;
    if (pc->args[0] == NULL)
        return berth_field_error(x, &ap, 0, err, "must be a non-empty array of strings");
    size_t n = 0;
    if (berth_field_strv(x, proc, &process_path, "env", 0, &pc->env, &n, err) < 0)
        return -1;
    berth_jpath ep = JPATH_KEY(&process_path, "env");
    for (size_t i = 0; i < n; i++) {
        berth_jpath ip = JPATH_IDX(&ep, i);
        const char *eq = strchr(pc->env[i], '=');
        if (eq == NULL)
            return berth_field_error(x, &ip, 0, err, "\"%s\" must be NAME=VALUE", pc->env[i]);
        if (eq == pc->env[i])
            return berth_field_error(x, &ip, 0, err, "variable name must not be empty");
    }
    if (pc->env == NULL && (pc->env = calloc(1, sizeof(char *))) == NULL)
        return berth_field_error(x, &ep, ENOMEM, err, "calloc");
    return berth_field_string(x, proc, &process_path, "cwd", FIELD_REQUIRED | FIELD_ABSOLUTE,
                              &pc->cwd, err);
}

static int parse_gids(const berth_field_ctx *x, const berth_json *user, const berth_jpath *up,
                      berth_process_config *pc, berth_error **err)
{
    const berth_json *a = NULL;
    int r = berth_field_array(x, user, up, "additionalGids", 0, &a, err);
    if (r <= 0)
        return r;
    berth_jpath gp = JPATH_KEY(up, "additionalGids");
    size_t n = a->u.array.len;
    pc->additional_gids = calloc(n ? n : 1, sizeof(uint32_t));
    if (pc->additional_gids == NULL)
        return berth_field_error(x, &gp, ENOMEM, err, "calloc");
    for (size_t i = 0; i < n; i++) {
        const berth_json *g = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(&gp, i);
        if (g->type != BERTH_JSON_INT || g->u.i < 0 || g->u.i > UINT32_MAX)
            return berth_field_error(x, &ip, 0, err, "expected a group id (0 to 4294967295)");
        pc->additional_gids[i] = (uint32_t)g->u.i;
    }
    pc->n_additional_gids = n;
    return 0;
}

/* runc treats a missing user (or missing uid/gid) as root, so berth does too. */
static int parse_user(const berth_field_ctx *x, const berth_json *proc, berth_process_config *pc,
                      berth_error **err)
{
    const berth_json *user = NULL;
    int r = berth_field_object(x, proc, &process_path, "user", 0, &user, err);
    if (r <= 0)
        return r;
    berth_jpath up = JPATH_KEY(&process_path, "user");
    if (berth_field_u32(x, user, &up, "uid", 0, &pc->uid, err) < 0 ||
        berth_field_u32(x, user, &up, "gid", 0, &pc->gid, err) < 0)
        return -1;
    r = berth_field_u32(x, user, &up, "umask", 0, &pc->umask, err);
    if (r < 0)
        return r;
    pc->has_umask = r > 0;
    return parse_gids(x, user, &up, pc, err);
}

static int add_unknown(berth_caps_config *caps, const char *name)
{
    size_t n = 0;
    for (; caps->unknown != NULL && caps->unknown[n] != NULL; n++)
        if (strcmp(caps->unknown[n], name) == 0)
            return 0;
    char **v = reallocarray(caps->unknown, n + 2, sizeof(char *));
    if (v == NULL)
        return -1;
    caps->unknown = v;
    v[n + 1] = NULL;
    v[n] = strdup(name);
    return v[n] == NULL ? -1 : 0;
}

/* Names must carry the CAP_ prefix, as in runc; libcap alone would also take
 * "cap_kill" or "12". Names unknown to libcap are collected, not rejected,
 * so a config written for a newer kernel still runs. */
static int parse_cap_set(const berth_field_ctx *x, const berth_json *a, const berth_jpath *p,
                         berth_caps_config *caps, uint64_t *mask, berth_error **err)
{
    for (size_t i = 0; i < a->u.array.len; i++) {
        const berth_json *s = a->u.array.items[i];
        berth_jpath ip = JPATH_IDX(p, i);
        if (s->type != BERTH_JSON_STRING)
            return berth_field_error(x, &ip, 0, err, "expected a string");
        cap_value_t cap = -1;
        if (strncmp(s->u.s, "CAP_", 4) == 0 && cap_from_name(s->u.s, &cap) == 0 && cap >= 0 &&
            cap < 64)
            *mask |= UINT64_C(1) << cap;
        else if (add_unknown(caps, s->u.s) < 0)
            return berth_field_error(x, &ip, ENOMEM, err, "strdup");
    }
    return 0;
}

static int parse_caps(const berth_field_ctx *x, const berth_json *proc, berth_process_config *pc,
                      berth_error **err)
{
    static const struct {
        const char *key;
        size_t offset;
    } sets[] = {
        {"bounding", offsetof(berth_caps_config, bounding)},
        {"effective", offsetof(berth_caps_config, effective)},
        {"inheritable", offsetof(berth_caps_config, inheritable)},
        {"permitted", offsetof(berth_caps_config, permitted)},
        {"ambient", offsetof(berth_caps_config, ambient)},
    };
    const berth_json *caps = NULL;
    int r = berth_field_object(x, proc, &process_path, "capabilities", 0, &caps, err);
    if (r <= 0)
        return r;
    pc->caps.present = true;
    berth_jpath cp = JPATH_KEY(&process_path, "capabilities");
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
        const berth_json *a = NULL;
        r = berth_field_array(x, caps, &cp, sets[i].key, 0, &a, err);
        if (r < 0)
            return r;
        berth_jpath sp = JPATH_KEY(&cp, sets[i].key);
        uint64_t *mask = (uint64_t *)((char *)&pc->caps + sets[i].offset);
        if (r > 0 && parse_cap_set(x, a, &sp, &pc->caps, mask, err) < 0)
            return -1;
    }
    return 0;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},           {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},         {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static int rlimit_from_name(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
        if (strcmp(rlimit_names[i].name, name) == 0)
            return rlimit_names[i].resource;
    return -1;
}

static int parse_rlimit(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                        void *item, void *data, berth_error **err)
{
    berth_process_config *pc = data;
    berth_rlimit_config *rl = item;
    _cleanup_free_ char *type = NULL;
    berth_jpath tp = JPATH_KEY(p, "type");
    if (berth_field_string(x, o, p, "type", FIELD_REQUIRED, &type, err) < 0)
        return -1;
    rl->resource = rlimit_from_name(type);
    if (rl->resource < 0)
        return berth_field_error(x, &tp, 0, err, "unknown rlimit \"%s\"", type);
    /* The spec requires a runtime to reject two entries of one type. */
    for (const berth_rlimit_config *prev = pc->rlimits; prev < rl; prev++)
        if (prev->resource == rl->resource)
            return berth_field_error(x, &tp, 0, err, "duplicate rlimit \"%s\"", type);
    if (berth_field_u64(x, o, p, "soft", FIELD_REQUIRED, &rl->soft, err) < 0 ||
        berth_field_u64(x, o, p, "hard", FIELD_REQUIRED, &rl->hard, err) < 0)
        return -1;
    if (rl->soft > rl->hard)
        return berth_field_error(x, p, 0, err, "soft limit %" PRIu64 " exceeds hard limit %" PRIu64,
                                 rl->soft, rl->hard);
    return 0;
}

static int parse_rlimits(const berth_field_ctx *x, const berth_json *proc, berth_process_config *pc,
                         berth_error **err)
{
    int r = berth_field_objects(x, proc, &process_path, "rlimits", sizeof(*pc->rlimits),
                                (void **)&pc->rlimits, &pc->n_rlimits, parse_rlimit, pc, err);
    return r < 0 ? r : 0;
}

static int parse_security(const berth_field_ctx *x, const berth_json *proc,
                          berth_process_config *pc, berth_error **err)
{
    int64_t adj = 0;
    int r = berth_field_int(x, proc, &process_path, "oomScoreAdj", 0, -1000, 1000, &adj, err);
    if (r < 0)
        return r;
    pc->has_oom_score_adj = r > 0;
    pc->oom_score_adj = (int)adj;
    if (berth_field_bool(x, proc, &process_path, "noNewPrivileges", 0, &pc->no_new_privileges,
                         err) < 0 ||
        berth_field_string(x, proc, &process_path, "apparmorProfile", 0, &pc->apparmor_profile,
                           err) < 0 ||
        berth_field_string(x, proc, &process_path, "selinuxLabel", 0, &pc->selinux_label, err) < 0)
        return -1;
    return 0;
}

int berth_config_parse_process(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                               berth_error **err)
{
    /* The spec makes `process` optional, but berth only ever runs containers. */
    const berth_json *proc = NULL;
    if (berth_field_object(x, doc, NULL, "process", FIELD_REQUIRED, &proc, err) < 0)
        return -1;
    c->has_process = true;
    berth_process_config *pc = &c->process;
    if (berth_field_bool(x, proc, &process_path, "terminal", 0, &pc->terminal, err) < 0 ||
        parse_console(x, proc, pc, err) < 0 || parse_args_env(x, proc, pc, err) < 0 ||
        parse_user(x, proc, pc, err) < 0 || parse_caps(x, proc, pc, err) < 0 ||
        parse_rlimits(x, proc, pc, err) < 0 || parse_security(x, proc, pc, err) < 0)
        return -1;
    return 0;
}

void berth_config_free_process(berth_process_config *pc)
{
    berth_strv_free(pc->args);
    berth_strv_free(pc->env);
    free(pc->cwd);
    free(pc->additional_gids);
    berth_strv_free(pc->caps.unknown);
    free(pc->rlimits);
    free(pc->apparmor_profile);
    free(pc->selinux_label);
}
