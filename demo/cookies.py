"""The session cookie: as a browser holds it, as it was sent, and decoded."""

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired
from werkzeug.http import parse_cookie

from e2e.cookies import ANY_KEY, serializer

COOKIE_NAME = "session"


def held_cookie(context, url):
    """The session cookie the browser context holds for url, as Playwright lists it."""
    return next((cookie for cookie in context.cookies(url) if cookie["name"] == COOKIE_NAME), None)


def sent_cookie(request):
    """The session cookie's value in a request's Cookie header, or None."""
    header = request.header_value("cookie") if request else None
    return parse_cookie(header or "").get(COOKIE_NAME)


def cookie_size(cookie):
    """Bytes of name=value, as the site's inspector counts them."""
    return len(cookie["name"]) + 1 + len(cookie["value"])


def persistent_state(context):
    """The context's storage state without session cookies, which die with the browser."""
    state = context.storage_state()
    return {**state, "cookies": [cookie for cookie in state["cookies"] if cookie["expires"] != -1]}


@dataclass(frozen=True)
class Decoded:
    payload: dict | None
    verdict: str  # "valid", "expired", "bad signature" or "unverified"


class Decoder:
    """Decode session cookies with Flask's own serializer.

    With the server's key it checks the signature and age as the server does;
    without it, it only reads the payload, which is not encrypted.
    """

    def __init__(self, secret_key, lifetime):
        """Build Flask's serializer for secret_key (None: unknown)."""
        self.serializer = serializer(secret_key or ANY_KEY)
        self.verifies = bool(secret_key)
        self.lifetime = lifetime

    def decode(self, value):
        """The payload of a cookie value and what the server would make of it."""
        if not self.verifies:
            return Decoded(self.serializer.loads_unsafe(value)[1], "unverified")
        try:
            return Decoded(self.serializer.loads(value, max_age=self.lifetime), "valid")
        except SignatureExpired:
            return Decoded(self.serializer.loads_unsafe(value)[1], "expired")
        except BadSignature:
            return Decoded(None, "bad signature")
