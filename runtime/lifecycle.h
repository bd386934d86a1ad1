/* The library's commands: the CLI parses flags and calls exactly one of
 * these. Each returns >= 0 on success and < 0 with *err set. */
#ifndef BERTH_LIFECYCLE_H
#define BERTH_LIFECYCLE_H

#include <stdbool.h>
#include <stdio.h>

#include "context.h"
#include "error.h"

struct berth_create_opts {
    const char *id;
    const char *bundle;         /* default "." */
    const char *pid_file;       /* may be NULL */
    const char *console_socket; /* may be NULL */
    bool no_pivot;
    bool no_new_keyring;
    int preserve_fds;
    bool detach;                /* run -d */
};

int berth_create(const struct berth_context *ctx, const struct berth_create_opts *o,
                 berth_error **err);
int berth_start(const struct berth_context *ctx, const char *id, berth_error **err);
/* Foreground: returns the container's exit status (128+N for signal N).
 * Detached: returns 0 once the container runs. */
int berth_run(const struct berth_context *ctx, const struct berth_create_opts *o,
              berth_error **err);
int berth_kill(const struct berth_context *ctx, const char *id, int signo, bool all,
               berth_error **err);
int berth_delete(const struct berth_context *ctx, const char *id, bool force,
                 berth_error **err);
/* The state document, malloc'd. */
int berth_container_state(const struct berth_context *ctx, const char *id, char **ret,
                berth_error **err);

enum berth_list_format { BERTH_LIST_TABLE, BERTH_LIST_JSON };
int berth_list(const struct berth_context *ctx, enum berth_list_format format, bool quiet,
               FILE *out, berth_error **err);

/* Writes config.json for `berth spec` into bundle (fails if it exists). */
int berth_spec(const struct berth_context *ctx, const char *bundle, bool rootless,
               berth_error **err);

#endif
