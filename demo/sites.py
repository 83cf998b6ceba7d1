"""The sites the demo plays on: one it starts for each store, or the one given with --url."""

import secrets
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from sessionlab.launch import gunicorn, redis_server

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


@contextmanager
def started(stores, lifetime):
    """Start one server for each store; yield their Sites, and stop them all on exit."""
    with ExitStack() as stack:
        sites = []
        for store in stores:
            env = server_env(stack, store, lifetime)
            server = stack.enter_context(gunicorn(env=env))
            sites.append(described(server.url, env["FLASK_SECRET_KEY"], started=True))
        yield sites


@contextmanager
def given(url):
    """The site already running at url, as a one-item list like started()'s."""
    yield [described(url.rstrip("/"))]
