"""Session locks: a request that may change a server-side session holds its lock from
reading the session to writing it back.

Flask-Session reads a session whole as a request starts and writes it whole as it ends,
with no locking (its issues 71 and 149): two requests of one visitor that overlap both
read the same session, and the one that finishes last drops the other's change. Holding
the session's lock, such requests run one after the other. Requests that only read take
no lock, and wait for none. The locks themselves are the store's: redis_locks.py and
file_locks.py.
"""

from contextlib import contextmanager
from typing import NamedTuple

from flask import current_app, g
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from . import clocks

# Requests of these methods change the session only when their view says so (writes_session).
READING_METHODS = {"GET", "HEAD", "OPTIONS"}
EXTENSION = "sessionlab.locks"


class SessionBusy(ServiceUnavailable):
    """Another request of this session held its lock for longer than this one may wait."""


class Held(NamedTuple):
    sid: str
    lock: object


def writes_session(view):
    """Mark a view that changes the session even when asked with GET."""
    view.writes_session = True
    return view


class Locking:
    """Flask-Session's session interface, opening the session under its lock when the
    request may change it.

    Flask opens the session before routing the request and saves it after the response
    is built; the lock is released in a teardown function, which runs after the save,
    whatever happened.
    """

    def __init__(self, interface, locks):
        self.interface = interface
        self.locks = locks

    def __getattr__(self, name):
        return getattr(self.interface, name)

    def open_session(self, app, request):
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not sid:
            # A new session: no other request knows its id.
            return self.interface.open_session(app, request)
        if may_write(app, request):
            return self.open_locked(app, request, sid)
        session = self.interface.open_session(app, request)
        if session.sid == sid and will_write(session):
            # Read again under the lock: a request that held it may have changed the session.
            return self.open_locked(app, request, sid)
        return session

    def open_locked(self, app, request, sid):
        lock = self.locks.take(sid, app.config["SESSION_LOCK_WAIT"])
        if lock is None:
            app.logger.warning("Session busy: its lock stayed held for SESSION_LOCK_WAIT.")
            # As for a store that is down: no session, and refuse_while_busy answers 503.
            g.session_busy = True
            return None
        g.session_lock = Held(sid, lock)
        return self.interface.open_session(app, request)


def may_write(app, request):
    """Whether the request may change the session: any method but a reading one, or a GET
    to a view marked with writes_session."""
    if request.method not in READING_METHODS:
        return True
    try:
        endpoint, _ = app.url_map.bind_to_environ(request.environ).match()
    except HTTPException:
        return False
    return getattr(app.view_functions.get(endpoint), "writes_session", False)


def will_write(session):
    """Whether a page read with this session changes it: it shows and removes flashed
    messages, creates the forms' CSRF token, or ends the session at its maximum age."""
    return "_flashes" in session or "csrf_token" not in session or clocks.past_deadline(session)


@contextmanager
def held_briefly(sid):
    """Hold the session's lock for a moment, if no other request holds it; yields whether
    this request holds it (always, with locking off).

    A request that holds it writes the session itself before releasing it.
    """
    locks = current_app.extensions.get(EXTENSION)
    held = g.get("session_lock")
    if locks is None or (held and held.sid == sid):
        yield True
        return
    lock = locks.take(sid, wait=0)
    try:
        yield lock is not None
    finally:
        if lock is not None:
            locks.release(lock)


def held_lock():
    """The session lock this request holds, or None."""
    held = g.get("session_lock")
    return held.lock if held else None


def release(error=None):
    """Release the session lock this request holds, if any (a teardown function)."""
    held = g.pop("session_lock", None)
    if held:
        current_app.extensions[EXTENSION].release(held.lock)


def refuse_while_busy():
    """Answer 503 when this request could not take its session's lock in time."""
    if "session_busy" in g:
        raise SessionBusy()


def check_settings(config):
    """Refuse to start, naming the variable, on a lock setting that makes no sense."""
    if type(config["SESSION_LOCKING"]) is not bool:
        raise RuntimeError(
            f"FLASK_SESSION_LOCKING is {config['SESSION_LOCKING']!r}; it must be true or false."
        )
    for name, least, wording in (
        ("SESSION_LOCK_LIFETIME", 0.001, "at least 0.001"),
        ("SESSION_LOCK_WAIT", 0, "0 or more"),
    ):
        value = config[name]
        # bool is an int to Python, but "true" is no number of seconds.
        if type(value) not in (int, float) or value < least:
            raise RuntimeError(
                f"FLASK_{name} is {value!r}; it must be a number of seconds, {wording}."
            )


def init_app(app, interface, make_locks):
    """Wrap interface so that the requests that may change a session hold its lock, made by
    make_locks(app); with SESSION_LOCKING off, leave it as Flask-Session made it. Returns
    the interface to use."""
    check_settings(app.config)
    if not app.config["SESSION_LOCKING"]:
        return interface
    locks = app.extensions[EXTENSION] = make_locks(app)
    app.before_request(refuse_while_busy)
    app.teardown_request(release)
    return Locking(interface, locks)
