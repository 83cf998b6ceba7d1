"""Demo mode: two small headless runs (the story and the attacks on the cookie store alone;
the story on cookie and redis over HTTPS), their reports checked."""

import re
import subprocess
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from attacker.catalogue import ATTACKS, Attack
from demo.__main__ import parse_args
from demo.attacks import LIMITS, AttackCell, AttackRun, attempts
from demo.cookies import Decoder, persistent_state
from demo.personas import cast
from demo.summary import leaks, summarize_attacks
from e2e.at_once import PRODUCT_IDS
from e2e.cookies import read_payload
from e2e.victim import EMAIL

# One xdist worker runs the whole module, so each expensive fixture runs once.
pytestmark = pytest.mark.xdist_group("demo")

REPO = Path(__file__).resolve().parents[1]
PERSONAS = 2
# Long enough that no session expires between two steps on a busy machine.
LIFETIME = 8
STEPS = 11
STORES = ["cookie", "redis"]
# A server store's session id: 32 random bytes, base64-encoded.
ID_LENGTH = 43
FLAG = re.compile(r'<span class="flag">((?:not )?Secure)</span>')


class Report(HTMLParser):
    """The report's persona columns, cells and summary figures."""

    def __init__(self, html):
        super().__init__()
        self.personas = {}  # slug -> the column header's attributes and text
        self.cells = []  # one dict a cell: step, persona, status, held, text, images, links
        self.figures = {}
        self.store_figures = defaultdict(dict)  # store -> figure key -> value and verdict
        self.stores = {}  # store -> the text of its column group's header
        self.attacks = {}  # attack slug -> {store: its cell: verdict, text, images, links}
        self.attack = None  # the attack whose row is being read
        self.step = None
        self.cell = None  # the cell or column header being read
        self.figure = None
        self.store = None  # the store whose figures are being read
        self.verdict = None  # the class of the figure being read: ok, limit, bad or none
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        """Note where a step, column, cell or figure starts, and a cell's pictures."""
        attrs = dict(attrs)
        if tag == "tr" and "data-step" in attrs:
            self.step = attrs["data-step"]
        elif tag == "tr" and "data-attack" in attrs:
            self.attack = attrs["data-attack"]
            self.attacks[self.attack] = {}
        elif tag == "td" and "data-verdict" in attrs:
            self.cell = {**attrs, "text": "", "images": [], "links": []}
            self.attacks[self.attack][attrs["data-store"]] = self.cell
        elif tag == "th" and "data-persona" in attrs:
            self.cell = self.personas[attrs["data-persona"]] = {**attrs, "text": ""}
        elif tag == "th" and "data-store" in attrs:
            self.cell = self.stores[attrs["data-store"]] = {"text": ""}
        elif tag == "ul" and "data-store" in attrs:
            self.store = attrs["data-store"]
        elif tag == "li" and self.store:
            self.verdict = attrs["class"].removeprefix("figure").strip() or None
        elif tag == "td" and "data-persona" in attrs:
            self.cell = {**attrs, "step": self.step, "text": "", "images": [], "links": []}
            self.cells.append(self.cell)
        elif tag == "strong" and "data-figure" in attrs:
            self.figure = attrs["data-figure"]
            self.figures[self.figure] = ""
            if self.store:
                self.store_figures[self.store][self.figure] = {"verdict": self.verdict}
        elif self.cell is not None and tag == "img":
            self.cell["images"].append(attrs["src"])
        elif self.cell is not None and tag == "a":
            self.cell["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        """Note where a cell, column header or figure ends."""
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "strong":
            if self.store:
                self.store_figures[self.store][self.figure]["value"] = self.figures[self.figure]
            self.figure = None
        elif tag == "ul":
            self.store = None

    def handle_data(self, data):
        """Collect the text of the cell or figure being read."""
        if self.cell is not None:
            self.cell["text"] += data
        if self.figure:
            self.figures[self.figure] += data

    def row(self, step, store=None):
        """The cells of one step, on every store or on one."""
        return [
            cell
            for cell in self.cells
            if cell["step"] == step and store in (None, cell["data-store"])
        ]

    def email(self, slug):
        """The email address in a persona's column header."""
        return next(word for word in self.personas[slug]["text"].split() if "@" in word)


def start_demo(out, *options):
    """Start the demo headless with a few personas and a short lifetime."""
    command = [
        sys.executable, "-m", "demo",
        "--personas", str(PERSONAS),
        "--lifetime", str(LIFETIME),
        "--out", str(out),
        *options,
    ]  # fmt: skip
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen(command, cwd=REPO, text=True, **pipes)


def finished(process):
    """What a demo run printed and its exit code, once it has written its report."""
    stdout, stderr = process.communicate(timeout=240)
    # It exits with 1 when the run proves something unexpected, which tests below check.
    assert "Report: " in stdout, stdout + stderr
    return stdout, process.returncode


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """The module's two runs, started together, as each spends much of its time waiting for
    sessions to expire: "single" and "stores", each its output folder and process."""
    single = tmp_path_factory.mktemp("demo-report")
    stores = tmp_path_factory.mktemp("demo-stores")
    options = [option for store in STORES for option in ("--store", store)]
    runs = {
        "single": (single, start_demo(single, "--preview", str(single / "preview.png"))),
        "stores": (stores, start_demo(stores, "--https", "--only", "story", *options)),
    }
    yield runs
    for _, process in runs.values():
        process.communicate(timeout=240)  # a run no test read, if any


@pytest.fixture(scope="module")
def run(demos):
    """The demo on the cookie store alone, with the attacks and a preview: its output folder,
    printed progress and exit code."""
    out, process = demos["single"]
    return out, *finished(process)


@pytest.fixture(scope="module")
def report(run):
    """The report the run wrote, parsed."""
    out, _, _ = run
    return Report((out / "index.html").read_text())


def test_a_run_that_proves_what_was_expected_exits_0(run):
    _, printed, code = run
    assert code == 0, printed


def test_progress_names_each_step_and_persona(run):
    _, printed, _ = run
    assert "step 1/11 Arrive: Ana" in printed
    assert "step 7/11 Browser restart: Bruno" in printed


def test_report_has_a_cell_for_each_persona_and_step(report):
    assert len(report.personas) == PERSONAS
    assert len(report.cells) == PERSONAS * STEPS


def test_every_cell_has_its_screenshot(run, report):
    out, _, _ = run
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
    out, _, _ = run
    assert (out / "preview.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def compared(demos):
    """The demo's story on the cookie and redis stores side by side, over HTTPS: its output
    folder, printed progress and exit code."""
    out, process = demos["stores"]
    return out, *finished(process)


@pytest.fixture(scope="module")
def comparison(compared):
    """The two-store report, parsed."""
    out, _, _ = compared
    return Report((out / "index.html").read_text())


def test_a_comparison_that_proves_what_was_expected_exits_0(compared):
    _, printed, code = compared
    assert code == 0, printed


def test_comparison_prints_a_line_for_each_store(compared):
    _, printed, _ = compared
    lines = printed.splitlines()
    each = f"{PERSONAS} of {PERSONAS}"
    accepted = f"cookie: {each} copied cookies still accepted after the clear, until they expire"
    assert accepted in lines
    assert f"redis: {each} copied cookies refused after the clear" in lines


def test_comparison_prints_the_adds_sent_at_once_kept_on_each_store(compared, comparison):
    _, printed, _ = compared
    cookie = comparison.store_figures["cookie"]["at-once"]["value"]
    sent = len(PRODUCT_IDS) * PERSONAS
    line = f"20 at once: cookie: {cookie} kept; redis: {sent} of {sent} kept"
    assert line in printed.splitlines()


def test_adds_lost_on_the_cookie_store_are_its_documented_limit(comparison):
    assert comparison.store_figures["cookie"]["at-once"]["verdict"] == "limit"


def test_copies_accepted_on_the_cookie_store_are_its_documented_limit_not_a_failure(
    compared, comparison
):
    _, printed, _ = compared
    headline = next(line for line in printed.splitlines() if "users on each of 2 stores" in line)
    assert headline.endswith(", as configured.")
    assert comparison.store_figures["cookie"]["copies"]["verdict"] == "limit"


def test_comparison_has_a_column_for_each_persona_on_each_store(comparison):
    columns = {(cell["data-store"], cell["data-persona"]) for cell in comparison.cells}
    assert len(columns) == PERSONAS * len(STORES)
    assert len(comparison.cells) == PERSONAS * len(STORES) * STEPS


def test_a_copied_signed_cookie_still_works_after_the_clear(comparison):
    for cell in comparison.row("copy", "cookie"):
        assert cell["data-status"] == "recognised"
        assert comparison.email(cell["data-persona"]) in cell["text"]


def test_a_copied_redis_id_is_refused_after_the_clear(comparison):
    for cell in comparison.row("copy", "redis"):
        assert cell["data-status"] == "refused"
        assert comparison.email(cell["data-persona"]) not in cell["text"]


def test_the_signed_cookie_carries_the_session(comparison):
    for cell in comparison.row("inspector", "cookie"):
        email = comparison.email(cell["data-persona"])
        assert read_payload(cell["data-held"])["email"] == email


def test_the_redis_cookie_holds_only_an_id(comparison):
    assert {len(cell["data-held"]) for cell in comparison.row("inspector", "redis")} == {ID_LENGTH}


def test_redis_data_is_shown_from_its_record_on_the_server(comparison):
    for cell in comparison.row("inspector", "redis"):
        assert "on the server" in cell["text"]
        assert comparison.email(cell["data-persona"]) in cell["text"]


def test_the_redis_columns_say_where_its_records_live(comparison):
    assert re.search(r"127\.0\.0\.1:\d+ db 0", comparison.stores["redis"]["text"])


def test_https_starts_each_site_on_https(compared):
    _, printed, _ = compared
    sites = r"cookie at https://127\.0\.0\.1:\d+, redis at https://127\.0\.0\.1:\d+;"
    assert re.search(sites, printed)


def test_every_cookie_in_the_https_report_is_secure(compared):
    out, _, _ = compared
    flags = FLAG.findall((out / "index.html").read_text())
    assert flags
    assert set(flags) == {"Secure"}


def test_each_store_has_its_own_restart_and_expiry_figures(comparison):
    remembered = sum(th["data-remember"] == "yes" for th in comparison.personas.values())
    for store in STORES:
        figures = comparison.store_figures[store]
        assert figures["restart"]["value"] == f"{remembered} of {PERSONAS}"
        assert figures["expired"]["value"] == f"{PERSONAS} of {PERSONAS}"


def test_the_attacks_section_has_a_row_per_attack(report):
    assert list(report.attacks) == list(ATTACKS)
    assert all(list(cells) == ["cookie"] for cells in report.attacks.values())


def attack_cells(report, verdicts):
    """The attack cells whose verdict is one of verdicts, on every store."""
    cells = [cell for row in report.attacks.values() for cell in row.values()]
    return [cell for cell in cells if cell["data-verdict"] in verdicts]


def test_no_attack_gets_through_or_fails_to_run(report):
    assert attack_cells(report, ("through", "error")) == []


def test_each_attack_tried_shows_the_attackers_page_and_the_victims_session(run, report):
    out, _, _ = run
    tried = attack_cells(report, ("stopped", "limit"))
    assert tried
    for cell in tried:
        (image,) = cell["images"]
        assert (out / image).read_bytes().startswith(b"\x89PNG")
        assert "The victim's session afterwards" in cell["text"]


def test_the_attacks_line_counts_the_attacks_stopped(run, report):
    _, printed, _ = run
    cells = [row["cookie"] for row in report.attacks.values()]
    tried = [cell for cell in cells if cell["data-verdict"] != "not run"]
    stopped = sum(cell["data-verdict"] == "stopped" for cell in tried)
    line = f"{stopped} of {len(tried)} attacks stopped on the cookie store"
    assert any(printed_line.startswith(line) for printed_line in printed.splitlines())


def tried(slug, verdict):
    """A stand-in for the cell of an attack that was tried, with this verdict."""
    attack = ATTACKS.get(slug) or Attack(len(ATTACKS) + 1, "WSTG-SESS", slug, "", "")
    return AttackCell(attack, slug, verdict, "", {"email": EMAIL}, None, 1.0)


def test_the_attacks_line_names_a_store_limit_as_known():
    (slug, store), reason = next(iter(LIMITS.items()))
    others = [tried(other, "stopped") for other in ATTACKS if other != slug][:9]
    site = SimpleNamespace(store=store)
    summary = summarize_attacks([AttackRun(site, [*others, tried(slug, "limit")])])
    assert summary.lines == [f"9 of 10 attacks stopped on the cookie store: {reason}."]
    assert summary.ok


def test_an_attack_that_gets_through_fails_the_run():
    cells = [tried("forms", "through"), tried("framing", "stopped")]
    summary = summarize_attacks([AttackRun(SimpleNamespace(store="redis"), cells)])
    assert summary.lines == ["1 of 2 attacks stopped on Redis: Cross-site form posts got through."]
    assert not summary.ok


def test_a_preview_with_only_the_attacks_is_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--only", "attacks", "--preview", "preview.png"])
    assert "--preview" in capsys.readouterr().err


def test_store_defaults_to_the_cookie_alone():
    assert parse_args([]).store == ["cookie"]


def test_a_store_given_twice_plays_once():
    args = parse_args(["--store", "redis", "--store", "cookie", "--store", "redis"])
    assert args.store == ["redis", "cookie"]


def test_a_store_with_a_url_is_refused(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--url", "http://127.0.0.1:8000", "--store", "redis"])
    assert "--store" in capsys.readouterr().err


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


def seen(persona, status, cookie):
    """A stand-in for a cell: what one persona's browser held after a step, and how it fared."""
    return SimpleNamespace(
        persona=persona,
        status=status,
        held={"value": cookie},
        sent=None,
        text="",
        decoded=None,
        sent_decoded=None,
    )


def test_a_cookie_that_carried_a_session_in_another_users_browser_is_a_leak():
    ana, bruno = cast(2)
    cells = [seen(ana, "recognised", "ana's cookie"), seen(bruno, "none", "ana's cookie")]
    assert leaks([SimpleNamespace(personas=[ana, bruno], cells=cells)]) == {("ana's cookie", bruno)}


def test_the_same_empty_session_cookie_in_two_browsers_is_no_leak():
    ana, bruno = cast(2)
    cells = [seen(ana, "cleared", "empty session"), seen(bruno, "cleared", "empty session")]
    assert leaks([SimpleNamespace(personas=[ana, bruno], cells=cells)]) == set()


class Context:
    """A stand-in for a browser context with one session cookie and one persistent one."""

    def storage_state(self):
        """The state Playwright would save: cookies and local storage."""
        session = {"name": "session", "value": "a", "expires": -1}
        remembered = {"name": "remembered", "value": "b", "expires": 2_000_000_000}
        return {"cookies": [session, remembered], "origins": []}


def test_a_restart_keeps_only_cookies_with_an_expiry():
    assert [cookie["name"] for cookie in persistent_state(Context())["cookies"]] == ["remembered"]


def test_every_attack_of_the_attacker_site_has_an_attempt():
    """The catalogue's attacks and the attempts the demo and the e2e tests run are the same."""
    assert set(attempts()) == set(ATTACKS)
