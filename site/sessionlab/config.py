"""Configuration: defaults, then FLASK_* environment variables, then the caller's mapping."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from .security import HOW_TO_FIX

DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_PATH": "/",
    "SESSION_COOKIE_SECURE": False,
    # None: chosen from SESSION_COOKIE_SECURE once every source is read (cookie_name below).
    "SESSION_COOKIE_NAME": None,
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    # Seconds a session may live from its start however often it is used; None: the same
    # as PERMANENT_SESSION_LIFETIME, 0: no such limit (see clocks.py).
    "SESSION_ABSOLUTE_LIFETIME": None,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FORM_PARTS": 100,
    # Flask-WTF signs CSRF tokens; they stay valid for as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
    # Where sessions live: "cookie" (Flask's signed cookie), "redis" or "cachelib"
    # (Flask-Session's stores; see stores.py).
    "SESSION_TYPE": "cookie",
    # The "redis" store's Redis: REDIS_URL (None: stores.REDIS_URL), or the master that the
    # Sentinels at REDIS_SENTINELS ("host:port" strings) know as REDIS_SENTINEL_MASTER.
    "REDIS_URL": None,
    "REDIS_SENTINELS": [],
    "REDIS_SENTINEL_MASTER": "sessionlab",
    # Behind Sentinel, seconds a session write waits for a replica to have it (see sentinel.py).
    "REDIS_REPLICA_TIMEOUT": 0.5,
    # As with Flask's cookie, a session outlives the browser only when asked to.
    "SESSION_PERMANENT": False,
    # A server-side record holds at most this many bytes (the cookie's bound is MAX_COOKIE_SIZE).
    "SESSION_MAX_RECORD_SIZE": 64 * 1024,
    # The cachelib store deletes expired records on about one request in this many.
    "SESSION_CLEANUP_N_REQUESTS": 100,
    # On a server store, a request that may change the session holds its lock (locks.py).
    "SESSION_LOCKING": True,
    # Seconds a Redis lock lives at most: far longer than a request holds it (milliseconds),
    # and shorter than SESSION_LOCK_WAIT, so that when a worker is killed holding one, the
    # visitor's next request waits for it to expire instead of getting the 503 page.
    "SESSION_LOCK_LIFETIME": 5,
    # Seconds a request waits for its session's lock before answering 503.
    "SESSION_LOCK_WAIT": 8,
}

KEY_FILE = "secret_key"


def load_config(app, overrides=None):
    """Fill app.config in order of precedence and make sure a secret key exists."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env()
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SESSION_COOKIE_NAME"] = cookie_name(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = generated_key(Path(app.instance_path) / KEY_FILE)


# A browser takes a cookie of this prefix only if it is Secure, has no Domain and has Path=/;
# it locks the cookie to this host and to HTTPS (RFC 6265bis, "Cookie Name Prefixes").
HOST_PREFIX = "__Host-"


def cookie_name(config):
    """The session cookie's name: the one configured, else __Host-session over HTTPS.

    Refuses a __Host- name the browser would drop without a word, leaving every
    visitor without a session.
    """
    name = config["SESSION_COOKIE_NAME"]
    if name is None:
        return f"{HOST_PREFIX}session" if config["SESSION_COOKIE_SECURE"] else "session"
    # Browsers compare the prefix without regard to case.
    if not name.lower().startswith(HOST_PREFIX.lower()):
        return name
    # Flask's own fallback for a cookie without a path of its own.
    path = config["SESSION_COOKIE_PATH"] or config.get("APPLICATION_ROOT") or "/"
    problems = []
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("FLASK_SESSION_COOKIE_SECURE is false")
    if config.get("SESSION_COOKIE_DOMAIN"):
        problems.append("FLASK_SESSION_COOKIE_DOMAIN is set")
    if path != "/":
        problems.append(f"FLASK_SESSION_COOKIE_PATH is {path!r}")
    if problems:
        raise RuntimeError(
            f"FLASK_SESSION_COOKIE_NAME is {name!r}, but {' and '.join(problems)}: browsers "
            f"drop a {HOST_PREFIX} cookie unless it is Secure, has Path=/ and no Domain, and "
            "no visitor would keep a session. Serve the site over HTTPS with "
            "FLASK_SESSION_COOKIE_SECURE=true, or choose a name without the prefix."
        )
    return name


def generated_key(path):
    """The key kept in path; refuse to start, saying how to fix it, if there can be none."""
    try:
        return read_or_create_key(path)
    except OSError as error:
        raise RuntimeError(
            f"FLASK_SECRET_KEY is not set and no key can be kept in {path} "
            f"({error.strerror}). {HOW_TO_FIX}"
        ) from error


def read_or_create_key(path):
    """Return the key kept in path, creating it (mode 0600) on first use.

    Several processes may start at once (servers sharing an instance folder,
    or gunicorn workers when the app is not preloaded), so the key is written
    to a private temporary file and linked into place: exactly one process wins
    and every process then reads the same key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
