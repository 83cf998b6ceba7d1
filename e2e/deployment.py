"""A Session Lab the suite did not start (--base-url): the tests that can use it run against it."""

import functools
import json
import urllib.request

import pytest

TIMEOUT_SECONDS = 10
NOT_OURS = "--base-url names a server the suite did not start"


@functools.cache
def store_of(url):
    """Where the server at url keeps sessions ("cookie", "redis", …), as its /session.json says."""
    try:
        with urllib.request.urlopen(f"{url}/session.json", timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)["store"]
    except (OSError, ValueError, KeyError) as error:
        raise pytest.UsageError(
            f"--base-url {url}: no Session Lab answers there ({error})"
        ) from None


def own_server_needed(name, certificate, settings):
    """Why a test that asks for the server called name, with these settings, cannot run."""
    wanted = list(settings)
    if certificate:
        wanted.append("HTTPS with a certificate of its own")
    what = ", ".join(wanted) or "a second server beside the first"
    return f"needs a server of its own ({name}: {what}); {NOT_OURS}"


class Deployment:
    """Stands in for a worker's Servers: the server at url is the main one, and the only one.

    Asking for any other server, or for a Redis, skips the test, saying what it needed.
    """

    def __init__(self, url):
        self.url = url

    def get(self, name, store="cookie", redis=None, certificate=None, **settings):
        """This deployment as the main server; a skip for any other."""
        if name == "main":
            return self
        pytest.skip(own_server_needed(name, certificate, settings))

    def redis(self, name="shared", persistent=False):
        """A skip: the suite cannot stop or start the deployment's Redis."""
        pytest.skip(f"needs a Redis of its own to stop and start; {NOT_OURS}")

    def attacker(self):
        """A skip: the attacker site is started beside the servers the suite starts."""
        pytest.skip(f"needs the attacker site beside a server of its own; {NOT_OURS}")

    def log_tails(self):
        """Nothing: the deployment's logs are not the suite's to read."""
        return []
