"""Start latency: `run` of /bin/true, create/start/delete separately, and
exec into a running container.  Runtimes are interleaved: every iteration
visits each runtime once, in a shuffled order, so drift hits all alike."""
import os
import random
import time

import proc
from bundle import IDLE, TRUE


def interleave(runtimes, iterations, warmup, rng):
    """Yield (iteration, runtime, is_warmup) in interleaved order."""
    for i in range(warmup + iterations):
        order = list(runtimes)
        rng.shuffle(order)
        for rt in order:
            yield i, rt, i < warmup


def floor_cost(n=50):
    """What the harness itself costs to spawn and reap /bin/true."""
    return [proc.timed(["/bin/true"])[0] for _ in range(n)]


def run_true(runtimes, bundles, iterations, warmup, rng):
    """{rt: {"run": [s...]}}"""
    b = bundles.bundle("true", TRUE)
    out = {rt.name: {"run": []} for rt in runtimes}
    for _, rt, warm in interleave(runtimes, iterations, warmup, rng):
        cid = rt.new_id("run")
        dt, rc, _ = rt.timed(rt.run(b, cid), "run /bin/true")
        if rc != 0:
            rt.force_delete(cid)
        elif not warm:
            out[rt.name]["run"].append(dt)
    return out


def create_start_delete(runtimes, bundles, workdir, iterations, warmup, rng):
    """create, start and delete timed one by one.  Between start and delete
    the harness waits (untimed) for the container's process to exit."""
    b = bundles.bundle("true", TRUE)
    out = {rt.name: {"create": [], "start": [], "delete": []} for rt in runtimes}
    for _, rt, warm in interleave(runtimes, iterations, warmup, rng):
        cid = rt.new_id("csd")
        pidf = f"{workdir}/{cid}.pid"
        t = {}
        t["create"], rc, _ = rt.timed(rt.create(b, cid, pidf), "create")
        if rc == 0:
            pid = int(open(pidf).read().strip() or 0)
            t["start"], rc, _ = rt.timed(rt.start(cid), "start")
            if rc == 0:
                proc.wait_gone(pid)
                time.sleep(0.001)
                t["delete"], rc, _ = rt.timed(rt.delete(cid), "delete")
        if rc != 0:
            rt.force_delete(cid)
        elif not warm:
            for k, v in t.items():
                out[rt.name][k].append(v)
        if os.path.exists(pidf):
            os.unlink(pidf)
    return out


def exec_latency(runtimes, bundles, iterations, warmup, rng):
    """`exec ID /bin/true` into one idle container per runtime."""
    b = bundles.bundle("idle", IDLE)
    out = {rt.name: {"exec": []} for rt in runtimes}
    ids = {}
    for rt in runtimes:
        cid = rt.new_id("exec")
        _, rc, _ = rt.timed(rt.run(b, cid, detach=True), "run -d (exec target)")
        if rc == 0:
            ids[rt.name] = cid
        else:
            rt.force_delete(cid)
    try:
        live = [rt for rt in runtimes if rt.name in ids]
        for _, rt, warm in interleave(live, iterations, warmup, rng):
            dt, rc, _ = rt.timed(rt.exec_(ids[rt.name], "/bin/true"), "exec /bin/true")
            if rc == 0 and not warm:
                out[rt.name]["exec"].append(dt)
    finally:
        for rt in runtimes:
            if rt.name in ids:
                rt.force_delete(ids[rt.name])
    return out


def seeded(seed):
    return random.Random(seed)
