"""After each phase: is anything left of the containers and VMs?  Looks for
leftover runtime state, cgroups, mounts and processes whose names carry the
run's id prefix (every container id and VM name starts with it)."""
import os
import time


def leftover_cgroups(prefix, cgroot="/sys/fs/cgroup", depth=5):
    found = []
    for top, dirs, _ in os.walk(cgroot):
        if top[len(cgroot):].count("/") >= depth:
            dirs[:] = []
            continue
        for d in list(dirs):
            if prefix in d:
                found.append(f"{top}/{d}")
                dirs.remove(d)
    return sorted(found)


def leftover_mounts(needles, mountinfo="/proc/self/mountinfo"):
    with open(mountinfo) as f:
        return [l.split()[4] for l in f if any(n in l for n in needles)]


def leftover_processes(prefix, proc="/proc", me=None):
    """(live processes, zombies).  A container init that a runtime left to
    be reaped by PID 1 is a zombie for a moment: dead, holding no memory,
    so it is reported apart."""
    me = me if me is not None else os.getpid()
    found, zombies = [], []
    for d in os.listdir(proc):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open(f"{proc}/{d}/cmdline", "rb") as f:
                cl = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"{proc}/{d}/cgroup") as f:
                cg = f.read()
            with open(f"{proc}/{d}/stat") as f:
                st = f.read()
            st = st[st.rindex(")") + 2:].split()[:2]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if prefix in cl or prefix in cg:
            what = f"{d} (state {st[0]}, parent {st[1]}): {cl.strip()[:120] or '?'}"
            (zombies if st[0] == "Z" else found).append(what)
    return found, zombies


def check(prefix, runtimes, mount_needles, cgroot="/sys/fs/cgroup", proc="/proc",
          mountinfo="/proc/self/mountinfo", zombie_wait=3.0):
    """{kind: [what is left]} - empty when clean.  Zombies get zombie_wait
    seconds to be reaped; those still there are listed under "zombies",
    which does not count as a leftover (see is_clean)."""
    out = {}
    alive, zombies = leftover_processes(prefix, proc)
    end = time.time() + zombie_wait
    while zombies and not alive and time.time() < end:
        time.sleep(0.2)
        alive, zombies = leftover_processes(prefix, proc)
    state = [f"{rt.name}: {c}" for rt in runtimes for c in rt.leftover_state()]
    if state:
        out["runtime state"] = state
    for kind, items in (("cgroups", leftover_cgroups(prefix, cgroot)),
                        ("mounts", leftover_mounts(mount_needles, mountinfo)),
                        ("processes", alive), ("zombies", zombies)):
        if items:
            out[kind] = items
    return out


def is_clean(left):
    return not any(v for k, v in left.items() if k != "zombies")
