"""What the attacker gets from the target by visiting it as itself, from its own server."""

import ipaddress
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie

from sessionlab.forms import CSRF_FIELD

TIMEOUT_SECONDS = 5


def on_loopback(url):
    """Whether url is an http(s) address on this machine: the attacker attacks nothing else."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class OwnSession:
    """The attacker's own session on the target: its cookie and its form token."""

    cookie_name: str
    cookie_value: str
    csrf_token: str


def own_session(target):
    """Open /set_email on target as the attacker; keep the cookie and token it hands out."""
    with urllib.request.urlopen(f"{target}/set_email", timeout=TIMEOUT_SECONDS) as response:
        page = response.read().decode()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    (name, morsel), *_ = cookies.items()
    return OwnSession(name, morsel.value, CSRF_FIELD.search(page)[1])
