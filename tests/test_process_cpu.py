"""bench.process_cpu: CPU time per kind of process, for a command and what it starts."""

import sys

from bench.process_cpu import add_descendants, cpu_by_kind, kind_of


def test_firefox_processes_are_told_apart():
    assert kind_of("/usr/lib/firefox-esr/firefox-esr --headless") == "Firefox parent"
    assert kind_of("/usr/lib/firefox-esr/firefox-esr -contentproc 12 tab") == "Firefox content"


def test_descendants_are_found_however_deep():
    running = {(11, "a"): (10, "x", 0), (12, "b"): (11, "x", 0), (99, "c"): (1, "x", 0)}
    family = {10}
    add_descendants(family, running)
    assert family == {10, 11, 12}


def test_the_commands_own_cpu_is_counted():
    # Half a second of CPU, then a pause in which a sample sees all of it.
    busy = (
        "import time\n"
        "end = time.process_time() + 0.5\n"
        "while time.process_time() < end: pass\n"
        "time.sleep(1)"
    )
    _, spent = cpu_by_kind([sys.executable, "-c", busy])
    assert spent["Python (pytest and others)"] >= 0.4  # /proc counts in ticks of 10 ms
