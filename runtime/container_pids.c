#include "container_pids.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cgroups/manager.h"

static int pid_ns_inode(pid_t pid, ino_t *ret)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
    if (stat(path, &st) < 0)
        return -errno;
    *ret = st.st_ino;
    return 0;
}

static int append(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        pid_t *nv = reallocarray(*v, ncap, sizeof(pid_t));
        if (nv == NULL)
            return -1;
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = pid;
    return 0;
}

/* Every process whose pid namespace is `want` (a scan of /proc). */
static int scan_pid_ns(ino_t want, pid_t **ret, size_t *ret_n, berth_error **err)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return berth_error_new(err, errno, "opendir `/proc`");
    pid_t *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        ino_t ino;
        if (pid <= 0 || *end != '\0' || pid_ns_inode((pid_t)pid, &ino) < 0 || ino != want)
            continue;
        if (append(&v, &n, &cap, (pid_t)pid) < 0) {
            closedir(d);
            free(v);
            return berth_error_new(err, ENOMEM, "scan `/proc`");
        }
    }
    closedir(d);
    *ret = v;
    *ret_n = n;
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

static int from_pid_ns(const struct berth_container *c, pid_t **ret, size_t *ret_n,
                       berth_error **err)
{
    pid_t init = c->state->pid;
    ino_t want, self;
    int r = pid_ns_inode(init, &want);
    if (r < 0)
        return berth_error_new(err, -r, "stat `/proc/%d/ns/pid`", (int)init);
    if (pid_ns_inode(getpid(), &self) == 0 && self != want)
        return scan_pid_ns(want, ret, ret_n, err);
    /* The host's own pid namespace: nothing tells the container's apart. */
    if ((*ret = malloc(sizeof(pid_t))) == NULL)
        return berth_error_new(err, ENOMEM, "container pids");
    (*ret)[0] = init;
    *ret_n = 1;
    return 0;
}

int berth_container_pids(const struct berth_context *ctx, const struct berth_container *c,
                         pid_t **ret, size_t *ret_n, berth_error **err)
{
    const struct berth_cgroup_manager *cgm = berth_cgroup_manager_pick(ctx);
    int r;
    if (c->state->cgroup_path != NULL && cgm->procs != NULL)
        r = cgm->procs(c->state->cgroup_path, ret, ret_n, err);
    else
        r = from_pid_ns(c, ret, ret_n, err);
    if (r < 0)
        return r;
    qsort(*ret, *ret_n, sizeof(pid_t), cmp_pid);
    return 0;
}
