"""Load with an isolation check and faults: python -m load.run [--store redis] --users 200

Serves Session Lab with gunicorn on 127.0.0.1 (on the redis store, with a Redis of its
own), lets Locust visitors settle their own sessions, then runs bounded phases of reading
them back, each begun by a fault: a worker killed, the server restarted, Redis restarted
and Redis down for a while, the key rotated (with a fallback too, on the cookie store).
Prints the figures and exits with 1 unless nothing was lost, leaked or shown as an error,
and every visitor recovered from every fault.
"""

# Locust patches the standard library for gevent when imported, so it comes first.
from locust.env import Environment  # isort: skip

import argparse
import json
import secrets
import signal
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil

from load.locustfile import FAULTS, TALLY, Visitor
from sessionlab import launch

MAX_PHASE_SECONDS = 30
WORKERS = 2
# Visitors started per second; Locust warns that more can overwhelm it.
SPAWN_RATE = 100
STORES = ("cookie", "redis")
# How long Redis stays down in the outage phase: a few seconds, as a crash or a failover.
STORE_OUTAGE_SECONDS = 3


class Site:
    """Session Lab under gunicorn, which can be restarted on the same port with new settings.

    On the redis store it has a Redis of its own, with an append-only file so that its
    sessions outlive a restart of Redis; it runs until close(), across site restarts.
    """

    def __init__(self, store):
        self.env = {"FLASK_SECRET_KEY": new_key(), "FLASK_SESSION_TYPE": store}
        self.redis = None
        self.stack = ExitStack()
        with ExitStack() as outer:  # Redis stops again if gunicorn cannot start
            if store == "redis":
                self.redis = outer.enter_context(launch.redis_server(persistent=True))
                self.env["FLASK_REDIS_URL"] = self.redis.url
            self.start()
            self.outer = outer.pop_all()

    def start(self, port=None):
        self.server = self.stack.enter_context(
            launch.gunicorn(env=self.env, workers=WORKERS, port=port)
        )

    def restart(self, **env):
        """Stop the server, then start it again on the same port with env changed."""
        port = urlsplit(self.server.url).port
        self.stack.close()
        self.env = {**self.env, **env}
        self.start(port)

    def close(self):
        self.stack.close()
        self.outer.close()


def new_key():
    return secrets.token_hex(32)


def wait_until(condition):
    """Wait until condition() holds, for at most MAX_PHASE_SECONDS; tell whether it did."""
    deadline = time.monotonic() + MAX_PHASE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def kill_a_worker(site):
    """SIGKILL one gunicorn worker; True once the master has started another."""
    master = psutil.Process(site.server.process.pid)
    workers = master.children()
    workers[0].send_signal(signal.SIGKILL)

    def replaced():
        now = {worker.pid for worker in master.children()}
        return len(now) == len(workers) and workers[0].pid not in now

    return wait_until(replaced)


def restart(site):
    """Restart the whole server with the same key."""
    site.restart()
    return True


def rotate_with_fallback(site):
    """Restart with a new key, keeping the old one to verify existing sessions."""
    old = site.env["FLASK_SECRET_KEY"]
    site.restart(FLASK_SECRET_KEY=new_key(), FLASK_SECRET_KEY_FALLBACKS=json.dumps([old]))
    return True


def rotate_without_fallback(site):
    """Restart with a new key and no fallback: forms loaded before it carry refused tokens."""
    FAULTS.key_drops_begun += 1
    site.restart(FLASK_SECRET_KEY=new_key(), FLASK_SECRET_KEY_FALLBACKS="[]")
    FAULTS.key_drops_over += 1
    return True


def restart_redis(site):
    """Stop Redis as an operator would (its append-only file is flushed), then start it."""
    site.redis.stop()
    site.redis.start()
    return True


def take_redis_down(site):
    """Stop Redis, leave it down for STORE_OUTAGE_SECONDS, then start it again."""
    site.redis.stop()
    time.sleep(STORE_OUTAGE_SECONDS)  # the outage itself
    site.redis.start()
    return True


@dataclass(frozen=True)
class Phase:
    """A fault, and what visitors are to see after it."""

    name: str
    fault: Callable | None = None
    # The session store is down for part of the phase: 503 pages are expected then.
    store_down: bool = False
    # The fault ends every session: each visitor is to find a fresh one, once.
    resets_sessions: bool = False
    # Said under the phase's figures, where a store makes the outcome differ.
    note: str = ""


SHARED_PHASES = (
    Phase("steady load"),
    Phase("a worker killed with SIGKILL", kill_a_worker),
    Phase("whole server restarted", restart),
)
PHASES = {
    "cookie": (
        *SHARED_PHASES,
        Phase("key rotated, old key as fallback", rotate_with_fallback),
        Phase(
            "key rotated without fallback",
            rotate_without_fallback,
            resets_sessions=True,
            note="the cookie is signed with the key, so every session ends",
        ),
    ),
    "redis": (
        *SHARED_PHASES,
        Phase("Redis restarted", restart_redis, store_down=True),
        Phase(f"Redis down for {STORE_OUTAGE_SECONDS} s", take_redis_down, store_down=True),
        Phase(
            "key rotated without fallback",
            rotate_without_fallback,
            note="sessions are kept, as the id is not signed; "
            "a form loaded before the rotation is refused once, then reloaded",
        ),
    ),
}


