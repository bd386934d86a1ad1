#!/usr/bin/env bash
# run-in-vm.sh - run a command inside a throw-away QEMU VM that has a real,
# pure cgroup v2 hierarchy (kernel booted with cgroup_no_v1=all, controllers
# cpuset cpu io memory hugetlb pids rdma misc enabled at the root).
#
# Meant for testing the berth OCI runtime on hosts whose own cgroup setup is
# v1/hybrid, or where the test must not touch the host's cgroups.
#
# Usage:
#   run-in-vm.sh [--] COMMAND [ARGS...]
#   e.g.  cd ~/src/berth && ./tests/vm/run-in-vm.sh make check
#
# What the guest sees:
#   /                 the HOST's root filesystem, read-only over virtio-9p,
#                     with a tmpfs overlay on top (writes go to RAM and are
#                     thrown away).  So every tool installed on the host
#                     (bash, make, gcc, jq, ...) is available in the guest.
#   $BERTH_VM_SHARE   (default: the current directory) shared READ-WRITE over
#                     virtio-9p at the SAME path.  Results written there are
#                     visible on the host afterwards.
#   /tmp, /run        fresh tmpfs (good place for overlayfs upper/work dirs:
#                     9p cannot be an overlayfs upperdir).
#   /sys/fs/cgroup    cgroup2 (nsdelegate,memory_recursiveprot), all
#                     controllers enabled in the root's cgroup.subtree_control.
#   /lib/modules/<guest kernel>   bind-mounted from the cache, so on-demand
#                     module loading works if the host has kmod installed.
#   The command runs as root (uid 0), as a child of PID 1, in the root cgroup,
#   with cwd = the current directory (if inside the share) or the share.
#   stdin is /dev/null.  Its stdout/stderr are streamed to this script's
#   stdout/stderr; this script exits with the command's exit status.
#
# Exit status: the command's, or 125 if the VM failed (boot error, timeout)
# - the guest kernel log is then printed to stderr.
#
# Environment knobs (all optional):
#   BERTH_VM_CACHE    cache dir for kernel + initramfs (default $HOME/.cache/berth-vm)
#   BERTH_VM_SHARE    host dir shared read-write at the same path (default $PWD)
#   BERTH_VM_ACCEL    auto | kvm | tcg   (default auto: use KVM if a probe boot
#                     with KVM succeeds quickly - result cached per host
#                     kernel - else fall back to TCG with a loud warning)
#   BERTH_VM_MEM      guest RAM in MiB (default 2048)
#   BERTH_VM_CPUS     guest vCPUs (default: host's nproc, at most 8)
#   BERTH_VM_TIMEOUT  seconds before the VM is killed (default 3600)
#   BERTH_VM_ENV      space-separated names of host env vars to pass in
#                     (PATH is always passed)
#   BERTH_VM_MODULES  extra kernel modules to load at boot (space-separated)
#   BERTH_VM_APPEND   extra kernel command line
#   BERTH_VM_KEEP=1   keep the per-run dir (console.log etc.) and print its path
#   BERTH_VM_VERBOSE=1  print the guest kernel log to stderr after the run
#   BERTH_VM_PVH=0    boot the compressed bzImage instead of the extracted
#                     ELF vmlinux (PVH entry); slower, for debugging
#   BERTH_VM_CPU      override -cpu for KVM (default host; see probe)
#   BERTH_VM_KERNEL_PKG  Debian kernel package to use
#                     (default: what linux-image-amd64 depends on)
#
# Requirements: Debian/Ubuntu-like host (apt), x86_64, root or sudo for apt.
# Packages it installs if missing: qemu-system-x86 busybox-static cpio kmod.
set -euo pipefail

die()  { echo "run-in-vm: error: $*" >&2; exit 125; }
info() { [ "${BERTH_VM_QUIET:-0}" = 1 ] || echo "run-in-vm: $*" >&2; }

