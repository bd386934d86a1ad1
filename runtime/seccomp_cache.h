/* The on-disk cache of compiled seccomp filters: <dir>/<sha256>.bpf, the raw
 * struct sock_filter array. The key covers everything the BPF depends on:
 * the linux.seccomp section (as berth's generator re-emits it: key order and
 * spacing of config.json do not matter, member order does, a miss then costs
 * one compilation), the native architecture and the libseccomp version.
 * The directory is root-only (0700): its files are trusted like the binary. */
#ifndef BERTH_SECCOMP_CACHE_H
#define BERTH_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stddef.h>

#include "../oci/json.h"
#include "context.h"
#include "error.h"

struct berth_seccomp_key {
    char hex[65];
};

/* SHA-256 of the canonical section + arch + libseccomp version. */
int berth_seccomp_cache_key(const berth_json *sc, struct berth_seccomp_key *ret, berth_error **err);

/* 1 and the program on a hit; 0 on a miss or an unusable entry. */
int berth_seccomp_cache_get(const struct berth_seccomp_key *key, struct sock_filter **ret,
                            size_t *ret_n);

/* Best effort: a failure to store is logged at debug level, never fatal. */
void berth_seccomp_cache_put(const struct berth_context *ctx, const struct berth_seccomp_key *key,
                             const struct sock_filter *insns, size_t n);

#endif
