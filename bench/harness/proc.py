"""Process helpers: timed spawning, memory readings, process trees."""
import os
import select
import time

DEVNULL = os.devnull


def spawn(argv, stdout=DEVNULL, stderr=DEVNULL, env=None, cwd=None):
    """Start argv with stdin from /dev/null; return the pid.  posix_spawn
    keeps the harness's own cost per run small and the same for all."""
    fa = [(os.POSIX_SPAWN_OPEN, 0, DEVNULL, os.O_RDONLY, 0)]
    fa.append((os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
    fa.append((os.POSIX_SPAWN_OPEN, 2, stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
    if cwd:
        argv = ["/bin/sh", "-c", 'cd "$0" && exec "$@"', cwd] + list(argv)
    return os.posix_spawnp(argv[0], argv, env if env is not None else os.environ,
                          file_actions=fa)


def timed(argv, stderr=DEVNULL, stdout=DEVNULL, timeout=120):
    """Run argv to completion.  Returns (seconds, exit status, peak RSS in
    KiB of the process and its waited-for descendants)."""
    t0 = time.perf_counter()
    pid = spawn(argv, stdout=stdout, stderr=stderr)
    _, status, ru = wait_timeout(pid, timeout)
    dt = time.perf_counter() - t0
    return dt, os.waitstatus_to_exitcode(status) if status is not None else 124, ru.ru_maxrss if ru else 0


def wait_timeout(pid, timeout):
    """wait4 with a time limit; on expiry the process is killed."""
    fd = os.pidfd_open(pid)
    try:
        p = select.poll()
        p.register(fd, select.POLLIN)
        if not p.poll(timeout * 1000):
            os.kill(pid, 9)
            os.wait4(pid, 0)
            return pid, None, None
    finally:
        os.close(fd)
    return os.wait4(pid, 0)


def wait_gone(pid, timeout=10.0):
    """Wait until a process that is not our child has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        p = select.poll()
        p.register(fd, select.POLLIN)
        return bool(p.poll(int(timeout * 1000)))
    finally:
        os.close(fd)


def meminfo(field="MemAvailable", path="/proc/meminfo"):
    """A /proc/meminfo field in bytes."""
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def pss(pid):
    """Proportional set size of one process in bytes (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def parents(proc="/proc"):
    """{pid: ppid} for every process."""
    out = {}
    for d in os.listdir(proc):
        if not d.isdigit():
            continue
        try:
            with open(f"{proc}/{d}/stat") as f:
                s = f.read()
            out[int(d)] = int(s[s.rindex(")") + 2:].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out


def descendants(root, ppids):
    """root and every process below it."""
    kids = {}
    for p, pp in ppids.items():
        kids.setdefault(pp, []).append(p)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""
