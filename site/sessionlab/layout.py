"""What every page's layout needs: the visitor's email, cart count, language and theme."""

from flask import session
from flask_babel import get_locale

from .forms import LANGUAGES, THEMES
from .money import format_price


def layout_context():
    """Values the base template shows on every page."""
    theme = session.get("theme")
    return {
        "email": session.get("email"),
        "cart_count": sum(session.get("cart", {}).values()),
        "lang": str(get_locale()),
        "theme": theme if theme in THEMES else "system",
        "languages": LANGUAGES,
    }


def init_app(app):
    app.context_processor(layout_context)
    app.add_template_global(format_price)
