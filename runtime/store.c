#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cgroups/manager.h"
#include "cleanup.h"
#include "fileutil.h"
#include "procfs.h"

static int open_root(const struct berth_context *ctx, bool create, berth_error **err)
{
    if (create && mkdir(ctx->state_root, 0700) < 0 && errno != EEXIST)
        return berth_error_new(err, errno, "mkdir `%s`", ctx->state_root);
    int fd = open(ctx->state_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return berth_error_new(err, errno, "open `%s`", ctx->state_root);
    return fd;
}

static int lock_dir(int fd, const char *root, const char *id, berth_error **err)
{
    if (flock(fd, LOCK_EX) < 0)
        return berth_error_new(err, errno, "flock `%s/%s`", root, id);
    return 0;
}

static struct berth_container *container_new(const char *id, int dirfd)
{
    struct berth_container *c = calloc(1, sizeof(*c));
    if (c == NULL || (c->id = strdup(id)) == NULL) {
        free(c);
        return NULL;
    }
    c->dirfd = dirfd;
    return c;
}

int berth_store_create(const struct berth_context *ctx, const char *id,
                       struct berth_container **ret, berth_error **err)
{
    _cleanup_close_ int rootfd = open_root(ctx, true, err);
    if (rootfd < 0)
        return rootfd;
    if (mkdirat(rootfd, id, 0700) < 0) {
        if (errno == EEXIST)
            return berth_error_new(err, 0, "container \"%s\" already exists", id);
        return berth_error_new(err, errno, "mkdir `%s/%s`", ctx->state_root, id);
    }
    _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        unlinkat(rootfd, id, AT_REMOVEDIR);
        return berth_error_new(err, saved, "open `%s/%s`", ctx->state_root, id);
    }
    if (lock_dir(fd, ctx->state_root, id, err) < 0) {
        unlinkat(rootfd, id, AT_REMOVEDIR);
        return -1;
    }
    struct berth_container *c = container_new(id, fd);
    if (c == NULL) {
        unlinkat(rootfd, id, AT_REMOVEDIR);
        return berth_error_new(err, ENOMEM, "container \"%s\"", id);
    }
    TAKE_FD(fd);
    *ret = c;
    return 0;
}

static int load_state(const struct berth_context *ctx, struct berth_container *c, berth_error **err)
{
    _cleanup_free_ char *buf = NULL;
    size_t len;
    int r = berth_read_file_at(c->dirfd, BERTH_STATE_FILE, &buf, &len, err);
    if (r < 0) {
        if (berth_error_code(*err) == -ENOENT) {
            /* A create in progress (or one that died): no state yet. */
            berth_error_free(err);
            return 0;
        }
        return berth_error_wrap(err, "container \"%s\"", c->id);
    }
    char what[64];
    snprintf(what, sizeof(what), "%s", BERTH_STATE_FILE);
    return berth_state_from_json(buf, len, what, &c->state, err);
}

int berth_store_open(const struct berth_context *ctx, const char *id, bool lock,
                     struct berth_container **ret, berth_error **err)
{
    _cleanup_close_ int rootfd = open_root(ctx, false, err);
    if (rootfd < 0) {
        if (berth_error_code(*err) == -ENOENT) {
            berth_error_free(err);
            return berth_error_new(err, 0, "container \"%s\" does not exist", id);
        }
        return rootfd;
    }
    _cleanup_close_ int fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return berth_error_new(err, 0, "container \"%s\" does not exist", id);
        return berth_error_new(err, errno, "open `%s/%s`", ctx->state_root, id);
    }
    if (lock && lock_dir(fd, ctx->state_root, id, err) < 0)
        return -1;
    struct berth_container *c = container_new(id, fd);
    if (c == NULL)
        return berth_error_new(err, ENOMEM, "container \"%s\"", id);
    TAKE_FD(fd);
    if (load_state(ctx, c, err) < 0) {
        berth_container_free(c);
        return -1;
    }
    *ret = c;
    return 0;
}

int berth_store_save(struct berth_container *c, berth_error **err)
{
    _cleanup_free_ char *json = NULL;
    if (berth_state_to_json(c->state, NULL, true, &json, err) < 0)
        return -1;
    return berth_write_file_atomic_at(c->dirfd, BERTH_STATE_FILE, json, strlen(json), 0600, err);
}

int berth_store_remove(const struct berth_context *ctx, struct berth_container *c,
                       berth_error **err)
{
    if (berth_remove_dir_contents_at(c->dirfd, err) < 0)
        return berth_error_wrap(err, "remove `%s/%s`", ctx->state_root, c->id);
    _cleanup_close_ int rootfd = open_root(ctx, false, err);
    if (rootfd < 0)
        return rootfd;
    if (unlinkat(rootfd, c->id, AT_REMOVEDIR) < 0 && errno != ENOENT)
        return berth_error_new(err, errno, "rmdir `%s/%s`", ctx->state_root, c->id);
    return 0;
}

void berth_container_free(struct berth_container *c)
{
    if (c == NULL)
        return;
    if (c->dirfd >= 0)
        close(c->dirfd);
    berth_state_free(c->state);
    free(c->id);
    free(c);
}

const char *berth_container_status(const struct berth_container *c)
{
    if (c->state == NULL)
        return "creating";
    if (!berth_proc_is_alive(c->state->pid, c->state->pid_start))
        return "stopped";
    if (faccessat(c->dirfd, BERTH_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return "created";
    if (c->state->cgroup_path != NULL && berth_cgroup_is_frozen(c->state->cgroup_path))
        return "paused";
    return "running";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int berth_store_list(const struct berth_context *ctx, char ***ret_ids, size_t *ret_n,
                     berth_error **err)
{
    *ret_ids = calloc(1, sizeof(char *));
    *ret_n = 0;
    if (*ret_ids == NULL)
        return berth_error_new(err, ENOMEM, "list `%s`", ctx->state_root);
    DIR *d = opendir(ctx->state_root);
    if (d == NULL)
        return errno == ENOENT ? 0 : berth_error_new(err, errno, "opendir `%s`", ctx->state_root);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || de->d_type != DT_DIR)
            continue;
        char **grown = realloc(*ret_ids, (*ret_n + 2) * sizeof(char *));
        if (grown == NULL || (grown[*ret_n] = strdup(de->d_name)) == NULL) {
            if (grown)
                *ret_ids = grown;
            closedir(d);
            return berth_error_new(err, ENOMEM, "list `%s`", ctx->state_root);
        }
        *ret_ids = grown;
        grown[++*ret_n] = NULL;
    }
    closedir(d);
    qsort(*ret_ids, *ret_n, sizeof(char *), cmp_str);
    return 0;
}
