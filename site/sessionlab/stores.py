"""Where sessions live: Flask's signed cookie, or a Flask-Session store on the server.

The one module that knows which store is in use. Pages ask the store to renew the
session id or whether some data still fits, and never care which store answers;
only the inspector, whose job is to show it, asks for the record itself.
"""

import math
import os
import pickle
import random
import time
from datetime import UTC, datetime, timedelta

from cachelib.file import FileSystemCache
from flask import abort, current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_session import Session
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from . import clocks, cookie, file_locks, locks, redis_locks, sentinel

# The Redis of the redis store when neither REDIS_URL nor REDIS_SENTINELS is set.
REDIS_URL = "redis://127.0.0.1:6379/0"
# Seconds to wait for Redis: a dead store is noticed in about a second, not a minute.
REDIS_TIMEOUT = 0.5
# One retry, at once: a pooled connection that a Redis restart closed is reopened.
REDIS_RETRY = Retry(NoBackoff(), 1)


class CookieStore:
    """Flask's own: the whole session, signed, travels in the cookie."""

    name = "cookie"
    errors = ()

    def init_app(self, app):
        app.session_interface = cookie.SignedCookieSessions()

    def location(self):
        return None

    def renew_id(self, session):
        """Nothing to renew: the cookie holds the data, not an id."""

    def fits(self, data, permanent=False):
        return cookie.fits(data, permanent)

    def inspect_cookie(self, raw):
        return cookie.inspect(raw, session)

    def record(self, session_id):
        return None

    def writes(self, session):
        """Whether this response sends the session's cookie, signed again."""
        app = current_app
        return bool(session) and app.session_interface.should_set_cookie(app, session)

    def idle_deadline(self, session, record, writes):
        """When the session ends if it is not used again (epoch seconds), or None.

        The signature's timestamp counts whole seconds: the server refuses a cookie
        once it is more than the lifetime old in whole seconds. The browser drops a
        permanent cookie a second before that, at its expiry date.
        """
        if writes:
            signed = int(time.time())
        elif session.signed_at:
            signed = session.signed_at.timestamp()
        else:
            return None
        return signed + cookie.lifetime_seconds() + (0 if session.permanent else 1)


class OutageAware:
    """Flask-Session's session interface, opening no session while its store is unreachable.

    Flask-Session lets the store's error escape from open_session, before any view or
    error handler has a session to render a page with. Returning None instead is
    Flask's own contract: the request gets a read-only empty session, and the
    before-request hook below answers 503.
    """

    def __init__(self, interface, errors):
        self.interface = interface
        self.errors = errors

    def __getattr__(self, name):
        return getattr(self.interface, name)

    def open_session(self, app, request):
        try:
            return self.interface.open_session(app, request)
        except self.errors as error:
            app.logger.error("Session store unreachable: %s", error)
            g.session_store_error = error
            return None


