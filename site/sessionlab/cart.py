"""A shopping cart kept in the session as {product id: quantity}."""

from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from . import stores
from .catalog import PRODUCTS, Product, in_page_language
from .forms import MAX_QUANTITY, CartAddForm, CartUpdateForm, ProductForm
from .money import price_formatter

bp = Blueprint("cart", __name__)


class FormLabels(NamedTuple):
    quantity: str
    update: str
    remove: str
    add: str


@lru_cache(maxsize=16)
def form_labels(language):
    """Each product's form labels ("Quantity of Cap", "Remove Cap"...) in language, made once.

    They are the same for every visitor, and a full cart shows three on each line.
    """
    with force_locale(language):
        return {
            product.id: FormLabels(
                quantity=_("Quantity of %(name)s", name=product.name),
                update=_("Update %(name)s", name=product.name),
                remove=_("Remove %(name)s", name=product.name),
                add=_("Add %(name)s to cart", name=product.name),
            )
            for product in PRODUCTS.values()
        }


def page_form_labels():
    """Each product's form labels in the current page's language."""
    return form_labels(str(get_locale()))


class CartLine(NamedTuple):
    product: Product
    labels: FormLabels
    quantity: int
    total: Decimal
    shown_price: str  # the product's price, and below the line's total, as the page shows them
    shown_total: str


def cart_lines(format_price):
    """The cart's lines with their products, form labels and totals, in catalogue order."""
    cart = session.get("cart", {})
    labels = page_form_labels()
    lines = []
    for product in in_page_language().values():
        if product.id in cart:
            quantity = cart[product.id]
            total = product.price * quantity
            shown = format_price(product.price), format_price(total)
            lines.append(CartLine(product, labels[product.id], quantity, total, *shown))
    return lines


def set_quantity(product_id, quantity):
    """Change one line in place (0 removes it); refuse if the session would overflow its store."""
    cart = session.get("cart", {})
    proposed = {**cart, product_id: quantity}
    if quantity and not stores.fits({**session, "cart": proposed}, session.permanent):
        return False
    if "cart" not in session:
        session["cart"] = cart
    if quantity:
        cart[product_id] = quantity
    else:
        cart.pop(product_id, None)
    # The session notices assignments to its own keys, not changes inside the
    # dict stored under one, so without this line the new cart is never saved.
    session.modified = True
    return True


def show_cart(errors=(), status=200):
    """Render the cart page, with error messages when a change was refused."""
    format_price = price_formatter()
    lines = cart_lines(format_price)
    return render_template(
        "cart/cart.html",
        lines=lines,
        grand_total=format_price(sum(line.total for line in lines)),
        errors=errors,
    ), status


def form_errors(form):
    return [message for messages in form.errors.values() for message in messages]


def cart_full():
    return show_cart([_("Your cart is full: the session has no room for more.")], 400)


@bp.get("/products")
def products():
    """List the catalogue, each product with an add-to-cart form."""
    products = in_page_language().values()
    format_price = price_formatter()
    return render_template(
        "cart/products.html",
        products=products,
        prices={product.id: format_price(product.price) for product in products},
        labels=page_form_labels(),
    )


@bp.get("/cart")
def show():
    """Show the cart's lines and totals in the visitor's currency."""
    return show_cart()


@bp.post("/cart/add")
def add():
    """Add a quantity of a product to the cart."""
    form = CartAddForm()
    if not form.validate():
        return show_cart(form_errors(form), 400)
    product = in_page_language()[form.product_id.data]
    quantity = int(form.quantity.data)
    total = session.get("cart", {}).get(product.id, 0) + quantity
    if total > MAX_QUANTITY:
        message = _("A cart line holds at most %(most)d of a product.", most=MAX_QUANTITY)
        return show_cart([message], 400)
    if not set_quantity(product.id, total):
        return cart_full()
    flash(_("Added %(quantity)d × %(name)s to the cart.", quantity=quantity, name=product.name))
    return redirect(url_for("cart.products"))


@bp.post("/cart/update")
def update():
    """Set a line's quantity; 0 removes the line."""
    form = CartUpdateForm()
    if not form.validate():
        return show_cart(form_errors(form), 400)
    if not set_quantity(form.product_id.data, int(form.quantity.data)):
        return cart_full()
    flash(_("Cart updated."))
    return redirect(url_for("cart.show"))


@bp.post("/cart/remove")
def remove():
    """Remove a product's line from the cart."""
    form = ProductForm()
    if not form.validate():
        return show_cart(form_errors(form), 400)
    set_quantity(form.product_id.data, 0)
    flash(_("Removed %(name)s from the cart.", name=in_page_language()[form.product_id.data].name))
    return redirect(url_for("cart.show"))


@bp.post("/cart/clear")
def clear():
    """Empty the cart, keeping the rest of the session."""
    session.pop("cart", None)
    flash(_("The cart is empty now."))
    return redirect(url_for("cart.show"))
