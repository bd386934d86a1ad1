#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_internal.h"
#include "lifecycle.h"
#include "listen_fds.h"
#include "signals.h"

struct command {
    const char *name;
    const char *args;
    const char *help;
    int (*fn)(const struct berth_context *ctx, int argc, char **argv, berth_error **err);
};

static const struct command *find_command(const char *name);

/* getopt_long over a command's own argv; prints nothing itself. */
static int next_opt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                    const char *cmd, berth_error **err)
{
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == '?' || c == ':') {
        berth_error_new(err, 0, "%s: unknown flag or missing value: %s", cmd, argv[optind - 1]);
        return -2; /* not -1, which getopt uses for "no more flags" */
    }
    return c;
}

static int want_args(const char *cmd, int argc, int min, int max, berth_error **err)
{
    int n = argc - optind;
    if (n < min)
        return berth_error_new(err, 0, "%s: requires %s", cmd,
                               min == 1 ? "exactly 1 argument: the container id"
                                        : "more arguments");
    if (n > max)
        return berth_error_new(err, 0, "%s: too many arguments", cmd);
    return 0;
}

static int parse_int(const char *flag, const char *s, int *ret, berth_error **err)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 1 << 20)
        return berth_error_new(err, 0, "%s: invalid number \"%s\"", flag, s);
    *ret = (int)v;
    return 0;
}

enum {
    OPT_PID_FILE = 256,
    OPT_CONSOLE_SOCKET,
    OPT_NO_PIVOT,
    OPT_NO_NEW_KEYRING,
    OPT_PRESERVE_FDS,
    OPT_ROOTLESS
};

