"""What every page's layout needs: the visitor's email, cart count, language, theme and store."""

from flask import session
from flask_babel import get_locale

from . import stores
from .forms import LANGUAGES, THEMES
from .money import format_price


def current_theme():
    """The visitor's chosen theme, or the system's."""
    theme = session.get("theme")
    return theme if theme in THEMES else "system"


def layout_context():
    """Values the base template shows on every page."""
    return {
        "email": session.get("email"),
        "cart_count": sum(session.get("cart", {}).values()),
        "lang": str(get_locale()),
        "theme": current_theme(),
        "languages": LANGUAGES,
        "store": stores.current().name,
    }


def init_app(app):
    app.context_processor(layout_context)
    app.add_template_global(format_price)
