/* config.json parsing and validation (oci/config*.c). Each bad input checks
 * that the message names the file and the JSON path of the field. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/config.h"

static char bundle[64]; /* a short mkdtemp path */

static void make_bundle(void)
{
    strcpy(bundle, "/tmp/berth-test-config-XXXXXX");
    cr_assert_not_null(mkdtemp(bundle));
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/rootfs", bundle);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/afile", bundle);
    int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    cr_assert_geq(fd, 0);
    close(fd);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static void remove_bundle(void)
{
    nftw(bundle, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(config, .init = make_bundle, .fini = remove_bundle);

/* Building blocks of test documents. */
#define VER "\"ociVersion\": \"1.2.0\""
#define ROOT "\"root\": {\"path\": \"rootfs\"}"
#define PROC "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}"
#define DOC(...) "{" VER ", " ROOT ", " __VA_ARGS__ "}"
#define WITH_PROC(...) DOC(PROC ", " __VA_ARGS__)
#define PROC_WITH(...) DOC("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", " __VA_ARGS__ "}")

static berth_config *ok(const char *json)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    int r = berth_config_parse(json, strlen(json), bundle, "config.json", &c, &err);
    cr_assert_eq(r, 0, "parse failed: %s\n%s", err ? err->msg : "?", json);
    cr_assert_null(err);
    cr_assert_not_null(c);
    return c;
}

/* Parses a document that must fail; checks the message contains `want`. */
static void bad(const char *json, const char *want)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    int r = berth_config_parse(json, strlen(json), bundle, "config.json", &c, &err);
    cr_assert_lt(r, 0, "parse of %s succeeded (wanted %s)", json, want);
    cr_assert_not_null(err);
    cr_assert_null(c);
    cr_expect(strstr(err->msg, want) != NULL, "message \"%s\" lacks \"%s\"", err->msg, want);
    cr_expect_null(strchr(err->msg, '\n'), "message spans lines: %s", err->msg);
    berth_error_free(&err);
}

Test(config, minimal_defaults)
{
    berth_config *c = ok(DOC(PROC));
    cr_expect_str_eq(c->oci_version, "1.2.0");
    cr_expect_str_eq(c->bundle, bundle);
    char want[PATH_MAX];
    snprintf(want, sizeof(want), "%s/rootfs", bundle);
    cr_expect_str_eq(c->root_path, want);
    cr_expect_not(c->root_readonly);
    cr_expect(c->has_process);
    cr_expect_str_eq(c->process.args[0], "sh");
    cr_expect_null(c->process.args[1]);
    cr_assert_not_null(c->process.env, "env is an empty list, not NULL");
    cr_expect_null(c->process.env[0]);
    cr_expect_str_eq(c->process.cwd, "/");
    cr_expect_eq(c->process.uid, 0);
    cr_expect_eq(c->process.gid, 0);
    cr_expect_not(c->process.has_umask);
    cr_expect_not(c->process.caps.present);
    cr_expect_not(c->process.has_oom_score_adj);
    cr_expect_eq(c->process.n_rlimits, 0);
    cr_expect_null(c->hostname);
    cr_expect_null(c->annotations);
    cr_expect_eq(c->n_mounts, 0);
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        cr_expect_not(c->ns[k].present);
    cr_expect_eq(c->hooks_prestart.len, 0);
    cr_expect_not_null(c->json);
    berth_config_free(c);
}

Test(config, not_json_or_not_object)
{
    bad("{\n  \"ociVersion\": }", "config.json:2:");
    bad("[]", "config.json: expected an object");
    bad("", "config.json:1:1:");
}

Test(config, oci_version)
{
    bad("{" ROOT ", " PROC "}", "config.json: ociVersion: missing");
    bad("{\"ociVersion\": \"2.0.0\", " ROOT ", " PROC "}",
        "config.json: ociVersion: unsupported ociVersion \"2.0.0\"");
    bad("{\"ociVersion\": 1, " ROOT ", " PROC "}", "config.json: ociVersion: expected a string");
    const char *good[] = {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.1", "1.2.0+meta", "1.0.0-rc5"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char doc[256];
        snprintf(doc, sizeof(doc), "{\"ociVersion\": \"%s\", " ROOT ", " PROC "}", good[i]);
        berth_config_free(ok(doc));
    }
    const char *rejected[] = {"1.3.0", "1.0", "1.0.x", "10.0.0", "1.01.0", "", "1.2.0dev"};
    for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
        char doc[256], want[64];
        snprintf(doc, sizeof(doc), "{\"ociVersion\": \"%s\", " ROOT ", " PROC "}", rejected[i]);
        snprintf(want, sizeof(want), "unsupported ociVersion \"%s\"", rejected[i]);
        bad(doc, want);
    }
}

