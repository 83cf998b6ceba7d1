"""Translation: the visitor's chosen language, else the browser's Accept-Language."""

from flask import request, session
from flask_babel import Babel

from .forms import LANGUAGES

babel = Babel()


def select_locale():
    """A language chosen in the session wins over the browser's preference."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)
