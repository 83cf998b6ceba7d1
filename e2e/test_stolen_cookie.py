"""Attack 11 (WSTG-SESS-06): what a copied cookie can do after the victim clears the session.

Where the two kinds of session differ most.
"""

import pytest

from .attacks_session import attempt_replay, visitors_data
from .victim import EMAIL


@pytest.fixture
def attempt(new_context, attacker):
    """The attack, tried on a signed-in victim."""
    attempt = attempt_replay(new_context(), attacker)
    yield attempt
    attempt.page.context.close()  # the attacker's own browser


@pytest.mark.cookie_only
def test_copied_signed_cookie_still_works_after_the_user_clears(attempt):
    """The known limit of signed cookies: the server keeps no list of ended sessions."""
    assert attempt.seen["copy before the clear"]["email"] == EMAIL
    assert "email" not in attempt.held_after
    assert attempt.seen["copy after the clear"]["email"] == EMAIL
    assert not attempt.stopped


@pytest.mark.server_stores
def test_copied_session_id_is_worthless_once_the_user_clears(attempt):
    """Clearing deletes the record: the thief's copy names nothing at once."""
    assert attempt.seen["copy before the clear"]["email"] == EMAIL
    assert visitors_data(attempt.seen["copy after the clear"]) == {}
    assert attempt.stopped
