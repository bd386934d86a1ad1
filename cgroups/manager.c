#include "manager.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "../runtime/fileutil.h"

const struct berth_cgroup_manager berth_cgroup_noop = {.name = "none"};

const struct berth_cgroup_manager *berth_cgroup_manager_pick(const struct berth_context *ctx)
{
    struct statfs sfs;
    if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
        return &berth_cgroup_v2;
    berth_log(ctx, BERTH_LOG_DEBUG, "/sys/fs/cgroup is not cgroup2: cgroups are not managed");
    return &berth_cgroup_noop;
}

void berth_cgroup_release(struct berth_cgroup *cg)
{
    free(cg->path);
    cg->path = NULL;
    if (cg->dirfd >= 0)
        close(cg->dirfd);
    cg->dirfd = -1;
}

bool berth_cgroup_is_frozen(const char *path)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    _cleanup_free_ char *buf = NULL;
    size_t len;
    berth_error *err = NULL;
    if (berth_read_file_at(fd, "cgroup.events", &buf, &len, &err) < 0) {
        berth_error_free(&err);
        return false;
    }
    return strstr(buf, "frozen 1") != NULL;
}
