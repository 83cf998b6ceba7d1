"""Attack 10 (WSTG-SESS-01): new server-store ids are unique, long and random."""

import pytest

from attacker import observe

from .attacks_session import attempt_id_quality

COUNT = 1000
# The tests of the ids share one collection of them: on one xdist worker.
ON_ONE_WORKER = pytest.mark.xdist_group("attack-id-quality")


@pytest.fixture(scope="module")
def ids(server):
    """The session ids the server hands out to COUNT new visitors, over plain HTTP."""
    return observe.new_cookie_values(server.url, COUNT)


@ON_ONE_WORKER
@pytest.mark.server_stores
def test_new_ids_are_all_distinct(ids):
    assert len(set(ids)) == COUNT


@ON_ONE_WORKER
@pytest.mark.server_stores
def test_new_ids_are_256_bits_of_url_safe_base64(ids):
    """43 characters of a 64-symbol alphabet: 32 random bytes, as secrets.token_urlsafe(32)."""
    assert [value for value in ids if not observe.ID.fullmatch(value)] == []


@ON_ONE_WORKER
@pytest.mark.server_stores
def test_new_ids_share_no_prefix_longer_than_chance_allows(ids):
    """See observe.SHARED_PREFIX_BOUND: 8 characters or more has a chance of about 2e-9."""
    assert observe.examine(ids).longest_shared_prefix < observe.SHARED_PREFIX_BOUND


@pytest.mark.only_browser("chromium")  # the attacker's server does the work, not the browser
def test_attackers_page_finds_nothing_to_guess(new_context, attacker):
    """The page ./lab demo shows: on a server store random ids, on the cookie store none."""
    context = new_context()
    attempt = attempt_id_quality(context, attacker, count=100)
    assert attempt.stopped, attempt.what_happened
