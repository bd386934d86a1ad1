#include "security.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "../namespaces/idmap.h"
#include "../oci/state.h"
#include "cleanup.h"
#include "hooks.h"
#include "init.h"
#include "sync.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Unknown names are warned about and ignored, as runc does (a profile may
 * be newer than the kernel). Inheritable stays exactly what the config says
 * (CVE-2022-29162): caps.c capsets the configured sets, nothing more. */
static void warn_caps(const struct berth_context *ctx, const berth_config *c)
{
    const berth_caps_config *k = &c->process.caps;
    for (char **u = k->unknown; u != NULL && *u != NULL; u++)
        berth_log(ctx, BERTH_LOG_WARN, "process.capabilities: unknown capability \"%s\" ignored",
                  *u);
}

static int check_userns(const berth_config *c, berth_error **err)
{
    if (berth_idmap_check(c->uid_mappings, c->n_uid_mappings, "linux.uidMappings", err) < 0 ||
        berth_idmap_check(c->gid_mappings, c->n_gid_mappings, "linux.gidMappings", err) < 0)
        return -1;
    return 0;
}

int berth_security_prepare(const struct berth_context *ctx, const berth_config *c, const char *id,
                           struct berth_security *ret, berth_error **err)
{
    memset(ret, 0, sizeof(*ret));
    ret->id = id;
    const berth_ns_config *user = &c->ns[BERTH_NS_USER];
    ret->write_maps =
        user->present && user->path == NULL && (c->n_uid_mappings > 0 || c->n_gid_mappings > 0);
    warn_caps(ctx, c);
    ret->child_hooks = c->hooks_prestart.len > 0 || c->hooks_create_runtime.len > 0 ||
                       c->hooks_create_container.len > 0 || c->hooks_start_container.len > 0;
    if (check_userns(c, err) < 0 || berth_linux_attrs_parse(c, &ret->attrs, err) < 0)
        return -1;
    if (berth_seccomp_prepare(ctx, c, &ret->seccomp, err) < 0) {
        berth_linux_attrs_free(&ret->attrs);
        return -1;
    }
    if (berth_idmap_mounts_prepare(ctx, c, &ret->mount_trees, err) < 0) {
        berth_security_release(ret);
        return -1;
    }
    return 0;
}

void berth_security_release(struct berth_security *s)
{
    berth_seccomp_prog_free(&s->seccomp);
    berth_linux_attrs_free(&s->attrs);
    berth_idmap_mounts_close(&s->mount_trees);
    free(s->state_json);
    s->state_json = NULL;
}

uint64_t berth_security_clone_flags_drop(const struct berth_security *s)
{
    return s->attrs.has_time_offsets ? CLONE_NEWTIME : 0;
}

/* The state the hooks and the seccomp agent see while the container is
 * being created. */
static int creating_state(const struct berth_security *s, const berth_config *c, pid_t pid,
                          char **ret, berth_error **err)
{
    char created[64];
    if (berth_rfc3339_now(created, sizeof(created), err) < 0)
        return -1;
    berth_state st = {.oci_version = c->oci_version,
                      .id = (char *)s->id,
                      .bundle = c->bundle,
                      .rootfs = c->root_path,
                      .created = created,
                      .pid = pid,
                      .owner = "",
                      .annotations = (berth_json *)c->annotations};
    return berth_state_to_json(&st, "creating", false, ret, err);
}

static int parent_hooks(struct berth_security *s, const berth_config *c, pid_t pid, int pidfd,
                        int sock, berth_error **err)
{
    _cleanup_free_ char *state = NULL;
    if (berth_sync_wait(sock, pidfd, BERTH_SYNC_HOOKS, err) < 0 ||
        creating_state(s, c, pid, &state, err) < 0 ||
        berth_hooks_run(&c->hooks_prestart, "prestart", state, err) < 0 ||
        berth_hooks_run(&c->hooks_create_runtime, "createRuntime", state, err) < 0)
        return -1;
    return berth_sync_send_blob(sock, BERTH_SYNC_HOOKS_DONE, state, strlen(state), err);
}

