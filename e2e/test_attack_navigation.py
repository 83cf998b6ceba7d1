"""Attack 3 (WSTG-SESS-05): another site sends the victim to the article's GET /delete_email,
and to every other page of Session Lab. (A same-origin click on the greeting's own delete
link still deletes at once: test_greeting.py's walkthrough.)"""

from playwright.sync_api import expect

from .attacks_requests import GET_PAGES, delete_question, follow_delete_link, open_every_page
from .victim import EMAIL, held, kept_data, sign_in_victim


def test_cross_site_link_asks_before_deleting_the_email(new_context, attacker):
    """Fetch Metadata says cross-site: Session Lab asks "Delete your email?" and keeps it."""
    context = new_context()
    sign_in_victim(context)
    page = follow_delete_link(context, attacker, "link")
    expect(delete_question(page).get_by_role("button")).to_be_visible()
    assert held(context)["email"] == EMAIL


def test_cross_site_script_asks_before_deleting_the_email(new_context, attacker):
    """window.location set by the attacker's script lands on the same question."""
    context = new_context()
    sign_in_victim(context)
    page = follow_delete_link(context, attacker, "script")
    expect(delete_question(page).get_by_role("button")).to_be_visible()
    assert held(context)["email"] == EMAIL


def test_the_question_s_button_deletes_the_email(new_context, attacker):
    """The victim who does want it gone presses the button: a POST with its token."""
    context = new_context()
    sign_in_victim(context)
    page = follow_delete_link(context, attacker, "link")
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        delete_question(page).get_by_role("button").click()
    assert sent.value.ok
    assert "email" not in held(context)


def test_cross_site_visits_to_every_other_page_change_nothing(new_context, attacker):
    """Every other GET page of the site, opened from the attacker's page, leaves the
    victim's session data as it was."""
    context = new_context()
    sign_in_victim(context)
    before = kept_data(held(context))
    windows = open_every_page(context, attacker)
    assert sorted(windows) == sorted(f"{attacker.target}{path}" for path in GET_PAGES)
    assert kept_data(held(context)) == before
