import os
import stat
from datetime import timedelta

import pytest
from conftest import SECRET_KEY

from sessionlab import create_app

OLD_KEY = "old-secret-key-0123456789abcdef0123456"
NEW_KEY = "new-secret-key-0123456789abcdef0123456"
HTTPS = "https://localhost"


def test_session_cookie_is_httponly_lax_and_site_wide(visitor):
    response = visitor.post("/set_email", {"email_address": "a@b.co"}, follow_redirects=False)
    header = visitor.cookie_header(response)
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Secure" not in header


def test_secure_cookie_is_set_from_the_environment(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "true")
    assert create_app().config["SESSION_COOKIE_SECURE"] is True


def test_lifetime_is_read_in_seconds_from_the_environment(monkeypatch, instance):
    monkeypatch.setenv("FLASK_PERMANENT_SESSION_LIFETIME", "3")
    assert create_app().permanent_session_lifetime == timedelta(seconds=3)


def test_secret_key_from_the_environment_wins(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SECRET_KEY", NEW_KEY)
    assert create_app().secret_key == NEW_KEY
    assert not (instance / "secret_key").exists()


def test_generated_key_is_kept_private_in_the_instance_folder(instance):
    key = create_app().secret_key
    key_file = instance / "secret_key"
    assert key_file.read_text() == key
    assert len(key) >= 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_generated_key_is_shared_by_every_later_app(instance):
    assert create_app().secret_key == create_app().secret_key


def client_with_email_signed_by(key, fallbacks=None):
    """A client holding a cookie signed with key, for an app that uses NEW_KEY."""
    old_app = create_app({"SECRET_KEY": key})
    with old_app.test_request_context():
        cookie = old_app.session_interface.get_signing_serializer(old_app).dumps(
            {"email": "ada@example.com"}
        )
    new_app = create_app({"SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": fallbacks or []})
    client = new_app.test_client()
    client.set_cookie("session", cookie)
    return client


def test_rotated_key_keeps_sessions_signed_with_a_fallback(instance):
    client = client_with_email_signed_by(OLD_KEY, fallbacks=[OLD_KEY])
    assert "Welcome ada@example.com!" in client.get("/get_email").get_data(as_text=True)


def test_rotated_key_without_fallback_gives_a_fresh_session(instance):
    client = client_with_email_signed_by(OLD_KEY)
    response = client.get("/get_email")
    assert response.status_code == 200
    assert "Please enter your email" in response.get_data(as_text=True)


def test_fallback_keys_are_read_as_a_json_list(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SECRET_KEY_FALLBACKS", f'["{OLD_KEY}"]')
    assert create_app().config["SECRET_KEY_FALLBACKS"] == [OLD_KEY]


def test_cookie_is_named_session_over_plain_http(instance):
    assert create_app().config["SESSION_COOKIE_NAME"] == "session"


def test_secure_cookie_is_named_host_session(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "true")
    assert create_app().config["SESSION_COOKIE_NAME"] == "__Host-session"


def test_cookie_name_from_the_environment_wins_over_https(monkeypatch, instance):
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("FLASK_SESSION_COOKIE_NAME", "sid")
    assert create_app().config["SESSION_COOKIE_NAME"] == "sid"


def test_every_store_keeps_the_session_in_the_host_session_cookie(instance, store_config):
    """Flask's cookie and Flask-Session's stores alike set, and read back, __Host-session."""
    config = {"SECRET_KEY": SECRET_KEY, "SESSION_COOKIE_SECURE": True, **store_config}
    client = create_app(config).test_client()
    # The form's CSRF token starts a session.
    header = client.get("/set_email", base_url=HTTPS).headers["Set-Cookie"]
    assert header.startswith("__Host-session=")
    assert "Domain" not in header
    assert "csrf_token" in client.get("/session.json", base_url=HTTPS).json["data"]


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({}, "FLASK_SESSION_COOKIE_SECURE is false"),
        (
            {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_DOMAIN": "example.com"},
            "FLASK_SESSION_COOKIE_DOMAIN is set",
        ),
        (
            {"SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_PATH": "/shop"},
            "FLASK_SESSION_COOKIE_PATH is '/shop'",
        ),
    ],
    ids=["not-secure", "domain", "path"],
)
def test_host_prefixed_name_the_browser_would_drop_is_refused(instance, config, problem):
    with pytest.raises(RuntimeError, match=f"'__Host-sid', but {problem}: browsers drop"):
        create_app({"SESSION_COOKIE_NAME": "__Host-sid", **config})
