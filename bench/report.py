"""The benchmark's results as a Markdown table, a PNG chart and JSON, with the machine's facts."""

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from . import loadgen
from .cases import (
    BARE_WRITE,
    CEILING,
    PEER,
    REDIS,
    SENTINEL,
    UNLOCKED_ADD,
    WORKERS,
    Case,
    cart_lines,
)
from .chart import chart
from .redis_store import CpuTime

P99_LIMIT = 4  # target: p99 at most this many times p50


@dataclass
class Result:
    case: Case
    cookie_bytes: int
    sets_cookie: bool
    measurement: loadgen.Measurement  # the median round's
    rounds_rps: list[float]
    errors: int = 0  # over the whole run, warm-up included
    visitors_reused: int = 0  # a case with fresh visitors: requests whose visitor came again
    redis_cpu: CpuTime | None = None  # a Redis-store case: Redis's CPU time over its rounds


def cpu_model():
    """The CPU's model name as the kernel reports it."""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def load_average():
    """The machine's 1, 5 and 15-minute load averages: how busy it was with other work."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def machine_facts():
    """Date and machine the figures come from."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average": load_average(),
        "python": platform.python_version(),
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "load_generator": loadgen.version(),
    }


def baselines(results):
    """Every result's measurement by case name and worker count: what the others compare with."""
    return {(result.case.name, result.case.workers): result.measurement for result in results}


def ratio(result, base, name):
    """A result's requests per second as a multiple of a baseline's, if that was measured."""
    base_measurement = base.get((name, result.case.workers))
    return result.measurement.rps / base_measurement.rps if base_measurement else None


def ratios(result, base):
    """The result's ratios to the ceiling, the peer, (a Redis-store case) its cookie twin,
    (the cart add) the bare write and (the Redis-store cart add) the same without locking."""
    return {
        "ceiling": ratio(result, base, CEILING),
        "peer": ratio(result, base, PEER),
        "cookie": ratio(result, base, result.case.twin) if result.case.twin else None,
        "bare": ratio(result, base, BARE_WRITE) if result.case.min_bare else None,
        "unlocked": ratio(result, base, UNLOCKED_ADD) if result.case.min_unlocked else None,
    }


def verdicts(result, base):
    """Each target that applies to a result, and whether it was met."""
    measurement = result.measurement
    case = result.case
    to = ratios(result, base)
    checks = [(f"p99 ≤ {P99_LIMIT}× p50", measurement.p99_ms <= P99_LIMIT * measurement.p50_ms)]
    if case.min_ceiling is not None and to["ceiling"] is not None:
        checks.append((f"≥ {case.min_ceiling}× ceiling", to["ceiling"] >= case.min_ceiling))
    if case.min_peer is not None and to["peer"] is not None:
        checks.append((f"≥ {case.min_peer:g}× peer", to["peer"] >= case.min_peer))
    if case.min_twin is not None and to["cookie"] is not None:
        checks.append((f"≥ {case.min_twin}× cookie store", to["cookie"] >= case.min_twin))
    if case.min_bare is not None and to["bare"] is not None:
        name = f"≥ {case.min_bare}× bare Flask ({to['bare']:.2f}×)"
        checks.append((name, to["bare"] >= case.min_bare))
    if case.min_unlocked is not None and to["unlocked"] is not None:
        name = f"≥ {case.min_unlocked}× without locking ({to['unlocked']:.2f}×)"
        checks.append((name, to["unlocked"] >= case.min_unlocked))
    if result.errors:
        checks.append((f"no errors ({result.errors} in the run)", False))
    if result.visitors_reused:
        checks.append((f"a new visitor per request ({result.visitors_reused} came again)", False))
    return checks


def times(value):
    """A ratio for the table."""
    return "–" if value is None else f"{value:.2f}×"


def redis_cpu(result):
    """Redis's CPU time for the table: share of one core, and per request."""
    if result.redis_cpu is None:
        return "–"
    return f"{result.redis_cpu.core_share:.0%}, {result.redis_cpu.us_per_request:.0f} µs"


def spread(result):
    """How far apart the rounds were: (fastest - slowest) / median."""
    return (max(result.rounds_rps) - min(result.rounds_rps)) / result.measurement.rps


