#ifndef BERTH_CGROUP_RESOURCES_H
#define BERTH_CGROUP_RESOURCES_H

#include "../oci/json.h"
#include "../runtime/error.h"

/* A cgroup v2 file and the value to write, derived from linux.resources. */
struct berth_cgroup_write {
    char file[64];
    char value[128];
};

/* Translates a linux.resources object (runtime-spec, v1-flavoured numbers;
 * NULL: nothing) into cgroup v2 files. Pure: tests check it byte for byte. */
int berth_cgroup_v2_translate(const berth_json *resources, struct berth_cgroup_write **ret,
                              size_t *ret_n, berth_error **err);

/* Translates and writes into the cgroup directory dirfd. */
int berth_cgroup_v2_apply_resources(int dirfd, const berth_json *resources, berth_error **err);

#endif
