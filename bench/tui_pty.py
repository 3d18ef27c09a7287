#!/usr/bin/env python3
"""Runs the console in a pseudo-terminal of a fixed size and measures what a user's
terminal would see: time to the first complete frame, then, once the screen has
settled, CPU and bytes written to the terminal per second while nobody touches it,
and peak memory.

usage: tui_pty.py [--cols N] [--rows N] [--idle S] [--keys TEXT] [--until TEXT]
                  [--settle S] [--timeout S] [--starts N] -- command args...
The first frame is timed from the exec of the command (the Python fork before it is
not the console's) to the last byte of the hint bar, as the median of --starts runs.
With --exit-only 1 it only times exec to exit (a baseline: `nixl-tui help` is the cost
of starting the process at all) and prints {"exit_ms": median}.
--keys are sent after the first frame (\\r for Enter, \\t for Tab), then the screen is
waited for --until (if given) and --settle seconds before the idle measurement.
Prints one JSON object: first_frame_ms, idle_s, idle_cpu_pct, idle_bytes_per_s,
rss_peak_mib, rc."""
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import fcntl
import time


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


class Term:
    def __init__(self, fd):
        self.fd = fd
        self.seen = b""
        self.count = 0

    def pump(self, seconds):
        """Reads what the program writes for the given time; returns the bytes read."""
        end = time.perf_counter() + seconds
        got = 0
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                return got
            r, _, _ = select.select([self.fd], [], [], left)
            if not r:
                continue
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return got
            if not data:
                return got
            got += len(data)
            self.count += len(data)
            self.seen = (self.seen + data)[-65536:]

    def wait_for(self, text, deadline):
        while text not in self.seen:
            if time.perf_counter() > deadline:
                return False
            self.pump(0.01)
        return True


def spawn(cmd, cols, rows):
    """Forks the command on a new pty; returns (pid, fd, the monotonic time of its exec)."""
    r, w = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:
        os.close(r)
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.write(w, struct.pack("d", time.perf_counter()))
        os.close(w)
        os.execvp(cmd[0], cmd)
    os.close(w)
    t_exec = struct.unpack("d", os.read(r, 8))[0]
    os.close(r)
    return pid, fd, t_exec


def quit_console(pid, term):
    """q, then waits for the exit (killed after 5 s); returns the exit code or None."""
    os.write(term.fd, b"q")
    end = time.perf_counter() + 5
    while time.perf_counter() < end:
        term.pump(0.05)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            os.close(term.fd)
            return os.waitstatus_to_exitcode(status)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(term.fd)
    return None


def exit_time(cmd, cols, rows, n):
    times = []
    for _ in range(n):
        pid, fd, t_exec = spawn(cmd, cols, rows)
        term = Term(fd)
        while not os.waitpid(pid, os.WNOHANG)[0]:
            term.pump(0.002)
        times.append((time.perf_counter() - t_exec) * 1000)
        os.close(fd)
    times.sort()
    return round(times[len(times) // 2], 1)


def main():
    args = sys.argv[1:]
    opts = {"--cols": "120", "--rows": "40", "--idle": "60", "--keys": "", "--until": "",
            "--settle": "2", "--timeout": "60", "--starts": "5", "--exit-only": "0"}
    while args and args[0] != "--":
        if args[0] not in opts or len(args) < 2:
            sys.exit("tui_pty.py: unknown option " + args[0])
        opts[args[0]] = args[1]
        args = args[2:]
    cmd = args[1:]
    cols, rows = int(opts["--cols"]), int(opts["--rows"])
    if opts["--exit-only"] == "1":
        print(json.dumps({"exit_ms": exit_time(cmd, cols, rows, int(opts["--starts"]))}))
        return
    firsts = []
    out = {"first_frame_ms": None}
    # The hint bar is the last row ncurses writes in a frame.
    for i in range(int(opts["--starts"])):
        pid, fd, t_exec = spawn(cmd, cols, rows)
        term = Term(fd)
        deadline = time.perf_counter() + float(opts["--timeout"])
        if term.wait_for(b"Quit", deadline):
            firsts.append((time.perf_counter() - t_exec) * 1000)
        if i + 1 < int(opts["--starts"]):
            quit_console(pid, term)
    if firsts:
        firsts.sort()
        out["first_frame_ms"] = round(firsts[len(firsts) // 2], 1)
    keys = opts["--keys"].encode().decode("unicode_escape").encode()
    for k in keys:
        os.write(fd, bytes([k]))
        term.pump(0.05)
    if opts["--until"] and not term.wait_for(opts["--until"].encode(), deadline):
        out["error"] = "the screen never showed " + opts["--until"]
    term.pump(float(opts["--settle"]))
    idle = float(opts["--idle"])
    c0 = cpu_ticks(pid)
    n = term.pump(idle)
    c1 = cpu_ticks(pid)
    hz = os.sysconf("SC_CLK_TCK")
    out.update({"idle_s": idle, "idle_cpu_pct": round((c1 - c0) / hz / idle * 100, 3),
                "idle_bytes_per_s": round(n / idle, 1), "rss_peak_mib": round(peak_rss_mib(pid), 2)})
    out["rc"] = quit_console(pid, term)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
