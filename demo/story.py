"""Play the story for every persona, one step at a time, photographing each step."""

import json
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .browsers import place_window
from .cookies import COOKIE_NAME, Decoded, Decoder, held_cookie, sent_cookie
from .personas import Persona
from .steps import ACT_ONE, ACT_TWO, Step

VIEWPORT = {"width": 640, "height": 480}  # the report shows it at about half size
TIMEOUT_MS = 30_000  # other browsers and servers share the machine: be patient
# Past the lifetime, wait this much longer: the server counts whole seconds.
MARGIN_SECONDS = 2
# A server whose sessions live longer than this is not waited for.
MAX_WAIT_SECONDS = 300


@dataclass
class Cell:
    """What one persona's browser showed and held after one step."""

    persona: Persona
    step: Step
    screenshot: Path
    url: str
    text: str
    held: dict | None
    decoded: Decoded | None
    sent: str | None
    sent_decoded: Decoded | None
    status: str
    at: float


class Window:
    """One browser window of a persona, noting the page loads it makes."""

    def __init__(self, page, previous=None):
        self.page = page
        self.last = previous  # the last Cell photographed in it (or in the browser before it)
        self.navigation = None
        page.on("request", self.note)

    def note(self, request):
        """Remember the request that loads this window's page."""
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigation = request


@dataclass
class Actor:
    persona: Persona
    column: int
    windows: dict[str, Window] = field(default_factory=dict)

    def page(self, window):
        """The page of the persona's "first" or "restarted" window."""
        return self.windows[window].page


@dataclass
class Stage:
    """Where the story plays: the browser, the site, the report's folder."""

    browser: object
    url: str
    shots: Path
    decoder: Decoder
    headed: bool
    columns: int

    def open_window(self, column, row, previous=None, storage_state=None):
        """A window in a new browser context, placed in the headed grid."""
        size = {"no_viewport": True} if self.headed else {"viewport": VIEWPORT}
        context = self.browser.new_context(
            base_url=self.url,
            locale="en-US",  # every persona starts in English and picks a language
            color_scheme="light",
            storage_state=storage_state,
            ignore_https_errors=True,  # --https serves a throw-away certificate
            **size,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        if self.headed:
            place_window(page, column, self.columns, row)
        return Window(page, previous)


@dataclass
class Run:
    personas: list[Persona]
    steps: list[Step]
    cells: list[Cell]
    lifetime: int
    waited: bool


def session_status(recognised, sent, previous, now):
    """How the persona's session fared in one step, in a word.

    previous is the last cell photographed in the same browser (for a
    restarted browser, the last one before the restart).
    """
    if recognised:
        return "recognised"
    if sent:
        return "refused"
    held = previous.held if previous else None
    if not held:
        return "none"
    if held["expires"] == -1:
        return "closed"
    return "expired" if held["expires"] <= now else "none"


def decode(stage, value):
    """A cookie value decoded, or None for no cookie."""
    return stage.decoder.decode(value) if value else None


def snapshot(stage, actor, step, row):
    """Photograph the step's window and note its cookies and what the page shows."""
    window = actor.windows[step.window]
    page = window.page
    screenshot = stage.shots / f"{row:02d}-{step.key}-{actor.persona.slug}.png"
    if step.focus and step.focus(page).count():
        step.focus(page).scroll_into_view_if_needed()
    page.screenshot(path=screenshot)
    header = page.get_by_test_id("header-email").inner_text()
    held = held_cookie(page.context, stage.url)
    sent = sent_cookie(window.navigation)
    now = time.time()
    cell = Cell(
        persona=actor.persona,
        step=step,
        screenshot=screenshot,
        url=page.url,
        text=page.locator("body").inner_text(),
        held=held,
        decoded=decode(stage, held["value"]) if held else None,
        sent=sent,
        sent_decoded=decode(stage, sent),
        status=session_status(actor.persona.email in header, sent, window.last, now),
        at=now,
    )
    window.last = cell
    return cell


def perform(stage, actors, steps, first_row, progress):
    """Play steps for every persona in turn, one step at a time; return the cells."""
    cells = []
    last_row = len(ACT_ONE) + len(ACT_TWO)
    for row, step in enumerate(steps, start=first_row):
        for actor in actors:
            progress(f"step {row}/{last_row} {step.title}: {actor.persona.name}")
            step.act(stage, actor)
            cells.append(snapshot(stage, actor, step, row))
    return cells


def ask_lifetime(url, cookie_value):
    """The session lifetime, in seconds, that the server reports for a cookie."""
    request = urllib.request.Request(
        f"{url}/session.json", headers={"Cookie": f"{COOKIE_NAME}={cookie_value}"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_MS / 1000) as response:
        return json.load(response)["cookie"]["lifetime_seconds"]


def run(stage, personas, lifetime, progress):
    """Play the whole story; lifetime None means: ask the server."""
    actors = [
        Actor(persona, column, {"first": stage.open_window(column, 0)})
        for column, persona in enumerate(personas)
    ]
    cells = perform(stage, actors, ACT_ONE, 1, progress)
    if lifetime is None:
        lifetime = ask_lifetime(stage.url, actors[0].windows["first"].last.held["value"])
    if lifetime > MAX_WAIT_SECONDS:
        progress(f"the sessions live {lifetime} s: too long to wait for")
        return Run(personas, list(ACT_ONE), cells, lifetime, waited=False)
    progress(f"waiting {lifetime + MARGIN_SECONDS} s for the {lifetime}-second lifetime to pass")
    time.sleep(lifetime + MARGIN_SECONDS)
    cells += perform(stage, actors, ACT_TWO, len(ACT_ONE) + 1, progress)
    return Run(personas, [*ACT_ONE, *ACT_TWO], cells, lifetime, waited=True)
