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


@pytest.mark.parametrize("kind", KINDS)
def test_the_browser_takes_the_planted_cookie(attempts, kind):
    assert attempts[kind].seen["browser took it"]


@pytest.mark.parametrize("kind", KINDS)
def test_signing_in_gives_the_victim_a_cookie_of_their_own(attempts, kind):
    """On a server store, a new id: the planted one no longer names the victim's session."""
    seen = attempts[kind].seen
    assert seen["victim's cookie"] != seen["planted"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_planted_cookie_shows_nothing_of_the_victims(attempts, kind):
    """The attacker, sending its copy, gets only its own data: none of the victim's."""
    assert visitors_data(attempts[kind].seen["attacker sees"]) == {}
    assert attempts[kind].held_after["email"] == "victim@example.com"


@pytest.mark.parametrize("kind", KINDS)
def test_attempt_is_stopped(attempts, kind):
    assert attempts[kind].stopped, attempts[kind].what_happened
