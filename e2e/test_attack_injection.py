"""Attack 6: markup and script in the address and in the greeting's form are shown as text."""

import pytest

from .attacks_session import ACCEPTED_EMAIL, REFUSED_EMAIL, attempt_injection
from .cookies import SESSION_COOKIE


@pytest.fixture(scope="module")
def attempt(shared_contexts, attacker):
    """The attack, tried once on a signed-in victim (per browser and store)."""
    with shared_contexts(1) as (context,):
        yield attempt_injection(context, attacker)


def test_no_markup_becomes_part_of_a_page(attempt):
    """No script, image or handler from the links or the form appears in any page."""
    assert {place: count for place, count in attempt.seen["injected"].items() if count} == {}


def test_no_script_runs(attempt):
    assert attempt.seen["dialogs"] == []


def test_refused_email_is_shown_back_in_its_field_as_text(attempt):
    assert attempt.seen["refused status"] == 400
    assert attempt.seen["refused field"] == REFUSED_EMAIL


def test_accepted_email_with_quotes_and_braces_is_shown_as_typed(attempt):
    """In the greeting, the header and the inspector: no 49, no attribute, no handler."""
    assert ACCEPTED_EMAIL in attempt.seen["greeting"]
    assert ACCEPTED_EMAIL in attempt.seen["header"]
    assert attempt.seen["inspector"] == ACCEPTED_EMAIL


def test_page_scripts_cannot_read_the_session_cookie(attempt):
    """HttpOnly: document.cookie, in a page of the site's own origin, leaves it out."""
    assert SESSION_COOKIE not in attempt.seen["document.cookie"]


def test_attempt_is_stopped(attempt):
    assert attempt.stopped, attempt.what_happened
