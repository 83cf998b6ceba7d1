"""The benchmark runs and writes its files (at a tiny size: this measures nothing)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ADD = "POST /cart/add"
ADD_ON_REDIS = "POST /cart/add, redis store"
ADD_BEHIND_SENTINEL = "POST /cart/add, sentinel store"
BARE_ADD = "POST /cart/add, bare Flask"
UNLOCKED_ADD = "POST /cart/add, redis store, no locking"
# Fresh visitors for this many adds a second: twice the fastest add of a quiet 2-core machine
# (bare Flask, about 950), and half the default's, whose making is most of the tiny run.
VISITOR_RATE = 2000

pytestmark = [
    pytest.mark.skipif(
        shutil.which("wrk") is None or shutil.which("redis-server") is None,
        reason="the benchmark needs wrk and redis-server (apt-get install wrk redis-server)",
    ),
    # One xdist worker runs both tests, so the benchmark runs once.
    pytest.mark.xdist_group("bench"),
]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One tiny run of the POST case (every store, bare Flask): writes, Redis, Sentinel, fresh
    visitors."""
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [
            sys.executable, "-m", "bench.run", "--only", ADD,
            "--seconds", "1", "--rounds", "1", "--warmup", "1",
            "--visitor-rate", str(VISITOR_RATE), "--out", str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return completed.stdout, out


def row(table, name):
    """The cells of the table's row for the case named name, at 2 workers."""
    line = next(line for line in table.splitlines() if line.startswith(f"| {name} | 2 |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_tiny_benchmark_writes_its_table_and_chart(tiny_run):
    printed, out = tiny_run
    table = (out / "results.md").read_text()
    assert "Load generator: wrk" in table
    for name in ("ceiling", "peer /get_email", ADD, ADD_ON_REDIS, ADD_BEHIND_SENTINEL, BARE_ADD):
        assert row(table, name)
    *_, to_cookie, redis_cpu, _targets = row(table, ADD_ON_REDIS)
    assert to_cookie.endswith("×")
    assert redis_cpu.endswith("µs")
    assert "× bare Flask (" in row(table, ADD)[-1]  # the write's target, against the bare write
    assert "× without locking (" in row(table, ADD_ON_REDIS)[-1]
    assert (out / "results.png").read_bytes().startswith(PNG_SIGNATURE)
    assert f"| {ADD_ON_REDIS} | 2 |" in printed


def test_every_add_to_cart_is_a_new_visitor_and_succeeds(tiny_run):
    # On Redis, a visitor whose record took ~98 adds would get a 400.
    _printed, out = tiny_run
    results = json.loads((out / "results.json").read_text())["results"]
    adds = {result["case"]["name"]: result for result in results if result["case"]["form"]}
    assert set(adds) == {ADD, ADD_ON_REDIS, ADD_BEHIND_SENTINEL, BARE_ADD, UNLOCKED_ADD}
    for result in adds.values():
        assert result["errors"] == 0  # over the whole run
        assert result["measurement"]["visitors_used"] >= result["measurement"]["requests"]
        assert result["visitors_reused"] == 0
    assert adds[ADD_ON_REDIS]["ratios"]["cookie"] > 0
    # Counted in 10 ms ticks, Redis's CPU time over one second may well be 0.
    assert adds[ADD_ON_REDIS]["redis_cpu_us_per_request"] >= 0
