"""Attack 3 (WSTG-SESS-05): another site sends the victim to the article's GET /delete_email,
and to every other page of Session Lab. (A same-origin click on the greeting's own delete
link still deletes at once: test_greeting.py's walkthrough.)"""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from .attacks_requests import GET_PAGES, delete_question, follow_delete_link, open_every_page
from .victim import EMAIL, held, kept_data, sign_in_victim


@dataclass
class Visits:
    """What the victim saw and kept after each way the attacker sent them to GET /delete_email
    (whether Session Lab asked "Delete your email?", and the email it then held), and after
    pressing the question's button."""

    link: tuple
    script: tuple
    button: tuple  # (whether the POST succeeded, the email held afterwards)


@pytest.fixture(scope="module")
def visits(shared_contexts, attacker):
    """The attacker's link, then its script, then the question's button, in one victim's
    browser, once a browser and store."""
    with shared_contexts(1) as (context,):
        sign_in_victim(context)
        landed = {}
        page = context.new_page()
        for way in ("link", "script"):
            follow_delete_link(page, attacker, way)  # waits for Session Lab's page to load
            landed[way] = (delete_question(page).count() == 1, held(context).get("email"))
        button = delete_question(page).get_by_role("button")
        expect(button).to_be_visible()
        with page.expect_response(lambda response: response.request.method == "POST") as sent:
            button.click()
        yield Visits(**landed, button=(sent.value.ok, held(context).get("email")))


def test_cross_site_link_asks_before_deleting_the_email(visits):
    """Fetch Metadata says cross-site: Session Lab asks "Delete your email?" and keeps it."""
    assert visits.link == (True, EMAIL)


def test_cross_site_script_asks_before_deleting_the_email(visits):
    """window.location set by the attacker's script lands on the same question."""
    assert visits.script == (True, EMAIL)


def test_the_question_s_button_deletes_the_email(visits):
    """The victim who does want it gone presses the button: a POST with its token."""
    assert visits.button == (True, None)


# Chromium only: what this checks is the server's (no GET page changes the session); the
# browser's part, the cookie sent with a cross-site navigation and Sec-Fetch-Site saying so,
# is the link test's, in both browsers. Eight windows cost Firefox several seconds.
@pytest.mark.only_browser("chromium")
def test_cross_site_visits_to_every_other_page_change_nothing(new_context, attacker):
    """Every other GET page of the site, opened from the attacker's page, leaves the
    victim's session data as it was."""
    context = new_context()
    sign_in_victim(context)
    before = kept_data(held(context))
    windows = open_every_page(context, attacker)
    assert sorted(windows) == sorted(f"{attacker.target}{path}" for path in GET_PAGES)
    assert kept_data(held(context)) == before