static int parse_create_opts(int argc, char **argv, bool allow_detach, struct berth_create_opts *o,
                             berth_error **err)
{
    static const struct option longopts[] = {
        {"bundle", required_argument, NULL, 'b'},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
        {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
        {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
        {"detach", no_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = next_opt(argc, argv, allow_detach ? "+b:d" : "+b:", longopts, argv[0], err)) !=
           -1) {
        switch (c) {
        case 'b': o->bundle = optarg; break;
        case OPT_PID_FILE: o->pid_file = optarg; break;
        case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
        case OPT_NO_PIVOT: o->no_pivot = true; break;
        case OPT_NO_NEW_KEYRING: o->no_new_keyring = true; break;
        case OPT_PRESERVE_FDS:
            if (parse_int("--preserve-fds", optarg, &o->preserve_fds, err) < 0)
                return -1;
            break;
        case 'd':
            if (!allow_detach)
                return berth_error_new(err, 0, "%s: unknown flag: -d", argv[0]);
            o->detach = true;
            break;
        default: return -1;
        }
    }
    if (want_args(argv[0], argc, 1, 1, err) < 0)
        return -1;
    o->id = argv[optind];
    /* Socket activation, as runc: only the fds systemd meant for berth. */
    o->listen_fds = berth_listen_fds_parse(getenv("LISTEN_PID"), getenv("LISTEN_FDS"), getpid());
    return 0;
}

static int cmd_create(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    struct berth_create_opts o = {0};
    if (parse_create_opts(argc, argv, false, &o, err) < 0)
        return -1;
    return berth_create(ctx, &o, err);
}

static int cmd_run(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    struct berth_create_opts o = {0};
    if (parse_create_opts(argc, argv, true, &o, err) < 0)
        return -1;
    return berth_run(ctx, &o, err);
}

/* Commands whose only argument is the id, with no flags of their own. */
static int id_only(int argc, char **argv, const char **ret_id, berth_error **err)
{
    static const struct option none[] = {{NULL, 0, NULL, 0}};
    int c;
    while ((c = next_opt(argc, argv, "+", none, argv[0], err)) != -1)
        return -1;
    if (want_args(argv[0], argc, 1, 1, err) < 0)
        return -1;
    *ret_id = argv[optind];
    return 0;
}

static int cmd_start(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    const char *id;
    if (id_only(argc, argv, &id, err) < 0)
        return -1;
    return berth_start(ctx, id, err);
}

static int cmd_state(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    const char *id;
    char *json = NULL;
    if (id_only(argc, argv, &id, err) < 0 || berth_container_state(ctx, id, &json, err) < 0)
        return -1;
    printf("%s\n", json);
    free(json);
    return 0;
}

static int cmd_kill(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    bool all = false;
    int c;
    while ((c = next_opt(argc, argv, "+a", longopts, argv[0], err)) != -1) {
        if (c != 'a')
            return -1;
        all = true;
    }
    if (want_args(argv[0], argc, 1, 2, err) < 0)
        return -1;
    int sig = argc - optind == 2 ? berth_signal_parse(argv[optind + 1], err) : 15;
    if (sig < 0)
        return -1;
    return berth_kill(ctx, argv[optind], sig, all, err);
}

static int cmd_delete(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int c;
    while ((c = next_opt(argc, argv, "+f", longopts, argv[0], err)) != -1) {
        if (c != 'f')
            return -1;
        force = true;
    }
    if (want_args(argv[0], argc, 1, 1, err) < 0)
        return -1;
    return berth_delete(ctx, argv[optind], force, err);
}

static int cmd_list(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"quiet", no_argument, NULL, 'q'},
                                             {"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    bool quiet = false;
    enum berth_list_format format = BERTH_LIST_TABLE;
    int c;
    while ((c = next_opt(argc, argv, "+qf:", longopts, argv[0], err)) != -1) {
        if (c == 'q')
            quiet = true;
        else if (c == 'f' && strcmp(optarg, "json") == 0)
            format = BERTH_LIST_JSON;
        else if (c == 'f' && strcmp(optarg, "table") == 0)
            format = BERTH_LIST_TABLE;
        else if (c == 'f')
            return berth_error_new(err, 0, "list: --format: invalid format \"%s\"", optarg);
        else
            return -1;
    }
    if (want_args(argv[0], argc, 0, 0, err) < 0)
        return -1;
    return berth_list(ctx, format, quiet, stdout, err);
}

static int cmd_spec(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    static const struct option longopts[] = {{"bundle", required_argument, NULL, 'b'},
                                             {"rootless", no_argument, NULL, OPT_ROOTLESS},
                                             {NULL, 0, NULL, 0}};
    const char *bundle = NULL;
    bool rootless = false;
    int c;
    while ((c = next_opt(argc, argv, "+b:", longopts, argv[0], err)) != -1) {
        if (c == 'b')
            bundle = optarg;
        else if (c == OPT_ROOTLESS)
            rootless = true;
        else
            return -1;
    }
    if (want_args(argv[0], argc, 0, 0, err) < 0)
        return -1;
    return berth_spec(ctx, bundle, rootless, err);
}

static int cmd_help(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    berth_cli_usage(stdout);
    return 0;
}

/* The helpers above, for the command files beside this one (cli_internal.h). */
int berth_cli_next_opt(int argc, char **argv, const char *shortopts, const struct option *longopts,
                       const char *cmd, berth_error **err)
{
    return next_opt(argc, argv, shortopts, longopts, cmd, err);
}

int berth_cli_want_args(const char *cmd, int argc, int min, int max, berth_error **err)
{
    return want_args(cmd, argc, min, max, err);
}

int berth_cli_id_only(int argc, char **argv, const char **ret_id, berth_error **err)
{
    return id_only(argc, argv, ret_id, err);
}

int berth_cli_parse_int(const char *flag, const char *s, int *ret, berth_error **err)
{
    return parse_int(flag, s, ret, err);
}

static const struct command commands[] = {
    {"create", "[flags] <id>", "create a container (its process waits for `start`)", cmd_create},
    {"start", "<id>", "start the process of a created container", cmd_start},
    {"run", "[flags] <id>", "create and start a container, wait for it unless -d", cmd_run},
    {"state", "<id>", "print the state of a container as JSON", cmd_state},
    {"list", "[-q] [--format table|json]", "list containers", cmd_list},
    {"kill", "[--all] <id> [signal]", "send a signal (default SIGTERM)", cmd_kill},
    {"delete", "[--force] <id>", "delete a container and everything it holds", cmd_delete},
    {"spec", "[--bundle dir] [--rootless]", "write a default config.json", cmd_spec},
    {"pause", "<id>", "freeze every process of a container", berth_cmd_pause},
    {"resume", "<id>", "thaw a paused container", berth_cmd_resume},
    {"update", "[flags] <id>", "change the resource limits of a container", berth_cmd_update},
    {"events", "[--stats] [--interval T] <id>", "print resource usage as JSON", berth_cmd_events},
    {"exec", "[flags] <id> <cmd> [args]", "run a new process in a running container",
     berth_cmd_exec},
    {"ps", "[-f table|json] <id> [ps args]", "list the processes of a container", berth_cmd_ps},
    {"features", "", "print the runtime-spec features document", berth_cmd_features},
    {"help", "", "show this help", cmd_help},
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void berth_cli_usage(FILE *out)
{
    fprintf(out, "usage: berth [global flags] <command> [flags] [args]\n\n"
                 "global flags:\n"
                 "  --root DIR            state directory (default /run/berth)\n"
                 "  --log FILE            write log lines to FILE\n"
                 "  --log-format FORMAT   text (default) or json\n"
                 "  --debug               debug logging\n"
                 "  --systemd-cgroup      accepted for runc compatibility\n"
                 "  --rootless MODE       accepted for runc compatibility\n"
                 "  -v, --version         print the version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %-30s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

int berth_cli_dispatch(const struct berth_context *ctx, int argc, char **argv, berth_error **err)
{
    const struct command *cmd = find_command(argv[0]);
    if (cmd == NULL)
        return berth_error_new(err, 0, "unknown command \"%s\" (see berth --help)", argv[0]);
    optind = 1;
    return cmd->fn(ctx, argc, argv, err);
}
