"""gunicorn serving HTTPS with a throw-away certificate, as the e2e suite and the demo do."""

import ssl
import urllib.error
import urllib.request

import pytest

from sessionlab.launch import gunicorn, throwaway_certificate

KEY = {"FLASK_SECRET_KEY": "tls-test-key-0123456789abcdef0123456789"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return throwaway_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def https_server(certificate, tmp_path_factory):
    """The site over HTTPS with Secure cookies, as README's "Behind HTTPS" says."""
    env = {
        **KEY,
        "FLASK_SESSION_COOKIE_SECURE": "true",
        "SESSIONLAB_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
    }
    with gunicorn(env=env, workers=1, certificate=certificate) as server:
        yield server


def test_server_url_is_https(https_server):
    assert https_server.url.startswith("https://127.0.0.1:")


def test_client_trusting_the_ca_gets_secure_cookie_and_hsts(https_server, certificate):
    context = certificate.ssl_context()
    with urllib.request.urlopen(f"{https_server.url}/set_email", context=context) as response:
        assert "Secure" in response.headers["Set-Cookie"]
        assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_client_with_only_the_system_cas_refuses_the_certificate(https_server):
    with pytest.raises(urllib.error.URLError) as refused:
        urllib.request.urlopen(https_server.url, context=ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
