#!/usr/bin/env python3
"""Runs a command N times and prints median wall time, CPU time and peak RSS.

usage: measure.py [-n N] [--env K=V ...] -- command args...
Prints one JSON object: {"runs": N, "wall_ms": median, "cpu_ms": median, "rss_mib": max, "rc": last}.
Each run goes through GNU time (/usr/bin/time): a child forked from this Python process
would report Python's own resident memory as its peak, since the peak survives exec."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    n = 5
    env = dict(os.environ)
    while args and args[0] != "--":
        if args[0] == "-n":
            n = int(args[1]); args = args[2:]
        elif args[0] == "--env":
            k, v = args[1].split("=", 1); env[k] = v; args = args[2:]
        else:
            sys.exit("measure.py: unknown option " + args[0])
    cmd = args[1:]
    walls, cpus, rss, rc = [], [], 0.0, 0
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(n):
            t0 = time.perf_counter()
            rc = subprocess.call(["/usr/bin/time", "-o", out.name, "-f", "%M %U %S", *cmd], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL)
            walls.append((time.perf_counter() - t0) * 1000)
            out.seek(0)
            last = out.read().strip().splitlines()[-1].split()
            rss = max(rss, int(last[0]) / 1024)
            cpus.append((float(last[1]) + float(last[2])) * 1000)
    print(json.dumps({"runs": n, "wall_ms": round(statistics.median(walls), 2),
                      "cpu_ms": round(statistics.median(cpus), 2), "rss_mib": round(rss, 2),
                      "rc": rc}))


if __name__ == "__main__":
    main()
