"""What the numbers were measured on."""
import os
import platform
import subprocess
import time


def _first(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (r.stdout or r.stderr).strip().split("\n")[0]
    except (OSError, subprocess.TimeoutExpired):
        return None


def cpu_model(path="/proc/cpuinfo"):
    with open(path) as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def cgroup_mode(root="/sys/fs/cgroup"):
    """'v2 (unified)', 'hybrid (v1 + cgroup2 at unified)' or 'v1 (legacy)'."""
    t = _first(["stat", "-f", "-c", "%T", root])
    if t == "cgroup2fs":
        return "v2 (unified)"
    if _first(["stat", "-f", "-c", "%T", f"{root}/unified"]) == "cgroup2fs":
        return "hybrid (v1 controllers + cgroup2 at unified)"
    return "v1 (legacy)"


def collect(runtimes, hide):
    osr = {}
    try:
        for line in open("/etc/os-release"):
            k, _, v = line.strip().partition("=")
            osr[k] = v.strip('"')
    except FileNotFoundError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "kernel": " ".join(os.uname()[2:4]),
        "os": osr.get("PRETTY_NAME"),
        "cpu": cpu_model(),
        "nproc": os.cpu_count(),
        "mem_total_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "cgroup_mode": cgroup_mode(),
        "cgroup_note": (f"runtimes run in a private mount namespace with {hide} hidden "
                        "(crun 1.8 refuses hybrid hosts); set up once per run, no per-call cost"
                        if hide else "none"),
        "runtimes": {rt.name: {"path": rt.binary, "version": rt.version()} for rt in runtimes},
        "qemu": _first(["qemu-system-x86_64", "--version"]),
        "busybox": _first(["/bin/busybox"]),
        "python": platform.python_version(),
    }
