"""The session cookie's attributes, as the server sets them and as the browser keeps them."""

import pytest

from .actions import set_email
from .cookies import SESSION_COOKIE, session_cookie


@pytest.fixture
def set_cookie(page):
    """The Set-Cookie header of the response that stored an email in the session."""
    return set_email(page, "ada@example.com").header_value("set-cookie")


def test_page_scripts_cannot_read_the_session_cookie(page):
    """HttpOnly: document.cookie does not show the session cookie to the page."""
    set_email(page, "ada@example.com")
    assert session_cookie(page.context)["httpOnly"] is True
    assert SESSION_COOKIE not in page.evaluate("document.cookie")


def test_session_cookie_is_same_site_lax(page, set_cookie):
    """SameSite=Lax: not sent with cross-site POSTs."""
    assert "SameSite=Lax" in set_cookie
    assert session_cookie(page.context)["sameSite"] == "Lax"


def test_session_cookie_covers_the_whole_site(page, set_cookie):
    """Path=/: every page of the site receives it."""
    assert "Path=/" in set_cookie
    assert session_cookie(page.context)["path"] == "/"
