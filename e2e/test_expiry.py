"""Session cookie lifetimes, seen in the browser and on the server.

The short-lived server's lifetime is a few seconds (playwright.config.toml
[expiry]); tests sleep just past it. Tests that must act before a lifetime
ends use the main server's lifetime of weeks, so they never race a clock.
"""

import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from .actions import sent_session, set_email
from .cookies import replaced, session_cookie
from .settings import LIFETIME_SECONDS

# Cookie expiry dates and signature timestamps are whole seconds: a second and a
# little more past the lifetime, both browser and server see it has ended.
PAST_THE_END = 1.2
# Tolerance when comparing an expiry with the test's clock, and the wait after
# which a renewed cookie's expiry must be later.
CLOCK_SLACK = 2
FAR_FUTURE = 365 * 24 * 3600


@pytest.fixture(scope="session")
def short_lived_server(servers, store):
    """The site with a session lifetime of a few seconds."""
    return servers.get("short-lived", store, PERMANENT_SESSION_LIFETIME=LIFETIME_SECONDS)


@pytest.fixture(scope="session")
def no_refresh_server(servers, store):
    """The site re-sending a permanent session's cookie only when the session changes."""
    return servers.get("no-refresh", store, SESSION_REFRESH_EACH_REQUEST=False)


def expect_fresh_session(page):
    """The page on screen shows an empty session: no email."""
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")


def refused_as_expired(received):
    """Whether the server read nothing from the cookie sent because its lifetime had run out.

    The cookie store finds the signature too old; a server store has let the record go.
    """
    if received["store"] == "cookie":
        cookie = received["cookie"]
        return (cookie["valid"], cookie["problem"]) == (False, "expired")
    return received["record"] is None


def server_keeps_until(received):
    """When the server stops accepting this session: the signature's or the record's end."""
    if received["store"] == "cookie":
        return received["cookie"]["server_accepts_until"]
    return received["record"]["expires_at"]


def test_session_cookie_has_no_expiry(page):
    """Without "Remember me" the cookie is a browser-session cookie."""
    set_email(page, "ada@example.com")
    assert session_cookie(page.context)["expires"] == -1
    assert sent_session(page)["permanent"] is False


def test_remember_me_cookie_expires_after_the_lifetime(page):
    """With "Remember me" the cookie expires the server's session lifetime from now."""
    set_email(page, "ada@example.com", remember=True)
    expires = session_cookie(page.context)["expires"]
    received = sent_session(page)
    assert received["permanent"] is True
    lifetime = received["cookie"]["lifetime_seconds"]
    assert expires == pytest.approx(time.time() + lifetime, abs=CLOCK_SLACK)


@pytest.fixture(scope="module", autouse=True)
def lifetime_visitors(request, shared_contexts):
    """Three visitors of the short-lived server, each in a context of its own, who signed in
    one after the other as the module's first test began.

    Their lifetime runs out while the module's other tests run, which come before the three
    that need it: what is left of the wait after them is often nothing (it was a whole
    lifetime for each browser and store). Each of the three takes its own visitor, which
    nothing else touches, and waits out what is left itself: they stay independent of
    their order.
    """
    try:
        server = request.getfixturevalue("short_lived_server")
    except pytest.skip.Exception:  # against a deployment: the three are skipped
        yield None
        return
    with shared_contexts(3) as contexts:
        remembered, browser_session, copied = (context.new_page() for context in contexts)
        set_email(remembered, "ada@example.com", remember=True, base=server.url)
        set_email(browser_session, "ada@example.com", base=server.url)
        set_email(copied, "ada@example.com", base=server.url)
        yield SimpleNamespace(
            remembered=remembered,
            browser_session=browser_session,
            copied=copied,
            copy=session_cookie(copied.context),
            # When a cookie signed just before is past its lifetime, by any clock.
            lifetime_ends=time.monotonic() + LIFETIME_SECONDS + PAST_THE_END,
        )


@pytest.fixture
def past_the_lifetime(lifetime_visitors, short_lived_server):
    """The three visitors above, once their lifetime has run out.

    short_lived_server skips the test, saying why, where that server cannot be started.
    """
    time.sleep(max(0, lifetime_visitors.lifetime_ends - time.monotonic()))
    return lifetime_visitors


def test_active_users_expiry_moves_forward(page):
    """With refresh on each request, every page an active user loads renews the cookie."""
    set_email(page, "ada@example.com", remember=True)
    first = session_cookie(page.context)["expires"]
    first_accepted_until = server_keeps_until(sent_session(page))
    time.sleep(CLOCK_SLACK)
    page.reload()
    assert session_cookie(page.context)["expires"] > first
    assert server_keeps_until(sent_session(page)) > first_accepted_until


def test_without_refresh_reading_pages_keeps_the_expiry(page, no_refresh_server):
    """With refresh on each request off, only a change to the session renews the cookie."""
    set_email(page, "ada@example.com", remember=True, base=no_refresh_server.url)
    first = session_cookie(page.context)["expires"]
    time.sleep(CLOCK_SLACK)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")
    assert session_cookie(page.context)["expires"] == first


def test_browser_stops_sending_an_expired_cookie(past_the_lifetime):
    """Past its expiry the browser drops the cookie, and the site shows a fresh session."""
    page = past_the_lifetime.remembered  # signed in with "Remember me"
    page.reload()
    expect_fresh_session(page)
    assert sent_session(page)["cookie"] is None


def test_server_refuses_a_session_cookie_older_than_the_lifetime(past_the_lifetime):
    """A browser-session cookie is still sent after the lifetime, but the server is done with it."""
    page = past_the_lifetime.browser_session
    page.reload()
    expect_fresh_session(page)
    assert refused_as_expired(sent_session(page))


def test_old_cookie_put_back_with_a_far_future_expiry_is_refused(past_the_lifetime):
    """Extending a copied cookie's expiry in the browser does not make the server accept it."""
    page, copy = past_the_lifetime.copied, past_the_lifetime.copy  # copied before the wait
    page.context.add_cookies([replaced(copy, copy["value"], expires=time.time() + FAR_FUTURE)])

    page.reload()
    expect_fresh_session(page)
    received = sent_session(page)
    assert received["cookie"]["raw"] == copy["value"]
    assert refused_as_expired(received)
