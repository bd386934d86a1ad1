"""OCI runtimes with runc's CLI (berth, crun, runc): command lines, ids,
availability.  Every runtime gets its own private --root under /run."""
import itertools
import os
import shutil
import subprocess

from proc import timed

DEFAULT_PATHS = {"crun": "crun", "runc": "runc", "berth": "build/berth"}


def resolve(path):
    """An executable's absolute path, or None."""
    if "/" in path:
        return os.path.abspath(path) if os.access(path, os.X_OK) and os.path.isfile(path) else None
    found = shutil.which(path, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    return found


class Runtime:
    def __init__(self, name, binary, state_root, log_dir):
        self.name = name
        self.binary = binary
        self.root = f"{state_root}/{name}"
        self.log = f"{log_dir}/{name}.stderr"
        self.seq = itertools.count()
        self.failures = []          # (what, exit code, last stderr line)
        os.makedirs(self.root, exist_ok=True)

    def new_id(self, tag="c"):
        return f"bb{os.getpid()}-{self.name}-{tag}{next(self.seq)}"

    def cmd(self, *args):
        return [self.binary, "--root", self.root, *args]

    def run(self, bundle, cid, detach=False):
        return self.cmd("run", *(["-d"] if detach else []), "-b", bundle, cid)

    def create(self, bundle, cid, pid_file):
        return self.cmd("create", "--pid-file", pid_file, "-b", bundle, cid)

    def start(self, cid):
        return self.cmd("start", cid)

    def exec_(self, cid, *argv):
        return self.cmd("exec", cid, *argv)

    def kill(self, cid, sig="KILL"):
        return self.cmd("kill", cid, sig)

    def delete(self, cid, force=False):
        return self.cmd("delete", *(["-f"] if force else []), cid)

    def state(self, cid):
        return self.cmd("state", cid)

    def timed(self, argv, what, timeout=120):
        """Run one runtime command; a failure is recorded, never hidden."""
        dt, rc, rss = timed(argv, stderr=self.log, timeout=timeout)
        if rc != 0:
            self.failures.append((what, rc, last_line(self.log)))
        return dt, rc, rss

    def force_delete(self, cid):
        """Best-effort removal of a container, whatever its state."""
        subprocess.run(self.delete(cid, force=True), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)

    def version(self):
        try:
            r = subprocess.run([self.binary, "--version"], capture_output=True, text=True, timeout=10)
            return " ".join(r.stdout.split("\n")[:2]).strip() or r.stderr.strip()
        except (OSError, subprocess.TimeoutExpired) as e:
            return f"unknown ({e})"

    def leftover_state(self):
        """Containers the runtime still knows about (state dirs)."""
        try:
            return sorted(e for e in os.listdir(self.root) if os.path.isdir(f"{self.root}/{e}"))
        except FileNotFoundError:
            return []


def last_line(path):
    try:
        with open(path, errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
        return lines[-1][:300] if lines else ""
    except FileNotFoundError:
        return ""


def select(names, paths, state_root, log_dir, smoke_bundle=None):
    """The runtimes that can run, and {name: reason} for those skipped.
    A runtime is skipped if its binary is missing, or if it cannot run
    /bin/true in the bench bundle (smoke test)."""
    ok, skipped = [], {}
    for name in names:
        binary = resolve(paths.get(name, DEFAULT_PATHS.get(name, name)))
        if not binary:
            skipped[name] = f"binary `{paths.get(name, DEFAULT_PATHS.get(name, name))}` not found or not executable"
            continue
        rt = Runtime(name, binary, state_root, log_dir)
        if smoke_bundle:
            cid = rt.new_id("smoke")
            _, rc, _ = timed(rt.run(smoke_bundle, cid), stderr=rt.log, timeout=60)
            if rc != 0:
                rt.force_delete(cid)
                skipped[name] = f"smoke test `run /bin/true` failed (exit {rc}): {last_line(rt.log)}"
                continue
        ok.append(rt)
    return ok, skipped
