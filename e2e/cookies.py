"""The session cookie as the browser holds it, and cookies made or changed outside the site."""

import zlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface, session_json_serializer
from itsdangerous import base64_decode, base64_encode

SESSION_COOKIE = "session"


def session_cookie(context):
    """The context's session cookie as Playwright lists it, or None."""
    return next((c for c in context.cookies() if c["name"] == SESSION_COOKIE), None)


def sign(payload, key):
    """A session cookie value holding payload, signed with key by Flask's own serializer."""
    app = Flask(__name__)
    app.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(payload)


def read_payload(value):
    """The data in a session cookie value, without checking its signature."""
    encoded = value.rsplit(".", 2)[0]
    data = base64_decode(encoded.removeprefix("."))
    if encoded.startswith("."):  # itsdangerous marks a zlib-compressed payload with a dot
        data = zlib.decompress(data)
    return session_json_serializer.loads(data)


def tamper(value, **changes):
    """value with changes made to its payload, its timestamp and signature kept as they were."""
    _, timestamp, signature = value.rsplit(".", 2)
    payload = {**read_payload(value), **changes}
    encoded = base64_encode(session_json_serializer.dumps(payload)).decode()
    return f"{encoded}.{timestamp}.{signature}"


def replaced(cookie, value, expires=None):
    """cookie (as from context.cookies()) with another value and, if given, expiry."""
    return {**cookie, "value": value, **({"expires": expires} if expires else {})}
