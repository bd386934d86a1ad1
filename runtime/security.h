/* Process isolation around the container init, prepared in the parent
 * before the clone and carried out on both sides of the sync protocol:
 * user namespace maps, hooks up to startContainer, seccomp, and the
 * attributes of linux_attrs.h. Each step costs nothing (no syscall, no
 * message) when the config does not ask for it. */
#ifndef BERTH_SECURITY_H
#define BERTH_SECURITY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../namespaces/idmap_mount.h"
#include "../oci/config.h"
#include "context.h"
#include "error.h"
#include "linux_attrs.h"
#include "seccomp.h"

struct berth_init_args;

struct berth_security {
    struct berth_seccomp_prog seccomp;
    struct berth_linux_attrs attrs;
    bool write_maps;  /* new user namespace with mappings: MAPS_DONE */
    bool child_hooks; /* prestart..startContainer: HOOKS / HOOKS_DONE */
    /* The idmapped mounts' trees, made by the parent (idmap_mount.h). */
    struct berth_idmap_mounts mount_trees;
    const char *id;   /* borrowed */
    char *state_json; /* child: the state from HOOKS_DONE */
};

/* Parent, before the clone: validates and compiles everything. */
int berth_security_prepare(const struct berth_context *ctx, const berth_config *c, const char *id,
                           struct berth_security *ret, berth_error **err);
void berth_security_release(struct berth_security *s);

/* The clone flags to leave out (the init unshares them itself). */
uint64_t berth_security_clone_flags_drop(const struct berth_security *s);

/* Parent, right after clone3 and before waiting for READY. */
int berth_security_parent(const struct berth_context *ctx, struct berth_security *s,
                          const berth_config *c, pid_t pid, int pidfd, int sock, berth_error **err);

/* Parent, after the console hand-off: SCMP_ACT_NOTIFY's listener fd. */
int berth_security_parent_listener(struct berth_security *s, const berth_config *c, pid_t pid,
                                   int pidfd, int sock, berth_error **err);

/* Child steps, in order (runtime/init.c). */
int berth_security_child_begin(const struct berth_init_args *a, berth_error **err);
int berth_security_child_ns(const struct berth_init_args *a, berth_error **err);
int berth_security_child_before_pivot(void *init_args, berth_error **err);
int berth_security_child_process(const struct berth_init_args *a, berth_error **err);
int berth_security_child_exec(const struct berth_init_args *a, berth_error **err);

#endif
