"""Run the benchmark: `python -m bench.run` from the repository root (see bench/README.md)."""

import argparse
import json
import re
import secrets
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from sessionlab import launch

from . import cases, loadgen, redis_store, report
from .sessions import SessionMaker, over_http, visitor, visitor_pool

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


# A case with fresh visitors gets enough of them for this many requests a second over
# the whole run (--visitor-rate): well above the fastest write path measured here, without
# spending the run making visitors. A faster case takes some visitors a second time, and its
# Targets column says so.
VISITOR_RATE = 4000


@dataclass
class Rig:
    """What the cases run on: servers by app, store and worker count; session makers by store."""

    servers: dict
    makers: dict
    backends: redis_store.Backends
    folder: Path  # for the servers' logs and the visitor files


@dataclass
class Load:
    """One case ready to be loaded: its server's address and what the visitor sends."""

    case: cases.Case
    url: str
    cookie_header: str | None
    body: str | None
    sets_cookie: bool
    visitors: Path | None = None  # a case with fresh visitors: their Cookie headers, one a line
    visitor_count: int = 0
    next_visitor: int = 0  # the first line the next measurement takes
    redis_process: subprocess.Popen | None = None  # whose CPU time is measured with the load
    errors: int = 0  # in every measurement so far, warm-up included

    def visitors_reused(self):
        """How many visitors were taken a second time, because the run needed more than made."""
        return max(0, self.next_visitor - self.visitor_count) if self.visitors else 0


def probe(case, send, cookie_header, body):
    """Check that the page answers as the case expects; tell whether it sets the cookie."""
    reply = send(case.path, cookie_header, body)
    if reply.status != case.status or case.expect not in reply.text:
        raise RuntimeError(
            f"{case.name}: expected {case.status} with {case.expect!r}, "
            f"got {reply.status}:\n{reply.text[:2000]}"
        )
    return reply.set_cookie is not None


def make_visitors(load, maker, token, settings, folder):
    """Write the visitors a case with fresh visitors takes one per request, for the whole run."""
    seconds = settings["warmup"] + settings["rounds"] * settings["seconds"]
    load.visitor_count = settings["visitor_rate"] * seconds
    headers = visitor_pool(load.case, maker, token, load.visitor_count)
    slug = re.sub(r"\W+", "-", load.case.name).strip("-")
    load.visitors = Path(folder) / f"visitors-{slug}-{load.case.workers}.txt"
    load.visitors.write_text("\n".join(headers) + "\n")


def prepare(case, rig, settings):
    """Make the case's visitors, check the page answers, and warm the server up on it."""
    server = rig.servers[case.app, case.store, case.workers, case.locking]
    maker = rig.makers[case.store]
    send = over_http(server.url)
    token = maker.first_visit_token(send) if case.app == "sessionlab" else None
    cookie_header, body = visitor(case, maker, token, send)
    sets_cookie = probe(case, send, cookie_header, body)
    load = Load(case, server.url + case.path, cookie_header, body, sets_cookie)
    if case.fresh_visitors:
        make_visitors(load, maker, token, settings, rig.folder)
    load.redis_process = rig.backends.process(case.store)
    wrk(load, settings["warmup"], settings)
    return load


def wrk(load, seconds, settings):
    """Load the case's page for seconds; return what wrk measured, with Redis's CPU time."""
    redis_before = redis_store.cpu_seconds(load.redis_process) if load.redis_process else None
    measurement = loadgen.wrk(
        load.url,
        seconds,
        settings["connections"],
        cookie_header=load.cookie_header,
        body=load.body,
        visitors=(load.visitors, load.next_visitor) if load.visitors else None,
    )
    load.next_visitor += measurement.visitors_used
    load.errors += measurement.errors
    if load.redis_process:
        measurement.redis_cpu_seconds = redis_store.cpu_seconds(load.redis_process) - redis_before
    return measurement


def median_round(measurements):
    """The round with the median requests per second, so that one disturbed round does not count."""
    ranked = sorted(measurements, key=lambda measurement: measurement.rps)
    return ranked[(len(ranked) - 1) // 2]


def server_env(secret_key, store, backends, locking):
    """The environment of a server whose sessions are kept in store, locked or not."""
    settings = {"SECRET_KEY": secret_key, **backends.settings(store), "SESSION_LOCKING": locking}
    return {
        f"FLASK_{key}": value if isinstance(value, str) else json.dumps(value)
        for key, value in settings.items()
    }


def start_servers(stack, selected, secret_key, backends, folder):
    """One gunicorn per app, store, worker count and locking the cases need, all up at once;
    asked to stop at once at the end."""
    servers = {
        (app, store, workers, locking): stack.enter_context(
            launch.gunicorn(
                env=server_env(secret_key, store, backends, locking),
                workers=workers,
                app=cases.APPS[app],
                log_path=folder / f"{app}-{store}-{workers}{'' if locking else '-unlocked'}.log",
                args=("--chdir", str(ROOT)),
            )
        )
        for app, store, workers, locking in dict.fromkeys(
            (case.app, case.store, case.workers, case.locking) for case in selected
        )
    }
    stack.callback(launch.stop_all, servers.values())
    return servers


def set_up(stack, selected, folder):
    """Start Redis and Sentinel if cases need them, then every server; make a session maker
    per store."""
    secret_key = secrets.token_hex(32)
    backends = redis_store.start(stack, selected)
    makers = {
        store: SessionMaker(secret_key, backends.settings(store))
        for store in dict.fromkeys(case.store for case in selected)
    }
    servers = start_servers(stack, selected, secret_key, backends, folder)
    return Rig(servers, makers, backends, folder)


def run(selected, settings, folder):
    """Measure every case in interleaved rounds, so that drift hits all of them alike."""
    with ExitStack() as stack:
        rig = set_up(stack, selected, Path(folder))
        loads = [prepare(case, rig, settings) for case in selected]
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
            load.errors,
            load.visitors_reused(),
            redis_store.CpuTime.over(measured) if load.redis_process else None,
        )
        for load, *measured in zip(loads, *rounds, strict=True)
    ]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench.run", description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="length of each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per case")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up before the first round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--visitor-rate",
        type=int,
        default=VISITOR_RATE,
        help="requests a second that a case with fresh visitors gets visitors for",
    )
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
        key: getattr(options, key)
        for key in ("seconds", "rounds", "warmup", "connections", "visitor_rate")
    }
    selected = cases.select(options.only)
    if any(case.store != "cookie" for case in selected):
        facts["redis"] = redis_store.version()
        if facts["redis"] is None:
            sys.exit("redis-server is not installed: apt-get install redis-server")
    print(f"Load generator: {facts['load_generator']}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        results = run(selected, settings, folder)
    facts["load_average_end"] = report.load_average()
    print(report.write(results, facts, settings, options.out))


if __name__ == "__main__":
    main()
