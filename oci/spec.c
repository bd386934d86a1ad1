/* The default config.json. It follows runc's `spec` output field for field,
 * so that tools and tutorials written against runc work unchanged. */
#include "spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "json.h"

#ifndef OCI_SPEC_VERSION
#define OCI_SPEC_VERSION "1.2.0"
#endif

#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void gen_strv(berth_json_gen *g, const char *key, const char *const *v)
{
    berth_json_gen_string(g, key);
    berth_json_gen_array_open(g);
    for (; *v != NULL; v++)
        berth_json_gen_string(g, *v);
    berth_json_gen_array_close(g);
}

static void gen_process(berth_json_gen *g)
{
    static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
    static const char *const sets[] = {"bounding", "effective", "permitted", "ambient"};
    berth_json_gen_string(g, "process");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_bool(g, "terminal", true);
    berth_json_gen_string(g, "user");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_int(g, "uid", 0);
    berth_json_gen_kv_int(g, "gid", 0);
    berth_json_gen_map_close(g);
    gen_strv(g, "args", STRV("sh"));
    gen_strv(
        g, "env",
        STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"));
    berth_json_gen_kv_string(g, "cwd", "/");
    berth_json_gen_string(g, "capabilities");
    berth_json_gen_map_open(g);
    for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
        gen_strv(g, sets[i], caps);
    berth_json_gen_map_close(g);
    berth_json_gen_string(g, "rlimits");
    berth_json_gen_array_open(g);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "type", "RLIMIT_NOFILE");
    berth_json_gen_kv_int(g, "hard", 1024);
    berth_json_gen_kv_int(g, "soft", 1024);
    berth_json_gen_map_close(g);
    berth_json_gen_array_close(g);
    berth_json_gen_kv_bool(g, "noNewPrivileges", true);
    berth_json_gen_map_close(g);
}

typedef struct {
    const char *destination, *type, *source;
    const char *const *options; /* NULL: no "options" member */
} default_mount;

/* Without privileges, sysfs cannot be mounted in a user namespace that does
 * not own the network namespace, and gid=5 may not be mapped: so the host's
 * /sys is bind-mounted and devpts takes the caller's group. */
static const default_mount mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", STRV("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts",
     STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {"/dev/shm", "tmpfs", "shm", STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {"/dev/mqueue", "mqueue", "mqueue", STRV("nosuid", "noexec", "nodev")},
    {"/sys", "sysfs", "sysfs", STRV("nosuid", "noexec", "nodev", "ro")},
    {"/sys/fs/cgroup", "cgroup", "cgroup", STRV("nosuid", "noexec", "nodev", "relatime", "ro")},
};
static const default_mount rootless_devpts = {
    "/dev/pts", "devpts", "devpts",
    STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")};
static const default_mount rootless_sys = {"/sys", "none", "/sys",
                                           STRV("rbind", "nosuid", "noexec", "nodev", "ro")};

static void gen_mounts(berth_json_gen *g, bool rootless)
{
    berth_json_gen_string(g, "mounts");
    berth_json_gen_array_open(g);
    for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
        const default_mount *m = &mounts[i];
        if (rootless && strcmp(m->destination, "/dev/pts") == 0)
            m = &rootless_devpts;
        else if (rootless && strcmp(m->destination, "/sys") == 0)
            m = &rootless_sys;
        berth_json_gen_map_open(g);
        berth_json_gen_kv_string(g, "destination", m->destination);
        berth_json_gen_kv_string(g, "type", m->type);
        berth_json_gen_kv_string(g, "source", m->source);
        if (m->options != NULL)
            gen_strv(g, "options", m->options);
        berth_json_gen_map_close(g);
    }
    berth_json_gen_array_close(g);
}

static void gen_mapping(berth_json_gen *g, const char *key, unsigned host_id)
{
    berth_json_gen_string(g, key);
    berth_json_gen_array_open(g);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_int(g, "containerID", 0);
    berth_json_gen_kv_int(g, "hostID", host_id);
    berth_json_gen_kv_int(g, "size", 1);
    berth_json_gen_map_close(g);
    berth_json_gen_array_close(g);
}

/* Deny every device in the cgroup; the runtime allows its default set. A
 * rootless container usually cannot manage device cgroups, so none is set. */
static void gen_resources(berth_json_gen *g)
{
    berth_json_gen_string(g, "resources");
    berth_json_gen_map_open(g);
    berth_json_gen_string(g, "devices");
    berth_json_gen_array_open(g);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_bool(g, "allow", false);
    berth_json_gen_kv_string(g, "access", "rwm");
    berth_json_gen_map_close(g);
    berth_json_gen_array_close(g);
    berth_json_gen_map_close(g);
}

static void gen_namespaces(berth_json_gen *g, bool rootless)
{
    static const char *const normal[] = {"pid", "network", "ipc", "uts", "mount", "cgroup", NULL};
    static const char *const user[] = {"pid", "ipc", "uts", "mount", "cgroup", "user", NULL};
    berth_json_gen_string(g, "namespaces");
    berth_json_gen_array_open(g);
    for (const char *const *n = rootless ? user : normal; *n != NULL; n++) {
        berth_json_gen_map_open(g);
        berth_json_gen_kv_string(g, "type", *n);
        berth_json_gen_map_close(g);
    }
    berth_json_gen_array_close(g);
}

static void gen_linux(berth_json_gen *g, bool rootless)
{
    berth_json_gen_string(g, "linux");
    berth_json_gen_map_open(g);
    if (rootless) {
        gen_mapping(g, "uidMappings", geteuid());
        gen_mapping(g, "gidMappings", getegid());
    } else {
        gen_resources(g);
    }
    gen_namespaces(g, rootless);
    gen_strv(g, "maskedPaths",
             STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                  "/proc/scsi", "/sys/devices/virtual/powercap"));
    gen_strv(g, "readonlyPaths",
             STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"));
    berth_json_gen_map_close(g);
}

int berth_spec_generate(bool rootless, char **ret, berth_error **err)
{
    berth_json_gen *g = berth_json_gen_new(true);
    if (g == NULL)
        return berth_error_new(err, ENOMEM, "generate spec");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "ociVersion", OCI_SPEC_VERSION);
    gen_process(g);
    berth_json_gen_string(g, "root");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "path", "rootfs");
    berth_json_gen_kv_bool(g, "readonly", true);
    berth_json_gen_map_close(g);
    berth_json_gen_kv_string(g, "hostname", "berth");
    gen_mounts(g, rootless);
    gen_linux(g, rootless);
    berth_json_gen_map_close(g);
    const char *text = NULL;
    size_t len = 0;
    int r = berth_json_gen_result(g, &text, &len, err);
    if (r == 0 && (*ret = strndup(text, len)) == NULL)
        r = berth_error_new(err, ENOMEM, "generate spec");
    berth_json_gen_free(g);
    return r;
}
