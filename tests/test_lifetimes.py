"""The inspector's sentences about lifetimes, each checked against the store itself.

Each test makes the session look old by shortening what its store still gives it
(Redis's TTL, cachelib's expiry, the cookie's signing time), then visits a page that
changes nothing, then changes the session, and reads the store after each step.
"""

import copy
import os
import re
import struct
import time
from datetime import UTC, datetime

import pytest
from conftest import SECRET_KEY

from sessionlab import create_app

LIFETIME = 60
# Seconds left to a session made to look old: far enough from LIFETIME to tell them apart.
AGED = 5

cookie_only = pytest.mark.cookie_only
server_stores = pytest.mark.server_stores


@pytest.fixture
def app(instance, store_config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "PERMANENT_SESSION_LIFETIME": LIFETIME,
            # The idle clock alone: the absolute one (tests/test_clocks.py) would cut each
            # renewed lifetime short by the seconds since the sign-in.
            "SESSION_ABSOLUTE_LIFETIME": 0,
            **store_config,
        }
    )


def session_id(visitor):
    return visitor.client.get_cookie("session").value


def record_key(app, visitor):
    return app.session_interface.key_prefix + session_id(visitor)


def cachelib_file(app):
    """The one record file in the cachelib store's folder."""
    [file] = os.scandir(app.session_interface.cache.folder)
    return file.path


def seconds_left(app, visitor):
    """How long the store itself still gives the visitor's session, in seconds."""
    store = app.config["SESSION_TYPE"]
    if store == "redis":
        return app.session_interface.client.ttl(record_key(app, visitor))
    if store == "cachelib":
        with open(cachelib_file(app), "rb") as file:
            # cachelib's file format: the expiry time as a native unsigned int, then the pickle.
            (expires,) = struct.unpack("I", file.read(4))
        return expires - time.time()
    return signed_at(app, visitor).timestamp() + LIFETIME - time.time()


def signed_at(app, visitor):
    """When the server signed the visitor's session cookie, as its timestamp says."""
    signing = app.session_interface.get_signing_serializer(app)
    return signing.loads(session_id(visitor), return_timestamp=True)[1]


def make_old(app, visitor):
    """Leave the visitor's session AGED seconds to live, in its store."""
    store = app.config["SESSION_TYPE"]
    if store == "redis":
        app.session_interface.client.expire(record_key(app, visitor), AGED)
    elif store == "cachelib":
        cache, key = app.session_interface.cache, record_key(app, visitor)
        cache.set(key, cache.get(key), timeout=AGED)
    else:
        signing = copy.copy(app.session_interface.get_signing_serializer(app))
        signed = int(time.time()) - (LIFETIME - AGED)
        earlier = {"get_timestamp": lambda _: signed}
        signing.signer = type("SignedEarlier", (signing.signer,), earlier)
        visitor.client.set_cookie("session", signing.dumps(signing.loads(session_id(visitor))))


def renewed(seconds):
    """Whether a session with seconds left to live was given its whole lifetime again."""
    return LIFETIME - 2 <= seconds <= LIFETIME


def sentence(page, testid):
    """The text of the page's element with data-testid, its whitespace collapsed."""
    match = re.search(rf'data-testid="{testid}">(.*?)</dd>', page, re.DOTALL)
    return " ".join(match.group(1).split())


def sets_cookie(response):
    """Whether the response sends the session cookie."""
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def cookie_lasts(visitor):
    """Seconds until the browser drops the session cookie, or None if it has no expiry date."""
    expires = visitor.client.get_cookie("session").expires
    return None if expires is None else (expires - datetime.now(UTC)).total_seconds()


def start(visitor, permanent=False, refresh=True):
    """A session with an email, made to look old, under that SESSION_REFRESH_EACH_REQUEST."""
    visitor.client.application.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
    visitor.set_email("ada@example.com", remember=permanent)
    make_old(visitor.client.application, visitor)


def visit(visitor):
    """A page view that changes nothing in the session."""
    return visitor.client.get("/get_email")


def change(visitor):
    visitor.add_to_cart("mug")


NOT_RENEWED_ON_A_VISIT = pytest.mark.parametrize(
    ("permanent", "refresh"),
    [(False, True), (True, False)],
    ids=["not-permanent", "permanent-without-refresh"],
)


def test_cookie_of_a_session_that_is_not_permanent_has_no_expiry_date(app, visitor):
    start(visitor)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert sentence(page, "browser-keeps") == (
        "until the browser closes: the cookie has no expiry date."
    )
    assert not sets_cookie(visit(visitor))
    change(visitor)
    assert cookie_lasts(visitor) is None


