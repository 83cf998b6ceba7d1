"""Translation: the visitor's chosen language, else the browser's Accept-Language."""

from functools import lru_cache

from babel import Locale
from flask import request, session
from flask_babel import Babel, force_locale, get_locale, get_translations
from markupsafe import Markup

from .forms import LANGUAGES

babel = Babel()
# Parsed once: Flask-Babel would parse the selector's answer again on every request.
LOCALES = {language: Locale.parse(language) for language in LANGUAGES}


def select_locale():
    """A language chosen in the session wins over the browser's preference."""
    chosen = session.get("lang")
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES) or "en"
    return LOCALES[chosen]


class Translator:
    """_() for the pages of one language: what Flask-Babel's template gettext does, faster.

    Flask-Babel's looks the translations up again for every string, and Jinja
    wraps it twice; a page has a dozen strings, a full cart over a hundred. Jinja
    calls a plain callable such as this one directly, where a function that takes
    the template's context gets a copy of it for each call made inside a loop.
    """

    def __init__(self, translations):
        self.translations = translations
        # Each string's translation, looked up once; templates pass only literal strings.
        self.markup = {}

    def __call__(self, string, **variables):
        text = self.markup.get(string)
        if text is None:
            # Trusted markup, as Jinja's gettext makes it: every template here is HTML.
            text = self.markup[string] = Markup(self.translations.ugettext(string))
        # Formatting with no variables changes nothing but "%%", which Jinja's
        # gettext turns into "%".
        return text % variables if variables or "%" in text else text

    def literal(self, string):
        """_(string) with no variables, as plain text: what a template shows for it."""
        return str(self(string))


@lru_cache(maxsize=16)
def translator(language):
    """The Translator for language, made once."""
    with force_locale(language):
        return Translator(get_translations())


def page_language():
    """The page's language, and _() in it, looked up once per rendered page.

    Macros imported without the page's context use Flask-Babel's _() instead, for
    strings with variables: fixed strings are compiled in (templating.TranslateLiterals).
    """
    language = str(get_locale())
    return {"lang": language, "_": translator(language)}


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
