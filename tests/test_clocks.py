"""The idle and absolute timeouts, one second either side of each deadline, on every store.

time-machine stops the clock of this process (Python's time and datetime, so the site's
clocks and the signatures' timestamps alike) and moves it on. Redis keeps its own clock:
its records' TTLs run in real time, a few milliseconds here, so on Redis it is the site's
own check that ends a session at its absolute deadline in these tests.
"""

import inspect
import struct
import time
from datetime import UTC, datetime

import pytest
import time_machine
from conftest import SECRET_KEY
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface

from sessionlab import create_app

IDLE = 100
ABSOLUTE = 60
# A whole second, so that the signatures' timestamps (whole seconds) are exact.
START = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
ENDED = "Your session reached its maximum age of 60 seconds and has ended: this is a fresh session."

cookie_only = pytest.mark.cookie_only
server_stores = pytest.mark.server_stores


def make_app(store_config, **config):
    settings = {"PERMANENT_SESSION_LIFETIME": IDLE, "SESSION_ABSOLUTE_LIFETIME": ABSOLUTE}
    # No clean-up: it compares the files' real times with the stopped clock, years ahead.
    settings["SESSION_CLEANUP_N_REQUESTS"] = 0
    return create_app(
        {"TESTING": True, "SECRET_KEY": SECRET_KEY, **store_config, **settings, **config}
    )


@pytest.fixture
def app(instance, store_config):
    return make_app(store_config)


@pytest.fixture
def clock():
    """This process's clock, stopped at START; clock.move_to(t) sets it."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, seconds):
    """Move the stopped clock to seconds after START."""
    clock.move_to(START + seconds)


def email_shown(visitor):
    """The email the site greets the visitor with, or None: a page that changes nothing."""
    page = visitor.client.get("/get_email").get_data(as_text=True)
    return "ada@example.com" if "Welcome ada@example.com!" in page else None


def facts(visitor):
    return visitor.client.get("/session.json").json


def epoch(iso):
    return datetime.fromisoformat(iso).timestamp()


def record_key(app, visitor):
    return app.session_interface.key_prefix + visitor.client.get_cookie("session").value


def record_ttl(app, key):
    """Seconds the store itself still gives the record under key (None: no such record)."""
    interface = app.session_interface
    if app.config["SESSION_TYPE"] == "redis":
        ttl = interface.client.ttl(key)
        return None if ttl < 0 else ttl
    path = interface.cache._get_filename(key)
    try:
        with open(path, "rb") as file:
            # cachelib's file format: the expiry time as a native unsigned int, then the pickle.
            (expires,) = struct.unpack("I", file.read(4))
    except FileNotFoundError:
        return None
    # An expired file is read as no record, and deleted by the next clean-up.
    return expires - time.time() if expires > time.time() else None


def cookie_expires(visitor):
    """The session cookie's expiry date as epoch seconds, from the response that set it."""
    return visitor.client.get_cookie("session").expires.timestamp()


# The absolute deadline


def test_session_lives_one_second_before_its_absolute_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE - 1)
    assert email_shown(visitor)


def test_session_ends_one_second_after_its_absolute_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE + 1)
    assert email_shown(visitor) is None


@cookie_only
def test_ended_session_says_it_reached_its_maximum_age(app, visitor, clock):
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE + 1)
    assert ENDED in visitor.client.get("/session").get_data(as_text=True)


@server_stores
def test_ended_session_record_is_gone(app, visitor, clock):
    visitor.set_email("ada@example.com")
    key = record_key(app, visitor)
    at(clock, ABSOLUTE + 1)
    visitor.client.get("/get_email")
    assert record_ttl(app, key) is None


