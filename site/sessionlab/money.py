"""Currencies: fixed conversion rates from US dollars, and locale-aware formatting."""

from decimal import Decimal

from flask import session
from flask_babel import format_currency

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


def format_price(amount):
    """Convert an amount in the base currency and format it for the active locale."""
    currency = current_currency()
    return format_currency(amount * RATES[currency], currency)
