#!/bin/bash
# Installs everything berth needs to build, test and benchmark on Debian 12.
# Idempotent: when every package is already installed it touches nothing.
set -euo pipefail

packages=(
    build-essential cmake pkg-config git       # build
    libseccomp-dev libcap-dev libyajl-dev libmnl-dev
    libcriterion-dev                            # unit tests
    busybox-static jq iproute2 procps util-linux strace python3  # test image, integration tests
    qemu-system-x86 cpio kmod                   # tests/vm/run-in-vm.sh (cgroup v2 tests on hybrid hosts)
    runc crun hyperfine                         # comparisons and benchmarks
    clang-format shellcheck                     # style checks
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages (${missing[*]}) and not root: run as root" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