Test(config, root)
{
    bad("{" VER ", " PROC "}", "config.json: root: missing");
    bad("{" VER ", \"root\": {}, " PROC "}", "config.json: root.path: missing");
    bad("{" VER ", \"root\": {\"path\": \"\"}, " PROC "}",
        "config.json: root.path: must not be empty");
    bad("{" VER ", \"root\": \"rootfs\", " PROC "}", "config.json: root: expected an object");
    bad("{" VER ", \"root\": {\"path\": \"rootfs\", \"readonly\": 1}, " PROC "}",
        "config.json: root.readonly: expected a boolean");
    char doc[1024], want[PATH_MAX + 128];
    snprintf(want, sizeof(want), "config.json: root.path: stat `%s/nope`: No such file", bundle);
    bad("{" VER ", \"root\": {\"path\": \"nope\"}, " PROC "}", want);
    snprintf(want, sizeof(want), "config.json: root.path: `%s/afile`: Not a directory", bundle);
    bad("{" VER ", \"root\": {\"path\": \"afile\"}, " PROC "}", want);

    snprintf(doc, sizeof(doc),
             "{" VER ", \"root\": {\"path\": \"%s/rootfs\", \"readonly\": true}, " PROC "}",
             bundle);
    berth_config *c = ok(doc);
    snprintf(want, sizeof(want), "%s/rootfs", bundle);
    cr_expect_str_eq(c->root_path, want);
    cr_expect(c->root_readonly);
    berth_config_free(c);

    c = ok("{" VER ", \"root\": {\"path\": \"./x/../rootfs//\"}, " PROC "}");
    cr_expect_str_eq(c->root_path, want, "relative root is cleaned");
    berth_config_free(c);
}

Test(config, process_args_cwd_env)
{
    bad(DOC("\"hostname\": null"), "config.json: process: missing");
    bad(DOC("\"process\": []"), "config.json: process: expected an object");
    bad(DOC("\"process\": {\"cwd\": \"/\"}"), "config.json: process.args: missing");
    bad(DOC("\"process\": {\"args\": [], \"cwd\": \"/\"}"),
        "config.json: process.args: must be a non-empty array of strings");
    bad(DOC("\"process\": {\"args\": \"sh\", \"cwd\": \"/\"}"),
        "config.json: process.args: expected an array");
    bad(DOC("\"process\": {\"args\": [\"sh\", 3], \"cwd\": \"/\"}"),
        "config.json: process.args[1]: expected a string");
    bad(DOC("\"process\": {\"args\": [\"sh\"]}"), "config.json: process.cwd: missing");
    bad(DOC("\"process\": {\"args\": [\"sh\"], \"cwd\": \"tmp\"}"),
        "config.json: process.cwd: must be an absolute path");
    bad(PROC_WITH("\"env\": [\"A=1\", \"B\"]"),
        "config.json: process.env[1]: \"B\" must be NAME=VALUE");
    bad(PROC_WITH("\"env\": [\"=1\"]"),
        "config.json: process.env[0]: variable name must not be empty");
    bad(PROC_WITH("\"env\": {}"), "config.json: process.env: expected an array");

    berth_config *c = ok(DOC("\"process\": {\"args\": [\"/bin/echo\", \"a b\", \"\"], "
                             "\"cwd\": \"/work\", \"env\": [\"A=1\", \"B=\", \"C=x=y\"]}"));
    cr_expect_str_eq(c->process.args[0], "/bin/echo");
    cr_expect_str_eq(c->process.args[1], "a b");
    cr_expect_str_eq(c->process.args[2], "");
    cr_expect_null(c->process.args[3]);
    cr_expect_str_eq(c->process.cwd, "/work");
    cr_expect_str_eq(c->process.env[0], "A=1");
    cr_expect_str_eq(c->process.env[1], "B=");
    cr_expect_str_eq(c->process.env[2], "C=x=y");
    cr_expect_null(c->process.env[3]);
    berth_config_free(c);
}

Test(config, process_terminal_console)
{
    bad(PROC_WITH("\"terminal\": \"yes\""), "config.json: process.terminal: expected a boolean");
    bad(PROC_WITH("\"consoleSize\": {\"height\": -1}"),
        "config.json: process.consoleSize.height: -1 is out of range");
    bad(PROC_WITH("\"consoleSize\": {\"width\": 1.5}"),
        "config.json: process.consoleSize.width: expected an integer");
    bad(PROC_WITH("\"consoleSize\": 3"), "config.json: process.consoleSize: expected an object");
    berth_config *c = ok(PROC_WITH("\"terminal\": true, \"consoleSize\": {\"height\": 25, "
                                   "\"width\": 80}"));
    cr_expect(c->process.terminal);
    cr_expect_eq(c->process.console_height, 25);
    cr_expect_eq(c->process.console_width, 80);
    berth_config_free(c);
}

