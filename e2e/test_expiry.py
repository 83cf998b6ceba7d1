"""Session cookie lifetimes, seen in the browser and on the server.

The short-lived server's lifetimes are a few seconds (playwright.config.toml
[expiry]): idle, and absolute (from the sign-in, however often the session is used).
Tests sleep just past them. Tests that must act before a lifetime ends use the main
server's lifetime of weeks, so they never race a clock.
"""

import time
from datetime import datetime
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from .actions import send_form, sent_session, set_email
from .cookies import replaced, session_cookie
from .keep_alive import ended_at, keep_alive, stop_keeping_alive, visits, wait_until
from .settings import ABSOLUTE_SECONDS, LIFETIME_SECONDS

# Cookie expiry dates and signature timestamps are whole seconds: a second and a
# little more past the lifetime, both browser and server see it has ended.
PAST_THE_END = 1.2
# Tolerance when comparing an expiry with the test's clock, and the wait after
# which a renewed cookie's expiry must be later.
CLOCK_SLACK = 2
FAR_FUTURE = 365 * 24 * 3600
# Runs in the inspector's page: when its countdown says the session is over, and what the
# server reads of the session every 250 ms (a read that writes nothing, moving no deadline).
WATCH_THE_COUNTDOWN = """() => {
  const over = document.querySelector("[data-testid='session-over'] p");
  new MutationObserver(() => { window.zeroAt ??= Date.now() / 1000; })
    .observe(over, {attributes: true});
  window.polls = [];
  const poll = async () => {
    const sent = Date.now() / 1000;
    const facts = await (await fetch("/session.json")).json();
    window.polls.push({sent, received: Date.now() / 1000, signed_in: "email" in facts.data});
  };
  const polling = setInterval(async () => {
    await poll();
    if (window.polls.some(each => !each.signed_in)) clearInterval(polling);
  }, 250);
}"""


@pytest.fixture(scope="session")
def short_lived_server(servers, store):
    """The site with idle and absolute session lifetimes of a few seconds."""
    return servers.get(
        "short-lived",
        store,
        PERMANENT_SESSION_LIFETIME=LIFETIME_SECONDS,
        SESSION_ABSOLUTE_LIFETIME=ABSOLUTE_SECONDS,
    )


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
    """Visitors of the short-lived server, each in a context of its own, who signed in one
    after the other as the module's first test began.

    Three leave their session alone: its idle lifetime runs out while the module's other
    tests run, which come before the tests that need it (one of them watches the
    inspector's countdown). Three more use theirs every second, from their page's own
    script, meanwhile: one signed in with "Remember me", one holding a copy of its cookie,
    and one that a test signs in again. Each test takes its own visitor, which nothing
    else touches, and waits out what is left itself: they stay independent of their order.
    """
    try:
        server = request.getfixturevalue("short_lived_server")
    except pytest.skip.Exception:  # against a deployment: the tests that need them are skipped
        yield None
        return
    url = server.url
    with shared_contexts(6) as contexts:
        remembered, browser_session, copied, kept, holder, again = (
            context.new_page() for context in contexts
        )
        sign_in(remembered.context, url, remember=True)
        remembered.goto(f"{url}/get_email")
        sign_in(browser_session.context, url)
        # A read of a session that is not permanent writes nothing: the countdown's deadline
        # stays the one of the sign-in.
        browser_session.goto(f"{url}/session")
        browser_session.evaluate(WATCH_THE_COUNTDOWN)
        sign_in(copied.context, url)
        copied.goto(f"{url}/get_email")
        lifetime_ends = time.monotonic() + LIFETIME_SECONDS + PAST_THE_END
        again.goto(f"{url}/get_email")
        sign_in(again.context, url, remember=True)
        first_sign_in = time.time()
        first_deadline = epoch(sent_session(again)["absolute_deadline"])
        keep_alive(again)
        kept.goto(f"{url}/get_email")
        sign_in(kept.context, url, remember=True)
        kept_since = time.time()
        kept_first_expiry = session_cookie(kept.context)["expires"]
        keep_alive(kept)
        # Signed in again a few seconds into its session (its first absolute deadline comes
        # while the module's other tests run), its requests stopped meanwhile: one under way
        # with the old cookie would bring the old session back as it is answered.
        wait_until(first_sign_in + CLOCK_SLACK)
        stop_keeping_alive(again)
        alive_when_signed_in_again = "email" in sent_session(again)["data"]
        sign_in(again.context, url, remember=True)
        keep_alive(again)
        holder.context.add_cookies([session_cookie(kept.context)])
        holder.goto(f"{url}/get_email")
        keep_alive(holder)
        # Seen now, as the kept session's absolute deadline ends it during the tests.
        wait_until(kept_since + CLOCK_SLACK)
        kept_expiries = kept_first_expiry, session_cookie(kept.context)["expires"]
        yield SimpleNamespace(
            url=url,
            remembered=remembered,
            browser_session=browser_session,
            copied=copied,
            copy=session_cookie(copied.context),
            # When a cookie signed just before is past its lifetime, by any clock.
            lifetime_ends=lifetime_ends,
            kept=kept,
            kept_expiries=kept_expiries,
            held=holder,
            again=SimpleNamespace(
                page=again,
                first_deadline=first_deadline,
                alive_when_signed_in_again=alive_when_signed_in_again,
            ),
        )


