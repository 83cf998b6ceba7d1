"""The benchmark's own Redis: started only when a case keeps its sessions there."""

import subprocess
from dataclasses import dataclass

import psutil

from sessionlab import launch


@dataclass
class CpuTime:
    """Redis's CPU time over a case's rounds, with the time they took and the requests served."""

    cpu_seconds: float
    seconds: float
    requests: int

    @classmethod
    def over(cls, measurements):
        """The sum over measurements: CPU time is counted in 10 ms ticks, so one round is coarse."""
        return cls(
            sum(measurement.redis_cpu_seconds for measurement in measurements),
            sum(measurement.seconds for measurement in measurements),
            sum(measurement.requests for measurement in measurements),
        )

    @property
    def core_share(self):
        """Redis's CPU time as a fraction of one core."""
        return self.cpu_seconds / self.seconds

    @property
    def us_per_request(self):
        """Redis's CPU time per request, in microseconds."""
        return self.cpu_seconds / self.requests * 1e6


def start(stack, selected):
    """Start a Redis of the benchmark's own if a selected case needs one; else None.

    It keeps an append-only file, as `./lab serve` runs it, so that the cost of
    persisting every session write is part of the figures.
    """
    if not any(case.store == "redis" for case in selected):
        return None
    return stack.enter_context(launch.redis_server(persistent=True))


def settings(store, redis):
    """The Session Lab settings (FLASK_* without the prefix) that keep sessions in store."""
    if store == "redis":
        return {"SESSION_TYPE": "redis", "REDIS_URL": redis.url}
    return {"SESSION_TYPE": store}


def cpu_seconds(process):
    """CPU time the process has used so far, with its finished children (Redis's rewrites)."""
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def version():
    """redis-server's version line, or None when it is not installed."""
    try:
        completed = subprocess.run(["redis-server", "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return completed.stdout.strip()
