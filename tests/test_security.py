"""Security headers on every response, and the refusal to run with a weak secret key."""

import html
import http.client
import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SECRET_KEY, Visitor

from sessionlab import create_app
from sessionlab.errors import CSRF_MESSAGE
from sessionlab.forms import CSRF_FIELD
from sessionlab.launch import gunicorn

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGES = [
    "/",
    "/set_email",
    "/get_email",
    "/delete_email",
    "/session",
    "/session.json",
    "/products",
    "/cart",
    "/preferences",
    "/no-such-page",
    "/static/no-such-file.css",
]
OLD_KEY = "old-security-test-key-0123456789abcdef"
STRONG_KEY = "strong-security-test-key-0123456789abcdef"
PROXIED_KEY = "proxied-security-test-key-0123456789abcdef"


def csp(response):
    """The Content-Security-Policy header as {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", PAGES)
def test_csp_allows_only_the_sites_own_sources(client, path):
    policy = csp(client.get(path))
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert all("unsafe" not in sources and "*" not in sources for sources in policy.values())


def test_csp_forbids_being_framed_and_posting_elsewhere(client):
    policy = csp(client.get("/"))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"


# A script of the site's own static files (src=) is allowed; one written into the page is not.
@pytest.mark.parametrize("name", [r"<script(?![^>]*\ssrc=)", "<style", " style=", " on[a-z]+="])
def test_templates_need_no_inline_script_or_style(name):
    for template in TEMPLATES.rglob("*.html"):
        assert not re.search(name, template.read_text()), template


@pytest.mark.parametrize("path", [*PAGES, "/static/style.css"])
def test_every_response_forbids_type_sniffing_and_framing(client, path):
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_pages_built_from_the_session_are_never_stored(client, path):
    response = client.get(path)
    assert response.cache_control.no_store
    assert "Cookie" in response.vary


def test_redirect_after_a_form_is_never_stored(visitor):
    response = visitor.set_email("ada@example.com")
    assert response.history[0].cache_control.no_store
    assert "Cookie" in response.history[0].vary


def test_static_files_may_be_cached(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert not response.cache_control.no_store
    assert "Cookie" not in response.vary


def test_plain_http_is_served_when_cookies_are_not_secure(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_cookie_is_not_secure_unless_configured(visitor):
    response = visitor.set_email("ada@example.com")
    assert "Secure" not in visitor.cookie_header(response.history[0])


def production_app(monkeypatch, tmp_path, **config):
    """Create the app outside debug and testing, with no key from the environment."""
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_SECRET_KEY_FALLBACKS", raising=False)
    monkeypatch.setenv("SESSIONLAB_INSTANCE_PATH", str(tmp_path))
    return create_app({"DEBUG": False, "TESTING": False, **config})


def secure_client(tmp_path, monkeypatch):
    """A test client for an app configured for HTTPS (SESSION_COOKIE_SECURE)."""
    app = production_app(monkeypatch, tmp_path, SECRET_KEY=SECRET_KEY, SESSION_COOKIE_SECURE=True)
    return app.test_client()


def test_secure_setting_redirects_plain_http_to_https(tmp_path, monkeypatch):
    response = secure_client(tmp_path, monkeypatch).get("/get_email")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/get_email"


def test_secure_setting_sends_hsts_and_secure_cookies_over_https(tmp_path, monkeypatch):
    response = secure_client(tmp_path, monkeypatch).get("/set_email", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]


def send(server, path, method="GET", headers=None, body=None):
    """Send one request to server over plain HTTP; its response and page."""
    address = urllib.parse.urlsplit(server.url)
    # http.client follows no redirect, and sends a Secure cookie over plain HTTP as a proxy does.
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def as_proxied_https(server, path, method="GET", headers=None, body=None):
    """Send a request as a TLS proxy passes one on: plain HTTP saying X-Forwarded-Proto: https."""
    return send(server, path, method, {"X-Forwarded-Proto": "https", **(headers or {})}, body)


@contextmanager
def https_behind_a_proxy(tmp_path_factory, **env):
    """gunicorn serving plain HTTP to a TLS proxy, with Secure cookies, and env added."""
    env = {
        "FLASK_SECRET_KEY": PROXIED_KEY,
        "FLASK_SESSION_COOKIE_SECURE": "true",
        "SESSIONLAB_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        **env,
    }
    with pytest.MonkeyPatch.context() as patch:
        # Whom gunicorn trusts is the test's choice, not the shell's.
        patch.delenv("FORWARDED_ALLOW_IPS", raising=False)
        with gunicorn(env=env, workers=1) as server:
            yield server


@pytest.fixture(scope="module")
def untrusted_peer(tmp_path_factory):
    """The site trusting only a proxy at 127.0.0.2: the tests, from 127.0.0.1, are not it."""
    with https_behind_a_proxy(tmp_path_factory, FORWARDED_ALLOW_IPS="127.0.0.2") as server:
        yield server


@pytest.fixture(scope="module")
def trusted_proxy(tmp_path_factory):
    """The site with gunicorn's default trust, 127.0.0.1: the tests act as its proxy."""
    with https_behind_a_proxy(tmp_path_factory) as server:
        yield server


def set_email_as_proxied_https(server, headers=None):
    """Post /set_email with the form's valid CSRF token and session cookie, and headers."""
    response, form = as_proxied_https(server, "/set_email")
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = CSRF_FIELD.search(form).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email_address": "ada@example.com"})
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        **(headers or {}),
    }
    return as_proxied_https(server, "/set_email", "POST", headers, body)


