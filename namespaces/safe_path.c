/* Path resolution confined to the rootfs; see safe_path.h for why. */
#include "safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/cleanup.h"

/* Lexical cleaning, as Go's filepath.Clean on an absolute path: "" and "."
 * vanish, ".." drops the previous component and stops at the root. The
 * result has no leading or trailing '/'; "" means the root itself. Doing
 * this before any syscall means a ".." in the configured path never reaches
 * mkdirat. */
static char *clean_path(const char *path)
{
    size_t n = strlen(path);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t len = 0;
    for (const char *p = path; *p != '\0';) {
        while (*p == '/')
            p++;
        size_t clen = strcspn(p, "/");
        if (clen == 0 || (clen == 1 && p[0] == '.')) {
            /* nothing */
        } else if (clen == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
        } else {
            if (len > 0)
                out[len++] = '/';
            memcpy(out + len, p, clen);
            len += clen;
        }
        p += clen;
    }
    out[len] = '\0';
    return out;
}

/* RESOLVE_NO_MAGICLINKS: a /proc/<pid>/fd/<n> link inside the rootfs (a
 * mounted procfs) must not teleport the lookup out of it. */
static int open_in_root(const struct berth_sysops *ops, int rootfd, const char *rel)
{
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return ops->openat2(rootfd, rel[0] != '\0' ? rel : ".", &how, sizeof(how));
}

/* Finds the deepest existing ancestor of rel, walking up from its parent (the
 * common case is one missing component, so this usually costs one call).
 * Returns its fd, or rootfd itself, and sets *ret_end to its length in rel. */
static int open_ancestor(const struct berth_sysops *ops, int rootfd, char *rel, size_t *ret_end,
                         berth_error **err)
{
    size_t end = strlen(rel);
    for (;;) {
        char *slash = memrchr(rel, '/', end);
        if (slash == NULL) {
            *ret_end = 0;
            return rootfd;
        }
        end = (size_t)(slash - rel);
        *slash = '\0';
        int fd = open_in_root(ops, rootfd, rel);
        int saved = errno;
        if (fd < 0 && saved != ENOENT)
            berth_error_new(err, saved, "openat2 `%s` in rootfs", rel);
        *slash = '/';
        if (fd >= 0 || saved != ENOENT) {
            *ret_end = end;
            return fd;
        }
    }
}

/* Creates the components of rel after its first `end` bytes, one at a time
 * under `parent`, re-opening each new directory through RESOLVE_IN_ROOT.
 * mkdirat/openat get a single name, so they never walk a symlink; a
 * directory that appeared meanwhile is fine. For the last component of a
 * file, O_EXCL|O_NOFOLLOW means a symlink planted there is never followed. */
static int create_rest(const struct berth_sysops *ops, int rootfd, int parent, char *rel,
                       size_t end, bool file, berth_error **err)
{
    int owned = parent != rootfd ? parent : -1;
    size_t len = strlen(rel), start = end > 0 ? end + 1 : 0;
    int fd = -1;
    while (start < len) {
        size_t stop = start + strcspn(rel + start, "/");
        bool last = stop == len;
        rel[stop] = '\0';
        if (last && file) {
            fd = ops->openat(parent, rel + start,
                             O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            if (fd < 0)
                berth_error_new(err, errno, "openat `%s` (O_CREAT) in rootfs", rel);
        } else if (ops->mkdirat(parent, rel + start, 0755) < 0 && errno != EEXIST) {
            berth_error_new(err, errno, "mkdirat `%s` in rootfs", rel);
        } else if ((fd = open_in_root(ops, rootfd, rel)) < 0) {
            berth_error_new(err, errno, "openat2 `%s` in rootfs (dangling symlink?)", rel);
        }
        if (!last)
            rel[stop] = '/';
        berth_sysops_closep(ops, &owned);
        if (fd < 0)
            return berth_error_code(*err);
        parent = owned = TAKE_FD(fd);
        start = stop + 1;
    }
    return owned;
}

int berth_safe_open_at(const struct berth_sysops *ops, int rootfd, const char *path,
                       enum berth_safe_create create, berth_error **err)
{
    _cleanup_free_ char *rel = clean_path(path);
    if (rel == NULL)
        return berth_error_new(err, ENOMEM, "resolve `%s` in rootfs", path);
    int fd = open_in_root(ops, rootfd, rel);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT || create == BERTH_SAFE_LOOKUP)
        return berth_error_new(err, errno, "openat2 `%s` in rootfs", rel);
    size_t end;
    int parent = open_ancestor(ops, rootfd, rel, &end, err);
    if (parent < 0)
        return berth_error_code(*err);
    return create_rest(ops, rootfd, parent, rel, end, create == BERTH_SAFE_MKFILE, err);
}

const char *berth_fd_path(char buf[BERTH_FD_PATH_LEN], int fd)
{
    snprintf(buf, BERTH_FD_PATH_LEN, "/proc/self/fd/%d", fd);
    return buf;
}
