"""What every page's layout needs: the visitor's email, cart count, theme and store, and the
site's navigation in the page's language."""

from dataclasses import dataclass, replace
from functools import lru_cache
from types import SimpleNamespace

from flask import request, session, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from . import stores
from .forms import LANGUAGES, THEMES
from .i18n import page_language


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    current_for: tuple  # the endpoints on whose pages this link is marked as the current page
    counts_cart: bool = False  # shows the number of items in the cart
    href: str = ""  # the link's address, once built


NAVIGATION = (
    NavLink(
        "greeting.get_email",
        _l("Greeting"),
        ("greeting.get_email", "greeting.set_email", "greeting.delete_email"),
    ),
    NavLink("inspector.show", _l("Session inspector"), ("inspector.show",)),
    NavLink("cart.products", _l("Products"), ("cart.products",)),
    NavLink("cart.show", _l("Cart"), ("cart.show",), counts_cart=True),
    NavLink("preferences.edit", _l("Preferences"), ("preferences.edit",)),
)
WORDS = {
    "skip": _l("Skip to content"),
    "email": _l("Email:"),
    "no_email": _l("No email in this session"),
    "main": _l("Main"),
}


@lru_cache(maxsize=64)
def site_layout(language, script_root):
    """The layout's words and links in one language, translated and built once.

    They are the same for every visitor, so nine translations and eight links are
    not made again on every page. Translations are trusted markup, as Jinja's gettext
    treats them. Objects rather than dicts: Jinja looks for an attribute first, and a
    dict's missing one raises an error.
    """
    with force_locale(language):
        words = SimpleNamespace(**{name: Markup(text) for name, text in WORDS.items()})
        navigation = [
            replace(link, label=Markup(link.label), href=url_for(link.endpoint))
            for link in NAVIGATION
        ]
    links = SimpleNamespace(
        home=url_for("home.index"),
        icon=url_for("static", filename="favicon.svg"),
        style=url_for("static", filename="style.css"),
    )
    return {"words": words, "navigation": navigation, "links": links}


def current_theme():
    """The visitor's chosen theme, or the system's."""
    theme = session.get("theme")
    return theme if theme in THEMES else "system"


def layout_context():
    """Values the base template shows on every page, and the page's language and _()."""
    page = page_language()  # the page's "lang" and its "_"
    return {
        "email": session.get("email"),
        "cart_count": sum(session.get("cart", {}).values()),
        "theme": current_theme(),
        "languages": LANGUAGES,
        "store": stores.current().name,
        **page,
        **site_layout(page["lang"], request.script_root),
    }


def init_app(app):
    app.context_processor(layout_context)