def test_a_session_used_all_along_still_ends_at_its_absolute_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    for seconds in range(ABSOLUTE // 4, ABSOLUTE, ABSOLUTE // 4):
        at(clock, seconds)
        assert email_shown(visitor)
    at(clock, ABSOLUTE + 1)
    assert email_shown(visitor) is None


def test_signing_in_again_starts_a_new_absolute_clock(app, visitor, clock):
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE // 2)
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE + 1)
    assert email_shown(visitor)
    at(clock, ABSOLUTE // 2 + ABSOLUTE + 1)
    assert email_shown(visitor) is None


def test_zero_turns_the_absolute_timeout_off(instance, store_config, visitor, clock):
    visitor.client.application = make_app(store_config, SESSION_ABSOLUTE_LIFETIME=0)
    visitor.set_email("ada@example.com", remember=True)
    for seconds in range(IDLE // 2, 10 * IDLE, IDLE // 2):
        at(clock, seconds)
        visitor.client.get("/get_email")
    assert email_shown(visitor)
    assert facts(visitor)["absolute_deadline"] is None


# The idle deadline, where this process's clock decides it (Redis's own TTL decides it there)


@pytest.mark.parametrize("permanent", [False, True], ids=["browser-session", "permanent"])
def test_idle_deadline_is_exact(instance, store_config, visitor, clock, store, permanent):
    if store == "redis":
        pytest.skip("Redis ends the record by its own clock, which time-machine cannot stop")
    # Without refresh, the visit one second before does not start the idle clock again.
    visitor.client.application = make_app(
        store_config, SESSION_ABSOLUTE_LIFETIME=0, SESSION_REFRESH_EACH_REQUEST=False
    )
    visitor.set_email("ada@example.com", remember=permanent)
    deadline = epoch(facts(visitor)["idle_deadline"])
    clock.move_to(deadline - 1)
    assert email_shown(visitor)
    clock.move_to(deadline + 1)
    visitor.client.get("/get_email")
    assert email_shown(visitor) is None


@server_stores
def test_idle_deadline_is_when_the_record_expires(app, visitor, clock):
    visitor.set_email("ada@example.com")
    deadline = epoch(facts(visitor)["idle_deadline"])
    assert deadline == pytest.approx(START + record_ttl(app, record_key(app, visitor)), abs=1)


# The start time, the record's TTL and the cookie's expiry


@cookie_only
def test_a_tampered_start_time_is_refused_by_the_signature(app, visitor, clock):
    visitor.set_email("ada@example.com")
    raw = visitor.client.get_cookie("session").value
    signing = app.session_interface.get_signing_serializer(app)
    data = signing.loads(raw)
    payload = signing.dump_payload({**data, "_started": START + ABSOLUTE}).decode()
    visitor.client.set_cookie("session", payload + raw[raw.index(".", 1) :])
    at(clock, ABSOLUTE + 1)
    assert facts(visitor)["cookie"]["problem"] == "bad signature"
    assert email_shown(visitor) is None


@server_stores
def test_record_ttl_never_outlives_the_absolute_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    at(clock, ABSOLUTE - 10)
    visitor.client.get("/get_email")  # a permanent session's record is written again
    assert 9 <= record_ttl(app, record_key(app, visitor)) <= 10


def test_cookie_expiry_never_outlives_the_absolute_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    at(clock, ABSOLUTE - 10)
    visitor.client.get("/get_email")
    assert cookie_expires(visitor) == START + ABSOLUTE


@pytest.mark.parametrize("interface", [RedisSessionInterface, CacheLibSessionInterface])
def test_flask_session_private_upsert_is_as_stores_py_expects(interface):
    """stores.py gives _upsert_session a shorter lifetime: the TTL tests above would then
    fail only where Flask-Session still calls it; this says why if it stops."""
    parameters = list(inspect.signature(interface._upsert_session).parameters)
    assert parameters == ["self", "session_lifetime", "session", "store_id"]
    assert "self._upsert_session(app.permanent_session_lifetime" in inspect.getsource(
        interface.save_session
    )


# The start time itself


def test_start_is_stamped_when_the_session_is_first_written(app, visitor, clock):
    visitor.set_email("ada@example.com")
    assert visitor.session()["_started"] == START


def test_a_page_that_changes_nothing_writes_no_start(app, visitor, clock):
    response = visitor.client.get("/get_email")
    assert response.headers.getlist("Set-Cookie") == []


def test_fresh_session_keeps_no_start_once_its_message_is_shown(app, visitor, clock):
    visitor.set_email("ada@example.com")
    at(clock, ABSOLUTE + 1)
    visitor.client.get("/get_email")  # ends the session and shows the message
    visitor.client.get("/get_email")
    assert visitor.client.get_cookie("session") is None or not visitor.session()


# Configuration


def test_absolute_lifetime_defaults_to_the_idle_lifetime(monkeypatch, instance):
    monkeypatch.setenv("FLASK_PERMANENT_SESSION_LIFETIME", "3")
    assert create_app().config["SESSION_ABSOLUTE_LIFETIME"] == 3


def test_absolute_lifetime_is_read_in_seconds_from_the_environment(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SESSION_ABSOLUTE_LIFETIME", "7")
    assert create_app().config["SESSION_ABSOLUTE_LIFETIME"] == 7


@pytest.mark.parametrize("value", ["-1", "1.5", "true", "seven", '"7"'])
def test_bad_absolute_lifetime_is_refused_naming_the_variable(monkeypatch, instance, value):
    monkeypatch.setenv("FLASK_SESSION_ABSOLUTE_LIFETIME", value)
    with pytest.raises(RuntimeError, match="FLASK_SESSION_ABSOLUTE_LIFETIME is .*whole number"):
        create_app()


# What the inspector says


@cookie_only
def test_session_json_gives_both_deadlines(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    at(clock, 10)
    shown = facts(visitor)
    assert epoch(shown["absolute_deadline"]) == START + ABSOLUTE
    assert epoch(shown["idle_deadline"]) == START + 10 + IDLE


@server_stores
def test_session_json_gives_the_records_end_as_its_idle_deadline(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    at(clock, 10)
    # The record's TTL, given again by this request, stops at the absolute deadline.
    assert epoch(facts(visitor)["idle_deadline"]) == START + ABSOLUTE


def test_inspector_says_the_idle_timeout_ends_an_unused_session_first(
    instance, store_config, visitor, clock
):
    visitor.client.application = make_app(store_config, SESSION_ABSOLUTE_LIFETIME=10 * IDLE)
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    assert 'data-testid="ends-first">the idle timeout<' in page


def test_inspector_says_the_absolute_timeout_ends_a_session_in_use_first(app, visitor, clock):
    visitor.set_email("ada@example.com", remember=True)
    at(clock, ABSOLUTE - 10)
    page = visitor.client.get("/session").get_data(as_text=True)
    assert 'data-testid="ends-first">the absolute timeout<' in page
    assert '<time datetime="2030-01-01T12:01:00.000+00:00">' in page


def test_inspector_counts_down_with_a_script_of_the_site(app, visitor, clock):
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    assert '<script src="/static/clocks.js" defer></script>' in page
    assert visitor.client.get("/static/clocks.js").status_code == 200