int berth_security_parent(const struct berth_context *ctx, struct berth_security *s,
                          const berth_config *c, pid_t pid, int pidfd, int sock, berth_error **err)
{
    /* The child has its copies of the idmapped trees. */
    berth_idmap_mounts_close(&s->mount_trees);
    if (s->write_maps && (berth_idmap_write(pid, c, err) < 0 ||
                          berth_sync_send(sock, BERTH_SYNC_MAPS_DONE, err) < 0))
        return -1;
    if (s->child_hooks && parent_hooks(s, c, pid, pidfd, sock, err) < 0)
        return -1;
    return 0;
}

int berth_security_parent_listener(struct berth_security *s, const berth_config *c, pid_t pid,
                                   int pidfd, int sock, berth_error **err)
{
    if (!s->seccomp.notify)
        return 0;
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *state = NULL;
    if (berth_sync_wait_fd(sock, pidfd, BERTH_SYNC_SECCOMP_FD, &fd, err) < 0 ||
        creating_state(s, c, pid, &state, err) < 0)
        return -1;
    return berth_seccomp_send_listener(&s->seccomp, state, fd, err);
}

/* --- the child's side ----------------------------------------------------- */

/* CVE-2019-5736: until its execve, the init is the berth binary. Where
 * processes of the container (or of others) share its pid namespace, they
 * could open /proc/<init>/exe and, once berth is gone, reopen it for
 * writing. A non-dumpable process's /proc/<pid>/exe needs CAP_SYS_PTRACE
 * over it; execve of the container binary makes the process dumpable again.
 * One prctl, only where the pid namespace is shared; not with a new user
 * namespace, where /proc/self would then belong to the host's root and the
 * init could no longer write its own oom_score_adj (and the container's
 * root is not the host's anyway). */
static int guard_exe(const berth_config *c, berth_error **err)
{
    const berth_ns_config *pid = &c->ns[BERTH_NS_PID];
    const berth_ns_config *user = &c->ns[BERTH_NS_USER];
    if ((pid->present && pid->path == NULL) || (user->present && user->path == NULL))
        return 0;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return berth_error_new(err, errno, "prctl PR_SET_DUMPABLE 0");
    return 0;
}

int berth_security_child_begin(const struct berth_init_args *a, berth_error **err)
{
    if (guard_exe(a->config, err) < 0)
        return -1;
    if (a->sec == NULL || !a->sec->write_maps)
        return 0;
    if (berth_sync_wait(a->sock, -1, BERTH_SYNC_MAPS_DONE, err) < 0)
        return -1;
    /* Born with the host's ids, unmapped in here: become the namespace's
     * root so that what the setup creates has an owner. */
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return berth_error_new(err, errno,
                               "setresuid 0 in the user namespace "
                               "(linux.uidMappings/gidMappings must map id 0)");
    return 0;
}

int berth_security_child_ns(const struct berth_init_args *a, berth_error **err)
{
    return a->sec != NULL ? berth_linux_attrs_apply_ns(&a->sec->attrs, err) : 0;
}

int berth_security_child_before_pivot(void *init_args, berth_error **err)
{
    const struct berth_init_args *a = init_args;
    struct berth_security *s = a->sec;
    if (berth_sync_send(a->sock, BERTH_SYNC_HOOKS, err) < 0 ||
        berth_sync_wait_blob(a->sock, -1, BERTH_SYNC_HOOKS_DONE, &s->state_json, err) < 0)
        return -1;
    return berth_hooks_run(&a->config->hooks_create_container, "createContainer", s->state_json,
                           err);
}

int berth_security_child_process(const struct berth_init_args *a, berth_error **err)
{
    struct berth_security *s = a->sec;
    if (s == NULL)
        return 0;
    if (berth_linux_attrs_apply_process(&s->attrs, err) < 0)
        return -1;
    if (!s->seccomp.early)
        return 0;
    int fd = berth_seccomp_install(&s->seccomp, err);
    if (fd <= 0)
        return fd;
    int r = berth_sync_send_fd(a->sock, BERTH_SYNC_SECCOMP_FD, fd, err);
    close(fd);
    return r;
}

int berth_security_child_exec(const struct berth_init_args *a, berth_error **err)
{
    struct berth_security *s = a->sec;
    if (s == NULL)
        return 0;
    if (s->state_json != NULL && berth_hooks_run(&a->config->hooks_start_container,
                                                 "startContainer", s->state_json, err) < 0)
        return -1;
    if (berth_linux_attrs_apply_exec(&s->attrs, err) < 0)
        return -1;
    return s->seccomp.early ? 0 : berth_seccomp_install(&s->seccomp, err);
}
