/* The cgroup v2 manager: one directory per container under /sys/fs/cgroup,
 * controllers enabled down the path, limits written before the init is
 * cloned straight into it (CLONE_INTO_CGROUP: no cgroup.procs write). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "../runtime/fileutil.h"
#include "manager.h"
#include "resources.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* linux.cgroupsPath, or /berth/<id>. Relative paths sit under /berth too. */
static int cgroup_path(const berth_config *c, const char *id, char **ret, berth_error **err)
{
    const char *p = c->cgroups_path;
    int n;
    if (p == NULL || *p == '\0')
        n = asprintf(ret, CGROUP_ROOT "/berth/%s", id);
    else if (*p == '/')
        n = asprintf(ret, CGROUP_ROOT "%s", p);
    else
        n = asprintf(ret, CGROUP_ROOT "/berth/%s", p);
    if (n < 0)
        return berth_error_new(err, ENOMEM, "cgroup path");
    if (strstr(*ret, "/../") != NULL || strstr(*ret, "/..") == *ret + strlen(*ret) - 3)
        return berth_error_new(err, 0, "linux.cgroupsPath: must not contain \"..\"");
    return 0;
}

/* Writes "+ctrl" for every controller the parent offers into its
 * subtree_control, so that the child directory gets them. */
static int enable_controllers(const char *dir, berth_error **err)
{
    _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", dir);
    _cleanup_free_ char *avail = NULL;
    size_t len;
    if (berth_read_file_at(fd, "cgroup.controllers", &avail, &len, err) < 0)
        return berth_error_wrap(err, "cgroup `%s`", dir);
    char buf[512] = "";
    size_t used = 0;
    for (char *save, *tok = strtok_r(avail, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "+%s ", tok);
    if (used == 0)
        return 0;
    _cleanup_close_ int wfd = openat(fd, "cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
    if (wfd < 0 || write(wfd, buf, used) < 0)
        return berth_error_new(err, errno, "write `%s/cgroup.subtree_control`", dir);
    return 0;
}

/* mkdir -p, enabling controllers in each ancestor on the way down. */
static int make_path(const char *path, berth_error **err)
{
    _cleanup_free_ char *copy = strdup(path);
    if (copy == NULL)
        return berth_error_new(err, ENOMEM, "cgroup `%s`", path);
    for (char *p = copy + strlen(CGROUP_ROOT); p != NULL && *p == '/';) {
        *p = '\0';
        int r = enable_controllers(*copy ? copy : "/", err);
        *p = '/';
        if (r < 0)
            return r;
        char *next = strchr(p + 1, '/');
        if (next != NULL)
            *next = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            return berth_error_new(err, errno, "mkdir `%s`", copy);
        if (next != NULL)
            *next = '/';
        p = next;
    }
    return 0;
}

static int v2_create(const struct berth_context *ctx, const berth_config *c, const char *id,
                     struct berth_cgroup *ret, berth_error **err)
{
    _cleanup_free_ char *path = NULL;
    if (cgroup_path(c, id, &path, err) < 0 || make_path(path, err) < 0)
        return -1;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        rmdir(path);
        return berth_error_new(err, saved, "open `%s`", path);
    }
    if (berth_cgroup_v2_apply_resources(
            fd, berth_json_get(berth_json_get(c->json, "linux"), "resources"), err) < 0) {
        rmdir(path);
        return berth_error_wrap(err, "cgroup `%s`", path);
    }
    ret->path = TAKE_PTR(path);
    ret->dirfd = TAKE_FD(fd);
    return 0;
}

static int v2_destroy(const struct berth_context *ctx, const char *path, berth_error **err)
{
    /* The last process may still be leaving: rmdir says EBUSY until the
     * kernel has dropped it, which takes a moment after it is reaped. */
    for (int tries = 0; tries < 200; tries++) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return berth_error_new(err, errno, "rmdir `%s`", path);
}

static int v2_freeze(const char *path, bool frozen, berth_error **err)
{
    char file[PATH_MAX];
    snprintf(file, sizeof(file), "%s/cgroup.freeze", path);
    _cleanup_close_ int fd = open(file, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, frozen ? "1" : "0", 1) < 0)
        return berth_error_new(err, errno, "write `%s`", file);
    return 0;
}

static int v2_procs(const char *path, pid_t **ret, size_t *ret_n, berth_error **err)
{
    char file[PATH_MAX];
    snprintf(file, sizeof(file), "%s/cgroup.procs", path);
    _cleanup_free_ char *buf = NULL;
    size_t len, n = 0;
    if (berth_read_file_at(AT_FDCWD, file, &buf, &len, err) < 0)
        return -1;
    pid_t *pids = malloc((len / 2 + 1) * sizeof(pid_t));
    if (pids == NULL)
        return berth_error_new(err, ENOMEM, "read `%s`", file);
    for (char *save, *tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
        pids[n++] = (pid_t)atoi(tok);
    *ret = pids;
    *ret_n = n;
    return 0;
}

const struct berth_cgroup_manager berth_cgroup_v2 = {
    .name = "cgroup2",
    .create = v2_create,
    .destroy = v2_destroy,
    .freeze = v2_freeze,
    .procs = v2_procs,
};
