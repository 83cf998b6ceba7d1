"""The session cookie as the browser holds it, and cookies made or changed outside the site."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

SESSION_COOKIE = "session"
# The site's cookie over HTTPS (FLASK_SESSION_COOKIE_SECURE=true) is __Host-session.
SESSION_COOKIES = (SESSION_COOKIE, "__Host-session")
# Reading a payload checks no signature, but Flask only builds a serializer for
# an app with a key: this one stands in when the key does not matter.
ANY_KEY = "any key: the signature is not checked"


def session_cookie(context):
    """The context's session cookie as Playwright lists it (over HTTP or HTTPS), or None."""
    return next((c for c in context.cookies() if c["name"] in SESSION_COOKIES), None)


def serializer(key):
    """Flask's own serializer of session cookies signed with key."""
    app = Flask(__name__)
    app.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(app)


def sign(payload, key):
    """A session cookie value holding payload, signed with key."""
    return serializer(key).dumps(payload)


def read_payload(value):
    """The data in a session cookie value, without checking its signature."""
    return serializer(ANY_KEY).loads_unsafe(value)[1]


def tamper(value, **changes):
    """value with changes made to its payload, its timestamp and signature kept as they were."""
    _, timestamp, signature = value.rsplit(".", 2)
    encoded = serializer(ANY_KEY).dump_payload({**read_payload(value), **changes}).decode()
    return f"{encoded}.{timestamp}.{signature}"


def replaced(cookie, value, expires=None):
    """cookie (as from context.cookies()) with another value and, if given, expiry."""
    return {**cookie, "value": value, **({"expires": expires} if expires else {})}
