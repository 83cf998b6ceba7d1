"""Demo mode: one small headless run, and the report it writes, checked cell by cell."""

import subprocess
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from demo.cookies import Decoder, persistent_state

# One xdist worker runs the whole module, so its expensive fixture runs once.
pytestmark = pytest.mark.xdist_group("demo")

REPO = Path(__file__).resolve().parents[1]
PERSONAS = 2
# Long enough that no session expires between two steps on a busy machine.
LIFETIME = 8
STEPS = 10


class Report(HTMLParser):
    """The report's persona columns, cells and summary figures."""

    def __init__(self, html):
        super().__init__()
        self.personas = {}  # slug -> the column header's attributes and text
        self.cells = []  # one dict a cell: step, persona, status, held, text, images, links
        self.figures = {}
        self.step = None
        self.cell = None  # the cell or column header being read
        self.figure = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        """Note where a step, column, cell or figure starts, and a cell's pictures."""
        attrs = dict(attrs)
        if tag == "tr" and "data-step" in attrs:
            self.step = attrs["data-step"]
        elif tag == "th" and "data-persona" in attrs:
            self.cell = self.personas[attrs["data-persona"]] = {**attrs, "text": ""}
        elif tag == "td" and "data-persona" in attrs:
            self.cell = {**attrs, "step": self.step, "text": "", "images": [], "links": []}
            self.cells.append(self.cell)
        elif tag == "strong" and "data-figure" in attrs:
            self.figure = attrs["data-figure"]
            self.figures[self.figure] = ""
        elif self.cell is not None and tag == "img":
            self.cell["images"].append(attrs["src"])
        elif self.cell is not None and tag == "a":
            self.cell["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        """Note where a cell, column header or figure ends."""
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "strong":
            self.figure = None

    def handle_data(self, data):
        """Collect the text of the cell or figure being read."""
        if self.cell is not None:
            self.cell["text"] += data
        if self.figure:
            self.figures[self.figure] += data

    def row(self, step):
        """The cells of one step."""
        return [cell for cell in self.cells if cell["step"] == step]

    def email(self, slug):
        """The email address in a persona's column header."""
        return next(word for word in self.personas[slug]["text"].split() if "@" in word)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Run the demo once, headless, and return its output folder and printed progress."""
    out = tmp_path_factory.mktemp("demo-report")
    command = [
        sys.executable, "-m", "demo",
        "--personas", str(PERSONAS),
        "--lifetime", str(LIFETIME),
        "--out", str(out),
        "--preview", str(out / "preview.png"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


@pytest.fixture(scope="module")
def report(run):
    """The report the run wrote, parsed."""
    out, _ = run
    return Report((out / "index.html").read_text())


def test_progress_names_each_step_and_persona(run):
    _, printed = run
    assert "step 1/10 Arrive: Ana" in printed
    assert "step 6/10 Browser restart: Bruno" in printed


def test_report_has_a_cell_for_each_persona_and_step(report):
    assert len(report.personas) == PERSONAS
    assert len(report.cells) == PERSONAS * STEPS


def test_every_cell_has_its_screenshot(run, report):
    out, _ = run
    for cell in report.cells:
        (image,) = cell["images"]
        assert (out / image).read_bytes().startswith(b"\x89PNG")
        assert image in cell["links"]  # the thumbnail opens the full-size picture


def test_each_email_appears_only_in_its_own_column(report):
    columns = defaultdict(set)
    for cell in report.cells:
        for slug in report.personas:
            if report.email(slug) in cell["text"]:
                columns[slug].add(cell["data-persona"])
    assert columns == {slug: {slug} for slug in report.personas}


def test_no_cookie_is_held_by_two_personas(report):
    holders = defaultdict(set)
    for cell in report.cells:
        if cell["data-held"]:
            holders[cell["data-held"]].add(cell["data-persona"])
    assert all(len(personas) == 1 for personas in holders.values())


def test_summary_counts_users_and_distinct_cookies(report):
    cookies = {cell["data-held"] for cell in report.row("inspector")}
    assert report.figures["users"] == str(PERSONAS)
    assert report.figures["cookies"] == str(len(cookies)) == str(PERSONAS)
    assert report.figures["leaks"] == "0"


def test_only_remembered_sessions_survive_the_restart(report):
    survivors = {
        c["data-persona"] for c in report.row("restart") if c["data-status"] == "recognised"
    }
    remembered = {slug for slug, th in report.personas.items() if th["data-remember"] == "yes"}
    assert survivors == remembered
    assert report.figures["restart"] == f"{len(survivors)} of {PERSONAS}"


def test_every_session_expires_after_the_lifetime(report):
    late = report.row("expired-restarted") + report.row("expired-first")
    assert "recognised" not in {cell["data-status"] for cell in late}
    assert report.figures["expired"] == f"{PERSONAS} of {PERSONAS}"


def test_open_browser_still_sends_its_session_cookie_and_the_server_refuses_it(report):
    statuses = {c["data-persona"]: c["data-status"] for c in report.row("expired-first")}
    forgotten = {slug for slug, th in report.personas.items() if th["data-remember"] == "no"}
    assert {slug for slug, status in statuses.items() if status == "refused"} == forgotten


def test_preview_is_a_picture_of_the_report(run):
    out, _ = run
    assert (out / "preview.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture
def cookie(visitor):
    """A real session cookie value, with an email in it."""
    visitor.set_email("ada@example.com")
    return visitor.client.get_cookie("session").value


def lifetime(app):
    """The app's session lifetime in seconds."""
    return int(app.permanent_session_lifetime.total_seconds())


@pytest.mark.cookie_only
def test_decoder_with_the_key_checks_the_signature(app, cookie):
    decoded = Decoder(app.secret_key, lifetime(app)).decode(cookie)
    assert (decoded.verdict, decoded.payload["email"]) == ("valid", "ada@example.com")


@pytest.mark.cookie_only
def test_decoder_with_another_key_finds_a_bad_signature(app, cookie):
    other_key = "another-secret-key-0123456789abcdef0123"
    assert Decoder(other_key, lifetime(app)).decode(cookie).verdict == "bad signature"


@pytest.mark.cookie_only
def test_decoder_without_the_key_reads_the_payload_unverified(app, cookie):
    decoded = Decoder(None, lifetime(app)).decode(cookie)
    assert (decoded.verdict, decoded.payload["email"]) == ("unverified", "ada@example.com")


class Context:
    """A stand-in for a browser context with one session cookie and one persistent one."""

    def storage_state(self):
        """The state Playwright would save: cookies and local storage."""
        session = {"name": "session", "value": "a", "expires": -1}
        remembered = {"name": "remembered", "value": "b", "expires": 2_000_000_000}
        return {"cookies": [session, remembered], "origins": []}


def test_a_restart_keeps_only_cookies_with_an_expiry():
    assert [cookie["name"] for cookie in persistent_state(Context())["cookies"]] == ["remembered"]
