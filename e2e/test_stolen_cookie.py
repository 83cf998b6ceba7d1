"""Where the two kinds of session differ most: what a copied cookie can do after a clear."""

import pytest
from playwright.sync_api import expect

from .actions import clear_session, put_email
from .cookies import session_cookie

WELCOME = "Welcome ada@example.com!"
ASKED = "Welcome! Please enter your email here."


@pytest.fixture
def thief(page, new_context):
    """Once the user has an email, a second browser holding a copy of their session cookie."""
    put_email(page.context, "ada@example.com")
    stolen = new_context().new_page()
    stolen.context.add_cookies([session_cookie(page.context)])
    stolen.goto("/get_email")
    expect(stolen.get_by_role("heading", level=1)).to_have_text(WELCOME)
    return stolen


@pytest.mark.cookie_only
def test_copied_signed_cookie_still_works_after_the_user_clears(page, thief):
    """The known limit of signed cookies: the server keeps no list of ended sessions."""
    clear_session(page)
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")
    thief.reload()
    expect(thief.get_by_role("heading", level=1)).to_have_text(WELCOME)


@pytest.mark.server_stores
def test_copied_session_id_is_worthless_once_the_user_clears(page, thief):
    """Clearing deletes the record: the thief's copy names nothing at once."""
    clear_session(page)
    thief.reload()
    expect(thief.get_by_role("heading", level=1)).to_have_text(ASKED)
