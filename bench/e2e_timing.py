"""The e2e suite's cost, to compare changes by: `python -m bench.e2e_timing` from the repo root.

Reports, per browser, the wall time of `pytest e2e -n auto` and the median
cost of a new browser context plus its first page load (without and with a
Playwright trace, which the suite records for every test). The machine's load
average is printed too: figures from a busy machine do not compare.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import sync_playwright

from e2e.browsers import launch_args
from e2e.servers import Servers

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "firefox")


def time_suite(browser, output):
    """Run the e2e suite on one browser; return (seconds, whether it passed)."""
    command = [sys.executable, "-m", "pytest", "e2e", "-n", "auto", "-q", "-p", "no:cacheprovider"]
    command += ["--browser", browser, "--output", str(output)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        print(result.stdout[-3000:], file=sys.stderr)
    return seconds, result.returncode == 0


def first_load(browser, url, traced):
    """Seconds from asking for a new context to its first page having loaded."""
    start = time.perf_counter()
    context = browser.new_context()
    if traced:  # as pytest-playwright starts its traces
        context.tracing.start(screenshots=True, snapshots=True, sources=True)
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
            figures[name] = {
                kind: median_first_load(browser, url, kind == "traced", loads, warmup)
                for kind in ("plain", "traced")
            }
            browser.close()
    return figures


def table(results):
    """The results as a Markdown table."""
    lines = [
        "| Browser | Suite wall time | New context + first load | The same, traced |",
        "|---|---|---|---|",
    ]
    for name, figures in results["browsers"].items():
        suite = figures.get("suite_seconds")
        status = "" if figures.get("suite_passed", True) else " (FAILED)"
        lines.append(
            f"| {name} | {f'{suite:.1f} s{status}' if suite else '-'} "
            f"| {figures['plain'] * 1000:.0f} ms | {figures['traced'] * 1000:.0f} ms |"
        )
    return "\n".join(lines)


def main():
    """Measure, print the table, and write the figures as JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="append", choices=BROWSERS, help="default: both")
    parser.add_argument("--loads", type=int, default=20, help="timed first loads per browser")
    parser.add_argument("--warmup", type=int, default=3, help="untimed first loads before them")
    parser.add_argument("--no-suite", action="store_true", help="skip the suite wall times")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    options = parser.parse_args()
    names = options.browser or list(BROWSERS)

    with tempfile.TemporaryDirectory(prefix="e2e-timing-") as scratch:
        results = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "cores": os.cpu_count(),
            "load_average_before": os.getloadavg(),
            "browsers": time_first_loads(
                names, options.loads, options.warmup, Path(scratch) / "servers"
            ),
        }
        if not options.no_suite:
            for name in names:
                seconds, passed = time_suite(name, Path(scratch) / name)
                results["browsers"][name].update(suite_seconds=seconds, suite_passed=passed)
    results["load_average_after"] = os.getloadavg()

    print(table(results))
    print(
        f"\n{results['cores']} cores; load average {results['load_average_before'][0]:.1f}"
        f" before, {results['load_average_after'][0]:.1f} after; {results['date']}"
    )
    if options.json:
        options.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
