"""The site under gunicorn for the e2e suite, with a fixed test key and per-test settings."""

import json

from sessionlab import launch

# Test keys only: long enough for the site's start-up check, and nowhere else.
TEST_KEY = "e2e-test-secret-key-0123456789abcdef"
ROTATED_KEY = "e2e-rotated-secret-key-fedcba9876543210"
WORKERS = 2
LOG_TAIL_LINES = 40


def flask_env(settings):
    """FLASK_* variables for config settings; from_prefixed_env reads them back as JSON."""
    return {
        f"FLASK_{name}": value if isinstance(value, str) else json.dumps(value)
        for name, value in settings.items()
    }


class Servers:
    """One worker's gunicorn servers and Redis servers by name, started on first use.

    Tests can share a server safely: each test's sessions live in browser contexts
    of its own, and on a server store under ids that only those contexts hold.
    """

    def __init__(self, stack, log_dir, prefix):
        self.stack = stack
        self.log_dir = log_dir
        self.prefix = prefix
        self.running = {}
        self.redises = {}

    def redis(self, name="shared", persistent=False):
        """The Redis called name, started (with an append-only file if persistent) if not yet."""
        if name not in self.redises:
            folder = self.log_dir / f"{self.prefix}-redis-{name}"
            server = launch.redis_server(folder, persistent=persistent)
            self.redises[name] = self.stack.enter_context(server)
        return self.redises[name]

    def get(self, name, store="cookie", redis=None, certificate=None, **settings):
        """The server called name on store, started with these settings if not yet running.

        A redis store uses the worker's shared Redis unless another RedisServer, or the
        REDIS_SENTINELS setting, is given;
        with a launch.Certificate the server speaks HTTPS.
        """
        key = f"{name}-{store}"
        if key not in self.running:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            env = flask_env({"SECRET_KEY": TEST_KEY, "SESSION_TYPE": store, **settings})
            if store == "redis" and "REDIS_SENTINELS" not in settings:
                env["FLASK_REDIS_URL"] = (redis or self.redis()).url
            server = launch.gunicorn(
                env={**env, "SESSIONLAB_INSTANCE_PATH": str(self.instance_path(key))},
                workers=WORKERS,
                log_path=self.log_dir / f"{self.prefix}-{key}.log",
                certificate=certificate,
            )
            self.running[key] = self.stack.enter_context(server)
        return self.running[key]

    def attacker(self):
        """The attacker site (attacker/), started if not yet; its pages' ?target= aims them."""
        if "attacker" not in self.running:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            server = launch.gunicorn(
                app="attacker:create_app()",
                workers=1,
                log_path=self.log_dir / f"{self.prefix}-attacker.log",
            )
            self.running["attacker"] = self.stack.enter_context(server)
        return self.running["attacker"]

    def stop_all(self):
        """Ask every gunicorn to stop at once; leaving the stack then waits for each in turn."""
        launch.stop_all(self.running.values())

    def instance_path(self, key):
        """The server's own instance folder (Flask wants it absolute): its key, its files."""
        return (self.log_dir / f"{self.prefix}-{key}").resolve()

    def log_tails(self):
        """(title, last lines) of each running server's log, for a failed test's report."""
        return [
            (f"gunicorn {name}: {server.log_path}", tail(server.log()))
            for name, server in self.running.items()
            if server.log_path.exists()  # another pytest run may have emptied the folder
        ]


def tail(text, lines=LOG_TAIL_LINES):
    """The last lines of text."""
    return "\n".join(text.splitlines()[-lines:])