# Phases of the cookie store that would show nothing new on another, and why.
LEFT_OUT = {
    "redis": [
        "key rotated, old key as fallback: sessions do not depend on the key here (it signs "
        "only form tokens), the rotation without fallback shows them kept, and "
        "tests/test_security.py shows old forms accepted with a fallback on every store"
    ],
}


def difference(after, before):
    return {name: after[name] - before[name] for name in after}


def as_expected(phase, figures, users):
    """Whether a phase saw only what its fault allows, and every visitor recovered from it."""
    return (
        figures["errors"] == figures["leaks"] == figures["lost_sessions"] == 0
        and figures["recovered"] == users
        and (phase.store_down or figures["unavailable"] == 0)
        and figures["fresh_sessions"] == (users if phase.resets_sessions else 0)
    )


def run_phase(phase, site, users, seconds):
    """Start a phase with its fault, let the load run for seconds, and return its figures.

    The phase then lasts until every visitor has recovered (read its own session back, or
    found the fresh one the fault leaves; at most MAX_PHASE_SECONDS more), so that no
    visitor carries a fault over into the next phase.
    """
    FAULTS.sessions_reset = phase.resets_sessions
    before = TALLY.counts()
    started = time.monotonic()
    FAULTS.phases_begun += 1
    worked = phase.fault(site) if phase.fault else True
    FAULTS.phases_over += 1
    time.sleep(seconds)
    wait_until(lambda: TALLY.recovered - before["recovered"] == users)
    figures = difference(TALLY.counts(), before)
    return {
        "phase": phase.name,
        "note": phase.note,
        "seconds": round(time.monotonic() - started, 1),
        "fault": phase.fault is not None,
        "store_down": phase.store_down,
        "survived": worked and as_expected(phase, figures, users),
        **figures,
    }


def run(store, users, seconds):
    """Run every phase of store under load; return the figures."""
    started = time.monotonic()
    site = Site(store)
    environment = Environment(user_classes=[Visitor], host=site.server.url)
    runner = environment.create_local_runner()
    try:
        runner.start(users, spawn_rate=min(users, SPAWN_RATE))
        wait_until(lambda: TALLY.settled == users)
        phases = [run_phase(phase, site, users, seconds) for phase in PHASES[store]]
    finally:
        runner.quit()
        site.close()
    crashes = sum(error["count"] for error in runner.exceptions.values())
    return {
        "store": store,
        "users": users,
        "requests": environment.stats.total.num_requests,
        **TALLY.counts(),
        "errors": TALLY.errors + crashes,
        "faults": sum(phase["fault"] for phase in phases),
        "faults_survived": sum(phase["fault"] and phase["survived"] for phase in phases),
        "seconds": round(time.monotonic() - started, 1),
        "phases": phases,
        "left_out": LEFT_OUT.get(store, []),
        "notes": TALLY.notes + [error["msg"] for error in runner.exceptions.values()],
    }


def passed(figures):
    """Whether every visitor settled, nothing was lost, leaked or an error, and no phase failed."""
    return (
        figures["settled"] == figures["users"]
        and figures["errors"] == figures["leaks"] == figures["lost_sessions"] == 0
        and all(phase["survived"] for phase in figures["phases"])
    )


def phase_line(phase, users):
    """One phase's figures on one line, with its note below if it has one."""
    line = (
        f"  {phase['phase']:<34} {phase['seconds']:>5} s  reads {phase['reads']:>6}  "
        f"errors {phase['errors']}  leaks {phase['leaks']}  lost {phase['lost_sessions']}  "
        f"503s {phase['unavailable']}  fresh {phase['fresh_sessions']}  "
        f"refused forms {phase['refused_forms']}  re-sent {phase['retries']}  "
        f"recovered {phase['recovered']}/{users}  "
        f"{'survived' if phase['survived'] else 'FAILED'}"
    )
    return line + (f"\n      ({phase['note']})" if phase["note"] else "")


def report(figures):
    """The figures as a short text table."""
    lines = [
        f"store {figures['store']}: users {figures['users']} (settled {figures['settled']}), "
        f"requests {figures['requests']}, reads checked {figures['reads']}, "
        f"bad inputs tried {figures['bad_inputs']}",
        f"errors {figures['errors']}, leaks {figures['leaks']}, "
        f"sessions lost {figures['lost_sessions']}, "
        f"faults survived {figures['faults_survived']} of {figures['faults']}, "
        f"in {figures['seconds']} s",
        f"fresh sessions {figures['fresh_sessions']}, "
        f"forms refused after a key rotation {figures['refused_forms']}, "
        f"requests re-sent while the server was down {figures['retries']}, "
        f"503 pages (session store unavailable) {figures['unavailable']}",
    ]
    lines += [phase_line(phase, figures["users"]) for phase in figures["phases"]]
    lines += [f"  left out: {reason}" for reason in figures["left_out"]]
    lines += [f"  ! {note}" for note in figures["notes"]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=STORES, default="cookie", help="where sessions live")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--seconds", type=float, default=MAX_PHASE_SECONDS, help="length of each phase"
    )
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= MAX_PHASE_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_PHASE_SECONDS}")
    figures = run(args.store, args.users, args.seconds)
    print(report(figures))
    if args.json:
        print(json.dumps(figures))
    return 0 if passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
