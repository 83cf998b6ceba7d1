"""./lab demo --https: the site it starts speaks HTTPS, and the report shows Secure cookies."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

# One xdist worker runs the whole module, so the demo in its fixture runs once.
pytestmark = pytest.mark.xdist_group("demo-https")

REPO = Path(__file__).resolve().parents[1]
# As in test_demo.py: long enough that no session expires between two steps on a busy machine.
LIFETIME = 8
FLAG = re.compile(r'<span class="flag">((?:not )?Secure)</span>')


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The HTML of a short demo run over HTTPS, with two personas."""
    out = tmp_path_factory.mktemp("demo-https")
    command = [
        sys.executable, "-m", "demo", "--https", "--only", "story",
        "--personas", "2", "--lifetime", str(LIFETIME), "--out", str(out),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "index.html").read_text()


def test_report_names_an_https_site(report):
    assert re.search(r"Session Lab at <code>https://127\.0\.0\.1:\d+</code>", report)


def test_every_cookie_in_the_report_is_secure(report):
    flags = FLAG.findall(report)
    assert flags
    assert set(flags) == {"Secure"}
