"""Which browser build to launch: Playwright's own where installed, else the system's."""

import functools
from pathlib import Path

from playwright.sync_api import sync_playwright

from .settings import SYSTEM_BROWSERS

NAMES = ("chromium", "firefox", "webkit")
# From the slowest to the fastest per test step here (Firefox over WebDriver BiDi is slowest).
SLOWEST_FIRST = ("firefox", "webkit", "chromium")


class BrowserUnavailable(Exception):
    """Neither Playwright's build nor a system substitute of this browser is installed."""


def system_launch_args(name, headless):
    """Launch options that drive Debian's Chromium or Firefox ESR instead of Playwright's."""
    if name == "chromium":
        build = "chromium_headless" if headless else "chromium_headed"
        return {"executable_path": SYSTEM_BROWSERS[build]}
    if name == "firefox":
        # Firefox ESR speaks WebDriver BiDi, not the protocol of Playwright's patched Firefox.
        return {"channel": "moz-firefox", "executable_path": SYSTEM_BROWSERS["firefox"]}
    return {}


def over_bidi(launch_args):
    """Whether a browser launched with launch_args is driven over WebDriver BiDi."""
    return launch_args.get("channel", "").startswith("moz-")


def launch_args(browser_type, headless=True):
    """Extra launch options for browser_type; raise BrowserUnavailable if it cannot run here."""
    name, own_build = browser_type.name, browser_type.executable_path
    if Path(own_build).exists():
        return {}
    extra = system_launch_args(name, headless)
    if not extra:
        raise BrowserUnavailable(
            f"{name}: Playwright's build is not installed ({own_build}) and there is no system"
            f" {name} to use instead; `playwright install {name}` installs it where Playwright's"
            " download server can be reached"
        )
    if not Path(extra["executable_path"]).is_file():
        raise BrowserUnavailable(
            f"{name}: neither Playwright's build ({own_build}) nor the system's"
            f" ({extra['executable_path']}, see playwright.config.toml) is installed"
        )
    return extra


@functools.cache
def unavailable(headless):
    """{browser name: why it cannot run here}, for each browser that cannot."""
    reasons = {}
    with sync_playwright() as playwright:
        for name in NAMES:
            try:
                launch_args(getattr(playwright, name), headless)
            except BrowserUnavailable as error:
                reasons[name] = str(error)
    return reasons