Test(config, process_user)
{
    bad(PROC_WITH("\"user\": {\"uid\": -1}"), "config.json: process.user.uid: -1 is out of range");
    bad(PROC_WITH("\"user\": {\"uid\": 4294967296}"), "config.json: process.user.uid:");
    bad(PROC_WITH("\"user\": {\"gid\": \"0\"}"),
        "config.json: process.user.gid: expected a number");
    bad(PROC_WITH("\"user\": {\"umask\": true}"),
        "config.json: process.user.umask: expected a number");
    bad(PROC_WITH("\"user\": {\"additionalGids\": [1, \"x\"]}"),
        "config.json: process.user.additionalGids[1]: expected a group id");
    bad(PROC_WITH("\"user\": {\"additionalGids\": [-3]}"),
        "config.json: process.user.additionalGids[0]: expected a group id");
    bad(PROC_WITH("\"user\": []"), "config.json: process.user: expected an object");
    berth_config *c = ok(PROC_WITH("\"user\": {\"uid\": 1000, \"gid\": 4294967295, \"umask\": 18, "
                                   "\"additionalGids\": [5, 10, 0]}"));
    cr_expect_eq(c->process.uid, 1000);
    cr_expect_eq(c->process.gid, 4294967295u);
    cr_expect(c->process.has_umask);
    cr_expect_eq(c->process.umask, 022);
    cr_assert_eq(c->process.n_additional_gids, 3);
    cr_expect_eq(c->process.additional_gids[0], 5);
    cr_expect_eq(c->process.additional_gids[1], 10);
    cr_expect_eq(c->process.additional_gids[2], 0);
    berth_config_free(c);
}

#define BIT(cap) (UINT64_C(1) << (cap))

Test(config, process_capabilities)
{
    berth_config *c = ok(PROC_WITH(
        "\"capabilities\": {\"bounding\": [\"CAP_KILL\", \"CAP_CHOWN\", \"CAP_NOPE\"], "
        "\"effective\": [\"CAP_KILL\"], \"inheritable\": [], \"permitted\": [\"CAP_SYS_ADMIN\", "
        "\"cap_kill\", \"12\"], \"ambient\": [\"CAP_NOPE\", \"CAP_NET_BIND_SERVICE\"]}"));
    berth_caps_config *k = &c->process.caps;
    cr_expect(k->present);
    cr_expect_eq(k->bounding, BIT(CAP_KILL) | BIT(CAP_CHOWN));
    cr_expect_eq(k->effective, BIT(CAP_KILL));
    cr_expect_eq(k->inheritable, 0);
    cr_expect_eq(k->permitted, BIT(CAP_SYS_ADMIN));
    cr_expect_eq(k->ambient, BIT(CAP_NET_BIND_SERVICE));
    /* Unknown names are collected once each; runc accepts only CAP_ names. */
    cr_assert_not_null(k->unknown);
    cr_expect_str_eq(k->unknown[0], "CAP_NOPE");
    cr_expect_str_eq(k->unknown[1], "cap_kill");
    cr_expect_str_eq(k->unknown[2], "12");
    cr_expect_null(k->unknown[3]);
    berth_config_free(c);

    c = ok(PROC_WITH("\"capabilities\": {}"));
    cr_expect(c->process.caps.present);
    cr_expect_null(c->process.caps.unknown);
    berth_config_free(c);

    bad(PROC_WITH("\"capabilities\": {\"effective\": [\"CAP_KILL\", 7]}"),
        "config.json: process.capabilities.effective[1]: expected a string");
    bad(PROC_WITH("\"capabilities\": {\"ambient\": \"CAP_KILL\"}"),
        "config.json: process.capabilities.ambient: expected an array");
    bad(PROC_WITH("\"capabilities\": [\"CAP_KILL\"]"),
        "config.json: process.capabilities: expected an object");
}

Test(config, process_rlimits)
{
    berth_config *c =
        ok(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 4096}, "
                     "{\"type\": \"RLIMIT_CORE\", \"soft\": 18446744073709551615, "
                     "\"hard\": 18446744073709551615}, {\"type\": \"RLIMIT_RTTIME\", \"soft\": 0, "
                     "\"hard\": 0}]"));
    cr_assert_eq(c->process.n_rlimits, 3);
    cr_expect_eq(c->process.rlimits[0].resource, RLIMIT_NOFILE);
    cr_expect_eq(c->process.rlimits[0].soft, 1024);
    cr_expect_eq(c->process.rlimits[0].hard, 4096);
    cr_expect_eq(c->process.rlimits[1].resource, RLIMIT_CORE);
    cr_expect_eq(c->process.rlimits[1].soft, UINT64_MAX);
    cr_expect_eq(c->process.rlimits[1].hard, UINT64_MAX);
    cr_expect_eq(c->process.rlimits[2].resource, RLIMIT_RTTIME);
    berth_config_free(c);

    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]"),
        "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 5}]"),
        "config.json: process.rlimits[0]: soft limit 10 exceeds hard limit 5");
    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_NPROC\", \"soft\": 1, \"hard\": 1}, "
                  "{\"type\": \"RLIMIT_NPROC\", \"soft\": 2, \"hard\": 2}]"),
        "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NPROC\"");
    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 5}]"),
        "config.json: process.rlimits[0].soft: missing");
    bad(PROC_WITH("\"rlimits\": [{\"soft\": 1, \"hard\": 5}]"),
        "config.json: process.rlimits[0].type: missing");
    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": -1, \"hard\": 5}]"),
        "config.json: process.rlimits[0].soft: expected an unsigned 64-bit integer");
    bad(PROC_WITH("\"rlimits\": [{\"type\": \"RLIMIT_AS\", \"soft\": 1, \"hard\": 2.5}]"),
        "config.json: process.rlimits[0].hard: expected an unsigned 64-bit integer");
    bad(PROC_WITH("\"rlimits\": [\"RLIMIT_AS\"]"),
        "config.json: process.rlimits[0]: expected an object");
    bad(PROC_WITH("\"rlimits\": {}"), "config.json: process.rlimits: expected an array");
}

