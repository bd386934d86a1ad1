"""The start path under the microscope: syscalls (`strace -f -c`), CPU time
(`perf stat -e task-clock`; hardware counters are often absent in VMs) and
instructions (`valgrind --tool=callgrind`), each for one `run /bin/true`."""
import glob
import os
import re
import shutil
import subprocess

from bundle import TRUE


def parse_strace_summary(text):
    """(total calls, total errors, {syscall: calls}) from `strace -c` output."""
    calls, total, errors = {}, None, 0
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 5 and f[-1] == "total":
            total = int(f[3])
            errors = int(f[4]) if len(f) == 6 else 0
        elif len(f) >= 5 and re.match(r"^[\d.]+$", f[0]) and f[-1].replace("_", "").isalnum():
            calls[f[-1]] = int(f[3])
    return total, errors, calls


def parse_task_clock(text):
    """msec of task-clock from `perf stat -x,` output, or None."""
    for line in text.splitlines():
        f = line.split(",")
        if len(f) > 2 and "task-clock" in f[2]:
            try:
                return float(f[0])
            except ValueError:
                return None
    return None


def parse_callgrind_totals(paths):
    """Sum of the `totals:`/`summary:` Ir of every callgrind output file."""
    total = 0
    for p in paths:
        with open(p, errors="replace") as f:
            for line in f:
                if line.startswith(("totals:", "summary:")):
                    total += int(line.split()[1])
                    break
    return total


def _tool_run(rt, bundle, wrapper, tag, timeout):
    cid = rt.new_id(tag)
    try:
        r = subprocess.run(wrapper + rt.run(bundle, cid), capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        return r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout}s"
    finally:
        rt.force_delete(cid)


def measure(runtimes, bundles, workdir, runs, callgrind_timeout):
    b = bundles.bundle("true", TRUE)
    out = {}
    for rt in runtimes:
        r = out[rt.name] = {}
        if shutil.which("strace"):
            totals = []
            for i in range(runs):
                o = f"{workdir}/strace-{rt.name}-{i}"
                rc, err = _tool_run(rt, b, ["strace", "-f", "-c", "-o", o], "strace", 120)
                if rc == 0 and os.path.exists(o):
                    tot, errs, calls = parse_strace_summary(open(o).read())
                    totals.append(tot)
                    r["strace_top"] = sorted(calls.items(), key=lambda kv: -kv[1])[:12]
                    r["strace_errors"] = errs
                else:
                    r["strace_error"] = err.strip().splitlines()[-1:] if err else f"exit {rc}"
            r["syscalls"] = totals
        else:
            r["strace_error"] = "strace not installed"
        if shutil.which("perf"):
            clocks = []
            for i in range(runs):
                rc, err = _tool_run(rt, b, ["perf", "stat", "-x,", "-e", "task-clock"], "perf", 60)
                v = parse_task_clock(err)
                if rc == 0 and v is not None:
                    clocks.append(v)
            r["task_clock_ms"] = clocks
        if os.path.exists("/usr/bin/time"):
            # GNU time, not the harness's own wait4: a child forked from
            # Python inherits Python's RSS high-water mark at exec.
            rss = []
            for i in range(runs):
                rc, err = _tool_run(rt, b, ["/usr/bin/time", "-f", "maxrss=%M"], "rss", 60)
                m = re.findall(r"maxrss=(\d+)", err)
                if rc == 0 and m:
                    rss.append(int(m[-1]))
            r["peak_rss_kib"] = rss
        if shutil.which("valgrind") and callgrind_timeout:
            d = f"{workdir}/callgrind-{rt.name}"
            os.makedirs(d, exist_ok=True)
            rc, err = _tool_run(rt, b, ["valgrind", "--tool=callgrind", "--trace-children=yes",
                                        f"--callgrind-out-file={d}/cg.%p"], "cg", callgrind_timeout)
            files = glob.glob(f"{d}/cg.*")
            if rc == 0 and files:
                r["instructions"] = parse_callgrind_totals(files)
                r["instructions_processes"] = len(files)
            else:
                tail = [l for l in (err or "").splitlines() if l.strip()][-2:]
                r["callgrind_error"] = f"exit {rc}: " + " | ".join(tail)[:300]
            shutil.rmtree(d, ignore_errors=True)
        elif not callgrind_timeout:
            r["callgrind_error"] = "skipped (--quick without --callgrind)"
    return out
