"""Load with an isolation check and faults: python -m load.run --users 200 --seconds 30

Serves Session Lab with gunicorn on 127.0.0.1, lets Locust visitors settle their own
sessions, then runs bounded phases of reading them back, each begun by a fault: a worker
killed, the server restarted, the key rotated with and without a fallback. Prints the
figures and exits with 1 unless nothing was lost, leaked or shown as an error.
"""

# Locust patches the standard library for gevent when imported, so it comes first.
from locust.env import Environment  # isort: skip

import argparse
import json
import secrets
import signal
import sys
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

import psutil

from load.locustfile import TALLY, Visitor
from sessionlab import launch

MAX_PHASE_SECONDS = 30
WORKERS = 2
# Visitors started per second; Locust warns that more can overwhelm it.
SPAWN_RATE = 100


class Site:
    """Session Lab under gunicorn, which can be restarted on the same port with new settings."""

    def __init__(self, env):
        self.env = env
        self.stack = ExitStack()
        self.start()

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
    """Restart with a new key and no fallback: every visitor gets a fresh session."""
    TALLY.fresh_expected = True
    site.restart(FLASK_SECRET_KEY=new_key(), FLASK_SECRET_KEY_FALLBACKS="[]")
    return True


PHASES = (
    ("steady load", None),
    ("a worker killed with SIGKILL", kill_a_worker),
    ("whole server restarted", restart),
    ("key rotated, old key as fallback", rotate_with_fallback),
    ("key rotated without fallback", rotate_without_fallback),
)


def difference(after, before):
    return {name: after[name] - before[name] for name in after}


def run_phase(name, fault, site, seconds):
    """Start a phase with its fault, let the load run for seconds, and return its figures."""
    before = TALLY.counts()
    started = time.monotonic()
    worked = fault(site) if fault else True
    time.sleep(seconds)
    figures = difference(TALLY.counts(), before)
    clean = not (figures["errors"] or figures["leaks"] or figures["lost_sessions"])
    return {
        "phase": name,
        "seconds": round(time.monotonic() - started, 1),
        "fault": fault is not None,
        "survived": worked and clean,
        **figures,
    }


def run(users, seconds):
    """Run every phase under load; return the figures."""
    started = time.monotonic()
    site = Site({"FLASK_SECRET_KEY": new_key()})
    environment = Environment(user_classes=[Visitor], host=site.server.url)
    runner = environment.create_local_runner()
    try:
        runner.start(users, spawn_rate=min(users, SPAWN_RATE))
        wait_until(lambda: TALLY.settled == users)
        phases = [run_phase(name, fault, site, seconds) for name, fault in PHASES]
        # Every visitor notices the last rotation's reset the next time it looks.
        wait_until(lambda: TALLY.fresh_sessions == users)
    finally:
        runner.quit()
        site.close()
    crashes = sum(error["occurrences"] for error in runner.exceptions.values())
    return {
        "users": users,
        "requests": environment.stats.total.num_requests,
        **TALLY.counts(),
        "errors": TALLY.errors + crashes,
        "faults": sum(phase["fault"] for phase in phases),
        "faults_survived": sum(phase["fault"] and phase["survived"] for phase in phases),
        "seconds": round(time.monotonic() - started, 1),
        "phases": phases,
        "notes": TALLY.notes + [error["msg"] for error in runner.exceptions.values()],
    }


def passed(figures):
    """Whether every visitor settled and kept its session, nothing leaked, and no error."""
    return (
        figures["settled"] == figures["users"]
        and figures["errors"] == figures["leaks"] == figures["lost_sessions"] == 0
        and figures["faults_survived"] == figures["faults"]
        and figures["fresh_sessions"] == figures["users"]
    )


def report(figures):
    """The figures as a short text table."""
    lines = [
        f"users {figures['users']} (settled {figures['settled']}), "
        f"requests {figures['requests']}, reads checked {figures['reads']}, "
        f"bad inputs tried {figures['bad_inputs']}",
        f"errors {figures['errors']}, leaks {figures['leaks']}, "
        f"sessions lost {figures['lost_sessions']}, "
        f"faults survived {figures['faults_survived']} of {figures['faults']}, "
        f"in {figures['seconds']} s",
        f"fresh sessions after the rotation without fallback {figures['fresh_sessions']} "
        f"(forms refused by it {figures['refused_forms']}), "
        f"requests re-sent while the server was down {figures['retries']}",
    ]
    for phase in figures["phases"]:
        lines.append(
            f"  {phase['phase']:<34} {phase['seconds']:>5} s  reads {phase['reads']:>6}  "
            f"errors {phase['errors']}  leaks {phase['leaks']}  lost {phase['lost_sessions']}  "
            f"fresh {phase['fresh_sessions']}  re-sent {phase['retries']}  "
            f"{'survived' if phase['survived'] else 'FAILED'}"
        )
    lines += [f"  ! {note}" for note in figures["notes"]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument(
        "--seconds", type=float, default=MAX_PHASE_SECONDS, help="length of each phase"
    )
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= MAX_PHASE_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_PHASE_SECONDS}")
    figures = run(args.users, args.seconds)
    print(report(figures))
    if args.json:
        print(json.dumps(figures))
    return 0 if passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
