"""pytest-xdist's --dist loadgroup runs a group's tests on one worker, as the suites rely on."""

import subprocess
import sys

GROUPED_TESTS = """
import os

import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("n", range(6))
def test_note_worker(n):
    with open("workers.txt", "a") as notes:
        notes.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def test_a_group_runs_on_one_worker(tmp_path):
    """Six tests of one group, two workers: all six on the same one."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS)
    command = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup"]
    completed = subprocess.run(
        [*command, "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout
    workers = (tmp_path / "workers.txt").read_text().split()
    assert len(workers) == 6
    assert len(set(workers)) == 1, workers
