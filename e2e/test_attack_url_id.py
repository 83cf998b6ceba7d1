"""Attack 8 (WSTG-SESS-04): a session in the address is ignored; GETs change nothing."""

import pytest

from .attacks_session import PAGES, POST_ONLY, attempt_url_id

ASKED = "Welcome! Please enter your email here."


@pytest.fixture(scope="module")
def attempt(shared_contexts, attacker):
    """The attack, tried once on a signed-in victim (per browser and store)."""
    with shared_contexts(1) as (context,):
        attempt = attempt_url_id(context, attacker)
        yield attempt
        attempt.page.context.close()  # the attacker's own browser


def test_session_in_the_query_string_is_ignored(attempt):
    """The attacker's browser, opening a link with the victim's cookie value, is a stranger."""
    assert attempt.seen["stranger's greeting"] == ASKED
    assert attempt.seen["stranger's session"] == {}


def test_post_only_routes_answer_get_with_the_styled_405(attempt):
    assert attempt.seen["GET statuses"] == dict.fromkeys(POST_ONLY, 405)
    assert attempt.seen["styled 405"] == dict.fromkeys(POST_ONLY, True)


def test_gets_of_post_only_routes_leave_the_session_as_it_was(attempt):
    assert attempt.held_after == attempt.seen["before"]


def test_pages_are_never_cached(attempt):
    assert attempt.seen["cache-control"] == dict.fromkeys(PAGES, "no-store")


def test_attempt_is_stopped(attempt):
    assert attempt.stopped, attempt.what_happened
