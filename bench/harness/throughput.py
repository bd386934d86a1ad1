"""Throughput: containers (`run` of /bin/true) completed per second with P
workers running side by side.  Rounds are interleaved across runtimes."""
import threading
import time

from bundle import TRUE
from latency import interleave


def one_round(rt, bundle, parallel, per_worker):
    """Wall-clock rate of parallel*per_worker sequential runs; failures
    are counted and not included in the rate."""
    ok = [0] * parallel

    def worker(w):
        for _ in range(per_worker):
            cid = rt.new_id("tp")
            _, rc, _ = rt.timed(rt.run(bundle, cid), f"run /bin/true (parallel {parallel})")
            if rc == 0:
                ok[w] += 1
            else:
                rt.force_delete(cid)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(parallel)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(ok) / (time.perf_counter() - t0)


def measure(runtimes, bundles, levels, rounds, per_worker, rng):
    """{rt: {"P": [containers/s per round]}}"""
    b = bundles.bundle("true", TRUE)
    out = {rt.name: {} for rt in runtimes}
    for p in levels:
        for _, rt, warm in interleave(runtimes, rounds, 1, rng):
            rate = one_round(rt, b, p, per_worker if not warm else 2)
            if not warm:
                out[rt.name].setdefault(str(p), []).append(rate)
    return out
