"""The VM-hosted baseline (Kata/Firecracker style): each "container" is a
QEMU guest running Debian's kernel and an initramfs holding the same
busybox workload.  Memory is measured under whatever accelerator works;
start latency only under KVM (a TCG boot time is not a start latency)."""
import lzma
import os
import re
import subprocess
import time

import cpio
import proc

QEMU = "qemu-system-x86_64"
PUBLISHED = [
    ("Firecracker", "start to guest init", "<= 125 ms", "VMM memory overhead", "<= 5 MiB",
     "Firecracker SPECIFICATION.md"),
    ("Kata Containers", "pod start", "~850-950 ms", "shim memory per pod", "~18 MB",
     "Kata Containers performance reports"),
]
INIT = {
    "idle": "mount -t proc proc /proc\necho BENCH-READY $(cat /proc/uptime)\n"
            "grep -E '^(MemTotal|MemAvailable):' /proc/meminfo | sed 's/^/BENCH-MEM /'\n"
            "exec sleep 100000\n",
    "true": "mount -t proc proc /proc\n/bin/true\necho BENCH-READY\npoweroff -f\n",
}


def kernel(cache):
    """(vmlinux, package) - Debian's kernel, downloaded and unpacked into
    the cache (never installed); the ELF vmlinux is cut out of the bzImage
    so QEMU boots it through the PVH entry (no in-guest decompression)."""
    os.makedirs(cache, exist_ok=True)
    dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"], capture_output=True,
                         text=True).stdout
    m = re.search(r"Depends: (linux-image-[0-9]\S+)", dep)
    if not m:
        raise RuntimeError("cannot find the kernel package (apt-cache depends linux-image-amd64)")
    pkg = m.group(1)
    kdir = f"{cache}/{pkg}"
    if not os.path.exists(f"{kdir}/.done"):
        dl = f"{cache}/dl-bench"
        os.makedirs(dl, exist_ok=True)
        os.chmod(dl, 0o777)  # apt drops to user _apt for the download
        subprocess.run(["apt-get", "download", pkg], cwd=dl, check=True,
                       stdout=subprocess.DEVNULL)
        deb = [f for f in os.listdir(dl) if f.startswith(pkg + "_")][0]
        subprocess.run(["dpkg", "-x", f"{dl}/{deb}", kdir], check=True)
        subprocess.run(["rm", "-rf", dl])
        open(f"{kdir}/.done", "w").close()
    vmlinux = f"{kdir}/vmlinux"
    if not os.path.exists(vmlinux):
        bz = [f for f in os.listdir(f"{kdir}/boot") if f.startswith("vmlinuz-")][0]
        elf = extract_vmlinux(open(f"{kdir}/boot/{bz}", "rb").read())
        with open(vmlinux + ".tmp", "wb") as f:
            f.write(elf)
        os.rename(vmlinux + ".tmp", vmlinux)
    return vmlinux, pkg


def extract_vmlinux(bz):
    """The ELF image inside an xz-compressed bzImage."""
    magic = b"\xfd7zXZ\x00"
    off = bz.find(magic)
    while off >= 0:
        try:
            out = lzma.LZMADecompressor().decompress(bz[off:])
            if out[:4] == b"\x7fELF":
                return out
        except lzma.LZMAError:
            pass
        off = bz.find(magic, off + 1)
    raise RuntimeError("no xz-compressed ELF vmlinux in the bzImage")


def initramfs(path, mode, busybox="/bin/busybox"):
    items = [(d, "dir", None) for d in ("bin", "dev", "proc", "sys", "tmp")]
    items += [("dev/console", "char", (5, 1)), ("dev/null", "char", (1, 3)),
              ("bin/busybox", "file", (open(busybox, "rb").read(), 0o755))]
    for a in ("sh", "mount", "echo", "cat", "grep", "sed", "sleep", "true", "poweroff"):
        items.append((f"bin/{a}", "symlink", "busybox"))
    items.append(("init", "file", (("#!/bin/sh\n" + INIT[mode]).encode(), 0o755)))
    with open(path, "wb") as f:
        f.write(cpio.archive(items))
    return path


def qemu_argv(name, vmlinux, initrd, serial, accel):
    a = ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else ["-accel", "tcg", "-cpu", "max"]
    return [QEMU, "-name", name, "-M", "pc", *a, "-m", "128", "-smp", "1",
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", vmlinux, "-initrd", initrd,
            "-append", "console=ttyS0 quiet panic=-1", "-serial", f"file:{serial}"]


class Guest:
    def __init__(self, name, vmlinux, initrd, workdir, accel):
        self.serial = f"{workdir}/{name}.console"
        self.t0 = time.perf_counter()
        self.pid = proc.spawn(qemu_argv(name, vmlinux, initrd, self.serial, accel),
                              stderr=f"{workdir}/{name}.qemu.log")
        self.ready_s = None

    def console(self):
        try:
            return open(self.serial, errors="replace").read()
        except FileNotFoundError:
            return ""

    def wait_ready(self, timeout):
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if "BENCH-READY" in self.console():
                self.ready_s = time.perf_counter() - self.t0
                return True
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                self.pid = None
                return False
            time.sleep(0.01)
        return False

    def guest_used(self):
        mem = dict(re.findall(r"BENCH-MEM (\w+):\s+(\d+)", self.console()))
        if "MemTotal" in mem and "MemAvailable" in mem:
            return (int(mem["MemTotal"]) - int(mem["MemAvailable"])) * 1024
        return None

    def stop(self):
        if self.pid:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
            self.pid = None


def probe_kvm(cache, vmlinux, initrd, workdir):
    """'kvm' if a guest boots to init under KVM within 30 s, else a reason;
    cached per host kernel and QEMU version (a failed probe costs 30 s)."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm"
    ver = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    key = re.sub(r"[^A-Za-z0-9.]", "_", f"{os.uname().release}-{ver}")
    f = f"{cache}/kvm-probe-bench-{key}"
    if os.path.exists(f):
        return open(f).read().strip()
    g = Guest(f"{os.path.basename(workdir)}-kvmprobe", vmlinux, initrd, workdir, "kvm")
    ok = g.wait_ready(30)
    g.stop()
    why = [l.strip() for l in open(f"{workdir}/{os.path.basename(workdir)}-kvmprobe.qemu.log",
                                    errors="replace") if l.strip()][-1:]
    res = "kvm" if ok else "KVM guest did not reach init within 30 s" + (f": {why[0][:200]}" if why else "")
    with open(f, "w") as out:
        out.write(res + "\n")
    return res