Test(config, process_security)
{
    berth_config *c = ok(PROC_WITH("\"noNewPrivileges\": true, \"oomScoreAdj\": -999, "
                                   "\"apparmorProfile\": \"prof\", \"selinuxLabel\": \"lbl\""));
    cr_expect(c->process.no_new_privileges);
    cr_expect(c->process.has_oom_score_adj);
    cr_expect_eq(c->process.oom_score_adj, -999);
    cr_expect_str_eq(c->process.apparmor_profile, "prof");
    cr_expect_str_eq(c->process.selinux_label, "lbl");
    berth_config_free(c);

    bad(PROC_WITH("\"oomScoreAdj\": 1001"),
        "config.json: process.oomScoreAdj: 1001 is out of range");
    bad(PROC_WITH("\"noNewPrivileges\": 1"),
        "config.json: process.noNewPrivileges: expected a boolean");
    bad(PROC_WITH("\"apparmorProfile\": 1"),
        "config.json: process.apparmorProfile: expected a string");
    bad(PROC_WITH("\"selinuxLabel\": []"), "config.json: process.selinuxLabel: expected a string");
}

Test(config, mounts)
{
    berth_config *c = ok(WITH_PROC(
        "\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}, "
        "{\"destination\": \"/data\", \"source\": \"./data\", \"options\": [\"rbind\", \"ro\"]}]"));
    cr_assert_eq(c->n_mounts, 2);
    cr_expect_str_eq(c->mounts[0].destination, "/proc");
    cr_expect_str_eq(c->mounts[0].type, "proc");
    cr_expect_str_eq(c->mounts[0].source, "proc");
    cr_expect_null(c->mounts[0].options);
    cr_expect_eq(c->mounts[0].n_options, 0);
    cr_expect_null(c->mounts[1].type);
    cr_expect_str_eq(c->mounts[1].source, "./data", "sources are kept raw");
    cr_assert_eq(c->mounts[1].n_options, 2);
    cr_expect_str_eq(c->mounts[1].options[0], "rbind");
    cr_expect_str_eq(c->mounts[1].options[1], "ro");
    cr_expect_null(c->mounts[1].options[2]);
    berth_config_free(c);

    bad(WITH_PROC("\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"b\"}]"),
        "config.json: mounts[1].destination: must be an absolute path");
    bad(WITH_PROC("\"mounts\": [{\"type\": \"tmpfs\"}]"),
        "config.json: mounts[0].destination: missing");
    bad(WITH_PROC("\"mounts\": [{\"destination\": \"/a\", \"options\": [\"ro\", 1]}]"),
        "config.json: mounts[0].options[1]: expected a string");
    bad(WITH_PROC("\"mounts\": [{\"destination\": \"/a\", \"type\": 5}]"),
        "config.json: mounts[0].type: expected a string");
    bad(WITH_PROC("\"mounts\": [{\"destination\": \"/a\", \"source\": {}}]"),
        "config.json: mounts[0].source: expected a string");
    bad(WITH_PROC("\"mounts\": [\"/a\"]"), "config.json: mounts[0]: expected an object");
    bad(WITH_PROC("\"mounts\": {}"), "config.json: mounts: expected an array");
}

#define NS(...) WITH_PROC("\"linux\": {\"namespaces\": [" __VA_ARGS__ "]}")

