"""Launch the demo's browser (the e2e suite's choice of build) and place its windows when headed."""

from e2e.browsers import launch_args, with_named_host


def launch(playwright, name, headless=True, slow_mo=0):
    """Start Chromium or Firefox, knowing the attacker site's host name as the suite's do."""
    browser_type = getattr(playwright, name)
    options = with_named_host(launch_args(browser_type, headless))
    return browser_type.launch(headless=headless, slow_mo=slow_mo, **options)


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
