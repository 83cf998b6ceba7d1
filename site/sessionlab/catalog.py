"""The product catalogue. Prices are in US dollars, the base currency."""

from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    description: str
    price: Decimal
    colour: str
    monogram: str


# One product a line: a table reads best as a table.
# fmt: off
PRODUCTS = {
    product.id: product
    for product in (
        Product("mug", _l("Cookie mug"), _l("Holds 350 ml of coffee."), Decimal("12.50"), "#c2410c", "Mu"),
        Product("tee", _l("Session T-shirt"), _l("Soft cotton, signed not encrypted."), Decimal("24.00"), "#1d4ed8", "Ts"),
        Product("cap", _l("Cap"), _l("Keeps the sun off while you debug."), Decimal("18.00"), "#047857", "Ca"),
        Product("pen", _l("Fountain pen"), _l("For signing things by hand."), Decimal("35.90"), "#7c3aed", "Pe"),
        Product("book", _l("Flask handbook"), _l("Three hundred pages on WSGI and friends."), Decimal("39.00"), "#b45309", "Fh"),
        Product("sock", _l("Socks"), _l("A pair, striped, one size."), Decimal("9.99"), "#be123c", "So"),
        Product("bag", _l("Tote bag"), _l("Carries a laptop and lunch."), Decimal("15.00"), "#0f766e", "To"),
        Product("tea", _l("Green tea"), _l("Fifty bags of sencha."), Decimal("7.25"), "#4d7c0f", "Gt"),
        Product("key", _l("Key ring"), _l("A brass key, purely symbolic."), Decimal("4.50"), "#a16207", "Kr"),
        Product("lamp", _l("Desk lamp"), _l("Warm light for late nights."), Decimal("1249.00"), "#475569", "La"),
        Product("jar", _l("Cookie jar"), _l("Glass, with a lid that seals."), Decimal("14.00"), "#9a3412", "Cj"),
        Product("note", _l("Notebook"), _l("Dotted pages for sketching requests."), Decimal("8.75"), "#1e40af", "Nb"),
        Product("hat", _l("Beanie"), _l("Wool, warm enough for cold starts."), Decimal("16.50"), "#15803d", "Be"),
        Product("mat", _l("Mouse mat"), _l("Printed with the HTTP status codes."), Decimal("11.00"), "#6d28d9", "Mm"),
        Product("clock", _l("Wall clock"), _l("Counts down to your session's expiry."), Decimal("29.00"), "#b91c1c", "Wc"),
        Product("plant", _l("Desk plant"), _l("A small cactus that needs no care."), Decimal("6.40"), "#3f6212", "Dp"),
        Product("cable", _l("USB cable"), _l("Two metres, braided."), Decimal("5.99"), "#334155", "Us"),
        Product("card", _l("Sticker pack"), _l("Twelve stickers for your laptop lid."), Decimal("3.20"), "#c026d3", "St"),
        Product("scarf", _l("Scarf"), _l("Long and knitted, in the site's colours."), Decimal("21.00"), "#0e7490", "Sc"),
        Product("chair", _l("Desk chair"), _l("Adjustable, for long debugging sessions."), Decimal("189.00"), "#57534e", "Dc"),
    )
}
# fmt: on


@lru_cache(maxsize=16)
def translated(language):
    """The catalogue with its names and descriptions in language, translated once.

    Translating a name on every use would look the translations up each time.
    A description is shown as the trusted markup a translation is; a name also goes
    into attributes, so it stays text to escape.
    """
    with force_locale(language):
        return {
            product.id: replace(
                product, name=str(product.name), description=Markup(product.description)
            )
            for product in PRODUCTS.values()
        }


def in_page_language():
    """The catalogue in the current page's language, in catalogue order."""
    return translated(str(get_locale()))
