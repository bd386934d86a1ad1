import report


def sample_results(with_berth=True):
    order = (["berth"] if with_berth else []) + ["crun", "runc"]
    lat = {"crun": {"run": [0.009, 0.010, 0.011]}, "runc": {"run": [0.026, 0.027, 0.030]}}
    if with_berth:
        lat["berth"] = {"run": [0.004, 0.005, 0.006]}
    return {
        "order": order + ["vm"],
        "config": {"mode": "quick"},
        "skipped": {} if with_berth else {"berth": "binary `build/berth` not found"},
        "failures": {"runc": [["run /bin/true", 1, "boom"]]},
        "leftovers": {"latency": {}, "density": {"zombies": ["1 (state Z)"]}},
        "errors": {},
        "latency": lat,
        "density": {"crun": {"levels": {"10": {"n": 10, "pss": 10 * 2**20, "cgroup": None,
                                                 "memavailable_drop": 0, "processes": 10}},
                             "latency": {"0": [0.01], "10": [0.012]}}},
        "vm": {"accel": "tcg", "kvm_probe": "no /dev/kvm", "kernel_package": "linux-image-x",
               "levels": {"10": {"n": 10, "booted": 10, "qemu_pss": 10 * 40 * 2**20,
                                 "guest_used": 10 * 20 * 2**20, "memavailable_drop": 0}}},
        "vm_published": [["Firecracker", "start", "<= 125 ms", "mem", "<= 5 MiB", "spec"]],
        "meta": {"runtimes": {"crun": {"version": "1.8.1", "path": "/usr/bin/crun"}}},
    }


def test_ratios_are_against_berth():
    md = report.render(sample_results())
    assert "| x berth |" in md
    assert "| crun | 3 | 10.00 | 10.80 | 10.98 | 2.00x |" in md
    assert "| berth | 3 | 5.00 |" in md


def test_without_berth_ratio_falls_back_and_says_so():
    md = report.render(sample_results(with_berth=False))
    assert "x crun (berth not measured)" in md
    assert "**SKIPPED berth**: binary `build/berth` not found" in md


def test_failures_and_zombies_are_reported_not_hidden():
    md = report.render(sample_results())
    assert "**runc: 1 failed command(s)**" in md
    assert "not yet reaped" in md and "LEFTOVERS" not in md


def test_vm_labelled_tcg_and_published_not_measured():
    md = report.render(sample_results())
    assert "TCG, emulated" in md
    assert "published, not measured" in md
    assert "Firecracker" in md


def test_runtime_with_no_samples_shows_failed():
    r = sample_results()
    r["latency"]["runc"]["run"] = []
    md = report.render(r)
    assert "| runc | 0 | FAILED (no samples)" in md


def test_plots_write_data_and_scripts(tmp=None):
    import tempfile, os, plots
    d = tempfile.mkdtemp()
    plots.render(sample_results(), d)
    assert os.path.exists(f"{d}/data/latency_cdf.gp")
    assert os.path.exists(f"{d}/data/cdf-crun.dat")
    assert os.path.exists(f"{d}/data/mem-vm.dat")
    import shutil
    shutil.rmtree(d)
