#!/usr/bin/env python3
"""Table for bench/pingpong.sh: native vs fi_pingpong per provider and size, robust to noise.

usage: pingpong_table.py RAW ROUNDS ITERS
RAW lines: TOOL PROVIDER ROUND BYTES USEC_PER_XFER MB_PER_S  (BYTES may be 1k, 1m).

Per size: each tool's minimum over rounds of its mean half round trip (the least disturbed
round), the ratio of the two minima, and the spread beside it: each tool's median and maximum
over rounds as a multiple of its minimum, and the quartiles of the per-round ratio (the two
tools of one round ran back to back, so a burst of load tends to hit both).

With fi_pingpong2 rows (a second fi_pingpong run in each round), the same two figures for
fi_pingpong2 / fi_pingpong beside them: an A/A comparison, the bench's own floor on this host.
An A/B ratio is only as exact as the A/A ratio next to it is close to 1."""
import statistics
import sys

SHOWN = [4096, 65536, 1048576]
GOAL = 1.05
UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def size(s):
    return int(float(s[:-1]) * UNITS[s[-1]]) if s[-1] in UNITS else int(s)


def label(b):
    for u, m in (("m", 1 << 20), ("k", 1 << 10)):
        if b >= m and b % m == 0:
            return "%d%s" % (b // m, u)
    return str(b)


def quartiles(v):
    if len(v) < 2:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[1], q[2]


def load(raw):
    """{(prov, bytes, tool): {round: usec}}

    The half round trip is taken as BYTES / MB_PER_S, not from the USEC column: fi_pingpong
    prints usec/xfer with 2 decimals (0.50 at shm 4k is 0.495 to 0.505, +-1 %) but MB/sec,
    bytes / elapsed usec, with 6 or more significant digits. Both tools define
    usec/xfer = elapsed / (2 * iterations) and MB/s = 2 * iterations * bytes / elapsed, so
    bytes / MB/s is usec/xfer itself (native's JSON gives both unrounded)."""
    runs = {}
    for line in open(raw):
        tool, prov, rnd, b, usec, mbs = line.split()
        n, mbs = size(b), float(mbs)
        runs.setdefault((prov, n, tool), {})[int(rnd)] = n / mbs if mbs > 0 else float(usec)
    return runs


def near(v, low):
    """Rounds within 10% of the best: with 2 or more the best is reproducible, not luck."""
    return sum(1 for x in v if x <= low * 1.1)


def compare(a, b):
    """Ratio of the minima of b over a, and the quartiles of the per-round b/a."""
    return min(b.values()) / min(a.values()), quartiles(sorted(b[r] / a[r] for r in a if r in b))


def verdict(ratio, aa):
    """ok: within the goal; ~: above it but no further from 1 than fi_pingpong from itself
    (A/A) at that size, so this run cannot tell; --: beyond both."""
    if ratio <= GOAL:
        return "ok"
    return "~ " if aa is not None and ratio - 1 <= abs(aa - 1) else "--"


def row(p, b, fi, nat, fi2):
    """Prints one size's line; returns (ratio, A/A ratio or None, whether both minima were
    reproduced)."""
    fmin, nmin = min(fi.values()), min(nat.values())
    ratio, (q1, q2, q3) = compare(fi, nat)
    aa, (a1, a2, a3) = compare(fi, fi2) if fi2 else (None, (0, 0, 0))
    nf, nn = near(fi.values(), fmin), near(nat.values(), nmin)
    line = "%-4s %5s | %8.3f %5.2f %6.2f %3d | %8.3f %5.2f %6.2f %3d | %6.3f %s | %5.3f %5.3f %5.3f" % (
        p, label(b), fmin, statistics.median(fi.values()) / fmin, max(fi.values()) / fmin, nf,
        nmin, statistics.median(nat.values()) / nmin, max(nat.values()) / nmin, nn, ratio,
        verdict(ratio, aa), q1, q2, q3)
    if aa is not None:
        line += " | %6.3f | %5.3f %5.3f %5.3f" % (aa, a1, a2, a3)
    print(line)
    return ratio, aa, nf >= 2 and nn >= 2


def main():
    raw, rounds, iters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    runs = load(raw)
    provs = sorted({k[0] for k in runs}, key=lambda p: ["tcp", "shm"].index(p)
                   if p in ("tcp", "shm") else 9)
    print("%d interleaved rounds (A B A', A' B A, ...), %d iterations per size, same sizes in the same "
          "order and no warm-up for both, loopback" % (rounds, iters))
    print("min = the least disturbed round's mean half round trip (usec/xfer); med, max = the "
          "median and worst round as multiples of min; n = rounds within 10% of min;")
    print("ratio = native min / fi_pingpong min (lower is better; MB/s is its inverse), ok "
          "within 5%; per-round ratio quartiles = spread of native/fi within each round\n")
    aa = any(k[2] == "fi_pingpong2" for k in runs)
    if aa:
        print("A/A = the same figures for a second fi_pingpong run of each round over the first "
              "(fi'/fi): the spread two runs of one binary show on this host;")
        print("~ = a ratio above 5% but no further from 1 than the A/A one\n")
    hdr = "%-4s %5s | %8s %5s %6s %3s | %8s %5s %6s %3s | %9s | %17s" % (
        "prov", "bytes", "fi min", "med", "max", "n", "nat min", "med", "max", "n", "ratio",
        "per-round p25/50/75")
    if aa:
        hdr += " | %6s | %17s" % ("A/A", "A/A p25/50/75")
    print(hdr)
    print("-" * len(hdr))
    worst, floor, luck, beyond = 0.0, 0.0, 0, 0
    for p in provs:
        for b in SHOWN:
            fi, nat = runs.get((p, b, "fi_pingpong")), runs.get((p, b, "native"))
            if fi and nat:
                ratio, aa_ratio, reproduced = row(p, b, fi, nat, runs.get((p, b, "fi_pingpong2")))
                worst, luck = max(worst, ratio), luck + (not reproduced)
                beyond += verdict(ratio, aa_ratio) == "--"
                if aa_ratio is not None:
                    floor = max(floor, abs(aa_ratio - 1))
    print("worst ratio of minima %.3f -> native %s 5%% of fi_pingpong" % (
        worst, "within" if worst <= GOAL else "NOT within"))
    if aa:
        print("A/A floor: fi_pingpong against itself is off by up to %.1f%% here; %d size(s) "
              "with native slower than 5%% and than that size's A/A (--), the others ok or "
              "within the floor (~)" % (100 * floor, beyond))
    if luck:
        print("%d size(s) with a minimum only one round came near (n < 2): the host was too busy "
              "for a clean round there; run more rounds, or fewer iterations" % luck)


if __name__ == "__main__":
    main()
