/* The default config.json of `berth spec` (oci/spec.c): it must read back
 * through berth's own parser and match runc's defaults. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/config.h"
#include "oci/spec.h"

static char bundle[64];

static void make_bundle(void)
{
    strcpy(bundle, "/tmp/berth-test-spec-XXXXXX");
    cr_assert_not_null(mkdtemp(bundle));
    char p[128];
    snprintf(p, sizeof(p), "%s/rootfs", bundle);
    cr_assert_eq(mkdir(p, 0755), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(p);
}

static void remove_bundle(void)
{
    nftw(bundle, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(spec, .init = make_bundle, .fini = remove_bundle);

static char *generate(bool rootless)
{
    char *text = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_spec_generate(rootless, &text, &err), 0, "%s", err ? err->msg : "");
    cr_assert_not_null(text);
    return text;
}

static berth_config *parse_back(const char *text)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    int r = berth_config_parse(text, strlen(text), bundle, "config.json", &c, &err);
    cr_assert_eq(r, 0, "%s", err ? err->msg : "");
    return c;
}

static const berth_mount_config *find_mount(const berth_config *c, const char *dest)
{
    for (size_t i = 0; i < c->n_mounts; i++)
        if (strcmp(c->mounts[i].destination, dest) == 0)
            return &c->mounts[i];
    return NULL;
}

static bool has_option(const berth_mount_config *m, const char *opt)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (strcmp(m->options[i], opt) == 0)
            return true;
    return false;
}

#define DEFAULT_CAPS                                                                               \
    ((UINT64_C(1) << CAP_AUDIT_WRITE) | (UINT64_C(1) << CAP_KILL) |                                \
     (UINT64_C(1) << CAP_NET_BIND_SERVICE))

Test(spec, default_process_and_root)
{
    char *text = generate(false);
    cr_expect(strncmp(text, "{\n  \"ociVersion\": \"1.2.0\",\n  \"process\": {\n", 41) == 0,
              "pretty with two spaces: %s", text);
    berth_config *c = parse_back(text);
    cr_expect_str_eq(c->oci_version, "1.2.0");
    berth_process_config *p = &c->process;
    cr_expect(p->terminal);
    cr_expect_str_eq(p->args[0], "sh");
    cr_expect_null(p->args[1]);
    cr_expect_str_eq(p->env[0],
                     "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    cr_expect_str_eq(p->env[1], "TERM=xterm");
    cr_expect_null(p->env[2]);
    cr_expect_str_eq(p->cwd, "/");
    cr_expect_eq(p->uid, 0);
    cr_expect_eq(p->gid, 0);
    cr_expect(p->caps.present);
    cr_expect_eq(p->caps.bounding, DEFAULT_CAPS);
    cr_expect_eq(p->caps.effective, DEFAULT_CAPS);
    cr_expect_eq(p->caps.permitted, DEFAULT_CAPS);
    cr_expect_eq(p->caps.ambient, DEFAULT_CAPS);
    cr_expect_eq(p->caps.inheritable, 0);
    cr_expect_null(p->caps.unknown);
    cr_assert_eq(p->n_rlimits, 1);
    cr_expect_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
    cr_expect_eq(p->rlimits[0].soft, 1024);
    cr_expect_eq(p->rlimits[0].hard, 1024);
    cr_expect(p->no_new_privileges);
    cr_expect(c->root_readonly);
    char want[128];
    snprintf(want, sizeof(want), "%s/rootfs", bundle);
    cr_expect_str_eq(c->root_path, want);
    cr_expect_str_eq(c->hostname, "berth");
    berth_config_free(c);
    free(text);
}

Test(spec, default_mounts)
{
    char *text = generate(false);
    berth_config *c = parse_back(text);
    static const char *const order[] = {"/proc",       "/dev", "/dev/pts",      "/dev/shm",
                                        "/dev/mqueue", "/sys", "/sys/fs/cgroup"};
    cr_assert_eq(c->n_mounts, 7);
    for (size_t i = 0; i < 7; i++)
        cr_expect_str_eq(c->mounts[i].destination, order[i]);
    cr_expect_str_eq(c->mounts[0].type, "proc");
    cr_expect_null(c->mounts[0].options);
    const berth_mount_config *pts = find_mount(c, "/dev/pts");
    cr_expect(has_option(pts, "gid=5"));
    cr_expect(has_option(pts, "newinstance"));
    const berth_mount_config *sys = find_mount(c, "/sys");
    cr_expect_str_eq(sys->type, "sysfs");
    cr_expect(has_option(sys, "ro"));
    cr_expect_str_eq(find_mount(c, "/dev/shm")->source, "shm");
    cr_expect_str_eq(find_mount(c, "/sys/fs/cgroup")->type, "cgroup");
    berth_config_free(c);
    free(text);
}

Test(spec, default_linux)
{
    char *text = generate(false);
    berth_config *c = parse_back(text);
    cr_expect(c->ns[BERTH_NS_PID].present);
    cr_expect(c->ns[BERTH_NS_NETWORK].present);
    cr_expect(c->ns[BERTH_NS_IPC].present);
    cr_expect(c->ns[BERTH_NS_UTS].present);
    cr_expect(c->ns[BERTH_NS_MOUNT].present);
    cr_expect(c->ns[BERTH_NS_CGROUP].present);
    cr_expect_not(c->ns[BERTH_NS_USER].present);
    cr_expect_not(c->ns[BERTH_NS_TIME].present);
    cr_expect_eq(c->n_uid_mappings, 0);
    cr_expect_eq(c->n_masked_paths, 11);
    cr_expect_str_eq(c->masked_paths[0], "/proc/acpi");
    cr_expect_str_eq(c->masked_paths[9], "/proc/scsi");
    cr_expect_eq(c->n_readonly_paths, 5);
    cr_expect_str_eq(c->readonly_paths[4], "/proc/sysrq-trigger");
    /* Device cgroup: deny everything. */
    const berth_json *res = berth_json_get(berth_json_get(c->json, "linux"), "resources");
    const berth_json *devs = berth_json_get(res, "devices");
    cr_assert_not_null(devs);
    cr_assert_eq(devs->u.array.len, 1);
    cr_expect_eq(berth_json_get(devs->u.array.items[0], "allow")->u.b, false);
    cr_expect_str_eq(berth_json_get(devs->u.array.items[0], "access")->u.s, "rwm");
    berth_config_free(c);
    free(text);
}

