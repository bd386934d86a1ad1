/* `berth features`: the runtime-spec features document. Nothing in it is
 * a hand-kept claim where the code can answer instead: each candidate name
 * (the spec's and runc's vocabulary) is put through the parser that would
 * read it in a config.json, and only what that parser accepts, and the
 * kernel supports where that matters, is listed. */
#include "features.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../namespaces/mount_options.h"
#include "../oci/config.h"
#include "../oci/json.h"
#include "cleanup.h"
#include "lifecycle.h"
#include "seccomp.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#ifndef OCI_SPEC_VERSION
#define OCI_SPEC_VERSION "1.2.0"
#endif

/* runc's list, less "remount": a config mount is always a new mount, and
 * the kernel refuses MS_REMOUNT on one. */
static const char *const mount_option_candidates[] = {
    "async",          "atime",      "bind",         "defaults",    "dev",
    "diratime",       "dirsync",    "exec",         "iversion",    "lazytime",
    "loud",           "mand",       "noatime",      "nodev",       "nodiratime",
    "noexec",         "noiversion", "nolazytime",   "nomand",      "norelatime",
    "nostrictatime",  "nosuid",     "nosymfollow",  "private",     "ratime",
    "rbind",          "rdev",       "rdiratime",    "relatime",    "rexec",
    "rnoatime",       "rnodev",     "rnodiratime",  "rnoexec",     "rnorelatime",
    "rnostrictatime", "rnosuid",    "rnosymfollow", "ro",          "rprivate",
    "rrelatime",      "rro",        "rrw",          "rshared",     "rslave",
    "rstrictatime",   "rsuid",      "rsymfollow",   "runbindable", "rw",
    "shared",         "silent",     "slave",        "strictatime", "suid",
    "symfollow",      "sync",       "tmpcopyup",    "unbindable",  "idmap",
    "ridmap",
};

static const char *const seccomp_action_candidates[] = {
    "SCMP_ACT_ALLOW",        "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
    "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP",
};

static const char *const seccomp_operator_candidates[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};

static const char *const seccomp_arch_candidates[] = {
    "SCMP_ARCH_AARCH64",   "SCMP_ARCH_ARM",    "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC",       "SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",  "SCMP_ARCH_X32",      "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
};

static const struct {
    const char *name;
    unsigned long bit;
} seccomp_flag_candidates[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

/* An option counts when berth turns it into mount flags, propagation,
 * attributes or an idmapped bind (namespaces/idmap_mount.h); one that would
 * only become filesystem data (or that berth ignores, tmpcopyup) does not. */
static bool mount_option_supported(const char *name)
{
    char *opts[] = {(char *)name};
    struct berth_mount_options o;
    berth_error *err = NULL;
    if (berth_mount_options_parse(opts, 1, &o, &err) < 0) {
        berth_error_free(&err);
        return false;
    }
    bool ok = o.data == NULL && !o.tmpcopyup;
    berth_mount_options_free(&o);
    return ok;
}

/* A candidate is tried in a document written as `tmpl`, the name in place
 * of its @. */
struct probe {
    const struct berth_context *ctx;
    const char *tmpl;
};

/* Whether that linux.seccomp passes berth's parser and compiles to BPF
 * (libseccomp refuses, for one, a big-endian architecture beside the
 * native one). */
static bool seccomp_accepts(const struct probe *pr, const char *name)
{
    char doc[512];
    const char *at = strchr(pr->tmpl, '@');
    snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - pr->tmpl), pr->tmpl, name, at + 1);
    berth_json *sc = NULL;
    berth_error *err = NULL;
    struct sock_filter *insns = NULL;
    size_t n;
    bool ok = berth_json_parse(doc, strlen(doc), "features", &sc, &err) == 0 &&
              berth_seccomp_compile(pr->ctx, sc, &insns, &n, &err) == 0;
    free(insns);
    berth_error_free(&err);
    berth_json_free(sc);
    return ok;
}

#define PROBE_ACTION                                                                               \
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/probe\","                           \
    "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"@\"}]}"
#define PROBE_OPERATOR                                                                             \
    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"                \
    "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"@\"}]}]}"
#define PROBE_ARCH "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"@\"]}"
#define PROBE_FLAG "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"@\"]}"

/* The kernel knows a filter flag when seccomp() fails on the NULL program
 * (EFAULT) rather than on the flag (EINVAL). WAIT_KILLABLE_RECV is only
 * valid beside NEW_LISTENER. */
static bool kernel_has_seccomp_flag(unsigned long bit)
{
    if (bit == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        bit |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bit, NULL) < 0 && errno == EFAULT;
}

/* The names of `names` that `accept` takes (with `pr`), as a JSON list. */
static void gen_list(berth_json_gen *g, const char *key, const char *const *names, size_t n,
                     bool (*accept)(const struct probe *, const char *), const struct probe *pr)
{
    berth_json_gen_string(g, key);
    berth_json_gen_array_open(g);
    for (size_t i = 0; i < n; i++)
        if (accept(pr, names[i]))
            berth_json_gen_string(g, names[i]);
    berth_json_gen_array_close(g);
}

static bool accept_mount_option(const struct probe *unused, const char *name)
{
    return mount_option_supported(name);
}

