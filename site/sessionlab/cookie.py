"""The session cookie taken apart (with Flask's own serializer where it holds the data)."""

from datetime import UTC, datetime

from flask import current_app
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired
from werkzeug.http import dump_cookie

from . import clocks

# Bytes kept free under the size limit for a flashed message after a change.
FLASH_HEADROOM = 200


class OpenedSession(SecureCookieSession):
    """A signed-cookie session that remembers what its cookie said when it was opened."""

    payload = None  # the cookie's decoded data, when the cookie was accepted
    signed_at = None  # when the server signed it
    problem = None  # why it was refused: "expired" or "bad signature"


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose sessions say what their cookie held."""

    session_class = OpenedSession

    def open_session(self, app, request):
        """Flask's, keeping the cookie's signing time or why it was refused, for the inspector.

        Flask keeps neither, and the inspector would decode and verify the cookie again.
        """
        signing = self.get_signing_serializer(app)
        raw = request.cookies.get(self.get_cookie_name(app))
        if signing is None or not raw:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            payload, signed_at = signing.loads(raw, max_age=max_age, return_timestamp=True)
        except SignatureExpired:
            return self.refused("expired")
        except BadSignature:
            return self.refused("bad signature")
        session = self.session_class(payload)
        session.payload, session.signed_at = payload, signed_at
        return session

    def save_session(self, app, session, response):
        """Flask's, stamping the session's start when it is first written."""
        clocks.before_save(session, lambda: self.should_set_cookie(app, session))
        super().save_session(app, session, response)

    def get_expiration_time(self, app, session):
        """Flask's expiry date, never past the session's absolute deadline."""
        return clocks.cookie_expiry(super().get_expiration_time(app, session), session)

    def refused(self, problem):
        """A fresh, empty session, as Flask gives for a cookie it refuses, and why."""
        session = self.session_class()
        session.problem = problem
        return session


def serializer():
    return current_app.session_interface.get_signing_serializer(current_app)


def lifetime_seconds():
    return int(current_app.permanent_session_lifetime.total_seconds())


def header_size(value, permanent=False):
    """Length of the Set-Cookie header Flask would send for this signed session value."""
    app = current_app
    interface = app.session_interface
    expires = datetime.now(UTC) + app.permanent_session_lifetime if permanent else None
    header = dump_cookie(
        interface.get_cookie_name(app),
        value,
        expires=expires,
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=interface.get_cookie_secure(app),
        httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app),
        partitioned=interface.get_cookie_partitioned(app),
        max_size=0,
    )
    return len(header)


def fits(data, permanent=False):
    """Whether a session holding data still fits in one cookie, with room for a message."""
    room = current_app.config["MAX_COOKIE_SIZE"] - FLASH_HEADROOM
    return header_size(serializer().dumps(dict(data)), permanent) <= room


def size(raw):
    """Bytes the cookie takes in a request: its name, "=", its value."""
    return len(current_app.config["SESSION_COOKIE_NAME"]) + 1 + len(raw)


def inspect_id(raw):
    """Describe a cookie that holds only a server store's session id."""
    if not raw:
        return None
    return {
        "raw": raw,
        "size": size(raw),
        "limit": current_app.config["MAX_COOKIE_SIZE"],
        "id_length": len(raw),
        "carries_data": False,
        "lifetime_seconds": lifetime_seconds(),
    }


def inspect(raw, opened):
    """Describe a raw session cookie value: its parts, payload, age and validity.

    opened is the session Flask opened from it: the session interface verified and
    decoded this very cookie as the request began.
    """
    if not raw:
        return None
    parts = raw.rsplit(".", 2)
    facts = {
        "raw": raw,
        "size": size(raw),
        "limit": current_app.config["MAX_COOKIE_SIZE"],
        "carries_data": True,
        "payload_part": parts[0],
        "timestamp_part": parts[1] if len(parts) == 3 else None,
        "signature_part": parts[-1] if len(parts) == 3 else None,
        "lifetime_seconds": lifetime_seconds(),
    }
    if opened.problem:
        return {**facts, "valid": False, "problem": opened.problem}
    payload, signed_at = opened.payload, opened.signed_at
    return {
        **facts,
        "valid": True,
        "payload": payload,
        "permanent": bool(payload.get("_permanent")),
        "signed_at": signed_at.isoformat(),
        "server_accepts_until": (signed_at + current_app.permanent_session_lifetime).isoformat(),
    }
