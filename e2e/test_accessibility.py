"""axe-core finds no violation on any page, in any state, language or theme.

In Chromium only, and on one store, to keep the suite fast; the inspector, whose markup
differs on a server store, once more there.
"""

import pytest
from playwright.sync_api import expect

from . import axe
from .actions import put_email
from .tour import inspector, tour

LOCALES = {"en": "en-US", "es": "es-ES", "fr": "fr-FR", "de": "de-DE"}
# Each theme only swaps colours (light-dark() in style.css): the dark pass needs only the
# rules about colour. Colours do not change with the language: one language checks them,
# the others every other rule, in the light theme.
THEMES = {"light": {}, "dark": {"rules": axe.COLOUR_RULES}}
COLOUR_LANGUAGE = "en"
OTHER_LANGUAGES = {"light": {"skip": axe.COLOUR_RULES}}

pytestmark = pytest.mark.only_browser("chromium")


def violations_in_each_theme(page, state, themes=THEMES):
    """{"state, theme": axe's report} for each theme in which axe finds something."""
    found = {}
    for theme, options in themes.items():
        page.emulate_media(color_scheme=theme)
        if report := axe.check(page, **options):
            found[f"{state}, {theme}"] = report
    return found


@pytest.mark.one_store
@pytest.mark.parametrize("language", LOCALES)
def test_no_page_in_any_state_has_violations(new_context, language):
    """The whole tour (forms refused, 404, full cart…) in one language: in English every rule,
    light and dark; in the others every rule but those about colour, light."""
    context = new_context(locale=LOCALES[language])
    axe.load_in_every_page(context)
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    themes = THEMES if language == COLOUR_LANGUAGE else OTHER_LANGUAGES
    found = {}
    for state in tour(page):
        found |= violations_in_each_theme(page, state, themes)
    assert not found, "\n".join(f"{where}:\n{report}" for where, report in found.items())


@pytest.mark.server_stores
def test_inspector_on_a_server_store_has_no_violations(page):
    """The inspector showing a record on the server, and refusing a value, light and dark."""
    put_email(page.context, "ada@example.com")
    axe.load_in_every_page(page.context)
    found = {}
    for state in inspector(page):
        found |= violations_in_each_theme(page, state)
    assert not found, "\n".join(f"{where}:\n{report}" for where, report in found.items())