static void gen_seccomp(const struct berth_context *ctx, berth_json_gen *g)
{
    const struct probe action = {ctx, PROBE_ACTION}, op = {ctx, PROBE_OPERATOR},
                       arch = {ctx, PROBE_ARCH}, flag = {ctx, PROBE_FLAG};
    berth_json_gen_string(g, "seccomp");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_bool(g, "enabled", true);
    gen_list(g, "actions", seccomp_action_candidates, ARRAY_SIZE(seccomp_action_candidates),
             seccomp_accepts, &action);
    gen_list(g, "operators", seccomp_operator_candidates, ARRAY_SIZE(seccomp_operator_candidates),
             seccomp_accepts, &op);
    gen_list(g, "archs", seccomp_arch_candidates, ARRAY_SIZE(seccomp_arch_candidates),
             seccomp_accepts, &arch);
    for (int supported = 0; supported < 2; supported++) {
        berth_json_gen_string(g, supported ? "supportedFlags" : "knownFlags");
        berth_json_gen_array_open(g);
        for (size_t i = 0; i < ARRAY_SIZE(seccomp_flag_candidates); i++)
            if (seccomp_accepts(&flag, seccomp_flag_candidates[i].name) &&
                (!supported || kernel_has_seccomp_flag(seccomp_flag_candidates[i].bit)))
                berth_json_gen_string(g, seccomp_flag_candidates[i].name);
        berth_json_gen_array_close(g);
    }
    berth_json_gen_map_close(g);
}

/* Every capability libcap can name on this kernel, as CAP_* (the form the
 * config parser accepts). */
static void gen_capabilities(berth_json_gen *g)
{
    berth_json_gen_string(g, "capabilities");
    berth_json_gen_array_open(g);
    for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits() && cap < 64; cap++) {
        char *name = cap_to_name(cap);
        char upper[64];
        size_t i = 0;
        for (; name != NULL && name[i] != '\0' && i < sizeof(upper) - 1; i++)
            upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
        upper[i] = '\0';
        cap_free(name);
        if (strncmp(upper, "CAP_", 4) == 0)
            berth_json_gen_string(g, upper);
    }
    berth_json_gen_array_close(g);
}

static void gen_enabled(berth_json_gen *g, const char *key, bool enabled)
{
    berth_json_gen_string(g, key);
    berth_json_gen_map_open(g);
    berth_json_gen_kv_bool(g, "enabled", enabled);
    berth_json_gen_map_close(g);
}

static void gen_linux(const struct berth_context *ctx, berth_json_gen *g)
{
    berth_json_gen_string(g, "linux");
    berth_json_gen_map_open(g);
    berth_json_gen_string(g, "namespaces");
    berth_json_gen_array_open(g);
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        if (k != BERTH_NS_USER || BERTH_FEATURES_USER_NAMESPACE)
            berth_json_gen_string(g, berth_ns_kind_name((berth_ns_kind)k));
    berth_json_gen_array_close(g);
    gen_capabilities(g);
    berth_json_gen_string(g, "cgroup");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_bool(g, "v1", false);
    berth_json_gen_kv_bool(g, "v2", true);
    berth_json_gen_kv_bool(g, "systemd", false);
    berth_json_gen_kv_bool(g, "systemdUser", false);
    berth_json_gen_kv_bool(g, "rdma", false);
    berth_json_gen_map_close(g);
    gen_seccomp(ctx, g);
    gen_enabled(g, "apparmor", false);
    gen_enabled(g, "selinux", false);
    gen_enabled(g, "intelRdt", false);
    berth_json_gen_string(g, "mountExtensions");
    berth_json_gen_map_open(g);
    gen_enabled(g, "idmap", true);
    berth_json_gen_map_close(g);
    berth_json_gen_map_close(g);
}

static void gen_document(const struct berth_context *ctx, berth_json_gen *g)
{
    static const char *const hooks[] = BERTH_FEATURES_HOOKS;
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "ociVersionMin", "1.0.0");
    berth_json_gen_kv_string(g, "ociVersionMax", OCI_SPEC_VERSION);
    berth_json_gen_string(g, "hooks");
    berth_json_gen_array_open(g);
    for (size_t i = 0; i < ARRAY_SIZE(hooks) && hooks[i] != NULL; i++)
        berth_json_gen_string(g, hooks[i]);
    berth_json_gen_array_close(g);
    gen_list(g, "mountOptions", mount_option_candidates, ARRAY_SIZE(mount_option_candidates),
             accept_mount_option, NULL);
    gen_linux(ctx, g);
    const struct scmp_version *v = seccomp_version();
    char version[64];
    snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
    berth_json_gen_string(g, "annotations");
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "io.github.seccomp.libseccomp.version", version);
    berth_json_gen_map_close(g);
    berth_json_gen_map_close(g);
}

int berth_features_json(const struct berth_context *ctx, char **ret, berth_error **err)
{
    berth_json_gen *g = berth_json_gen_new(true);
    const char *text;
    size_t len;
    gen_document(ctx, g);
    int r = berth_json_gen_result(g, &text, &len, err);
    if (r == 0 && (*ret = strdup(text)) == NULL)
        r = berth_error_new(err, ENOMEM, "features");
    berth_json_gen_free(g);
    return r;
}

int berth_features(const struct berth_context *ctx, FILE *out, berth_error **err)
{
    _cleanup_free_ char *json = NULL;
    if (berth_features_json(ctx, &json, err) < 0)
        return -1;
    fprintf(out, "%s\n", json);
    return 0;
}
