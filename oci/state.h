/* The runtime-spec state document, and the few private fields berth keeps
 * beside it in <root>/<id>/state.json. */
#ifndef BERTH_STATE_H
#define BERTH_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../runtime/error.h"
#include "json.h"

typedef struct {
    char *oci_version;
    char *id;
    char *bundle;
    char *rootfs;
    char *created;           /* RFC 3339 with nanoseconds, UTC */
    pid_t pid;               /* the container's init, in the host pid namespace */
    uint64_t pid_start;      /* field 22 of /proc/<pid>/stat, against PID reuse */
    char *cgroup_path;       /* absolute path of the container's cgroup dir, or NULL */
    char *owner;             /* "" for root, as runc prints */
    berth_json *annotations; /* an object, or NULL; owned */
} berth_state;

/* The runtime-spec document as `berth state` prints it (pretty, with
 * `status`), or the private on-disk form (`private_fields`: pid_start,
 * cgroup_path). *ret is malloc'd. */
int berth_state_to_json(const berth_state *s, const char *status, bool private_fields, char **ret,
                        berth_error **err);

/* Parses the on-disk form. `what` names the file in errors. */
int berth_state_from_json(const char *buf, size_t len, const char *what, berth_state **ret,
                          berth_error **err);

void berth_state_free(berth_state *s);

/* Current time in RFC 3339 with nanoseconds ("2026-11-25T04:27:46.123456789Z"). */
int berth_rfc3339_now(char *buf, size_t len, berth_error **err);

#endif
