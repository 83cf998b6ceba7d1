"""Currencies: fixed conversion rates from US dollars, and locale-aware formatting."""

from decimal import Decimal
from functools import lru_cache, partial

from babel.numbers import format_currency
from flask import session
from flask_babel import get_locale

BASE_CURRENCY = "USD"
# Fixed demo rates: how many units of each currency one US dollar buys.
RATES = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "JPY": Decimal("150"),
}
CURRENCIES = tuple(RATES)


def current_currency():
    """The visitor's chosen currency, or the base currency."""
    chosen = session.get("currency")
    return chosen if chosen in RATES else BASE_CURRENCY


# Babel's formatting is slow next to the rest of a page (a 20-line cart shows 41
# prices) and depends only on these three arguments, so answers are kept.
@lru_cache(maxsize=4096)
def converted_price(amount, currency, locale):
    """amount, in the base currency, converted to currency and formatted for locale."""
    return format_currency(amount * RATES[currency], currency, locale=locale)


def format_price(amount):
    """Convert an amount in the base currency and format it for the active locale."""
    return price_formatter()(amount)


def price_formatter():
    """format_price for a page's prices, with the currency and language looked up once."""
    return partial(converted_price, currency=current_currency(), locale=str(get_locale()))