def sign_in(context, base, remember=False):
    """Sign context's browser in through the greeting form's requests, with no page steps
    (the form itself is tested above): quick, as the form's token lives only seconds here."""
    fields = {"email_address": "ada@example.com"} | ({"remember": "y"} if remember else {})
    expect(send_form(context, "/set_email", fields, base=base)).to_be_ok()


def epoch(iso):
    return datetime.fromisoformat(iso).timestamp()


@pytest.fixture
def past_the_lifetime(lifetime_visitors, short_lived_server):
    """The three visitors above, once their lifetime has run out.

    short_lived_server skips the test, saying why, where that server cannot be started.
    """
    time.sleep(max(0, lifetime_visitors.lifetime_ends - time.monotonic()))
    return lifetime_visitors


def test_active_users_expiry_moves_forward(lifetime_visitors, short_lived_server):
    """With refresh on each request, every request of a "remember me" session in use renews
    its cookie's expiry (up to its absolute deadline: see the tests at the end)."""
    at_sign_in, seconds_later = lifetime_visitors.kept_expiries
    assert seconds_later > at_sign_in


def test_browser_stops_sending_an_expired_cookie(past_the_lifetime):
    """Past its expiry the browser drops the cookie, and the site shows a fresh session."""
    page = past_the_lifetime.remembered  # signed in with "Remember me"
    page.reload()
    expect_fresh_session(page)
    assert sent_session(page)["cookie"] is None


def test_countdown_reaches_zero_when_the_server_ends_the_session(past_the_lifetime):
    """The inspector's script says the session is over within a second of the server."""
    page = past_the_lifetime.browser_session  # left alone since it opened the inspector
    expect(
        page.get_by_text("Time is up: your next request will start a fresh session.")
    ).to_be_visible()
    page.wait_for_function("window.polls.some(poll => !poll.signed_in)")
    zero_at, polls = page.evaluate("[window.zeroAt, window.polls]")
    # The server ended the session after the last request it still read it for was sent,
    # and before the first that found none was answered.
    last_read = max(poll["sent"] for poll in polls if poll["signed_in"])
    first_fresh = min(poll["received"] for poll in polls if not poll["signed_in"])
    assert last_read - 1 <= zero_at <= first_fresh + 1


def test_server_refuses_a_session_cookie_older_than_the_lifetime(past_the_lifetime):
    """A browser-session cookie is still sent after the lifetime, but the server is done with it."""
    page = past_the_lifetime.browser_session
    page.goto(f"{past_the_lifetime.url}/get_email")  # a page with no form, which writes nothing
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


def test_signing_in_again_starts_a_new_absolute_clock(lifetime_visitors, short_lived_server):
    """A session used every second and signed in again outlives its first absolute deadline,
    until its second."""
    again = lifetime_visitors.again
    assert again.alive_when_signed_in_again
    wait_until(again.first_deadline + PAST_THE_END)
    seen = visits(again.page)  # since it signed in again
    second_deadline = epoch(seen[0].absolute_deadline)
    assert second_deadline >= again.first_deadline + CLOCK_SLACK
    between = [visit for visit in seen if again.first_deadline < visit.sent < second_deadline - 1]
    assert between
    assert all(visit.signed_in for visit in between)


@pytest.fixture
def past_the_absolute_lifetime(lifetime_visitors, short_lived_server):
    """The visitors above who use their session every second (but the one signed in again),
    once their absolute lifetime has run out, and a second more, with what each of their
    requests saw."""
    deadline = epoch(visits(lifetime_visitors.kept)[0].absolute_deadline)
    wait_until(deadline + PAST_THE_END + 1)
    return SimpleNamespace(
        deadline=deadline,
        kept=visits(lifetime_visitors.kept),
        held=visits(lifetime_visitors.held),
    )


def idle_end(past):
    """When the session would have ended had it been left alone after its sign-in (the idle
    deadline of a cookie signed in the sign-in's last second)."""
    return past.deadline - ABSOLUTE_SECONDS + LIFETIME_SECONDS + 1


def test_session_used_every_second_outlives_its_idle_lifetime(past_the_absolute_lifetime):
    seen = past_the_absolute_lifetime.kept
    assert any(
        visit.signed_in for visit in seen if visit.sent > idle_end(past_the_absolute_lifetime)
    )


def test_session_used_every_second_ends_at_its_absolute_lifetime(past_the_absolute_lifetime):
    early, late = ended_at(past_the_absolute_lifetime.kept, past_the_absolute_lifetime.deadline)
    assert (early, late) == ([], [])
    assert not past_the_absolute_lifetime.kept[-1].signed_in


def test_copy_used_every_second_in_another_browser_ends_at_the_absolute_lifetime(
    past_the_absolute_lifetime,
):
    """The keep-alive attack: a copied "remember me" cookie dies with the session."""
    seen = past_the_absolute_lifetime.held
    assert any(
        visit.signed_in for visit in seen if visit.sent > idle_end(past_the_absolute_lifetime)
    )
    assert ended_at(seen, past_the_absolute_lifetime.deadline) == ([], [])
    assert not seen[-1].signed_in
