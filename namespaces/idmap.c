#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "clone.h"

static bool overlaps(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
    return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

int berth_idmap_check(const berth_id_mapping *m, size_t n, const char *what, berth_error **err)
{
    if (n > BERTH_IDMAP_MAX)
        return berth_error_new(err, 0, "%s: %zu ranges, the kernel takes at most %d", what, n,
                               BERTH_IDMAP_MAX);
    for (size_t i = 0; i < n; i++) {
        if (m[i].size == 0 || (uint64_t)m[i].container_id + m[i].size > (1ULL << 32) - 1 ||
            (uint64_t)m[i].host_id + m[i].size > (1ULL << 32) - 1)
            return berth_error_new(err, 0,
                                   "%s[%zu]: range %u+%u (host %u) is empty or past "
                                   "the last id 4294967294",
                                   what, i, m[i].container_id, m[i].size, m[i].host_id);
        for (size_t j = 0; j < i; j++) {
            if (overlaps(m[i].container_id, m[j].container_id, m[i].size, m[j].size))
                return berth_error_new(err, 0, "%s[%zu]: containerID range overlaps %s[%zu]", what,
                                       i, what, j);
            if (overlaps(m[i].host_id, m[j].host_id, m[i].size, m[j].size))
                return berth_error_new(err, 0, "%s[%zu]: hostID range overlaps %s[%zu]", what, i,
                                       what, j);
        }
    }
    return 0;
}

int berth_idmap_format(const berth_id_mapping *m, size_t n, char **ret, berth_error **err)
{
    size_t cap = n * 36 + 1, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return berth_error_new(err, ENOMEM, "id map");
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%u %u %u\n", m[i].container_id, m[i].host_id,
                                m[i].size);
    *ret = buf;
    return 0;
}

static int write_map(pid_t pid, const char *file, const berth_id_mapping *m, size_t n,
                     berth_error **err)
{
    if (n == 0)
        return 0;
    _cleanup_free_ char *text = NULL;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if (berth_idmap_format(m, n, &text, err) < 0)
        return -1;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        return berth_error_new(err, errno, "write `%s` (%s)", path,
                               file[0] == 'u' ? "linux.uidMappings" : "linux.gidMappings");
    return 0;
}

/* Without CAP_SETGID in the parent namespace, the kernel takes a gid_map
 * only after setgroups is denied (user_namespaces(7)). */
static int deny_setgroups(pid_t pid, berth_error **err)
{
    if (geteuid() == 0)
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "deny", 4) != 4)
        return berth_error_new(err, errno, "write `%s`", path);
    return 0;
}

int berth_idmap_write(pid_t pid, const berth_config *c, berth_error **err)
{
    if (write_map(pid, "uid_map", c->uid_mappings, c->n_uid_mappings, err) < 0 ||
        (c->n_gid_mappings > 0 && deny_setgroups(pid, err) < 0) ||
        write_map(pid, "gid_map", c->gid_mappings, c->n_gid_mappings, err) < 0)
        return -1;
    return 0;
}

int berth_idmap_userns_fd(const berth_id_mapping *uid, size_t n_uid, const berth_id_mapping *gid,
                          size_t n_gid, berth_error **err)
{
    /* Born in its user namespace (clone3), so the maps can be written at
     * once; it only has to exist until the namespace fd is open. */
    _cleanup_close_ int pidfd = -1;
    pid_t pid = berth_clone3(CLONE_NEWUSER, -1, &pidfd, err);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        for (;;)
            pause();
    }
    berth_config c = {.uid_mappings = (berth_id_mapping *)uid,
                      .n_uid_mappings = n_uid,
                      .gid_mappings = (berth_id_mapping *)gid,
                      .n_gid_mappings = n_gid};
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
    int fd = -1;
    int r = berth_idmap_write(pid, &c, err);
    if (r == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        r = berth_error_new(err, errno, "open `%s`", path);
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return r < 0 ? -1 : fd;
}
