"""A changed or foreign cookie gives a fresh session, never an error; key rotation keeps it."""

import pytest
from playwright.sync_api import expect

from .actions import put_email, sent_data, sent_session
from .cookies import read_payload, replaced, session_cookie, sign, tamper
from .servers import ROTATED_KEY, TEST_KEY

OTHER_KEY = "e2e-some-other-sites-key-0123456789abcdef"
MADE_UP_ID = "made-up-session-id-0123456789abcdefghijklmn"


@pytest.fixture(scope="session")
def rotated_server(servers, store):
    """The site after a key rotation: a new key, the test key kept as a fallback."""
    return servers.get("rotated", store, SECRET_KEY=ROTATED_KEY, SECRET_KEY_FALLBACKS=[TEST_KEY])


def put_back(page, value):
    """Replace the browser's session cookie value with value."""
    page.context.add_cookies([replaced(session_cookie(page.context), value)])


def expect_fresh_session_page(page):
    """The greeting loads normally (no error page) and asks for an email."""
    response = page.goto("/get_email")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome! Please enter your email here."
    )


@pytest.mark.cookie_only
def test_changed_payload_gives_a_fresh_session(page):
    """A cookie whose payload was edited no longer matches its signature."""
    put_email(page.context, "ada@example.com")
    put_back(page, tamper(session_cookie(page.context)["value"], email="admin@example.com"))

    expect_fresh_session_page(page)
    cookie = sent_session(page)["cookie"]
    assert read_payload(cookie["raw"])["email"] == "admin@example.com"
    assert (cookie["valid"], cookie["problem"]) == (False, "bad signature")


@pytest.mark.cookie_only
def test_cookie_signed_with_another_key_gives_a_fresh_session(page):
    """A well-formed cookie signed with a key the site does not hold is refused."""
    put_email(page.context, "ada@example.com")
    put_back(page, sign({"email": "admin@example.com"}, OTHER_KEY))

    expect_fresh_session_page(page)
    cookie = sent_session(page)["cookie"]
    assert (cookie["valid"], cookie["problem"]) == (False, "bad signature")


@pytest.mark.server_stores
def test_made_up_session_id_gives_a_fresh_session(page):
    """An id the store never issued names no record: a fresh session, no error."""
    put_email(page.context, "ada@example.com")
    put_back(page, MADE_UP_ID)

    expect_fresh_session_page(page)
    assert sent_session(page)["record"] is None


@pytest.mark.server_stores
def test_altered_session_id_gives_a_fresh_session(page):
    """One character changed in a real id names no record: a fresh session, no error."""
    put_email(page.context, "ada@example.com")
    real_id = session_cookie(page.context)["value"]
    put_back(page, real_id[:-1] + ("A" if real_id[-1] != "A" else "B"))

    expect_fresh_session_page(page)
    assert sent_session(page)["record"] is None


def test_session_holds_across_a_key_rotation_with_fallback(page, rotated_server):
    """A session begun under the old key is still this user's once that key is a fallback."""
    put_email(page.context, "ada@example.com")
    page.goto(f"{rotated_server.url}/get_email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")
    assert sent_data(page)["email"] == "ada@example.com"
