"""Where sessions live: what differs between the signed cookie and the server stores."""

import os
import pickle
import time

import pytest
from cachelib.file import FileSystemCache
from conftest import SECRET_KEY, Visitor

from sessionlab import create_app, launch

server_stores = pytest.mark.server_stores


def copy_of_cookie(visitor):
    """Another visitor holding a copy of visitor's session cookie, as a thief would."""
    thief = Visitor(visitor.client.application.test_client())
    thief.client.set_cookie("session", visitor.client.get_cookie("session").value)
    return thief


def email_seen_by(visitor):
    return visitor.client.get("/session.json").json["data"].get("email")


def test_unknown_store_is_refused_naming_the_setting_and_the_choices(instance):
    with pytest.raises(RuntimeError, match="FLASK_SESSION_TYPE is 'memcached'") as refusal:
        create_app({"SECRET_KEY": SECRET_KEY, "SESSION_TYPE": "memcached"})
    assert "cookie, redis, cachelib" in str(refusal.value)


def test_store_is_read_from_the_environment(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SESSION_TYPE", "cachelib")
    assert create_app({"SECRET_KEY": SECRET_KEY}).config["SESSION_TYPE"] == "cachelib"


def test_cookie_is_the_default_store(instance):
    app = create_app({"SECRET_KEY": SECRET_KEY})
    assert app.test_client().get("/session.json").json["store"] == "cookie"


def test_home_page_says_which_store_holds_the_session(client, store):
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="state-store"' in page
    assert {"cookie": "signed cookie", "redis": "Redis", "cachelib": "Files"}[store] in page


@server_stores
def test_server_store_keeps_the_email_out_of_the_cookie(visitor):
    visitor.set_email("ada@example.com")
    raw = visitor.client.get_cookie("session").value
    assert "ada" not in raw
    assert "." not in raw  # no payload or signature part: only the id


@server_stores
def test_copied_cookie_gets_an_empty_session_after_clear(visitor):
    visitor.set_email("ada@example.com")
    thief = copy_of_cookie(visitor)
    assert email_seen_by(thief) == "ada@example.com"
    visitor.post("/session/clear")
    assert email_seen_by(thief) is None


@server_stores
def test_copied_cookie_gets_an_empty_session_after_delete_email(visitor):
    visitor.set_email("ada@example.com")
    thief = copy_of_cookie(visitor)
    visitor.client.get("/delete_email")
    assert email_seen_by(thief) is None


@pytest.mark.cookie_only
def test_copied_signed_cookie_still_works_after_clear(visitor):
    """The known limit of signed cookies: the server keeps no list of ended sessions."""
    visitor.set_email("ada@example.com")
    thief = copy_of_cookie(visitor)
    visitor.post("/session/clear")
    assert email_seen_by(visitor) is None
    assert email_seen_by(thief) == "ada@example.com"


@server_stores
def test_setting_an_email_issues_a_new_session_id(visitor):
    visitor.client.get("/set_email")  # the form's CSRF token starts a session
    before = visitor.client.get_cookie("session").value
    visitor.set_email("ada@example.com")
    assert visitor.client.get_cookie("session").value != before


@server_stores
def test_the_id_from_before_the_email_holds_nothing(visitor):
    visitor.client.get("/set_email")
    planted = copy_of_cookie(visitor)
    visitor.set_email("ada@example.com")
    assert planted.client.get("/session.json").json["record"] is None


@server_stores
def test_session_lives_the_same_after_a_new_id(visitor):
    visitor.add_to_cart("mug", 2)
    visitor.set_email("ada@example.com")
    assert visitor.session()["cart"] == {"mug": 2}


@server_stores
def test_record_ttl_is_not_above_the_lifetime(visitor):
    visitor.client.application.permanent_session_lifetime = 60
    visitor.set_email("ada@example.com")
    assert 0 < visitor.client.get("/session.json").json["record"]["ttl_seconds"] <= 60


def record_writes(app, command="set"):
    """How many SET (or other) commands the session's Redis has run so far."""
    stats = app.session_interface.client.info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


@pytest.mark.redis_only
def test_reading_a_page_leaves_the_record_unwritten(app, visitor):
    visitor.set_email("ada@example.com")
    before = record_writes(app)
    assert visitor.client.get("/get_email").status_code == 200
    assert record_writes(app) == before


@pytest.mark.redis_only
def test_reading_a_page_renews_a_permanent_records_expiry_only(app, visitor):
    """Only its TTL: writing back the record it read would undo a concurrent change."""
    visitor.set_email("ada@example.com", remember=True)
    before = record_writes(app), record_writes(app, "expire")
    assert visitor.client.get("/get_email").status_code == 200
    assert (record_writes(app), record_writes(app, "expire")) == (before[0], before[1] + 1)


@server_stores
def test_record_over_its_bound_is_refused_with_the_carts_message(app, visitor):
    visitor.set_email("ada@example.com")
    app.config["SESSION_MAX_RECORD_SIZE"] = 250
    response = visitor.add_to_cart("mug", 1)
    assert response.status_code == 400
    assert "Your cart is full: the session has no room for more." in response.get_data(as_text=True)
    assert "cart" not in visitor.session()


def cachelib_app(**config):
    """An app on the cachelib store, with a lifetime of a minute."""
    return create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SESSION_TYPE": "cachelib",
            "PERMANENT_SESSION_LIFETIME": 60,
            **config,
        }
    )


