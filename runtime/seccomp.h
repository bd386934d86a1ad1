/* seccomp for the container process, in two halves.
 *
 * Parent (before the clone): berth_seccomp_prepare() parses linux.seccomp
 * (seccomp_profile.h), then looks the compiled BPF up in a cache keyed by
 * SHA-256 of the section's text, the native architecture and the
 * libseccomp version; only a miss compiles (libseccomp, exported into a
 * memfd) and stores <cache>/<hash>.bpf atomically (O_TMPFILE + linkat).
 * The cache lives in /run (tmpfs), so it never outlives the kernel whose
 * features libseccomp probed when it compiled.
 *
 * Child: berth_seccomp_install() is one seccomp(SECCOMP_SET_MODE_FILTER)
 * with the program inherited through the clone: no allocation, no library.
 * Where: right before execve when noNewPrivileges is set; otherwise (loading
 * a filter then needs CAP_SYS_ADMIN) and for SCMP_ACT_NOTIFY (the listener
 * fd must reach the parent before READY), before the user switch and the
 * capability drop, as runc does. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "../oci/config.h"
#include "context.h"
#include "error.h"

#define BERTH_SECCOMP_CACHE_DIR "/run/berth/.seccomp-cache"

struct berth_seccomp_prog {
    struct sock_filter *insns; /* malloc'd; NULL when the config has no seccomp */
    size_t n;
    unsigned flags;      /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
    bool notify;         /* NEW_LISTENER: install returns the listener fd */
    bool early;          /* install before the user switch (see above) */
    char *listener_path; /* copies, for the parent */
    char *listener_metadata;
};

/* Parent: fills *ret (zeroed when there is no linux.seccomp). */
int berth_seccomp_prepare(const struct berth_context *ctx, const berth_config *c,
                          struct berth_seccomp_prog *ret, berth_error **err);
void berth_seccomp_prog_free(struct berth_seccomp_prog *p);

/* Child: loads the filter. Returns the listener fd with `notify`, else 0. */
int berth_seccomp_install(const struct berth_seccomp_prog *p, berth_error **err);

/* prepare + install in one: for a process that is not the init (exec). */
int berth_seccomp_load_config(const struct berth_context *ctx, const berth_config *c,
                              berth_error **err);

/* Compiles a parsed profile's JSON section to BPF (no cache). Exposed for
 * the unit tests and the benchmark. *ret_insns is malloc'd. */
int berth_seccomp_compile(const struct berth_context *ctx, const berth_json *sc,
                          struct sock_filter **ret_insns, size_t *ret_n, berth_error **err);

/* Parent, with SCMP_ACT_NOTIFY: connects to listenerPath and sends the
 * listener fd (SCM_RIGHTS) with the container state JSON, as the
 * runtime-spec's "seccomp notify" section describes. */
int berth_seccomp_send_listener(const struct berth_seccomp_prog *p, const char *state_json,
                                int listener_fd, berth_error **err);

#endif
