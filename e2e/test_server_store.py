"""What only a server store does: Redis restarts and outages.

New ids at sign-in, and the old id worthless: test_attack_planted.py.
"""

import pytest
from playwright.sync_api import expect

from .actions import put_email


@pytest.fixture(scope="session")
def persistent_redis(servers):
    """A Redis of its own with an append-only file, which tests stop and start again."""
    return servers.redis("persistent", persistent=True)


@pytest.fixture(scope="session")
def restartable_server(servers, store, persistent_redis):
    """The site with its sessions in that Redis."""
    return servers.get("restartable", store, redis=persistent_redis)


@pytest.fixture
def redis_down(persistent_redis):
    """Redis stopped for the test's body, started again (its data reloaded) afterwards."""
    persistent_redis.stop()
    yield
    persistent_redis.start()


@pytest.mark.redis_only
def test_page_during_a_redis_outage_is_the_503_page(page, restartable_server, request):
    """While Redis is down the site answers its styled 503, not an error or a traceback."""
    put_email(page.context, "ada@example.com", base=restartable_server.url)
    request.getfixturevalue("redis_down")
    response = page.goto(f"{restartable_server.url}/get_email")
    assert response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("Error 503")
    expect(page.get_by_role("alert")).to_contain_text("The session store is unavailable")


@pytest.mark.redis_only
def test_session_survives_a_redis_restart(page, restartable_server, persistent_redis):
    """With persistence on, the user is still signed in once Redis is back."""
    put_email(page.context, "ada@example.com", base=restartable_server.url)
    persistent_redis.stop()
    persistent_redis.start()
    page.goto(f"{restartable_server.url}/get_email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")
