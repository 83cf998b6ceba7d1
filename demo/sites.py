"""The sites the demo plays on: one it starts for each store, or the one given with --url."""

import secrets
import tempfile
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

from sessionlab.launch import gunicorn, redis_server, stop_all, throwaway_certificate

from .cookies import session_facts

# Seconds the sessions of the attacks' servers live: longer than any attack takes.
ATTACK_LIFETIME = 3600
# The keep-alive attack's server: sessions idle for longer than IDLE seconds end, and
# every session ends ABSOLUTE seconds after it starts, however often it is used.
SHORT_CLOCKS = {"FLASK_PERMANENT_SESSION_LIFETIME": "3", "FLASK_SESSION_ABSOLUTE_LIFETIME": "6"}


@dataclass(frozen=True)
class Site:
    url: str
    key: str | None  # the server's secret key; None when unknown (--url)
    store: str  # where the server keeps sessions, as it says: "cookie", "redis", "cachelib"
    location: str | None  # the server store's address; None for the cookie
    lifetime: int  # seconds, as the server says
    started: bool  # started by the demo, or given with --url
    ca_path: str | None = None  # the CA of the throw-away certificate the demo serves it with
    # The attacks' server on the same store: a long lifetime, so no victim's session expires
    # mid-attack (with --url, the site itself); and its twin over HTTPS, or None.
    attack_url: str | None = None
    secure_url: str | None = None
    # The keep-alive attack's server on the same store, with SHORT_CLOCKS; or None (--url).
    short_clocks_url: str | None = None

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
        # The story shows the idle lifetime; an absolute one as short (its default) would end
        # the remembered sessions while a busy machine is still playing the first steps.
        "FLASK_SESSION_ABSOLUTE_LIFETIME": "0",
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
def started(stores, lifetime, https=False, attacked=False):
    """Start one server for each store (over HTTPS if asked); yield their Sites; stop them.

    If attacked, each store also gets servers of its own for the attacks, with a lifetime no
    attack outlasts: one over HTTP (unless https) and one over HTTPS, whose cookie is Secure.
    """
    with ExitStack() as stack:
        certificate = https_certificate(stack) if https or attacked else None
        servers = []

        def start(env, **options):
            servers.append(stack.enter_context(gunicorn(env=env, **options)))
            return servers[-1]

        sites = []
        for store in stores:
            env = server_env(stack, store, lifetime)
            secure_env = {**env, "FLASK_SESSION_COOKIE_SECURE": "true"}
            server = start(secure_env, certificate=certificate) if https else start(env)
            site = described(server.url, env["FLASK_SECRET_KEY"], started=True)
            if attacked:
                site = replace(site, **attack_servers(start, env, certificate, https))
            sites.append(replace(site, ca_path=str(certificate.ca_path) if certificate else None))
        stack.callback(stop_all, servers)
        yield sites


def attack_servers(start, env, certificate, https):
    """Start a store's servers for the attacks, one worker each; their URLs as Site fields."""
    env = {**env, "FLASK_PERMANENT_SESSION_LIFETIME": str(ATTACK_LIFETIME)}
    secure_env = {**env, "FLASK_SESSION_COOKIE_SECURE": "true"}
    secure = start(secure_env, workers=1, certificate=certificate)
    clocks_env = {**(secure_env if https else env), **SHORT_CLOCKS}
    short_clocks = start(clocks_env, workers=1, certificate=certificate if https else None)
    urls = {"secure_url": secure.url, "short_clocks_url": short_clocks.url}
    if https:
        return {"attack_url": secure.url, **urls}
    return {"attack_url": start(env, workers=1).url, **urls}


@contextmanager
def given(url):
    """The site already running at url, as a one-item list like started()'s."""
    site = described(url.rstrip("/"))
    secure_url = site.url if site.url.startswith("https:") else None
    yield [replace(site, attack_url=site.url, secure_url=secure_url)]


@contextmanager
def attacker(sites):
    """Start the attacker site (attacker/), which each page's ?target= aims; yield its URL."""
    # Its server fetches its own session from the sites: let it trust their certificate.
    ca_paths = {site.ca_path for site in sites if site.ca_path}
    env = {"SSL_CERT_FILE": ca_paths.pop()} if ca_paths else {}
    with gunicorn(env=env, app="attacker:create_app()", workers=1) as server:
        yield server.url
