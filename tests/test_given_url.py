"""`pytest e2e --base-url URL`: the browser suite run against a server it did not start."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sessionlab.launch import gunicorn

# One xdist worker runs the whole module, so the e2e run in its fixture happens once.
pytestmark = pytest.mark.xdist_group("given-url")

REPO = Path(__file__).resolve().parents[1]
KEY = {"FLASK_SECRET_KEY": "given-url-test-key-0123456789abcdef012345"}
# A few tests, kept cheap: two that apply to a Redis-backed site, one that needs a
# server of its own, one about the signed cookie.
SELECTED = (
    "(test_greeting_walkthrough and not keyboard) or test_a_fresh_context_sees_no_one_elses_session"
    " or test_full_cart_refusal_leaves_the_cart_intact or test_changed_payload"
)


@pytest.fixture(scope="module")
def deployment(redis, tmp_path_factory):
    """Session Lab on the Redis store, started here as a team would start their own."""
    env = {
        **KEY,
        "FLASK_SESSION_TYPE": "redis",
        "FLASK_REDIS_URL": redis.url,
        "SESSIONLAB_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
    }
    with gunicorn(env=env) as server:
        yield server


def e2e_command(url, folder):
    """The suite against url in Chromium: the selected tests, results as JUnit XML in folder."""
    return [
        sys.executable, "-m", "pytest", "e2e", "--base-url", url,
        "--browser", "chromium", "-k", SELECTED, "-p", "no:cacheprovider",
        # Its own output folder: the suite empties it first, and the outer run's is in use.
        "--output", str(folder / "output"), "--junitxml", str(folder / "results.xml"),
    ]  # fmt: skip


def outcome(case):
    """("passed" | "skipped" | "failed", message) of a JUnit XML test case."""
    for tag in ("skipped", "failure", "error"):
        found = case.find(tag)
        if found is not None:
            return ("skipped" if tag == "skipped" else "failed", found.get("message", ""))
    return ("passed", "")


@pytest.fixture(scope="module")
def results(deployment, tmp_path_factory):
    """{test id: (outcome, message)} of the e2e run against the deployment."""
    folder = tmp_path_factory.mktemp("e2e-run")
    # Not this run's xdist settings or options: the inner run is a session of its own.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    command = e2e_command(deployment.url, folder)
    run = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert (folder / "results.xml").exists(), run.stdout + run.stderr
    cases = ET.parse(folder / "results.xml").getroot().iter("testcase")
    return {case.get("name"): outcome(case) for case in cases}


def test_tests_that_apply_pass_against_it(results):
    applying = [
        "test_greeting_walkthrough[chromium-redis]",
        "test_a_fresh_context_sees_no_one_elses_session[chromium-redis]",
    ]
    assert {name: results[name] for name in applying} == dict.fromkeys(applying, ("passed", ""))


def test_a_test_needing_a_server_of_its_own_is_skipped_saying_so(results):
    status, why = results["test_full_cart_refusal_leaves_the_cart_intact[chromium-redis]"]
    assert status == "skipped"
    assert "needs a server of its own (small-session: MAX_COOKIE_SIZE" in why


def test_a_test_for_another_store_is_skipped_saying_so(results):
    status, why = results["test_changed_payload_gives_a_fresh_session[chromium-redis]"]
    assert (status, why) == ("skipped", "cookie_only: not for the redis store")


def test_each_test_runs_once_on_the_servers_own_store(results):
    assert len(results) == 4
    assert all(name.endswith("[chromium-redis]") for name in results)


def test_the_browser_requests_reached_that_server(deployment, results):
    log = deployment.log()
    assert '"GET /get_email HTTP/1.1" 200' in log
    assert '"POST /set_email HTTP/1.1" 302' in log
    assert "HeadlessChrome" in log
