/* The `mounts` section of config.json. Options stay raw strings: the mount
 * code digests them, so this file knows nothing about mount flags. */
#include <stdlib.h>

#include "config_internal.h"

static int parse_mount(const berth_field_ctx *x, const berth_json *o, const berth_jpath *p,
                       void *item, void *data, berth_error **err)
{
    berth_mount_config *m = item;
    if (berth_field_string(x, o, p, "destination", FIELD_REQUIRED | FIELD_ABSOLUTE, &m->destination,
                           err) < 0 ||
        berth_field_string(x, o, p, "type", 0, &m->type, err) < 0 ||
        berth_field_string(x, o, p, "source", 0, &m->source, err) < 0 ||
        berth_field_strv(x, o, p, "options", 0, &m->options, &m->n_options, err) < 0 ||
        berth_field_objects(x, o, p, "uidMappings", sizeof(berth_id_mapping),
                            (void **)&m->uid_mappings, &m->n_uid_mappings,
                            berth_config_parse_id_mapping, NULL, err) < 0 ||
        berth_field_objects(x, o, p, "gidMappings", sizeof(berth_id_mapping),
                            (void **)&m->gid_mappings, &m->n_gid_mappings,
                            berth_config_parse_id_mapping, NULL, err) < 0)
        return -1;
    return 0;
}

int berth_config_parse_mounts(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                              berth_error **err)
{
    int r = berth_field_objects(x, doc, NULL, "mounts", sizeof(*c->mounts), (void **)&c->mounts,
                                &c->n_mounts, parse_mount, NULL, err);
    return r < 0 ? r : 0;
}

void berth_config_free_mounts(berth_config *c)
{
    for (size_t i = 0; i < c->n_mounts; i++) {
        free(c->mounts[i].destination);
        free(c->mounts[i].type);
        free(c->mounts[i].source);
        berth_strv_free(c->mounts[i].options);
        free(c->mounts[i].uid_mappings);
        free(c->mounts[i].gid_mappings);
    }
    free(c->mounts);
}
