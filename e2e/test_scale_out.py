"""Two gunicorn servers serve one user's session interchangeably.

On the cookie store they share a key and the cookie carries the session; on a
server store they share the store (one Redis), and the cookie only names it.
The changes are the forms' own requests, sent with the browser's cookies (the
forms themselves are tested through pages elsewhere); each server's pages show them.
"""

import pytest
from playwright.sync_api import expect

from .actions import clear_session, put_email, put_in_cart


@pytest.fixture(scope="session")
def second_server(servers, store):
    """A second server like the main one (same key, same store), on another port."""
    return servers.get("second", store)


def test_user_keeps_their_session_moving_between_servers(page, server, second_server):
    """Changes made on either server are seen on the other."""
    put_email(page.context, "ada@example.com", base=server.url)
    put_in_cart(page.context, "sock", 2, base=second_server.url)
    page.goto(f"{second_server.url}/get_email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")

    put_in_cart(page.context, "mug", 1, base=server.url)
    page.goto(f"{second_server.url}/cart")
    expect(page.get_by_test_id("cart-count")).to_have_text("3")


def test_session_cleared_on_one_server_is_gone_on_the_other(page, server, second_server):
    """Clearing the session through one server empties it for the other too."""
    put_email(page.context, "ada@example.com", base=server.url)
    put_in_cart(page.context, "sock", 2, base=server.url)
    clear_session(page, base=second_server.url)
    expect(page.get_by_role("status")).to_have_text("Session cleared.")

    page.goto(f"{server.url}/cart")
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
