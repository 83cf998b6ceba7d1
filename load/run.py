"""Load with an isolation check and faults: python -m load.run [--store redis] --users 200

Serves Session Lab with gunicorn on 127.0.0.1 (on the redis store, with a Redis of its
own; on redis-sentinel, with a master, two replicas and three Sentinels of its own), lets
Locust visitors settle their own sessions, then runs bounded phases of reading them back,
each begun by a fault: a worker killed (again while every visitor sends its cart changes
from two tabs at once), the server restarted, Redis restarted and Redis down for a while,
the key rotated (with a fallback too, on the cookie store); behind Sentinel, the master
killed. Last (but behind Sentinel), the server restarts with an absolute lifetime of a few
seconds, and every visitor signs in again and reads its session until it ends.
Prints the figures and exits with 1 unless nothing was lost, leaked or shown as an error,
every visitor recovered from every fault, no change sent from two tabs at once was lost
(the cookie store's known limit aside), and every session ended at its absolute
deadline: none before it, none more than a second after it.
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

from load.locustfile import DEADLINES, FAULTS, LATE_SECONDS, TALLY, Visitor
from sessionlab import launch, sentinel_rig

MAX_PHASE_SECONDS = 30
WORKERS = 2
# Visitors started per second; Locust warns that more can overwhelm it.
SPAWN_RATE = 100
STORES = ("cookie", "redis", "redis-sentinel")
# How long Redis stays down in the outage phase: a few seconds, as a crash or a failover.
STORE_OUTAGE_SECONDS = 3
# The absolute lifetime of the last phase: a few seconds, so that every session reaches it
# within the phase, and long enough for 200 visitors to sign in and read their session first.
SHORT_ABSOLUTE_LIFETIME = 4
# How long visitors send from two tabs before a worker is killed, so that it dies mid-change.
TWO_TABS_BEFORE_KILL_SECONDS = 1
# The stores that may lose one of two changes sent at once, as their known limit: each
# response carries a signed cookie of its own, and the browser keeps the last to arrive.
LOSES_UPDATES = {"cookie"}


class Site:
    """Session Lab under gunicorn, which can be restarted on the same port with new settings.

    On the redis store it has a Redis of its own, with an append-only file so that its
    sessions outlive a restart of Redis; on redis-sentinel, a rig of its own (see
    sessionlab.sentinel_rig). Either runs until close(), across site restarts.
    """

    def __init__(self, store):
        self.store = store
        self.env = {"FLASK_SECRET_KEY": new_key(), "FLASK_SESSION_TYPE": store}
        self.redis = self.rig = None
        self.stack = ExitStack()
        with ExitStack() as outer:  # Redis stops again if gunicorn cannot start
            if store == "redis":
                self.redis = outer.enter_context(launch.redis_server(persistent=True))
                self.env["FLASK_REDIS_URL"] = self.redis.url
            if store == "redis-sentinel":
                self.rig = outer.enter_context(sentinel_rig.sentinel_rig())
                settings = self.rig.settings()
                self.env["FLASK_SESSION_TYPE"] = settings["SESSION_TYPE"]
                self.env["FLASK_REDIS_SENTINELS"] = json.dumps(settings["REDIS_SENTINELS"])
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


def kill_a_worker_mid_change(site):
    """Let visitors send from two tabs for a moment, then SIGKILL one gunicorn worker."""
    time.sleep(TWO_TABS_BEFORE_KILL_SECONDS)
    return kill_a_worker(site)


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


def kill_the_master(site):
    """SIGKILL the Redis master, as a crash would; the sentinels promote a replica.

    The fault begins at the kill, not as the rig looks the master up: a form answered in
    between was written before it.
    """
    site.rig.kill_master()
    FAULTS.begin()
    return True


def shorten_absolute_lifetime(site):
    """Once every visitor has paused, restart with an absolute lifetime of a few seconds.

    Visitors pause first, so that none is in the middle of a task when its session ends.
    """
    DEADLINES.begun = True
    paused = wait_until(lambda: DEADLINES.paused == DEADLINES.visitors)
    site.restart(FLASK_SESSION_ABSOLUTE_LIFETIME=str(SHORT_ABSOLUTE_LIFETIME))
    DEADLINES.lifetime = SHORT_ABSOLUTE_LIFETIME
    return paused


@dataclass(frozen=True)
class Phase:
    """A fault, and what visitors are to see after it."""

    name: str
    fault: Callable | None = None
    # The session store is down for part of the phase: 503 pages are expected then.
    store_down: bool = False
    # The fault ends every session: each visitor is to find a fresh one, once.
    resets_sessions: bool = False
    # Every visitor's session is to end at its absolute deadline, during the phase.
    ends_sessions: bool = False
    # Visitors send their cart changes from two tabs at once.
    two_tabs: bool = False
    # Said under the phase's figures, where a store makes the outcome differ.
    note: str = ""


SHARED_PHASES = (
    Phase("steady load"),
    Phase("a worker killed with SIGKILL", kill_a_worker),
    Phase(
        "two tabs at once, a worker killed",
        kill_a_worker_mid_change,
        two_tabs=True,
        note="every visitor sends its cart changes from two tabs at once: on the cookie store "
        "each answer's cookie holds its own change and the last to arrive wins, so lost "
        "updates are its known limit; a server store makes them wait for each other",
    ),
    Phase("whole server restarted", restart),
)
# Last: the server keeps the short lifetime to the end of the run.
DEADLINE_PHASE = Phase(
    f"absolute lifetime of {SHORT_ABSOLUTE_LIFETIME} s",
    shorten_absolute_lifetime,
    ends_sessions=True,
    note="every visitor signs in again and reads its session until it ends",
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
        DEADLINE_PHASE,
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
        DEADLINE_PHASE,
    ),
    "redis-sentinel": (
        Phase("steady load"),
        Phase(
            "Sentinel master killed with SIGKILL",
            kill_the_master,
            store_down=True,
            note="503 pages until a replica takes over; every answered change must survive",
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
    "redis-sentinel": [
        "every phase of the redis store but the steady load: behind Sentinel the site and "
        "its sessions are the same; what differs is losing the master"
    ],
}


def difference(after, before):
    return {name: after[name] - before[name] for name in after}


def as_expected(phase, figures, users, store):
    """Whether a phase saw only what its fault allows, and every visitor recovered from it."""
    return (
        figures["errors"] == figures["leaks"] == figures["lost_sessions"] == 0
        and figures["lost_changes"] == 0
        and figures["recovered"] == users
        and (phase.store_down or figures["unavailable"] == 0)
        and figures["fresh_sessions"] == (users if phase.resets_sessions else 0)
        and figures["ended_early"] == figures["ended_late"] == 0
        and figures["ended_on_time"] == (users if phase.ends_sessions else 0)
        and (store in LOSES_UPDATES or figures["lost_updates"] == 0)
    )


def run_phase(phase, site, users, seconds):
    """Start a phase with its fault, let the load run for seconds, and return its figures.

    The phase then lasts until every visitor has recovered (read its own session back, or
    found the fresh one the fault leaves; at most MAX_PHASE_SECONDS more), so that no
    visitor carries a fault over into the next phase.
    """
    FAULTS.sessions_reset = phase.resets_sessions
    FAULTS.two_tabs = phase.two_tabs
    before = TALLY.counts()
    started = time.monotonic()
    FAULTS.begin()
    FAULTS.phases_begun += 1
    worked = phase.fault(site) if phase.fault else True
    FAULTS.phases_over += 1
    # The deadline phase lasts as long as its sessions do: until every visitor saw its end.
    if not phase.ends_sessions:
        time.sleep(seconds)
    wait_until(lambda: TALLY.recovered - before["recovered"] == users)
    figures = difference(TALLY.counts(), before)
    wrote, began = FAULTS.first_write_at, FAULTS.began_at
    return {
        "phase": phase.name,
        "note": phase.note,
        "seconds": round(time.monotonic() - started, 1),
        # How long the fault kept visitors from changing their sessions.
        "first_write_seconds": None if wrote is None else round(wrote - began, 2),
        "fault": phase.fault is not None,
        "store_down": phase.store_down,
        "ends_sessions": phase.ends_sessions,
        "two_tabs": phase.two_tabs,
        "survived": worked and as_expected(phase, figures, users, site.store),
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
        "deadlines": seen_at_deadlines(),
        "left_out": LEFT_OUT.get(store, []),
        "notes": TALLY.notes + [error["msg"] for error in runner.exceptions.values()],
    }


def seen_at_deadlines():
    """How close to its deadline each session was seen alive last and ended first (seconds
    from it; the first from a request's send time, the second from its answer), and the
    time between the two: how closely the visitor pinned the end down."""

    def spread(values):
        values = sorted(values)
        return [round(values[0], 3), round(values[-1], 3)] if values else None

    ended = [(alive, end) for alive, end in DEADLINES.seen if end is not None]
    pinned = sorted(end - alive for alive, end in ended)
    return {
        "lifetime": SHORT_ABSOLUTE_LIFETIME,
        "last_alive": spread(alive for alive, _ in DEADLINES.seen),
        "first_ended": spread(end for _, end in ended),
        "pinned_median": round(pinned[len(pinned) // 2], 3) if pinned else None,
        "pinned_max": round(pinned[-1], 3) if pinned else None,
    }


def deadline_lines(figures):
    """The deadline phase's figures, under its line."""
    seen = figures["deadlines"]

    def span(values):
        return "none" if values is None else f"{values[0]:+.2f} to {values[1]:+.2f} s"

    return [
        f"      sessions ended at their absolute deadline {figures['ended_on_time']}, "
        f"early {figures['ended_early']}, late by more than {LATE_SECONDS:g} s "
        f"{figures['ended_late']}",
        f"      from the deadline: last seen alive (request sent) {span(seen['last_alive'])}, "
        f"first seen ended (answer) {span(seen['first_ended'])}; between the two "
        + (
            f"{seen['pinned_median']} s (median), {seen['pinned_max']} s (most)"
            if seen["pinned_max"] is not None
            else "nothing"
        ),
    ]


def passed(figures):
    """Whether every visitor settled, nothing was lost, leaked or an error, and no phase failed."""
    return (
        figures["settled"] == figures["users"]
        and figures["errors"] == figures["leaks"] == figures["lost_sessions"] == 0
        and figures["lost_changes"] == 0
        and all(phase["survived"] for phase in figures["phases"])
    )


def phase_line(phase, users):
    """One phase's figures on one line, with its note below if it has one."""
    line = (
        f"  {phase['phase']:<34} {phase['seconds']:>5} s  reads {phase['reads']:>6}  "
        f"errors {phase['errors']}  leaks {phase['leaks']}  lost {phase['lost_sessions']}  "
        f"lost changes {phase['lost_changes']}  "
        f"503s {phase['unavailable']}  fresh {phase['fresh_sessions']}  "
        f"refused forms {phase['refused_forms']}  re-sent {phase['retries']}  "
        f"recovered {phase['recovered']}/{users}  "
        f"{'survived' if phase['survived'] else 'FAILED'}"
    )
    if phase["two_tabs"]:
        line += (
            f"\n      changes sent from two tabs at once {phase['two_tab_changes']}, "
            f"lost updates {phase['lost_updates']}"
        )
    if phase["store_down"] and phase["first_write_seconds"] is not None:
        line += (
            f"\n      first change written {phase['first_write_seconds']} s after the fault began"
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
        f"answered changes lost {figures['lost_changes']}, "
        f"lost updates (two tabs at once) {figures['lost_updates']}, "
        f"faults survived {figures['faults_survived']} of {figures['faults']}, "
        f"in {figures['seconds']} s",
        f"fresh sessions {figures['fresh_sessions']}, "
        f"forms refused after a key rotation {figures['refused_forms']}, "
        f"requests re-sent while the server was down {figures['retries']}, "
        f"503 pages (session store unavailable) {figures['unavailable']}",
    ]
    for phase in figures["phases"]:
        lines.append(phase_line(phase, figures["users"]))
        if phase["ends_sessions"]:
            lines += deadline_lines(figures)
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
