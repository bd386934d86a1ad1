/* The sections of config.json, parsed by one file each. Private to oci/. */
#ifndef BERTH_OCI_CONFIG_INTERNAL_H
#define BERTH_OCI_CONFIG_INTERNAL_H

#include "config.h"
#include "field.h"

/* Every section parser reads its part of the document `doc` into c. */
typedef int (*berth_config_section_fn)(const berth_field_ctx *x, const berth_json *doc,
                                       berth_config *c, berth_error **err);

int berth_config_parse_process(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                               berth_error **err);
int berth_config_parse_mounts(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                              berth_error **err);
int berth_config_parse_linux(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err);
int berth_config_parse_hooks(const berth_field_ctx *x, const berth_json *doc, berth_config *c,
                             berth_error **err);

/* One {containerID, hostID, size} item (berth_field_objects callback). */
int berth_config_parse_id_mapping(const berth_field_ctx *x, const berth_json *o,
                                  const berth_jpath *p, void *item, void *data, berth_error **err);

void berth_config_free_process(berth_process_config *p);
void berth_config_free_mounts(berth_config *c);
void berth_config_free_linux(berth_config *c);
void berth_config_free_hooks(berth_config *c);

#endif
