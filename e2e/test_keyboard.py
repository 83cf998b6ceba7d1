"""The walkthrough and the cart with the keyboard alone, the focus ring showing at every stop."""

import pytest
from playwright.sync_api import expect

from .keyboard import activate, move_focus_to

pytestmark = pytest.mark.one_store


def test_greeting_walkthrough_by_keyboard(page):
    """Set the email (ticking "Remember me"), be welcomed by it, delete it: keys only."""
    heading = page.get_by_role("heading", level=1)
    page.goto("/get_email")
    activate(page.get_by_role("link", name="here."))
    expect(heading).to_have_text("Enter your email address")

    move_focus_to(page.get_by_label("Email address"))
    page.keyboard.type("ada@example.com")
    activate(page.get_by_label("Remember me"), "Space")
    expect(page.get_by_label("Remember me")).to_be_checked()
    activate(page.get_by_role("button", name="Submit"))
    expect(heading).to_have_text("Welcome ada@example.com!")

    # The page's last control: Shift+Tab from the top reaches it at once.
    activate(page.get_by_role("link", name="Delete the email from the session"), tab="Shift+Tab")
    expect(heading).to_have_text("Session deleted!")
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")


def test_cart_add_update_remove_by_keyboard(page):
    """Add a product, change its quantity, remove it: keys only."""
    page.goto("/products")
    activate(page.get_by_role("button", name="Add Cookie mug to cart"), "Space")
    expect(page.get_by_role("status")).to_have_text("Added 1 × Cookie mug to the cart.")

    activate(page.get_by_role("link", name="Cart"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    move_focus_to(page.get_by_label("Quantity of Cookie mug"))
    page.keyboard.type("3")  # the Tab stop selected the old quantity, so this replaces it
    activate(page.get_by_role("button", name="Update Cookie mug"), "Space")
    expect(page.get_by_role("status")).to_have_text("Cart updated.")
    expect(page.get_by_label("Quantity of Cookie mug")).to_have_value("3")

    # Near the end of the page: Shift+Tab from the top wraps round to it.
    activate(page.get_by_role("button", name="Remove Cookie mug"), "Enter", tab="Shift+Tab")
    expect(page.get_by_role("status")).to_have_text("Removed Cookie mug from the cart.")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
