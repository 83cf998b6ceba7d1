"""The session cookie: as a browser holds it, as it was sent, and decoded."""

import json
import urllib.request
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired
from werkzeug.http import parse_cookie

from e2e.cookies import ANY_KEY, serializer

# The site's cookie over HTTP, and over HTTPS (FLASK_SESSION_COOKIE_SECURE=true).
COOKIE_NAMES = ("session", "__Host-session")
# Other browsers and servers share the machine: be patient.
TIMEOUT_SECONDS = 30


def held_cookie(context, url):
    """The session cookie the browser context holds for url, as Playwright lists it."""
    cookies = context.cookies(url)
    return next((cookie for cookie in cookies if cookie["name"] in COOKIE_NAMES), None)


def sent_cookie(request):
    """The session cookie's value in a request's Cookie header, or None."""
    header = request.header_value("cookie") if request else None
    sent = parse_cookie(header or "")
    return next((sent[name] for name in COOKIE_NAMES if name in sent), None)


def cookie_size(cookie):
    """Bytes of name=value, as the site's inspector counts them."""
    return len(cookie["name"]) + 1 + len(cookie["value"])


def persistent_state(context):
    """The context's storage state without session cookies, which die with the browser."""
    state = context.storage_state()
    return {**state, "cookies": [cookie for cookie in state["cookies"] if cookie["expires"] != -1]}


def session_facts(url, value=None):
    """What the site's /session.json says about a session cookie value (or about none)."""
    # Under each name the site may use: it reads only its own.
    headers = {"Cookie": "; ".join(f"{name}={value}" for name in COOKIE_NAMES)} if value else {}
    request = urllib.request.Request(f"{url}/session.json", headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        return json.load(response)


@dataclass(frozen=True)
class Decoded:
    payload: dict | None
    # Signed cookies: "valid", "expired", "bad signature" or "unverified";
    # ids of a server store: "record" or "no record".
    verdict: str
    record: dict | None = None  # a server store's record: key, size, format, ttl_seconds


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


class RecordReader:
    """Read what a server store holds for a session id, as the server reports it.

    The cookie holds only an id, so the data can only be read on the server: the
    reader sends the id to /session.json, outside any browser, so no browser's
    cookies change.
    """

    verifies = True  # the server itself looks the id up

    def __init__(self, url):
        self.url = url

    def decode(self, value):
        """The record the server holds for the id in value, or its absence."""
        record = session_facts(self.url, value)["record"]
        if record is None:
            return Decoded(None, "no record")
        return Decoded(record["data"], "record", record)
