"""Launch the demo's browser and place its windows side by side when headed."""

from pathlib import Path

# Debian's builds, used where Playwright's own are not installed; Chromium's by headless.
DEBIAN_CHROMIUM = {
    True: "/usr/lib/chromium/chromium-headless-shell",
    False: "/usr/lib/chromium/chromium",
}
DEBIAN_FIREFOX = {"channel": "moz-firefox", "executable_path": "/usr/bin/firefox-esr"}


def launch_options(browser_type, headless):
    """Nothing for Playwright's own build if it is installed, else where Debian's is."""
    if Path(browser_type.executable_path).exists():
        return {}
    if browser_type.name == "firefox":
        return DEBIAN_FIREFOX
    return {"executable_path": DEBIAN_CHROMIUM[headless]}


def launch(playwright, name, headless=True, slow_mo=0):
    """Start Chromium or Firefox."""
    browser_type = getattr(playwright, name)
    return browser_type.launch(
        headless=headless, slow_mo=slow_mo, **launch_options(browser_type, headless)
    )


def place_window(page, column, columns, row, rows=2):
    """Move page's window to one cell of a columns × rows grid over the screen.

    Only Chromium lets a client move its windows (through CDP); Firefox's
    windows open where Firefox puts them.
    """
    if page.context.browser.browser_type.name != "chromium":
        return
    width, height = page.evaluate("[screen.availWidth, screen.availHeight]")
    cdp = page.context.new_cdp_session(page)
    window = cdp.send("Browser.getWindowForTarget")["windowId"]
    bounds = {
        "left": column * width // columns,
        "top": row * height // rows,
        "width": width // columns,
        "height": height // rows,
    }
    cdp.send("Browser.setWindowBounds", {"windowId": window, "bounds": bounds})
    cdp.detach()