Test(spec, rootless)
{
    char *text = generate(true);
    berth_config *c = parse_back(text);
    cr_expect(c->ns[BERTH_NS_USER].present);
    cr_expect_null(c->ns[BERTH_NS_USER].path);
    cr_expect_not(c->ns[BERTH_NS_NETWORK].present, "rootless keeps the host network");
    cr_expect(c->ns[BERTH_NS_PID].present);
    cr_assert_eq(c->n_uid_mappings, 1);
    cr_expect_eq(c->uid_mappings[0].container_id, 0);
    cr_expect_eq(c->uid_mappings[0].host_id, geteuid());
    cr_expect_eq(c->uid_mappings[0].size, 1);
    cr_assert_eq(c->n_gid_mappings, 1);
    cr_expect_eq(c->gid_mappings[0].host_id, getegid());
    cr_expect_eq(c->gid_mappings[0].size, 1);
    const berth_mount_config *sys = find_mount(c, "/sys");
    cr_expect_str_eq(sys->source, "/sys");
    cr_expect_str_eq(sys->type, "none");
    cr_expect(has_option(sys, "rbind"));
    cr_expect(has_option(sys, "ro"));
    cr_expect_not(has_option(find_mount(c, "/dev/pts"), "gid=5"));
    cr_expect(has_option(find_mount(c, "/dev/pts"), "mode=0620"));
    cr_expect_null(berth_json_get(berth_json_get(c->json, "linux"), "resources"));
    cr_expect_eq(c->n_mounts, 7);
    berth_config_free(c);
    free(text);
}

Test(spec, deterministic)
{
    char *a = generate(false), *b = generate(false), *r = generate(true);
    cr_expect_str_eq(a, b);
    cr_expect_str_neq(a, r);
    free(a);
    free(b);
    free(r);
}
