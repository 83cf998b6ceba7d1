"""Play the story for every persona on every site, one step at a time, photographing each."""

import time
from dataclasses import dataclass, field
from pathlib import Path

from .browsers import place_window
from .cookies import TIMEOUT_SECONDS, Decoded, Decoder, RecordReader, held_cookie, sent_cookie
from .personas import Persona
from .sites import Site
from .steps import ACT_ONE, ACT_THREE, ACT_TWO, Step

VIEWPORT = {"width": 640, "height": 480}  # the report shows it at about half size
# A step's whole page is photographed this wide, where the cart is a table of one-row lines.
FULL_PAGE_WIDTH = 960
# A headed run gives each store two rows of windows: first browsers, then restarted ones.
ROWS_PER_STORE = 2
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
    """Where the story plays on one site: the browser, the site, its personas and their cells."""

    browser: object
    site: Site
    shots: Path
    headed: bool
    columns: int
    band: int = 0  # the site's place among the stores: its rows of windows when headed
    bands: int = 1
    actors: list[Actor] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)

    def __post_init__(self):
        # A signed cookie is decoded here; a server store's id is looked up on the server.
        self.decoder = (
            Decoder(self.site.key, self.site.lifetime)
            if self.site.client_side
            else RecordReader(self.site.url)
        )

    @property
    def url(self):
        return self.site.url

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
        context.set_default_timeout(TIMEOUT_SECONDS * 1000)
        page = context.new_page()
        if self.headed:
            rows = ROWS_PER_STORE * self.bands
            place_window(page, column, self.columns, self.band * ROWS_PER_STORE + row, rows)
        return Window(page, previous)

    def cast(self, personas):
        """Give each persona a first window on this site."""
        self.actors = [
            Actor(persona, column, {"first": self.open_window(column, 0)})
            for column, persona in enumerate(personas)
        ]


@dataclass
class Run:
    site: Site
    personas: list[Persona]
    steps: list[Step]
    cells: list[Cell]
    waited: bool

    @property
    def lifetime(self):
        return self.site.lifetime


def session_status(recognised, sent, previous, now, unrecognised="refused"):
    """How the persona's session fared in one step, in a word.

    previous is the last cell photographed in the same browser (for a
    restarted browser, the last one before the restart); unrecognised is the
    word for a cookie that was sent but no longer brings the persona's session.
    """
    if recognised:
        return "recognised"
    if sent:
        return unrecognised
    held = previous.held if previous else None
    if not held:
        return "none"
    if held["expires"] == -1:
        return "closed"
    return "expired" if held["expires"] <= now else "none"


def decode(stage, value):
    """A cookie value decoded, or None for no cookie."""
    return stage.decoder.decode(value) if value else None


def photograph(page, path, full_page):
    """Photograph what the window shows, or the whole page (FULL_PAGE_WIDTH wide unless the
    window is headed, whose size is the screen's)."""
    size = page.viewport_size
    wide = full_page and size is not None
    if wide:
        page.set_viewport_size({**size, "width": FULL_PAGE_WIDTH})
    page.screenshot(path=path, full_page=full_page)
    if wide:
        page.set_viewport_size(size)


def snapshot(stage, actor, step, row):
    """Photograph the step's window and note its cookies and what the page shows."""
    window = actor.windows[step.window]
    page = window.page
    name = f"{row:02d}-{step.key}-{stage.site.store}-{actor.persona.slug}.png"
    screenshot = stage.shots / name
    if step.focus and step.focus(page).count():
        step.focus(page).first.scroll_into_view_if_needed()
    photograph(page, screenshot, step.full_page)
    header = page.get_by_test_id("header-email").inner_text()
    held = held_cookie(page.context, stage.url)
    sent = sent_cookie(window.navigation)
    now = time.time()
    recognised = actor.persona.email in header
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
        status=session_status(recognised, sent, window.last, now, step.unrecognised),
        at=now,
    )
    window.last = cell
    return cell


def turns(actors, steps, persona_by_persona):
    """(step, actor) pairs in playing order: step by step, or persona by persona."""
    if persona_by_persona:
        return [(step, actor) for actor in actors for step in steps]
    return [(step, actor) for step in steps for actor in actors]


def perform(stage, steps, story_steps, progress, persona_by_persona=False):
    """Play steps on one site, photographing each, numbered by their place in story_steps."""
    for step, actor in turns(stage.actors, steps, persona_by_persona):
        row = story_steps.index(step) + 1
        store = f" ({stage.site.store})" if stage.bands > 1 else ""
        progress(f"step {row}/{len(story_steps)} {step.title}: {actor.persona.name}{store}")
        step.act(stage, actor)
        stage.cells.append(snapshot(stage, actor, step, row))


def wait_out(lifetime, progress, meanwhile=None):
    """Sleep until sessions written before now have outlived the lifetime, doing meanwhile
    (a function) first, if given."""
    until = time.monotonic() + lifetime + MARGIN_SECONDS
    if meanwhile:
        meanwhile()
    left = until - time.monotonic()
    if left > 0:
        more = " more" if meanwhile else ""
        progress(f"waiting {left:.0f} s{more} for the {lifetime}-second lifetime to pass")
        time.sleep(left)


def run(stages, personas, progress, meanwhile=None):
    """Play the whole story on every site, doing meanwhile (a function) while the lifetime
    passes, or at the end if it is not waited for; return one Run a site."""
    for stage in stages:
        stage.cast(personas)
    lifetime = max(stage.site.lifetime for stage in stages)
    waited = lifetime <= MAX_WAIT_SECONDS
    if not waited:
        progress(f"the sessions live {lifetime} s: too long to wait for")
    acts = [ACT_ONE, ACT_TWO, ACT_THREE] if waited else [ACT_ONE, ACT_THREE]
    steps = [step for act in acts for step in act]
    for act in acts:
        if act is ACT_TWO:
            wait_out(lifetime, progress, meanwhile)
        # One site after the other, so that no session waits on another site's steps;
        # and the copy is used right after the clear, well within the cookie's lifetime.
        for stage in stages:
            perform(stage, act, steps, progress, persona_by_persona=act is ACT_THREE)
    if meanwhile and not waited:
        meanwhile()
    return [Run(stage.site, personas, steps, stage.cells, waited) for stage in stages]
