"""CPU time per kind of process while a command runs: `python -m bench.process_cpu -- CMD...`.

The e2e suite is CPU-bound on 2 cores, so its wall time falls only with the CPU its
processes spend. This runs the command and samples, ten times a second, the CPU time
of the command and of every process it starts (browsers, servers...) from /proc, then
prints the seconds each kind spent: Firefox's parent process, its content processes,
Chromium's renderers, gunicorn, Playwright's driver... The figures are a floor, for
comparing runs made the same way: a process loses what it spent after the last sample
before it ended (up to 0.1 s). Sampling costs about 5% of one core.

    .venv/bin/python -m bench.process_cpu -- .venv/bin/pytest e2e --browser firefox -n 2
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
# (words all in the command line, kind), the first match wins.
KINDS = [
    (("firefox", "contentproc"), "Firefox content"),
    (("firefox",), "Firefox parent"),
    (("chromium", "--type=renderer"), "Chromium renderers"),
    (("chromium", "--type="), "Chromium GPU and utility"),
    (("chromium",), "Chromium browser"),
    (("gunicorn",), "gunicorn"),
    (("redis-server",), "Redis"),
    (("node",), "Playwright driver"),
    (("python",), "Python (pytest and others)"),
]


def kind_of(command_line):
    """The kind of process this command line starts."""
    for words, kind in KINDS:
        if all(word in command_line for word in words):
            return kind
    return "other"


def processes():
    """{(pid, start time): (parent pid, kind, CPU seconds)} for every process now running.

    The kind is None for a process that has ended but not been waited for: its command
    line is gone, its CPU time is still there.
    """
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue  # /proc/self, /proc/meminfo...
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue  # gone already
        seconds = (int(stat[11]) + int(stat[12])) / TICKS  # utime + stime
        kind = kind_of(command_line) if command_line else None
        found[int(entry.name), stat[19]] = (int(stat[1]), kind, seconds)
    return found


def add_descendants(family, running):
    """Add to family (a set of pids) the pids of running whose parent is in it."""
    while new := {pid for (pid, _), (parent, *_) in running.items() if parent in family} - family:
        family |= new


def cpu_by_kind(command):
    """Run command; return its wall seconds and {kind: CPU seconds} of it and its descendants."""
    seen = {}  # {(pid, start time): (kind, CPU seconds)}
    start = time.perf_counter()
    with subprocess.Popen(command) as process:
        family = {process.pid}
        while process.poll() is None:
            running = processes()
            add_descendants(family, running)
            for key, (_, kind, seconds) in running.items():
                if key[0] in family:
                    # The kind its command line gave while it ran (it may have exec'd since).
                    seen[key] = (kind or seen.get(key, ("other",))[0], seconds)
            time.sleep(0.1)
    spent = Counter()
    for kind, seconds in seen.values():
        spent[kind] += seconds
    return time.perf_counter() - start, spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    command = parser.parse_args().command
    command = command[1:] if command[:1] == ["--"] else command
    if not command:
        parser.error("give the command to run after --")
    wall, spent = cpu_by_kind(command)
    print(f"\nWall time {wall:.1f} s; CPU seconds by kind of process:", file=sys.stderr)
    for kind, seconds in spent.most_common():
        print(f"  {kind:28s} {seconds:7.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
