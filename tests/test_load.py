"""The short form of the load test: 200 visitors, 3 s phases, every fault (see load/run.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# One xdist worker runs the whole module, so its expensive fixture runs once.
pytestmark = pytest.mark.xdist_group("load")

ROOT = Path(__file__).resolve().parent.parent
USERS = 200


@pytest.fixture(scope="module")
def figures():
    """Run load.run once, in its own process: Locust patches the standard library."""
    result = subprocess.run(
        [sys.executable, "-m", "load.run", "--users", str(USERS), "--seconds", "3", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    *report, last = result.stdout.strip().splitlines() or [result.stderr]
    print("\n".join(report))
    return json.loads(last)


def test_every_visitor_settles_its_own_session(figures):
    assert figures["users"] == figures["settled"] == USERS


def test_visitors_read_their_sessions_back_many_times(figures):
    assert figures["reads"] >= 2 * USERS


def test_no_visitor_sees_an_error(figures):
    assert figures["errors"] == 0, figures["notes"]


def test_no_visitor_sees_another_visitors_data(figures):
    assert figures["leaks"] == 0, figures["notes"]


def test_bad_inputs_under_load_get_their_4xx(figures):
    assert figures["bad_inputs"] > 0
    assert figures["errors"] == 0, figures["notes"]


FAULTS = [
    "a worker killed with SIGKILL",
    "whole server restarted",
    "key rotated, old key as fallback",
    "key rotated without fallback",
]


def phase(figures, name):
    (result,) = [each for each in figures["phases"] if each["phase"] == name]
    return result


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_is_survived_without_losing_a_session(figures, fault):
    result = phase(figures, fault)
    assert result["survived"]
    assert result["lost_sessions"] == 0


@pytest.mark.parametrize("fault", FAULTS)
def test_every_visitor_recovers_from_the_fault(figures, fault):
    assert phase(figures, fault)["recovered"] == USERS


def test_rotation_without_fallback_gives_every_visitor_a_fresh_session(figures):
    assert figures["fresh_sessions"] == USERS