@cookie_only
def test_permanent_cookie_gets_a_new_expiry_date_on_every_request(app, visitor):
    start(visitor, permanent=True)
    response = visitor.client.get("/session")
    assert sentence(response.get_data(as_text=True), "browser-keeps") == (
        "until 60 seconds after your last request: Flask signs the cookie again on every"
        " request, this one included, and sends it with a new expiry date."
    )
    assert sets_cookie(response)
    make_old(app, visitor)
    assert sets_cookie(visit(visitor))
    assert renewed(cookie_lasts(visitor))
    assert renewed(seconds_left(app, visitor))


@cookie_only
def test_permanent_cookie_gets_a_new_expiry_date_only_on_a_change_without_refresh(app, visitor):
    start(visitor, permanent=True, refresh=False)
    accepted_until = signed_at(app, visitor).timestamp() + LIFETIME
    page = visitor.client.get("/session").get_data(as_text=True)
    when = datetime.fromtimestamp(accepted_until, UTC).isoformat()
    assert sentence(page, "browser-keeps") == (
        f"until {when}: Flask signs the cookie again, with a new expiry date, only when the"
        " session changes."
    )
    assert not sets_cookie(visit(visitor))
    change(visitor)
    assert renewed(cookie_lasts(visitor))


@cookie_only
def test_permanent_cookie_is_accepted_until_a_lifetime_after_the_last_request(app, visitor):
    start(visitor, permanent=True)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert sentence(page, "accepts-until").endswith(
        "Every request signs it again, this one included: the cookie you hold now is accepted"
        " until 60 seconds after this request."
    )
    assert renewed(seconds_left(app, visitor))
    make_old(app, visitor)
    visit(visitor)
    assert renewed(seconds_left(app, visitor))


@cookie_only
@NOT_RENEWED_ON_A_VISIT
def test_a_visit_leaves_the_cookie_signed_as_it_was_and_a_change_signs_it_again(
    app, visitor, permanent, refresh
):
    start(visitor, permanent, refresh)
    signed = signed_at(app, visitor)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert sentence(page, "accepts-until") == (
        f"until {datetime.fromtimestamp(signed.timestamp() + LIFETIME, UTC).isoformat()}"
        f" (signed at {signed.isoformat()}, plus a lifetime of 60 seconds). A visit that"
        " changes nothing does not sign it again, so that time stays; a change to the"
        " session signs it again, and the 60 seconds start again from then."
    )
    visit(visitor)
    assert seconds_left(app, visitor) <= AGED
    change(visitor)
    assert renewed(seconds_left(app, visitor))


@server_stores
@pytest.mark.parametrize("refresh", [True, False], ids=["refresh", "no-refresh"])
def test_permanent_id_cookie_expires_with_the_record(app, visitor, refresh):
    start(visitor, permanent=True, refresh=refresh)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert sentence(page, "browser-keeps") == (
        "until the record expires: each time the server writes the record, it sends the"
        " cookie again with the same expiry date."
    )
    make_old(app, visitor)
    response = visit(visitor)
    assert sets_cookie(response) == renewed(seconds_left(app, visitor)) == refresh
    change(visitor)
    assert abs(cookie_lasts(visitor) - seconds_left(app, visitor)) <= 1
    assert renewed(seconds_left(app, visitor))


@server_stores
def test_permanent_record_gets_a_new_expiry_on_every_request(app, visitor):
    start(visitor, permanent=True)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert re.fullmatch(
        r"until 60 seconds after your last request: every request, this one included, gives"
        rf" the record a new expiry \(before this one, it had [{AGED - 1}{AGED}] seconds left\)\.",
        sentence(page, "expires-at"),
    )
    assert renewed(seconds_left(app, visitor))
    make_old(app, visitor)
    visit(visitor)
    assert renewed(seconds_left(app, visitor))


@server_stores
@NOT_RENEWED_ON_A_VISIT
def test_a_visit_leaves_the_record_expiry_as_it_was_and_a_change_starts_it_again(
    app, visitor, permanent, refresh
):
    start(visitor, permanent, refresh)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert re.fullmatch(
        rf"until \S+ \([{AGED - 1}{AGED}] seconds from now\)\. A visit that changes nothing"
        r" leaves that time as it is; a change to the session writes the record again, and"
        r" the 60 seconds start again from then\.",
        sentence(page, "expires-at"),
    )
    visit(visitor)
    assert seconds_left(app, visitor) <= AGED
    change(visitor)
    assert renewed(seconds_left(app, visitor))
