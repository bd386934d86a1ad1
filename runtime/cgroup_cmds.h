/* The commands that act on a running container's cgroup: pause, resume,
 * update, events. They need the cgroup v2 manager; on hosts without it
 * they say so. */
#ifndef BERTH_CGROUP_CMDS_H
#define BERTH_CGROUP_CMDS_H

#include <stdbool.h>
#include <stdio.h>

#include "context.h"
#include "error.h"

int berth_pause(const struct berth_context *ctx, const char *id, berth_error **err);
int berth_resume(const struct berth_context *ctx, const char *id, berth_error **err);

/* resources_json: a linux.resources object as JSON text. */
int berth_update(const struct berth_context *ctx, const char *id, const char *resources_json,
                 berth_error **err);

/* Prints {"type":"stats","id":...,"data":{...}} once (stats) or every
 * interval_ms until the container stops. */
int berth_events(const struct berth_context *ctx, const char *id, bool stats_once, int interval_ms,
                 FILE *out, berth_error **err);

#endif
