/* CLI commands exec, ps and features: flag parsing only. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cli_internal.h"
#include "lifecycle.h"

enum {
    X_CONSOLE_SOCKET = 400,
    X_PID_FILE,
    X_CWD,
    X_NO_NEW_PRIVS,
    X_APPARMOR,
    X_PROCESS_LABEL,
    X_PRESERVE_FDS,
    X_CGROUP,
    X_IGNORE_PAUSED,
    X_NO_SUBREAPER
};

static const struct option exec_longopts[] = {
    {"console-socket", required_argument, NULL, X_CONSOLE_SOCKET},
    {"cwd", required_argument, NULL, X_CWD},
    {"env", required_argument, NULL, 'e'},
    {"tty", no_argument, NULL, 't'},
    {"user", required_argument, NULL, 'u'},
    {"additional-gids", required_argument, NULL, 'g'},
    {"process", required_argument, NULL, 'p'},
    {"detach", no_argument, NULL, 'd'},
    {"pid-file", required_argument, NULL, X_PID_FILE},
    {"process-label", required_argument, NULL, X_PROCESS_LABEL},
    {"apparmor", required_argument, NULL, X_APPARMOR},
    {"no-new-privs", no_argument, NULL, X_NO_NEW_PRIVS},
    {"cap", required_argument, NULL, 'c'},
    {"preserve-fds", required_argument, NULL, X_PRESERVE_FDS},
    {"cgroup", required_argument, NULL, X_CGROUP},
    {"ignore-paused", no_argument, NULL, X_IGNORE_PAUSED},
    {"no-subreaper", no_argument, NULL, X_NO_SUBREAPER},
    {NULL, 0, NULL, 0},
};

/* Repeatable flags collect into NULL-terminated lists sized for argv. */
struct exec_lists {
    char **env, **gids, **caps;
    size_t n_env, n_gids, n_caps;
};

static void push(char **list, size_t *n, char *value)
{
    list[(*n)++] = value;
    list[*n] = NULL;
}

static int exec_flag(int c, struct berth_exec_opts *o, struct exec_lists *l, berth_error **err)
{
    switch (c) {
    case X_CONSOLE_SOCKET: o->console_socket = optarg; break;
    case X_CWD: o->cwd = optarg; break;
    case 'e': push(l->env, &l->n_env, optarg); break;
    case 't': o->tty = true; break;
    case 'u': o->user = optarg; break;
    case 'g': push(l->gids, &l->n_gids, optarg); break;
    case 'p': o->process_file = optarg; break;
    case 'd': o->detach = true; break;
    case X_PID_FILE: o->pid_file = optarg; break;
    case X_PROCESS_LABEL: o->process_label = optarg; break;
    case X_APPARMOR: o->apparmor = optarg; break;
    case X_NO_NEW_PRIVS: o->no_new_privs = true; break;
    case 'c': push(l->caps, &l->n_caps, optarg); break;
    case X_PRESERVE_FDS:
        return berth_cli_parse_int("--preserve-fds", optarg, &o->preserve_fds, err);
    case X_CGROUP: o->cgroup = optarg; break;
    case X_IGNORE_PAUSED: o->ignore_paused = true; break;
    case X_NO_SUBREAPER: o->no_subreaper = true; break;
    default: return -1;
    }
    return 0;
}

int berth_cmd_exec(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    struct berth_exec_opts o = {0};
    _cleanup_free_ char **env = calloc((size_t)argc + 1, sizeof(char *));
    _cleanup_free_ char **gids = calloc((size_t)argc + 1, sizeof(char *));
    _cleanup_free_ char **caps = calloc((size_t)argc + 1, sizeof(char *));
    if (env == NULL || gids == NULL || caps == NULL)
        return berth_error_new(err, ENOMEM, "exec: flags");
    struct exec_lists l = {.env = env, .gids = gids, .caps = caps};
    int c;
    /* "+": the command's own flags (exec id ls -l) are never berth's. */
    while ((c = berth_cli_next_opt(argc, argv, "+e:tu:g:p:dc:", exec_longopts, argv[0], err)) != -1)
        if (c < 0 || exec_flag(c, &o, &l, err) < 0)
            return -1;
    if (berth_cli_want_args(argv[0], argc, 1, argc, err) < 0)
        return -1;
    o.id = argv[optind];
    o.args = argv + optind + 1;
    o.env = l.n_env ? env : NULL;
    o.additional_gids = l.n_gids ? gids : NULL;
    o.caps = l.n_caps ? caps : NULL;
    return berth_exec(ctx, &o, err);
}

int berth_cmd_ps(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    enum berth_ps_format format = BERTH_PS_TABLE;
    int c;
    /* "+": what follows the id goes to ps(1) untouched. */
    while ((c = berth_cli_next_opt(argc, argv, "+f:", longopts, argv[0], err)) != -1) {
        if (c != 'f')
            return -1;
        if (strcmp(optarg, "json") == 0)
            format = BERTH_PS_JSON;
        else if (strcmp(optarg, "table") == 0)
            format = BERTH_PS_TABLE;
        else
            return berth_error_new(err, 0, "ps: --format: invalid format \"%s\"", optarg);
    }
    if (berth_cli_want_args(argv[0], argc, 1, argc, err) < 0)
        return -1;
    return berth_ps(ctx, argv[optind], format, argv + optind + 1, stdout, err);
}

int berth_cmd_features(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option none[] = {{NULL, 0, NULL, 0}};
    if (berth_cli_next_opt(argc, argv, "+", none, argv[0], err) != -1 ||
        berth_cli_want_args(argv[0], argc, 0, 0, err) < 0)
        return -1;
    return berth_features(ctx, stdout, err);
}
