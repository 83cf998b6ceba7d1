"""Locust visitors: each keeps its own email, cart and preferences in its own cookie jar,
reads them back many times, and counts any value that is not its own as a leak.

The session is read from wherever the site keeps it: the cookie's payload, or the record
a server store holds for the cookie's id. A 503 "session store unavailable" page is
counted apart from errors and the request re-sent once the pause is over.

In the two-tabs phase, each visitor changes two cart lines from two tabs at once (two
overlapping requests of one session) and reads its session to see whether both changes
landed; one undone by the other is a lost update.

In the deadline phase, the site ends every session a few seconds after its start: each
visitor signs in again and reads its session until it ends, to see that it ends at its
absolute deadline and never before.

load/run.py runs them headless with faults; against a site you started yourself:
    locust -f load/locustfile.py --host http://127.0.0.1:8000
"""

import itertools
import random
import re
import time
from dataclasses import asdict, dataclass, field

import gevent
from locust import HttpUser, between, events, task

from sessionlab.catalog import PRODUCTS
from sessionlab.errors import RETRY_AFTER
from sessionlab.forms import CSRF_FIELD, LANGUAGES, THEMES
from sessionlab.money import CURRENCIES

# How long a visitor keeps re-sending a request while the server cannot be reached, or
# answers that its session store is unavailable.
UNREACHABLE_SECONDS = 30
# The pause before re-sending; shorter pauses from 200 visitors slow a restarting server.
# Shorter than the 503's Retry-After, so a visitor sees the store's return within a pause.
RESEND_PAUSE = 0.5
PAGES = ("/", "/get_email", "/session", "/products", "/cart", "/preferences")
HEADER_EMAIL = re.compile(r'data-testid="header-email">\s*(?:[^<]*<strong>([^<]+)</strong>)?')
CART_COUNT = re.compile(r'data-testid="cart-count">(\d+)<')
HTML_TAG = re.compile(r'<html lang="([\w-]+)" data-theme="(\w+)">')
STYLESHEET = '<link rel="stylesheet" href="/static/style.css">'
# Bad requests sent under load: (method, path, form fields or None for no form, status).
BAD_INPUTS = (
    ("POST", "/cart/add", {"product_id": "mug", "quantity": "abc"}, 400),
    ("POST", "/cart/update", {"product_id": "lampshade", "quantity": "1"}, 400),
    ("POST", "/set_email", {"email_address": "not an email"}, 400),
    ("POST", "/preferences", {"language": "xx", "currency": "EUR", "theme": "dark"}, 400),
    ("POST", "/session/permanent", {"permanent": "maybe"}, 400),
    ("POST", "/cart/clear", None, 400),
    ("DELETE", "/cart", None, 405),
    ("GET", "/static/%2e%2e/pyproject.toml", None, 404),
)
NUMBERS = itertools.count()
# A session seen alive later than this after its absolute deadline ends late.
LATE_SECONDS = 1.0
# How often a visitor reads its session in the deadline phase: about every second, and
# near its deadline as next_read() says.
READ_EVERY = (0.75, 1.25)
NEAR_READ_EVERY = 0.2


@dataclass
class Tally:
    """What all visitors saw; the runner reads it between phases."""

    settled: int = 0
    reads: int = 0
    bad_inputs: int = 0
    retries: int = 0
    unavailable: int = 0
    errors: int = 0
    leaks: int = 0
    lost_sessions: int = 0
    # Reads that found the visitor's own session without a change the site had acknowledged.
    lost_changes: int = 0
    fresh_sessions: int = 0
    refused_forms: int = 0
    # Changes sent from two tabs at once, and those the site lost (undone by the other tab's).
    two_tab_changes: int = 0
    lost_updates: int = 0
    # Sessions of the deadline phase that ended at their absolute deadline, ended before it
    # (seen ended by a request answered before it), or late (seen alive by a request sent
    # more than LATE_SECONDS after it).
    ended_on_time: int = 0
    ended_early: int = 0
    ended_late: int = 0
    # Visitors that have seen what the current phase's fault should leave them: their own
    # session, or a fresh one where the fault ends every session.
    recovered: int = 0
    notes: list = field(default_factory=list)

    def counts(self):
        """The counters alone."""
        return {name: value for name, value in asdict(self).items() if type(value) is int}

    def note(self, text):
        """Keep the first few problems to show."""
        if len(self.notes) < 10:
            self.notes.append(text)