Test(config, namespaces)
{
    berth_config *c =
        ok(NS("{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}, "
              "{\"type\": \"mount\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, "
              "{\"type\": \"cgroup\"}, {\"type\": \"time\"}"));
    cr_expect(c->ns[BERTH_NS_PID].present);
    cr_expect_null(c->ns[BERTH_NS_PID].path);
    cr_expect(c->ns[BERTH_NS_NETWORK].present);
    cr_expect_str_eq(c->ns[BERTH_NS_NETWORK].path, "/proc/1/ns/net");
    cr_expect(c->ns[BERTH_NS_MOUNT].present);
    cr_expect(c->ns[BERTH_NS_IPC].present);
    cr_expect(c->ns[BERTH_NS_UTS].present);
    cr_expect(c->ns[BERTH_NS_CGROUP].present);
    cr_expect(c->ns[BERTH_NS_TIME].present);
    cr_expect_not(c->ns[BERTH_NS_USER].present);
    berth_config_free(c);

    bad(NS("{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"foo\"}"),
        "config.json: linux.namespaces[2].type: unknown namespace type \"foo\"");
    bad(NS("{\"type\": \"pid\"}, {\"type\": \"pid\"}"),
        "config.json: linux.namespaces[1].type: duplicate namespace type \"pid\"");
    bad(NS("{\"type\": \"net\"}"), "config.json: linux.namespaces[0].type: unknown namespace type");
    bad(NS("{\"type\": \"pid\", \"path\": \"proc/1/ns/pid\"}"),
        "config.json: linux.namespaces[0].path: must be an absolute path");
    bad(NS("{\"path\": \"/x\"}"), "config.json: linux.namespaces[0].type: missing");
    bad(NS("\"pid\""), "config.json: linux.namespaces[0]: expected an object");
    bad(WITH_PROC("\"linux\": {\"namespaces\": {}}"),
        "config.json: linux.namespaces: expected an array");
    bad(WITH_PROC("\"linux\": []"), "config.json: linux: expected an object");
}

Test(config, ns_kind_names)
{
    cr_expect_eq(berth_ns_kind_from_name("user"), BERTH_NS_USER);
    cr_expect_eq(berth_ns_kind_from_name("network"), BERTH_NS_NETWORK);
    cr_expect_eq(berth_ns_kind_from_name("time"), BERTH_NS_TIME);
    cr_expect_eq(berth_ns_kind_from_name("net"), -1);
    cr_expect_eq(berth_ns_kind_from_name(""), -1);
    for (int k = 0; k < BERTH_NS_COUNT; k++) {
        cr_assert_not_null(berth_ns_kind_name(k));
        cr_expect_eq(berth_ns_kind_from_name(berth_ns_kind_name(k)), k);
        cr_expect_neq(berth_ns_kind_clone_flag(k), 0);
    }
    cr_expect_str_eq(berth_ns_kind_name(BERTH_NS_MOUNT), "mount");
    cr_expect_eq(berth_ns_kind_clone_flag(BERTH_NS_MOUNT), CLONE_NEWNS);
    cr_expect_eq(berth_ns_kind_clone_flag(BERTH_NS_USER), CLONE_NEWUSER);
    cr_expect_eq(berth_ns_kind_clone_flag(BERTH_NS_CGROUP), CLONE_NEWCGROUP);
    cr_expect_null(berth_ns_kind_name(BERTH_NS_COUNT));
    cr_expect_eq(berth_ns_kind_clone_flag(BERTH_NS_COUNT), 0);
}

#define USERNS "\"namespaces\": [{\"type\": \"user\"}]"
#define MAP(c, h, s) "{\"containerID\": " #c ", \"hostID\": " #h ", \"size\": " #s "}"

Test(config, id_mappings)
{
    berth_config *c = ok(WITH_PROC("\"linux\": {" USERNS ", \"uidMappings\": [" MAP(
        0, 1000, 1) ", " MAP(1, 100000, 65536) "], \"gidMappings\": [" MAP(0, 100, 1) "]}"));
    cr_assert_eq(c->n_uid_mappings, 2);
    cr_expect_eq(c->uid_mappings[0].container_id, 0);
    cr_expect_eq(c->uid_mappings[0].host_id, 1000);
    cr_expect_eq(c->uid_mappings[0].size, 1);
    cr_expect_eq(c->uid_mappings[1].container_id, 1);
    cr_expect_eq(c->uid_mappings[1].host_id, 100000);
    cr_expect_eq(c->uid_mappings[1].size, 65536);
    cr_assert_eq(c->n_gid_mappings, 1);
    cr_expect_eq(c->gid_mappings[0].host_id, 100);
    berth_config_free(c);

    bad(WITH_PROC("\"linux\": {" USERNS
                  ", \"uidMappings\": [" MAP(0, 1000, 0) "], "
                                                         "\"gidMappings\": [" MAP(0, 100, 1) "]}"),
        "config.json: linux.uidMappings[0].size: must be greater than 0");
    bad(WITH_PROC("\"linux\": {" USERNS ", \"uidMappings\": [" MAP(
            0, 1000, 1) "], "
                        "\"gidMappings\": [{\"containerID\": 0, \"size\": 1}]}"),
        "config.json: linux.gidMappings[0].hostID: missing");
    bad(WITH_PROC("\"linux\": {" USERNS ", \"uidMappings\": [" MAP(-1, 1000, 1) "]}"),
        "config.json: linux.uidMappings[0].containerID: -1 is out of range");
    bad(WITH_PROC("\"linux\": {" USERNS ", \"uidMappings\": [" MAP(0, 1000, 1) "]}"),
        "config.json: linux.gidMappings: a new user namespace needs mappings");
    bad(WITH_PROC("\"linux\": {" USERNS "}"),
        "config.json: linux.uidMappings: a new user namespace needs mappings");
    bad(WITH_PROC("\"linux\": {\"uidMappings\": [" MAP(0, 1000, 1) "]}"),
        "config.json: linux.uidMappings: mappings need a user namespace");
    bad(WITH_PROC("\"linux\": {\"uidMappings\": [1]}"),
        "config.json: linux.uidMappings[0]: expected an object");

    /* Joining an existing user namespace needs no mappings. */
    c = ok(WITH_PROC(
        "\"linux\": {\"namespaces\": [{\"type\": \"user\", \"path\": \"/proc/1/ns/user\"}]}"));
    cr_expect_str_eq(c->ns[BERTH_NS_USER].path, "/proc/1/ns/user");
    berth_config_free(c);
}

