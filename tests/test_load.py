"""The short form of the load test (see load/run.py): every fault, on the cookie store and on Redis,
changes sent from two tabs at once, and every session ending at a short absolute deadline;
behind Sentinel, the master killed.

The redis runs have fewer visitors: what they add is their faults (restarts of the site and of
Redis, an outage, a failover), whose cost is time, not visitors. The three runs play at once, as
each spends much of its time waiting for a restart, an outage or a failover.
"""

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

# One xdist worker runs the whole module, so each store's expensive run happens once.
pytestmark = pytest.mark.xdist_group("load")

ROOT = Path(__file__).resolve().parent.parent
SHORT_FORMS = {
    "cookie": {"users": 100, "seconds": 2},
    "redis": {"users": 50, "seconds": 2},
    "redis-sentinel": {"users": 50, "seconds": 2},
}
REDIS_OUTAGE = "Redis down for 3 s"
# Every visitor sends its cart changes from two tabs at once, and a worker is killed meanwhile.
TWO_TABS = "two tabs at once, a worker killed"
MASTER_KILLED = "Sentinel master killed with SIGKILL"
# Seconds from the kill to the first change written: the sentinels' failover, about 2 s.
FAILOVER_BOUND = 10
# The last phase on both stores: the server restarted with an absolute lifetime of 4 s.
DEADLINE_PHASE = "absolute lifetime of 4 s"
FAULTS = {
    "cookie": [
        "a worker killed with SIGKILL",
        TWO_TABS,
        "whole server restarted",
        "key rotated, old key as fallback",
        "key rotated without fallback",
        DEADLINE_PHASE,
    ],
    "redis": [
        "a worker killed with SIGKILL",
        TWO_TABS,
        "whole server restarted",
        "Redis restarted",
        REDIS_OUTAGE,
        "key rotated without fallback",
        DEADLINE_PHASE,
    ],
    "redis-sentinel": [MASTER_KILLED],
}
# The stores whose runs rotate the key and end every session at its deadline.
FULL_RUNS = ["cookie", "redis"]
EVERY_FAULT = [(store_name, fault) for store_name, faults in FAULTS.items() for fault in faults]


def start_load(store):
    """Start load.run on store, in its own process: Locust patches the standard library."""
    short = SHORT_FORMS[store]
    command = [sys.executable, "-m", "load.run", "--store", store, "--json"]
    command += ["--users", str(short["users"]), "--seconds", str(short["seconds"])]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen(command, cwd=ROOT, text=True, **pipes)


def figures_of(process):
    """The figures a load run ends with, once it has ended; what it printed before them is
    shown with the test."""
    stdout, stderr = process.communicate(timeout=300)
    *report, last = stdout.strip().splitlines() or [stderr]
    print("\n".join(report))
    return json.loads(last)


@pytest.fixture(scope="module")
def run_on():
    """store -> figures; every store's run starts with the module, and is read once."""
    processes = {store: start_load(store) for store in SHORT_FORMS}
    yield functools.cache(lambda store: figures_of(processes[store]))
    for process in processes.values():
        process.communicate(timeout=300)  # the runs no test read, if any


@pytest.fixture(params=list(SHORT_FORMS))
def figures(request, run_on):
    """The figures of the short run on each store."""
    return run_on(request.param)


def phase(figures, name):
    (result,) = [each for each in figures["phases"] if each["phase"] == name]
    return result


def test_every_visitor_settles_its_own_session(figures):
    users = SHORT_FORMS[figures["store"]]["users"]
    assert figures["users"] == figures["settled"] == users


def test_visitors_read_their_sessions_back_many_times(figures):
    assert figures["reads"] >= 2 * figures["users"]


def test_no_visitor_sees_an_error(figures):
    assert figures["errors"] == 0, figures["notes"]


def test_no_visitor_sees_another_visitors_data(figures):
    assert figures["leaks"] == 0, figures["notes"]


def test_no_answered_change_is_lost(figures):
    assert figures["lost_changes"] == 0, figures["notes"]


def test_bad_inputs_under_load_get_their_4xx(figures):
    assert figures["bad_inputs"] > 0
    assert figures["errors"] == 0, figures["notes"]


@pytest.mark.parametrize(("store_name", "fault"), EVERY_FAULT)
def test_fault_is_survived_without_losing_a_session(run_on, store_name, fault):
    result = phase(run_on(store_name), fault)
    assert result["survived"]
    assert result["lost_sessions"] == 0


@pytest.mark.parametrize(("store_name", "fault"), EVERY_FAULT)
def test_every_visitor_recovers_from_the_fault(run_on, store_name, fault):
    figures = run_on(store_name)
    assert phase(figures, fault)["recovered"] == figures["users"]


@pytest.mark.parametrize("store_name", FULL_RUNS)
def test_forms_loaded_before_a_rotation_without_fallback_are_refused(run_on, store_name):
    assert phase(run_on(store_name), "key rotated without fallback")["refused_forms"] > 0


def test_rotation_without_fallback_gives_every_cookie_visitor_a_fresh_session(run_on):
    figures = run_on("cookie")
    assert phase(figures, "key rotated without fallback")["fresh_sessions"] == figures["users"]


def test_redis_sessions_outlive_a_key_rotation_without_fallback(run_on):
    result = phase(run_on("redis"), "key rotated without fallback")
    assert result["fresh_sessions"] == result["lost_sessions"] == 0


def test_redis_outage_is_shown_as_503_pages(run_on):
    assert phase(run_on("redis"), REDIS_OUTAGE)["unavailable"] > 0


def test_killing_the_sentinel_master_is_shown_as_503_pages(run_on):
    assert phase(run_on("redis-sentinel"), MASTER_KILLED)["unavailable"] > 0


def test_changes_are_written_again_seconds_after_the_master_is_killed(run_on):
    seconds = phase(run_on("redis-sentinel"), MASTER_KILLED)["first_write_seconds"]
    assert seconds is not None
    assert seconds < FAILOVER_BOUND


def test_no_503_page_unless_the_session_store_is_down(figures):
    unexpected = [each for each in figures["phases"] if not each["store_down"]]
    assert sum(each["unavailable"] for each in unexpected) == 0


def test_no_change_sent_from_two_tabs_at_once_is_lost_on_redis(run_on):
    result = phase(run_on("redis"), TWO_TABS)
    assert result["two_tab_changes"] > 0
    assert result["lost_updates"] == 0


def test_changes_lost_on_the_cookie_store_are_its_known_limit_not_errors(run_on):
    figures = run_on("cookie")
    result = phase(figures, TWO_TABS)
    assert result["lost_updates"] > 0
    assert result["survived"]
    assert figures["errors"] == 0, figures["notes"]


@pytest.mark.parametrize("store_name", FULL_RUNS)
def test_every_session_ends_at_its_absolute_deadline(run_on, store_name):
    figures = run_on(store_name)
    assert phase(figures, DEADLINE_PHASE)["ended_on_time"] == figures["users"], figures["notes"]


@pytest.mark.parametrize("store_name", FULL_RUNS)
def test_no_session_ends_before_its_absolute_deadline(run_on, store_name):
    figures = run_on(store_name)
    assert phase(figures, DEADLINE_PHASE)["ended_early"] == 0, figures["notes"]


@pytest.mark.parametrize("store_name", FULL_RUNS)
def test_no_session_outlives_its_absolute_deadline_by_more_than_a_second(run_on, store_name):
    figures = run_on(store_name)
    assert phase(figures, DEADLINE_PHASE)["ended_late"] == 0, figures["notes"]
