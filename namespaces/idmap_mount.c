#include "idmap_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../runtime/cleanup.h"
#include "idmap.h"
#include "mount_options.h"
#include "mounts.h"

static bool has_option(const berth_mount_config *m, const char *name)
{
    for (size_t i = 0; i < m->n_options; i++)
        if (strcmp(m->options[i], name) == 0)
            return true;
    return false;
}

bool berth_mount_idmapped_p(const berth_mount_config *m)
{
    return m->n_uid_mappings > 0 || m->n_gid_mappings > 0 || has_option(m, "idmap") ||
           has_option(m, "ridmap");
}

static int check_maps(const berth_id_mapping *m, size_t n, size_t index, const char *key,
                      berth_error **err)
{
    char what[64];
    snprintf(what, sizeof(what), "config.json: mounts[%zu].%s", index, key);
    return berth_idmap_check(m, n, what, err);
}

int berth_idmap_mount_maps(const berth_config *c, size_t index, const berth_id_mapping **ret_uid,
                           size_t *ret_n_uid, const berth_id_mapping **ret_gid, size_t *ret_n_gid,
                           berth_error **err)
{
    const berth_mount_config *m = &c->mounts[index];
    if (!berth_mount_is_bind(m))
        return berth_error_new(
            err, 0, "config.json: mounts[%zu]: idmapped mounts must be bind mounts", index);
    bool own = m->n_uid_mappings > 0 || m->n_gid_mappings > 0;
    *ret_uid = own ? m->uid_mappings : c->uid_mappings;
    *ret_n_uid = own ? m->n_uid_mappings : c->n_uid_mappings;
    *ret_gid = own ? m->gid_mappings : c->gid_mappings;
    *ret_n_gid = own ? m->n_gid_mappings : c->n_gid_mappings;
    if (*ret_n_uid == 0 || *ret_n_gid == 0)
        return berth_error_new(err, 0,
                               "config.json: mounts[%zu].%s: an idmapped mount needs both "
                               "uidMappings and gidMappings%s",
                               index, *ret_n_uid == 0 ? "uidMappings" : "gidMappings",
                               own ? "" : " (or the container's linux.uidMappings/gidMappings)");
    if (check_maps(*ret_uid, *ret_n_uid, index, "uidMappings", err) < 0 ||
        check_maps(*ret_gid, *ret_n_gid, index, "gidMappings", err) < 0)
        return -1;
    return 0;
}

int berth_idmap_mount_tree(const struct berth_sysops *ops, const char *source, bool clone_tree,
                           bool recursive_idmap, int userns_fd, berth_error **err)
{
    unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (clone_tree ? AT_RECURSIVE : 0);
    int fd = ops->open_tree(AT_FDCWD, source, flags);
    if (fd < 0)
        return berth_error_new(err, errno, "open_tree `%s`", source);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
    unsigned int at = AT_EMPTY_PATH | (recursive_idmap ? AT_RECURSIVE : 0);
    if (ops->mount_setattr(fd, "", at, &attr, sizeof(attr)) < 0) {
        int e = errno;
        berth_sysops_closep(ops, &fd);
        return berth_error_new(err, e, "mount_setattr MOUNT_ATTR_IDMAP `%s`", source);
    }
    return fd;
}

/* A user namespace holding these maps; the last one is kept, because the
 * mounts of one config usually share their maps. */
struct userns_cache {
    const berth_id_mapping *uid, *gid;
    size_t n_uid, n_gid;
    int fd;
};

static bool same_maps(const berth_id_mapping *a, size_t na, const berth_id_mapping *b, size_t nb)
{
    return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

static int userns_for(struct userns_cache *u, const berth_id_mapping *uid, size_t n_uid,
                      const berth_id_mapping *gid, size_t n_gid, berth_error **err)
{
    if (u->fd >= 0 && same_maps(u->uid, u->n_uid, uid, n_uid) &&
        same_maps(u->gid, u->n_gid, gid, n_gid))
        return u->fd;
    if (u->fd >= 0)
        close(u->fd);
    *u = (struct userns_cache){.uid = uid, .gid = gid, .n_uid = n_uid, .n_gid = n_gid};
    u->fd = berth_idmap_userns_fd(uid, n_uid, gid, n_gid, err);
    return u->fd;
}

static int prepare_one(const struct berth_context *ctx, const berth_config *c, size_t i,
                       struct userns_cache *u, berth_error **err)
{
    const berth_mount_config *m = &c->mounts[i];
    const berth_id_mapping *uid, *gid;
    size_t n_uid, n_gid;
    if (berth_idmap_mount_maps(c, i, &uid, &n_uid, &gid, &n_gid, err) < 0)
        return -1;
    _cleanup_free_ char *source = NULL;
    struct berth_mount_options o = {0};
    int r = berth_mount_options_parse(m->options, m->n_options, &o, err);
    int userns = r < 0 ? -1 : userns_for(u, uid, n_uid, gid, n_gid, err);
    if (userns >= 0 && (r = berth_mount_source_path(c, m, &source, err)) >= 0)
        r = berth_idmap_mount_tree(ctx->ops, source, (o.flags & MS_REC) != 0, o.ridmap, userns,
                                   err);
    berth_mount_options_free(&o);
    if (userns < 0 || r < 0)
        return berth_error_wrap(err, "idmapped mount `%s` to `%s`",
                                m->source != NULL ? m->source : "none", m->destination);
    return r;
}

int berth_idmap_mounts_prepare(const struct berth_context *ctx, const berth_config *c,
                               struct berth_idmap_mounts *ret, berth_error **err)
{
    *ret = (struct berth_idmap_mounts){0};
    size_t i = 0;
    while (i < c->n_mounts && !berth_mount_idmapped_p(&c->mounts[i]))
        i++;
    if (i == c->n_mounts)
        return 0;
    if ((ret->fds = malloc(c->n_mounts * sizeof(int))) == NULL)
        return berth_error_new(err, ENOMEM, "idmapped mounts");
    ret->n = c->n_mounts;
    for (size_t k = 0; k < ret->n; k++)
        ret->fds[k] = -1;
    struct userns_cache u = {.fd = -1};
    int r = 0;
    for (; i < c->n_mounts && r >= 0; i++)
        if (berth_mount_idmapped_p(&c->mounts[i]) &&
            (r = ret->fds[i] = prepare_one(ctx, c, i, &u, err)) < 0)
            ret->fds[i] = -1;
    if (u.fd >= 0)
        close(u.fd);
    if (r < 0) {
        berth_idmap_mounts_close(ret);
        return -1;
    }
    return 0;
}

void berth_idmap_mounts_close(struct berth_idmap_mounts *m)
{
    for (size_t i = 0; m->fds != NULL && i < m->n; i++)
        if (m->fds[i] >= 0)
            close(m->fds[i]);
    free(m->fds);
    *m = (struct berth_idmap_mounts){0};
}