Test(config, devices)
{
    berth_config *c = ok(WITH_PROC(
        "\"linux\": {\"devices\": [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, "
        "\"minor\": 229, \"fileMode\": 438, \"uid\": 0, \"gid\": 5}, {\"path\": \"/dev/fifo\", "
        "\"type\": \"p\"}, {\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8, \"minor\": "
        "0}]}"));
    cr_assert_eq(c->n_devices, 3);
    berth_device_config *d = c->devices;
    cr_expect_str_eq(d[0].path, "/dev/fuse");
    cr_expect_eq(d[0].type, 'c');
    cr_expect_eq(d[0].major, 10);
    cr_expect_eq(d[0].minor, 229);
    cr_expect(d[0].has_file_mode && d[0].file_mode == 0666);
    cr_expect(d[0].has_uid && d[0].uid == 0);
    cr_expect(d[0].has_gid && d[0].gid == 5);
    cr_expect_eq(d[1].type, 'p');
    cr_expect_not(d[1].has_file_mode);
    cr_expect_not(d[1].has_uid);
    cr_expect_not(d[1].has_gid);
    cr_expect_eq(d[2].type, 'b');
    cr_expect_eq(d[2].major, 8);
    berth_config_free(c);

    bad(WITH_PROC(
            "\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"minor\": 1}]}"),
        "config.json: linux.devices[0].major: missing");
    bad(WITH_PROC(
            "\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"u\", \"major\": 1}]}"),
        "config.json: linux.devices[0].minor: missing");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"x\"}]}"),
        "config.json: linux.devices[0].type: unknown device type \"x\"");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"cb\"}]}"),
        "config.json: linux.devices[0].type: unknown device type \"cb\"");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"path\": \"dev/x\", \"type\": \"p\"}]}"),
        "config.json: linux.devices[0].path: must be an absolute path");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"type\": \"p\"}]}"),
        "config.json: linux.devices[0].path: missing");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"path\": \"/dev/x\"}]}"),
        "config.json: linux.devices[0].type: missing");
    bad(WITH_PROC(
            "\"linux\": {\"devices\": [{\"path\": \"/a\", \"type\": \"p\"}, {\"path\": \"/b\", "
            "\"type\": \"p\", \"fileMode\": -1}]}"),
        "config.json: linux.devices[1].fileMode: -1 is out of range");
    bad(WITH_PROC(
            "\"linux\": {\"devices\": [{\"path\": \"/a\", \"type\": \"p\", \"uid\": \"0\"}]}"),
        "config.json: linux.devices[0].uid: expected a number");
    bad(WITH_PROC("\"linux\": {\"devices\": [{\"path\": \"/a\", \"type\": \"p\", \"gid\": 1.5}]}"),
        "config.json: linux.devices[0].gid: expected an integer");
}

Test(config, linux_paths_and_strings)
{
    berth_config *c = ok(
        WITH_PROC("\"linux\": {\"cgroupsPath\": \"/berth/x\", \"rootfsPropagation\": \"rslave\", "
                  "\"maskedPaths\": [\"/proc/kcore\", \"/sys/firmware\"], \"readonlyPaths\": "
                  "[\"/proc/sys\"], "
                  "\"mountLabel\": \"system_u:object_r:container_file_t:s0\"}"));
    cr_expect_str_eq(c->cgroups_path, "/berth/x");
    cr_expect_str_eq(c->rootfs_propagation, "rslave");
    cr_assert_eq(c->n_masked_paths, 2);
    cr_expect_str_eq(c->masked_paths[1], "/sys/firmware");
    cr_expect_null(c->masked_paths[2]);
    cr_assert_eq(c->n_readonly_paths, 1);
    cr_expect_str_eq(c->readonly_paths[0], "/proc/sys");
    cr_expect_str_eq(c->mount_label, "system_u:object_r:container_file_t:s0");
    berth_config_free(c);

    const char *props[] = {"private", "rprivate", "slave",      "rslave",
                           "shared",  "rshared",  "unbindable", "runbindable"};
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        char doc[512];
        snprintf(doc, sizeof(doc), WITH_PROC("\"linux\": {\"rootfsPropagation\": \"%s\"}"),
                 props[i]);
        c = ok(doc);
        cr_expect_str_eq(c->rootfs_propagation, props[i]);
        berth_config_free(c);
    }
    bad(WITH_PROC("\"linux\": {\"rootfsPropagation\": \"slave-ish\"}"),
        "config.json: linux.rootfsPropagation: unknown propagation \"slave-ish\"");
    bad(WITH_PROC("\"linux\": {\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]}"),
        "config.json: linux.maskedPaths[1]: must be an absolute path");
    bad(WITH_PROC("\"linux\": {\"readonlyPaths\": [\"sys\"]}"),
        "config.json: linux.readonlyPaths[0]: must be an absolute path");
    bad(WITH_PROC("\"linux\": {\"readonlyPaths\": [false]}"),
        "config.json: linux.readonlyPaths[0]: expected a string");
    bad(WITH_PROC("\"linux\": {\"cgroupsPath\": 1}"),
        "config.json: linux.cgroupsPath: expected a string");
    bad(WITH_PROC("\"linux\": {\"mountLabel\": {}}"),
        "config.json: linux.mountLabel: expected a string");
}

