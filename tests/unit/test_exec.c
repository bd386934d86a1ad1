/* The pure parts of exec, ps and features: the process exec runs (config
 * plus flags, or a --process file), ps(1) output filtering, and the shape
 * of the features document. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/config.h"
#include "oci/json.h"
#include "runtime/exec_process.h"
#include "runtime/features.h"
#include "runtime/ps.h"

#define CAP(n) (UINT64_C(1) << (n))

static const char base_config[] =
    "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"/tmp\"},"
    " \"process\": {\"args\": [\"/bin/sleep\", \"9\"], \"cwd\": \"/\","
    "  \"env\": [\"PATH=/bin\", \"KEEP=1\"], \"user\": {\"uid\": 0, \"gid\": 0},"
    "  \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"effective\": [\"CAP_KILL\"],"
    "   \"permitted\": [\"CAP_KILL\"]},"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 5, \"hard\": 6}]}}";

static berth_config *config(const char *text)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    int r = berth_config_parse(text, strlen(text), "/tmp/b", "config.json", &c, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    return c;
}

/* Builds from base_config with o; returns NULL and the error in *ret_msg. */
static berth_config *build(const struct berth_exec_opts *o, char **ret_msg)
{
    berth_config *c = config(base_config);
    berth_error *err = NULL;
    if (berth_exec_process_build(c, o, &err) == 0)
        return c;
    *ret_msg = strdup(err->msg);
    berth_error_free(&err);
    berth_config_free(c);
    return NULL;
}

static void expect_error(const struct berth_exec_opts *o, const char *want)
{
    char *msg = NULL;
    berth_config *c = build(o, &msg);
    cr_assert_null(c, "expected an error containing \"%s\"", want);
    cr_expect(strstr(msg, want) != NULL, "error \"%s\" lacks \"%s\"", msg, want);
    free(msg);
}

static char *cmd[] = {"/bin/echo", "hi", NULL};

Test(exec_process, command_replaces_args_and_keeps_the_rest)
{
    struct berth_exec_opts o = {.args = cmd};
    char *msg = NULL;
    berth_config *c = build(&o, &msg);
    cr_assert_not_null(c, "%s", msg);
    cr_expect_str_eq(c->process.args[0], "/bin/echo");
    cr_expect_str_eq(c->process.args[1], "hi");
    cr_expect_null(c->process.args[2]);
    cr_expect_str_eq(c->process.env[1], "KEEP=1");
    cr_expect_eq(c->process.caps.effective, CAP(5));
    cr_expect_eq(c->process.n_rlimits, 1);
    cr_expect_not(c->process.terminal);
    berth_config_free(c);
}

Test(exec_process, flags_override)
{
    char *env[] = {"KEEP=2", "NEW=x", NULL}, *gids[] = {"7,8", "9", NULL},
         *caps[] = {"CAP_SYS_ADMIN", NULL};
    struct berth_exec_opts o = {.args = cmd,
                                .env = env,
                                .cwd = "/tmp",
                                .user = "1000:1001",
                                .additional_gids = gids,
                                .caps = caps,
                                .tty = true,
                                .no_new_privs = true,
                                .apparmor = "prof",
                                .process_label = "lbl"};
    char *msg = NULL;
    berth_config *c = build(&o, &msg);
    cr_assert_not_null(c, "%s", msg);
    const berth_process_config *p = &c->process;
    cr_expect_str_eq(p->env[0], "PATH=/bin");
    cr_expect_str_eq(p->env[1], "KEEP=2");
    cr_expect_str_eq(p->env[2], "NEW=x");
    cr_expect_null(p->env[3]);
    cr_expect_str_eq(p->cwd, "/tmp");
    cr_expect_eq(p->uid, 1000);
    cr_expect_eq(p->gid, 1001);
    cr_assert_eq(p->n_additional_gids, 3);
    cr_expect_eq(p->additional_gids[0], 7);
    cr_expect_eq(p->additional_gids[2], 9);
    cr_expect_eq(p->caps.bounding, CAP(5) | CAP(21));
    cr_expect_eq(p->caps.effective, CAP(5) | CAP(21));
    cr_expect_eq(p->caps.permitted, CAP(5) | CAP(21));
    cr_expect_eq(p->caps.ambient, 0, "no ambient without inheritable");
    cr_expect(p->terminal);
    cr_expect(p->no_new_privileges);
    cr_expect_str_eq(p->apparmor_profile, "prof");
    cr_expect_str_eq(p->selinux_label, "lbl");
    berth_config_free(c);
}

