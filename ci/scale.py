#!/usr/bin/env python3
"""scale.py BUILD [N]: the scaling figure of `make bench` (README: Benchmarks).

Generates N cases (default 1000: the seed's register-after-attach under N
names), runs them on every built-in backend at the default -j, and prints
the runner's wall time and peak memory (VmHWM, sampled every 0.1 s)
beside the sum and the longest of the job times (from --json).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
src = open("cases/seed/register-after-attach.case").read().splitlines()
work = tempfile.mkdtemp(prefix="tuncheck-scale-")
try:
    for i in range(n):
        lines = [f"case      scale-{i:04d}" if l.startswith("case ") else l for l in src]
        open(os.path.join(work, f"scale-{i:04d}.case"), "w").write("\n".join(lines) + "\n")
    out = os.path.join(work, "r.json")
    t0 = time.monotonic()
    p = subprocess.Popen([os.path.join(build, "tuncheck"), "run", "--json", out, work],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hwm = 0
    while p.poll() is None:
        try:
            for line in open(f"/proc/{p.pid}/status"):
                if line.startswith("VmHWM:"):
                    hwm = max(hwm, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.1)
    wall = time.monotonic() - t0
    jobs = json.load(open(out))["jobs"]
    times = [j["wall_ns"] / 1e9 for j in jobs]
    bad = [j for j in jobs if j["verdict"] not in ("pass", "xfail", "skip")]
    print(f"scale: {n} cases x {len(jobs) // n} backends = {len(jobs)} jobs, "
          f"exit {p.returncode}, {len(bad)} unexpected")
    print(f"scale: wall {wall:.1f} s, runner peak RSS {hwm / 1024:.1f} MiB; "
          f"jobs' sum {sum(times):.1f} s, longest {max(times):.2f} s, "
          f"{sum(times) / wall:.1f} jobs' time per wall second")
finally:
    shutil.rmtree(work)
