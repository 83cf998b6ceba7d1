"""Two gunicorn servers sharing a key serve one user's session interchangeably."""

import pytest
from playwright.sync_api import expect

from .actions import add_to_cart, set_email


@pytest.fixture(scope="session")
def second_server(servers):
    """A second server with the same key as the main one, on another port."""
    return servers.get("second")


def test_user_keeps_their_session_moving_between_servers(page, server, second_server):
    """Changes made on either server are seen on the other: the cookie carries the session."""
    set_email(page, "ada@example.com", base=server.url)
    add_to_cart(page, "Socks", 2, base=second_server.url)
    page.goto(f"{second_server.url}/get_email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")

    add_to_cart(page, "Cookie mug", 1, base=server.url)
    page.goto(f"{second_server.url}/cart")
    expect(page.get_by_test_id("cart-count")).to_have_text("3")
