"""Attack 7 (WSTG-SESS-03): a session cookie planted before the victim signs in is worthless."""

import pytest

from .attacks_session import attempt_plant, visitors_data

KINDS = {"own": False, "made-up": True}  # the attacker's own live session, or a made-up id


@pytest.fixture(scope="module")
def attempts(shared_contexts, attacker):
    """Each kind of planted cookie, tried once on a victim who had not signed in yet."""
    with shared_contexts(len(KINDS)) as contexts:
        yield {
            kind: attempt_plant(context, attacker, made_up)
            for context, (kind, made_up) in zip(contexts, KINDS.items(), strict=True)
        }


# Each test checks both kinds: parameters would split the module's shared set-up in two
# xdist groups, and run it twice.
def test_the_browser_takes_the_planted_cookie(attempts):
    assert {kind: a.seen["browser took it"] for kind, a in attempts.items()} == dict.fromkeys(
        KINDS, True
    )


def test_signing_in_gives_the_victim_a_cookie_of_their_own(attempts):
    """On a server store, a new id: the planted one no longer names the victim's session."""
    kept = {kind: a.seen["victim's cookie"] == a.seen["planted"] for kind, a in attempts.items()}
    assert kept == dict.fromkeys(KINDS, False)


def test_the_planted_cookie_shows_nothing_of_the_victims(attempts):
    """The attacker, sending its copy, gets only its own data: none of the victim's."""
    seen = {kind: visitors_data(a.seen["attacker sees"]) for kind, a in attempts.items()}
    assert seen == dict.fromkeys(KINDS, {})
    assert {a.held_after["email"] for a in attempts.values()} == {"victim@example.com"}


def test_attempts_are_stopped(attempts):
    assert {kind: a.what_happened for kind, a in attempts.items() if not a.stopped} == {}