SELF=$(realpath -- "$0")
[ $# -ge 1 ] || { sed -n '2,/^set -euo/p' "$SELF" | grep '^#' >&2; exit 2; }
[ "$1" = "--" ] && shift
[ $# -ge 1 ] || die "no command given"

CACHE=${BERTH_VM_CACHE:-${HOME:-/root}/.cache/berth-vm}
SHARE=$(realpath -- "${BERTH_VM_SHARE:-$PWD}")
[ "$SHARE" != / ] || die "cannot share / (set BERTH_VM_SHARE to a directory)"
[ -d "$SHARE" ] || die "share $SHARE is not a directory"
MEM=${BERTH_VM_MEM:-2048}
NCPU=$(nproc); [ "$NCPU" -gt 8 ] && NCPU=8
CPUS=${BERTH_VM_CPUS:-$NCPU}
TIMEOUT=${BERTH_VM_TIMEOUT:-3600}
ACCEL=${BERTH_VM_ACCEL:-auto}
# Modules loaded in the initramfs, in this order (deps are resolved from
# modules.dep).  virtio + 9p are needed to reach the root fs; the rest are
# what a container runtime test typically needs.
BASE_MODULES="virtio_pci virtio_console 9pnet_virtio 9p overlay veth bridge loop tun"
MODULES="$BASE_MODULES ${BERTH_VM_MODULES:-}"

mkdir -p "$CACHE"
CACHE=$(realpath -- "$CACHE")

# --------------------------------------------------------------------------
# 1. host packages
# --------------------------------------------------------------------------
need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
# the initramfs needs a *static* busybox (package busybox-static)
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || need_pkgs+=(busybox-static)
command -v cpio   >/dev/null || need_pkgs+=(cpio)
command -v depmod >/dev/null || [ -x /sbin/depmod ] || need_pkgs+=(kmod)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    info "installing ${need_pkgs[*]} (apt)"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 \
        install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi
export PATH="$PATH:/sbin:/usr/sbin"

# --------------------------------------------------------------------------
# 2. guest kernel: Debian's linux-image-*-amd64, unpacked (never installed)
# --------------------------------------------------------------------------
KPKG=${BERTH_VM_KERNEL_PKG:-}
if [ -z "$KPKG" ]; then
    if [ -f "$CACHE/kernel-pkg" ] && [ -d "$CACHE/$(cat "$CACHE/kernel-pkg")" ]; then
        KPKG=$(cat "$CACHE/kernel-pkg")
    else
        KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null \
               | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
        [ -n "$KPKG" ] || die "cannot find the kernel package (run apt-get update?)"
    fi
fi
KDIR=$CACHE/$KPKG
if [ ! -f "$KDIR/.done" ]; then
    info "fetching kernel package $KPKG"
    rm -rf "$KDIR" "$CACHE/dl"; mkdir -p "$CACHE/dl" "$KDIR"
    (cd "$CACHE/dl" && apt-get download "$KPKG" >&2 2>/dev/null) \
        || (cd "$CACHE/dl" && apt-get download "$KPKG" >&2) \
        || die "apt-get download $KPKG failed"
    dpkg -x "$CACHE"/dl/"$KPKG"_*.deb "$KDIR"
    rm -rf "$CACHE/dl"
    KVER=$(ls "$KDIR/lib/modules")
    depmod -b "$KDIR" "$KVER"
    touch "$KDIR/.done"
fi
echo "$KPKG" > "$CACHE/kernel-pkg"
KVER=$(ls "$KDIR/lib/modules")
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
MODDIR=$KDIR/lib/modules/$KVER
# The cache may be shared with another tool that unpacked the kernel on a
# machine without kmod: make sure the module index exists.
[ -f "$MODDIR/modules.dep" ] || depmod -b "$KDIR" "$KVER"

# Boot the *uncompressed* ELF vmlinux via QEMU's PVH entry (Debian kernels
# have CONFIG_PVH=y): skips SeaBIOS/real-mode setup and the in-guest kernel
# decompression, which under TCG halves the boot time (~3s instead of ~6.5s).
# The ELF is cut out of the bzImage (like the kernel's scripts/extract-vmlinux).
extract_vmlinux() {  # $1 bzImage, $2 output
    local magic tool off
    for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
        tool=${magic%%:*}
        for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$1" | cut -d: -f1); do
            tail -c +$((off + 1)) "$1" | $tool -dc 2>/dev/null > "$2.tmp" || true
            if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
                mv "$2.tmp" "$2"; return 0
            fi
        done
    done
    rm -f "$2.tmp"; return 1
}
KERNEL=$VMLINUZ
if [ "${BERTH_VM_PVH:-1}" = 1 ]; then
    if [ -f "$KDIR/vmlinux" ] || extract_vmlinux "$VMLINUZ" "$KDIR/vmlinux"; then
        KERNEL=$KDIR/vmlinux
    else
        info "could not extract vmlinux, booting the bzImage (slower)"
    fi
fi

# --------------------------------------------------------------------------
# 3. base initramfs (busybox + modules + /init), rebuilt when inputs change
# --------------------------------------------------------------------------
# Stage 1 (/init, runs from the initramfs with busybox): load modules, mount
# the host root over 9p read-only + tmpfs overlay, move /proc /sys /dev into
# it and switch_root to stage 2.  switch_root matters: a runtime cannot
# pivot_root out of an initramfs root.
read -r -d '' STAGE1 <<'EOF' || true
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() { echo "berth-vm stage1: $*" >/dev/console; poweroff -f; }
for m in $(cat /modules.order); do
    insmod "/lib/modules/$m" 2>/dev/null || echo "berth-vm: insmod $m failed" >/dev/console
done
mkdir -p /ro /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro hostroot /ro \
    || fail "cannot mount host root over 9p"
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/ro,upperdir=/rw/upper,workdir=/rw/work overlay /newroot \
    || fail "cannot mount overlay root"
mkdir -p /newroot/.berth-vm
cp /berth-vm/* /bin/busybox /newroot/.berth-vm/
mount --move /proc /newroot/proc
mount --move /sys  /newroot/sys
mount --move /dev  /newroot/dev
exec switch_root /newroot /.berth-vm/busybox sh /.berth-vm/stage2
EOF

# Stage 2 (PID 1 in the overlay root): set up the usual mounts, cgroup2 with
# all controllers, the share, then run the command and report its status.
read -r -d '' STAGE2 <<'EOF' || true
BB=/.berth-vm/busybox
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
. /.berth-vm/conf
fail() { echo "berth-vm stage2: $*" >/dev/console; echo "rc=125" > "$STATUS"; $BB poweroff -f; }
# virtio-serial ports (no udev): find them by name
for p in /sys/class/virtio-ports/*; do
    case "$(cat "$p/name" 2>/dev/null)" in
        berth.stdout) OUT=/dev/${p##*/} ;;
        berth.stderr) ERR=/dev/${p##*/} ;;
        berth.status) STATUS=/dev/${p##*/} ;;
    esac
done
STATUS=${STATUS:-/dev/console}
# kernel modules of the guest kernel, for on-demand modprobe (bound before
# /tmp is covered by a tmpfs, in case the cache lives under /tmp)
$BB mkdir -p "/lib/modules/$KVER" && $BB mount --bind "$MODDIR" "/lib/modules/$KVER" 2>/dev/null || true
$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
$BB mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
$BB mkdir -p /dev/pts /dev/shm /dev/mqueue
$BB mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
$BB mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
$BB mount -t mqueue mqueue /dev/mqueue
$BB ln -sf /proc/self/fd /dev/fd 2>/dev/null
for i in 0:stdin 1:stdout 2:stderr; do $BB ln -sf "/proc/self/fd/${i%%:*}" "/dev/${i#*:}" 2>/dev/null; done
$BB mkdir -p /dev/hugepages
$BB ln -sf pts/ptmx /dev/ptmx 2>/dev/null || true
$BB mount -t cgroup2 -o nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup \
    || fail "cannot mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || echo "berth-vm: cannot enable $c" >/dev/console
done
$BB mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
$BB mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
$BB mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null || true
# the shared host directory, read-write, at the same path
$BB mkdir -p "$SHARE"
$BB mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=mmap share "$SHARE" \
    || fail "cannot mount the share at $SHARE"
$BB hostname berth-vm
$BB ip link set lo up 2>/dev/null || true
export HOME=/root TERM=dumb
/bin/bash /.berth-vm/cmd.sh </dev/null >"${OUT:-/dev/console}" 2>"${ERR:-/dev/console}"
rc=$?
sync
echo "rc=$rc" > "$STATUS"
$BB poweroff -f
EOF

modules_order() {  # resolve deps from modules.dep, print paths in load order
    local seen=" " out=() m path deps d
    add() {
        local p=$1 d
        case "$seen" in *" $p "*) return;; esac
        for d in $(awk -v p="$p:" '$1==p{for(i=2;i<=NF;i++)print $i}' "$MODDIR/modules.dep" | tac); do
            add "$d"
        done
        seen="$seen$p "; out+=("$p")
    }
    for m in "$@"; do
        path=$(modinfo -b "$KDIR" -k "$KVER" -n "$m" 2>/dev/null) || { echo "unknown module $m" >&2; continue; }
        case "$path" in /*) path=${path#"$MODDIR"/};; *) continue;; esac   # builtin
        add "$path"
    done
    printf '%s\n' "${out[@]}"
}

INITRD=$CACHE/initrd-$KVER.cpio.gz
STAMP=$(cat "$SELF" /bin/busybox "$VMLINUZ" <(echo "$MODULES") | md5sum | cut -c1-16)
if [ ! -f "$INITRD" ] || [ "$(cat "$INITRD.stamp" 2>/dev/null)" != "$STAMP" ]; then
    info "building initramfs"
    R=$(mktemp -d "${TMPDIR:-/tmp}/berth-vm-root.XXXXXX")
    mkdir -p "$R"/{bin,proc,sys,dev,lib/modules,berth-vm}
    cp /bin/busybox "$R/bin/busybox"
    printf '%s\n' "$STAGE1" > "$R/init"; chmod 755 "$R/init"
    printf '%s\n' "$STAGE2" > "$R/berth-vm/stage2"
    : > "$R/modules.order"
    # shellcheck disable=SC2086
    for p in $(modules_order $MODULES); do
        mkdir -p "$R/lib/modules/$(dirname "$p")"
        cp "$MODDIR/$p" "$R/lib/modules/$p"
        echo "$p" >> "$R/modules.order"
    done
    (cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD.tmp.$$"
    # pad to a 512-byte boundary: the kernel skips zero bytes between
    # archives, but an uncompressed cpio appended later must start 4-aligned
    truncate -s $(( ( $(stat -c %s "$INITRD.tmp.$$") + 511 ) / 512 * 512 )) "$INITRD.tmp.$$"
    mv "$INITRD.tmp.$$" "$INITRD"; echo "$STAMP" > "$INITRD.stamp"
    rm -rf "$R"
fi

# --------------------------------------------------------------------------
# 4. per-run bits: command + config as a second cpio appended to the initrd
# --------------------------------------------------------------------------
RUN=$(mktemp -d "${TMPDIR:-/tmp}/berth-vm-run.XXXXXX")
QPID=; CATS=()
cleanup() {
    [ -n "$QPID" ] && kill "$QPID" 2>/dev/null || true
    for p in "${CATS[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ "${BERTH_VM_KEEP:-0}" = 1 ]; then echo "run-in-vm: run dir kept: $RUN" >&2
    else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# cwd in the guest: current dir if it is inside the share, else the share
GUEST_CWD=$PWD
case "$(realpath -- "$PWD")/" in "$SHARE"/*) GUEST_CWD=$(realpath -- "$PWD");; *) GUEST_CWD=$SHARE;; esac

mkdir -p "$RUN/extra/berth-vm"
{
    printf 'KVER=%q\nMODDIR=%q\nSHARE=%q\n' "$KVER" "$MODDIR" "$SHARE"
} > "$RUN/extra/berth-vm/conf"
{
    echo "cd -- $(printf '%q' "$GUEST_CWD") || exit 125"
    printf 'export PATH=%q\n' "$PATH"
    for v in ${BERTH_VM_ENV:-}; do
        [ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
    done
    printf 'exec'; printf ' %q' "$@"; echo
} > "$RUN/extra/berth-vm/cmd.sh"
(cd "$RUN/extra" && find . | cpio -o -H newc --quiet) > "$RUN/extra.cpio"
cat "$INITRD" "$RUN/extra.cpio" > "$RUN/initrd"

# --------------------------------------------------------------------------
# 5. accelerator: KVM if it really works here, else TCG
# --------------------------------------------------------------------------
kvm_usable() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }
CPU_KVM=${BERTH_VM_CPU:-}
probe_kvm() {  # boot once with KVM running `true`; cached per host kernel+qemu
    local key res cpu
    key="$(uname -r)-$(qemu-system-x86_64 --version | head -1 | tr -c 'a-zA-Z0-9.\n' _)"
    res=$CACHE/kvm-probe-$key
    if [ -f "$res" ]; then CPU_KVM=${CPU_KVM:-$(cat "$res")}; [ -s "$res" ]; return; fi
    for cpu in host host,-arch-capabilities; do
        info "probing KVM (-cpu $cpu, up to 60s, result cached in $res)"
        if BERTH_VM_ACCEL=kvm BERTH_VM_CPU=$cpu BERTH_VM_TIMEOUT=60 BERTH_VM_QUIET=1 \
           BERTH_VM_CACHE=$CACHE BERTH_VM_SHARE=$RUN bash "$SELF" true >/dev/null 2>&1; then
            echo "$cpu" > "$res"; CPU_KVM=${CPU_KVM:-$cpu}; return 0
        fi
    done
    : > "$res"; return 1
}
case "$ACCEL" in
    kvm) kvm_usable || die "/dev/kvm missing or not accessible" ;;
    tcg) ;;
    auto)
        if kvm_usable && probe_kvm; then ACCEL=kvm
        else
            ACCEL=tcg
            echo "run-in-vm: ********************************************************" >&2
            echo "run-in-vm: WARNING: KVM not usable here - using TCG software emulation" >&2
            echo "run-in-vm: (slow; delete $CACHE/kvm-probe-* to re-probe KVM)" >&2
            echo "run-in-vm: ********************************************************" >&2
        fi ;;
    *) die "BERTH_VM_ACCEL must be auto, kvm or tcg" ;;
esac
if [ "$ACCEL" = kvm ]; then
    ACCEL_ARGS=(-accel kvm -cpu "${CPU_KVM:-host}")
else
    ACCEL_ARGS=(-accel tcg,thread=multi -cpu max)
fi

# --------------------------------------------------------------------------
# 6. boot
# --------------------------------------------------------------------------
SECMODEL=passthrough; [ "$(id -u)" = 0 ] || SECMODEL=none
# The guest's stdout/stderr arrive through FIFOs that we copy to our own
# stdout/stderr (keeps the caller's redirections intact, streams output).
# fds 3/4 hold the FIFOs open so neither side blocks in open(); they are
# closed after qemu exits so the cats see EOF.
mkfifo "$RUN/out" "$RUN/err"
exec 3<>"$RUN/out" 4<>"$RUN/err"
cat "$RUN/out" 3>&- 4>&- & CATS+=($!)
cat "$RUN/err" 3>&- 4>&- >&2 & CATS+=($!)
info "booting $KPKG ($ACCEL, ${CPUS} cpus, ${MEM}M), share $SHARE"
set +e
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 \
    -M pc "${ACCEL_ARGS[@]}" -m "$MEM" -smp "$CPUS" \
    -nodefaults -no-user-config -display none -no-reboot \
    -kernel "$KERNEL" -initrd "$RUN/initrd" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 ${BERTH_VM_APPEND:-}" \
    -serial "file:$RUN/console.log" \
    -fsdev local,id=hostroot,path=/,security_model=$SECMODEL,multidevs=remap,readonly=on \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev local,id=share,path="$SHARE",security_model=$SECMODEL,multidevs=remap \
    -device virtio-9p-pci,fsdev=share,mount_tag=share \
    -device virtio-serial-pci \
    -chardev file,id=out,path="$RUN/out" -device virtserialport,chardev=out,name=berth.stdout \
    -chardev file,id=err,path="$RUN/err" -device virtserialport,chardev=err,name=berth.stderr \
    -chardev file,id=st,path="$RUN/status" -device virtserialport,chardev=st,name=berth.status \
    </dev/null >"$RUN/qemu.log" 2>&1 3>&- 4>&- &
QPID=$!
wait "$QPID"; qrc=$?; QPID=
exec 3>&- 4>&-
for p in "${CATS[@]}"; do wait "$p" 2>/dev/null; done; CATS=()
set -e

rc=$(sed -n 's/^rc=\([0-9]*\).*/\1/p' "$RUN/status" 2>/dev/null | tail -1)
if [ "${BERTH_VM_VERBOSE:-0}" = 1 ]; then
    echo "----- guest console -----" >&2; cat "$RUN/console.log" >&2
fi
if [ -z "$rc" ]; then
    [ "$qrc" = 124 ] && echo "run-in-vm: VM timed out after ${TIMEOUT}s" >&2
    echo "run-in-vm: VM failed (qemu rc=$qrc); qemu output and guest console:" >&2
    cat "$RUN/qemu.log" >&2
    tail -n 60 "$RUN/console.log" >&2
    exit 125
fi
exit "$rc"
