#!/bin/bash
# berth on a fresh Debian 12 machine, as root: installs the dependencies,
# builds build/berth, builds the built-in image into build/bundle, and runs a
# container from it that shows it is isolated. Leaves no container behind.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=$top/build
bundle=$build/bundle
root=$(mktemp -d /tmp/berth-demo.XXXXXX)
id=demo-$$

cleanup() {
    "$build/berth" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
    rm -rf "$root"
}
trap cleanup EXIT

step() {
    echo
    echo "==> $*"
}

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (containers need it)" >&2; exit 1; }

step "installing dependencies (apt)"
bash scripts/install-deps.sh

step "building berth in $build"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"
"$build/berth" --version

step "building the built-in image in $bundle"
# What the container prints: its hostname, its pid, its namespaces next to
# the host's, and its root directory.
# shellcheck disable=SC2016 # expanded by the container's shell
args='["/bin/sh", "-c", "echo \"hello from berth: hostname $(hostname), I am pid $$, uid $(id -u)\"; echo \"my namespaces:\"; /bin/berth-helper ns | grep -v _for_children | sed \"s/^/  /\"; echo \"my / holds: $(ls / | tr \"\\n\" \" \")\""]'
BERTH="$build/berth" BERTH_ARGS=$args bash scripts/build-image.sh "$bundle" "$build/berth-helper"

step "the host's namespaces, for comparison"
for ns in pid mnt uts ipc net cgroup; do
    printf '  %s %s\n' "$ns" "$(stat -L -c %i "/proc/self/ns/$ns")"
done

step "berth run $id (host hostname: $(hostname))"
"$build/berth" --root "$root" run -b "$bundle" "$id"

step "done: the container ran in its own namespaces and is gone"
"$build/berth" --root "$root" list
