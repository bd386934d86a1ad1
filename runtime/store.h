/* A container's directory under --root: <root>/<id>/ holding state.json
 * (written atomically) and, between create and start, exec.fifo. The open
 * directory fd is flock()ed so that concurrent commands on one container
 * serialise. */
#ifndef BERTH_STORE_H
#define BERTH_STORE_H

#include <stdbool.h>

#include "../oci/field.h"
#include "../oci/state.h"
#include "context.h"
#include "error.h"

#define BERTH_EXEC_FIFO "exec.fifo"
#define BERTH_STATE_FILE "state.json"

struct berth_container {
    char *id;
    int dirfd;          /* <root>/<id>, O_DIRECTORY, locked when asked */
    berth_state *state; /* NULL while still being created */
};

/* Makes <root>/<id> (root created 0700 if missing), locked. Fails with
 * "container \"ID\" already exists" when it exists. */
int berth_store_create(const struct berth_context *ctx, const char *id,
                       struct berth_container **ret, berth_error **err);

/* Opens an existing container and loads its state; "container \"ID\" does not
 * exist" when absent. `lock`: take the exclusive lock first. */
int berth_store_open(const struct berth_context *ctx, const char *id, bool lock,
                     struct berth_container **ret, berth_error **err);

/* Writes state.json via a temp file and rename. */
int berth_store_save(struct berth_container *c, berth_error **err);

/* Removes every file of the container and its directory. */
int berth_store_remove(const struct berth_context *ctx, struct berth_container *c,
                       berth_error **err);

void berth_container_free(struct berth_container *c);

/* created / running / paused / stopped, derived from the init's liveness
 * (PID plus start time), exec.fifo, and the cgroup's freezer. */
const char *berth_container_status(const struct berth_container *c);

/* The ids under --root, sorted. */
int berth_store_list(const struct berth_context *ctx, char ***ret_ids, size_t *ret_n,
                     berth_error **err);

#endif
