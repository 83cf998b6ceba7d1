"""The seed article's walkthrough: set an email in the session, read it back, delete it."""

from playwright.sync_api import expect

from .actions import put_email

ASKED = "Welcome! Please enter your email here."


def test_greeting_walkthrough(page):
    """No email, set one, welcomed by it, delete it, asked again."""
    heading = page.get_by_role("heading", level=1)
    page.goto("/get_email")
    expect(heading).to_have_text(ASKED)

    page.get_by_role("link", name="here.").click()
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Submit").click()
    expect(heading).to_have_text("Welcome ada@example.com!")

    page.get_by_role("link", name="Delete the email from the session").click()
    expect(heading).to_have_text("Session deleted!")

    page.get_by_role("link", name="Back to the greeting").click()
    expect(heading).to_have_text(ASKED)


def test_deleting_an_email_leaves_another_users_email(page, new_context):
    """One user deleting their email does not touch a second user's."""
    other = new_context().new_page()
    put_email(page.context, "ada@example.com")
    put_email(other.context, "grace@example.com")

    page.goto("/delete_email")
    other.goto("/get_email")

    expect(other.get_by_role("heading", level=1)).to_have_text("Welcome grace@example.com!")
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")
