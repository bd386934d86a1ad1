/* The process `berth exec` runs: the container's own process section (or a
 * --process file) with the command line's overrides applied. Pure apart
 * from reading the --process file, so the rules are unit-tested. */
#ifndef BERTH_EXEC_PROCESS_H
#define BERTH_EXEC_PROCESS_H

#include "../oci/config.h"
#include "error.h"
#include "lifecycle.h"

/* Replaces c->process with what `exec` runs:
 *   --process FILE: that document, whole (as runc, the process flags are
 *     then ignored; a command next to it is an error);
 *   else: c->process with args = the command, terminal = --tty, --env
 *     overriding or adding variables, --cwd, --user uid[:gid],
 *     --additional-gids appended, --cap added to the bounding, effective
 *     and permitted sets (and ambient when the inheritable set is non-empty),
 *     --no-new-privs, --apparmor, --process-label.
 * Errors name the flag and the value. */
int berth_exec_process_build(berth_config *c, const struct berth_exec_opts *o, berth_error **err);

/* "1000" or "1000:100" (numbers only, as runc). *ret_gid is left alone
 * without a ":gid" part. */
int berth_exec_parse_user(const char *s, uint32_t *ret_uid, uint32_t *ret_gid, berth_error **err);

#endif
