"""Run the benchmark: `python -m bench.run` from the repository root (see bench/README.md)."""

import argparse
import secrets
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sessionlab import launch

from . import cases, loadgen, report
from .sessions import SessionMaker, over_http, visitor

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Load:
    """One case ready to be loaded: its server's address and what the visitor sends."""

    case: cases.Case
    url: str
    cookie_header: str | None
    body: str | None
    sets_cookie: bool


def probe(case, send, cookie_header, body):
    """Check that the page answers as the case expects; tell whether it sets the cookie."""
    reply = send(case.path, cookie_header, body)
    if reply.status != case.status or case.expect not in reply.text:
        raise RuntimeError(
            f"{case.name}: expected {case.status} with {case.expect!r}, "
            f"got {reply.status}:\n{reply.text[:2000]}"
        )
    return reply.set_cookie is not None


def prepare(case, server, maker, settings):
    """Make the case's visitor, check the page answers, and warm the server up on it."""
    send = over_http(server.url)
    token = maker.first_visit_token(send) if case.app == "sessionlab" else None
    cookie_header, body = visitor(case, maker, token, send)
    sets_cookie = probe(case, send, cookie_header, body)
    load = Load(case, server.url + case.path, cookie_header, body, sets_cookie)
    wrk(load, settings["warmup"], settings)
    return load


def wrk(load, seconds, settings):
    """Load the case's page for seconds; return what wrk measured."""
    return loadgen.wrk(
        load.url, seconds, settings["connections"], cookie_header=load.cookie_header, body=load.body
    )


def median_round(measurements):
    """The round with the median requests per second, so that one disturbed round does not count."""
    ranked = sorted(measurements, key=lambda measurement: measurement.rps)
    return ranked[(len(ranked) - 1) // 2]


def start_servers(stack, selected, secret_key, log_dir):
    """One gunicorn per app and worker count the cases need, all up at once."""
    return {
        (app, workers): stack.enter_context(
            launch.gunicorn(
                env={"FLASK_SECRET_KEY": secret_key},
                workers=workers,
                app=cases.APPS[app],
                log_path=Path(log_dir) / f"{app}-{workers}.log",
                args=("--chdir", str(ROOT)),
            )
        )
        for app, workers in dict.fromkeys((case.app, case.workers) for case in selected)
    }


def run(selected, settings, log_dir):
    """Measure every case in interleaved rounds, so that drift hits all of them alike."""
    secret_key = secrets.token_hex(32)
    maker = SessionMaker(secret_key)
    with ExitStack() as stack:
        servers = start_servers(stack, selected, secret_key, log_dir)
        loads = [
            prepare(case, servers[case.app, case.workers], maker, settings) for case in selected
        ]
        rounds = []
        for number in range(1, settings["rounds"] + 1):
            print(f"Round {number} of {settings['rounds']}", flush=True)
            rounds.append([wrk(load, settings["seconds"], settings) for load in loads])
    return [
        report.Result(
            load.case,
            len(load.cookie_header or ""),
            load.sets_cookie,
            median_round(measured),
            [measurement.rps for measurement in measured],
        )
        for load, *measured in zip(loads, *rounds, strict=True)
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per case")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up before the first round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", help="only the cases whose name holds this (plus baselines)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the results go")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the benchmark, write its files and print its table."""
    options = parse_args(argv)
    facts = report.machine_facts()
    if facts["load_generator"] is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    settings = {
        key: getattr(options, key) for key in ("seconds", "rounds", "warmup", "connections")
    }
    print(f"Load generator: {facts['load_generator']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as log_dir:
        results = run(cases.select(options.only), settings, log_dir)
    facts["load_average_end"] = report.load_average()
    print(report.write(results, facts, settings, options.out))


if __name__ == "__main__":
    main()
