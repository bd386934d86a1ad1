#include "linux_attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../oci/field.h"
#include "cleanup.h"

/* struct sched_attr from <linux/sched/types.h>, which clashes with glibc's
 * struct sched_param. */
struct sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const berth_field_ctx fx = {.what = "config.json"};
static const berth_jpath lxp = {.key = "linux"};
static const berth_jpath procp = {.key = "process"};

/* --- linux.sysctl --------------------------------------------------------- */

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool own_ns(const berth_config *c, berth_ns_kind k)
{
    return c->ns[k].present;
}

int berth_sysctl_check(const berth_config *c, const char *key, berth_error **err)
{
    static const char *const ipc_keys[] = {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
    if (key[0] == '\0' || strstr(key, "..") != NULL || strchr(key, '/') != NULL)
        return berth_error_new(err, 0, "linux.sysctl: invalid key \"%s\"", key);
    const char *need = NULL;
    bool ok = false;
    for (size_t i = 0; i < ARRAY_SIZE(ipc_keys) && !ok; i++)
        ok = strcmp(key, ipc_keys[i]) == 0;
    if (ok || has_prefix(key, "fs.mqueue.")) {
        need = "ipc";
        ok = own_ns(c, BERTH_NS_IPC);
    } else if (has_prefix(key, "net.")) {
        need = "network";
        ok = own_ns(c, BERTH_NS_NETWORK);
    } else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0) {
        need = "uts";
        ok = own_ns(c, BERTH_NS_UTS);
    } else {
        return berth_error_new(err, 0,
                               "linux.sysctl: \"%s\" is not namespaced: "
                               "the container may not set it",
                               key);
    }
    if (!ok)
        return berth_error_new(err, 0,
                               "linux.sysctl: \"%s\" needs the container's own %s "
                               "namespace",
                               key, need);
    return 0;
}

static int parse_sysctl(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    const berth_json *o = NULL;
    int r = berth_field_object(&fx, berth_json_get(c->json, "linux"), &lxp, "sysctl", 0, &o, err);
    if (r <= 0)
        return r;
    if (o->u.object.len == 0)
        return 0;
    a->sysctl = calloc(o->u.object.len, sizeof(*a->sysctl));
    if (a->sysctl == NULL)
        return berth_error_new(err, ENOMEM, "linux.sysctl");
    for (size_t i = 0; i < o->u.object.len; i++) {
        const char *k = o->u.object.keys[i];
        const berth_json *v = o->u.object.values[i];
        if (v->type != BERTH_JSON_STRING)
            return berth_error_new(err, 0, "linux.sysctl: \"%s\": value must be a string", k);
        if (berth_sysctl_check(c, k, err) < 0)
            return -1;
        a->sysctl[a->n_sysctl++] = (struct berth_sysctl){.key = k, .value = v->u.s};
    }
    return 0;
}

static int write_proc(const char *path, const char *value, berth_error **err)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", path);
    size_t len = strlen(value);
    if (write(fd, value, len) != (ssize_t)len)
        return berth_error_new(err, errno, "write \"%s\" to `%s`", value, path);
    return 0;
}

static int apply_sysctl(const struct berth_linux_attrs *a, berth_error **err)
{
    for (size_t i = 0; i < a->n_sysctl; i++) {
        char path[512];
        int n = snprintf(path, sizeof(path), "/proc/sys/%s", a->sysctl[i].key);
        if (n < 0 || (size_t)n >= sizeof(path))
            return berth_error_new(err, ENAMETOOLONG, "linux.sysctl \"%s\"", a->sysctl[i].key);
        for (char *p = path + 10; *p != '\0'; p++)
            if (*p == '.')
                *p = '/';
        if (write_proc(path, a->sysctl[i].value, err) < 0)
            return berth_error_wrap(err, "linux.sysctl \"%s\"", a->sysctl[i].key);
    }
    return 0;
}

/* --- linux.personality, process.scheduler, process.ioPriority ------------- */

