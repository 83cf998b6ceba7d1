"""Start Session Lab under gunicorn, and a Redis for it, on free loopback ports.

Used by the tests, the e2e fixtures, the demo, the benchmark and the load test,
so that every one of them serves the site exactly as production does.
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


class RedisServer:
    """Debian's redis-server on a free loopback port, its data in folder; stop() and start()."""

    def __init__(self, folder, persistent=False):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        # Persistence (an append-only file) lets sessions outlive a restart of Redis.
        self.command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--save", "",
            "--appendonly", "yes" if persistent else "no",
        ]  # fmt: skip
        self.process = None

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)
        self.wait_until_ready()

    def wait_until_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        log = (self.folder / "redis.log").read_text(errors="replace")
        raise RuntimeError(f"redis-server did not start on port {self.port}; its log:\n{log}")

    def stop(self):
        """Stop it as an operator would (SIGTERM: the append-only file is flushed)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def kill(self):
        """Stop it at once, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextmanager
def redis_server(folder=None, persistent=False):
    """Run a Redis of its own; yield a RedisServer, stop it and remove its data on exit."""
    with tempfile.TemporaryDirectory(prefix="redis-") as temporary:
        server = RedisServer(folder or temporary, persistent)
        server.start()
        try:
            yield server
        finally:
            server.stop()
