"""A session's two clocks: idle (from its last write) and absolute (from its start).

The idle clock is Flask's and Flask-Session's own: PERMANENT_SESSION_LIFETIME from the
session's last write. The absolute clock is this module's: SESSION_ABSOLUTE_LIFETIME
from the session's start, which the session itself carries under START (in the signed
cookie, or in the server's record), so no request can push it forward.
"""

import math
import time
from datetime import UTC, datetime, timedelta

from flask import current_app

# The session's start, in epoch seconds: stamped when the session is first written.
START = "_started"
# Keys that say nothing about the visitor: a session holding only these is empty.
BOOKKEEPING = {START, "_permanent"}


def init_app(app):
    """Read SESSION_ABSOLUTE_LIFETIME (default: the idle lifetime), or refuse to start."""
    seconds = app.config.get("SESSION_ABSOLUTE_LIFETIME")
    if seconds is None:
        seconds = int(app.permanent_session_lifetime.total_seconds())
    # bool is an int to Python, but "true" is no number of seconds.
    if type(seconds) is not int or seconds < 0:
        raise RuntimeError(
            f"FLASK_SESSION_ABSOLUTE_LIFETIME is {seconds!r}; it must be a whole number of "
            "seconds, 0 or more (0 turns the absolute timeout off)."
        )
    app.config["SESSION_ABSOLUTE_LIFETIME"] = seconds


def absolute_lifetime():
    """Seconds a session may live from its start; 0 when that clock is off."""
    return current_app.config["SESSION_ABSOLUTE_LIFETIME"]


def before_save(session, writes):
    """Stamp the session's start the first time it is written; drop a start left alone.

    writes(): whether the store writes the session with this response, asked only of
    a session with no start yet (asking reads it, and a read session varies by cookie).
    A session holding nothing but its start is empty, and its store deletes it, as before.
    """
    if session.keys() and session.keys() <= BOOKKEEPING:
        session.pop(START, None)
    elif session and START not in session and writes():
        session[START] = round(time.time(), 3)


def deadline(session):
    """When the session reaches its maximum age, in epoch seconds; None if it has none."""
    started = session.get(START)
    if not absolute_lifetime() or started is None:
        return None
    return started + absolute_lifetime()


def past_deadline(session):
    """Whether the session has reached its maximum age."""
    end = deadline(session)
    return end is not None and time.time() >= end


def time_to_live(lifetime, session):
    """The record's lifetime from now: the idle lifetime, cut at the absolute deadline.

    Whole seconds, rounded up: a record gone before the deadline would end the
    session early. Between the deadline and the record's end, the server ends the
    session itself (past_deadline), so the record's last second is never used.
    """
    end = deadline(session)
    if end is None:
        return lifetime
    return min(lifetime, timedelta(seconds=max(1, math.ceil(end - time.time()))))


def cookie_expiry(expires, session):
    """A permanent cookie's expiry date, never past the absolute deadline (rounded up,
    as a cookie's date counts whole seconds); None for a browser-session cookie."""
    end = deadline(session)
    if expires is None or end is None:
        return expires
    return min(expires, datetime.fromtimestamp(math.ceil(end), UTC))


def iso(moment):
    """An epoch time as an ISO date (UTC, milliseconds), or None."""
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
