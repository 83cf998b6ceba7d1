"""The session cookie's attributes, as the server sets them and as the browser keeps them.

HttpOnly (page scripts cannot read it): test_attack_injection.py; over HTTPS: test_https.py.
"""

import pytest

from .actions import set_email
from .cookies import session_cookie


@pytest.fixture
def set_cookie(page):
    """The Set-Cookie header of the response that stored an email in the session."""
    return set_email(page, "ada@example.com").header_value("set-cookie")


def test_session_cookie_is_same_site_lax(page, set_cookie):
    """SameSite=Lax: not sent with cross-site POSTs."""
    assert "SameSite=Lax" in set_cookie
    assert session_cookie(page.context)["sameSite"] == "Lax"


def test_session_cookie_covers_the_whole_site(page, set_cookie):
    """Path=/: every page of the site receives it."""
    assert "Path=/" in set_cookie
    assert session_cookie(page.context)["path"] == "/"
