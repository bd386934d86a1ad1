#!/bin/bash
# Builds berth's built-in test/demo image as an OCI bundle, from files already
# on the machine (no downloads):
#   OUT_DIR/rootfs       busybox-static + its applet symlinks, berth-helper,
#                        /etc/passwd and /etc/group, empty mount points
#   OUT_DIR/config.json  `berth spec`, then edited with jq
#
# usage: scripts/build-image.sh OUT_DIR [BERTH_HELPER]
# env:   BERTH         the runtime whose `spec` writes config.json (default build/berth)
#        BERTH_HELPER  the static berth-helper binary (default build/berth-helper)
#        BERTH_ARGS    process.args as a JSON array (default: a greeting)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-image.sh OUT_DIR [BERTH_HELPER]}
helper=${2:-${BERTH_HELPER:-$top/build/berth-helper}}
berth=${BERTH:-$top/build/berth}
busybox=/bin/busybox
# shellcheck disable=SC2016 # $(hostname) and $$ are for the container's shell
default_args='["/bin/sh","-c","echo hello from berth: hostname $(hostname), pid $$, uid $(id -u)"]'
args=${BERTH_ARGS:-$default_args}

die() {
    echo "build-image: $*" >&2
    exit 1
}

[ -x "$busybox" ] || die "$busybox missing: apt-get install busybox-static"
[ -x "$helper" ] || die "berth-helper not found at $helper (build it: cmake --build build --target berth-helper)"
[ -x "$berth" ] || die "runtime not found at $berth (build it, or set BERTH)"
command -v jq >/dev/null || die "jq missing: apt-get install jq"

mkdir -p "$out"
out=$(cd "$out" && pwd)
rootfs=$out/rootfs
# Never delete through a live mount (a container still running from here).
if awk -v p="$rootfs" '$5 == p || index($5, p "/") == 1 { found = 1 } END { exit !found }' \
    /proc/self/mountinfo; then
    die "something is mounted under $rootfs; refusing to rebuild it"
fi
rm -rf "$rootfs" "$out/config.json"

mkdir -p "$rootfs"/{bin,dev,etc,proc,sys,tmp,root,run}
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root"
install -m 0755 "$busybox" "$rootfs/bin/busybox"
install -m 0755 "$helper" "$rootfs/bin/berth-helper"
# Every applet this busybox has, as a relative symlink, so `sh`, `ls`, `ps`,
# `mount`... work whatever PATH the config gives.
"$busybox" --list | while read -r applet; do
    case "$applet" in busybox | */*) continue ;; esac
    ln -sf busybox "$rootfs/bin/$applet"
done
# /usr/bin and /sbin point at /bin, so configs with the usual PATH find the applets.
mkdir -p "$rootfs/usr"
ln -s ../bin "$rootfs/usr/bin"
ln -s bin "$rootfs/sbin"
ln -s ../bin "$rootfs/usr/sbin"

cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
: >"$rootfs/etc/hostname"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group" "$rootfs/etc/hostname"

(cd "$out" && "$berth" spec) || die "\`$berth spec\` failed in $out"
[ -s "$out/config.json" ] || die "\`$berth spec\` wrote no $out/config.json"
tmp=$(mktemp "$out/config.json.XXXXXX")
jq --argjson args "$args" '
    .process.terminal = false
  | .process.args = $args
  | .hostname = "berth"
  | .root.path = "rootfs"
' "$out/config.json" >"$tmp"
mv "$tmp" "$out/config.json"
echo "build-image: bundle ready in $out"
