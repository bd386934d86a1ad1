/* The smaller per-process kernel attributes of config.json: linux.sysctl,
 * linux.personality, process.scheduler, process.ioPriority,
 * process.execCPUAffinity, linux.timeOffsets, and the LSM fields
 * (process.apparmorProfile, process.selinuxLabel) that this host cannot
 * honour.
 *
 * berth_linux_attrs_parse() runs in the parent before the clone: it reads
 * and validates everything (errors name the field) into plain values, so the
 * child only makes the syscalls, and only for the fields that are set. */
#ifndef BERTH_LINUX_ATTRS_H
#define BERTH_LINUX_ATTRS_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "../oci/config.h"
#include "error.h"

struct berth_sysctl {
    const char *key; /* borrowed from the config's JSON tree */
    const char *value;
};

struct berth_linux_attrs {
    struct berth_sysctl *sysctl;
    size_t n_sysctl;
    bool has_personality;
    unsigned long personality; /* PER_LINUX or PER_LINUX32 */
    bool has_scheduler;
    struct {
        uint32_t policy;
        int32_t nice;
        uint32_t priority;
        uint64_t flags, runtime, deadline, period;
    } sched;
    bool has_ioprio;
    int ioprio; /* IOPRIO_PRIO_VALUE(class, level) */
    bool has_cpus_initial, has_cpus_final;
    cpu_set_t cpus_initial, cpus_final;
    bool has_time_offsets;  /* the init unshares the time namespace itself */
    char time_offsets[128]; /* text for /proc/self/timens_offsets */
};

int berth_linux_attrs_parse(const berth_config *c, struct berth_linux_attrs *ret,
                            berth_error **err);
void berth_linux_attrs_free(struct berth_linux_attrs *a);

/* Pure checks, exposed for the unit tests. */
/* A key the container may set: namespaced by one of its own namespaces. */
int berth_sysctl_check(const berth_config *c, const char *key, berth_error **err);
/* "0-3,7" into *ret. */
int berth_cpu_list_parse(const char *s, cpu_set_t *ret);

/* Child, after the namespaces are joined and before the rootfs: the initial
 * CPU affinity, the time namespace with its offsets, sysctls (through the
 * /proc still mounted from the host: a sysctl file acts on the namespaces
 * of the writer, so the container's /proc is not needed, and readonlyPaths
 * cannot be in the way yet). */
int berth_linux_attrs_apply_ns(const struct berth_linux_attrs *a, berth_error **err);
/* Child, before the user switch (CAP_SYS_NICE still held): personality,
 * scheduler, I/O priority. */
int berth_linux_attrs_apply_process(const struct berth_linux_attrs *a, berth_error **err);
/* Child, right before execve: the final CPU affinity. */
int berth_linux_attrs_apply_exec(const struct berth_linux_attrs *a, berth_error **err);

#endif
