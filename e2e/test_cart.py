"""The cart kept in the session: add, change, remove, clear, and the full-cart refusal."""

import pytest
from playwright.sync_api import expect

from sessionlab.catalog import PRODUCTS

from .actions import add_to_cart, fill_number, put_in_cart, send_to_cart

# Small enough that a few products fill the cookie or the record, so the refusal is reachable.
SMALL_COOKIE_SIZE = 450
SMALL_RECORD_SIZE = 300


@pytest.fixture(scope="session")
def small_session_server(servers, store):
    """The site with a cookie limit, or a record bound, that a few cart lines reach."""
    return servers.get(
        "small-session",
        store,
        MAX_COOKIE_SIZE=SMALL_COOKIE_SIZE,
        SESSION_MAX_RECORD_SIZE=SMALL_RECORD_SIZE,
    )


@pytest.fixture
def cart_page(page):
    """The cart page, the cart holding 2 Cookie mugs and 3 Socks."""
    put_in_cart(page.context, "mug", 2)
    put_in_cart(page.context, "sock", 3)
    page.goto("/cart")
    return page


def update_quantity(page, name, quantity):
    """Send a new quantity for the product called name from the cart page."""
    fill_number(page.get_by_label(f"Quantity of {name}"), quantity)
    page.get_by_role("button", name=f"Update {name}").click()


def cart_line(page, name):
    """The cart table's row for the product called name."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def expect_cart(page, quantities):
    """The cart page on screen lists exactly these {product name: quantity} lines."""
    expect(page.locator("tbody").get_by_role("rowheader")).to_have_text(list(quantities))
    for name, quantity in quantities.items():
        expect(page.get_by_label(f"Quantity of {name}")).to_have_value(str(quantity))


def test_adding_a_product_puts_it_in_the_cart(page):
    """The added quantity shows on its cart line and in the header count."""
    add_to_cart(page, "Cookie mug", 2)
    expect(page.get_by_role("status")).to_have_text("Added 2 × Cookie mug to the cart.")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
    page.goto("/cart")
    expect_cart(page, {"Cookie mug": 2})


def test_changing_a_quantity_updates_line_total_and_count(cart_page):
    """Updating a line's quantity changes its total, the grand total and the header count."""
    update_quantity(cart_page, "Cookie mug", 3)
    expect(cart_page.get_by_role("status")).to_have_text("Cart updated.")
    expect(cart_line(cart_page, "Cookie mug")).to_contain_text("$37.50")
    expect(cart_page.get_by_test_id("grand-total")).to_have_text("$67.47")
    expect(cart_page.get_by_test_id("cart-count")).to_have_text("6")


def test_setting_a_quantity_to_zero_removes_the_line(cart_page):
    """Quantity 0 on the cart page removes that line only."""
    update_quantity(cart_page, "Socks", 0)
    expect(cart_page.get_by_role("status")).to_have_text("Cart updated.")
    expect_cart(cart_page, {"Cookie mug": 2})
    expect(cart_page.get_by_test_id("cart-count")).to_have_text("2")


def test_removing_a_line_keeps_the_others(cart_page):
    """The remove button takes out its own line and leaves the rest."""
    cart_page.get_by_role("button", name="Remove Cookie mug").click()
    expect(cart_page.get_by_role("status")).to_have_text("Removed Cookie mug from the cart.")
    expect_cart(cart_page, {"Socks": 3})
    expect(cart_page.get_by_test_id("cart-count")).to_have_text("3")


def test_clearing_empties_the_cart(cart_page):
    """Clearing the cart removes every line and zeroes the header count."""
    cart_page.get_by_role("button", name="Clear the cart").click()
    expect(cart_page.get_by_role("status")).to_have_text("The cart is empty now.")
    expect(cart_page.get_by_test_id("empty-cart")).to_be_visible()
    expect(cart_page.get_by_test_id("cart-count")).to_have_text("0")


def test_cart_survives_a_reload(page):
    """The cart is in the cookie, so reloading the page shows it again."""
    put_in_cart(page.context, "tea", 4)
    page.goto("/cart")
    page.reload()
    expect_cart(page, {"Green tea": 4})


def test_cart_shows_in_a_new_tab(page):
    """A second tab of the same browser context sees the same cart."""
    add_to_cart(page, "Green tea", 4)
    tab = page.context.new_page()
    tab.goto("/cart")
    expect_cart(tab, {"Green tea": 4})
    expect(tab.get_by_test_id("cart-count")).to_have_text("4")


def test_full_cart_refusal_leaves_the_cart_intact(page, small_session_server):
    """When the session has no room for another line, the add is refused and nothing is lost."""
    base = small_session_server.url
    # Filled one product at a time, without a page, until the site refuses one.
    added = []
    for product in PRODUCTS.values():
        if not send_to_cart(page.context, product.id, base=base).ok:
            break
        added.append(str(product.name))
    else:
        pytest.fail("the whole catalogue fit in the small session")

    # That product again, through the page: the refusal is what this test is about.
    add_to_cart(page, str(product.name), base=base)
    expect(page.get_by_role("alert")).to_have_text(
        "Your cart is full: the session has no room for more."
    )
    assert added, "the very first product was refused"
    expect_cart(page, {name: 1 for name in added})
    expect(page.get_by_test_id("cart-count")).to_have_text(str(len(added)))
