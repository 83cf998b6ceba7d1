"""The sites the demo plays on: one it starts for each store, or the one given with --url."""

import secrets
import tempfile
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from sessionlab.launch import gunicorn, redis_server, throwaway_certificate

from .cookies import session_facts


@dataclass(frozen=True)
class Site:
    url: str
    key: str | None  # the server's secret key; None when unknown (--url)
    store: str  # where the server keeps sessions, as it says: "cookie", "redis", "cachelib"
    location: str | None  # the server store's address; None for the cookie
    lifetime: int  # seconds, as the server says
    started: bool  # started by the demo, or given with --url

    @property
    def client_side(self):
        """Whether the whole session travels in the cookie."""
        return self.store == "cookie"


def described(url, key=None, started=False):
    """The site at url, with the store and lifetime its /session.json reports."""
    facts = session_facts(url)
    return Site(url, key, facts["store"], facts["location"], facts["lifetime_seconds"], started)


def server_env(stack, store, lifetime):
    """The settings of a server whose sessions live in store, starting its Redis if needed."""
    env = {
        "FLASK_SECRET_KEY": secrets.token_urlsafe(32),
        "FLASK_PERMANENT_SESSION_LIFETIME": str(lifetime),
        "FLASK_SESSION_TYPE": store,
        # The cachelib store keeps its files here; the demo leaves none behind.
        "SESSIONLAB_INSTANCE_PATH": stack.enter_context(tempfile.TemporaryDirectory()),
    }
    if store == "redis":
        env["FLASK_REDIS_URL"] = stack.enter_context(redis_server()).url
    return env


def https_certificate(stack):
    """A throw-away certificate for the servers, which the demo's own requests then trust."""
    certificate = throwaway_certificate(stack.enter_context(tempfile.TemporaryDirectory()))
    # The demo asks the servers for /session.json with urllib: let it trust this CA.
    handler = urllib.request.HTTPSHandler(context=certificate.ssl_context())
    urllib.request.install_opener(urllib.request.build_opener(handler))
    return certificate


@contextmanager
def started(stores, lifetime, https=False):
    """Start one server for each store (over HTTPS if asked); yield their Sites; stop them."""
    with ExitStack() as stack:
        certificate = https_certificate(stack) if https else None
        sites = []
        for store in stores:
            env = server_env(stack, store, lifetime)
            if https:
                env["FLASK_SESSION_COOKIE_SECURE"] = "true"
            server = stack.enter_context(gunicorn(env=env, certificate=certificate))
            sites.append(described(server.url, env["FLASK_SECRET_KEY"], started=True))
        yield sites


@contextmanager
def given(url):
    """The site already running at url, as a one-item list like started()'s."""
    yield [described(url.rstrip("/"))]
