"""Start Session Lab under gunicorn, and a Redis for it, on free loopback ports.

Used by the tests, the e2e fixtures, the demo, the benchmark and the load test,
so that every one of them serves the site exactly as production does.
"""

import os
import socket
import ssl
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
class Certificate:
    """A server certificate for 127.0.0.1 and localhost, its key, and the CA that signed it."""

    cert_path: Path
    key_path: Path
    ca_path: Path

    def gunicorn_args(self):
        return ["--certfile", str(self.cert_path), "--keyfile", str(self.key_path)]

    def ssl_context(self):
        """A client-side TLS context that trusts this certificate's CA alone."""
        return ssl.create_default_context(cafile=self.ca_path)


def throwaway_certificate(folder):
    """A Certificate from a new CA of its own, its files written to folder."""
    # trustme is a test extra: only the tests and the demo serve over HTTPS themselves.
    import trustme

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    certificate = Certificate(folder / "cert.pem", folder / "key.pem", folder / "ca.pem")
    issued.cert_chain_pems[0].write_to_path(certificate.cert_path)
    issued.private_key_pem.write_to_path(certificate.key_path)
    ca.cert_pem.write_to_path(certificate.ca_path)
    return certificate


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: a server with Secure cookies sends plain HTTP to HTTPS, which it
    may not speak itself (behind a TLS proxy); any answer shows that it is up."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path
    certificate: Certificate | None = None

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
        context = server.certificate.ssl_context() if server.certificate else None
        opener = urllib.request.build_opener(
            NoRedirects, urllib.request.HTTPSHandler(context=context)
        )
        try:
            with opener.open(server.url + "/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered, if only with an error page
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not start at {server.url}; its log:\n{server.log()}")


@contextmanager
def gunicorn(env=None, workers=2, app=None, port=None, log_path=None, args=(), certificate=None):
    """Run gunicorn with sessionlab.gunicorn_conf; yield a Server, stop it on exit.

    env adds FLASK_* (or other) variables; app names another WSGI app
    ("module:callable"); the log goes to log_path, or to a temporary file that is
    deleted when the server stops. With a Certificate it serves HTTPS.
    """
    port = port or free_port()
    temporary_log = log_path is None
    log_path = Path(log_path or tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
    command = [
        sys.executable, "-m", "gunicorn",
        "-c", "python:sessionlab.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        *(certificate.gunicorn_args() if certificate else []),
        *args,
        *([app] if app else []),
    ]  # fmt: skip
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
    scheme = "https" if certificate else "http"
    server = Server(f"{scheme}://127.0.0.1:{port}", process, log_path, certificate)
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


def stop_all(servers):
    """Ask every server to stop at once; leaving their contexts then waits for each in turn.

    One after the other, each gunicorn would first wait for the one before it to stop, most of
    a second each.
    """
    for server in servers:
        server.process.terminate()


class RedisServer:
    """Debian's redis-server on a free loopback port, its data in folder; stop() and start().

    args are more of redis-server's options (a replica's --replicaof).
    """

    def __init__(self, folder, persistent=False, args=()):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        # Persistence (an append-only file) lets sessions outlive a restart of Redis.
        self.command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--save", "",
            "--appendonly", "yes" if persistent else "no",
            *args,
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
