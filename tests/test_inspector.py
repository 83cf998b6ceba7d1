import copy
import html
import json
import re

import pytest

cookie_only = pytest.mark.cookie_only
server_stores = pytest.mark.server_stores
# The session's data as the inspector shows it: the cookie's payload or the server's record.
SHOWN_DATA = re.compile(r'<pre data-testid="(?:payload|record)"><code>(.*?)</code></pre>', re.S)


def test_inspector_says_when_no_cookie_was_sent(client):
    assert 'data-testid="no-cookie"' in client.get("/session").get_data(as_text=True)


def test_inspector_says_where_the_session_lives(client, store):
    page = client.get("/session").get_data(as_text=True)
    expected = {
        "cookie": "The signed cookie, in your browser",
        "redis": "Redis, on the server (Flask-Session)",
        "cachelib": "Files on the server (Flask-Session with CacheLib)",
    }
    assert expected[store] in page


def test_session_json_names_the_store(client, store):
    assert client.get("/session.json").json["store"] == store


def test_session_json_shows_the_data_as_the_server_reads_it(visitor):
    visitor.set_email("ada@example.com")
    assert visitor.client.get("/session.json").json["data"]["email"] == "ada@example.com"


@cookie_only
def test_inspector_shows_the_decoded_payload(visitor):
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    assert '"email": "ada@example.com"' in page
    assert "signed, not encrypted" in page


def test_inspector_shows_the_data_as_flask_writes_json(visitor, app):
    # A French flash waits in the session: text outside ASCII, which Flask escapes.
    visitor.post(
        "/preferences",
        {"language": "fr", "currency": "EUR", "theme": "dark"},
        page="/preferences",
        follow_redirects=False,
    )
    page = visitor.client.get("/session").get_data(as_text=True)
    shown = html.unescape(SHOWN_DATA.search(page).group(1))
    assert "\\u00e9" in shown
    assert shown == app.json.dumps(json.loads(shown), indent=2)


@cookie_only
def test_session_json_takes_the_cookie_apart(visitor):
    visitor.set_email("ada@example.com")
    cookie = visitor.client.get("/session.json").json["cookie"]
    payload, timestamp, signature = cookie["raw"].rsplit(".", 2)
    assert cookie["payload"]["email"] == "ada@example.com"
    assert (cookie["payload_part"], cookie["timestamp_part"]) == (payload, timestamp)
    assert cookie["signature_part"] == signature
    assert cookie["limit"] == 4093
    assert cookie["size"] == len("session=") + len(cookie["raw"])


@cookie_only
def test_session_json_reports_the_expiry_the_server_enforces(visitor):
    visitor.set_email("ada@example.com")
    cookie = visitor.client.get("/session.json").json["cookie"]
    assert cookie["valid"] is True
    assert cookie["lifetime_seconds"] == 31 * 24 * 3600
    assert cookie["server_accepts_until"] > cookie["signed_at"]


@server_stores
def test_server_store_cookie_holds_only_an_id(visitor):
    visitor.set_email("ada@example.com")
    cookie = visitor.client.get("/session.json").json["cookie"]
    assert cookie["carries_data"] is False
    assert cookie["id_length"] == len(cookie["raw"]) == 43
    assert "ada" not in cookie["raw"]


@server_stores
def test_server_store_shows_the_decoded_record(visitor):
    visitor.set_email("ada@example.com")
    page = visitor.client.get("/session").get_data(as_text=True)
    assert '"email": "ada@example.com"' in page
    assert "What the server holds" in page


@server_stores
def test_server_store_record_lives_no_longer_than_the_lifetime(visitor):
    visitor.set_email("ada@example.com")
    record = visitor.client.get("/session.json").json["record"]
    assert 0 < record["ttl_seconds"] <= 31 * 24 * 3600
    assert record["size"] > 0


@server_stores
def test_server_store_inspector_explains_an_unknown_id(client):
    client.set_cookie("session", "made-up-id-0123456789abcdefghijklmnopqrstu")
    page = client.get("/session").get_data(as_text=True)
    assert "The server holds nothing for this id" in page


def test_permanent_on_makes_the_session_permanent(visitor):
    visitor.post("/session/permanent", {"permanent": "on"})
    assert visitor.client.get("/session.json").json["permanent"] is True


def test_permanent_off_makes_it_end_with_the_browser(visitor):
    visitor.set_email("ada@example.com", remember=True)
    visitor.post("/session/permanent", {"permanent": "off"})
    assert visitor.client.get_cookie("session").expires is None


def test_permanent_with_another_value_is_refused(visitor):
    visitor.set_email("ada@example.com")
    before = visitor.session()
    response = visitor.post("/session/permanent", {"permanent": "forever"})
    assert response.status_code == 400
    assert "Choose on or off." in response.get_data(as_text=True)
    assert visitor.session() == before


def test_clear_empties_the_session(visitor):
    visitor.set_email("ada@example.com")
    visitor.post("/session/clear")
    assert "email" not in visitor.session()


def test_clear_forgets_remember_me(visitor):
    visitor.set_email("ada@example.com", remember=True)
    visitor.post("/session/clear")
    assert visitor.client.get("/session.json").json["permanent"] is False
    assert visitor.client.get_cookie("session").expires is None


@cookie_only
def test_tampered_cookie_gives_a_fresh_session(visitor):
    visitor.set_email("ada@example.com")
    payload, timestamp, signature = visitor.client.get_cookie("session").value.rsplit(".", 2)
    visitor.client.set_cookie("session", f"{payload}x.{timestamp}.{signature}")
    response = visitor.client.get("/get_email")
    assert response.status_code == 200
    assert "Please enter your email" in response.get_data(as_text=True)


@server_stores
def test_altered_session_id_gives_a_fresh_session(visitor):
    visitor.set_email("ada@example.com")
    visitor.client.set_cookie("session", visitor.client.get_cookie("session").value[:-1] + "x")
    response = visitor.client.get("/get_email")
    assert response.status_code == 200
    assert "Please enter your email" in response.get_data(as_text=True)


@cookie_only
def test_inspector_explains_a_refused_cookie(client):
    client.set_cookie("session", "eyJlbWFpbCI6ImV2ZUBleGFtcGxlLmNvbSJ9.aaaaaa.forged")
    page = client.get("/session").get_data(as_text=True)
    assert "The server refuses this cookie (bad signature)" in page


@cookie_only
def test_inspector_explains_an_expired_cookie(app, client):
    signing = copy.copy(app.session_interface.get_signing_serializer(app))
    signing.signer = type("SignedIn1970", (signing.signer,), {"get_timestamp": lambda self: 0})
    client.set_cookie("session", signing.dumps({"email": "ada@example.com"}))
    page = client.get("/session").get_data(as_text=True)
    assert "The server refuses this cookie (expired)" in page


def test_inspector_says_what_a_copied_cookie_can_do_after_clear(client, store):
    page = client.get("/session").get_data(as_text=True)
    if store == "cookie":
        assert "is still accepted until its signature is older than the lifetime" in page
    else:
        assert "a copy of the old cookie, made before, now gets an empty session" in page
