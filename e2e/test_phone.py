"""On a phone-sized screen nothing scrolls sideways, and the cart and inspector work by touch."""

import pytest
from playwright.sync_api import expect

from .actions import add_to_cart, fill_number, set_email
from .tour import tour

PHONES = {"pixel-7": "Pixel 7", "iphone-13": "iPhone 13"}

# Playwright's device emulation (mobile viewport, touch) is Chromium's: Firefox has none.
pytestmark = [pytest.mark.only_browser("chromium"), pytest.mark.one_store]


@pytest.fixture(params=PHONES)
def phone(request, playwright, new_context):
    """A page in a context emulating the phone: its screen, touch and mobile browser."""
    return new_context(**playwright.devices[PHONES[request.param]]).new_page()


def sideways_overflow(page):
    """How many pixels wider than the screen the page is (0: it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def expect_within_the_screen(locator):
    """The control is on the screen from its left edge to its right edge."""
    box = locator.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= locator.page.viewport_size["width"]


@pytest.mark.browser_context_args(locale="de-DE")
def test_no_page_in_any_state_scrolls_sideways(phone):
    """The whole tour, in German: its long words are the hardest to fit."""
    overflowing = {state: px for state in tour(phone) if (px := sideways_overflow(phone)) > 0}
    assert overflowing == {}


def test_cart_lines_can_be_changed_by_touch(phone):
    """Each cart line's controls are on the screen, and tapping them updates and removes."""
    add_to_cart(phone, "Cookie mug", 2)
    add_to_cart(phone, "Socks", 1)
    phone.goto("/cart")
    update, remove = (
        phone.get_by_role("button", name=f"{verb} Cookie mug") for verb in ("Update", "Remove")
    )
    for control in (phone.get_by_label("Quantity of Cookie mug"), update, remove):
        expect_within_the_screen(control)

    fill_number(phone.get_by_label("Quantity of Cookie mug"), 4)
    update.tap()
    expect(phone.get_by_role("status")).to_have_text("Cart updated.")
    expect(phone.get_by_test_id("cart-count")).to_have_text("5")
    remove.tap()
    expect(phone.get_by_role("status")).to_have_text("Removed Cookie mug from the cart.")
    expect(phone.get_by_test_id("cart-count")).to_have_text("1")


def test_inspector_controls_work_by_touch(phone):
    """The inspector's buttons are on the screen, and tapping them makes permanent and clears."""
    set_email(phone, "ada@example.com")
    phone.goto("/session")
    permanent = phone.get_by_role("button", name="Remember me (make it permanent)")
    clear = phone.get_by_role("button", name="Clear the session")
    for control in (permanent, clear):
        expect_within_the_screen(control)

    permanent.tap()
    expect(phone.get_by_role("status")).to_have_text(
        "The session is now permanent: it outlives the browser."
    )
    clear.tap()
    expect(phone.get_by_role("status")).to_have_text("Session cleared.")
    expect(phone.get_by_test_id("header-email")).to_have_text("No email in this session")
