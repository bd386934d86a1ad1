#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

int berth_proc_stat_parse(const char *buf, struct berth_proc_stat *ret, berth_error **err)
{
    /* comm (field 2) may hold spaces and parentheses: start after the last ')'. */
    const char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ' || p[2] == '\0')
        return berth_error_new(err, 0, "malformed /proc/<pid>/stat");
    ret->state = p[2];
    p += 2;
    /* p is at field 3; field 22 is 19 spaces further. */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return berth_error_new(err, 0, "malformed /proc/<pid>/stat: too few fields");
        p++;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno != 0 || end == p)
        return berth_error_new(err, 0, "malformed /proc/<pid>/stat: bad start time");
    ret->start_time = v;
    return 0;
}

int berth_proc_stat_read(pid_t pid, struct berth_proc_stat *ret, berth_error **err)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno == ENOENT ? ESRCH : errno, "open `%s`", path);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n < 0)
        return berth_error_new(err, errno, "read `%s`", path);
    buf[n] = '\0';
    return berth_proc_stat_parse(buf, ret, err);
}

int berth_proc_is_alive(pid_t pid, uint64_t start_time)
{
    struct berth_proc_stat st;
    berth_error *err = NULL;
    if (pid <= 0 || berth_proc_stat_read(pid, &st, &err) < 0) {
        berth_error_free(&err);
        return 0;
    }
    return st.state != 'Z' && st.state != 'X' && st.start_time == start_time;
}
