/* The runtime-spec mount option strings, digested into what the mount
 * syscalls take. Pure: no syscalls, tested byte for byte. */
#ifndef BERTH_MOUNT_OPTIONS_H
#define BERTH_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../runtime/error.h"

/* runc applies every propagation option it is given, in order; more than
 * this many in one mount is refused rather than silently truncated. */
#define BERTH_MOUNT_MAX_PROPAGATION 4

struct berth_mount_options {
    unsigned long flags; /* MS_* for mount(2): ro, nosuid, bind, MS_REC from rbind, ... */
    unsigned long propagation[BERTH_MOUNT_MAX_PROPAGATION]; /* MS_SHARED etc., maybe |MS_REC */
    size_t n_propagation;
    uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* from rro, rnosuid, ... (mount_setattr) */
    bool idmap, ridmap;          /* idmap / ridmap were given */
    bool tmpcopyup;              /* runc's tmpcopyup extension (not filesystem data) */
    char *data;                  /* the other options joined with ','; NULL when none */
};

/* Parses `n` option strings. Never fails on an unknown option: it becomes
 * filesystem data, as in runc. Fails only when out of memory or when too
 * many propagation options are given. */
int berth_mount_options_parse(char *const *options, size_t n, struct berth_mount_options *ret,
                              berth_error **err);

/* Frees what parse allocated; the struct itself belongs to the caller. */
void berth_mount_options_free(struct berth_mount_options *o);

/* True when the options ask for recursive attributes (mount_setattr). */
static inline bool berth_mount_options_has_attr(const struct berth_mount_options *o)
{
    return o->attr_set != 0 || o->attr_clr != 0;
}

#endif
