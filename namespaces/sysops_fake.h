/* The recording syscall table for unit tests, generated from the same
 * BERTH_SYSOPS list as the real one, so it is never partial.
 *
 * Every call appends a line such as `mount(proc,@proc,proc,0xe,NULL)`:
 * string and pointer arguments are printed as given, NULL as NULL, ints in
 * decimal, flags (unsigned long) in hex, modes and ids (unsigned int) in
 * octal. An fd that the fake handed out prints as `@<the path it was opened
 * with>`, also inside `/proc/self/fd/<n>`, so logs do not depend on fd
 * numbers. berth_fake_alias() shortens temp-dir prefixes the same way.
 *
 * What really happens: lookups and creations inside the file system
 * (openat, openat2, mkdirat, symlinkat, unlinkat, fstatat, fstatfs, close,
 * umask) pass through to the kernel, so tests point the code at a mkdtemp
 * tree and safe path resolution is exercised for real. mknodat creates an
 * empty regular file instead of a node. Everything privileged (mount,
 * pivot_root, chown, ...) is only recorded and returns 0; open_tree returns
 * an fd of /dev/null so that closing it is harmless.
 *
 * The state is global (one fake per test process): Criterion runs every
 * test in its own process. */
#ifndef BERTH_SYSOPS_FAKE_H
#define BERTH_SYSOPS_FAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "sysops.h"

struct berth_fake_call {
    const char *name; /* the op, e.g. "mount" */
    char *line;       /* the formatted call, without a trailing newline */
    int ret;          /* what the fake returned */
    int err;          /* errno when ret < 0, else 0 */
};

extern const struct berth_sysops berth_sysops_fake;

/* Forgets calls, failure rules and aliases; closes nothing. */
void berth_fake_reset(void);

/* Prints `alias` instead of `prefix` where a string argument starts with it. */
void berth_fake_alias(const char *prefix, const char *alias);

/* The n-th call from the last reset (1-based) fails with errnum instead of
 * running. */
void berth_fake_fail_nth(size_t n, int errnum);

/* The first call of op `name` whose line contains `substr` (NULL: any)
 * fails with errnum. Each rule fires once. */
void berth_fake_fail_call(const char *name, const char *substr, int errnum);

size_t berth_fake_ncalls(void);
const struct berth_fake_call *berth_fake_call_at(size_t i);

/* Every line, each followed by '\n'; valid until the next call or reset. */
const char *berth_fake_log(void);

/* How many calls of op `name` were made. */
size_t berth_fake_count(const char *name);

/* Index of the first call at or after `from` whose line contains `substr`,
 * or -1. */
long berth_fake_find(const char *substr, size_t from);

/* Fds the fake handed out (openat, openat2, open_tree) and that were not
 * closed through the table: a leak check. */
size_t berth_fake_open_fds(void);

#endif
