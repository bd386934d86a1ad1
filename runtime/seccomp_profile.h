/* linux.seccomp of config.json, parsed and validated into a flat list of
 * libseccomp rules. Pure: no syscalls, so the translation is unit-tested
 * rule by rule and a malformed section fails `create` in the parent, before
 * anything exists.
 *
 * Argument conditions: libseccomp ANDs the comparisons of one rule, but
 * refuses two comparisons of the same argument in one rule. Like runc, when
 * the conditions of a syscall entry name an argument index more than once,
 * each condition becomes a rule of its own (so they are ORed); otherwise all
 * of them go into a single rule. */
#ifndef BERTH_SECCOMP_PROFILE_H
#define BERTH_SECCOMP_PROFILE_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../oci/json.h"
#include "error.h"

struct berth_seccomp_rule {
    const char *name; /* borrowed from the JSON tree */
    uint32_t action;  /* SCMP_ACT_* with its data */
    unsigned n_args;
    struct scmp_arg_cmp args[6];
};

struct berth_seccomp_profile {
    uint32_t default_action;
    uint32_t arches[16]; /* SCMP_ARCH_* */
    size_t n_arches;
    unsigned flags;                /* SECCOMP_FILTER_FLAG_* requested by linux.seccomp.flags */
    bool notify;                   /* some action is SCMP_ACT_NOTIFY */
    const char *listener_path;     /* borrowed; NULL when absent */
    const char *listener_metadata; /* borrowed; NULL when absent */
    struct berth_seccomp_rule *rules;
    size_t n_rules;
};

/* Parses the linux.seccomp object `sc`. Errors name the field, e.g.
 * "config.json: linux.seccomp.syscalls[2].action: unknown action ...".
 * Syscall names are not resolved here (see berth_seccomp_compile). */
int berth_seccomp_profile_parse(const berth_json *sc, struct berth_seccomp_profile *ret,
                                berth_error **err);
void berth_seccomp_profile_free(struct berth_seccomp_profile *p);

#endif