def written_ago(folder, seconds):
    """Make every file in folder look last written seconds ago."""
    for file in folder.iterdir():
        then = time.time() - seconds
        os.utime(file, (then, then))


def test_cachelib_deletes_records_written_longer_ago_than_the_lifetime(instance):
    app = cachelib_app(SESSION_CLEANUP_N_REQUESTS=1)
    Visitor(app.test_client()).set_email("ada@example.com")
    written_ago(instance / "sessions", 61)
    app.test_client().get("/")  # another visitor's request runs the clean-up
    assert os.listdir(instance / "sessions") == []


def test_cachelib_clean_up_keeps_records_written_within_the_lifetime(instance):
    app = cachelib_app(SESSION_CLEANUP_N_REQUESTS=1)
    visitor = Visitor(app.test_client())
    visitor.set_email("ada@example.com")
    written_ago(instance / "sessions", 59)
    app.test_client().get("/")
    assert email_seen_by(visitor) == "ada@example.com"


def test_cachelib_store_is_at_the_sessions_folder_of_the_instance(instance):
    page = cachelib_app().test_client().get("/session").get_data(as_text=True)
    assert f"<code>{instance}/sessions</code>" in page


def test_cachelib_record_size_is_its_pickled_session(instance):
    visitor = Visitor(cachelib_app().test_client())
    visitor.set_email("ada@example.com")
    record = visitor.client.get("/session.json").json["record"]
    assert record["size"] == len(pickle.dumps(record["data"], pickle.HIGHEST_PROTOCOL))


def test_cachelib_page_says_the_record_file_holds_more_than_its_size(instance):
    visitor = Visitor(cachelib_app().test_client())
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    size = visitor.client.get("/session.json").json["record"]["size"]
    [file] = (instance / "sessions").iterdir()
    assert file.stat().st_size > size
    assert "(the pickled session; its file adds a few bytes saying when it expires)" in page


def test_cachelib_file_without_our_expiry_reads_as_no_session(instance):
    """A file written before the store kept expiries with its values: an empty session."""
    app = cachelib_app()
    plain = FileSystemCache(str(instance / "sessions"), threshold=0)
    plain.set(app.session_interface.key_prefix + "old-id", {"email": "ada@example.com"}, 60)
    client = app.test_client()
    client.set_cookie("session", "old-id")
    assert client.get("/session.json").json["data"] == {}


@server_stores
def test_server_store_sessions_survive_a_key_rotation_without_fallback(visitor, store_config):
    """The id is not signed: the key signs only the forms' CSRF tokens on a server store."""
    visitor.set_email("ada@example.com")
    rotated = create_app({"SECRET_KEY": "rotated-" + SECRET_KEY, **store_config}).test_client()
    rotated.set_cookie("session", visitor.client.get_cookie("session").value)
    assert "Welcome ada@example.com!" in rotated.get("/get_email").get_data(as_text=True)


@pytest.fixture
def dying_redis(tmp_path):
    """A Redis of this test's own, which the test may kill and start again."""
    with launch.redis_server(tmp_path / "redis", persistent=True) as server:
        yield server


@pytest.fixture
def redis_visitor(instance, dying_redis):
    app = create_app(
        {"SECRET_KEY": SECRET_KEY, "SESSION_TYPE": "redis", "REDIS_URL": dying_redis.url}
    )
    return Visitor(app.test_client())


def test_redis_down_gives_a_styled_503_within_a_second(redis_visitor, dying_redis):
    redis_visitor.set_email("ada@example.com")
    dying_redis.kill()
    started = time.monotonic()
    response = redis_visitor.client.get("/get_email")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "The session store is unavailable" in response.get_data(as_text=True)


def test_redis_down_is_logged_with_the_reason(redis_visitor, dying_redis, caplog):
    redis_visitor.set_email("ada@example.com")
    dying_redis.kill()
    redis_visitor.client.get("/")
    assert "Session store unreachable: Error 111 connecting to" in caplog.text


def test_site_recovers_with_the_session_when_redis_is_back(redis_visitor, dying_redis):
    redis_visitor.set_email("ada@example.com")
    dying_redis.stop()
    assert redis_visitor.client.get("/get_email").status_code == 503
    dying_redis.start()
    page = redis_visitor.client.get("/get_email").get_data(as_text=True)
    assert "Welcome ada@example.com!" in page
