"""The Redis store's session locks: a key per session, taken and released by Lua scripts
that also read and write the session's record."""

import secrets
import time
from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError

from .locks import EXTENSION, held_lock

# Outside Flask-Session's "session:" key prefix: whatever counts sessions counts no lock.
KEY_PREFIX = "session-lock:"
# Seconds between a waiting request's tries: a lock is held for a few milliseconds.
RETRY_EVERY = 0.005

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
# Write the record with its TTL, then release the lock as RELEASE does.
WRITE_AND_RELEASE = 'redis.call("set", KEYS[2], ARGV[2], "EX", ARGV[3])' + RELEASE


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
        lock = RedisLock(KEY_PREFIX + sid, secrets.token_hex(16), self.record_prefix + sid)
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
            time.sleep(RETRY_EVERY)

    def release(self, lock):
        """Release the lock, unless the record's write released it already."""
        if lock.released:
            return
        try:
            still_held = self.client.eval(RELEASE, 1, lock.key, lock.token)
        except RedisError as error:
            # The lock expires by itself.
            current_app.logger.error("Session lock not released: %s", error)
            return
        self.warn_if_lost(still_held)

    def write_and_release(self, lock, store_id, record, ttl):
        """SET the record for ttl seconds and release the lock, in one round trip."""
        # Released or not, it is not released again: if the write failed, it expires.
        lock.released = True
        still_held = self.client.eval(
            WRITE_AND_RELEASE, 2, lock.key, store_id, lock.token, record, ttl
        )
        self.warn_if_lost(still_held)

    def warn_if_lost(self, still_held):
        """Log that the lock expired before its release, when still_held says so."""
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
