"""The product catalogue. Prices are in US dollars, the base currency."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    description: str
    price: Decimal
    colour: str
    monogram: str


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
    )
}
