"""The benchmark runs and writes its files (at a tiny size: this measures nothing)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="the benchmark needs wrk (apt-get install wrk)"
)


def test_tiny_benchmark_writes_its_table_and_chart(tmp_path):
    completed = subprocess.run(
        [
            sys.executable, "-m", "bench.run", "--only", "POST /cart/add",
            "--seconds", "1", "--rounds", "1", "--warmup", "1", "--out", str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    table = (tmp_path / "results.md").read_text()
    assert "Load generator: wrk" in table
    for row in ("| ceiling | 2 |", "| peer /get_email | 2 |", "| POST /cart/add | 2 |"):
        assert row in table
    assert (tmp_path / "results.png").read_bytes().startswith(PNG_SIGNATURE)
    assert "| POST /cart/add | 2 |" in completed.stdout
