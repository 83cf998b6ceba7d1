"""Over HTTPS the session cookie is Secure: it goes back to the HTTPS site, not over plain HTTP."""

import pytest
from playwright.sync_api import expect

from sessionlab.launch import throwaway_certificate

from . import browsers
from .actions import sent_data, sent_session, set_email
from .attacks_session import aimed_at, attempt_cookie_attributes
from .cookies import session_cookie

# The suite's browsers map this name to 127.0.0.1 (browsers.with_named_host): over plain
# HTTP they count 127.0.0.1 itself as secure, and would send a Secure cookie there.
HOST = browsers.NAMED_HOST


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Contexts that accept the throw-away certificate."""
    # A browser also ignores Strict-Transport-Security from a certificate it does not trust,
    # so the plain-HTTP server on the same host is not upgraded to HTTPS behind the test's back.
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture(scope="session")
def https_server(servers, store, tmp_path_factory):
    """The site over HTTPS with Secure cookies, as README's "Behind HTTPS" configures it."""
    certificate = throwaway_certificate(tmp_path_factory.mktemp("tls"))
    return servers.get("https", store, certificate=certificate, SESSION_COOKIE_SECURE=True)


def on_named_host(server):
    """The server's URL with the browser's name for 127.0.0.1."""
    return server.url.replace("127.0.0.1", HOST)


@pytest.fixture(scope="module")
def cookie_attributes(shared_contexts, attacker, https_server):
    """Attack 9 (WSTG-SESS-02): the HTTPS site's session cookie, as set and as kept."""
    with shared_contexts(1) as (context,):
        yield attempt_cookie_attributes(context, aimed_at(attacker, https_server.url))


def test_session_cookie_is_host_secure_httponly_lax_as_the_server_sets_it(cookie_attributes):
    """Set-Cookie: __Host-session=…; Secure; HttpOnly; Path=/; SameSite=Lax, no Domain."""
    assert cookie_attributes.seen["set-cookie"].startswith("__Host-session=")
    assert cookie_attributes.seen["header problems"] == []


def test_session_cookie_is_host_secure_httponly_lax_as_the_browser_keeps_it(cookie_attributes):
    """The browser took the __Host- cookie, for this host alone."""
    assert cookie_attributes.seen["kept problems"] == []


def test_attackers_page_finds_the_cookie_as_it_should_be(cookie_attributes):
    assert cookie_attributes.seen["attacker's verdict"].startswith("As it should be")
    assert cookie_attributes.stopped, cookie_attributes.what_happened


def test_secure_cookie_goes_back_over_https(page, https_server):
    """The HTTPS site receives the cookie it set: the session holds."""
    set_email(page, "ada@example.com", base=on_named_host(https_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome ada@example.com!")
    assert sent_data(page)["email"] == "ada@example.com"


def test_plain_http_on_another_port_receives_no_session_cookie(page, https_server, server):
    """Cookies ignore ports, but a Secure one stays off plain HTTP to the very same host."""
    set_email(page, "ada@example.com", base=on_named_host(https_server))
    assert session_cookie(page.context)["domain"] == HOST

    page.goto(f"{on_named_host(server)}/get_email")
    assert page.url.startswith("http://")
    expect(page.get_by_test_id("header-email")).to_have_text("No email in this session")
    assert sent_session(page)["cookie"] is None


@pytest.mark.one_store  # headers every response carries, whatever keeps the session
def test_https_responses_carry_hsts_and_the_security_headers(page, https_server):
    """Strict-Transport-Security for a year with subdomains, and the headers of every response."""
    headers = page.goto(f"{on_named_host(https_server)}/").headers
    assert headers["strict-transport-security"] == "max-age=31556926; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "default-src 'self'" in headers["content-security-policy"]
