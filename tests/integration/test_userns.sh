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

# Idmapped bind mounts (mounts[].uidMappings/gidMappings, idmap, ridmap).
# As in runc (the maps go to the kernel as they are): an id on the source
# filesystem is a containerID, and the mount shows it as the hostID.
# A host directory owned by 1000:1000 with a file in it.
idmap_dir() {
    chmod 755 "$T"
    mkdir "$T/idm"
    echo host >"$T/idm/f"
    chown -R 1000:1000 "$T/idm"
    chmod 777 "$T/idm"
    mkdir -p "$BUNDLE/rootfs/idm"
}

test_idmapped_mount_shows_mapped_owner() {
    idmap_dir
    cfg --arg s "$T/idm" '.mounts += [{destination: "/idm", type: "bind", source: $s,
        options: ["rbind"], uidMappings: [{containerID: 1000, hostID: 0, size: 1}],
        gidMappings: [{containerID: 1000, hostID: 0, size: 1}]}]'
    set_args /bin/sh -c 'stat -c %u:%g /idm /idm/f; echo x >/idm/new; grep " /idm " /proc/self/mountinfo'
    run_ok
    assert_match "$OUT" "^0:0
0:0
" "owner of the dir and the file inside"
    assert_contains "$OUT" "idmapped" "mountinfo flags the mount"
    assert_eq "1000:1000" "$(stat -c %u:%g "$T/idm/new")" "host view of a file created inside"
    assert_eq "1000:1000" "$(stat -c %u:%g "$T/idm")" "the source itself is untouched"
}

test_idmapped_mount_in_a_user_namespace() {
    idmap_dir
    userns_cfg
    # Host 1000 -> 100000, which the container's namespace maps to its 0.
    cfg --arg s "$T/idm" '.mounts += [{destination: "/idm", type: "bind", source: $s,
        options: ["bind", "ro"], uidMappings: [{containerID: 1000, hostID: 100000, size: 1}],
        gidMappings: [{containerID: 1000, hostID: 200000, size: 1}]}]'
    set_args /bin/sh -c 'stat -c %u:%g /idm/f; cat /proc/self/uid_map; echo x >/idm/new || echo RO'
    run_ok
    assert_match "$OUT" "^0:0
 +0 +100000 +65536
.*RO$" "owner inside the user namespace, and ro kept"
}

test_bare_idmap_option_uses_the_container_maps() {
    idmap_dir
    userns_cfg
    cfg --arg s "$T/idm" '.mounts += [{destination: "/idm", type: "bind", source: $s, options: ["rbind", "ridmap"]}]
        | .process.user = {uid: 1000, gid: 1000}'
    set_args /bin/sh -c 'stat -c %u:%g /idm/f; echo y >/idm/new2'
    run_ok
    assert_eq "1000:1000" "$OUT" "ids as on the host, through the container's maps"
    assert_eq "1000:1000" "$(stat -c %u:%g "$T/idm/new2")" "host view of a file created inside"
}

test_idmapped_mount_bad_input() {
    helper exit 0
    cfg '.mounts += [{destination: "/idm", type: "bind", source: "/tmp", options: ["bind"],
        uidMappings: [{containerID: 0, hostID: 1000, size: 0}]}]'
    local n
    n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
    expect_error "config.json: mounts[$n].uidMappings[0].size: must be greater than 0" \
        berth run -b "$BUNDLE" "$(new_id)"
    cfg '.mounts[-1].uidMappings[0].size = 1'
    expect_error "mounts[$n].gidMappings: an idmapped mount needs both" berth run -b "$BUNDLE" "$(new_id)"
    cfg '.mounts[-1] = {destination: "/idm", type: "tmpfs", source: "tmpfs", options: ["idmap"]}'
    expect_error "mounts[$n]: idmapped mounts must be bind mounts" berth run -b "$BUNDLE" "$(new_id)"
}

# A user namespace joined by path, with new mount/pid/uts/ipc/network
# namespaces beside it: the new ones must belong to the joined one, or
# mounting /proc and setting the hostname fail.
test_join_user_namespace_by_path_with_new_namespaces() {
    userns_cfg
    set_args /bin/berth-helper sleep 100
    local a b apid
    a=$(new_id)a
    berth run -d -b "$BUNDLE" "$a" >"$T/a.log" 2>&1 </dev/null || fail "run -d A: $(cat "$T/a.log")"
    apid=$(state_field "$a" .pid)
    cfg --arg p "/proc/$apid/ns/user" '.linux.namespaces = [{type: "user", path: $p}, {type: "mount"},
            {type: "pid"}, {type: "uts"}, {type: "ipc"}, {type: "network"}]
        | del(.linux.uidMappings, .linux.gidMappings) | .hostname = "joined"'
    set_args /bin/sh -c 'cat /proc/self/uid_map; echo $$; hostname; id -u
        for n in user uts pid; do readlink /proc/self/ns/$n; done'
    b=$(new_id)b
    run_cmd berth run -b "$BUNDLE" "$b"
    [ "$STATUS" -eq 0 ] || fail "B joining A's user namespace: $STATUS: $ERR"
    assert_eq "$(cat "/proc/$apid/uid_map")" "$(sed -n 1p <<<"$OUT")" "uid_map inside B is A's"
    assert_match "$(sed -n 2,4p <<<"$OUT")" "^1
joined
0$" "pid 1, own hostname, root of the joined namespace"
    assert_eq "$(readlink "/proc/$apid/ns/user")" "$(sed -n 5p <<<"$OUT")" "the user namespace is A's"
    assert_ne "$(readlink "/proc/$apid/ns/uts")" "$(sed -n 6p <<<"$OUT")" "a new uts namespace"
    assert_ne "$(readlink "/proc/$apid/ns/pid")" "$(sed -n 7p <<<"$OUT")" "a new pid namespace"
    # create + start: the state names the real init (pid 1 inside, berth's
    # first child gone), which kill reaches.
    set_args /bin/berth-helper sleep 100
    b=$(new_id)c
    berth create -b "$BUNDLE" "$b" >"$T/c.log" 2>&1 </dev/null || fail "create C: $(cat "$T/c.log")"
    berth start "$b" || fail "start C"
    local cpid
    cpid=$(state_field "$b" .pid)
    assert_match "$(grep NSpid "/proc/$cpid/status")" "[[:space:]]1$" "state.pid is pid 1 inside"
    assert_eq running "$(state_field "$b" .status)" "C's status"
    berth kill "$b" KILL
    wait_status "$b" stopped
    assert_status 0 berth delete "$b"
    berth delete -f "$a" >/dev/null 2>&1
}

run_tests "$@"
