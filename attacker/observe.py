"""What the attacker learns about the target's session cookies from its own server."""

import http.client
import json
import re
import secrets
import ssl
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

from .loot import TIMEOUT_SECONDS

# A server store's id: 32 random bytes in URL-safe base64 without padding (Flask-Session's
# secrets.token_urlsafe(32)), so 43 characters of a 64-symbol alphabet carry 256 bits.
ID = re.compile(r"[A-Za-z0-9_-]{43}")
# With n ids of a 64-symbol alphabet, the longest prefix that some pair shares is about
# log64(n²/2) characters: 3.2 for 1,000. The chance that any pair shares 8 or more is at
# most n²/2 · 64⁻⁸ ≈ 1.8e-9, so a longer one means the ids are not random.
SHARED_PREFIX_BOUND = 8
MOST_IDS = 1000


def connection(target):
    """A kept-alive connection to target; over HTTPS, trusting any certificate of the lab's."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme == "https":
        # The target is on this machine (loot.on_loopback) with a throw-away certificate:
        # the attacker only reads headers, it sends nothing worth protecting.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=TIMEOUT_SECONDS, context=context
        )
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)


def set_cookie_headers(target, count=1):
    """The Set-Cookie header of count visits to target's form page, each without a cookie."""
    link = connection(target)
    headers = []
    try:
        for _ in range(count):
            # The form's CSRF token starts a session, and so hands out a cookie.
            link.request("GET", "/set_email")
            response = link.getresponse()
            response.read()
            headers.append(response.headers["Set-Cookie"])
    finally:
        link.close()
    return headers


def parsed(header):
    """(name, Morsel) of the one cookie a Set-Cookie header sets (the standard library's parser)."""
    cookie = SimpleCookie()
    cookie.load(header)
    return next(iter(cookie.items()))


def cookie_value(header):
    """The value of the one cookie a Set-Cookie header sets."""
    return parsed(header)[1].value


@dataclass(frozen=True)
class CookieHeader:
    """A session cookie's Set-Cookie header, its value left out, and its attributes."""

    name: str
    attributes: dict  # lower-case attribute name -> value (True for a flag)

    @property
    def shown(self):
        """The header as the attacker page shows it, without the cookie's value."""
        parts = [f"{self.name}=…"]
        for name, value in self.attributes.items():
            parts.append(name if value is True else f"{name}={value}")
        return "; ".join(parts)


def cookie_header_of(header):
    """A Set-Cookie header taken apart."""
    name, morsel = parsed(header)
    # A Morsel lists every attribute it knows, set or not; a flag that is set is True.
    return CookieHeader(name, {key: value for key, value in morsel.items() if value})


def cookie_header(target):
    """The session cookie the target sets, as its Set-Cookie header says."""
    return cookie_header_of(set_cookie_headers(target)[0])


def host_cookie_problems(header):
    """What keeps a Set-Cookie header from giving the cookie WSTG-SESS-02 asks for."""
    expected = {
        "named __Host-session": header.name == "__Host-session",
        "Secure": header.attributes.get("secure") is True,
        "HttpOnly": header.attributes.get("httponly") is True,
        "Path=/": header.attributes.get("path") == "/",
        "SameSite=Lax": header.attributes.get("samesite", "").lower() == "lax",
        "no Domain": "domain" not in header.attributes,
    }
    return [wanted for wanted, met in expected.items() if not met]


@dataclass(frozen=True)
class IdReport:
    """What a batch of new session cookies says about how guessable they are."""

    count: int
    distinct: int
    lengths: list  # the lengths seen, shortest first
    all_url_safe_base64: bool  # every one 43 characters of URL-safe base64
    carries_data: bool  # signed data (the cookie store), not ids
    longest_shared_prefix: int  # characters that the two closest values share
    bound: int = SHARED_PREFIX_BOUND

    @property
    def random_enough(self):
        return (
            not self.carries_data
            and self.distinct == self.count
            and self.all_url_safe_base64
            and self.longest_shared_prefix < self.bound
        )


def shared_prefix(first, second):
    """How many characters first and second share from their start."""
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length


def examine(values):
    """The report on a batch of new session cookie values."""
    ordered = sorted(values)
    # Sorted, the two values that share the longest prefix are neighbours.
    pairs = zip(ordered, ordered[1:], strict=False)
    longest = max((shared_prefix(a, b) for a, b in pairs), default=0)
    return IdReport(
        count=len(values),
        distinct=len(set(values)),
        lengths=sorted({len(value) for value in values}),
        all_url_safe_base64=all(ID.fullmatch(value) for value in values),
        carries_data=any("." in value for value in values),
        longest_shared_prefix=longest,
    )


def new_cookie_values(target, count):
    """The session cookie values the target hands out to count new visitors."""
    return [cookie_value(header) for header in set_cookie_headers(target, count)]


def id_report(target, count=MOST_IDS):
    """Collect count new session cookies from target (at most MOST_IDS) and examine them.

    A first cookie that holds signed data (the cookie store) already shows there is no
    id to guess: no more are collected.
    """
    first = new_cookie_values(target, 1)
    if "." in first[0]:
        return examine(first)
    return examine(first + new_cookie_values(target, min(count, MOST_IDS) - 1))


def made_up_id():
    """A session id the target never handed out, shaped like the ones it does."""
    return secrets.token_urlsafe(32)


def held_for(target, name, value):
    """The session data the target holds for a cookie value, seen from the attacker's server."""
    link = connection(target)
    try:
        link.request("GET", "/session.json", headers={"Cookie": f"{name}={value}"})
        return json.loads(link.getresponse().read())["data"]
    finally:
        link.close()
