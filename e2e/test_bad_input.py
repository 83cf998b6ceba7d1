"""Bad input through the site's real forms: a clear message, and nothing in the session lost."""

from playwright.sync_api import expect

from .actions import add_to_cart, put_email, put_in_cart, submit_email


def test_invalid_email_is_refused_and_the_old_one_kept(page):
    """A malformed address gets a message next to the field; the stored email stays."""
    put_email(page.context, "ada@example.com")
    assert submit_email(page, "not-an-email").status == 400

    expect(page.get_by_text("That is not a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")
    expect(page.get_by_test_id("header-email")).to_have_text("Email: ada@example.com")


def test_empty_email_is_refused_and_the_old_one_kept(page):
    """An empty address is asked for again; the stored email stays."""
    put_email(page.context, "ada@example.com")
    assert submit_email(page, "").status == 400

    expect(page.get_by_text("Please enter an email address.")).to_be_visible()
    expect(page.get_by_test_id("header-email")).to_have_text("Email: ada@example.com")


def test_too_many_of_a_product_is_refused_and_the_cart_kept(page):
    """Adding past the per-line cap says so and leaves the line as it was."""
    put_in_cart(page.context, "sock", 60)
    add_to_cart(page, "Socks", 60)

    expect(page.get_by_role("alert")).to_have_text("A cart line holds at most 99 of a product.")
    expect(page.get_by_label("Quantity of Socks")).to_have_value("60")
    expect(page.get_by_test_id("cart-count")).to_have_text("60")
