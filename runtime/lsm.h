/* Linux security module labels for the next execve: the AppArmor profile
 * and the SELinux process label of config.json's process (or exec's
 * --apparmor / --process-label). */
#ifndef BERTH_LSM_H
#define BERTH_LSM_H

#include "../oci/config.h"
#include "error.h"

/* Writes the labels p asks for into /proc/self/attr; they take effect at
 * the next execve. Nothing is touched when p asks for none. A label asked
 * for on a host where that LSM is not enabled is an error: berth never
 * runs a process less confined than the config says. */
int berth_lsm_set_exec_labels(const berth_process_config *p, berth_error **err);

#endif