Test(exec_process, user_without_gid_keeps_gid)
{
    uint32_t uid = 1, gid = 42;
    berth_error *err = NULL;
    cr_assert_eq(berth_exec_parse_user("1000", &uid, &gid, &err), 0);
    cr_expect_eq(uid, 1000);
    cr_expect_eq(gid, 42);
}

Test(exec_process, bad_flags)
{
    char *bad_env[] = {"NOEQ", NULL}, *bad_gid[] = {"1,x", NULL}, *bad_cap[] = {"kill", NULL},
         *unknown_cap[] = {"CAP_NOPE", NULL};
    expect_error(&(struct berth_exec_opts){.args = cmd, .user = "root"},
                 "--user: invalid id \"root\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .user = "1:"}, "--user: invalid id \"\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .user = "-1"}, "--user: invalid id \"-1\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .user = "4294967295"},
                 "--user: invalid id \"4294967295\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .env = bad_env},
                 "--env: \"NOEQ\" must be NAME=VALUE");
    expect_error(&(struct berth_exec_opts){.args = cmd, .additional_gids = bad_gid},
                 "--additional-gids: invalid id \"x\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .caps = bad_cap},
                 "--cap: unknown capability \"kill\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .caps = unknown_cap},
                 "--cap: unknown capability \"CAP_NOPE\"");
    expect_error(&(struct berth_exec_opts){.args = cmd, .cwd = "rel"},
                 "--cwd: \"rel\" is not an absolute path");
    expect_error(&(struct berth_exec_opts){0}, "a command (or --process FILE) is required");
    expect_error(&(struct berth_exec_opts){.args = cmd, .process_file = "/x"},
                 "--process and a command are mutually exclusive");
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/berth-test-process-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(exec_process, process_file_replaces_the_process)
{
    char *path = write_temp("{\"args\": [\"/bin/id\"], \"cwd\": \"/root\", \"env\": [\"A=b\"],"
                            " \"user\": {\"uid\": 5, \"gid\": 6}, \"terminal\": true}");
    char *env[] = {"IGNORED=1", NULL};
    struct berth_exec_opts o = {.process_file = path, .env = env, .user = "7"};
    char *msg = NULL;
    berth_config *c = build(&o, &msg);
    cr_assert_not_null(c, "%s", msg);
    cr_expect_str_eq(c->process.args[0], "/bin/id");
    cr_expect_str_eq(c->process.cwd, "/root");
    cr_expect_str_eq(c->process.env[0], "A=b");
    cr_expect_null(c->process.env[1], "the flags do not apply to a process file");
    cr_expect_eq(c->process.uid, 5);
    cr_expect_eq(c->process.n_rlimits, 0, "nothing is kept from config.json");
    cr_expect(c->process.terminal);
    berth_config_free(c);
    unlink(path);
    free(path);
}

Test(exec_process, process_file_errors_name_file_and_field)
{
    char *path = write_temp("{\"args\": [], \"cwd\": \"/\"}");
    char want[256];
    snprintf(want, sizeof(want), "--process: %s: process.args: must be a non-empty array", path);
    expect_error(&(struct berth_exec_opts){.process_file = path}, want);
    unlink(path);
    free(path);
    path = write_temp("[1]");
    snprintf(want, sizeof(want), "%s: expected an object at the top level", path);
    expect_error(&(struct berth_exec_opts){.process_file = path}, want);
    unlink(path);
    free(path);
    path = write_temp("{\"args\": [\"x\"], \"cwd\": \"relative\"}");
    expect_error(&(struct berth_exec_opts){.process_file = path}, "process.cwd");
    unlink(path);
    free(path);
    expect_error(&(struct berth_exec_opts){.process_file = "/nonexistent/p.json"},
                 "No such file or directory");
}

/* --- ps ------------------------------------------------------------------------- */

static char *filter(const char *text, const pid_t *pids, size_t n, char **ret_err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    berth_error *err = NULL;
    int r = berth_ps_filter(text, strlen(text), pids, n, out, &err);
    fclose(out);
    if (r < 0) {
        *ret_err = strdup(err->msg);
        berth_error_free(&err);
        free(buf);
        return NULL;
    }
    return buf;
}

Test(ps, keeps_header_and_container_lines)
{
    static const char text[] = "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                               "root           1       0  0 04:27 ?        00:00:01 /sbin/init\n"
                               "root        4398    4390  0 04:59 ?        00:00:00 sleep 100\n"
                               "root       43981       1  0 04:59 ?        00:00:00 other\n"
                               "root        4500    4398  0 05:00 pts/0    00:00:00 sh -c x\n";
    pid_t pids[] = {4398, 4500};
    char *e = NULL, *out = filter(text, pids, 2, &e);
    cr_assert_not_null(out, "%s", e);
    cr_expect_str_eq(out, "UID          PID    PPID  C STIME TTY          TIME CMD\n"
                          "root        4398    4390  0 04:59 ?        00:00:00 sleep 100\n"
                          "root        4500    4398  0 05:00 pts/0    00:00:00 sh -c x\n");
    free(out);
}

Test(ps, pid_column_anywhere_and_no_trailing_newline)
{
    pid_t pids[] = {7};
    char *e = NULL, *out = filter("COMMAND PID\nsleep 7\nsh 77", pids, 1, &e);
    cr_assert_not_null(out, "%s", e);
    cr_expect_str_eq(out, "COMMAND PID\nsleep 7\n");
    free(out);
}

Test(ps, errors)
{
    pid_t pids[] = {1};
    char *e = NULL;
    cr_expect_null(filter("COMMAND\nsleep\n", pids, 1, &e));
    cr_expect(strstr(e, "no PID column") != NULL, "%s", e);
    free(e);
    e = NULL;
    cr_expect_null(filter("PID CMD\nabc sleep\n", pids, 1, &e));
    cr_expect(strstr(e, "no pid in column 1") != NULL, "%s", e);
    free(e);
}

/* --- features ----------------------------------------------------------------- */

static bool list_has(const berth_json *list, const char *name)
{
    for (size_t i = 0; list != NULL && i < list->u.array.len; i++)
        if (strcmp(list->u.array.items[i]->u.s, name) == 0)
            return true;
    return false;
}

Test(features, document)
{
    struct berth_context ctx = {0};
    char *text = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_features_json(&ctx, &text, &err), 0);
    berth_json *doc = NULL;
    cr_assert_eq(berth_json_parse(text, strlen(text), "features", &doc, &err), 0);
    cr_expect_str_eq(berth_json_get(doc, "ociVersionMin")->u.s, "1.0.0");
    const berth_json *opts = berth_json_get(doc, "mountOptions");
    cr_expect(list_has(opts, "rro") && list_has(opts, "rbind") && list_has(opts, "nosymfollow"));
    cr_expect(!list_has(opts, "remount"), "options berth refuses are not listed");
    cr_expect(list_has(opts, "idmap") && list_has(opts, "ridmap"), "idmapped binds are listed");
    cr_expect(!list_has(opts, "tmpcopyup") && !list_has(opts, "loud"),
              "options berth ignores are not listed");
    const berth_json *lx = berth_json_get(doc, "linux");
    const berth_json *ns = berth_json_get(lx, "namespaces");
    cr_expect(list_has(ns, "pid") && list_has(ns, "cgroup") && list_has(ns, "time"));
    cr_expect_eq(list_has(ns, "user"), BERTH_FEATURES_USER_NAMESPACE);
    cr_expect(list_has(berth_json_get(lx, "capabilities"), "CAP_SYS_ADMIN"));
    const berth_json *sc = berth_json_get(lx, "seccomp");
    cr_expect(list_has(berth_json_get(sc, "actions"), "SCMP_ACT_ERRNO"));
    cr_expect(list_has(berth_json_get(sc, "operators"), "SCMP_CMP_MASKED_EQ"));
    cr_expect(list_has(berth_json_get(sc, "archs"), "SCMP_ARCH_X86_64"));
    cr_expect(!list_has(berth_json_get(sc, "archs"), "SCMP_ARCH_S390X"),
              "a big-endian architecture cannot join an x86_64 filter");
    cr_expect(!berth_json_get(berth_json_get(lx, "apparmor"), "enabled")->u.b);
    berth_json_free(doc);
    free(text);
}
