"""results.json -> report.md (pure: a dict in, a string out)."""
from stats import summarize, ratio

MS = 1e3
MIB = 2 ** 20


def table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join("" if c is None else str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def fmt(v, scale=1.0, digits=2):
    return "n/a" if v is None else f"{v * scale:.{digits}f}"


def fmt_ratio(r):
    return "n/a" if r is None else f"{r:.2f}x"


def reference(names, present):
    """The runtime ratios are taken against: berth, else the first present."""
    if "berth" in present:
        return "berth"
    return next((n for n in names if n in present), None)


def ref_label(ref):
    if ref is None:
        return "ratio"
    return "x berth" if ref == "berth" else f"x {ref} (berth not measured)"


def dist_table(per_rt, order, scale=MS, unit="ms"):
    """A median/p90/p99 table over {rt: samples}, ratio of medians to the ref."""
    sums = {rt: summarize(per_rt.get(rt) or []) for rt in order if rt in per_rt}
    present = [rt for rt, s in sums.items() if s]
    ref = reference(order, present)
    rows = []
    for rt, s in sums.items():
        if not s:
            rows.append([rt, 0, "FAILED (no samples)", "", "", ""])
            continue
        r = ratio(s["median"], sums[ref]["median"]) if ref else None
        rows.append([rt, s["n"], fmt(s["median"], scale), fmt(s["p90"], scale),
                     fmt(s["p99"], scale), fmt_ratio(r)])
    return table(["runtime", "n", f"median {unit}", f"p90 {unit}", f"p99 {unit}", ref_label(ref)], rows)


def section_latency(res, order):
    out = ["## Start latency\n"]
    for key, title in (("run", "`run` of /bin/true, command to exit"),
                       ("create", "`create`"), ("start", "`start`"), ("delete", "`delete` (stopped container)"),
                       ("exec", "`exec` of /bin/true into a running container")):
        per = {}
        for phase in ("latency", "csd", "exec"):
            for rt, d in res.get(phase, {}).items():
                if key in d:
                    per[rt] = d[key]
        if per:
            out.append(f"### {title}\n\n" + dist_table(per, order))
    return "\n".join(out)


def section_throughput(res, order):
    tp = res.get("throughput") or {}
    if not tp:
        return ""
    out = ["## Throughput (containers started and finished per second, `run` of /bin/true)\n"]
    levels = sorted({p for d in tp.values() for p in d}, key=int)
    for p in levels:
        per = {rt: tp[rt].get(p) for rt in order if rt in tp}
        sums = {rt: summarize(v or []) for rt, v in per.items()}
        ref = reference(order, [rt for rt, s in sums.items() if s])
        rows = [[rt, s["n"], fmt(s["median"], 1, 1), fmt(s["min"], 1, 1), fmt(s["max"], 1, 1),
                 fmt_ratio(ratio(s["median"], sums[ref]["median"]))] if s else [rt, 0, "FAILED", "", "", ""]
                for rt, s in sums.items()]
        out.append(f"### parallelism {p}\n\n" + table(
            ["runtime", "rounds", "median /s", "min /s", "max /s", ref_label(ref)], rows))
    return "\n".join(out)


def section_density(res, order):
    dens = res.get("density") or {}
    vmr = (res.get("vm") or {}).get("levels") or {}
    if not dens and not vmr:
        return ""
    out = ["## Density: memory per idle container\n",
           "PSS: every process that exists because of the container (runtime, shim if any, init...); "
           "cgroup: the container cgroup's memory usage (includes page cache it touched); "
           "MemAvailable: host-wide drop, noisy.\n"]
    levels = sorted({n for d in dens.values() for n in d.get("levels", {})} | set(vmr), key=int)
    for n in levels:
        rows = []
        present = [rt for rt in order if n in dens.get(rt, {}).get("levels", {})]
        ref = reference(order, present)
        refpss = dens[ref]["levels"][n]["pss"] / int(n) if ref else None
        for rt in present:
            v = dens[rt]["levels"][n]
            k = int(n)
            rows.append([rt, fmt(v["pss"] / k / MIB, 1, 3),
                         fmt(v["cgroup"] / k / MIB, 1, 3) if v.get("cgroup") is not None else "no cgroup",
                         fmt(v["memavailable_drop"] / k / MIB, 1, 3), v["processes"],
                         fmt_ratio(ratio(v["pss"] / k, refpss))])
        if n in vmr:
            v = vmr[n]
            b = max(v["booted"], 1)
            acc = (res.get("vm") or {}).get("accel", "?").upper()
            rows.append([f"vm (QEMU, {acc}{', emulated' if acc == 'TCG' else ''})",
                         fmt(v["qemu_pss"] / b / MIB, 1, 1) + " (qemu PSS)",
                         fmt(v["guest_used"] / b / MIB, 1, 1) + " (guest used)",
                         fmt(v["memavailable_drop"] / b / MIB, 1, 1), f"{v['booted']}/{n} booted",
                         fmt_ratio(ratio(v["qemu_pss"] / b, refpss))])
        out.append(f"### N = {n}\n\n" + table(
            ["runtime", "PSS MiB/ctr", "cgroup MiB/ctr", "MemAvailable MiB/ctr", "processes", ref_label(ref)],
            rows))
    if vmr and (res.get("vm") or {}).get("accel") == "tcg":
        out.append("VM rows were measured under TCG software emulation: QEMU's PSS includes TCG's "
                   "translation cache, absent under KVM; the guest's own use is the part that carries over.\n")
    return "\n".join(out)


def section_growth(res, order):
    dens = res.get("density") or {}
    if not dens:
        return ""
    levels = sorted({n for d in dens.values() for n in d.get("latency", {})}, key=int)
    rows = []
    for rt in order:
        if rt not in dens:
            continue
        row = [rt]
        for n in levels:
            s = summarize(dens[rt].get("latency", {}).get(n) or [])
            row.append(fmt(s["median"], MS) if s else "n/a")
        if dens[rt].get("error"):
            row[0] += f" ({dens[rt]['error']})"
        rows.append(row)
    return ("## Growth: `run` /bin/true latency (median ms) with N containers already running\n\n"
            + table(["runtime"] + [f"N={n}" for n in levels], rows))


def section_overhead(res, order):
    ov = res.get("overhead") or {}
    if not ov:
        return ""
    rows = []
    for wl, d in ov.items():
        h = summarize(d.get("host") or [])
        row = [f"{wl} ({d.get('size')})", fmt(h["median"], MS, 1) if h else "FAILED"]
        for rt in order:
            if rt in d or f"{rt}_raw" in res.get("overhead", {}).get(wl, {}):
                s = summarize(d.get(rt) or [])
                if s and h:
                    row.append(f"{fmt(s['median'], MS, 1)} ({(s['median'] / h['median'] - 1) * 100:+.1f}%)")
                else:
                    row.append("FAILED")
        rows.append(row)
    rts = [rt for rt in order if any(rt in d or f"{rt}_raw" in d for d in ov.values())]
    return ("## Overhead on work (median ms; container time = `run` time minus that runtime's median "
            "`run /bin/true`; % vs bare host)\n\n" + table(["workload", "host"] + rts, rows))


def section_startpath(res, order):
    sp = res.get("startpath") or {}
    if not sp:
        return ""
    rows = []
    present = [rt for rt in order if rt in sp]
    ref = reference(order, [rt for rt in present if sp[rt].get("syscalls")])

    def med(rt, k):
        s = summarize(sp[rt].get(k) or [])
        return s["median"] if s else None

    for rt in present:
        d = sp[rt]
        rows.append([rt, fmt(med(rt, "syscalls"), 1, 0), fmt_ratio(ratio(med(rt, "syscalls"), med(ref, "syscalls") if ref else None)),
                     fmt(med(rt, "task_clock_ms"), 1, 1), fmt(med(rt, "peak_rss_kib"), 1 / 1024, 1),
                     f"{d['instructions'] / 1e6:.1f} M" if d.get("instructions") else
                     (d.get("callgrind_error") or "n/a")])
    return ("## Start path of one `run /bin/true`\n\nsyscalls: `strace -f -c` (runtime + container); "
            "task-clock: `perf stat` (hardware counters unavailable); peak RSS: GNU time; "
            "instructions: callgrind, all processes.\n\n"
            + table(["runtime", "syscalls", ref_label(ref), "task-clock ms", "peak RSS MiB", "instructions"], rows))


def section_vm(res):
    v = res.get("vm")
    if v is None:
        return ""
    out = ["## VM-hosted baseline\n"]
    if v.get("skipped"):
        return "\n".join(out + [f"**SKIPPED:** {v['skipped']}\n"])
    out.append(f"Guest: Debian kernel `{v.get('kernel_package')}` + busybox initramfs, QEMU `-M pc`, 128 MiB, "
               f"1 vCPU. Accelerator: **{(v.get('accel') or '?').upper()}** (KVM probe: {v.get('kvm_probe')}).\n")
    if v.get("start_to_init_s"):
        s = summarize(v["start_to_init_s"])
        out.append(f"Measured under KVM: start to guest init median {s['median'] * MS:.1f} ms, "
                   f"p90 {s['p90'] * MS:.1f}, p99 {s['p99'] * MS:.1f} (n={s['n']}).\n")
    else:
        out.append("**VM start latency not measured** (KVM does not work on this host; a TCG boot time is "
                   "not a start latency). Published figures, **published, not measured**:\n")
        out.append(table(["system", "latency metric", "value", "memory metric", "value", "source"],
                         [list(p) for p in res.get("vm_published", [])]))
    return "\n".join(out)


def section_problems(res):
    out = []
    for rt, why in (res.get("skipped") or {}).items():
        out.append(f"- **SKIPPED {rt}**: {why}")
    for rt, fails in (res.get("failures") or {}).items():
        if fails:
            out.append(f"- **{rt}: {len(fails)} failed command(s)**; first: `{fails[0]}`")
    for phase, left in (res.get("leftovers") or {}).items():
        real = {k: v for k, v in left.items() if k != "zombies" and v}
        if real:
            out.append(f"- **LEFTOVERS after {phase}**: {real}")
        elif left.get("zombies"):
            out.append(f"- after {phase}: {len(left['zombies'])} exited container process(es) not yet reaped "
                       "by PID 1 (zombies, hold no memory; not counted as leftovers)")
    for phase, err in (res.get("errors") or {}).items():
        out.append(f"- **phase {phase} crashed**: `{err.strip().splitlines()[-1] if err.strip() else err}`")
    if not out:
        out.append("- none: every runtime ran, no command failed, nothing was left behind.")
    return "## Problems\n\n" + "\n".join(out) + "\n"


def section_env(res):
    m = res.get("meta") or {}
    rows = [[k, m.get(k)] for k in ("date", "os", "kernel", "cpu", "nproc", "mem_total_gib", "cgroup_mode",
                                    "cgroup_note", "qemu", "busybox", "python")]
    rows += [[f"runtime {n}", f"{d['version']} (`{d['path']}`)"] for n, d in (m.get("runtimes") or {}).items()]
    fl = summarize(res.get("floor_s") or [])
    if fl:
        rows.append(["harness floor (spawn+reap /bin/true)", f"{fl['median'] * MS:.2f} ms median, included in every latency"])
    rows.append(["mode", res.get("config", {}).get("mode")])
    return "## Environment\n\n" + table(["what", "value"], rows)


def render(res):
    order = res.get("order") or []
    parts = ["# berth benchmark report\n",
             f"Runtimes: {', '.join(order) or 'none'}. Ratios are medians relative to berth "
             "(or to the first runtime measured when berth was not). Lower is better except throughput.\n",
             section_problems(res), section_latency(res, order), section_throughput(res, order),
             section_density(res, order), section_growth(res, order), section_overhead(res, order),
             section_startpath(res, order), section_vm(res), section_env(res),
             "Plots: `latency_cdf.svg`, `memory_vs_n.svg`, `latency_vs_running.svg`. "
             "Every sample: `results.json`.\n"]
    return "\n".join(p for p in parts if p)
