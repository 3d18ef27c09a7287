#!/usr/bin/env python3
"""Table for bench/pingpong.sh: medians over rounds, native vs fi_pingpong, and the ratios.

usage: pingpong_table.py RAW ROUNDS ITERS
RAW lines: TOOL PROVIDER BYTES USEC_PER_XFER MB_PER_S MEDIAN_USEC|-  (BYTES may be 1k, 1m)."""
import statistics
import sys

SHOWN = [64, 4096, 65536, 1048576]
UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def size(s):
    return int(float(s[:-1]) * UNITS[s[-1]]) if s[-1] in UNITS else int(s)


def label(b):
    for u, m in (("m", 1 << 20), ("k", 1 << 10)):
        if b >= m and b % m == 0:
            return "%d%s" % (b // m, u)
    return str(b)


def table(runs, provs, pick, title):
    """One table: pick(list) reduces a tool's per-round values (median, or best)."""
    print(title)
    hdr = "%-4s %6s | %9s %9s %6s | %9s %9s %6s | %10s" % (
        "prov", "bytes", "fi usec", "nat usec", "ratio", "fi MB/s", "nat MB/s", "ratio",
        "nat median")
    print(hdr)
    print("-" * len(hdr))
    worst_lat, worst_bw = 0.0, 10.0
    for p in provs:
        for b in SHOWN:
            fi, nat = runs.get((p, b, "fi_pingpong")), runs.get((p, b, "native"))
            if not fi or not nat:
                continue
            fu = pick([r[0] for r in fi], min)
            nu = pick([r[0] for r in nat], min)
            fm = pick([r[1] for r in fi], max)
            nm = pick([r[1] for r in nat], max)
            med = pick([r[2] for r in nat], min)
            lat, bw = nu / fu, nm / fm
            cold = " *" if b == SHOWN[0] else ""
            print("%-4s %6s | %9.2f %9.2f %6.3f | %9.1f %9.1f %6.3f | %10.2f%s" % (
                p, label(b), fu, nu, lat, fm, nm, bw, med, cold))
            if not cold:
                worst_lat, worst_bw = max(worst_lat, lat), min(worst_bw, bw)
    verdict = "within" if worst_lat <= 1.05 and worst_bw >= 0.95 else "NOT within"
    print("warm rows: worst latency ratio %.3f, worst bandwidth ratio %.3f -> %s 5%% of "
          "fi_pingpong\n" % (worst_lat, worst_bw, verdict))


def main():
    raw, rounds, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    runs = {}
    for line in open(raw):
        tool, prov, b, usec, mbs, med = line.split()
        runs.setdefault((prov, size(b), tool), []).append(
            (float(usec), float(mbs), None if med == "-" else float(med)))
    provs = sorted({k[0] for k in runs}, key=lambda p: ["tcp", "shm"].index(p)
                   if p in ("tcp", "shm") else 9)
    print("%d alternating rounds, %d iterations per size, loopback (FI_TCP_IFACE=lo)" % (
        rounds, iters))
    print("usec = mean half round trip (usec/xfer); ratio = native / fi_pingpong "
          "(usec: lower is better; MB/s: higher is better)\n")
    table(runs, provs, lambda v, best: statistics.median(v), "median over rounds")
    table(runs, provs, lambda v, best: best(v),
          "best round (least disturbed by other load on the host)")
    print("* first size: both tools include connection setup in that row's mean (no warm-up in "
          "fi_pingpong); the native median is per iteration and excludes it")


if __name__ == "__main__":
    main()
