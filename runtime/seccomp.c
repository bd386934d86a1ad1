#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const berth_json *seccomp_section(const berth_config *c)
{
    const berth_json *sc = berth_json_get(berth_json_get(c->json, "linux"), "seccomp");
    return sc != NULL && sc->type == BERTH_JSON_OBJECT ? sc : NULL;
}

static int add_rules(const struct berth_context *ctx, scmp_filter_ctx f,
                     const struct berth_seccomp_profile *p, berth_error **err)
{
    for (size_t i = 0; i < p->n_rules; i++) {
        const struct berth_seccomp_rule *r = &p->rules[i];
        /* libseccomp refuses a rule that repeats the default action. */
        if (r->action == p->default_action)
            continue;
        /* A profile may be newer than the kernel or libseccomp: skip names
         * they do not know, as runc does. */
        int nr = seccomp_syscall_resolve_name(r->name);
        if (nr == __NR_SCMP_ERROR) {
            berth_log(ctx, BERTH_LOG_DEBUG, "seccomp: unknown syscall \"%s\" skipped", r->name);
            continue;
        }
        int e = seccomp_rule_add_array(f, r->action, nr, r->n_args, r->args);
        if (e < 0 && e != -EEXIST)
            return berth_error_new(err, -e, "linux.seccomp: add a rule for \"%s\"", r->name);
    }
    return 0;
}

/* The BPF of a filter context, through a memfd (libseccomp 2.5 exports to
 * an fd only). */
static int export_bpf(scmp_filter_ctx f, struct sock_filter **ret, size_t *ret_n, berth_error **err)
{
    _cleanup_close_ int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "memfd_create");
    int e = seccomp_export_bpf(f, fd);
    if (e < 0)
        return berth_error_new(err, -e, "seccomp_export_bpf");
    struct stat st;
    if (fstat(fd, &st) < 0)
        return berth_error_new(err, errno, "fstat the exported seccomp filter");
    size_t size = (size_t)st.st_size;
    _cleanup_free_ struct sock_filter *insns = malloc(size ? size : 1);
    if (insns == NULL)
        return berth_error_new(err, ENOMEM, "seccomp filter");
    if (pread(fd, insns, size, 0) != (ssize_t)size)
        return berth_error_new(err, errno, "read the exported seccomp filter");
    *ret_n = size / sizeof(struct sock_filter);
    *ret = TAKE_PTR(insns);
    return 0;
}

static int compile_profile(const struct berth_context *ctx, const struct berth_seccomp_profile *p,
                           struct sock_filter **ret, size_t *ret_n, berth_error **err)
{
    scmp_filter_ctx f = seccomp_init(p->default_action);
    if (f == NULL)
        return berth_error_new(err, EINVAL, "linux.seccomp: seccomp_init (defaultAction %#x)",
                               p->default_action);
    int r = 0;
    for (size_t i = 0; r == 0 && i < p->n_arches; i++) {
        int e = seccomp_arch_add(f, p->arches[i]);
        if (e < 0 && e != -EEXIST)
            r = berth_error_new(err, -e, "linux.seccomp: add architecture %#x", p->arches[i]);
    }
    if (r == 0)
        r = add_rules(ctx, f, p, err);
    if (r == 0)
        r = export_bpf(f, ret, ret_n, err);
    seccomp_release(f);
    return r < 0 ? -1 : 0;
}

int berth_seccomp_compile(const struct berth_context *ctx, const berth_json *sc,
                          struct sock_filter **ret_insns, size_t *ret_n, berth_error **err)
{
    struct berth_seccomp_profile p;
    if (berth_seccomp_profile_parse(sc, &p, err) < 0)
        return -1;
    int r = compile_profile(ctx, &p, ret_insns, ret_n, err);
    berth_seccomp_profile_free(&p);
    return r;
}

static int fill_prog(const berth_config *c, const struct berth_seccomp_profile *p,
                     struct berth_seccomp_prog *ret, berth_error **err)
{
    ret->notify = p->notify;
    ret->flags = p->flags;
    if (!p->notify)
        ret->flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    ret->early = p->notify || !c->process.no_new_privileges;
    if (p->listener_path != NULL && (ret->listener_path = strdup(p->listener_path)) == NULL)
        return berth_error_new(err, ENOMEM, "linux.seccomp");
    if (p->listener_metadata != NULL &&
        (ret->listener_metadata = strdup(p->listener_metadata)) == NULL)
        return berth_error_new(err, ENOMEM, "linux.seccomp");
    return 0;
}

int berth_seccomp_prepare(const struct berth_context *ctx, const berth_config *c,
                          struct berth_seccomp_prog *ret, berth_error **err)
{
    memset(ret, 0, sizeof(*ret));
    const berth_json *sc = seccomp_section(c);
    if (sc == NULL)
        return 0;
    /* Parsing is cheap and validates the section even on a cache hit. */
    struct berth_seccomp_profile p;
    if (berth_seccomp_profile_parse(sc, &p, err) < 0)
        return -1;
    struct berth_seccomp_key key;
    int r = fill_prog(c, &p, ret, err);
    if (r == 0)
        r = berth_seccomp_cache_key(sc, &key, err);
    if (r == 0 && (r = berth_seccomp_cache_get(&key, &ret->insns, &ret->n)) <= 0) {
        r = compile_profile(ctx, &p, &ret->insns, &ret->n, err);
        if (r == 0)
            berth_seccomp_cache_put(ctx, &key, ret->insns, ret->n);
    }
    berth_seccomp_profile_free(&p);
    if (r < 0) {
        berth_seccomp_prog_free(ret);
        return -1;
    }
    return 0;
}

void berth_seccomp_prog_free(struct berth_seccomp_prog *p)
{
    free(p->insns);
    free(p->listener_path);
    free(p->listener_metadata);
    memset(p, 0, sizeof(*p));
}

int berth_seccomp_install(const struct berth_seccomp_prog *p, berth_error **err)
{
    if (p == NULL || p->insns == NULL)
        return 0;
    struct sock_fprog prog = {.len = (unsigned short)p->n, .filter = p->insns};
    unsigned flags = p->flags | (p->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    /* WAIT_KILLABLE_RECV needs Linux 5.19: older kernels say EINVAL. */
    if (r < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
        flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    }
    if (r < 0)
        return berth_error_new(err, errno, "seccomp SET_MODE_FILTER (%zu instructions, flags %#x)",
                               p->n, flags);
    return p->notify ? (int)r : 0;
}

int berth_seccomp_load_config(const struct berth_context *ctx, const berth_config *c,
                              berth_error **err)
{
    struct berth_seccomp_prog p;
    if (berth_seccomp_prepare(ctx, c, &p, err) < 0)
        return -1;
    int r = berth_seccomp_install(&p, err);
    berth_seccomp_prog_free(&p);
    return r;
}