TALLY = Tally()


@dataclass
class Faults:
    """What the runner has done to the site, which visitors need to judge what they see."""

    # Phases begun, and those whose fault is over. Reading its own session back after a
    # fault is over is a visitor's recovery from it; finding the fresh session a fault
    # leaves is one at once, even before the runner learns that the new server is up.
    phases_begun: int = 0
    phases_over: int = 0
    # Key rotations without fallback begun, and those over (the new server answering). A
    # token issued before one was over may be signed with the dropped key (gunicorn answers
    # before the runner learns it is up); one issued after cannot.
    key_drops_begun: int = 0
    key_drops_over: int = 0
    # Whether the last fault ended every session (the cookie store's rotation without
    # fallback), so that an empty session is a fresh one rather than a lost one.
    sessions_reset: bool = False
    # Whether visitors now send their cart changes from two tabs at once.
    two_tabs: bool = False
    # When the last fault began (time.monotonic()), and when the first form sent after it
    # was answered as done: how long the fault kept visitors from changing their sessions.
    began_at: float = 0.0
    first_write_at: float | None = None

    def begin(self):
        """A fault begins now."""
        self.began_at = time.monotonic()
        self.first_write_at = None

    def wrote(self, sent_at):
        """A form sent at sent_at was answered as done, now."""
        if self.first_write_at is None and sent_at > self.began_at:
            self.first_write_at = time.monotonic()


FAULTS = Faults()


@dataclass
class Deadlines:
    """The deadline phase: the short absolute lifetime, and when visitors saw sessions end."""

    # Visitors started; the runner restarts the site once all of them have paused.
    visitors: int = 0
    # The phase has begun: visitors finish the task they are in, then pause.
    begun: bool = False
    paused: int = 0
    # The site runs with this absolute lifetime (seconds); 0 until it does.
    lifetime: int = 0
    # Per session, in seconds from its deadline: the send time of the last request that
    # found it alive, and the answer time of the first that found it ended (None if none).
    seen: list = field(default_factory=list)


DEADLINES = Deadlines()


@events.quitting.add_listener
def report(environment, **kwargs):
    """When Locust runs this file itself: print what visitors saw; fail on any problem."""
    print("visitors saw:", TALLY.counts(), *TALLY.notes, sep="\n  ")
    if TALLY.errors or TALLY.leaks or TALLY.lost_sessions or TALLY.lost_changes:
        environment.process_exit_code = 1


def identity(number):
    """Visitor number's own data: a unique email, and a cart and preferences that vary."""
    products = list(PRODUCTS)
    return {
        "email": f"visitor{number}@load.example",
        "cart": {products[(number + i) % len(products)]: 1 + (number + i) % 9 for i in range(3)},
        "lang": list(LANGUAGES)[number % len(LANGUAGES)],
        "currency": CURRENCIES[number % len(CURRENCIES)],
        "theme": THEMES[number % len(THEMES)],
        "permanent": number % 2 == 0,
    }


def next_read(now, deadline, probe):
    """When to read a session next in the deadline phase: about every second until probe
    (a moment in the last NEAR_READ_EVERY before its deadline, so that early ends are looked
    for right up to it), then as the deadline comes, then every NEAR_READ_EVERY.

    Reads timed to the session's own deadline add a few reads per visitor only: 200
    visitors reading every 0.2 s would fill the server's queue, and each read would wait
    longer for its answer than the 0.2 s between them.
    """
    if now < probe:
        return min(now + random.uniform(*READ_EVERY), probe)
    if now < deadline:
        return deadline
    return now + NEAR_READ_EVERY


def on_page(html):
    """What every page's layout shows of the session, or None if it is not a site page."""
    email, count, tag = HEADER_EMAIL.search(html), CART_COUNT.search(html), HTML_TAG.search(html)
    if not (email and count and tag and STYLESHEET in html):
        return None
    lang, theme = tag.groups()
    return {
        "email": email.group(1),
        "cart_count": int(count.group(1)),
        "lang": lang,
        "theme": theme,
    }


