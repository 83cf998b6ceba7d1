"""Translation: the visitor's chosen language, else the browser's Accept-Language."""

from babel import Locale
from flask import request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from .forms import LANGUAGES

babel = Babel()
PAGE_TRANSLATIONS = "_page_translations"


# Parsed once: Flask-Babel would parse the selector's answer again on every request.
LOCALES = {language: Locale.parse(language) for language in LANGUAGES}


def select_locale():
    """A language chosen in the session wins over the browser's preference."""
    chosen = session.get("lang")
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES) or "en"
    return LOCALES[chosen]


# Translations by language, kept here too: Flask-Babel's own lookup took 7 µs a page.
TRANSLATIONS = {}


def page_language():
    """The page's language, and its translations, looked up once per rendered page."""
    language = str(get_locale())
    if language not in TRANSLATIONS:
        TRANSLATIONS[language] = get_translations()
    return {"lang": language, PAGE_TRANSLATIONS: TRANSLATIONS[language]}


def translations_of(context):
    """The page's translations; macros imported without context look them up again."""
    return context.get(PAGE_TRANSLATIONS) or get_translations()


def from_page(method):
    """A template gettext function that calls method on the page's translations.

    Flask-Babel's own looks the translations up again for every string: 15% of
    /get_email's time, more on pages with many strings.
    """

    @pass_context
    def translate(context, *args):
        return getattr(translations_of(context), method)(*args)

    return translate


@pass_context
def gettext(context, string, **variables):
    """_() in templates: what Jinja's newstyle gettext does, in one call instead of three.

    A page has a dozen or more of these, and Jinja's own went through two wrappers.
    """
    text = translations_of(context).ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # translations are trusted, as Jinja trusts them
    # Formatting with no variables changes nothing but "%%" (which Jinja's gettext
    # turns into "%"), and a Markup takes a microsecond to format.
    return text % variables if variables or "%" in text else text


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(page_language)
    app.jinja_env.install_gettext_callables(
        gettext=from_page("ugettext"),
        ngettext=from_page("ungettext"),
        pgettext=from_page("upgettext"),
        npgettext=from_page("unpgettext"),
        newstyle=True,
    )
    app.jinja_env.globals["_"] = gettext
