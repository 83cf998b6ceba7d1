"""Attack 4 (WSTG-SESS-05): another site's images and fetches, sent with the victim's
cookies where the browser allows, aimed at pages that change the session."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from .attacks_requests import load_subresources
from .victim import held, kept_data, sign_in_victim

# What the page asks of Session Lab: (method, path) of each request it sends.
SENT = {
    ("GET", "/delete_email"),  # the <img>, and a no-cors fetch
    ("POST", "/cart/clear"),
    ("POST", "/session/clear"),
    ("GET", "/session.json"),  # the fetch that tries to read the answer
}


@dataclass
class Loaded:
    """The victim's kept session data before and after the page, the requests the browser
    sent, and the page."""

    before: dict
    after: dict
    sent: set
    page: object


@pytest.fixture(scope="module")
def loaded(shared_contexts, attacker):
    """The subresources page, once a browser and store."""
    with shared_contexts(1) as (context,):
        sign_in_victim(context)
        before = kept_data(held(context))
        sent = set()
        # Requests, not responses: Chromium reports no response to a fetch that CORS blocks.
        context.on(
            "request",
            lambda request: sent.add((request.method, request.url.removeprefix(attacker.target))),
        )
        page = load_subresources(context, attacker)
        yield Loaded(before, kept_data(held(context)), sent, page)


def test_cross_site_images_and_fetches_change_nothing(loaded):
    """The browser sent every request, and the victim's session data is as it was."""
    assert loaded.sent >= SENT
    assert loaded.after == loaded.before


def test_cross_site_script_reads_no_answer(loaded):
    """The blind fetches' answers are opaque, and reading /session.json is blocked (CORS)."""
    expect(loaded.page.get_by_role("status")).to_contain_text("opaque, opaque, opaque")
    expect(loaded.page.get_by_role("status")).to_contain_text("Read: blocked")
