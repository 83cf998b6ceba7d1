"""Each visitor has a session of their own: contexts never share one, tabs of a context do."""

from typing import NamedTuple

import pytest
from playwright.sync_api import expect

from .actions import add_to_cart, put_email, put_in_cart, put_preferences, sent_data, set_email
from .cookies import session_cookie


class User(NamedTuple):
    """One of the users side by side, and what they choose."""

    email: str
    product: str
    product_id: str
    quantity: int
    currency: str
    currency_sign: str


USERS = [
    User("ada@example.com", "Cookie mug", "mug", 1, "EUR", "€"),
    User("grace@example.com", "Socks", "sock", 2, "GBP", "£"),
    User("linus@example.com", "Green tea", "tea", 3, "JPY", "¥"),
]


@pytest.fixture(scope="module")
def users(shared_contexts):
    """Three users at once, each in a context of their own with their own email, cart and
    currency, set up side by side, each with a page on their cart (once a module).

    The tests only read what the users hold: what their page shows, what their browser
    sends, their cookies. So they share one set-up and stay independent of their order.
    """
    with shared_contexts(len(USERS)) as contexts:
        # Interleaved, so that each step of one user comes between two of the others'.
        for context, user in zip(contexts, USERS, strict=True):
            put_email(context, user.email)
        for context, user in zip(contexts, USERS, strict=True):
            put_in_cart(context, user.product_id, user.quantity)
        for context, user in zip(contexts, USERS, strict=True):
            put_preferences(context, currency=user.currency)
        yield [
            (open_page(context, "/cart"), user)
            for context, user in zip(contexts, USERS, strict=True)
        ]


def open_page(context, path):
    """A new page of context, showing path."""
    page = context.new_page()
    page.goto(path)
    return page


def test_each_user_sees_only_their_own_session(users):
    """Each user's cart page shows their own email, cart and currency, nobody else's."""
    for page, user in users:
        expect(page.get_by_test_id("header-email")).to_have_text(f"Email: {user.email}")
        expect(page.locator("tbody").get_by_role("rowheader")).to_have_text([user.product])
        expect(page.get_by_test_id("cart-count")).to_have_text(str(user.quantity))
        expect(page.get_by_test_id("grand-total")).to_contain_text(user.currency_sign)


def test_server_receives_each_users_own_session(users):
    """What each browser sends decodes, on the server, to that user's data alone."""
    for page, user in users:
        data = sent_data(page)
        assert data["email"] == user.email
        assert data["cart"] == {user.product_id: user.quantity}
        assert data["currency"] == user.currency


def test_users_have_different_session_cookies(users):
    """No two users hold the same session cookie."""
    values = {session_cookie(page.context)["value"] for page, _ in users}
    assert len(values) == len(users)


def test_a_fresh_context_sees_no_one_elses_session(users, new_context):
    """A new user, while the others are active, starts with an empty session."""
    page = open_page(new_context(), "/")
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    assert sent_data(page) == {}


def test_two_tabs_of_one_context_share_one_session(context):
    """A change made in one tab shows in the other: both send the same cookie."""
    first, second = context.new_page(), context.new_page()
    set_email(first, "ada@example.com")
    second.goto("/get_email")
    expect(second.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")

    add_to_cart(second, "Socks", 2)
    first.reload()
    expect(first.get_by_test_id("cart-count")).to_have_text("2")