static int parse_personality(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    const berth_json *o = NULL;
    berth_jpath pp = JPATH_KEY(&lxp, "personality");
    int r =
        berth_field_object(&fx, berth_json_get(c->json, "linux"), &lxp, "personality", 0, &o, err);
    if (r <= 0)
        return r;
    _cleanup_free_ char *domain = NULL;
    char **flags = NULL;
    size_t n_flags = 0;
    if (berth_field_string(&fx, o, &pp, "domain", FIELD_REQUIRED, &domain, err) < 0 ||
        berth_field_strv(&fx, o, &pp, "flags", 0, &flags, &n_flags, err) < 0)
        return -1;
    berth_strv_free(flags);
    berth_jpath dp = JPATH_KEY(&pp, "domain"), fp = JPATH_KEY(&pp, "flags");
    if (n_flags > 0)
        return berth_field_error(&fx, &fp, ENOTSUP, err, "personality flags");
    if (strcmp(domain, "LINUX") == 0)
        a->personality = PER_LINUX;
    else if (strcmp(domain, "LINUX32") == 0)
        a->personality = PER_LINUX32;
    else
        return berth_field_error(&fx, &dp, 0, err, "unknown domain \"%s\" (LINUX or LINUX32)",
                                 domain);
    a->has_personality = true;
    return 0;
}

static int lookup(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] != NULL && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static int parse_sched_flags(const berth_json *o, const berth_jpath *sp,
                             struct berth_linux_attrs *a, berth_error **err)
{
    static const char *const names[] = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
                                        "SCHED_FLAG_DL_OVERRUN",    "SCHED_FLAG_KEEP_POLICY",
                                        "SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN",
                                        "SCHED_FLAG_UTIL_CLAMP_MAX"};
    char **flags = NULL;
    size_t n = 0;
    if (berth_field_strv(&fx, o, sp, "flags", 0, &flags, &n, err) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        int bit = lookup(names, ARRAY_SIZE(names), flags[i]);
        berth_jpath fp = JPATH_KEY(sp, "flags");
        if (bit < 0)
            r = berth_field_error(&fx, &fp, 0, err, "unknown flag \"%s\"", flags[i]);
        else
            a->sched.flags |= 1ULL << bit;
    }
    berth_strv_free(flags);
    return r;
}

static int parse_scheduler(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    static const char *const policies[] = {"SCHED_OTHER",   "SCHED_FIFO", "SCHED_RR",
                                           "SCHED_BATCH",   "SCHED_ISO",  "SCHED_IDLE",
                                           "SCHED_DEADLINE"};
    const berth_json *o = NULL;
    berth_jpath sp = JPATH_KEY(&procp, "scheduler"), pp = JPATH_KEY(&sp, "policy");
    int r = berth_field_object(&fx, berth_json_get(c->json, "process"), &procp, "scheduler", 0, &o,
                               err);
    if (r <= 0)
        return r;
    _cleanup_free_ char *policy = NULL;
    int64_t nice = 0, prio = 0;
    if (berth_field_string(&fx, o, &sp, "policy", FIELD_REQUIRED, &policy, err) < 0 ||
        berth_field_int(&fx, o, &sp, "nice", 0, -20, 19, &nice, err) < 0 ||
        berth_field_int(&fx, o, &sp, "priority", 0, 0, 99, &prio, err) < 0 ||
        berth_field_u64(&fx, o, &sp, "runtime", 0, &a->sched.runtime, err) < 0 ||
        berth_field_u64(&fx, o, &sp, "deadline", 0, &a->sched.deadline, err) < 0 ||
        berth_field_u64(&fx, o, &sp, "period", 0, &a->sched.period, err) < 0 ||
        parse_sched_flags(o, &sp, a, err) < 0)
        return -1;
    int p = lookup(policies, ARRAY_SIZE(policies), policy);
    if (p < 0 || p == 4) /* SCHED_ISO is reserved, never implemented */
        return berth_field_error(&fx, &pp, 0, err, "unknown or unsupported policy \"%s\"", policy);
    a->sched.policy = (uint32_t)p;
    a->sched.nice = (int32_t)nice;
    a->sched.priority = (uint32_t)prio;
    a->has_scheduler = true;
    return 0;
}

