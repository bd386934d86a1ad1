#!/usr/bin/env bash
# Install, from Debian, every package the suite uses that is missing.
# Runtimes themselves (crun, runc) are installed too: the comparison needs them.
set -euo pipefail
want=(crun:crun runc:runc qemu-system-x86_64:qemu-system-x86 hyperfine:hyperfine
      strace:strace valgrind:valgrind perf:linux-perf gnuplot:gnuplot-nox
      unshare:util-linux /usr/bin/time:time)
missing=()
for w in "${want[@]}"; do
    command -v "${w%%:*}" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "${w%%:*}" >/dev/null 2>&1 \
        || missing+=("${w#*:}")
done
# The bundle and the VM image need a *static* busybox.
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || missing+=(busybox-static)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "bench: installing ${missing[*]} (apt)" >&2
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
    install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || echo "bench: WARNING: apt-get install failed; missing tools are skipped later, loudly" >&2
