#include "exec_process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "../oci/process.h"
#include "../oci/field.h"
#include "cleanup.h"
#include "fileutil.h"

static int parse_id(const char *flag, const char *s, size_t len, uint32_t *ret, berth_error **err)
{
    char buf[16];
    if (len == 0 || len >= sizeof(buf))
        return berth_error_new(err, 0, "%s: invalid id \"%.*s\"", flag, (int)len, s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (*end != '\0' || buf[0] < '0' || buf[0] > '9' || errno != 0 || v > UINT32_MAX - 1)
        return berth_error_new(err, 0, "%s: invalid id \"%s\" (a number is expected)", flag, buf);
    *ret = (uint32_t)v;
    return 0;
}

int berth_exec_parse_user(const char *s, uint32_t *ret_uid, uint32_t *ret_gid, berth_error **err)
{
    const char *colon = strchr(s, ':');
    uint32_t uid, gid = 0;
    if (parse_id("--user", s, colon != NULL ? (size_t)(colon - s) : strlen(s), &uid, err) < 0)
        return -1;
    if (colon != NULL && parse_id("--user", colon + 1, strlen(colon + 1), &gid, err) < 0)
        return -1;
    *ret_uid = uid;
    if (colon != NULL)
        *ret_gid = gid;
    return 0;
}

static int add_gids(berth_process_config *p, char *const *values, berth_error **err)
{
    for (; values != NULL && *values != NULL; values++) {
        for (const char *s = *values;;) {
            size_t len = strcspn(s, ",");
            uint32_t gid;
            if (parse_id("--additional-gids", s, len, &gid, err) < 0)
                return -1;
            uint32_t *v = reallocarray(p->additional_gids, p->n_additional_gids + 1, sizeof(*v));
            if (v == NULL)
                return berth_error_new(err, ENOMEM, "--additional-gids");
            v[p->n_additional_gids++] = gid;
            p->additional_gids = v;
            if (s[len] == '\0')
                break;
            s += len + 1;
        }
    }
    return 0;
}

static int add_caps(berth_process_config *p, char *const *names, berth_error **err)
{
    for (; names != NULL && *names != NULL; names++) {
        cap_value_t cap = -1;
        if (strncmp(*names, "CAP_", 4) != 0 || cap_from_name(*names, &cap) != 0 || cap < 0 ||
            cap > 63)
            return berth_error_new(err, 0, "--cap: unknown capability \"%s\"", *names);
        uint64_t bit = UINT64_C(1) << cap;
        /* Without a capabilities section the process keeps all of root's. */
        if (!p->caps.present)
            continue;
        p->caps.bounding |= bit;
        p->caps.effective |= bit;
        p->caps.permitted |= bit;
        /* The kernel raises an ambient capability only if it is inheritable. */
        if (p->caps.inheritable != 0)
            p->caps.ambient |= bit;
    }
    return 0;
}

/* NAME=VALUE replaces an existing NAME, else it is appended. */
static int set_env(berth_process_config *p, const char *kv, berth_error **err)
{
    const char *eq = strchr(kv, '=');
    if (eq == NULL || eq == kv)
        return berth_error_new(err, 0, "--env: \"%s\" must be NAME=VALUE", kv);
    size_t name_len = (size_t)(eq - kv) + 1, n = 0;
    _cleanup_free_ char *copy = strdup(kv);
    if (copy == NULL)
        return berth_error_new(err, ENOMEM, "--env");
    for (; p->env != NULL && p->env[n] != NULL; n++) {
        if (strncmp(p->env[n], kv, name_len) == 0) {
            free(p->env[n]);
            p->env[n] = TAKE_PTR(copy);
            return 0;
        }
    }
    char **v = reallocarray(p->env, n + 2, sizeof(char *));
    if (v == NULL)
        return berth_error_new(err, ENOMEM, "--env");
    v[n] = TAKE_PTR(copy);
    v[n + 1] = NULL;
    p->env = v;
    return 0;
}

static int replace_string(char **field, const char *value, berth_error **err)
{
    char *copy = strdup(value);
    if (copy == NULL)
        return berth_error_new(err, ENOMEM, "strdup");
    free(*field);
    *field = copy;
    return 0;
}

static int set_args(berth_process_config *p, char *const *args, berth_error **err)
{
    size_t n = 0;
    while (args[n] != NULL)
        n++;
    char **v = calloc(n + 1, sizeof(char *));
    if (v == NULL)
        return berth_error_new(err, ENOMEM, "exec arguments");
    for (size_t i = 0; i < n; i++) {
        if ((v[i] = strdup(args[i])) == NULL) {
            berth_strv_free(v);
            return berth_error_new(err, ENOMEM, "exec arguments");
        }
    }
    berth_strv_free(p->args);
    p->args = v;
    return 0;
}

static int apply_flags(berth_process_config *p, const struct berth_exec_opts *o, berth_error **err)
{
    if (set_args(p, o->args, err) < 0)
        return -1;
    p->terminal = o->tty;
    for (char *const *e = o->env; e != NULL && *e != NULL; e++)
        if (set_env(p, *e, err) < 0)
            return -1;
    if (o->cwd != NULL && o->cwd[0] != '/')
        return berth_error_new(err, 0, "--cwd: \"%s\" is not an absolute path", o->cwd);
    if (o->cwd != NULL && replace_string(&p->cwd, o->cwd, err) < 0)
        return -1;
    if (o->user != NULL && berth_exec_parse_user(o->user, &p->uid, &p->gid, err) < 0)
        return -1;
    if (add_gids(p, o->additional_gids, err) < 0 || add_caps(p, o->caps, err) < 0)
        return -1;
    if (o->no_new_privs)
        p->no_new_privileges = true;
    if (o->apparmor != NULL && replace_string(&p->apparmor_profile, o->apparmor, err) < 0)
        return -1;
    if (o->process_label != NULL && replace_string(&p->selinux_label, o->process_label, err) < 0)
        return -1;
    return 0;
}

static int load_process_file(berth_config *c, const char *path, berth_error **err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    if (berth_read_file_at(AT_FDCWD, path, &buf, &len, err) < 0)
        return berth_error_wrap(err, "--process");
    berth_process_config p;
    if (berth_process_parse(buf, len, path, &p, err) < 0)
        return berth_error_wrap(err, "--process");
    berth_process_config_free(&c->process);
    c->process = p;
    return 0;
}

int berth_exec_process_build(berth_config *c, const struct berth_exec_opts *o, berth_error **err)
{
    bool has_args = o->args != NULL && o->args[0] != NULL;
    if (o->process_file != NULL) {
        if (has_args)
            return berth_error_new(err, 0, "exec: --process and a command are mutually exclusive");
        return load_process_file(c, o->process_file, err);
    }
    if (!has_args)
        return berth_error_new(err, 0, "exec: a command (or --process FILE) is required");
    return apply_flags(&c->process, o, err);
}
