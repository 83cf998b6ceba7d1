"""The attacks' victim, and what an attack attempt leaves behind (e2e tests and ./lab demo)."""

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from .actions import put_email, put_in_cart, put_preferences

EMAIL = "victim@example.com"
PRODUCT = "tea"
LANGUAGE = "fr"


def sign_in_victim(context):
    """Give context's session what a victim's holds: an email, a cart and preferences."""
    put_email(context, EMAIL)
    put_in_cart(context, PRODUCT, 2)
    put_preferences(context, language=LANGUAGE, currency="EUR", theme="dark")


def held(context, base=""):
    """The session data the server holds for context's browser (its /session.json), read
    without a page, so reading it changes nothing a page would see."""
    response = context.request.get(f"{base}/session.json")
    expect(response).to_be_ok()
    return response.json()["data"]


def kept_data(data):
    """What the victim keeps in a session's data: the form token and flashes left out."""
    return {key: value for key, value in data.items() if key not in ("csrf_token", "_flashes")}


@dataclass
class Attempt:
    """One attack tried on one victim: whether it was stopped, and what it left."""

    stopped: bool
    what_happened: str  # one sentence for the demo report's cell
    held_after: dict  # the victim's session data afterwards (kept_data)
    page: Page  # the attacker's page after the attempt (the demo photographs it)
