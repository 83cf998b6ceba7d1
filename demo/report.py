"""Write the run as a self-contained HTML report: a column a persona and store, a row a step."""

import json
import time
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from e2e import victim

from .cookies import cookie_size

TEMPLATES = Path(__file__).parent / "templates"
STATUS_LABELS = {
    "recognised": "Session recognised",
    "refused": "Cookie sent, refused by the server",
    "expired": "Cookie expired in the browser",
    "closed": "Cookie ended with the browser",
    "cleared": "Session cleared by the user",
    "none": "No session cookie sent",
}
VERDICTS = {
    "valid": "signature valid",
    "expired": "signed longer ago than the lifetime: the server refuses it",
    "bad signature": "bad signature: the server refuses it",
    "unverified": "signature not checked (the server's key is unknown)",
    "record": "the server holds a record for this id",
    "no record": "the server holds nothing for this id",
}
VERDICT_LABELS = {
    "stopped": "Stopped",
    "limit": "Got through: the store's known limit",
    "through": "Got through",
    "not run": "Not run",
    "error": "Failed to run",
}
STORE_NAMES = {"cookie": "Signed cookie", "redis": "Redis", "cachelib": "CacheLib files"}
# The rows the preview shows: what survived a restart, what the lifetime ended,
# and what a copied cookie was worth after the clear.
PREVIEW_STEPS = ("restart", "expired-first", "copy")
# Longer strings in a payload (CSRF tokens) are cut, to keep the cells narrow.
LONGEST_SHOWN = 24


def clock(timestamp):
    """A Unix time as the local time of day."""
    return time.strftime("%H:%M:%S", time.localtime(timestamp))


def expiry(cookie, now):
    """When the browser will drop the cookie, as of now."""
    if cookie["expires"] == -1:
        return "until the browser closes"
    if cookie["expires"] <= now:
        return f"expired at {clock(cookie['expires'])}: no longer sent"
    return f"until {clock(cookie['expires'])} (in {round(cookie['expires'] - now)} s)"


def flags(cookie):
    """The cookie's security attributes, as short labels."""
    return [
        "HttpOnly" if cookie["httpOnly"] else "not HttpOnly",
        f"SameSite={cookie['sameSite']}",
        "Secure" if cookie["secure"] else "not Secure",
    ]


def shorten(value):
    """A long string cut to its start and an ellipsis; anything else as it is."""
    if isinstance(value, str) and len(value) > LONGEST_SHOWN:
        return value[: LONGEST_SHOWN // 2] + "…"
    return value


def payload_lines(payload):
    """A payload as one "key": value line a key, long strings cut short."""
    return [
        f"{json.dumps(key)}: {json.dumps(shorten(value), ensure_ascii=False, default=str)}"
        for key, value in payload.items()
    ]


def visitor_data(data):
    """Session data without the site's bookkeeping keys (those starting with _)."""
    return {key: value for key, value in data.items() if not key.startswith("_")}


def environment():
    """The Jinja environment of the report's template, with its helpers."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
    env.filters.update(clock=clock, payload_lines=payload_lines, visitor_data=visitor_data)
    env.globals.update(
        expiry=expiry,
        flags=flags,
        cookie_size=cookie_size,
        statuses=STATUS_LABELS,
        verdicts=VERDICTS,
        store_names=STORE_NAMES,
        verdict_labels=VERDICT_LABELS,
    )
    return env


def write(runs, summary, facts, out, attack_runs=(), attack_summary=None):
    """Render the report into out/index.html and return its path."""
    steps = runs[0].steps if runs else []  # every store plays the same steps
    rows = [
        (step, [(run, cell) for run in runs for cell in run.cells if cell.step == step])
        for step in steps
    ]
    # One row an attack, one cell a store: every store tries the same attacks in order.
    attack_rows = [list(cells) for cells in zip(*(run.cells for run in attack_runs), strict=True)]
    html = (
        environment()
        .get_template("report.html")
        .render(
            runs=runs,
            summary=summary,
            facts=facts,
            rows=rows,
            out=out,
            attack_runs=attack_runs,
            attack_summary=attack_summary,
            attack_rows=attack_rows,
            victim=victim,
        )
    )
    path = out / "index.html"
    path.write_text(html)
    return path


def preview(browser, report, picture):
    """Save a small picture of the report's summary and a few of its rows, for a README."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=0.75)
    page = context.new_page()
    page.goto(report.resolve().as_uri())
    shown = "".join(f":not([data-step={step}])" for step in PREVIEW_STEPS)
    page.add_style_tag(content=f"tbody tr{shown}, .attacks {{ display: none; }}")
    page.set_viewport_size({"width": page.evaluate("document.body.scrollWidth"), "height": 800})
    page.screenshot(path=picture, full_page=True)
    context.close()
