/* The cgroup manager: a const table of function pointers chosen once per
 * command. NULL members mean "unsupported"; the no-op manager (hosts whose
 * /sys/fs/cgroup is not cgroup2, such as hybrid v1 hosts) has them all NULL
 * apart from its name. */
#ifndef BERTH_CGROUP_MANAGER_H
#define BERTH_CGROUP_MANAGER_H

#include <stdbool.h>
#include <sys/types.h>

#include "../oci/config.h"
#include "../runtime/context.h"
#include "../runtime/error.h"

struct berth_cgroup {
    char *path; /* absolute directory, e.g. /sys/fs/cgroup/berth/<id>; NULL: none */
    int dirfd;  /* O_PATH|O_DIRECTORY fd for CLONE_INTO_CGROUP, -1: none */
};

struct berth_cgroup_manager {
    const char *name;
    /* Makes the cgroup and applies linux.resources before the init exists. */
    int (*create)(const struct berth_context *ctx, const berth_config *c, const char *id,
                  struct berth_cgroup *ret, berth_error **err);
    /* Removes the cgroup (it must be empty: kill its processes first). */
    int (*destroy)(const struct berth_context *ctx, const char *path, berth_error **err);
    int (*freeze)(const char *path, bool frozen, berth_error **err);
    /* The pids in the cgroup (cgroup.procs), malloc'd. */
    int (*procs)(const char *path, pid_t **ret, size_t *ret_n, berth_error **err);
};

/* cgroup v2 when /sys/fs/cgroup is a cgroup2 mount, else the no-op one. */
const struct berth_cgroup_manager *berth_cgroup_manager_pick(const struct berth_context *ctx);

extern const struct berth_cgroup_manager berth_cgroup_noop;
extern const struct berth_cgroup_manager berth_cgroup_v2;

void berth_cgroup_release(struct berth_cgroup *cg);

/* cgroup.events says "frozen 1". False for any error. */
bool berth_cgroup_is_frozen(const char *path);

#endif
