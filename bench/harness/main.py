"""The benchmark driver: runs every phase, checks for leftovers after each,
writes results.json, report.md and the plots.  Started by bench/run."""
import argparse
import json
import os
import shutil
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bundle  # noqa: E402
import cleanup  # noqa: E402
import density  # noqa: E402
import latency  # noqa: E402
import overhead  # noqa: E402
import plots  # noqa: E402
import report  # noqa: E402
import runtimes as rtmod  # noqa: E402
import startpath  # noqa: E402
import stats  # noqa: E402
import sysinfo  # noqa: E402
import throughput  # noqa: E402
import vm  # noqa: E402
import vm_measure  # noqa: E402

PLAN = {
    "quick": dict(lat=30, warm=3, csd=20, exec=20, tp_rounds=3, tp_per_worker=5,
                  levels=[1, 10, 50], grow_runs=5, ov=3, sp=2, cg=0, vm_levels=[1, 2], vm_lat=3),
    "full": dict(lat=200, warm=10, csd=100, exec=100, tp_rounds=5, tp_per_worker=20,
                 levels=[1, 10, 100, 500], grow_runs=20, ov=10, sp=5, cg=300, vm_levels=[1, 4, 10],
                 vm_lat=20),
}


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def parse(argv):
    p = argparse.ArgumentParser(prog="bench/run", description="berth benchmark suite")
    p.add_argument("--quick", action="store_true", help="a few-minute run (smaller N, fewer samples)")
    p.add_argument("--runtimes", default="berth,crun,runc,vm", help="comma list of berth,crun,runc,vm")
    p.add_argument("--out", default=None, help="output dir (default bench/results/<date>)")
    p.add_argument("--berth", default="build/berth", help="path of the berth binary")
    p.add_argument("--callgrind", action="store_true", help="count instructions even with --quick")
    p.add_argument("--phases", default="latency,throughput,density,overhead,startpath,vm",
                   help="which phases to run")
    p.add_argument("--seed", type=int, default=1, help="seed of the interleaving order")
    p.add_argument("--cache", default=os.path.expanduser("~/.cache/berth-vm"),
                   help="cache for the VM kernel (shared with shared/vm/run-in-vm.sh)")
    return p.parse_args(argv)


def main(argv):
    a = parse(argv)
    mode = "quick" if a.quick else "full"
    plan = dict(PLAN[mode])
    if a.callgrind and not plan["cg"]:
        plan["cg"] = 300
    names = [n.strip() for n in a.runtimes.split(",") if n.strip()]
    phases = a.phases.split(",")
    out = os.path.abspath(a.out or f"bench/results/{time.strftime('%Y%m%d-%H%M%S')}")
    os.makedirs(out, exist_ok=True)
    prefix = f"bb{os.getpid()}"
    work = f"/tmp/berth-bench-{os.getpid()}"
    state = f"/run/berth-bench-{os.getpid()}"
    os.makedirs(work, exist_ok=True)
    rng = latency.seeded(a.seed)
    res = {"config": {"mode": mode, "plan": plan, "seed": a.seed, "runtimes": names},
           "skipped": {}, "failures": {}, "leftovers": {}, "errors": {},
           "vm_published": [list(p) for p in vm.PUBLISHED]}
    try:
        run_all(a, plan, names, phases, mode, out, prefix, work, state, rng, res)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
        with open(f"{out}/results.json", "w") as f:
            json.dump(res, f, indent=1)
        problems = plots.render(res, out)
        for p in problems:
            log(f"WARNING: {p}")
        with open(f"{out}/report.md", "w") as f:
            f.write(report.render(res))
        log(f"report: {out}/report.md")
    bad = bool(res["errors"] or not all(cleanup.is_clean(v) for v in res["leftovers"].values()))
    return 1 if bad else 0


def run_all(a, plan, names, phases, mode, out, prefix, work, state, rng, res):
    bundles = bundle.Bundles(work)
    res["bundle"] = {"spec_from": bundles.spec_from, "rootfs": "busybox-static"}
    smoke = bundles.bundle("true", bundle.TRUE)
    ctr_names = [n for n in names if n != "vm"]
    rts, skipped = rtmod.select(ctr_names, {"berth": a.berth}, state, work, smoke)
    for n, why in skipped.items():
        log("*" * 70)
        log(f"SKIPPED {n}: {why}")
        log("*" * 70)
    res["skipped"] = skipped
    res["order"] = [rt.name for rt in rts] + (["vm"] if "vm" in names else [])
    res["meta"] = sysinfo.collect(rts, os.environ.get("BENCH_CGROUP_HIDE"))
    res["floor_s"] = latency.floor_cost()

    def phase(name, fn):
        if name.split(":")[0] not in phases:
            return
        log(f"phase {name} ({mode})")
        t0 = time.time()
        try:
            fn()
        except Exception:
            res["errors"][name] = traceback.format_exc()
            log(f"phase {name} FAILED:\n{res['errors'][name]}")
        left = cleanup.check(prefix, rts, [work, state])
        res["leftovers"][name] = left
        if not cleanup.is_clean(left):
            log(f"LEFTOVERS after {name}: {left}")
        log(f"phase {name} done in {time.time() - t0:.0f}s")

    def lat():
        res["latency"] = latency.run_true(rts, bundles, plan["lat"], plan["warm"], rng)
        res["csd"] = latency.create_start_delete(rts, bundles, work, plan["csd"], plan["warm"], rng)
        res["exec"] = latency.exec_latency(rts, bundles, plan["exec"], plan["warm"], rng)

    def tp():
        levels = sorted({1, 2, os.cpu_count() or 1})
        res["throughput"] = throughput.measure(rts, bundles, levels, plan["tp_rounds"],
                                               plan["tp_per_worker"], rng)

    def dens():
        res["density"] = {}
        for rt in rts:
            res["density"][rt.name] = density.measure(rt, bundles, work, plan["levels"], plan["grow_runs"])

    def ov():
        med = {rt: (stats.summarize(d.get("run") or []) or {}).get("median")
               for rt, d in res.get("latency", {}).items()}
        res["overhead"] = overhead.measure(rts, bundles, mode, plan["ov"], med, rng)

    def sp():
        res["startpath"] = startpath.measure(rts, bundles, work, plan["sp"], plan["cg"])

    def vmb():
        res["vm"] = vm_measure.measure(a.cache, work, prefix, plan["vm_levels"], plan["vm_lat"], log)
        log("vm: " + vm_measure.summary_line(res["vm"]))

    phase("latency", lat)
    phase("throughput", tp)
    phase("density", dens)
    phase("overhead", ov)
    phase("startpath", sp)
    if "vm" in names:
        phase("vm", vmb)
    res["failures"] = {rt.name: rt.failures for rt in rts}
    for rt in rts:
        if rt.failures:
            log(f"{rt.name}: {len(rt.failures)} failed command(s), first: {rt.failures[0]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
