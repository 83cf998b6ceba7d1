"""Start Session Lab (or another WSGI app) under gunicorn on a free loopback port.

Used by the e2e fixtures, the demo, the benchmark and the load test, so that
every one of them serves the site exactly as production does.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT = 30


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


def free_port():
    """A port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(server):
    """Poll the server until it answers; raise with its log if it never does."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered, if only with an error page
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not start at {server.url}; its log:\n{server.log()}")


@contextmanager
def gunicorn(env=None, workers=2, app=None, port=None, log_path=None, args=()):
    """Run gunicorn with sessionlab.gunicorn_conf; yield a Server, stop it on exit.

    env adds FLASK_* (or other) variables; app names another WSGI app
    ("module:callable"); the log goes to log_path, or to a temporary file that is
    deleted when the server stops.
    """
    port = port or free_port()
    temporary_log = log_path is None
    log_path = Path(log_path or tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
    command = [
        sys.executable, "-m", "gunicorn",
        "-c", "python:sessionlab.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        *args,
        *([app] if app else []),
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if temporary_log:
            log_path.unlink(missing_ok=True)