def test_untrusted_peer_saying_https_is_redirected_to_https(untrusted_peer):
    response, _ = as_proxied_https(untrusted_peer, "/get_email")
    assert response.status == 302
    https_url = untrusted_peer.url.replace("http://", "https://", 1)
    assert response.headers["Location"] == f"{https_url}/get_email"


def test_untrusted_peer_saying_https_gets_no_hsts(untrusted_peer):
    response, _ = as_proxied_https(untrusted_peer, "/get_email")
    assert "Strict-Transport-Security" not in response.headers


def test_trusted_proxy_saying_https_is_served(trusted_proxy):
    response, _ = as_proxied_https(trusted_proxy, "/get_email")
    assert response.status == 200


def test_trusted_proxy_saying_https_gets_hsts(trusted_proxy):
    response, _ = as_proxied_https(trusted_proxy, "/get_email")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_form_through_the_trusted_proxy_without_a_referer_is_refused(trusted_proxy):
    # Over HTTPS Flask-WTF also wants a same-site Referer, which the token alone cannot replace.
    response, page = set_email_as_proxied_https(trusted_proxy)
    assert response.status == 400
    assert str(CSRF_MESSAGE) in html.unescape(page)


def test_form_through_the_trusted_proxy_from_the_sites_own_page_is_accepted(trusted_proxy):
    https_url = trusted_proxy.url.replace("http://", "https://", 1)
    response, _ = set_email_as_proxied_https(trusted_proxy, {"Referer": f"{https_url}/set_email"})
    assert response.status == 302


def test_configured_samesite_is_kept(tmp_path, monkeypatch):
    app = production_app(
        monkeypatch, tmp_path, SECRET_KEY=SECRET_KEY, SESSION_COOKIE_SAMESITE="Strict"
    )
    assert "SameSite=Strict" in app.test_client().get("/set_email").headers["Set-Cookie"]


def test_form_loaded_before_a_key_rotation_is_accepted_after_it(
    tmp_path, monkeypatch, store_config
):
    client = production_app(monkeypatch, tmp_path, SECRET_KEY=OLD_KEY, **store_config).test_client()
    token = Visitor(client).token()
    rotated = production_app(
        monkeypatch, tmp_path, SECRET_KEY=STRONG_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY], **store_config
    )
    browser = rotated.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    response = browser.post("/set_email", data={"csrf_token": token, "email_address": "a@b.co"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "key",
    [
        "BAD_SECRET_KEY",
        "dev",
        "changeme",
        b'_5#y2L"F4Q8z\n\xec]/',
        "192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf",
    ],
)
def test_well_known_sample_keys_are_refused(monkeypatch, tmp_path, key):
    with pytest.raises(RuntimeError, match="well-known sample key"):
        production_app(monkeypatch, tmp_path, SECRET_KEY=key)


def test_the_articles_key_from_the_environment_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSIONLAB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_SECRET_KEY", "BAD_SECRET_KEY")
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY is a well-known sample key"):
        create_app({"DEBUG": False, "TESTING": False})


def test_key_shorter_than_32_bytes_is_refused(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match="is 31 bytes long; it needs at least 32"):
        production_app(monkeypatch, tmp_path, SECRET_KEY="k" * 31)


def test_key_of_32_bytes_is_accepted(monkeypatch, tmp_path):
    assert production_app(monkeypatch, tmp_path, SECRET_KEY="k" * 32).secret_key == "k" * 32


def test_refusal_says_how_to_make_a_good_key(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match=r"Set FLASK_SECRET_KEY .*secrets\.token_hex\(32\)"):
        production_app(monkeypatch, tmp_path, SECRET_KEY="dev")


def test_weak_fallback_key_is_refused(monkeypatch, tmp_path):
    with pytest.raises(RuntimeError, match=r"FLASK_SECRET_KEY_FALLBACKS\[1\] is a well-known"):
        production_app(
            monkeypatch, tmp_path, SECRET_KEY=STRONG_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY, "dev"]
        )


def test_fallback_keys_that_are_not_a_json_list_are_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SESSIONLAB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FLASK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("FLASK_SECRET_KEY_FALLBACKS", OLD_KEY)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY_FALLBACKS is not a JSON list"):
        create_app({"DEBUG": False, "TESTING": False})


def test_missing_key_with_an_unwritable_instance_folder_is_refused(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # Even root cannot make a folder inside a file.
    with pytest.raises(RuntimeError, match=r"FLASK_SECRET_KEY is not set .*secrets\.token_hex"):
        production_app(monkeypatch, blocker / "instance")


def test_generated_key_is_accepted(monkeypatch, tmp_path):
    assert len(production_app(monkeypatch, tmp_path).secret_key) == 64


@pytest.mark.parametrize("mode", ["DEBUG", "TESTING"])
def test_weak_key_only_warns_in_debug_mode_and_tests(monkeypatch, tmp_path, caplog, mode):
    app = production_app(monkeypatch, tmp_path, SECRET_KEY="dev", **{mode: True})
    assert app.secret_key == "dev"
    assert "FLASK_SECRET_KEY is a well-known sample key" in caplog.text


def test_gunicorn_refuses_to_start_with_the_articles_key(tmp_path):
    env = {"FLASK_SECRET_KEY": "BAD_SECRET_KEY", "SESSIONLAB_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(RuntimeError, match="well-known sample key"), gunicorn(env=env, workers=1):
        pass