static int parse_ioprio(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    static const char *const classes[] = {NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                          "IOPRIO_CLASS_IDLE"};
    const berth_json *o = NULL;
    berth_jpath ip = JPATH_KEY(&procp, "ioPriority"), cp = JPATH_KEY(&ip, "class");
    int r = berth_field_object(&fx, berth_json_get(c->json, "process"), &procp, "ioPriority", 0, &o,
                               err);
    if (r <= 0)
        return r;
    _cleanup_free_ char *cls = NULL;
    int64_t prio = 0;
    if (berth_field_string(&fx, o, &ip, "class", FIELD_REQUIRED, &cls, err) < 0 ||
        berth_field_int(&fx, o, &ip, "priority", 0, 0, 7, &prio, err) < 0)
        return -1;
    int k = lookup(classes, ARRAY_SIZE(classes), cls);
    if (k < 0)
        return berth_field_error(&fx, &cp, 0, err, "unknown class \"%s\"", cls);
    a->ioprio = IOPRIO_PRIO_VALUE(k, prio);
    a->has_ioprio = true;
    return 0;
}

/* --- process.execCPUAffinity ---------------------------------------------- */

int berth_cpu_list_parse(const char *s, cpu_set_t *ret)
{
    CPU_ZERO(ret);
    const char *p = s;
    if (*p == '\0')
        return -1;
    while (*p != '\0') {
        char *end;
        errno = 0;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (end == p || errno != 0)
            return -1;
        if (*end == '-') {
            p = end + 1;
            hi = strtoul(p, &end, 10);
            if (end == p || errno != 0)
                return -1;
        }
        if (lo > hi || hi >= CPU_SETSIZE)
            return -1;
        for (unsigned long c = lo; c <= hi; c++)
            CPU_SET(c, ret);
        if (*end == ',' && end[1] != '\0')
            end++;
        else if (*end != '\0')
            return -1;
        p = end;
    }
    return 0;
}

static int parse_affinity(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    const berth_json *o = NULL;
    berth_jpath ap = JPATH_KEY(&procp, "execCPUAffinity");
    int r = berth_field_object(&fx, berth_json_get(c->json, "process"), &procp, "execCPUAffinity",
                               0, &o, err);
    if (r <= 0)
        return r;
    static const char *const keys[] = {"initial", "final"};
    for (int i = 0; i < 2; i++) {
        _cleanup_free_ char *list = NULL;
        r = berth_field_string(&fx, o, &ap, keys[i], 0, &list, err);
        if (r < 0)
            return -1;
        if (r == 0)
            continue;
        berth_jpath kp = JPATH_KEY(&ap, keys[i]);
        if (berth_cpu_list_parse(list, i == 0 ? &a->cpus_initial : &a->cpus_final) < 0)
            return berth_field_error(&fx, &kp, 0, err, "invalid CPU list \"%s\"", list);
        *(i == 0 ? &a->has_cpus_initial : &a->has_cpus_final) = true;
    }
    return 0;
}

/* --- linux.timeOffsets ---------------------------------------------------- */

static int parse_time_offsets(const berth_config *c, struct berth_linux_attrs *a, berth_error **err)
{
    const berth_json *o = NULL;
    berth_jpath tp = JPATH_KEY(&lxp, "timeOffsets");
    int r =
        berth_field_object(&fx, berth_json_get(c->json, "linux"), &lxp, "timeOffsets", 0, &o, err);
    if (r <= 0)
        return r;
    if (!c->ns[BERTH_NS_TIME].present || c->ns[BERTH_NS_TIME].path != NULL)
        return berth_field_error(&fx, &tp, 0, err, "needs a new time namespace");
    size_t len = 0;
    for (size_t i = 0; i < o->u.object.len; i++) {
        const char *clock = o->u.object.keys[i];
        const berth_json *v = o->u.object.values[i];
        berth_jpath cp = JPATH_KEY(&tp, clock);
        int64_t secs = 0, nsecs = 0;
        if (strcmp(clock, "monotonic") != 0 && strcmp(clock, "boottime") != 0)
            return berth_field_error(&fx, &cp, 0, err, "unknown clock (monotonic or boottime)");
        if (v->type != BERTH_JSON_OBJECT ||
            berth_field_int(&fx, v, &cp, "secs", 0, INT64_MIN, INT64_MAX, &secs, err) < 0 ||
            berth_field_int(&fx, v, &cp, "nanosecs", 0, 0, 999999999, &nsecs, err) < 0)
            return *err != NULL ? -1 : berth_field_error(&fx, &cp, 0, err, "must be an object");
        len += (size_t)snprintf(a->time_offsets + len, sizeof(a->time_offsets) - len,
                                "%s %lld %lld\n", clock, (long long)secs, (long long)nsecs);
    }
    a->has_time_offsets = o->u.object.len > 0;
    return 0;
}

