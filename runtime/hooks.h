/* OCI hooks: each one a program run with the container state JSON on its
 * stdin, its own args and env, and an optional timeout (then SIGKILL).
 *
 * Where they run (runtime-spec "Lifecycle"):
 *   prestart, createRuntime  berth's parent, runtime namespaces, after the
 *                            container's namespaces and mounts exist, before
 *                            pivot_root (the init asks with HOOKS, sync.h)
 *   createContainer          the init, container namespaces, before pivot_root
 *   startContainer           the init, after `start`, before execve
 *   poststart                `start`/`run`, after the process started: warn only
 *   poststop                 `delete`/`run`, after the container is gone: warn only
 * The first four fail the operation with an error naming the hook. The
 * post* lists are saved at create time in the state dir (hooks.json), so
 * `start` and `delete` do not re-read a bundle that may have changed. */
#ifndef BERTH_HOOKS_H
#define BERTH_HOOKS_H

#include "../oci/config.h"
#include "context.h"
#include "error.h"
#include "store.h"

/* Runs the hooks of `l` in order; `kind` ("createRuntime") names them in
 * errors: `createRuntime hook "/bin/x" exited with status 3`. */
int berth_hooks_run(const berth_hook_list *l, const char *kind, const char *state_json,
                    berth_error **err);

/* Saves poststart/poststop (when present) as <dir>/hooks.json. */
int berth_hooks_save(int dirfd, const berth_config *c, berth_error **err);

/* `start` and `run`: runs the saved poststart hooks; failures are warnings. */
void berth_hooks_poststart(const struct berth_context *ctx, struct berth_container *c);

/* `delete` and `run`: load the saved poststop hooks before the state dir
 * goes (NULL when none), then run them after. */
berth_config *berth_hooks_poststop_load(struct berth_container *c);
void berth_hooks_poststop_run(const struct berth_context *ctx, berth_config *hooks,
                              const struct berth_container *c);

#endif
