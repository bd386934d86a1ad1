#ifndef BERTH_CGROUP_STATS_H
#define BERTH_CGROUP_STATS_H

#include <stdint.h>

#include "../oci/json.h"
#include "../runtime/error.h"

/* The `events --stats` data runc prints, read from a cgroup v2 directory:
 * cpu (usage, throttling), memory (usage, limit, stat), pids. */
int berth_cgroup_stats_json(const char *path, berth_json_gen *g, berth_error **err);

/* Parses "key value\n" files (cpu.stat, memory.stat, memory.events): the
 * value of key, or -1 when absent. Pure. */
int64_t berth_cgroup_keyed_value(const char *text, const char *key);

#endif
