#!/bin/bash
# User namespaces: maps written by the parent, ownership as the host sees
# it, joining by path, and bad mappings.
# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"

userns_cfg() {
    # The mapped root must be able to reach the rootfs.
    chmod 755 "$T"
    cfg '.linux.namespaces |= (map(select(.type != "user")) + [{type: "user"}])
         | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
         | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
}

test_maps_as_the_kernel_shows_them() {
    userns_cfg
    set_args /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
    run_ok
    assert_match "$OUT" "^ +0 +100000 +65536
 +0 +200000 +65536
0
0$" "uid_map, gid_map, ids"
}

test_files_created_inside_belong_to_mapped_ids() {
    userns_cfg
    mkdir "$T/shared"
    chown 100000:200000 "$T/shared"
    chmod 777 "$T/shared"
    mkdir "$BUNDLE/rootfs/shared"
    cfg --arg s "$T/shared" '.mounts += [{destination: "/shared", type: "bind", source: $s, options: ["rbind"]}]'
    cfg '.process.user = {uid: 1000, gid: 1000}'
    helper write /shared/f hello
    run_ok
    assert_eq "101000:201000" "$(stat -c %u:%g "$T/shared/f")" "host view of the owner"
}

test_device_nodes_are_bind_mounted() {
    userns_cfg
    helper stat /dev/null
    run_ok
    assert_contains "$OUT" "char 1:3" "/dev/null is the host's node"
}

test_bad_mappings() {
    helper exit 0
    userns_cfg
    cfg '.linux.uidMappings += [{containerID: 100, hostID: 300000, size: 10}]'
    expect_error 'linux.uidMappings[1]: containerID range overlaps linux.uidMappings[0]' \
        berth run -b "$BUNDLE" "$(new_id)"
    userns_cfg
    cfg '.linux.gidMappings = [{containerID: 0, hostID: 4294967000, size: 65536}]'
    expect_error 'linux.gidMappings[0]: range 0+65536 (host 4294967000)' \
        berth run -b "$BUNDLE" "$(new_id)"
    userns_cfg
    cfg '.linux.uidMappings = [{containerID: 1, hostID: 100001, size: 10}]'
    expect_error 'must map id 0' berth run -b "$BUNDLE" "$(new_id)"
}

run_tests "$@"
