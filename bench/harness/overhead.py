"""Overhead on work: the same busybox script inside each runtime's container
and on the bare host.  A container's work time is its `run` wall time minus
that runtime's median `run /bin/true` time (its start/stop cost); the host
runs the identical script with the rootfs's busybox applets on PATH."""
import os
import time

import proc
from latency import interleave

SCRIPTS = {
    "cpu": 'i=0; while [ $i -lt $N ]; do i=$((i+1)); done',
    "syscall": 'dd if=/dev/zero of=/dev/null bs=1 count=$N 2>/dev/null',
    "fileio": ('cd "$S" && f=io.$$ && dd if=/dev/zero of=$f bs=1M count=$N conv=fsync 2>/dev/null'
               ' && dd if=$f of=/dev/null bs=1M 2>/dev/null; rc=$?; rm -f $f; exit $rc'),
    "net": ('w="$S/www.$$" && mkdir -p "$w" && dd if=/dev/zero of="$w/big" bs=1M count=32 2>/dev/null'
            ' && { httpd -f -p 127.0.0.1:$PORT -h "$w" & h=$!; } && sleep 0.2 && rc=0'
            ' && for i in $(seq $N); do wget -q -O /dev/null http://127.0.0.1:$PORT/big || rc=1; done;'
            ' kill $h; rm -rf "$w"; exit $rc'),
}
SIZES = {"quick": {"cpu": 100000, "syscall": 200000, "fileio": 64, "net": 8},
         "full": {"cpu": 300000, "syscall": 600000, "fileio": 256, "net": 32}}


def measure(runtimes, bundles, mode, iterations, run_true_medians, rng):
    """{workload: {"host": [s], rt: [work s], rt+"_raw": [run s]}}"""
    out = {}
    for name, script in SCRIPTS.items():
        n = SIZES[mode][name]
        port = str(20000 + rng.randrange(20000))
        env = {"N": str(n), "PORT": port}
        b = bundles.bundle(f"work-{name}", ["/bin/sh", "-c", script],
                           env=[f"S=/scratch", f"N={n}", f"PORT={port}"])
        res = {"host": [], "size": n}
        host = _Host(bundles, script, env)
        for _, rt, warm in interleave(list(runtimes) + [host], iterations, 1, rng):
            if rt is host:
                dt, rc = host.run()
            else:
                cid = rt.new_id(name)
                dt, rc, _ = rt.timed(rt.run(b, cid), f"workload {name}")
                if rc != 0:
                    rt.force_delete(cid)
            if rc != 0 or warm:
                continue
            if rt is host:
                res["host"].append(dt)
            else:
                res.setdefault(rt.name + "_raw", []).append(dt)
                base = run_true_medians.get(rt.name) or 0.0
                res.setdefault(rt.name, []).append(dt - base)
        if host.failures:
            res["host_failures"] = host.failures
        out[name] = res
    return out


class _Host:
    """The bare host as a pseudo-runtime in the interleaving."""
    name = "host"

    def __init__(self, bundles, script, env):
        self.script, self.bundles = script, bundles
        self.env = {"PATH": f"{bundles.rootfs}/bin", "S": bundles.scratch, **env}
        self.failures = 0

    def run(self):
        argv = [f"{self.bundles.rootfs}/bin/sh", "-c", self.script]
        t0 = time.perf_counter()
        pid = proc.spawn(argv, env=self.env, stderr=f"{self.bundles.workdir}/host.stderr")
        _, st, _ = proc.wait_timeout(pid, 300)
        dt = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(st) if st is not None else 124
        if rc:
            self.failures += 1
        return dt, rc
