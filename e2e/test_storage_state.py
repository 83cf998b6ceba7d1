"""A browser's saved storage state resumes its session elsewhere: the cookie is the identity."""

from playwright.sync_api import expect

from .actions import put_email, put_in_cart


def test_saved_state_resumes_the_session_in_a_new_context(page, new_context):
    """A new context loaded with a user's saved state is that user, cart and all."""
    put_email(page.context, "ada@example.com")
    put_in_cart(page.context, "sock", 2)
    state = page.context.storage_state()

    resumed = new_context(storage_state=state).new_page()
    resumed.goto("/cart")
    expect(resumed.get_by_test_id("header-email")).to_have_text("Email: ada@example.com")
    expect(resumed.get_by_test_id("cart-count")).to_have_text("2")
