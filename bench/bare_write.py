"""The bare write: Session Lab's POST /cart/add in plain Flask, the session change and nothing more.

It does only what no cart add can do without: Flask opens its signed-cookie
session, the view adds the line and flashes a message, Flask signs the new
cookie, and the browser is sent on. Session Lab adds the CSRF check, the form's
validation, the translated message and the check that the cookie still fits,
so the distance between the two is what those cost. The secret key comes from
FLASK_SECRET_KEY, so it reads the same visitors' cookies as Session Lab.
"""

from flask import Flask, flash, redirect, request, session

app = Flask(__name__)
app.config.from_prefixed_env()


@app.post("/cart/add")
def add():
    """Add a quantity of a product to the cart, trusting the form as it comes."""
    product_id = request.form["product_id"]
    quantity = int(request.form["quantity"])
    cart = session.setdefault("cart", {})
    cart[product_id] = cart.get(product_id, 0) + quantity
    session.modified = True  # a change inside the cart's dict is not noticed by itself
    flash(f"Added {quantity} × {product_id} to the cart.")
    return redirect("/products")