def should_write_record(app, session):
    """Write the record back when it changed, or to keep a permanent session alive.

    Flask-Session writes every record back on every request, pushing its TTL forward;
    Flask renews only a permanent session's cookie that way. The same rule gives a
    session the same lifetime on every store, and spares each read a write.
    """
    return session.modified or (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"])


def within_the_absolute_deadline(interface, refresh_expiry):
    """Flask-Session's interface, its sessions stamped with their start when first written,
    their records' TTL and their cookies' expiry never past their absolute deadline.

    A session this request did not change only has its record's expiry pushed, by
    refresh_expiry(ttl, session, store_id): writing back what the request read would undo
    a change that a request holding the session's lock made meanwhile.
    """
    save_session = interface.save_session
    upsert_session = interface._upsert_session
    get_expiration_time = interface.get_expiration_time

    def save_stamped(app, session, response):
        clocks.before_save(session, lambda: should_write_record(app, session))
        save_session(app, session, response)

    def upsert_until_the_deadline(lifetime, session, store_id):
        # _upsert_session is Flask-Session's private API, which sets the record's TTL from the
        # lifetime it is given: flask-session is pinned below 0.9 for it, and
        # tests/test_clocks.py fails if its signature or its TTL changes. Setting the TTL
        # with EXPIREAT after it would cost every write a second round trip to Redis.
        ttl = clocks.time_to_live(lifetime, session)
        if session.modified:
            upsert_session(ttl, session, store_id)
        else:
            refresh_expiry(ttl, session, store_id)

    def expiring_by_the_deadline(app, session):
        return clocks.cookie_expiry(get_expiration_time(app, session), session)

    interface.save_session = save_stamped
    interface._upsert_session = upsert_until_the_deadline
    interface.get_expiration_time = expiring_by_the_deadline
    return interface


def refuse_while_store_down():
    """Answer 503 when this request's session could not be read from its store."""
    if "session_store_error" in g:
        abort(503)


class ServerStore:
    """Flask-Session's: the data on the server, an opaque id in the cookie."""

    errors = ()

    def init_app(self, app):
        self.configure(app)
        Session(app)
        self.adapt(app)
        app.session_interface.should_set_storage = should_write_record
        within_the_absolute_deadline(app.session_interface, self.refresh_expiry)
        interface = locks.init_app(app, app.session_interface, self.session_locks)
        app.session_interface = OutageAware(interface, self.errors)
        app.before_request(refuse_while_store_down)

    def adapt(self, app):
        """Change how Flask-Session's interface writes records, where the store needs it."""

    def renew_id(self, session):
        """Issue a new session id and delete the record under the old one."""
        current_app.session_interface.regenerate(session)

    def fits(self, data, permanent=False):
        """Whether a record of data stays within the record bound, with room for a message."""
        bound = current_app.config["SESSION_MAX_RECORD_SIZE"]
        return len(self.encode(dict(data))) + cookie.FLASH_HEADROOM <= bound

    def inspect_cookie(self, raw):
        return cookie.inspect_id(raw)

    def writes(self, session):
        """Whether this response writes the session's record again."""
        return bool(session) and should_write_record(current_app, session)

    def idle_deadline(self, session, record, writes):
        """When the session ends if it is not used again (epoch seconds), or None: when its
        record expires (a permanent session's cookie expires with it, in whole seconds)."""
        now = time.time()
        if writes:
            ttl = clocks.time_to_live(current_app.permanent_session_lifetime, session)
            # Flask-Session gives the store whole seconds.
            ends = now + int(ttl.total_seconds())
        elif record:
            ends = now + record["ttl_milliseconds"] / 1000
        else:
            return None
        return math.floor(ends) if session.permanent else ends

    def key(self, session_id):
        return current_app.session_interface.key_prefix + session_id

    @staticmethod
    def expiry(seconds_left):
        """When a record with seconds_left to live expires, as an ISO date."""
        return (datetime.now(UTC) + timedelta(seconds=seconds_left)).isoformat(timespec="seconds")


class RedisStore(ServerStore):
    """Records in Redis, shared by every worker of every server that uses it."""

    name = "redis"
    errors = (RedisError,)

    def configure(self, app):
        """A client of REDIS_URL's Redis, or of the master REDIS_SENTINELS name; not both."""
        config = app.config
        options = {
            "socket_connect_timeout": REDIS_TIMEOUT,
            "socket_timeout": REDIS_TIMEOUT,
            "retry": REDIS_RETRY,
        }
        if config["REDIS_SENTINELS"] and config["REDIS_URL"]:
            raise RuntimeError(
                "FLASK_REDIS_URL and FLASK_REDIS_SENTINELS are both set; set one: the Redis "
                "to use, or the Sentinels that name its master."
            )
        if config["REDIS_SENTINELS"]:
            config["SESSION_REDIS"] = sentinel.master_client(config, **options)
        else:
            config["SESSION_REDIS"] = Redis.from_url(config["REDIS_URL"] or REDIS_URL, **options)

    def adapt(self, app):
        """A request holding the session's lock reads the record as it takes the lock; on one
        Redis it also writes it as it releases the lock. Behind Sentinel, each write waits
        for a replica instead, in a pipeline of its own, and the lock is released after."""
        interface = app.session_interface
        redis_locks.read_with_the_lock(interface)
        if app.config["REDIS_SENTINELS"]:
            sentinel.wait_for_a_replica(interface)
        else:
            redis_locks.write_releasing_the_lock(interface)

    def location(self):
        """The Redis address, without any password the URL holds."""
        client = current_app.session_interface.client
        if current_app.config["REDIS_SENTINELS"]:
            return sentinel.location(client)
        options = client.connection_pool.connection_kwargs
        if "path" in options:
            return f"unix:{options['path']} db {options.get('db', 0)}"
        return f"{options['host']}:{options['port']} db {options.get('db', 0)}"

    def session_locks(self, app):
        interface = app.session_interface
        lifetime = app.config["SESSION_LOCK_LIFETIME"]
        return redis_locks.RedisLocks(interface.client, lifetime, interface.key_prefix)

    def refresh_expiry(self, ttl, session, store_id):
        """Push the record's expiry; a record deleted meanwhile stays deleted."""
        current_app.session_interface.client.expire(store_id, ttl)

    def encode(self, data):
        return current_app.session_interface.serializer.encode(data)

    def record(self, session_id):
        """The record Redis holds for session_id: size, decoded data and expiry; or None."""
        interface = current_app.session_interface
        key = self.key(session_id)
        raw, ttl = interface.client.pipeline().get(key).pttl(key).execute()
        if raw is None:
            return None
        return {
            "key": key,
            "size": len(raw),
            "format": "msgpack",
            "data": interface.serializer.decode(raw),
            # As Redis's TTL command rounds it.
            "ttl_seconds": round(ttl / 1000),
            "ttl_milliseconds": ttl,
            "expires_at": self.expiry(ttl / 1000),
        }


class SessionFiles(FileSystemCache):
    """cachelib's file cache, each value kept with the time it expires.

    cachelib writes that time into its files too, but has no public way to read it
    back, and the inspector shows it.
    """

    def __init__(self, folder):
        # threshold=0: cachelib would otherwise evict live sessions once it held 500.
        super().__init__(folder, threshold=0, default_timeout=0)
        self.folder = folder

    def set(self, key, value, timeout=None, **options):
        """Store value under key for timeout seconds (0 or None: for ever), with its expiry."""
        expires = time.time() + timeout if timeout else None
        return super().set(key, (expires, value), timeout, **options)

    def get(self, key):
        entry = self.entry(key)
        return None if entry is None else entry[1]

    def entry(self, key):
        """(expiry time, value) stored under key, or None when absent or expired."""
        entry = super().get(key)
        # A file written before values carried their expiry counts as absent.
        return entry if isinstance(entry, tuple) else None

    def delete_older_than(self, seconds):
        """Delete the files last written more than seconds ago."""
        delete_files_older_than(self.folder, seconds, os.remove)


def delete_files_older_than(folder, seconds, delete):
    """delete(path) each file of folder last written more than seconds ago."""
    oldest = time.time() - seconds
    with os.scandir(folder) as files:
        for file in files:
            try:
                if file.stat().st_mtime < oldest:
                    delete(file.path)
            except FileNotFoundError:
                pass  # another worker deleted it first


class CacheLibStore(ServerStore):
    """Records in files of the instance folder: server-side sessions with no daemon to run."""

    name = "cachelib"

    def configure(self, app):
        app.config["SESSION_CACHELIB"] = SessionFiles(f"{app.instance_path}/sessions")

    def init_app(self, app):
        super().init_app(app)
        # Flask-Session wires its own clean-up only for stores it believes have no TTL.
        app.before_request(self.clean_up_now_and_then)

    def clean_up_now_and_then(self):
        """Delete expired records, on average once every SESSION_CLEANUP_N_REQUESTS requests.

        Every record is written with the session lifetime as its timeout, so a file
        last written longer ago than that has expired, and is never read again. Lock
        files made longer ago than that go too, unless held: a session still in use
        makes a new one.
        """
        every = current_app.config["SESSION_CLEANUP_N_REQUESTS"]
        if every and random.randrange(every) == 0:
            lifetime = current_app.permanent_session_lifetime.total_seconds()
            self.cache().delete_older_than(lifetime)
            session_locks = current_app.extensions.get(locks.EXTENSION)
            if session_locks:
                delete_files_older_than(session_locks.folder, lifetime, file_locks.remove_lock_file)

    def cache(self):
        return current_app.session_interface.cache

    def location(self):
        return self.cache().folder

    def session_locks(self, app):
        # Beside the records' folder: cachelib must be the only user of its own.
        return file_locks.FileLocks(f"{app.instance_path}/session-locks")

    def refresh_expiry(self, ttl, session, store_id):
        """Write the record again with a new expiry, unless another request holds the
        session's lock (it writes the record itself) or deleted the record."""
        with locks.held_briefly(session.sid) as held:
            data = self.cache().get(store_id) if held else None
            if data is not None:
                self.cache().set(store_id, data, int(ttl.total_seconds()))

    def encode(self, data):
        return pickle.dumps(data, pickle.HIGHEST_PROTOCOL)

    def record(self, session_id):
        """The record cachelib holds for session_id: size, decoded data and expiry; or None."""
        key = self.key(session_id)
        entry = self.cache().entry(key)
        if entry is None:
            return None
        expires, data = entry
        seconds_left = expires - time.time()
        return {
            "key": key,
            "size": len(self.encode(data)),
            "format": "pickle",
            "data": data,
            "ttl_seconds": round(seconds_left),
            "ttl_milliseconds": round(seconds_left * 1000),
            "expires_at": self.expiry(seconds_left),
        }


STORES = {store.name: store for store in (CookieStore(), RedisStore(), CacheLibStore())}


def init_app(app):
    """Put sessions in the store that SESSION_TYPE names, or refuse to start."""
    name = app.config["SESSION_TYPE"]
    if name not in STORES:
        raise RuntimeError(
            f"FLASK_SESSION_TYPE is {name!r}; it must be one of: {', '.join(STORES)}."
        )
    STORES[name].init_app(app)
    app.before_request(end_at_maximum_age)


def end_at_maximum_age():
    """Treat a session past its absolute deadline as absent: a fresh one, saying why.

    On a server store the record is deleted, and usually gone already (its TTL ends
    at the deadline, give or take a second), so that only the cookie store can always
    tell the visitor why.
    """
    if request.endpoint == "static" or not clocks.past_deadline(session):
        return
    # Worded before the session, and the language chosen in it, are gone.
    message = _(
        "Your session reached its maximum age of %(seconds)d seconds and has ended: "
        "this is a fresh session.",
        seconds=clocks.absolute_lifetime(),
    )
    renew_session_id()
    session.clear()
    # Flask-Session's clear() keeps "remember me"; a fresh session does not have it.
    session.pop("_permanent", None)
    flash(message)


def current():
    """The store that holds this app's sessions."""
    return STORES[current_app.config["SESSION_TYPE"]]


def unreachable(error):
    """Whether error says the session store cannot be reached right now."""
    return isinstance(error, current().errors)


def renew_session_id():
    """Give the session a new id and kill the old one, where the session has an id."""
    current().renew_id(session)


def fits(data, permanent=False):
    """Whether a session holding data, and the start time it is written with, stays within
    its store's bound."""
    return current().fits({clocks.START: round(time.time(), 3), **data}, permanent)
