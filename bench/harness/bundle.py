"""The one bundle every runtime runs: a busybox-static rootfs and a config
from `runc spec` (or `crun spec`), edited the same way for each workload."""
import json
import os
import shutil
import subprocess

BUSYBOX = "/bin/busybox"

# Workloads, by name: the container's process.args.  The overhead workloads
# take their size from the environment so the host run is the same script.
IDLE = ["/bin/sleep", "100000"]
TRUE = ["/bin/true"]


def build_rootfs(rootfs, busybox=BUSYBOX):
    """rootfs/bin/busybox plus one symlink per applet."""
    os.makedirs(f"{rootfs}/bin", exist_ok=True)
    for d in ("proc", "sys", "dev", "tmp", "scratch", "etc", "root"):
        os.makedirs(f"{rootfs}/{d}", exist_ok=True)
    shutil.copy2(busybox, f"{rootfs}/bin/busybox")
    applets = subprocess.run([busybox, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    for a in applets:
        link = f"{rootfs}/bin/{a}"
        if a != "busybox" and not os.path.lexists(link):
            os.symlink("busybox", link)
    with open(f"{rootfs}/etc/passwd", "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")


def base_spec(runtimes=("runc", "crun")):
    """The default spec of the first runtime that can print one."""
    for rt in runtimes:
        path = shutil.which(rt) or (f"/usr/sbin/{rt}" if os.path.exists(f"/usr/sbin/{rt}") else None)
        if not path:
            continue
        tmp = subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip()
        try:
            r = subprocess.run([path, "spec"], cwd=tmp, capture_output=True, text=True)
            if r.returncode == 0:
                with open(f"{tmp}/config.json") as f:
                    return json.load(f), rt
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    raise RuntimeError("no runtime (runc or crun) could print a default spec")


def edit_spec(spec, rootfs, args, scratch, env=()):
    """The edits every bundle gets: no terminal, absolute read-only rootfs,
    the workload, a tmpfs /tmp and the scratch dir at /scratch."""
    spec = json.loads(json.dumps(spec))
    p = spec["process"]
    p["terminal"] = False
    p["args"] = list(args)
    p["env"] = [e for e in p.get("env", []) if not e.startswith("TERM=")] + list(env)
    spec["root"] = {"path": os.path.abspath(rootfs), "readonly": True}
    spec["hostname"] = "bench"
    spec["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                           "options": ["nosuid", "nodev", "mode=1777", "size=256m"]})
    spec["mounts"].append({"destination": "/scratch", "type": "bind",
                           "source": os.path.abspath(scratch), "options": ["rbind", "rw"]})
    return spec


def write_bundle(path, spec):
    os.makedirs(path, exist_ok=True)
    with open(f"{path}/config.json", "w") as f:
        json.dump(spec, f, indent=2)
    return path


class Bundles:
    """Creates bundles on demand under one work dir: bundle(name, args)."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.rootfs = f"{workdir}/rootfs"
        self.scratch = f"{workdir}/scratch"
        os.makedirs(self.scratch, exist_ok=True)
        build_rootfs(self.rootfs)
        self.spec, self.spec_from = base_spec()
        self.cache = {}

    def bundle(self, name, args, env=()):
        if name not in self.cache:
            spec = edit_spec(self.spec, self.rootfs, args, self.scratch, env)
            self.cache[name] = write_bundle(f"{self.workdir}/bundles/{name}", spec)
        return self.cache[name]
