"""Session locks: a request that may change a server-side session holds its lock from
reading the session to writing it back.

Flask-Session reads a session whole as a request starts and writes it whole as it ends,
with no locking (its issues 71 and 149): two requests of one visitor that overlap both
read the same session, and the one that finishes last drops the other's change. Holding
the session's lock, such requests run one after the other. Requests that only read take
no lock, and wait for none.
"""

import hashlib
import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from filelock import FileLock, Timeout
from flask import current_app, g
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from . import clocks

# Requests of these methods change the session only when their view says so (writes_session).
READING_METHODS = {"GET", "HEAD", "OPTIONS"}
# Outside Flask-Session's "session:" key prefix: whatever counts sessions counts no lock.
REDIS_KEY_PREFIX = "session-lock:"
# Seconds between a waiting request's tries: a lock is held for a few milliseconds.
REDIS_RETRY_EVERY = 0.005
LOCK_FILE_SUFFIX = ".lock"
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


# The lock is a key holding a random token for as long as a request holds it, and expiring
# after SESSION_LOCK_LIFETIME. Each script is one round trip, so that a locked write costs
# Redis as many as an unlocked one (a GET and a SET); redis-py's Lock takes two more.
# Take the lock and, if taken, read the record.
TAKE_AND_READ = """
if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then
  return {1, redis.call("get", KEYS[2])}
end
return {0}
"""
# Release the lock, if it is still this request's: once expired, another may hold it.
RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0
"""
# Write the record with its TTL, and release the lock as RELEASE does.
WRITE_AND_RELEASE = """
redis.call("set", KEYS[1], ARGV[1], "EX", ARGV[2])
if redis.call("get", KEYS[2]) == ARGV[3] then return redis.call("del", KEYS[2]) end
return 0
"""


@dataclass
class RedisLock:
    key: str
    token: str
    record_key: str
    record: bytes | None = None  # the record, as read when the lock was taken
    released: bool = False


class RedisLocks:
    """A Redis key per session: it expires after its lifetime, so a worker killed while
    holding it blocks the session no longer than that."""

    def __init__(self, client, lifetime, record_prefix):
        self.client = client
        self.lifetime = lifetime
        self.lifetime_ms = round(lifetime * 1000)
        self.record_prefix = record_prefix

    def take(self, sid, wait):
        """The session's lock, taken, with the record read; None when it stayed held by
        another for wait seconds."""
        lock = RedisLock(REDIS_KEY_PREFIX + sid, secrets.token_hex(16), self.record_prefix + sid)
        give_up = time.monotonic() + wait
        while True:
            taken, *record = self.client.eval(
                TAKE_AND_READ, 2, lock.key, lock.record_key, lock.token, self.lifetime_ms
            )
            if taken:
                lock.record = record[0]
                return lock
            if time.monotonic() >= give_up:
                return None
            time.sleep(REDIS_RETRY_EVERY)

    def release(self, lock):
        if lock.released:
            return
        try:
            still_held = self.client.eval(RELEASE, 1, lock.key, lock.token)
        except RedisError as error:
            # The lock expires by itself.
            current_app.logger.error("Session lock not released: %s", error)
            return
        self.check_held(still_held)

    def write_and_release(self, lock, store_id, record, ttl):
        """SET the record for ttl seconds and release the lock, in one round trip."""
        lock.released = True
        still_held = self.client.eval(
            WRITE_AND_RELEASE, 2, store_id, lock.key, record, ttl, lock.token
        )
        self.check_held(still_held)

    def check_held(self, still_held):
        if not still_held:
            current_app.logger.warning(
                "A request held its session lock past SESSION_LOCK_LIFETIME (%s s): a change "
                "made at the same time by another request of that session may be lost.",
                self.lifetime,
            )


def read_with_the_lock(interface):
    """Flask-Session's Redis interface, reading the record as it was when the request took
    the session's lock, in the same round trip.

    _retrieve_session_data is Flask-Session's private API, as _upsert_session is in
    stores.py (flask-session is pinned below 0.9; tests/test_locks.py fails if a locked
    write stops costing Redis just the lock's scripts).
    """
    retrieve = interface._retrieve_session_data

    def retrieve_as_read_with_the_lock(store_id):
        lock = held_lock()
        if lock is None or lock.record_key != store_id:
            return retrieve(store_id)
        return interface.serializer.decode(lock.record) if lock.record else None

    interface._retrieve_session_data = retrieve_as_read_with_the_lock
    return interface


def write_releasing_the_lock(interface):
    """Flask-Session's Redis interface, writing the record and releasing the session's lock
    in one round trip, where the request holds it (private API, as read_with_the_lock)."""
    upsert = interface._upsert_session

    def upsert_releasing_the_lock(lifetime, session, store_id):
        lock = held_lock()
        if lock is None or lock.released:
            return upsert(lifetime, session, store_id)
        record = interface.serializer.encode(session)
        ttl = int(lifetime.total_seconds())
        current_app.extensions[EXTENSION].write_and_release(lock, store_id, record, ttl)

    interface._upsert_session = upsert_releasing_the_lock
    return interface


class FileLocks:
    """A lock file per session, held with flock: the kernel releases it when its process
    dies, so a killed worker never blocks a session."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.folder = folder

    def path(self, sid):
        # The id comes from the cookie: hashed, it names a file in the folder and nowhere else.
        name = hashlib.sha256(sid.encode()).hexdigest() + LOCK_FILE_SUFFIX
        return os.path.join(self.folder, name)

    def take(self, sid, wait):
        """The session's lock, taken; None when it stayed held by another for wait seconds."""
        lock = FileLock(self.path(sid), timeout=wait)
        try:
            lock.acquire()
        except Timeout:
            return None
        return lock

    def release(self, lock):
        lock.release()


def remove_lock_file(path):
    """Delete a lock file, unless a request holds it.

    Deleted while held, it would let the next request lock a new file while the holder
    still holds the old one.
    """
    lock = FileLock(path, timeout=0)
    try:
        with lock:
            os.remove(path)
    except (Timeout, FileNotFoundError):
        pass


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
