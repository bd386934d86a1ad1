"""Density and growth in one pass per runtime: idle containers are started
one by one up to the largest level; at each level the harness records the
memory they hold and the start latency of `run /bin/true` with that many
containers already running.

Memory per container, three views:
  * host MemAvailable drop / N,
  * sum of PSS of every process that exists because of the containers
    (each init and its descendants, plus any process whose command line
    names the container, e.g. a shim or monitor),
  * the containers' cgroup memory usage (v1 memory.usage_in_bytes or v2
    memory.current), where the runtime created a cgroup."""
import os
import time

import proc
from bundle import IDLE, TRUE


def cgroup_memory_file(pid, cgroot="/sys/fs/cgroup"):
    """The memory usage file of the cgroup holding pid, or None."""
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        if "memory" in ctrls.split(","):
            cand = f"{cgroot}/memory{path}/memory.usage_in_bytes"
            if os.path.exists(cand):
                return cand
        if ctrls == "":
            for base in (cgroot, f"{cgroot}/unified"):
                cand = f"{base}{path}/memory.current"
                if os.path.exists(cand):
                    return cand
    return None


def container_pids(init_pids, ids):
    """Every process that exists because of the containers."""
    ppids = proc.parents()
    pids = set()
    for p in init_pids:
        pids.update(proc.descendants(p, ppids))
    for p in ppids:
        if p not in pids and p != os.getpid():
            cl = proc.cmdline(p)
            if any(i in cl for i in ids):
                pids.add(p)
    return pids


def snapshot(inits, ids, mem_before):
    """Memory held by the running containers, in bytes, totals."""
    time.sleep(0.5)  # let page cache and slab settle a little
    pids = container_pids(inits, ids)
    cg_files = {cgroup_memory_file(p) for p in inits}
    cg_files.discard(None)
    # A runtime that made no cgroup (berth on a host without cgroup v2)
    # leaves its containers in the harness's own cgroup: that one measures
    # everything else too, so it is not the container's.
    cg_files.discard(cgroup_memory_file(os.getpid()))
    cg = sum(int(open(f).read()) for f in cg_files) if cg_files else None
    return {
        "n": len(inits),
        "memavailable_drop": mem_before - proc.meminfo("MemAvailable"),
        "pss": sum(proc.pss(p) for p in pids),
        "processes": len(pids),
        "cgroup": cg,
        "cgroups_found": len(cg_files),
    }


def measure(rt, bundles, workdir, levels, latency_runs):
    """{"levels": {N: snapshot}, "latency": {N: [s...]}, "start_idle": [s...]}"""
    idle = bundles.bundle("idle", IDLE)
    true = bundles.bundle("true", TRUE)
    res = {"levels": {}, "latency": {}, "start_idle": []}
    ids, inits = [], []
    mem_before = proc.meminfo("MemAvailable")
    try:
        for level in sorted(set([0] + list(levels))):
            while len(ids) < level:
                cid = rt.new_id("idle")
                pidf = f"{workdir}/{cid}.pid"
                # create + start (not run -d) so the init's pid comes back
                # the same way from every runtime: --pid-file.
                dt, rc, _ = rt.timed(rt.create(idle, cid, pidf), "create (idle)")
                if rc == 0:
                    dt2, rc, _ = rt.timed(rt.start(cid), "start (idle)")
                    dt += dt2
                if rc != 0:
                    rt.force_delete(cid)
                    res["error"] = f"could not start idle container {len(ids) + 1}"
                    return res
                ids.append(cid)
                inits.append(int(open(pidf).read().strip()))
                os.unlink(pidf)
                res["start_idle"].append(dt)
            if level:
                res["levels"][str(level)] = snapshot(inits, ids, mem_before)
            lat = []
            for _ in range(latency_runs):
                cid = rt.new_id("grow")
                dt, rc, _ = rt.timed(rt.run(true, cid), "run /bin/true (growth)")
                if rc == 0:
                    lat.append(dt)
                else:
                    rt.force_delete(cid)
            res["latency"][str(level)] = lat
    finally:
        for cid in ids:
            rt.force_delete(cid)
    return res
