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
    """One worker's gunicorn servers by name, each started on first use and kept till the end.

    The site keeps no state on the server, so tests can share a server safely:
    each test's sessions live in its own browser contexts.
    """

    def __init__(self, stack, log_dir, prefix):
        self.stack = stack
        self.log_dir = log_dir
        self.prefix = prefix
        self.running = {}

    def get(self, name, **settings):
        """The server called name, started with these config settings if not yet running."""
        if name not in self.running:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            server = launch.gunicorn(
                env=flask_env({"SECRET_KEY": TEST_KEY, **settings}),
                workers=WORKERS,
                log_path=self.log_dir / f"{self.prefix}-{name}.log",
            )
            self.running[name] = self.stack.enter_context(server)
        return self.running[name]

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