def table(results):
    """The results as a Markdown table, with each figure's ratio to the ceiling and the peer."""
    base = baselines(results)
    lines = [
        "| Case | Workers | Cookie (B) | Sets cookie | Req/s | Spread | p50 (ms) | p99 (ms) "
        "| p99/p50 | × ceiling | × peer | × cookie | Redis CPU | Targets |",
        "|---|--:|--:|:-:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for result in results:
        measurement = result.measurement
        to = ratios(result, base)
        targets = ", ".join(("✓ " if met else "✗ ") + name for name, met in verdicts(result, base))
        lines.append(
            f"| {result.case.name} | {result.case.workers} | {result.cookie_bytes or '–'} "
            f"| {'yes' if result.sets_cookie else 'no'} | {measurement.rps:,.0f} "
            f"| {spread(result):.0%} | {measurement.p50_ms:.2f} | {measurement.p99_ms:.2f} "
            f"| {measurement.p99_ms / measurement.p50_ms:.1f} "
            f"| {times(to['ceiling'])} | {times(to['peer'])} | {times(to['cookie'])} "
            f"| {redis_cpu(result)} | {targets} |"
        )
    return "\n".join(lines)


def targets_summary(results):
    """How many of the targets that apply were met."""
    base = baselines(results)
    checks = [met for result in results for _, met in verdicts(result, base)]
    return f"Targets met: {sum(checks)} of {len(checks)}."


def per_line(costs):
    """The least-squares slope of {lines: ms} and its intercept: ms per line, ms of the rest."""
    fit = statistics.linear_regression(list(costs), list(costs.values()))
    return fit.slope, fit.intercept


def cart_line_cost(results):
    """What one more cart line costs a worker, from the /cart cases' requests per second.

    A worker spends workers / rps seconds on each request while the server is saturated.
    """
    costs = {
        cart_lines(result.case): 1000 * WORKERS / result.measurement.rps
        for result in results
        if cart_lines(result.case) and result.case.workers == WORKERS
    }
    if len(costs) < 2:
        return ""
    slope, intercept = per_line(costs)
    sweep = ", ".join(f"{lines}: {ms:.2f} ms" for lines, ms in sorted(costs.items()))
    return (
        f"Cost per cart line: {slope:.3f} ms of a worker's time per request and line, "
        f"{intercept:.2f} ms for the rest of the page (least squares over {sweep})."
    )


def store_facts(facts):
    """Where the sessions were kept, for the results file."""
    cookie = "in Flask's signed cookie"
    if "redis" not in facts:
        return cookie
    return (
        f"{cookie}, except in the cases named “{REDIS}”: Flask-Session with the benchmark's "
        f"own Redis ({facts['redis']}), over loopback TCP, with an append-only file; in those "
        f"named “{SENTINEL}”, the same behind Sentinel (sessionlab.sentinel_rig: a master and two "
        "replicas, each with an append-only file, three sentinels), each write waiting for a "
        "replica"
    )


def markdown(results, facts, settings):
    """The whole results file: what was run where, the table, and the target count."""
    return "\n".join(
        [
            "# Session Lab benchmark results",
            "",
            f"- Date: {facts['date']}",
            f"- Machine: {facts['cpu']}, {facts['cores']} cores, "
            f"load average {facts['load_average']} at the start and "
            f"{facts['load_average_end']} at the end",
            f"- Software: Python {facts['python']}, gunicorn {facts['gunicorn']} "
            f"(sessionlab.gunicorn_conf, sync workers), Flask {facts['flask']}",
            f"- Load generator: {facts['load_generator']}, over loopback, 1 thread, "
            f"{settings['connections']} connections, {settings['seconds']} s per measurement "
            f"in each of {settings['rounds']} interleaved rounds, after a "
            f"{settings['warmup']} s warm-up; each figure is from the median round, and Spread "
            "is (fastest − slowest round) / median",
            f"- Sessions: {store_facts(facts)}",
            "- Ratios compare with the ceiling (bare Flask route) and the peer (the seed "
            "article's app) measured in the same run with the same worker count; × cookie "
            "compares a Redis-store case with the same page and session on the cookie store "
            "(a Sentinel case: on single Redis).",
            "- Redis CPU: redis-server's CPU time (behind Sentinel, the master's) over the "
            "case's rounds, as a share of one "
            "core and per request (the machine's cores are shared by gunicorn, wrk and Redis).",
            "",
            table(results),
            "",
            cart_line_cost(results),
            "",
            targets_summary(results),
            "",
        ]
    )


def as_json(result, base):
    """One result's figures for results.json, with its ratios and Redis's CPU time."""
    redis = result.redis_cpu
    return {
        **asdict(result),
        "rps": result.measurement.rps,
        "ratios": ratios(result, base),
        "redis_core_share": redis.core_share if redis else None,
        "redis_cpu_us_per_request": redis.us_per_request if redis else None,
    }


def write(results, facts, settings, directory):
    """Write results.md, results.png and results.json into directory; return the Markdown."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    text = markdown(results, facts, settings)
    (directory / "results.md").write_text(text)
    base = baselines(results)
    chart(results, base, directory / "results.png")
    raw = {
        "facts": facts,
        "settings": settings,
        "results": [as_json(result, base) for result in results],
    }
    (directory / "results.json").write_text(json.dumps(raw, indent=2) + "\n")
    return text
