# Copyright (c) overlay.fortigate contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every benchmark script bench/*/bench_*.py (``make bench``).

Each script runs in its own process with this interpreter; its output is shown as it comes.
Exits 1 if any script exits non-zero (for example a missed speed target).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))


def main():
    scripts = sorted(glob.glob(os.path.join(BENCH_DIR, "*", "bench_*.py")))
    if not scripts:
        print("no benchmarks found under %s" % BENCH_DIR)
        return 0
    results = []
    for script in scripts:
        name = os.path.relpath(script, os.path.dirname(BENCH_DIR))
        print("==> %s" % name, flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, script], cwd=os.path.dirname(BENCH_DIR))
        results.append((name, code, time.perf_counter() - start))
        print(flush=True)
    print("==> bench summary")
    for name, code, seconds in results:
        print("%-45s %-4s %6.1fs" % (name, "ok" if code == 0 else "FAIL", seconds))
    return 1 if any(code for _name, code, _seconds in results) else 0


if __name__ == "__main__":
    sys.exit(main())
