#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "../runtime/fileutil.h"

int64_t berth_cgroup_keyed_value(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = text; p != NULL && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == ' ')
            return strtoll(p + klen + 1, NULL, 10);
    }
    return -1;
}

/* A single-number file; "max" reads as 0 (unlimited), absent as -1. */
static int64_t read_number(int dirfd, const char *file)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    berth_error *err = NULL;
    if (berth_read_file_at(dirfd, file, &buf, &len, &err) < 0) {
        berth_error_free(&err);
        return -1;
    }
    return strncmp(buf, "max", 3) == 0 ? 0 : strtoll(buf, NULL, 10);
}

static char *read_text(int dirfd, const char *file)
{
    char *buf = NULL;
    size_t len;
    berth_error *err = NULL;
    if (berth_read_file_at(dirfd, file, &buf, &len, &err) < 0)
        berth_error_free(&err);
    return buf;
}

static void gen_keyed(berth_json_gen *g, const char *text, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int64_t v = text != NULL ? berth_cgroup_keyed_value(text, keys[i]) : -1;
        berth_json_gen_kv_int(g, keys[i], v < 0 ? 0 : v);
    }
}

static void gen_cpu(berth_json_gen *g, int dirfd)
{
    static const char *const keys[] = {"usage_usec", "user_usec",    "system_usec",
                                       "nr_periods", "nr_throttled", "throttled_usec"};
    _cleanup_free_ char *stat = read_text(dirfd, "cpu.stat");
    berth_json_gen_string(g, "cpu");
    berth_json_gen_map_open(g);
    gen_keyed(g, stat, keys, sizeof(keys) / sizeof(keys[0]));
    berth_json_gen_map_close(g);
}

static void gen_memory(berth_json_gen *g, int dirfd)
{
    static const char *const keys[] = {"anon", "file", "kernel", "sock", "shmem"};
    static const char *const events[] = {"low", "high", "max", "oom", "oom_kill"};
    _cleanup_free_ char *stat = read_text(dirfd, "memory.stat");
    _cleanup_free_ char *ev = read_text(dirfd, "memory.events");
    berth_json_gen_string(g, "memory");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_int(g, "usage", read_number(dirfd, "memory.current"));
    berth_json_gen_kv_int(g, "limit", read_number(dirfd, "memory.max"));
    berth_json_gen_kv_int(g, "swap_usage", read_number(dirfd, "memory.swap.current"));
    berth_json_gen_string(g, "stats");
    berth_json_gen_map_open(g);
    gen_keyed(g, stat, keys, sizeof(keys) / sizeof(keys[0]));
    berth_json_gen_map_close(g);
    berth_json_gen_string(g, "events");
    berth_json_gen_map_open(g);
    gen_keyed(g, ev, events, sizeof(events) / sizeof(events[0]));
    berth_json_gen_map_close(g);
    berth_json_gen_map_close(g);
}

int berth_cgroup_stats_json(const char *path, berth_json_gen *g, berth_error **err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    berth_json_gen_map_open(g);
    gen_cpu(g, fd);
    gen_memory(g, fd);
    berth_json_gen_string(g, "pids");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_int(g, "current", read_number(fd, "pids.current"));
    berth_json_gen_kv_int(g, "limit", read_number(fd, "pids.max"));
    berth_json_gen_map_close(g);
    berth_json_gen_map_close(g);
    return 0;
}
