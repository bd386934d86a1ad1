#ifndef BERTH_FILEUTIL_H
#define BERTH_FILEUTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Reads a whole file relative to dirfd (AT_FDCWD for paths) into a
 * NUL-terminated malloc'd buffer. */
int berth_read_file_at(int dirfd, const char *path, char **ret, size_t *ret_len, berth_error **err);

/* Writes <name>.tmp then renames it over <name>: readers see the old or the
 * new content, never a torn one. */
int berth_write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len,
                               mode_t mode, berth_error **err);

/* Same, for a path (e.g. --pid-file): the temp file sits beside it. */
int berth_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                            berth_error **err);

/* --pid-file: pid in decimal, written atomically; nothing when path is NULL. */
int berth_write_pid_file(const char *path, pid_t pid, berth_error **err);

/* Writes all of data to fd, retrying short writes and EINTR. */
int berth_write_all(int fd, const void *data, size_t len);

/* Unlinks every entry of a directory (one level: container dirs are flat). */
int berth_remove_dir_contents_at(int dirfd, berth_error **err);

#endif
