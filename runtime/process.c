#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"

int berth_process_pre_rootfs(const berth_process_config *p, berth_error **err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char buf[16];
    int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
    _cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, (size_t)n) < 0)
        return berth_error_new(err, errno, "write `/proc/self/oom_score_adj`");
    return 0;
}

static int apply_rlimits(const berth_process_config *p, berth_error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
        if (setrlimit(p->rlimits[i].resource, &rl) < 0)
            return berth_error_new(err, errno, "setrlimit %d (soft %llu, hard %llu)",
                                   p->rlimits[i].resource, (unsigned long long)rl.rlim_cur,
                                   (unsigned long long)rl.rlim_max);
    }
    return 0;
}

static int switch_user(const berth_process_config *p, berth_error **err)
{
    gid_t *groups = (gid_t *)p->additional_gids;
    if (setgroups(p->n_additional_gids, groups) < 0 && errno != EPERM)
        return berth_error_new(err, errno, "setgroups");
    if (setresgid(p->gid, p->gid, p->gid) < 0)
        return berth_error_new(err, errno, "setresgid %u", p->gid);
    if (setresuid(p->uid, p->uid, p->uid) < 0)
        return berth_error_new(err, errno, "setresuid %u", p->uid);
    return 0;
}

int berth_process_apply(const struct berth_context *ctx, const berth_process_config *p,
                        berth_error **err)
{
    if (apply_rlimits(p, err) < 0)
        return -1;
    if (p->has_umask)
        umask((mode_t)p->umask);
    if (p->caps.present && berth_caps_drop_bounding(p->caps.bounding, err) < 0)
        return -1;
    /* Keep the permitted set across setuid: the configured sets are applied
     * right after, from a known state. */
    if (p->caps.present && p->uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return berth_error_new(err, errno, "prctl PR_SET_KEEPCAPS");
    if (switch_user(p, err) < 0)
        return -1;
    if (p->caps.present && berth_caps_set(&p->caps, err) < 0)
        return -1;
    if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return berth_error_new(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
    return 0;
}

static const char *env_path(char *const *env)
{
    for (char *const *e = env; e != NULL && *e != NULL; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            return *e + 5;
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

static int is_executable_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -errno;
    if (!S_ISREG(st.st_mode))
        return -EACCES;
    return access(path, X_OK) < 0 ? -errno : 0;
}

int berth_process_find_executable(const berth_process_config *p, char **ret, berth_error **err)
{
    const char *name = p->args[0];
    if (strchr(name, '/') != NULL) {
        int r = is_executable_file(name);
        if (r < 0)
            return berth_error_new_status(err, 255, -r, "exec \"%s\": stat `%s`", name, name);
        *ret = strdup(name);
        return *ret != NULL ? 0 : berth_error_new(err, ENOMEM, "exec \"%s\"", name);
    }
    _cleanup_free_ char *path = strdup(env_path(p->env));
    if (path == NULL)
        return berth_error_new(err, ENOMEM, "exec \"%s\"", name);
    for (char *save, *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *candidate;
        if (asprintf(&candidate, "%s/%s", *dir ? dir : ".", name) < 0)
            return berth_error_new(err, ENOMEM, "exec \"%s\"", name);
        if (is_executable_file(candidate) == 0) {
            *ret = candidate;
            return 0;
        }
        free(candidate);
    }
    return berth_error_new_status(err, 255, 0, "exec \"%s\": executable file not found in $PATH",
                                  name);
}
