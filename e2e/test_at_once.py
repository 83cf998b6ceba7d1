"""One visitor's requests at once: a page adds the 20 products in parallel (issue 26).

A server store serialises a session's changes, so none is lost; the signed cookie cannot,
as the browser keeps whichever cookie arrives last.
"""

import pytest
from playwright.sync_api import expect

from .actions import send_form
from .at_once import PRODUCT_IDS, add_at_once, adds_kept, cart_held

ROUNDS = 5


@pytest.fixture
def products_page(page):
    """The products page, whose forms' token the parallel adds send."""
    page.goto("/products")
    return page


def empty_cart(context):
    """Empty context's cart as the cart page's button does (set-up)."""
    expect(send_form(context, "/products", {}, action="/cart/clear")).to_be_ok()


def answered_well(statuses):
    """Whether every answer was a page or a redirect: no error, no refusal."""
    return all(200 <= status < 400 for status in statuses)


@pytest.mark.server_stores
def test_every_add_sent_at_once_is_kept_on_a_server_store(products_page):
    """Five times over, 20 adds at once give 20 lines, each answered with its page."""
    context = products_page.context
    rounds = []
    for _ in range(ROUNDS):
        statuses = add_at_once(products_page)
        rounds.append((answered_well(statuses), adds_kept({}, cart_held(context))))
        empty_cart(context)
    assert rounds == [(True, len(PRODUCT_IDS))] * ROUNDS


@pytest.mark.cookie_only
def test_adds_sent_at_once_on_the_cookie_store_leave_a_valid_cookie(products_page):
    """Some adds are lost (shown with -rP), but every answer is a page and the cookie the
    browser keeps is valid, its cart made of the adds alone."""
    statuses = add_at_once(products_page)
    response = products_page.context.request.get("/session.json")
    expect(response).to_be_ok()
    facts = response.json()
    cart = facts["data"].get("cart", {})
    print(f"cookie store: {adds_kept({}, cart)} of {len(PRODUCT_IDS)} adds sent at once kept")
    assert answered_well(statuses), statuses
    assert facts["cookie"]["valid"]
    # Each line is one of the adds, and at least the last answer's add is kept.
    assert adds_kept({}, cart) == len(cart) > 0
