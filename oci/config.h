/* The runtime-spec config.json, parsed and validated into plain C.
 *
 * berth_config_load() reads <bundle>/config.json and fills this struct; the
 * whole parsed JSON tree stays reachable through `json` so that later
 * modules (seccomp, hooks) can read their own sections without this header
 * growing a field for every corner of the spec. Every validation error names
 * the field with its JSON path, e.g. "config.json: process.args: must be a
 * non-empty array of strings". */
#ifndef BERTH_CONFIG_H
#define BERTH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../runtime/error.h"
#include "json.h"

/* Namespace kinds, in the order berth joins/creates them. */
typedef enum {
    BERTH_NS_USER,
    BERTH_NS_MOUNT,
    BERTH_NS_PID,
    BERTH_NS_NETWORK,
    BERTH_NS_UTS,
    BERTH_NS_IPC,
    BERTH_NS_CGROUP,
    BERTH_NS_TIME,
    BERTH_NS_COUNT
} berth_ns_kind;

typedef struct {
    bool present; /* listed in linux.namespaces */
    char *path;   /* join this one (NULL: create a new one) */
} berth_ns_config;

typedef struct {
    char *destination; /* absolute, as given */
    char *type;        /* may be NULL (bind mounts) */
    char *source;      /* may be NULL; relative sources are resolved against the bundle */
    char **options;    /* NULL-terminated, as given */
    size_t n_options;
    /* uidMappings/gidMappings of an idmapped bind mount (may be empty) */
    struct berth_id_mapping *uid_mappings;
    size_t n_uid_mappings;
    struct berth_id_mapping *gid_mappings;
    size_t n_gid_mappings;
    /* options digested by berth_mount_options_parse() (namespaces/mounts.h) are
     * computed there; the config keeps only the raw strings. */
} berth_mount_config;

typedef struct {
    char *path; /* absolute path inside the container */
    char type;  /* 'c', 'b', 'u' or 'p' */
    int64_t major, minor;
    uint32_t file_mode;
    bool has_file_mode;
    uint32_t uid;
    bool has_uid;
    uint32_t gid;
    bool has_gid;
} berth_device_config;

typedef struct berth_id_mapping {
    uint32_t container_id, host_id, size;
} berth_id_mapping;

typedef struct {
    int resource; /* RLIMIT_* */
    uint64_t soft, hard;
} berth_rlimit_config;

typedef struct {
    char *path;
    char **args; /* NULL-terminated, may be NULL */
    char **env;  /* NULL-terminated, may be NULL */
    int timeout; /* seconds, 0 = none */
} berth_hook_config;

typedef struct {
    berth_hook_config *items;
    size_t len;
} berth_hook_list;

/* Capability sets as 64-bit masks of CAP_* numbers. Unknown names are kept in
 * `unknown` (NULL-terminated) so the caller can warn about them, as runc does. */
typedef struct {
    bool present;
    uint64_t bounding, effective, inheritable, permitted, ambient;
    char **unknown;
} berth_caps_config;

typedef struct {
    bool terminal;
    unsigned console_height, console_width;
    char **args; /* NULL-terminated, at least one element */
    char **env;  /* NULL-terminated, may be empty */
    char *cwd;   /* absolute */
    uint32_t uid, gid;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    bool has_umask;
    uint32_t umask;
    bool no_new_privileges;
    berth_caps_config caps;
    berth_rlimit_config *rlimits;
    size_t n_rlimits;
    bool has_oom_score_adj;
    int oom_score_adj;
    char *apparmor_profile;
    char *selinux_label;
} berth_process_config;

typedef struct {
    char *oci_version;
    char *bundle;    /* absolute path of the bundle directory */
    char *root_path; /* absolute path of the rootfs (resolved against bundle) */
    bool root_readonly;
    char *hostname;   /* NULL when absent */
    char *domainname; /* NULL when absent */
    berth_process_config process;
    bool has_process;
    berth_mount_config *mounts;
    size_t n_mounts;

    /* linux */
    berth_ns_config ns[BERTH_NS_COUNT];
    berth_id_mapping *uid_mappings;
    size_t n_uid_mappings;
    berth_id_mapping *gid_mappings;
    size_t n_gid_mappings;
    berth_device_config *devices;
    size_t n_devices;
    char *cgroups_path;       /* NULL when absent */
    char *rootfs_propagation; /* NULL, "private", "rprivate", "slave", "rslave", "shared",
                                 "rshared", "unbindable", "runbindable" */
    char **masked_paths;
    size_t n_masked_paths;
    char **readonly_paths;
    size_t n_readonly_paths;
    char *mount_label;

    /* hooks */
    berth_hook_list hooks_prestart, hooks_create_runtime, hooks_create_container,
        hooks_start_container, hooks_poststart, hooks_poststop;

    /* annotations, kept as the parsed object (or NULL) */
    const berth_json *annotations;

    berth_json *json; /* the whole document; owned */
} berth_config;

/* Parses and validates a config document. `bundle` is the absolute bundle
 * directory; `what` names the source in messages (usually "config.json"). */
int berth_config_parse(const char *buf, size_t len, const char *bundle, const char *what,
                       berth_config **ret, berth_error **err);

/* Reads <bundle>/config.json (bundle may be relative; it is made absolute)
 * and parses it. Errors name the path. */
int berth_config_load(const char *bundle, berth_config **ret, berth_error **err);

void berth_config_free(berth_config *c);

/* Parses a document whose only section is "hooks" (berth saves the post*
 * hooks so at create time); the other fields stay empty. */
int berth_config_hooks_parse(const char *buf, size_t len, const char *what, berth_config **ret,
                             berth_error **err);

/* "pid" -> BERTH_NS_PID etc.; -1 when unknown. */
int berth_ns_kind_from_name(const char *name);
const char *berth_ns_kind_name(berth_ns_kind k);
/* CLONE_NEW* flag of a namespace kind. */
int berth_ns_kind_clone_flag(berth_ns_kind k);

#endif