Test(config, hostname_domainname)
{
    berth_config *c = ok(WITH_PROC("\"hostname\": \"box\", \"domainname\": \"example.org\", "
                                   "\"linux\": {\"namespaces\": [{\"type\": \"uts\"}]}"));
    cr_expect_str_eq(c->hostname, "box");
    cr_expect_str_eq(c->domainname, "example.org");
    berth_config_free(c);

    bad(WITH_PROC("\"hostname\": \"box\""),
        "config.json: hostname: setting it needs a UTS namespace");
    bad(WITH_PROC("\"domainname\": \"d\", \"linux\": {}"),
        "config.json: domainname: setting it needs a UTS namespace");
    bad(WITH_PROC("\"hostname\": 7"), "config.json: hostname: expected a string");
    /* An empty hostname sets nothing, so it needs no namespace. */
    c = ok(WITH_PROC("\"hostname\": \"\""));
    cr_expect_str_eq(c->hostname, "");
    berth_config_free(c);
}

Test(config, hooks)
{
    berth_config *c = ok(WITH_PROC(
        "\"hooks\": {\"prestart\": [{\"path\": \"/bin/a\", \"args\": [\"a\", \"1\"], "
        "\"env\": [\"X=1\"], \"timeout\": 5}, {\"path\": \"/bin/a2\"}], "
        "\"createRuntime\": [{\"path\": \"/bin/b\"}], \"createContainer\": [{\"path\": "
        "\"/bin/c\"}], "
        "\"startContainer\": [{\"path\": \"/bin/d\"}], \"poststart\": [{\"path\": \"/bin/e\"}], "
        "\"poststop\": [{\"path\": \"/bin/f\"}]}"));
    cr_assert_eq(c->hooks_prestart.len, 2);
    berth_hook_config *h = &c->hooks_prestart.items[0];
    cr_expect_str_eq(h->path, "/bin/a");
    cr_expect_str_eq(h->args[0], "a");
    cr_expect_str_eq(h->args[1], "1");
    cr_expect_null(h->args[2]);
    cr_expect_str_eq(h->env[0], "X=1");
    cr_expect_eq(h->timeout, 5);
    cr_expect_null(c->hooks_prestart.items[1].args);
    cr_expect_eq(c->hooks_prestart.items[1].timeout, 0);
    cr_assert_eq(c->hooks_create_runtime.len, 1);
    cr_expect_str_eq(c->hooks_create_runtime.items[0].path, "/bin/b");
    cr_assert_eq(c->hooks_create_container.len, 1);
    cr_expect_str_eq(c->hooks_create_container.items[0].path, "/bin/c");
    cr_assert_eq(c->hooks_start_container.len, 1);
    cr_expect_str_eq(c->hooks_start_container.items[0].path, "/bin/d");
    cr_assert_eq(c->hooks_poststart.len, 1);
    cr_expect_str_eq(c->hooks_poststart.items[0].path, "/bin/e");
    cr_assert_eq(c->hooks_poststop.len, 1);
    cr_expect_str_eq(c->hooks_poststop.items[0].path, "/bin/f");
    berth_config_free(c);

    bad(WITH_PROC("\"hooks\": {\"poststop\": [{\"path\": \"/a\"}, {\"path\": \"b\"}]}"),
        "config.json: hooks.poststop[1].path: must be an absolute path");
    bad(WITH_PROC("\"hooks\": {\"createRuntime\": [{\"args\": []}]}"),
        "config.json: hooks.createRuntime[0].path: missing");
    bad(WITH_PROC("\"hooks\": {\"prestart\": [{\"path\": \"/a\", \"timeout\": 0}]}"),
        "config.json: hooks.prestart[0].timeout: 0 is out of range");
    bad(WITH_PROC("\"hooks\": {\"prestart\": [{\"path\": \"/a\", \"timeout\": -3}]}"),
        "config.json: hooks.prestart[0].timeout: -3 is out of range");
    bad(WITH_PROC("\"hooks\": {\"startContainer\": [{\"path\": \"/a\", \"args\": [1]}]}"),
        "config.json: hooks.startContainer[0].args[0]: expected a string");
    bad(WITH_PROC("\"hooks\": {\"createContainer\": [{\"path\": \"/a\", \"env\": \"X=1\"}]}"),
        "config.json: hooks.createContainer[0].env: expected an array");
    bad(WITH_PROC("\"hooks\": {\"poststart\": {}}"),
        "config.json: hooks.poststart: expected an array");
    bad(WITH_PROC("\"hooks\": []"), "config.json: hooks: expected an object");
}

