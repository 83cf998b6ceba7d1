"""The benchmark's own Redis and Sentinel rig, each started only when a case needs it."""

import subprocess
from dataclasses import dataclass

import psutil

from sessionlab import launch, sentinel_rig


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


@dataclass
class Backends:
    """Where the selected cases keep sessions besides the cookie: a Redis, a Sentinel rig."""

    redis: launch.RedisServer | None
    rig: sentinel_rig.SentinelRig | None

    def settings(self, store):
        """The Session Lab settings (FLASK_* without the prefix) that keep sessions in store."""
        if store == "redis":
            return {"SESSION_TYPE": "redis", "REDIS_URL": self.redis.url}
        if store == "redis-sentinel":
            return self.rig.settings()
        return {"SESSION_TYPE": store}

    def process(self, store):
        """The redis-server that holds store's sessions, whose CPU time is measured; or None."""
        if store == "redis":
            return self.redis.process
        if store == "redis-sentinel":
            return self.rig.master().process
        return None


def start(stack, selected):
    """Start a Redis, and a Sentinel rig, of the benchmark's own if selected cases need them.

    Each server keeps an append-only file, as `./lab serve` runs Redis, so that the cost of
    persisting every session write is part of the figures.
    """
    stores = {case.store for case in selected}
    redis = stack.enter_context(launch.redis_server(persistent=True)) if "redis" in stores else None
    rig = None
    if "redis-sentinel" in stores:
        rig = stack.enter_context(sentinel_rig.sentinel_rig(persistent=True))
    return Backends(redis, rig)


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
