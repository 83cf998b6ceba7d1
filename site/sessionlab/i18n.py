"""Translation: the visitor's chosen language, else the browser's Accept-Language."""

from flask import request, session
from flask_babel import Babel, get_translations
from jinja2 import pass_context

from .forms import LANGUAGES

babel = Babel()
PAGE_TRANSLATIONS = "_page_translations"


def select_locale():
    """A language chosen in the session wins over the browser's preference."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def page_translations():
    """Look the translations up once per rendered page."""
    return {PAGE_TRANSLATIONS: get_translations()}


def from_page(method):
    """A template gettext function that calls method on the page's translations.

    Flask-Babel's own looks the translations up again for every string: 15% of
    /get_email's time, more on pages with many strings. Macros imported without
    context do not see the page's, so they look them up as before.
    """

    @pass_context
    def translate(context, *args):
        translations = context.get(PAGE_TRANSLATIONS) or get_translations()
        return getattr(translations, method)(*args)

    return translate


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(page_translations)
    app.jinja_env.install_gettext_callables(
        gettext=from_page("ugettext"),
        ngettext=from_page("ungettext"),
        pgettext=from_page("upgettext"),
        npgettext=from_page("unpgettext"),
        newstyle=True,
    )
