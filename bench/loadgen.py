"""Drive a server with wrk and read its figures."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")


@dataclass
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    error_statuses: int
    visitors_used: int = 0  # lines taken from the visitors file (see wrk.lua)
    redis_cpu_seconds: float | None = None  # Redis's CPU time meanwhile, for a Redis-store case

    @property
    def rps(self):
        """Requests per second."""
        return self.requests / self.seconds

    @property
    def errors(self):
        """Requests that failed or were answered with a status of 400 or more."""
        return self.socket_errors + self.error_statuses


def version():
    """wrk's version line, or None when wrk is not installed."""
    try:
        completed = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    except FileNotFoundError:
        return None
    # wrk -v prints its version and usage, then exits with status 1.
    return completed.stdout.split(" Copyright")[0].strip()


def wrk(url, seconds, connections, cookie_header=None, body=None, visitors=None):
    """Load url from one wrk thread with this many connections; return what it measured.

    visitors, when given, is (file, first line): each request carries the next
    line's Cookie header instead of cookie_header.
    """
    command = [
        "wrk", "--threads", "1", "--connections", str(connections),
        "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(SCRIPT),
        *(["--header", f"Cookie: {cookie_header}"] if cookie_header and not visitors else []),
        url, "--", "GET" if body is None else "POST", body or "",
        *([str(visitors[0]), str(visitors[1])] if visitors else []),
    ]  # fmt: skip
    completed = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    return Measurement(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        socket_errors=figures["socket_errors"],
        error_statuses=figures["error_statuses"],
        visitors_used=figures["visitors_used"],
    )
