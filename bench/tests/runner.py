"""Runs every test_* function of the test_*.py files next to this one."""
import importlib.util
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))


def main():
    passed = failed = 0
    for fn in sorted(f for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py")):
        spec = importlib.util.spec_from_file_location(fn[:-3], os.path.join(HERE, fn))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in sorted(n for n in dir(mod) if n.startswith("test_")):
            try:
                getattr(mod, name)()
                passed += 1
                if "-v" in sys.argv:
                    print(f"ok   {fn}:{name}")
            except Exception:
                failed += 1
                print(f"FAIL {fn}:{name}\n{traceback.format_exc()}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
