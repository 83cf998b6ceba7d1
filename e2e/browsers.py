"""Which browser build to launch: Playwright's own where installed, else the system's."""

from pathlib import Path

from .settings import SYSTEM_BROWSERS


class BrowserUnavailable(Exception):
    """Neither Playwright's build nor a system substitute of this browser is installed."""


def system_launch_args(name, headless):
    """Launch options that drive Debian's Chromium or Firefox ESR instead of Playwright's."""
    if name == "chromium":
        build = "chromium_headless" if headless else "chromium_headed"
        return {"executable_path": SYSTEM_BROWSERS[build]}
    if name == "firefox":
        # Firefox ESR speaks WebDriver BiDi, not Playwright's patched Juggler protocol.
        return {"channel": "moz-firefox", "executable_path": SYSTEM_BROWSERS["firefox"]}
    return {}


def launch_args(browser_type, headless=True):
    """Extra launch options for browser_type; raise BrowserUnavailable if it cannot run here."""
    if Path(browser_type.executable_path).exists():
        return {}
    extra = system_launch_args(browser_type.name, headless)
    if not Path(extra.get("executable_path", "")).is_file():
        raise BrowserUnavailable(
            f"{browser_type.name}: Playwright's build is not installed"
            f" ({browser_type.executable_path}) and no system {browser_type.name} is configured"
            " in playwright.config.toml [system_browsers] or installed there"
        )
    return extra
