/* Idmapped bind mounts: the config fields, the pure choice and check of
 * the maps, and the parent's open_tree + mount_setattr against the fake. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "namespaces/idmap_mount.h"
#include "namespaces/sysops_fake.h"
#include "oci/config.h"

#define BASE                                                                                       \
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"tmp\"},"                                       \
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"

static berth_config *parse_ok(const char *doc)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    cr_assert_eq(berth_config_parse(doc, strlen(doc), "/", "config.json", &c, &err), 0, "%s",
                 err ? err->msg : "");
    return c;
}

static void parse_fails(const char *doc, const char *msg)
{
    berth_config *c = NULL;
    berth_error *err = NULL;
    cr_assert_lt(berth_config_parse(doc, strlen(doc), "/", "config.json", &c, &err), 0);
    cr_assert(strstr(err->msg, msg) != NULL, "%s", err->msg);
    berth_error_free(&err);
}

Test(idmap_mount, mappings_are_parsed_per_mount)
{
    berth_config *c = parse_ok(BASE "\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\","
                                    "\"source\":\"/s\",\"options\":[\"bind\"],"
                                    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,"
                                    "\"size\":1}],\"gidMappings\":[{\"containerID\":5,"
                                    "\"hostID\":2000,\"size\":10}]}]}");
    cr_assert_eq(c->mounts[0].n_uid_mappings, 1);
    cr_assert_eq(c->mounts[0].uid_mappings[0].host_id, 1000);
    cr_assert_eq(c->mounts[0].n_gid_mappings, 1);
    cr_assert_eq(c->mounts[0].gid_mappings[0].container_id, 5);
    cr_assert_eq(c->mounts[0].gid_mappings[0].size, 10);
    cr_assert(berth_mount_idmapped_p(&c->mounts[0]));
    berth_config_free(c);
}

Test(idmap_mount, zero_size_names_the_field)
{
    parse_fails(BASE "\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},"
                     "{\"destination\":\"/c\",\"uidMappings\":[{\"containerID\":0,"
                     "\"hostID\":1,\"size\":0}]}]}",
                "config.json: mounts[2].uidMappings[0].size: must be greater than 0");
    parse_fails(BASE "\"mounts\":[{\"destination\":\"/c\",\"gidMappings\":[{\"containerID\":0,"
                     "\"size\":3}]}]}",
                "mounts[0].gidMappings[0].hostID");
}

static berth_id_mapping one = {0, 1000, 1}, two[] = {{0, 1000, 10}, {5, 3000, 1}};

static berth_config *with_mount(const char *opt, bool own_maps)
{
    berth_config *c = calloc(1, sizeof(*c));
    c->mounts = calloc(1, sizeof(*c->mounts));
    c->n_mounts = 1;
    berth_mount_config *m = &c->mounts[0];
    m->destination = "/d";
    m->type = "bind";
    static char *opts[3];
    opts[0] = "rbind";
    opts[1] = (char *)opt;
    m->options = opts;
    m->n_options = opt != NULL ? 2 : 1;
    if (own_maps) {
        m->uid_mappings = m->gid_mappings = &one;
        m->n_uid_mappings = m->n_gid_mappings = 1;
    }
    return c;
}

Test(idmap_mount, bare_idmap_option_uses_the_container_maps)
{
    berth_config *c = with_mount("idmap", false);
    c->uid_mappings = c->gid_mappings = &one;
    c->n_uid_mappings = c->n_gid_mappings = 1;
    const berth_id_mapping *u, *g;
    size_t nu, ng;
    berth_error *err = NULL;
    cr_assert_eq(berth_idmap_mount_maps(c, 0, &u, &nu, &g, &ng, &err), 0);
    cr_assert(u == &one && g == &one && nu == 1 && ng == 1);
    c->n_gid_mappings = 0;
    cr_assert_lt(berth_idmap_mount_maps(c, 0, &u, &nu, &g, &ng, &err), 0);
    cr_assert(strstr(err->msg, "config.json: mounts[0].gidMappings: an idmapped mount needs "
                               "both uidMappings and gidMappings (or the container's") != NULL,
              "%s", err->msg);
    berth_error_free(&err);
}

Test(idmap_mount, own_maps_are_checked_and_must_be_a_bind)
{
    berth_config *c = with_mount(NULL, true);
    const berth_id_mapping *u, *g;
    size_t nu, ng;
    berth_error *err = NULL;
    cr_assert(berth_mount_idmapped_p(&c->mounts[0]));
    cr_assert_eq(berth_idmap_mount_maps(c, 0, &u, &nu, &g, &ng, &err), 0);
    c->mounts[0].uid_mappings = two;
    c->mounts[0].n_uid_mappings = 2;
    two[1].container_id = 5; /* inside 0..9: overlaps */
    cr_assert_lt(berth_idmap_mount_maps(c, 0, &u, &nu, &g, &ng, &err), 0);
    cr_assert(strstr(err->msg, "mounts[0].uidMappings[1]: containerID range overlaps") != NULL,
              "%s", err->msg);
    berth_error_free(&err);
    c->mounts[0].type = "tmpfs";
    c->mounts[0].n_options = 0;
    cr_assert_lt(berth_idmap_mount_maps(c, 0, &u, &nu, &g, &ng, &err), 0);
    cr_assert_str_eq(err->msg, "config.json: mounts[0]: idmapped mounts must be bind mounts");
    berth_error_free(&err);
}

Test(idmap_mount, plain_mounts_are_not_idmapped)
{
    berth_config *c = with_mount("ro", false);
    cr_assert_not(berth_mount_idmapped_p(&c->mounts[0]));
    c = with_mount("ridmap", false);
    cr_assert(berth_mount_idmapped_p(&c->mounts[0]));
}

Test(idmap_mount, tree_is_cloned_then_idmapped)
{
    berth_fake_reset();
    berth_error *err = NULL;
    int fd = berth_idmap_mount_tree(&berth_sysops_fake, "/src", true, false, 7, &err);
    cr_assert_geq(fd, 0, "%s", err ? err->msg : "");
    berth_sysops_closep(&berth_sysops_fake, &fd);
    cr_assert_str_eq(berth_fake_log(),
                     "open_tree(AT_FDCWD,/src,02100001)\n"
                     "mount_setattr(@/src,,010000,{set=0x100000,clr=0,propagation=0},0x20)\n"
                     "close(@/src)\n");
    berth_fake_reset();
    fd = berth_idmap_mount_tree(&berth_sysops_fake, "/src", false, true, 7, &err);
    berth_sysops_closep(&berth_sysops_fake, &fd);
    cr_assert(strstr(berth_fake_log(), "open_tree(AT_FDCWD,/src,02000001)\n"
                                       "mount_setattr(@/src,,0110000,") != NULL,
              "%s", berth_fake_log());
}

Test(idmap_mount, setattr_failure_closes_the_tree)
{
    berth_fake_reset();
    berth_fake_fail_call("mount_setattr", NULL, EPERM);
    berth_error *err = NULL;
    cr_assert_lt(berth_idmap_mount_tree(&berth_sysops_fake, "/src", false, false, 7, &err), 0);
    cr_assert_str_eq(err->msg, "mount_setattr MOUNT_ATTR_IDMAP `/src`: Operation not permitted");
    cr_assert_eq(berth_fake_open_fds(), 0);
    berth_error_free(&err);
}