Test(config, annotations)
{
    berth_config *c = ok(WITH_PROC("\"annotations\": {\"org.a\": \"1\", \"b\": \"\"}"));
    cr_assert_not_null(c->annotations);
    cr_expect_eq(c->annotations->type, BERTH_JSON_OBJECT);
    cr_expect_eq(c->annotations, berth_json_get(c->json, "annotations"), "points into the tree");
    cr_expect_str_eq(berth_json_get(c->annotations, "org.a")->u.s, "1");
    berth_config_free(c);

    bad(WITH_PROC("\"annotations\": {\"a\": \"1\", \"org.foo\": 2}"),
        "config.json: annotations.org.foo: expected a string");
    bad(WITH_PROC("\"annotations\": [\"a\"]"), "config.json: annotations: expected an object");
}

Test(config, unknown_fields_and_nulls_are_ignored)
{
    berth_config *c =
        ok(DOC("\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"future\": [1], "
               "\"terminal\": null, \"scheduler\": {\"policy\": \"SCHED_OTHER\"}}, "
               "\"vm\": {}, \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\"}, "
               "\"resources\": {\"pids\": {\"limit\": 10}}, \"devices\": null}, "
               "\"mounts\": null, \"hooks\": null, \"annotations\": null"));
    cr_expect_not(c->process.terminal);
    cr_expect_eq(c->n_devices, 0);
    cr_expect_eq(c->n_mounts, 0);
    cr_expect_null(c->annotations);
    /* Sections berth does not digest stay reachable for other modules. */
    const berth_json *lx = berth_json_get(c->json, "linux");
    cr_expect_not_null(berth_json_get(lx, "seccomp"));
    berth_config_free(c);
}

static void write_config(const char *dir, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s/config.json", dir);
    FILE *f = fopen(p, "we");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(config, load_from_bundle)
{
    write_config(bundle, DOC(PROC));
    berth_config *c = NULL;
    berth_error *err = NULL;
    char path[PATH_MAX + 8];
    snprintf(path, sizeof(path), "%s/./", bundle);
    cr_assert_eq(berth_config_load(path, &c, &err), 0, "%s", err ? err->msg : "");
    cr_expect_str_eq(c->bundle, bundle, "bundle path is cleaned");
    berth_config_free(c);
    c = NULL;

    /* A relative bundle is made absolute against the working directory. */
    cr_assert_eq(chdir("/tmp"), 0);
    cr_assert_eq(berth_config_load(bundle + strlen("/tmp/"), &c, &err), 0, "%s",
                 err ? err->msg : "");
    cr_expect_str_eq(c->bundle, bundle);
    berth_config_free(c);
}

Test(config, load_errors)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    char want[PATH_MAX + 64];
    cr_assert_lt(berth_config_load(bundle, &c, &err), 0);
    cr_assert_not_null(err);
    cr_expect_null(c);
    snprintf(want, sizeof(want), "open `%s/config.json`: No such file or directory", bundle);
    cr_expect_str_eq(err->msg, want);
    cr_expect_eq(err->errnum, ENOENT);
    berth_error_free(&err);

    write_config(bundle, "{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\"path\": rootfs}\n}");
    cr_assert_lt(berth_config_load(bundle, &c, &err), 0);
    cr_expect(strncmp(err->msg, "config.json:3:", 14) == 0, "got %s", err->msg);
    berth_error_free(&err);

    write_config(bundle, DOC("\"process\": {\"args\": [\"sh\"], \"cwd\": \"x\"}"));
    cr_assert_lt(berth_config_load(bundle, &c, &err), 0);
    cr_expect_str_eq(err->msg, "config.json: process.cwd: must be an absolute path");
    berth_error_free(&err);
}

Test(config, load_large_document)
{
    /* Bigger than one read, and grown past its fstat size estimate. */
    size_t n = 5000;
    char *doc = malloc(n * 40 + 512);
    char *p = doc + sprintf(doc, "{" VER ", " ROOT ", " PROC ", \"annotations\": {");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s\"key%zu\": \"value%zu\"", i ? "," : "", i, i);
    strcpy(p, "}}");
    write_config(bundle, doc);
    berth_config *c = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_config_load(bundle, &c, &err), 0, "%s", err ? err->msg : "");
    cr_expect_eq(c->annotations->u.object.len, n);
    cr_expect_str_eq(berth_json_get(c->annotations, "key4999")->u.s, "value4999");
    berth_config_free(c);
    free(doc);
}
