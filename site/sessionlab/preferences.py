"""Preferences kept in the session: language, currency and theme."""

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _

from .forms import PreferencesForm
from .layout import current_theme
from .money import CURRENCIES, current_currency, format_price

bp = Blueprint("preferences", __name__)
EXAMPLE_PRICE = Decimal("1234.50")


def current_preferences():
    """The visitor's preferences as the form shows them."""
    return {"language": str(get_locale()), "currency": current_currency(), "theme": current_theme()}


@bp.route("/preferences", methods=["GET", "POST"])
def edit():
    """Show and change the language, currency and theme."""
    if request.method == "POST":
        form = PreferencesForm()
    else:
        form = PreferencesForm(data=current_preferences())
    if form.validate_on_submit():
        session.update(lang=form.language.data, currency=form.currency.data, theme=form.theme.data)
        refresh()  # the confirmation below is shown in the newly chosen language
        flash(_("Your preferences are saved."))
        return redirect(url_for("preferences.edit"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "preferences/edit.html",
        form=form,
        currencies=CURRENCIES,
        example_price=format_price(EXAMPLE_PRICE),
    ), status
