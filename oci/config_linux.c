/* The `linux` section of config.json, minus what other modules read from the
 * tree themselves (resources, seccomp, sysctl, ...). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/cleanup.h"
#include "config_internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const berth_jpath linux_path = {.key = "linux"};

/* Indexed by berth_ns_kind. */
static const struct {
    const char *name;
    int flag;
} ns_kinds[BERTH_NS_COUNT] = {
    [BERTH_NS_USER] = {"user", CLONE_NEWUSER},       [BERTH_NS_MOUNT] = {"mount", CLONE_NEWNS},
    [BERTH_NS_PID] = {"pid", CLONE_NEWPID},          [BERTH_NS_NETWORK] = {"network", CLONE_NEWNET},
    [BERTH_NS_UTS] = {"uts", CLONE_NEWUTS},          [BERTH_NS_IPC] = {"ipc", CLONE_NEWIPC},
    [BERTH_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [BERTH_NS_TIME] = {"time", CLONE_NEWTIME},
};

int berth_ns_kind_from_name(const char *name)
{
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        if (strcmp(ns_kinds[k].name, name) == 0)
            return k;
    return -1;
}

const char *berth_ns_kind_name(berth_ns_kind k)
{
    return (unsigned)k < BERTH_NS_COUNT ? ns_kinds[k].name : NULL;
}

int berth_ns_kind_clone_flag(berth_ns_kind k)
{
    return (unsigned)k < BERTH_NS_COUNT ? ns_kinds[k].flag : 0;
}

static int parse_namespace(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                           void *item, void *data, berth_error **err)
{
    berth_config *c = data;
    _cleanup_free_ char *type = NULL;
    berth_jpath tp = JPATH_KEY(p, "type");
    if (berth_field_string(x, o, p, "type", FIELD_REQUIRED, &type, err) < 0)
        return -1;
    int k = berth_ns_kind_from_name(type);
    if (k < 0)
        return berth_field_error(x, &tp, 0, err, "unknown namespace type \"%s\"", type);
    if (c->ns[k].present)
        return berth_field_error(x, &tp, 0, err, "duplicate namespace type \"%s\"", type);
    c->ns[k].present = true;
    return berth_field_string(x, o, p, "path", FIELD_ABSOLUTE, &c->ns[k].path, err);
}

int berth_config_parse_id_mapping(const berth_field_ctx *x, const berth_json *o,
                                  const berth_jpath *p, void *item, void *data, berth_error **err)
{
    berth_id_mapping *m = item;
    berth_jpath sp = JPATH_KEY(p, "size");
    if (berth_field_u32(x, o, p, "containerID", FIELD_REQUIRED, &m->container_id, err) < 0 ||
        berth_field_u32(x, o, p, "hostID", FIELD_REQUIRED, &m->host_id, err) < 0 ||
        berth_field_u32(x, o, p, "size", FIELD_REQUIRED, &m->size, err) < 0)
        return -1;
    if (m->size == 0)
        return berth_field_error(x, &sp, 0, err, "must be greater than 0");
    return 0;
}

static int parse_device_ids(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                            berth_device_config *d, berth_error **err)
{
    /* Only FIFOs can be made without device numbers. */
    unsigned need = d->type == 'p' ? 0 : FIELD_REQUIRED;
    int r;
    if (berth_field_int(x, o, p, "major", need, 0, INT64_MAX, &d->major, err) < 0 ||
        berth_field_int(x, o, p, "minor", need, 0, INT64_MAX, &d->minor, err) < 0)
        return -1;
    if ((r = berth_field_u32(x, o, p, "fileMode", 0, &d->file_mode, err)) < 0)
        return r;
    d->has_file_mode = r > 0;
    if ((r = berth_field_u32(x, o, p, "uid", 0, &d->uid, err)) < 0)
        return r;
    d->has_uid = r > 0;
    if ((r = berth_field_u32(x, o, p, "gid", 0, &d->gid, err)) < 0)
        return r;
    d->has_gid = r > 0;
    return 0;
}

static int parse_device(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                        void *item, void *data, berth_error **err)
{
    berth_device_config *d = item;
    _cleanup_free_ char *type = NULL;
    berth_jpath tp = JPATH_KEY(p, "type");
    if (berth_field_string(x, o, p, "path", FIELD_REQUIRED | FIELD_ABSOLUTE, &d->path, err) < 0 ||
        berth_field_string(x, o, p, "type", FIELD_REQUIRED, &type, err) < 0)
        return -1;
    if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
        return berth_field_error(x, &tp, 0, err, "unknown device type \"%s\" (c, b, u or p)", type);
    d->type = type[0];
    return parse_device_ids(x, o, p, d, err);
}

static int parse_propagation(const berth_field_ctx *x, const berth_json *lx, berth_config *c,
                             berth_error **err)
{
    static const char *const allowed[] = {"private", "rprivate", "slave",      "rslave",
                                          "shared",  "rshared",  "unbindable", "runbindable"};
    int r =
        berth_field_string(x, lx, &linux_path, "rootfsPropagation", 0, &c->rootfs_propagation, err);
    if (r <= 0)
        return r;
    for (size_t i = 0; i < ARRAY_SIZE(allowed); i++)
        if (strcmp(allowed[i], c->rootfs_propagation) == 0)
            return 0;
    berth_jpath pp = JPATH_KEY(&linux_path, "rootfsPropagation");
    return berth_field_error(x, &pp, 0, err, "unknown propagation \"%s\"", c->rootfs_propagation);
}

static int parse_strings(const berth_field_ctx *x, const berth_json *lx, berth_config *c,
                         berth_error **err)
{
    if (berth_field_string(x, lx, &linux_path, "cgroupsPath", 0, &c->cgroups_path, err) < 0 ||
        berth_field_string(x, lx, &linux_path, "mountLabel", 0, &c->mount_label, err) < 0 ||
        berth_field_strv(x, lx, &linux_path, "maskedPaths", FIELD_ABSOLUTE, &c->masked_paths,
                         &c->n_masked_paths, err) < 0 ||
        berth_field_strv(x, lx, &linux_path, "readonlyPaths", FIELD_ABSOLUTE, &c->readonly_paths,
                         &c->n_readonly_paths, err) < 0)
        return -1;
    return 0;
}

int berth_config_parse_linux(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err)
{
    const berth_json *lx = NULL;
    int r = berth_field_object(x, doc, NULL, "linux", 0, &lx, err);
    if (r <= 0)
        return r;
    const berth_jpath *at = &linux_path;
    if (berth_field_objects(x, lx, at, "namespaces", 0, NULL, NULL, parse_namespace, c, err) < 0 ||
        berth_field_objects(x, lx, at, "uidMappings", sizeof(berth_id_mapping),
                            (void **)&c->uid_mappings, &c->n_uid_mappings,
                            berth_config_parse_id_mapping, NULL, err) < 0 ||
        berth_field_objects(x, lx, at, "gidMappings", sizeof(berth_id_mapping),
                            (void **)&c->gid_mappings, &c->n_gid_mappings,
                            berth_config_parse_id_mapping, NULL, err) < 0 ||
        berth_field_objects(x, lx, at, "devices", sizeof(berth_device_config), (void **)&c->devices,
                            &c->n_devices, parse_device, NULL, err) < 0 ||
        parse_propagation(x, lx, c, err) < 0 || parse_strings(x, lx, c, err) < 0)
        return berth_error_code(*err);
    return 0;
}

void berth_config_free_linux(berth_config *c)
{
    for (int k = 0; k < BERTH_NS_COUNT; k++)
        free(c->ns[k].path);
    free(c->uid_mappings);
    free(c->gid_mappings);
    for (size_t i = 0; i < c->n_devices; i++)
        free(c->devices[i].path);
    free(c->devices);
    free(c->cgroups_path);
    free(c->rootfs_propagation);
    berth_strv_free(c->masked_paths);
    berth_strv_free(c->readonly_paths);
    free(c->mount_label);
}