def stored(facts):
    """The session as its store holds it, from /session.json: cookie payload or server record."""
    cookie = facts["cookie"] or {}
    if cookie.get("carries_data"):
        return cookie.get("payload", {})
    return (facts["record"] or {}).get("data", {})


def in_payload(payload):
    """The visitor data in a decoded session payload."""
    return {
        "email": payload.get("email"),
        "cart": payload.get("cart", {}),
        "lang": payload.get("lang"),
        "currency": payload.get("currency"),
        "theme": payload.get("theme"),
        "permanent": bool(payload.get("_permanent")),
    }


class Visitor(HttpUser):
    """A person with their own browser: sets their data with the forms, then reads it back."""

    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.mine = identity(next(NUMBERS))
        self.token = None
        # How many key drops were over when the token was issued.
        self.token_key_drops = 0
        self.reset_seen = False
        self.recovered_phase = 0
        self.watched = False
        DEADLINES.visitors += 1
        self.ready = self.settle()
        TALLY.settled += self.ready

    def send(self, method, path, expected=None, **kwargs):
        """Send a request, again while the site cannot be reached or its store is down.

        None if it never gets a real answer. Re-sending a form is safe here: on the cookie
        store its effect lives only in the cookie of a response that never arrived; a 503
        means the store kept nothing (or, behind Sentinel, that no replica confirmed what
        it kept); and once settled, a visitor sends only forms that
        set a value (a cart line's quantity), so one that a server store saved before its
        answer was lost changes nothing the second time. An expected status (a bad
        input's 4xx) counts as a success in Locust's statistics.
        """
        deadline = time.monotonic() + UNREACHABLE_SECONDS
        while True:
            self.sent_at = time.monotonic()
            with self.client.request(
                method,
                path,
                catch_response=True,
                allow_redirects=False,
                timeout=UNREACHABLE_SECONDS,
                **kwargs,
            ) as response:
                if expected and response.status_code == expected:
                    response.success()
            if response.status_code == 503:
                self.store_unavailable(method, path, response)
            elif response.status_code:
                # The form on the last page shown is the one the visitor sends next.
                if token := CSRF_FIELD.search(response.text):
                    self.token = token.group(1)
                    self.token_key_drops = FAULTS.key_drops_over
                return response
            else:
                TALLY.retries += 1
            if time.monotonic() > deadline:
                answer = response.status_code or "no answer"
                self.problem(f"{method} {path}: {answer} for {UNREACHABLE_SECONDS} s")
                return None
            time.sleep(RESEND_PAUSE)

    def store_unavailable(self, method, path, response):
        """Count a 503; anything but the styled page asking to retry later is an error too."""
        TALLY.unavailable += 1
        styled = STYLESHEET in response.text
        if not styled or response.headers.get("Retry-After") != str(RETRY_AFTER):
            self.problem(f"{method} {path}: a 503 without its styled page and Retry-After")

    def problem(self, text):
        TALLY.errors += 1
        TALLY.note(f"{self.mine['email']}: {text}")

    def page(self, path):
        """GET a page and what its layout shows, or None (an error) if it is not a 200 page."""
        response = self.send("GET", path)
        if response is None:
            return None
        shown = on_page(response.text) if response.status_code == 200 else None
        if shown is None:
            self.problem(f"GET {path}: {response.status_code}, not the page")
        return shown

    def submit(self, path, fields, location):
        """Send a form with the token of the last page shown; True if it went through."""
        response = self.send("POST", path, data={"csrf_token": self.token, **fields})
        if response is None:
            return False
        if response.status_code == 302 and response.headers["Location"] == location:
            FAULTS.wrote(self.sent_at)
            return True
        if response.status_code == 400 and self.token_key_drops < FAULTS.key_drops_begun:
            # A form loaded before the key changed, sent after it: the visitor reloads the
            # page, and finds a fresh session (cookie store) or its own (server store).
            TALLY.refused_forms += 1
            self.read_page("/session")
            return False
        self.problem(f"POST {path}: {response.status_code}")
        return False

    def settle(self):
        """Set this visitor's email, cart and preferences with the site's forms."""
        mine = self.mine
        email = {"email_address": mine["email"], **({"remember": "y"} if mine["permanent"] else {})}
        preferences = {
            "language": mine["lang"],
            "currency": mine["currency"],
            "theme": mine["theme"],
        }
        return (
            self.page("/set_email") is not None
            and self.submit("/set_email", email, "/get_email")
            and all(
                self.submit("/cart/add", {"product_id": product, "quantity": quantity}, "/products")
                for product, quantity in mine["cart"].items()
            )
            and self.submit("/preferences", preferences, "/preferences")
        )

    def start_over(self):
        """Empty the session and settle again, after a reset or a failed settling."""
        self.ready = (
            self.page("/session") is not None
            and self.submit("/session/clear", {}, "/session")
            and self.settle()
        )

    def judge(self, seen, own, empty):
        """Compare what the site showed with this visitor's own data; 'own', 'lost' (its own
        session without a change it was answered), 'reset' or 'leak'."""
        if seen == own:
            self.recover(FAULTS.phases_over)
            return "own"
        if seen["email"] == own["email"]:
            TALLY.lost_changes += 1
            TALLY.note(f"{self.mine['email']} saw {seen}, not {own}: a change was lost")
            self.start_over()
            return "lost"
        if not empty:
            TALLY.leaks += 1
            TALLY.note(f"{self.mine['email']} saw {seen}, not its own {own}")
            return "leak"
        if FAULTS.sessions_reset and not self.reset_seen:
            TALLY.fresh_sessions += 1
            self.reset_seen = True
            self.recover(FAULTS.phases_begun)
        else:
            TALLY.lost_sessions += 1
            TALLY.note(f"{self.mine['email']} lost its session")
        self.start_over()
        return "reset"

    def recover(self, phase):
        """Count this visitor, once per phase, as having seen what the phase's fault leaves."""
        if self.recovered_phase < phase:
            self.recovered_phase = phase
            TALLY.recovered += 1

    def held_session(self):
        """The visitor data of the whole session, from /session.json; None if unread."""
        response = self.send("GET", "/session.json")
        if response is None:
            return None
        if response.status_code != 200:
            self.problem(f"GET /session.json: {response.status_code}")
            return None
        TALLY.reads += 1
        return in_payload(stored(response.json()))

    def judge_session(self, seen):
        """Judge the whole session as seen."""
        own = in_payload({**self.mine, "_permanent": self.mine["permanent"]})
        return self.judge(seen, own, empty=seen["email"] is None and not seen["cart"])

    def read_session(self):
        """Read the whole session from /session.json and judge it."""
        seen = self.held_session()
        return None if seen is None else self.judge_session(seen)

    def read_page(self, path):
        """Read a page and judge what its layout shows."""
        seen = self.page(path)
        if seen is None:
            return
        TALLY.reads += 1
        mine = self.mine
        own = {
            "email": mine["email"],
            "cart_count": sum(mine["cart"].values()),
            "lang": mine["lang"],
            "theme": mine["theme"],
        }
        self.judge(seen, own, empty=seen["email"] is None and not seen["cart_count"])

    def in_deadline_phase(self):
        """Whether the deadline phase has begun; the first time, watch a session to its end."""
        if not DEADLINES.begun:
            return False
        if not self.watched:
            self.watched = True
            self.watch_to_the_deadline()
        return True

    def watch_to_the_deadline(self):
        """Pause until the site runs with its short absolute lifetime, sign in again (a new
        session, a new clock), and read the session until it ends; judge when it ended."""
        DEADLINES.paused += 1
        while not DEADLINES.lifetime:
            time.sleep(0.1)
        # Signed in from a session begun less than a lifetime ago, the form would reach the
        # server after that session's deadline, which would refuse its token.
        self.client.cookies.clear()
        email = {"email_address": self.mine["email"]}
        if self.mine["permanent"]:
            email["remember"] = "y"
        signed_in = self.page("/set_email") is not None and self.submit(
            "/set_email", email, "/get_email"
        )
        if not signed_in:
            return
        started = deadline = last_alive = None
        while True:
            sent = time.time()
            response = self.send("GET", "/session.json")
            answered = time.time()
            if response is None:
                return
            if response.status_code != 200:
                self.problem(f"GET /session.json: {response.status_code}")
                return
            TALLY.reads += 1
            data = response.json()["data"]
            if started is None:
                if data.get("email") != self.mine["email"]:
                    self.problem(f"not signed in: {data}")
                    return
                # The session's own start, as the server stamped it (same clock as ours).
                started = data["_started"]
                deadline = started + DEADLINES.lifetime
                probe = deadline - random.uniform(0, NEAR_READ_EVERY)
            if data.get("email") == self.mine["email"] and data.get("_started") != started:
                self.problem(f"its session's start moved from {started} to {data.get('_started')}")
                return
            if data.get("email") == self.mine["email"]:
                if sent > deadline + LATE_SECONDS:
                    TALLY.ended_late += 1
                    TALLY.note(
                        f"{self.mine['email']}: alive {sent - deadline:.2f} s after its deadline"
                    )
                    DEADLINES.seen.append((sent - deadline, None))
                    return
                last_alive = sent
            elif data.get("email") is None:
                DEADLINES.seen.append((last_alive - deadline, answered - deadline))
                if answered < deadline:
                    TALLY.ended_early += 1
                    TALLY.note(f"{self.mine['email']}: ended {deadline - answered:.2f} s early")
                else:
                    TALLY.ended_on_time += 1
                    self.recover(FAULTS.phases_over)
                return
            else:
                TALLY.leaks += 1
                TALLY.note(f"{self.mine['email']} saw {data}")
                return
            now = time.time()
            time.sleep(max(0, next_read(now, deadline, probe) - now))

    @task(6)
    def read_a_page(self):
        if self.in_deadline_phase():
            return
        if self.ready:
            self.read_page(random.choice(PAGES))
        else:
            self.start_over()

    @task(3)
    def read_the_session(self):
        if self.in_deadline_phase():
            return
        if self.ready:
            self.read_session()

    def set_quantity(self, product, quantity):
        """Set one line's quantity, as the cart page's form does; True if it went through."""
        fields = {"product_id": product, "quantity": quantity}
        if not self.submit("/cart/update", fields, "/cart"):
            return False
        self.mine["cart"][product] = quantity
        return True

    def change_from_two_tabs(self):
        """Set two lines to new quantities from two tabs at once, then read the session:
        a change the other tab's undid is a lost update, after which the visitor goes on
        with the cart the site kept."""
        before = dict(self.mine["cart"])
        changes = {
            product: random.choice([n for n in range(1, 10) if n != before[product]])
            for product in random.sample(list(before), 2)
        }
        tabs = [gevent.spawn(self.set_quantity, *change) for change in changes.items()]
        gevent.joinall(tabs)
        sent = [product for product, tab in zip(changes, tabs, strict=True) if tab.value]
        TALLY.two_tab_changes += len(sent)
        seen = self.held_session()
        if seen is None:
            return
        for product in sent:
            if seen["cart"].get(product) == before[product]:
                TALLY.lost_updates += 1
                self.mine["cart"][product] = before[product]
        self.judge_session(seen)

    @task(2)
    def change_the_cart(self):
        """Change the cart: one line, or two from two tabs at once in the two-tabs phase."""
        if self.in_deadline_phase() or not self.ready:
            return
        if FAULTS.two_tabs:
            self.change_from_two_tabs()
        else:
            self.set_quantity(random.choice(list(self.mine["cart"])), random.randint(1, 9))

    @task(1)
    def send_a_bad_input(self):
        """Send a bad request: it gets its styled 4xx page and the session stays as it was."""
        if self.in_deadline_phase() or not self.ready:
            return
        method, path, fields, status = random.choice(BAD_INPUTS)
        data = None if fields is None else {"csrf_token": self.token, **fields}
        response = self.send(method, path, expected=status, data=data)
        if response is None:
            return
        TALLY.bad_inputs += 1
        if response.status_code != status or STYLESHEET not in response.text:
            self.problem(f"bad {method} {path}: {response.status_code}, not a styled {status}")
        self.read_session()
