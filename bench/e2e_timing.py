"""The e2e suite's cost, to compare changes by: `python -m bench.e2e_timing` from the repo root.

Runs the e2e suite once in every browser, as `./lab test` does (pytest-xdist,
--dist loadgroup, 2 workers by default), and reports its wall time and the time
its tests took per browser and per file. Then the median cost of a new browser
context plus its first page load, without and with a trace as the suite records
it. With --one-store it also times the suite on one store (the first of [run]
stores), and with --whole the whole pytest phase of `./lab test` (tests/ and
e2e/). The load average is printed with each figure: figures from a busy
machine do not compare.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.browsers import launch_args
from e2e.servers import Servers
from e2e.settings import RUN

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "firefox")


def run_pytest(args, workers, output):
    """Run pytest with args on xdist workers; return its wall time, success and load average."""
    command = [sys.executable, "-m", "pytest", *args, "-n", str(workers), "--dist", "loadgroup"]
    command += ["-q", "-p", "no:cacheprovider", "--output", str(output)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        print(result.stdout[-3000:], file=sys.stderr)
    return {"seconds": seconds, "passed": result.returncode == 0, "load_average": load}


def test_times(junit_xml):
    """{(browser, file): seconds} summed over the tests of a JUnit XML report."""
    times = defaultdict(float)
    for case in ElementTree.parse(junit_xml).getroot().iter("testcase"):
        # The browser is one of the id's dash-separated parameters, not always the first
        # (test_phone.py's ids start with the device: [pixel-7-chromium-cookie]).
        params = re.split(r"[\[\]-]", case.get("name"))
        browser = next((name for name in BROWSERS if name in params), "-")
        module = case.get("classname").rsplit(".", 1)[-1]
        times[browser, f"{module}.py"] += float(case.get("time"))
    return times


def time_suite(names, workers, scratch):
    """Wall time of the e2e suite in browsers names, and its tests' time per browser and file."""
    junit_xml = scratch / "e2e.xml"
    args = ["e2e", *[f"--browser={name}" for name in names], f"--junitxml={junit_xml}"]
    run = run_pytest(args, workers, scratch / "e2e-output")
    times = test_times(junit_xml)
    run["files"] = {f"{browser} {file}": seconds for (browser, file), seconds in times.items()}
    return run


def first_load(browser, url, traced):
    """Seconds from asking for a new context to its first page having loaded."""
    start = time.perf_counter()
    context = browser.new_context()
    if traced:  # as e2e/conftest.py traces: DOM snapshots and sources, no screenshots
        context.tracing.start(snapshots=True, sources=True)
    context.new_page().goto(url)
    seconds = time.perf_counter() - start
    if traced:
        context.tracing.stop()
    context.close()
    return seconds


def median_first_load(browser, url, traced, loads, warmup):
    """Median of first_load over loads tries, after warmup untimed ones."""
    for _ in range(warmup):
        first_load(browser, url, traced)
    return statistics.median(first_load(browser, url, traced) for _ in range(loads))


def time_first_loads(names, loads, warmup, log_dir):
    """{browser: {"plain": s, "traced": s}}: median new context + first load of the home page."""
    figures = {}
    with ExitStack() as stack, sync_playwright() as playwright:
        url = Servers(stack, log_dir, "bench").get("main").url + "/"
        for name in names:
            browser_type = getattr(playwright, name)
            browser = browser_type.launch(**launch_args(browser_type))
            figures[name] = {"load_average": os.getloadavg()[0]}
            for kind in ("plain", "traced"):
                figures[name][kind] = median_first_load(
                    browser, url, kind == "traced", loads, warmup
                )
            browser.close()
    return figures


def suite_table(suite, names):
    """The suite's wall time and its tests' time per browser and file, as a Markdown table."""
    files = sorted({key.split(" ", 1)[1] for key in suite["files"]})
    lines = [f"| File | {' | '.join(names)} |", "|---|" + "--:|" * len(names)]
    for file in [*files, "all files"]:
        cells = [
            sum(s for key, s in suite["files"].items() if key.startswith(f"{name} "))
            if file == "all files"
            else suite["files"].get(f"{name} {file}", 0)
            for name in names
        ]
        lines.append(f"| {file} | " + " | ".join(f"{cell:.1f} s" for cell in cells) + " |")
    status = "" if suite["passed"] else " (FAILED)"
    lines.append(
        f"\nWall time: {suite['seconds']:.1f} s{status} (load average {suite['load_average']:.1f})"
    )
    return "\n".join(lines)


def first_load_table(figures):
    """The median new context + first load per browser, as a Markdown table."""
    lines = [
        "| Browser | New context + first load | The same, traced | Load average |",
        "|---|--:|--:|--:|",
    ]
    for name, figure in figures.items():
        lines.append(
            f"| {name} | {figure['plain'] * 1000:.0f} ms | {figure['traced'] * 1000:.0f} ms"
            f" | {figure['load_average']:.1f} |"
        )
    return "\n".join(lines)


def measure(options, names, scratch):
    """Every figure options ask for, as a dict."""
    results = {"date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "cores": os.cpu_count()}
    if not options.no_suite:
        results["suite"] = time_suite(names, options.workers, scratch)
    if options.one_store:
        args = ["e2e", *[f"--browser={name}" for name in names], f"--store={RUN['stores'][0]}"]
        results["one_store"] = run_pytest(args, options.workers, scratch / "one-store-output")
        results["one_store"]["store"] = RUN["stores"][0]
    if options.whole:
        results["whole"] = run_pytest([], options.workers, scratch / "whole-output")
    results["first_loads"] = time_first_loads(
        names, options.loads, options.warmup, scratch / "servers"
    )
    return results


def run_line(title, run):
    """A pytest run of run_pytest as a line: its wall time, whether it passed, the load."""
    status = "" if run["passed"] else " (FAILED)"
    return f"{title}: {run['seconds']:.1f} s{status} (load average {run['load_average']:.1f})"


def report(results, names):
    """The results as Markdown."""
    parts = []
    if "suite" in results:
        parts.append(
            f"e2e suite, time of its tests per file:\n\n{suite_table(results['suite'], names)}"
        )
    if "one_store" in results:
        one_store = results["one_store"]
        parts.append(run_line(f"e2e suite on the {one_store['store']} store only", one_store))
    if "whole" in results:
        parts.append(run_line("Whole pytest phase of ./lab test", results["whole"]))
    parts.append(first_load_table(results["first_loads"]))
    parts.append(f"{results['cores']} cores; {results['date']}")
    return "\n\n".join(parts)


def main():
    """Measure, print the report, and write the figures as JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="append", choices=BROWSERS, help="default: both")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (default 2)")
    parser.add_argument("--loads", type=int, default=20, help="timed first loads per browser")
    parser.add_argument("--warmup", type=int, default=3, help="untimed first loads before them")
    parser.add_argument("--no-suite", action="store_true", help="skip the e2e suite's run")
    parser.add_argument(
        "--one-store", action="store_true", help="also time the suite on the first store only"
    )
    parser.add_argument("--whole", action="store_true", help="also time ./lab test's pytest phase")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    names = options.browser or list(BROWSERS)

    with tempfile.TemporaryDirectory(prefix="e2e-timing-") as scratch:
        results = measure(options, names, Path(scratch))
    print(report(results, names))
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
