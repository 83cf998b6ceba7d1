"""What every page's layout needs: the visitor's email, cart count, language, theme and store."""

from functools import lru_cache

from flask import request, session, url_for

from . import stores
from .forms import LANGUAGES, THEMES
from .money import format_page_price, page_currency


def current_theme():
    """The visitor's chosen theme, or the system's."""
    theme = session.get("theme")
    return theme if theme in THEMES else "system"


def layout_context():
    """Values the base template shows on every page."""
    return {
        "email": session.get("email"),
        "cart_count": sum(session.get("cart", {}).values()),
        "theme": current_theme(),
        "languages": LANGUAGES,
        "store": stores.current().name,
    }


@lru_cache(maxsize=256)
def link(script_root, endpoint, *values):
    """The address of endpoint under script_root, built once."""
    return url_for(endpoint, **dict(values))


def template_url_for(endpoint, **values):
    """url_for for templates, with each link built once rather than on every page.

    The layout alone has eight links, and Werkzeug's URL builder took ~4 µs for
    each. A link depends only on where the site is mounted (script_root), except
    for relative endpoints and url_for's own options, which are built each time.
    """
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    return link(request.script_root, endpoint, *sorted(values.items()))


def init_app(app):
    app.context_processor(layout_context)
    app.context_processor(page_currency)
    app.add_template_global(format_page_price, "format_price")
    app.add_template_global(template_url_for, "url_for")
