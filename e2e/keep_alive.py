"""Browsers that keep a session alive: a page that asks the site for its session every second.

The keep-alive attack: whoever holds a copy of a "remember me" cookie uses it now and then,
and each use pushes the idle deadline forward (a freshly signed cookie, a record's TTL
renewed). Only the absolute deadline ends it. The page's own script sends the requests,
so they go on while the test does other things; visits(page) reads what each one saw.
"""

import time
from dataclasses import dataclass

from .cookies import session_cookie

# Runs in the page: every `every` ms, GET /session.json with the browser's cookie (which
# takes the Set-Cookie of each answer), and keep when it was sent and what the server read.
KEEP_ALIVE = """every => {
  window.visits = [];
  const visit = async () => {
    const sent = Date.now() / 1000;
    const facts = await (await fetch("/session.json")).json();
    window.visits.push({
      sent, received: Date.now() / 1000, data: facts.data,
      absolute_deadline: facts.absolute_deadline,
    });
  };
  window.visiting = visit();
  window.keepingAlive = setInterval(() => { window.visiting = visit(); }, every);
}"""
# Runs in the page: no more requests, once the one under way (if any) is answered.
STOP = """async () => {
  clearInterval(window.keepingAlive);
  await window.visiting;
}"""


@dataclass
class Visit:
    """One request of a page that keeps a session alive, and what the server read."""

    sent: float  # epoch seconds
    received: float
    data: dict  # the session data the server read
    absolute_deadline: str | None  # as the server said (ISO), or None

    @property
    def signed_in(self):
        return "email" in self.data


def keep_alive(page, every=1.0):
    """Make page, open on the site, use its session every `every` seconds from now on."""
    page.evaluate(KEEP_ALIVE, every * 1000)


def stop_keeping_alive(page):
    """Stop page's requests; return once the last one is answered."""
    page.evaluate(STOP)


def copy_and_keep_alive(holder, victim, base):
    """The keep-alive attack: copy victim's session cookie into the context holder and
    keep the session alive from there; return the holder's page."""
    holder.add_cookies([session_cookie(victim)])
    page = holder.new_page()
    page.goto(f"{base}/get_email")
    keep_alive(page)
    return page


def visits(page):
    """What each request of a page kept alive saw, oldest first."""
    return [Visit(**visit) for visit in page.evaluate("window.visits")]


def ended_at(seen, deadline):
    """(early, late): requests answered before deadline that found no session, and requests
    sent more than a second after it that still found one."""
    early = [visit for visit in seen if visit.received < deadline and not visit.signed_in]
    late = [visit for visit in seen if visit.sent > deadline + 1 and visit.signed_in]
    return early, late


def wait_until(moment):
    """Sleep until the epoch time moment (a page's requests go on meanwhile)."""
    time.sleep(max(0, moment - time.time()))
