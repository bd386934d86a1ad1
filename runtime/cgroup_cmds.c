#include "cgroup_cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cgroups/manager.h"
#include "../cgroups/resources.h"
#include "../cgroups/stats.h"
#include "cleanup.h"
#include "store.h"

/* Opens the container and checks it has a cgroup berth manages. */
static int open_with_cgroup(const struct berth_context *ctx, const char *id, bool lock,
                            struct berth_container **ret, berth_error **err)
{
    if (berth_store_open(ctx, id, lock, ret, err) < 0)
        return -1;
    const char *status = berth_container_status(*ret);
    int r = 0;
    if (strcmp(status, "stopped") == 0 || strcmp(status, "creating") == 0)
        r = berth_error_new(err, 0, "container not running");
    else if ((*ret)->state->cgroup_path == NULL)
        r = berth_error_new(err, 0,
                            "container \"%s\" has no cgroup: berth manages cgroups only on "
                            "cgroup v2 hosts",
                            id);
    if (r < 0) {
        berth_container_free(*ret);
        *ret = NULL;
    }
    return r;
}

/* cgroup.freeze is asynchronous: wait until cgroup.events agrees. */
static int wait_frozen(const char *path, bool frozen, berth_error **err)
{
    for (int i = 0; i < 1000; i++) {
        if (berth_cgroup_is_frozen(path) == frozen)
            return 0;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return berth_error_new(err, ETIMEDOUT, "waiting for `%s` to %s", path,
                           frozen ? "freeze" : "thaw");
}

static int set_frozen(const struct berth_context *ctx, const char *id, bool frozen,
                      berth_error **err)
{
    struct berth_container *c = NULL;
    if (open_with_cgroup(ctx, id, true, &c, err) < 0)
        return -1;
    const struct berth_cgroup_manager *cgm = berth_cgroup_manager_pick(ctx);
    int r;
    if (cgm->freeze == NULL)
        r = berth_error_new(err, ENOTSUP, "freeze `%s`", c->state->cgroup_path);
    else if ((r = cgm->freeze(c->state->cgroup_path, frozen, err)) == 0)
        r = wait_frozen(c->state->cgroup_path, frozen, err);
    berth_container_free(c);
    return r;
}

int berth_pause(const struct berth_context *ctx, const char *id, berth_error **err)
{
    return set_frozen(ctx, id, true, err);
}

int berth_resume(const struct berth_context *ctx, const char *id, berth_error **err)
{
    return set_frozen(ctx, id, false, err);
}

int berth_update(const struct berth_context *ctx, const char *id, const char *resources_json,
                 berth_error **err)
{
    berth_json *res = NULL;
    if (berth_json_parse(resources_json, strlen(resources_json), "resources", &res, err) < 0)
        return -1;
    struct berth_container *c = NULL;
    int r = open_with_cgroup(ctx, id, true, &c, err);
    if (r == 0) {
        _cleanup_close_ int fd = open(c->state->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            r = berth_error_new(err, errno, "open `%s`", c->state->cgroup_path);
        else
            r = berth_cgroup_v2_apply_resources(fd, res, err);
    }
    berth_container_free(c);
    berth_json_free(res);
    return r;
}

static int print_stats(const char *id, const char *path, FILE *out, berth_error **err)
{
    berth_json_gen *g = berth_json_gen_new(false);
    const char *text;
    size_t len;
    berth_json_gen_map_open(g);
    berth_json_gen_kv_string(g, "type", "stats");
    berth_json_gen_kv_string(g, "id", id);
    berth_json_gen_string(g, "data");
    int r = berth_cgroup_stats_json(path, g, err);
    berth_json_gen_map_close(g);
    if (r == 0 && (r = berth_json_gen_result(g, &text, &len, err)) == 0) {
        fprintf(out, "%s\n", text);
        fflush(out);
    }
    berth_json_gen_free(g);
    return r;
}

int berth_events(const struct berth_context *ctx, const char *id, bool stats_once, int interval_ms,
                 FILE *out, berth_error **err)
{
    struct berth_container *c = NULL;
    if (open_with_cgroup(ctx, id, false, &c, err) < 0)
        return -1;
    int r;
    for (;;) {
        r = print_stats(id, c->state->cgroup_path, out, err);
        if (r < 0 || stats_once || strcmp(berth_container_status(c), "stopped") == 0)
            break;
        struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    berth_container_free(c);
    return r;
}