/* The offsets of a time namespace are frozen once a process is in it, and a
 * clone3(CLONE_NEWTIME) child is in it from birth. So the init unshares it
 * instead: only its children (and itself, at execve) enter the namespace,
 * and until then /proc/self/timens_offsets can be written. */
static int apply_time_offsets(const struct berth_linux_attrs *a, berth_error **err)
{
    if (unshare(CLONE_NEWTIME) < 0)
        return berth_error_new(err, errno, "unshare CLONE_NEWTIME");
    if (write_proc("/proc/self/timens_offsets", a->time_offsets, err) < 0)
        return berth_error_wrap(err, "linux.timeOffsets");
    return 0;
}

/* --- LSM fields ----------------------------------------------------------- */

static int check_lsm(const berth_config *c, berth_error **err)
{
    const berth_process_config *p = &c->process;
    if (p->apparmor_profile != NULL && p->apparmor_profile[0] != '\0' &&
        access("/sys/kernel/security/apparmor", F_OK) < 0)
        return berth_error_new(err, 0,
                               "process.apparmorProfile \"%s\": AppArmor is not "
                               "enabled on this host",
                               p->apparmor_profile);
    if (p->selinux_label != NULL && p->selinux_label[0] != '\0' &&
        access("/sys/fs/selinux/enforce", F_OK) < 0)
        return berth_error_new(err, 0,
                               "process.selinuxLabel \"%s\": SELinux is not enabled on "
                               "this host",
                               p->selinux_label);
    if (p->apparmor_profile != NULL || p->selinux_label != NULL)
        return berth_error_new(err, ENOTSUP,
                               "process.apparmorProfile/selinuxLabel: berth "
                               "cannot apply LSM labels yet");
    return 0;
}

int berth_linux_attrs_parse(const berth_config *c, struct berth_linux_attrs *ret, berth_error **err)
{
    memset(ret, 0, sizeof(*ret));
    if (check_lsm(c, err) < 0 || parse_sysctl(c, ret, err) < 0 ||
        parse_personality(c, ret, err) < 0 || parse_scheduler(c, ret, err) < 0 ||
        parse_ioprio(c, ret, err) < 0 || parse_affinity(c, ret, err) < 0 ||
        parse_time_offsets(c, ret, err) < 0) {
        berth_linux_attrs_free(ret);
        return -1;
    }
    return 0;
}

void berth_linux_attrs_free(struct berth_linux_attrs *a)
{
    free(a->sysctl);
    a->sysctl = NULL;
    a->n_sysctl = 0;
}

/* --- the child's steps ---------------------------------------------------- */

int berth_linux_attrs_apply_ns(const struct berth_linux_attrs *a, berth_error **err)
{
    if (a->has_cpus_initial && sched_setaffinity(0, sizeof(a->cpus_initial), &a->cpus_initial) < 0)
        return berth_error_new(err, errno, "process.execCPUAffinity.initial: sched_setaffinity");
    if (a->has_time_offsets && apply_time_offsets(a, err) < 0)
        return -1;
    return apply_sysctl(a, err);
}

int berth_linux_attrs_apply_process(const struct berth_linux_attrs *a, berth_error **err)
{
    if (a->has_personality && personality(a->personality) < 0)
        return berth_error_new(err, errno, "linux.personality: personality(%#lx)", a->personality);
    if (a->has_scheduler) {
        struct sched_attr attr = {.size = sizeof(attr),
                                  .sched_policy = a->sched.policy,
                                  .sched_flags = a->sched.flags,
                                  .sched_nice = a->sched.nice,
                                  .sched_priority = a->sched.priority,
                                  .sched_runtime = a->sched.runtime,
                                  .sched_deadline = a->sched.deadline,
                                  .sched_period = a->sched.period};
        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
            return berth_error_new(err, errno, "process.scheduler: sched_setattr");
    }
    if (a->has_ioprio && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, a->ioprio) < 0)
        return berth_error_new(err, errno, "process.ioPriority: ioprio_set");
    return 0;
}

int berth_linux_attrs_apply_exec(const struct berth_linux_attrs *a, berth_error **err)
{
    if (a->has_cpus_final && sched_setaffinity(0, sizeof(a->cpus_final), &a->cpus_final) < 0)
        return berth_error_new(err, errno, "process.execCPUAffinity.final: sched_setaffinity");
    return 0;
}
