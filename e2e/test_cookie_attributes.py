"""The session cookie's attributes, as the server sets them and as the browser keeps them.

HttpOnly (page scripts cannot read it): test_attack_injection.py; over HTTPS: test_https.py.
"""

from dataclasses import dataclass

import pytest

from .actions import set_email
from .cookies import session_cookie


@dataclass
class Cookie:
    """The session cookie as the server set it and as the browser keeps it."""

    set_cookie: str  # the Set-Cookie header of the response that stored an email
    kept: dict  # the browser's cookie, as context.cookies() gives it


@pytest.fixture(scope="module")
def cookie(shared_contexts):
    """An email stored through the greeting form, once a browser and store (the tests only
    read what it left)."""
    with shared_contexts(1) as (context,):
        response = set_email(context.new_page(), "ada@example.com")
        yield Cookie(response.header_value("set-cookie"), session_cookie(context))


def test_session_cookie_is_same_site_lax(cookie):
    """SameSite=Lax: not sent with cross-site POSTs."""
    assert "SameSite=Lax" in cookie.set_cookie
    assert cookie.kept["sameSite"] == "Lax"


def test_session_cookie_covers_the_whole_site(cookie):
    """Path=/: every page of the site receives it."""
    assert "Path=/" in cookie.set_cookie
    assert cookie.kept["path"] == "/"
