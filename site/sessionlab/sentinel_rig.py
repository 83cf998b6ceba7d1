"""Redis that survives the loss of its master, on one machine: a master, two replicas and
three Sentinels on free loopback ports, their data in one folder.

The tests, the load run (--store redis-sentinel) and `./lab serve` with
SESSIONLAB_REDIS_HA=1 (`python -m sessionlab.sentinel_rig`) start and stop it.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from .launch import READY_TIMEOUT, RedisServer

MASTER_NAME = "sessionlab"
REPLICAS = 2
SENTINELS = 3
# Sentinels that must find the master down before one of them fails it over: a majority.
QUORUM = 2
# Sentinel's defaults (30 s, then 3 minutes) allow for a slow network. On loopback a master
# that has not answered for a second is gone, and a failover takes 2-3 s; a failover-timeout
# of a second also lets the sentinels vote again within 2 s when their first vote was split.
DOWN_AFTER_MILLISECONDS = 1000
FAILOVER_TIMEOUT_MILLISECONDS = 1000
# A master streams its data to a new replica at once, not after waiting 5 s for others to join:
# until a replica holds the data, no write is acknowledged.
SYNC_AT_ONCE = ["--repl-diskless-sync-delay", "0"]
# How long the sentinels may take to fail the master over.
FAILOVER_WAIT = 30


class SentinelServer(RedisServer):
    """Debian's redis-sentinel on a free loopback port, watching the master at master_port."""

    def __init__(self, folder, master_port):
        super().__init__(folder)
        config = self.folder / "sentinel.conf"
        self.command = ["redis-sentinel", str(config)]
        self.folder.mkdir(parents=True, exist_ok=True)
        # Sentinel rewrites its file as it learns of replicas, other sentinels and failovers.
        config.write_text(
            f"port {self.port}\n"
            "bind 127.0.0.1\n"
            f"dir {self.folder}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} {QUORUM}\n"
            f"sentinel down-after-milliseconds {MASTER_NAME} {DOWN_AFTER_MILLISECONDS}\n"
            f"sentinel failover-timeout {MASTER_NAME} {FAILOVER_TIMEOUT_MILLISECONDS}\n"
        )


class SentinelRig:
    """A master, its replicas and the sentinels that watch them, each in a folder of its own;
    each Redis keeps an append-only file if persistent."""

    def __init__(self, folder, persistent=False):
        master = RedisServer(f"{folder}/redis-1", persistent, args=SYNC_AT_ONCE)
        replicaof = ["--replicaof", "127.0.0.1", str(master.port)]
        self.redises = [master] + [
            RedisServer(f"{folder}/redis-{number}", persistent, args=[*SYNC_AT_ONCE, *replicaof])
            for number in range(2, REPLICAS + 2)
        ]
        self.sentinels = [
            SentinelServer(f"{folder}/sentinel-{number}", master.port)
            for number in range(1, SENTINELS + 1)
        ]

    def start(self):
        for server in self.redises + self.sentinels:
            server.start()
        self.wait_until(self.watched, "the sentinels to find every replica and each other")

    def stop(self):
        """Stop the sentinels first, so that stopping the master fails nothing over, and the
        master last, so that it has no replica to wait for as it stops."""
        master = self.master()
        for server in self.sentinels + sorted(self.redises, key=lambda server: server is master):
            server.stop()

    def settings(self):
        """The Session Lab settings (FLASK_* without the prefix) that use this rig."""
        return {
            "SESSION_TYPE": "redis",
            "REDIS_SENTINELS": [f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels],
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
        }

    def states(self):
        """What each sentinel says of the master, or None for one that does not answer."""
        states = []
        for sentinel in self.sentinels:
            try:
                with client_of(sentinel) as client:
                    states.append(client.sentinel_master(MASTER_NAME))
            except RedisError:
                states.append(None)
        return states

    def watched(self):
        """Whether every sentinel sees the master up, all its replicas and the other sentinels,
        and the replicas hold the master's data."""
        return (
            all(
                state
                and state["is_master"]
                and not state["is_sdown"]
                and state["num-slaves"] == REPLICAS
                and state["num-other-sentinels"] == SENTINELS - 1
                for state in self.states()
            )
            and len(self.replicas()) == REPLICAS
        )

    def master(self):
        """The server that a majority of sentinels name as the master and find up, or None.

        While the sentinel that leads a failover finishes it, the others already name the
        new master, and the site, asking them in turn, finds it.
        """
        named = Counter(
            state["port"]
            for state in self.states()
            if state and state["is_master"] and not state["is_sdown"] and not state["is_odown"]
        )
        port, sentinels = named.most_common(1)[0] if named else (None, 0)
        if sentinels <= SENTINELS // 2:
            return None
        return next(server for server in self.redises if server.port == port)

    def replicas(self):
        """The servers that follow the master and hold its data now."""
        master = self.master()
        return [server for server in self.redises if master and follows(server, master)]

    def kill_master(self):
        """SIGKILL the master, as a crash would; return it."""
        master = self.master()
        master.kill()
        return master

    def has_taken_over(self, old):
        """Whether most sentinels name a new master, and a replica holds its data."""
        return self.master() not in (None, old) and bool(self.replicas())

    def wait_for_failover(self, old):
        """Wait until a replica has taken over from the old master; return the new master."""
        self.wait_until(lambda: self.has_taken_over(old), "a replica to take over", FAILOVER_WAIT)
        return self.master()

    @staticmethod
    def wait_until(condition, what, seconds=READY_TIMEOUT):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"Gave up after {seconds} s waiting for {what}.")
            time.sleep(0.05)


def client_of(server):
    """A client of server that reports a dead server at once, without retrying."""
    return Redis(port=server.port, socket_timeout=1, retry=Retry(NoBackoff(), 0))


def follows(server, master):
    """Whether server is a replica of master, with master's data."""
    try:
        with client_of(server) as client:
            replication = client.info("replication")
    except RedisError:
        return False
    return (
        replication["role"] == "slave"
        and replication["master_port"] == master.port
        and replication["master_link_status"] == "up"
    )


@contextmanager
def sentinel_rig(folder=None, persistent=False):
    """Run a rig; yield it, stop it and remove its data on exit."""
    with tempfile.TemporaryDirectory(prefix="sentinel-rig-") as temporary:
        rig = SentinelRig(folder or temporary, persistent)
        try:
            rig.start()
            yield rig
        finally:
            rig.stop()


def serve(gunicorn_args):
    """Serve Session Lab with gunicorn on a rig of its own; say how to kill the master."""
    with sentinel_rig() as rig:
        settings = rig.settings()
        master = rig.master()
        print(
            f"Session Lab: sessions in Redis master {MASTER_NAME}, pid {master.process.pid} "
            f"on port {master.port}, with {REPLICAS} replicas, watched by the sentinels at "
            f"{', '.join(settings['REDIS_SENTINELS'])}.\n"
            f"To watch a failover: kill -9 {master.process.pid}",
            flush=True,
        )
        env = {**os.environ, "FLASK_REDIS_SENTINELS": json.dumps(settings["REDIS_SENTINELS"])}
        command = [sys.executable, "-m", "gunicorn", "-c", "python:sessionlab.gunicorn_conf"]
        with subprocess.Popen([*command, *gunicorn_args], env=env) as gunicorn:
            # Stopped with SIGTERM, or with Ctrl-C (which reaches gunicorn too), gunicorn
            # stops first, then the rig.
            signal.signal(signal.SIGTERM, lambda signum, frame: gunicorn.terminate())
            try:
                return gunicorn.wait()
            except KeyboardInterrupt:
                return gunicorn.wait()


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
