"""Plots with gnuplot (SVG): latency distribution, memory per container vs
N, start latency vs containers running.  The data files and scripts stay in
the output dir, so a missing gnuplot leaves them ready to plot."""
import os
import shutil
import subprocess

from stats import cdf_points, summarize

HEAD = 'set terminal svg size 900,560 dynamic font "sans,12"\nset grid\nset key left top\n'


def _write(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(" ".join(f"{x:.6g}" for x in r) + "\n")


def latency_cdf(res, out):
    series = []
    for rt, d in (res.get("latency") or {}).items():
        if d.get("run"):
            _write(f"{out}/data/cdf-{rt}.dat", [(x * 1e3, y) for x, y in cdf_points(d["run"])])
            series.append(f'"data/cdf-{rt}.dat" using 1:2 with steps lw 2 title "{rt}"')
    if not series:
        return None
    return (HEAD + 'set output "latency_cdf.svg"\nset title "run /bin/true: latency distribution"\n'
            'set xlabel "ms (log)"\nset logscale x\nset ylabel "fraction of runs"\nset key right bottom\n'
            "plot " + ", ".join(series) + "\n")


def memory_vs_n(res, out):
    series = []
    for rt, d in (res.get("density") or {}).items():
        pts = [(int(n), v["pss"] / int(n) / 2**20) for n, v in d.get("levels", {}).items()]
        if pts:
            _write(f"{out}/data/mem-{rt}.dat", sorted(pts))
            series.append(f'"data/mem-{rt}.dat" using 1:2 with linespoints lw 2 title "{rt} (PSS)"')
    v = res.get("vm") or {}
    pts = [(int(n), x["qemu_pss"] / max(x["booted"], 1) / 2**20) for n, x in (v.get("levels") or {}).items()]
    if pts:
        _write(f"{out}/data/mem-vm.dat", sorted(pts))
        series.append(f'"data/mem-vm.dat" using 1:2 with linespoints lw 2 '
                      f'title "vm (qemu PSS, {(v.get("accel") or "?").upper()})"')
    if not series:
        return None
    return (HEAD + 'set output "memory_vs_n.svg"\nset title "memory per idle container"\n'
            'set xlabel "containers running (log)"\nset logscale xy\nset ylabel "MiB per container (log)"\n'
            "plot " + ", ".join(series) + "\n")


def latency_vs_running(res, out):
    series = []
    for rt, d in (res.get("density") or {}).items():
        pts = []
        for n, xs in d.get("latency", {}).items():
            s = summarize(xs)
            if s:
                pts.append((int(n), s["median"] * 1e3, s["p90"] * 1e3))
        if pts:
            _write(f"{out}/data/grow-{rt}.dat", sorted(pts))
            series.append(f'"data/grow-{rt}.dat" using 1:2 with linespoints lw 2 title "{rt} median"')
            series.append(f'"data/grow-{rt}.dat" using 1:3 with lines dt 2 title "{rt} p90"')
    if not series:
        return None
    return (HEAD + 'set output "latency_vs_running.svg"\nset title "run /bin/true latency vs containers running"\n'
            'set xlabel "containers already running"\nset ylabel "ms"\nset yrange [0:*]\n'
            "plot " + ", ".join(series) + "\n")


def render(res, out):
    """Write data + scripts, run gnuplot.  Returns a list of problems."""
    os.makedirs(f"{out}/data", exist_ok=True)
    problems = []
    have = shutil.which("gnuplot")
    if not have:
        problems.append("gnuplot not installed: plot scripts written to data/*.gp, not rendered")
    for name, fn in (("latency_cdf", latency_cdf), ("memory_vs_n", memory_vs_n),
                     ("latency_vs_running", latency_vs_running)):
        script = fn(res, out)
        if script is None:
            continue
        with open(f"{out}/data/{name}.gp", "w") as f:
            f.write(script)
        if have:
            r = subprocess.run(["gnuplot", f"data/{name}.gp"], cwd=out, capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"gnuplot {name}: {r.stderr.strip()[:200]}")
    return problems
