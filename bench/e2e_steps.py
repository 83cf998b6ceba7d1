"""What one e2e step costs per browser: `python -m bench.e2e_steps` from the repo root.

Times, in a fresh context on the site under gunicorn, the steps the e2e suite is
made of: a goto (to the load event, and to the commit only), a fill, a click
that submits a form and the wait for the page it leads to, a number field's
fill_number, and a screenshot. Each is timed untraced, traced as the suite
traced before issue 12 (screenshots and DOM snapshots) and traced as it does
now (DOM snapshots only), and the median of several rounds
is printed with the machine's load average.
"""

import argparse
import os
import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from playwright.sync_api import sync_playwright

from e2e.actions import fill_number, product_card
from e2e.browsers import launch_args
from e2e.servers import Servers

BROWSERS = ("chromium", "firefox")
MODES = ("untraced", "traced with screenshots", "traced as now")


def timed(action):
    """Milliseconds action took."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def trace_options(mode):
    """tracing.start() options for mode, or None for no trace."""
    if mode == "untraced":
        return None
    screenshots = mode == "traced with screenshots"
    return {"screenshots": screenshots, "snapshots": True, "sources": True}


def steps(browser, base_url, tracing):
    """{step: milliseconds} for one round of the suite's steps in a new context."""
    start = time.perf_counter()
    context = browser.new_context(base_url=base_url)
    if tracing:
        context.tracing.start(**tracing)
    page = context.new_page()
    times = {"new context and page": (time.perf_counter() - start) * 1000}
    times["goto (load)"] = timed(lambda: page.goto("/set_email"))
    times["goto (commit)"] = timed(lambda: page.goto("/set_email", wait_until="commit"))
    page.wait_for_load_state()
    times["fill"] = timed(lambda: page.get_by_label("Email address").fill("ada@example.com"))
    times["click"] = timed(lambda: page.get_by_role("button", name="Submit").click())
    times["wait for the next page"] = timed(lambda: page.wait_for_url("**/get_email"))
    page.goto("/products")
    quantity = product_card(page, "Socks").get_by_label("Quantity")
    times["fill_number"] = timed(lambda: fill_number(quantity, 3))
    times["screenshot"] = timed(page.screenshot)
    context.close()
    return times


def median_steps(browser, base_url, tracing, rounds):
    """{step: median milliseconds} over rounds, after one untimed round."""
    steps(browser, base_url, tracing)
    runs = [steps(browser, base_url, tracing) for _ in range(rounds)]
    return {step: statistics.median(run[step] for run in runs) for step in runs[0]}


def measure(names, rounds, log_dir):
    """{browser: {mode: {step: ms}}} and the load average when each browser started."""
    figures = {}
    with ExitStack() as stack, sync_playwright() as playwright:
        base_url = Servers(stack, log_dir, "steps").get("main").url
        for name in names:
            browser_type = getattr(playwright, name)
            browser = browser_type.launch(**launch_args(browser_type))
            figures[name] = {"load average": os.getloadavg()[0]}
            for mode in MODES:
                tracing = trace_options(mode)
                figures[name][mode] = median_steps(browser, base_url, tracing, rounds)
            browser.close()
    return figures


def table(figures):
    """The figures as a Markdown table: a row per browser and step, a column per mode."""
    lines = ["| Browser | Step | " + " | ".join(MODES) + " |", "|---|---|" + "--:|" * len(MODES)]
    for name, modes in figures.items():
        for step in modes[MODES[0]]:
            cells = " | ".join(f"{modes[mode][step]:.0f} ms" for mode in MODES)
            lines.append(f"| {name} | {step} | {cells} |")
    loads = ", ".join(f"{name} {modes['load average']:.1f}" for name, modes in figures.items())
    return "\n".join(lines) + f"\n\nLoad average as each browser started: {loads}"


def main():
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="append", choices=BROWSERS, help="default: both")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds per mode")
    options = parser.parse_args()
    with TemporaryDirectory(prefix="e2e-steps-") as scratch:
        figures = measure(options.browser or list(BROWSERS), options.rounds, Path(scratch))
    print(table(figures))


if __name__ == "__main__":
    main()
