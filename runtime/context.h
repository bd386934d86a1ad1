/* The context every library call takes: no globals, so the library can be
 * driven many times in one process (tests and the benchmark harness do). */
#ifndef BERTH_CONTEXT_H
#define BERTH_CONTEXT_H

#include <stdbool.h>

#include "../namespaces/sysops.h"

enum berth_log_level { BERTH_LOG_ERROR, BERTH_LOG_WARN, BERTH_LOG_INFO, BERTH_LOG_DEBUG };

/* The library never prints: warnings and debug lines go through this. */
typedef void (*berth_log_fn)(void *data, enum berth_log_level level, const char *msg);

struct berth_context {
    const char *state_root;         /* --root, default /run/berth */
    const struct berth_sysops *ops; /* &berth_sysops_linux outside tests */
    bool debug;
    bool systemd_cgroup;
    bool rootless;
    berth_log_fn log; /* may be NULL: messages are dropped */
    void *log_data;
};

void berth_log(const struct berth_context *ctx, enum berth_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
