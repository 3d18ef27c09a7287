#!/usr/bin/env python3
"""Runs a command N times and prints median wall time, CPU time and peak RSS.

usage: measure.py [-n N] [--env K=V ...] -- command args...
Prints one JSON object: {"runs": N, "wall_ms": median, "cpu_ms": median, "rss_mib": max, "rc": last}.
Peak RSS comes from wait4's rusage of the child itself (not its children)."""
import json
import os
import statistics
import subprocess
import sys
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
    walls, cpus, rss, rc = [], [], 0, 0
    for _ in range(n):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((ru.ru_utime + ru.ru_stime) * 1000)
        rss = max(rss, ru.ru_maxrss / 1024)
        rc = os.waitstatus_to_exitcode(status)
    print(json.dumps({"runs": n, "wall_ms": round(statistics.median(walls), 2),
                      "cpu_ms": round(statistics.median(cpus), 2), "rss_mib": round(rss, 2),
                      "rc": rc}))


if __name__ == "__main__":
    main()
