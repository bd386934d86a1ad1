import os
import tempfile

import cleanup
import cpio
import runtimes
import startpath


def test_missing_binary_is_skipped_with_reason():
    d = tempfile.mkdtemp()
    ok, skipped = runtimes.select(["berth"], {"berth": "/nonexistent/berth"}, d, d)
    assert ok == [] and "not found" in skipped["berth"]


def test_failing_smoke_test_is_skipped_with_reason():
    d = tempfile.mkdtemp()
    fake = f"{d}/fake-runtime"
    with open(fake, "w") as f:
        f.write("#!/bin/sh\necho 'fake: cannot run' >&2\nexit 3\n")
    os.chmod(fake, 0o755)
    ok, skipped = runtimes.select(["berth"], {"berth": fake}, d, d, smoke_bundle=d)
    assert ok == []
    assert "exit 3" in skipped["berth"] and "fake: cannot run" in skipped["berth"]


def test_leftover_cgroups_found_by_prefix():
    d = tempfile.mkdtemp()
    os.makedirs(f"{d}/memory/bb42-crun-c1")
    os.makedirs(f"{d}/pids/user.slice/bb42-runc-c7")
    os.makedirs(f"{d}/pids/other")
    assert cleanup.leftover_cgroups("bb42", d) == [f"{d}/memory/bb42-crun-c1",
                                                   f"{d}/pids/user.slice/bb42-runc-c7"]
    assert cleanup.leftover_cgroups("bb43", d) == []


def test_leftover_mounts_and_processes_from_fake_proc():
    d = tempfile.mkdtemp()
    mi = f"{d}/mountinfo"
    with open(mi, "w") as f:
        f.write("22 1 0:21 / /proc rw - proc proc rw\n"
                "90 1 0:50 / /tmp/berth-bench-42/rootfs rw - tmpfs x rw\n")
    assert cleanup.leftover_mounts(["/tmp/berth-bench-42"], mi) == ["/tmp/berth-bench-42/rootfs"]
    for pid, cmd, cg, state in (("10", b"sleep\x00100000", "4:memory:/bb42-crun-idle3\n", "S"),
                                ("11", b"bash", "4:memory:/\n", "S"),
                                ("12", b"", "4:memory:/bb42-crun-run1\n", "Z")):
        os.makedirs(f"{d}/proc/{pid}")
        open(f"{d}/proc/{pid}/cmdline", "wb").write(cmd)
        open(f"{d}/proc/{pid}/cgroup", "w").write(cg)
        open(f"{d}/proc/{pid}/stat", "w").write(f"{pid} (x y) {state} 1 0 0\n")
    alive, zombies = cleanup.leftover_processes("bb42", f"{d}/proc", me=0)
    assert len(alive) == 1 and alive[0].startswith("10 (state S") and len(zombies) == 1


def test_check_clean_and_dirty():
    d = tempfile.mkdtemp()
    os.makedirs(f"{d}/cg")
    os.makedirs(f"{d}/proc")
    mi = f"{d}/mi"
    open(mi, "w").write("22 1 0:21 / /proc rw - proc proc rw\n")
    rt = runtimes.Runtime("crun", "/bin/true", f"{d}/state", d)
    left = cleanup.check("bb42", [rt], ["/tmp/none"], cgroot=f"{d}/cg", proc=f"{d}/proc",
                         mountinfo=mi, zombie_wait=0)
    assert left == {} and cleanup.is_clean(left)
    os.makedirs(f"{rt.root}/bb42-crun-c0")
    left = cleanup.check("bb42", [rt], ["/tmp/none"], cgroot=f"{d}/cg", proc=f"{d}/proc",
                         mountinfo=mi, zombie_wait=0)
    assert left["runtime state"] == ["crun: bb42-crun-c0"] and not cleanup.is_clean(left)


def test_cpio_round_trip():
    buf = cpio.archive([("bin", "dir", None), ("bin/sh", "symlink", "busybox"),
                        ("init", "file", (b"#!/bin/sh\n", 0o755)), ("dev/console", "char", (5, 1))])
    assert len(buf) % 4 == 0
    names = [(n, d) for n, _, d in cpio.parse(buf)]
    assert names == [("bin", b""), ("bin/sh", b"busybox"), ("init", b"#!/bin/sh\n"), ("dev/console", b"")]


def test_parse_strace_and_perf():
    text = ("% time     seconds  usecs/call     calls    errors syscall\n"
            "------ ----------- ----------- --------- --------- ----------------\n"
            " 40.00    0.000400          10        40         2 openat\n"
            " 10.00    0.000100           5        20           mmap\n"
            "------ ----------- ----------- --------- --------- ----------------\n"
            "100.00    0.001000          16        60         2 total\n")
    total, errors, calls = startpath.parse_strace_summary(text)
    assert (total, errors, calls) == (60, 2, {"openat": 40, "mmap": 20})
    assert startpath.parse_task_clock("12.34,msec,task-clock,12340000,100.00,0.5,CPUs utilized\n") == 12.34
    assert startpath.parse_task_clock("garbage") is None
