"""Measurements of the VM-hosted baseline."""
import os
import shutil
import time

import proc
import stats
import vm


def measure(cache, workdir, prefix, levels, latency_runs, log):
    res = {"levels": {}, "accel": None}
    if not shutil.which(vm.QEMU):
        res["skipped"] = f"{vm.QEMU} not installed (apt install qemu-system-x86)"
        return res
    vmlinux, pkg = vm.kernel(cache)
    res["kernel_package"] = pkg
    idle = vm.initramfs(f"{workdir}/vm-idle.cpio", "idle")
    true = vm.initramfs(f"{workdir}/vm-true.cpio", "true")
    probe = vm.probe_kvm(cache, vmlinux, idle, workdir)
    res["kvm_probe"] = probe
    accel = "kvm" if probe == "kvm" else "tcg"
    res["accel"] = accel
    if accel == "kvm":
        lat = []
        for i in range(latency_runs + 1):
            g = vm.Guest(f"{prefix}-vmlat{i}", vmlinux, true, workdir, "kvm")
            ok = g.wait_ready(30)
            g.stop()
            if ok and i:
                lat.append(g.ready_s)
        res["start_to_init_s"] = lat
    else:
        log(f"VM start latency NOT measured: KVM unusable here ({probe}); "
            "the report shows published figures instead")
    for n in levels:
        guests = []
        before = proc.meminfo("MemAvailable")
        try:
            for i in range(n):
                guests.append(vm.Guest(f"{prefix}-vm{n}-{i}", vmlinux, idle, workdir, accel))
            booted = [g.wait_ready(180) for g in guests]
            time.sleep(1.0)
            pss = [proc.pss(g.pid) for g in guests if g.pid]
            used = [g.guest_used() for g in guests]
            res["levels"][str(n)] = {
                "n": n,
                "booted": sum(booted),
                "qemu_pss": sum(pss),
                "guest_used": sum(u for u in used if u),
                "memavailable_drop": before - proc.meminfo("MemAvailable"),
                "boot_to_ready_s_" + accel: [g.ready_s for g in guests if g.ready_s],
            }
        finally:
            for g in guests:
                g.stop()
    return res


def summary_line(res):
    if res.get("skipped"):
        return res["skipped"]
    lv = res["levels"]
    if not lv:
        return "no VM measured"
    n = max(lv, key=int)
    v = lv[n]
    return (f"{v['booted']}/{n} guests booted ({res['accel']}), "
            f"qemu PSS/guest {v['qemu_pss'] / max(v['booted'], 1) / 2**20:.1f} MiB")
