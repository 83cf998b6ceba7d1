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


def system_build(name, headless):
    """The system browser that stands in for Playwright's build of name, or None."""
    if name == "chromium":
        return SYSTEM_BROWSERS["chromium_headless" if headless else "chromium_headed"]
    return SYSTEM_BROWSERS.get(name)


def system_launch_args(name, build):
    """Launch options that drive the system browser build instead of Playwright's."""
    if name == "firefox":
        # Firefox ESR speaks WebDriver BiDi, not the protocol of Playwright's patched Firefox.
        return {"channel": "moz-firefox", "executable_path": build}
    return {"executable_path": build}


# A name for 127.0.0.1 that only the browsers the suite launches know. Browsers count
# 127.0.0.1 and localhost as secure even over plain HTTP, and send Secure cookies there;
# this name is an ordinary host to them, as a deployment's is (test_https.py).
NAMED_HOST = "sessionlab.test"
# Another name for 127.0.0.1, for the attacker site (attacker/): another site to the
# browser than 127.0.0.1 or NAMED_HOST, so its requests to them are cross-site.
ATTACKER_HOST = "attacker.test"
NAMED_HOSTS = (NAMED_HOST, ATTACKER_HOST)


def with_named_host(launch_args):
    """launch_args plus NAMED_HOSTS mapped to 127.0.0.1; each browser ignores the other's option.

    Every browser gets it, rather than a browser of its own for the tests that use the
    name: a Firefox launched again for them, and again after them, cost seconds a switch.
    """
    return {
        **launch_args,
        "args": [
            *launch_args.get("args", []),
            "--host-resolver-rules=" + ", ".join(f"MAP {host} 127.0.0.1" for host in NAMED_HOSTS),
        ],
        "firefox_user_prefs": {
            **launch_args.get("firefox_user_prefs", {}),
            "network.dns.localDomains": ",".join(NAMED_HOSTS),
        },
    }


def launch_args(browser_type, headless=True):
    """Extra launch options for browser_type; raise BrowserUnavailable if it cannot run here."""
    name, own_build = browser_type.name, browser_type.executable_path
    if Path(own_build).exists():
        return {}
    build = system_build(name, headless)
    if not build:
        raise BrowserUnavailable(
            f"{name}: Playwright's build is not installed ({own_build}) and there is no system"
            f" {name} to use instead; `playwright install {name}` installs it where Playwright's"
            " download server can be reached"
        )
    if not Path(build).is_file():
        raise BrowserUnavailable(
            f"{name}: neither Playwright's build ({own_build}) nor the system's"
            f" ({build}, see playwright.config.toml) is installed"
        )
    return system_launch_args(name, build)


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
