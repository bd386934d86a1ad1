#ifndef BERTH_PROCFS_H
#define BERTH_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct berth_proc_stat {
    char state;          /* R S D Z T ... */
    uint64_t start_time; /* field 22, clock ticks since boot */
};

/* Parses the text of /proc/<pid>/stat. Pure, for tests. */
int berth_proc_stat_parse(const char *buf, struct berth_proc_stat *ret, berth_error **err);

/* Reads /proc/<pid>/stat; -ESRCH (with *err set) when the process is gone. */
int berth_proc_stat_read(pid_t pid, struct berth_proc_stat *ret, berth_error **err);

/* True when pid exists, is not a zombie, and started at start_time: the
 * check that keeps a reused PID from being reported or signalled. */
int berth_proc_is_alive(pid_t pid, uint64_t start_time);

#endif
