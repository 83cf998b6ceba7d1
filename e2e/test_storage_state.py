"""A browser's saved storage state resumes its session elsewhere: the cookie is the identity."""

from playwright.sync_api import expect

from .actions import add_to_cart, set_email


def test_saved_state_resumes_the_session_in_a_new_context(page, new_context):
    """A new context loaded with a user's saved state is that user, cart and all."""
    set_email(page, "ada@example.com")
    add_to_cart(page, "Socks", 2)
    state = page.context.storage_state()

    resumed = new_context(storage_state=state).new_page()
    resumed.goto("/cart")
    expect(resumed.get_by_test_id("header-email")).to_have_text("Email: ada@example.com")
    expect(resumed.get_by_test_id("cart-count")).to_have_text("2")
