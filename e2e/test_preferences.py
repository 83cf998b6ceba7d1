"""Language, currency and theme: the browser's defaults until the visitor chooses.

That a saved choice is kept is the store's part, and test_preferences_survive_a_reload
proves it on every store; how the browser's locale or dark mode shows, or a theme is drawn,
is the same on any store (marker one_store).
"""

import re

import pytest
from playwright.sync_api import expect

from .actions import save_preferences

# The page background of each theme in static/style.css.
DARK_BACKGROUND = "rgb(15, 17, 23)"
LIGHT_BACKGROUND = "rgb(247, 247, 251)"


def dark_system(test):
    """Run test in a browser whose system is in dark mode (on one store)."""
    # Chromium takes dark mode from the context's color_scheme. Firefox over
    # WebDriver BiDi ignores that, so it gets a browser of its own, launched
    # with the preference (pytest-playwright's per-test launch options). One
    # xdist group, so that one worker runs them in a row: each switch between
    # that browser and the usual one launches a browser again (seconds in Firefox).
    test = pytest.mark.browser_context_args(color_scheme="dark")(test)
    test = pytest.mark.xdist_group("dark-system")(test)
    test = pytest.mark.one_store(test)
    return pytest.mark.parametrize(
        "browser_type_launch_args",
        [{"firefox_user_prefs": {"ui.systemUsesDarkTheme": 1}}],
        indirect=True,
        ids=["dark-system"],
    )(test)


@pytest.mark.one_store
@pytest.mark.browser_context_args(locale="fr-FR")
def test_french_browser_gets_french_by_default(page):
    """With no language chosen, the browser's French locale picks French pages."""
    page.goto("/preferences")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Préférences")


@pytest.mark.browser_context_args(locale="fr-FR")
def test_chosen_language_overrides_the_browsers(page):
    """A language saved in the preferences wins over the browser's locale."""
    save_preferences(page, language="de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Einstellungen")


@pytest.mark.one_store
@pytest.mark.parametrize(
    ("locale", "price"),
    [
        ("en-US", r"€1,135\.74"),
        ("fr-FR", r"1\s135,74\s€"),
        ("de-DE", r"1\.135,74\s€"),
    ],
)
def test_currency_format_follows_the_locale(new_context, locale, price):
    """The same price in euros is written the way the browser's locale writes it."""
    page = new_context(locale=locale).new_page()
    save_preferences(page, currency="EUR")
    expect(page.get_by_role("main")).to_contain_text(re.compile(price))


@pytest.mark.browser_context_args(locale="fr-FR")
def test_preferences_survive_a_reload(page):
    """Saved language, currency and theme are all still there after a reload."""
    save_preferences(page, language="es", currency="JPY", theme="dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("select[name=currency]")).to_have_value("JPY")
    expect(page.get_by_role("main")).to_contain_text("185.175 JPY")


@dark_system
def test_dark_system_gets_the_dark_theme(page):
    """Until the visitor picks a theme, a system in dark mode gets dark pages."""
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-theme", "system")
    expect(page.locator("body")).to_have_css("background-color", DARK_BACKGROUND)


@dark_system
def test_picking_light_overrides_a_dark_system(page):
    """A light theme saved in the preferences beats the system's dark mode, reloads included."""
    save_preferences(page, theme="light")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(page.locator("body")).to_have_css("background-color", LIGHT_BACKGROUND)
