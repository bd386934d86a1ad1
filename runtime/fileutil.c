#include "fileutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

int berth_read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len, berth_error **err)
{
    _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    size_t cap = 8192, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL)
            return berth_error_new(err, ENOMEM, "read `%s`", path);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return berth_error_new(err, errno, "read `%s`", path);
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL)
                return berth_error_new(err, ENOMEM, "read `%s`", path);
            buf = grown;
        }
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}

int berth_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int berth_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                               mode_t mode, berth_error **err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= (int)sizeof(tmp))
        return berth_error_new(err, ENAMETOOLONG, "write `%s`", name);
    _cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", tmp);
    if (berth_write_all(fd, data, len) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return berth_error_new(err, saved, "write `%s`", tmp);
    }
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        int saved = errno;
        unlinkat(dirfd, tmp, 0);
        return berth_error_new(err, saved, "rename `%s` to `%s`", tmp, name);
    }
    return 0;
}

int berth_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                            berth_error **err)
{
    _cleanup_free_ char *copy = strdup(path);
    if (copy == NULL)
        return berth_error_new(err, ENOMEM, "write `%s`", path);
    const char *dir = dirname(copy);
    _cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return berth_error_new(err, errno, "open `%s`", dir);
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    if (berth_write_file_atomic_at(dirfd, base, data, len, mode, err) < 0)
        return berth_error_wrap(err, "write `%s`", path);
    return 0;
}

int berth_remove_dir_contents_at(int dirfd, berth_error **err)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open directory");
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int saved = errno;
        close(fd);
        return berth_error_new(err, saved, "fdopendir");
    }
    struct dirent *de;
    int r = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd, de->d_name, de->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0 &&
            errno != ENOENT && r == 0)
            r = berth_error_new(err, errno, "unlink `%s`", de->d_name);
    }
    closedir(d);
    return r;
}

int berth_write_pid_file(const char *path, pid_t pid, berth_error **err)
{
    if (path == NULL)
        return 0;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    return berth_write_file_atomic(path, buf, (size_t)n, 0644, err);
}
