"""Flask-WTF forms: every POST carries a CSRF token and is validated here."""

import re

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Regexp, ValidationError

from .catalog import PRODUCTS
from .money import CURRENCIES

csrf = CSRFProtect()
# A form's CSRF field as _forms.html renders it: how clients that send forms without a
# browser (the tests, the e2e set-ups, the benchmark, the load run) read its token.
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

MAX_QUANTITY = 99
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch"}
THEMES = ("system", "light", "dark")
NOT_AN_EMAIL = _l("That is not a valid email address.")


def init_app(app):
    # CSRFProtect checks the token of every POST, PUT, PATCH and DELETE before its view,
    # except for views marked @csrf.exempt, and gives templates csrf_token().
    csrf.init_app(app)


class TextForm(FlaskForm):
    """A form that reads only the text fields of a submitted form."""

    class Meta:
        # CSRFProtect has already checked the token of every POST; a form-level check
        # would verify it again and sign a new one.
        csrf = False

        def wrap_formdata(self, form, formdata):
            """No form here takes a file, and a JSON body is not a form.

            Flask-WTF would hand an uploaded file or a JSON number or list to fields
            whose validators expect text.
            """
            return (request.form or None) if form.is_submitted() else None


class EmailForm(TextForm):
    email_address = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Please enter an email address.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            Email(NOT_AN_EMAIL),
            # Bytes that are not UTF-8 arrive as U+FFFD, which the Email check lets through.
            Regexp("^[^\ufffd]*$", message=NOT_AN_EMAIL),
        ],
    )
    remember = BooleanField(_l("Remember me"))


class PermanentForm(TextForm):
    permanent = StringField(
        _l("Keep the session after the browser closes"),
        validators=[AnyOf(("on", "off"), message=_l("Choose on or off."))],
    )


def whole_number(minimum):
    """Validate a whole number between minimum and MAX_QUANTITY."""

    def validate(form, field):
        text = (field.data or "").strip()
        if not text.isascii() or not text.isdigit():
            raise ValidationError(_l("The quantity must be a whole number."))
        # int() refuses thousands of digits; anything longer than the maximum is too big anyway.
        if len(text) > len(str(MAX_QUANTITY)) or not minimum <= int(text) <= MAX_QUANTITY:
            raise ValidationError(
                _l("The quantity must be from %(low)d to %(high)d.", low=minimum, high=MAX_QUANTITY)
            )

    return validate


def known_product(form, field):
    """Refuse product ids that are not in the catalogue."""
    if field.data not in PRODUCTS:
        raise ValidationError(_l("There is no such product."))


class ProductForm(TextForm):
    product_id = StringField(_l("Product"), validators=[known_product])


class CartAddForm(ProductForm):
    quantity = StringField(_l("Quantity"), default="1", validators=[whole_number(1)])


class CartUpdateForm(ProductForm):
    quantity = StringField(_l("Quantity"), validators=[whole_number(0)])


class PreferencesForm(TextForm):
    language = StringField(
        _l("Language"),
        validators=[AnyOf(list(LANGUAGES), message=_l("That language is not available."))],
    )
    currency = StringField(
        _l("Currency"),
        validators=[AnyOf(list(CURRENCIES), message=_l("That currency is not available."))],
    )
    theme = StringField(
        _l("Theme"), validators=[AnyOf(THEMES, message=_l("That theme is not available."))]
    )
