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
    int listen_fds; /* systemd's LISTEN_FDS, when LISTEN_PID is berth: fds 3.. */
    bool detach;    /* run -d */
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
int berth_delete(const struct berth_context *ctx, const char *id, bool force, berth_error **err);
/* The state document, malloc'd. */
int berth_container_state(const struct berth_context *ctx, const char *id, char **ret,
                          berth_error **err);

enum berth_list_format { BERTH_LIST_TABLE, BERTH_LIST_JSON };
int berth_list(const struct berth_context *ctx, enum berth_list_format format, bool quiet,
               FILE *out, berth_error **err);

/* Writes config.json for `berth spec` into bundle (fails if it exists). */
int berth_spec(const struct berth_context *ctx, const char *bundle, bool rootless,
               berth_error **err);

/* `exec`: the string lists are NULL-terminated (NULL when not given) and
 * point into argv; the library validates every value. */
struct berth_exec_opts {
    const char *id;
    char **args;                /* the command; NULL or empty with process_file */
    const char *process_file;   /* --process: a runtime-spec process JSON */
    const char *console_socket; /* --console-socket */
    const char *pid_file;       /* --pid-file */
    const char *cwd;            /* --cwd */
    char **env;                 /* --env NAME=VALUE */
    const char *user;           /* --user uid[:gid] */
    char **additional_gids;     /* --additional-gids (each may be a comma list) */
    char **caps;                /* --cap CAP_X */
    const char *apparmor;       /* --apparmor */
    const char *process_label;  /* --process-label */
    const char *cgroup;         /* --cgroup: a sub-cgroup of the container's */
    int preserve_fds;           /* --preserve-fds */
    bool tty, detach, no_new_privs, ignore_paused, no_subreaper;
};
/* Foreground: the process's exit status (128+N for signal N). Detached: 0
 * once the process runs. Every failure has exit status 255, as in runc. */
int berth_exec(const struct berth_context *ctx, const struct berth_exec_opts *o, berth_error **err);

enum berth_ps_format { BERTH_PS_TABLE, BERTH_PS_JSON };
/* JSON: the host pids of the container's processes. Table: the host's
 * `ps ps_args` (default -ef), filtered to those pids. */
int berth_ps(const struct berth_context *ctx, const char *id, enum berth_ps_format format,
             char *const *ps_args, FILE *out, berth_error **err);

/* The runtime-spec features document. */
int berth_features(const struct berth_context *ctx, FILE *out, berth_error **err);

#endif
